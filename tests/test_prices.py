"""Prices: prose forms, exchange rates, dates, kinds, places, price tables — on invented sentences."""

from __future__ import annotations

from datetime import date

import pytest

from dnkdata import gazetteer
from dnkdata.extract import extract_article
from dnkdata.extract.prices import SourceSpan, extract_prices

ARTICLE = "ab" * 8
PUBLISHED = date(2025, 6, 2)  # a Monday


def prices(body: str, published: date | None = PUBLISHED, speakers: list[SourceSpan] | None = None) -> list[dict]:
    mentions, _ = gazetteer.find_places(body)
    rows = extract_prices(ARTICLE, body, published_date=published, places=mentions, speakers=speakers or [])
    for row in rows:
        assert body[row.char_start:row.char_end] == row.mention, "offsets must point at the mention"
    return [row.__dict__ for row in rows]


def brief(row: dict) -> tuple:
    return row["item"], row["value"], row["currency"], row["place"], row["kind"]


@pytest.mark.parametrize("body, expected", [
    ("A kilogram of rice sold for 9,600 won in Hyesan.", ("rice", 9600, "KPW", "Hyesan", "current")),
    ("Corn cost KPW 5,500 per kilo in Sinuiju.", ("corn", 5500, "KPW", "Sinuiju", "current")),
    ("In Pyongyang a liter of diesel went for 18,000 KPW.", ("diesel", 18000, "KPW", "Pyongyang", "current")),
    ("Pork sold for 30 yuan per kilogram in Hyesan.", ("pork", 30, "CNY", "Hyesan", "current")),
    ("Gasoline sold for $1.20 per liter in Sinuiju.", ("gasoline", 1.2, "USD", "Sinuiju", "current")),
])
def test_prose_price_forms(body, expected):
    [row] = prices(body)
    assert brief(row) == expected


def test_units_per_kilo_and_quantity_first():
    [corn] = prices("Corn cost KPW 5,500 per kilo in Sinuiju.")
    assert corn["unit"] == "kg"
    [meth] = prices("One gram of Philopon sells for KPW 18,000 in Hamhung.")
    assert (meth["item"], meth["unit"]) == ("methamphetamine", "g")
    [flour] = prices("Two kilograms of flour cost 9,000 won.")
    assert (flour["item"], flour["unit"]) == ("flour", "2 kg")


def test_dollar_amount_below_one():
    [row] = prices("A pack of noodles cost $0.16 at the Hyesan market.")
    assert (row["item"], row["value"], row["currency"]) == ("noodle", 0.16, "USD")


@pytest.mark.parametrize("body", [
    "Cabbage fetched 4,800 to 5,000 won per kilogram in Hyesan.",
    "Cabbage fetched 4,800 won to 5,000 won per kilogram in Hyesan.",
    "Cabbage fetched between 4,800 and 5,000 won per kilogram in Hyesan.",
    "Cabbage fetched KPW 4,800-5,000 per kilogram in Hyesan.",
])
def test_ranges(body):
    [row] = prices(body)
    assert (row["item"], row["value"], row["value_high"], row["unit"]) == ("cabbage", 4800, 5000, "kg")


def test_up_from_is_a_previous_price_with_its_own_date():
    rows = prices("A kilogram of rice traded for 9,600 won at a Pyongyang market on May 25, "
                  "up from 9,000 won on May 10.")
    assert [brief(r) for r in rows] == [("rice", 9600, "KPW", "Pyongyang", "current"),
                                        ("rice", 9000, "KPW", "Pyongyang", "previous")]
    assert [r["observed_date"] for r in rows] == [date(2025, 5, 25), date(2025, 5, 10)]
    assert {r["observed_date_source"] for r in rows} == {"article_year"}


def test_rose_to_and_an_earlier_price_in_the_same_sentence():
    rows = prices("Radish sold for 1,200 won in February, but prices have since rose to 3,100 won.")
    assert [(r["value"], r["kind"]) for r in rows] == [(1200, "previous"), (3100, "current")]
    rows = prices("Rice prices rose from 8,000 won to 8,600 won in Hyesan.")
    assert [(r["value"], r["kind"], r["place"]) for r in rows] == [(8000, "previous", "Hyesan"),
                                                                   (8600, "current", "Hyesan")]


def test_bare_number_after_up_from_takes_the_currency_of_its_pair():
    rows = prices("Rice rose to 9,600 won, up from 9,000 a week ago.")
    assert [(r["value"], r["currency"], r["kind"]) for r in rows] == [(9600, "KPW", "current"),
                                                                      (9000, "KPW", "previous")]


@pytest.mark.parametrize("body, item, value", [
    ("In Sinuiju 1 dollar traded for 8,000 won.", "usd", 8000),
    ("The dollar/won rate stood at 8,100 in Sinuiju.", "usd", 8100),
    ("The exchange rate in Sinuiju reached 8,150 won.", "usd", 8150),
    ("In Sinuiju the won fell to 8,200 per dollar.", "usd", 8200),
    ("In Sinuiju one yuan fetched 1,150 won.", "cny", 1150),
    ("In Sinuiju the Chinese yuan traded at 1,160 won.", "cny", 1160),
])
def test_exchange_rates(body, item, value):
    [row] = prices(body)
    assert (row["item"], row["value"], row["currency"], row["unit"], row["place"]) == (
        item, value, "KPW", item, "Sinuiju")


def test_as_of_sunday_resolves_against_the_article_date():
    [row] = prices("As of Sunday, rice sold for 9,500 won in Hyesan.")
    assert row["observed_date"] == date(2025, 6, 1)
    assert row["observed_date_source"] == "article_date"


def test_full_date_in_text_and_unknown_year():
    [row] = prices("Rice sold for 9,500 won in Hyesan on May 3, 2024.")
    assert (row["observed_date"], row["observed_date_source"]) == (date(2024, 5, 3), "text")
    [row] = prices("Rice sold for 9,500 won in Hyesan on May 3.", published=None)
    assert row["observed_date"] is None and row["observed_date_source"] is None
    [row] = prices("Rice sold for 9,500 won in Hyesan in May.")
    assert row["observed_date"] is None  # a month is no day: never guessed


def test_december_date_in_a_january_story_is_last_year():
    [row] = prices("Rice sold for 9,500 won in Hyesan on Dec. 28.", published=date(2025, 1, 3))
    assert row["observed_date"] == date(2024, 12, 28)


@pytest.mark.parametrize("body, item", [
    ("Traders paid a bribe of 500 dollars to border guards in Hyesan.", "bribe"),
    ("Workers at the Hyesan mine earn a monthly salary of 5,000 won.", "wage"),
    ("A vendor in Hyesan was fined 100,000 won.", "fine"),
    ("Parents in Hyesan pay a school fee of 20,000 won.", "fee"),
])
def test_wages_fines_bribes_fees_are_other(body, item):
    [row] = prices(body)
    assert (row["item"], row["kind"]) == (item, "other")


def test_state_prices_in_the_sentence_before_make_a_list_other():
    rows = prices("The county factory supplied goods at state prices in April. "
                  "Items included soap (2,500 won) and toothpaste (2,000 won).")
    assert [(r["item"], r["value"], r["kind"], r["mention"]) for r in rows] == [
        ("soap", 2500, "other", "soap (2,500 won)"), ("toothpaste", 2000, "other", "toothpaste (2,000 won)")]


@pytest.mark.parametrize("body", [
    "A bag of cement costs about KPW 24,000 (just under USD 3) in Chongjin.",
    "A kilogram of corn cost 1,300 won ($0.16) in Chongjin.",
    "A kilogram of corn cost 1,300 won, or about $0.16, in Chongjin.",
])
def test_restatement_in_another_currency_is_not_a_second_price(body):
    [row] = prices(body)
    assert row["currency"] == "KPW"


def test_rent_in_kind_and_counts_are_not_prices():
    assert prices("You have to pay 20 kilograms of corn a month for a room, and 300 families lost homes.") == []
    assert prices("In 2019 he won 3 medals.") == []


def test_quoted_price_takes_the_source_place_when_the_sentence_names_none():
    body = "“Rice now sells for 9,800 won,” a source in Ryanggang province said."
    end = body.index("”")
    ryanggang = next(m.place for m in gazetteer.find_places(body)[0] if m.place.name == "Ryanggang")
    [row] = prices(body, speakers=[SourceSpan(1, end, ryanggang)])
    assert (row["place"], row["place_id"]) == ("Ryanggang", ryanggang.place_id)


def test_unquoted_general_price_has_no_place():
    body = "A source in Chongjin described the arrests.\n\nOne gram of ice reportedly costs about KPW 15,000."
    [row] = prices(body)
    assert row["place"] is None


def test_price_table_inside_the_body_one_row_per_cell():
    body = ("Prices rose again this week.\n\nMarket prices as of May 25:\n\n"
            "| Item | Pyongyang | Sinuiju | Hyesan | |---|---|---|---| | Rice (1 kg) | 9,600 | 9,500 | - | "
            "| USD | 28,000 | 28,200 | 28,100 |\n\nThe dollar held steady.")
    rows = prices(body)
    got = [(r["item"], r["value"], r["currency"], r["unit"], r["place"], r["observed_date"]) for r in rows]
    assert got == [
        ("rice", 9600, "KPW", "kg", "Pyongyang", date(2025, 5, 25)),
        ("rice", 9500, "KPW", "kg", "Sinuiju", date(2025, 5, 25)),
        ("usd", 28000, "KPW", "usd", "Pyongyang", date(2025, 5, 25)),
        ("usd", 28200, "KPW", "usd", "Sinuiju", date(2025, 5, 25)),
        ("usd", 28100, "KPW", "usd", "Hyesan", date(2025, 5, 25)),
    ]
    assert all(r["kind"] == "current" for r in rows)


def test_table_with_cities_in_rows():
    body = ("Prices this week.\n\n| City | Rice | Corn |\n|---|---|---|\n| Hyesan | 9,700 | 3,900 |\n"
            "| Sinuiju | 9,500 | 3,700 |")
    got = [(r["place"], r["item"], r["value"]) for r in prices(body)]
    assert got == [("Hyesan", "rice", 9700), ("Hyesan", "corn", 3900), ("Sinuiju", "rice", 9500),
                   ("Sinuiju", "corn", 3700)]


def test_legacy_hard_line_breaks():
    [row] = prices("A source in Hyesan said that a kilogram of rice\nsold for 2,500\nwon on the 27th.")
    assert (row["item"], row["value"], row["place"]) == ("rice", 2500, "Hyesan")
    assert (row["observed_date"], row["observed_date_source"]) == (date(2025, 5, 27), "article_date")


def test_extract_article_returns_prices_with_evaluation_fields():
    body = "“Rice now sells for 9,800 won,” a source in Hyesan said on Sunday."
    out = extract_article(ARTICLE, body, published_date=PUBLISHED)
    [row] = out["prices"]
    assert {"item", "value", "value_high", "currency", "unit", "place", "observed_date", "kind", "mention",
            "price_id", "char_start", "char_end"} <= set(row)
    assert row["place"] == "Hyesan"


@pytest.mark.parametrize("body", [
    "Rice prices in Hyesan fell by 60 won this week.",
    "The price of corn in Sinuiju rose by nearly 1,500 won over the winter.",
    "Pork in Hyesan saw a 2,000 KPW increase within a month.",
    "Diesel in Sinuiju recorded a drop of 300 won after the border reopened.",
    "Flour in Chongjin posted a 300-500 won drop since spring.",
    "Traders in Hyesan say soybean oil is now a 150 won less value than before.",
    "Sugar went up 400 won in Sinuiju.",
])
def test_a_change_in_price_is_not_a_price(body):
    assert prices(body) == []


def test_a_change_beside_prices_leaves_only_the_prices():
    rows = prices("Rice sold for 920 won in Hyesan, around 300 won lower than in the spring.")
    assert [brief(r) for r in rows] == [("rice", 920, "KPW", "Hyesan", "current")]
    rows = prices("A kilogram of corn cost 1,600 won in Sinuiju, 1,700 won in Chongjin and 1,650 won in Hyesan; "
                  "after drops of 300, 250 and 150 won.")
    assert [(r["value"], r["place"]) for r in rows] == [(1600, "Sinuiju"), (1700, "Chongjin"), (1650, "Hyesan")]


def test_fell_by_an_amount_to_a_price_is_one_current_price_not_a_range():
    [row] = prices("In Hyesan, pork slid roughly 2,000 KPW to 13,400 KPW.")
    assert (row["item"], row["value"], row["value_high"], row["kind"]) == ("pork", 13400, None, "current")


def test_a_restatement_in_square_brackets_is_not_a_second_price():
    [row] = prices("Gasoline sold for 7,400 KPW [0.91 USD] a kilogram in Hyesan.")
    assert (row["item"], row["value"], row["currency"]) == ("gasoline", 7400, "KPW")


def test_the_currency_of_a_restated_amount_names_no_item():
    rows = prices("In Hyesan, diesel, which was 6,000 KPW [0.74 USD] in May, rose in June to 8,200 KPW [1.01 USD].")
    assert [(r["item"], r["value"], r["currency"], r["kind"]) for r in rows] == [
        ("diesel", 6000, "KPW", "previous"), ("diesel", 8200, "KPW", "current")]
    rows = prices("A kilogram of diesel costs 6,480 KPW [0.79 USD] in Sinuiju, a 900 KPW [0.11 USD] increase.")
    assert [(r["item"], r["value"], r["currency"]) for r in rows] == [("diesel", 6480, "KPW")]


@pytest.mark.parametrize("body, value", [
    ("Drivers in Hyesan are to be compensated in the amount of 180,000 KPW [22 USD] a month.", 180000),
    ("So far the miners in Hyesan have only been paid 25,000 KPW [3 USD].", 25000),
    ("Most workers in Hyesan now take home 25,000 KPW as payment.", 25000),
])
def test_pay_for_work_is_a_wage_even_with_a_restatement(body, value):
    [row] = prices(body)
    assert (row["item"], row["value"], row["currency"], row["kind"]) == ("wage", value, "KPW", "other")


def test_paying_for_goods_is_still_a_price():
    [row] = prices("Traders in Hyesan paid 5,000 won for a kilogram of rice.")
    assert (row["item"], row["value"], row["kind"]) == ("rice", 5000, "current")


@pytest.mark.parametrize("body", [
    "Rice in Sinuiju climbed to KWP 5,900 a kilogram.",
    "Rice in Sinuiju climbed to 5,900 KWP a kilogram.",
])
def test_the_typo_kwp_is_the_won(body):
    [row] = prices(body)
    assert (row["item"], row["value"], row["currency"], row["unit"], row["place"]) == (
        "rice", 5900, "KPW", "kg", "Sinuiju")


def test_a_when_clause_after_an_earlier_survey_holds_a_previous_price():
    rows = prices("A kilogram of corn cost KPW 3,150 in Hyesan as of May 20, a 5.1% drop on the prior survey of "
                  "May 6, when it cost KPW 3,320.")
    assert [(r["item"], r["value"], r["place"], r["kind"]) for r in rows] == [
        ("corn", 3150, "Hyesan", "current"), ("corn", 3320, "Hyesan", "previous")]
    rows = prices("One dollar traded for KPW 8,600 in Sinuiju on May 20, a 1.2% rise on the survey of ten days "
                  "earlier, when the dollar went for KPW 8,500 in Sinuiju on May 10.")
    assert [(r["item"], r["value"], r["kind"], r["observed_date"]) for r in rows] == [
        ("usd", 8600, "current", date(2025, 5, 20)), ("usd", 8500, "previous", date(2025, 5, 10))]


def test_a_when_clause_with_no_earlier_time_before_it_is_current():
    [row] = prices("Trade picked up in May, when rice cost 5,000 won in Hyesan.")
    assert (row["value"], row["kind"]) == (5000, "current")


@pytest.mark.parametrize("body, place", [
    ("Traders in Hyesan, Yanggang Province, say the yuan fetched KPW 1,390 this week.", "Hyesan"),
    ("A source in Musan County, North Hamgyong Province said that rice sold for 4,800 won.", "Musan"),
    ("A source in Yanggang Province said that rice sold for 4,800 won.", "Ryanggang"),
    ("Hyesan traders, unlike those in North Pyongan Province, said rice sold for 4,800 won.", "North Pyongan"),
])
def test_a_province_naming_where_the_place_before_it_lies_does_not_replace_it(body, place):
    [row] = prices(body)
    assert row["place"] == place


@pytest.mark.parametrize("body, item", [
    ("In Hyesan the yuan-to-won exchange rate stood at KPW 1,390.", "cny"),
    ("In Hyesan the yuan-won market exchange rate stood at KPW 1,390.", "cny"),
    ("In Hyesan the Chinese yuan exchange rate stood at KPW 1,390.", "cny"),
    ("In Hyesan the dollar-to-won exchange rate stood at KPW 8,390.", "usd"),
    ("In Hyesan the exchange rate stood at KPW 8,390.", "usd"),
])
def test_a_currency_named_before_exchange_rate_is_the_rate_item(body, item):
    [row] = prices(body)
    assert (row["item"], row["unit"], row["place"]) == (item, item, "Hyesan")


def test_in_a_for_list_each_value_takes_the_item_that_follows_it():
    rows = prices("Market prices in Hoeryong last week were 950won for 1kilo of rice, 450won for 1kg of corn, "
                  "600won for 1kg flour, and 350won for a cabbage.")
    assert [(r["item"], r["value"], r["place"], r["kind"]) for r in rows] == [
        ("rice", 950, "Hoeryong", "current"), ("corn", 450, "Hoeryong", "current"),
        ("flour", 600, "Hoeryong", "current"), ("cabbage", 350, "Hoeryong", "current")]
    assert [r["mention"] for r in rows] == ["950won for 1kilo of rice", "450won for 1kg of corn",
                                            "600won for 1kg flour", "350won for a cabbage"]
    rows = prices("Hoeryong traders quoted 250won per 1kg of pork and 1,300won per kilo of sugar.")
    assert [(r["item"], r["value"]) for r in rows] == [("pork", 250), ("sugar", 1300)]


def test_for_a_unit_alone_keeps_the_item_named_before():
    [row] = prices("Pork cost 12,000 won for a kilogram in Hyesan, traders said.")
    assert (row["item"], row["unit"]) == ("pork", "kg")


@pytest.mark.parametrize("body", ["Bean oil sold for 2,300 won a kilogram in Hyesan.",
                                  "Soybean oil sold for 2,300 won a kilogram in Hyesan."])
def test_bean_oil_is_soybean_oil(body):
    [row] = prices(body)
    assert (row["item"], row["value"]) == ("soybean oil", 2300)


def test_an_earlier_dated_price_of_the_same_item_and_place_in_the_paragraph_is_previous():
    body = ("In Hyesan the yuan fetched KPW 1,390 on May 18 at a market. Given that the yuan fetched KPW 1,250 "
            "on May 4, the rate has risen 11% in two weeks.")
    rows = prices(body)
    assert [(r["item"], r["value"], r["place"], r["kind"], r["observed_date"]) for r in rows] == [
        ("cny", 1390, "Hyesan", "current", date(2025, 5, 18)), ("cny", 1250, "Hyesan", "previous", date(2025, 5, 4))]
    assert [r["kind"] for r in prices(body, published=None)] == ["current", "current"]  # days unknown: no order


def test_two_dated_reports_of_one_place_with_no_change_spoken_of_stay_current():
    rows = prices("The dollar traded for 24,600 won in Sinuiju on May 11, said a trader, who put the May 25 rate "
                  "in Sinuiju at 26,000 won to the dollar.")
    assert [(r["value"], r["kind"]) for r in rows] == [(24600, "current"), (26000, "current")]


def test_earlier_dated_prices_elsewhere_or_in_another_paragraph_stay_current():
    rows = prices("In Hyesan the yuan fetched KPW 1,390 on May 18. In Sinuiju the yuan fetched KPW 1,250 "
                  "on May 4.")
    assert [r["kind"] for r in rows] == ["current", "current"]
    rows = prices("In Hyesan the yuan fetched KPW 1,390 on May 18.\n\nIn Hyesan the yuan fetched KPW 1,250 "
                  "on May 4.")
    assert [r["kind"] for r in rows] == ["current", "current"]


@pytest.mark.parametrize("body, expected", [
    ("Rice went for 9,400 won a kilogram at a marketplace in Kanggye on May 3.",
     ("rice", 9400, "KPW", "Kanggye", "current")),
    ("Corn went for 3,900 won ($0.15) a kilogram at a Hoeryong market.", ("corn", 3900, "KPW", "Hoeryong", "current")),
    ("Rice was selling for KPW 8,700 in one Kanggye market.", ("rice", 8700, "KPW", "Kanggye", "current")),
    ("One yuan traded for 2,300 won at markets in Hyesan and Sinuiju.", ("cny", 2300, "KPW", "Hyesan", "current")),
])
def test_the_place_after_a_price_through_a_market_or_a_bracket(body, expected):
    assert brief(prices(body)[0]) == expected


@pytest.mark.parametrize("body", [
    "Rice cost 9,500 won a kilogram in Hamhung, 4% higher than ten days before (9,100 won on May 2).",
    "Rice cost 9,500 won a kilogram in Hamhung, down 3% from the prior survey (9,800 won).",
    "Rice cost 9,500 won a kilogram in Hamhung, 2% lower than the rate (9,700 won) of the last survey.",
])
def test_a_bracketed_price_after_a_comparison_is_previous(body):
    assert [row["kind"] for row in prices(body)] == ["current", "previous"]


def test_a_bracket_after_a_place_named_with_from_is_no_comparison():
    body = "Rice from China sold at a Hyesan market (9,000 won a kilogram) this week."
    assert [row["kind"] for row in prices(body)] == ["current"]


@pytest.mark.parametrize("body", [
    "Corn in Manpo crossed the 3,100 won line this spring.",
    "Rice stayed in the mid-8,000 won range in Sinuiju.",
    "Rice fell back toward 8,000 won in Sinuiju on May 2.",
    "Rice in Hamhung sat in the lower half of 6,000 won per kilogram.",
    "Traders expect that the yuan could climb to 1,100 won by autumn.",
])
def test_levels_thresholds_and_forecasts_are_no_prices(body):
    assert prices(body) == []


def test_rates_posted_by_an_official_exchange_office_are_not_market_prices():
    body = "An official exchange office in Pyongyang posted rates of 17,900 won per dollar and 2,350 won per yuan."
    assert [(row["item"], row["value"], row["kind"]) for row in prices(body)] == [
        ("usd", 17900, "other"), ("cny", 2350, "other")]


def test_the_rate_after_a_currency_price_is_that_currency_and_since_the_last_survey_marks_the_earlier_one():
    body = ("The yuan traded at 1,250 won at a market in Hyesan on June 9. The rate rose 30 won in two weeks, since "
            "the last survey on Jun. 1 (1,220 won).")
    assert [(row["item"], row["value"], row["place"], row["kind"]) for row in prices(body)] == [
        ("cny", 1250, "Hyesan", "current"), ("cny", 1220, "Hyesan", "previous")]


def test_items_and_amounts_listed_respectively_pair_in_order_and_share_the_place_after():
    body = ("Rice, corn and pork cost 5,200 won, 2,400 won and 11,000 won respectively in Chongjin. "
            "Gasoline and diesel sold for KPW 8,800 and KPW 5,900, respectively, at a market in Hyesan.")
    assert [(row["item"], row["value"], row["place"]) for row in prices(body)] == [
        ("rice", 5200, "Chongjin"), ("corn", 2400, "Chongjin"), ("pork", 11000, "Chongjin"),
        ("gasoline", 8800, "Hyesan"), ("diesel", 5900, "Hyesan")]


def test_places_listed_respectively_pair_with_the_amounts_and_a_bare_number_listed_before_a_price_is_one():
    body = ("In Manpo (Jagang province) and Kanggye (Jagang province), rice fell to 8,100 won and 8,300 won per "
            "kilogram respectively. Corn prices dipped in Hoeryong and Musan to 2,950 and 3,010 won respectively.")
    assert [(row["item"], row["value"], row["place"]) for row in prices(body)] == [
        ("rice", 8100, "Manpo"), ("rice", 8300, "Kanggye"), ("corn", 2950, "Hoeryong"), ("corn", 3010, "Musan")]
