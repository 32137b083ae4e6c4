"""The plain-text parser on invented captures of every family in FORMATS.md."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from dnkdata.sources.text import parse_text
from tests.conftest import TEXT_FIXTURES, expected_for


@pytest.fixture(params=TEXT_FIXTURES, ids=lambda p: p.stem)
def case(request):
    capture = request.param
    return parse_text(capture.read_text(encoding="utf-8")), expected_for(capture)


def test_fields(case):
    article, expected = case
    assert article.title == expected["title"]
    assert article.standfirst == expected["standfirst"]
    assert article.byline == expected["byline"]
    assert article.url == expected["url"]
    assert article.source_site == expected["source_site"]
    assert article.has_korean_version is expected["has_korean_version"]
    assert article.is_excerpt is expected["is_excerpt"]


def test_dates(case):
    article, expected = case
    want_date = expected["published_date"] and date.fromisoformat(expected["published_date"])
    want_at = expected["published_at"] and datetime.fromisoformat(expected["published_at"])
    assert article.published_date == (want_date or None)
    assert article.published_at == (want_at or None)


def test_body_has_no_chrome(case):
    article, expected = case
    body = " ".join(article.body.split())
    assert body.startswith(expected["body_start"])
    assert body.endswith(expected["body_end"])
    for chrome in expected["chrome_absent"]:
        assert chrome not in article.body


def test_paragraphs_are_blank_line_separated(case):
    article, _ = case
    assert "\n\n\n" not in article.body
    assert all(p.strip() == p and p for p in article.body.split("\n\n"))


def test_capture_date_is_not_publication_date():
    text = "21.0 C\nDelhi\nMonday, March 3, 2025\n\nA headline about Sinuiju markets\n\nThe body says nothing of dates.\n"
    article = parse_text(text)
    assert article.published_date is None
    assert "Delhi" not in article.body and "Monday" not in article.body


def test_no_title_when_capture_starts_with_body():
    article = parse_text("North Korea has raised prices again. A source said so.\n\nMore text here follows.\n")
    assert article.title is None
    assert article.body.startswith("North Korea has raised")


def test_legacy_line_breaks_rejoin_lost_apostrophes():
    text = ("A headline for a legacy page\n\nPeople say the market\nisn\nt open and\npeople\ns homes are cold.\n\n"
            "Another paragraph ends here.\n\nAnd a third one too.\n")
    article = parse_text(text)
    assert "the market isn't open and people's homes are cold." in article.body
    assert article.body.count("\n\n") == 2  # hard wraps joined, paragraph breaks kept


def test_first_line_of_a_wrapped_lede_is_not_a_title():
    text = ("North Korean authorities have ordered farms in\nHamhung to hand over seed grain, a source said.\n\n"
            "Second paragraph here.\n\nThird paragraph here.\n")
    article = parse_text(text)
    assert article.title is None and article.body.startswith("North Korean authorities have ordered farms in Hamhung")


def test_cut_off_capture_drops_a_dangling_bracket():
    article = parse_text("First paragraph ends here.\n\nThe capture stops in the middle of an insertion [")
    assert article.is_excerpt and article.body.endswith("an insertion")


def test_ad_markers_and_site_line_are_chrome():
    text = ("[ad_1]\ndailynk.com\nA headline about phones in Hyesan\nResidents must register phones, sources say.\n"
            "“Anyone caught will be punished,” a source said.\n[ad_2]\nSource link\n")
    article = parse_text(text)
    assert (article.title, article.source_site) == ("A headline about phones in Hyesan", "dailynk.com")
    assert "ad_" not in article.body and "Source link" not in article.body and "dailynk.com" not in article.body


def test_capitalised_tag_list_is_chrome_not_a_title():
    text = "North Korea, military, conscription\n\nA real headline here\n\nThe body starts here. It goes on.\n"
    assert parse_text(text).title == "A real headline here"


def test_author_biography_and_contact_lines_are_not_body():
    text = ("A headline about the market\n\nJane Roe  |  2023-11-14 09:05\n\nThe story body is here.\n\n"
            "Jane Roe is a reporter who covers markets. She can be reached at jane@example.com.\n")
    article = parse_text(text)
    assert article.body == "The story body is here."


def test_section_label_and_by_line_are_chrome():
    text = ("Economy\n\nRice prices climb again in Hamhung markets\n\nBy Jane Roe - 2023.03.14 5:00pm\n\n"
            "Rice prices rose again this week in Hamhung, a source said.\n\nMore text follows here.\n")
    article = parse_text(text)
    assert (article.title, article.byline) == ("Rice prices climb again in Hamhung markets", "Jane Roe")
    assert article.published_at == datetime(2023, 3, 14, 17, 0)
    assert article.body.startswith("Rice prices rose") and "Economy" not in article.body


# ---- chrome shapes met in unseen captures (all passages invented)

@pytest.mark.parametrize("text, body_start, credit", [
    # a "Graphic:" credit line, and the keyword line above it
    ("won dollar rate\nGraphic: Daily NK\n\nThe dollar gained against the won this month, Daily NK has "
     "learned.\n\nTraders in Hyesan said the rate kept climbing.\n", "The dollar gained", "Graphic"),
    # a wire photo caption that opens with the quote it shows
    ("\"Farm workers gathered at a rally in Anju on June 3,\" state media reported. (Rodong Sinmun-News1)\n\n"
     "Security officials were told to watch farms more closely this summer, a source said.\n\n"
     "The order came from the central ministry.\n", "Security officials", "News1"),
])
def test_a_credited_caption_above_the_story_is_chrome_not_a_title(text, body_start, credit):
    article = parse_text(text)
    assert article.title is None
    assert article.body.startswith(body_start) and credit not in article.body


def test_embedded_chart_lines_are_chrome():
    text = ("Corn prices fell in Sinuiju this week, a source said.\n![]() *KPW per Kilogram |\n"
            "Rice held steady in the same markets.\n")
    article = parse_text(text)
    assert "![" not in article.body and "Rice held steady" in article.body


def test_old_site_image_slot_is_not_body():
    article = parse_text("[imText1]The market in Hoeryong reopened on Monday.\n\nTraders returned slowly.\n")
    assert article.body.startswith("The market in Hoeryong")


def test_sources_disclaimer_ends_the_story():
    text = ("Police stepped up patrols in Haeju this month, a source said.\n\n"
            "Daily NK works with a network of sources whose names are withh")
    article = parse_text(text)
    assert article.body == "Police stepped up patrols in Haeju this month, a source said."


@pytest.mark.parametrize("caption", [
    "Workers repair a bridge near Sinuiju on July 3. /Photo from Rodong Sinmun, News1",
    "Workers repair a bridge near Sinuiju on July 3. / Photo: Rodong Sinmun, News1",
    "Workers repair a bridge near Sinuiju. Image: Yonhap News Agency",
    "Workers repair a bridge near Sinuiju. Image (May 2019): Daily NK",
])
def test_caption_credit_forms_mark_a_caption_and_the_keyword_line_above_it(caption):
    text = ("Flood repairs in Sinuiju fell behind schedule, a source said.\n\n"
            f"bridge, flood, sinuiju\n{caption}\n\nResidents were mobilised every morning.\n")
    article = parse_text(text)
    assert article.body == ("Flood repairs in Sinuiju fell behind schedule, a source said.\n\n"
                            "Residents were mobilised every morning.")


def test_a_blogs_repost_lead_in_and_trailer_are_chrome():
    text = ("Daily NK on rice in Hamhung\n\nAccording to the Daily NK:\n\nRice rose to 5,000 won in Hamhung, a source "
            "said.\n\nTraders expect more increases.\n\nRead the full story here:\nRice climbs again\nDaily NK\n\n"
            "Comments are closed.\n")
    article = parse_text(text)
    assert article.title == "Daily NK on rice in Hamhung"
    assert article.body == "Rice rose to 5,000 won in Hamhung, a source said.\n\nTraders expect more increases."


def test_alt_text_that_repeats_the_caption_is_chrome():
    text = ("Rail traffic to Rason resumed last week, a source said.\n\n"
            "A freight train waits at a station near Rason.\n"
            "A freight train waits at a station near Rason. Image (May 2019): Daily NK\n\n"
            "Traders welcomed the news.\n")
    article = parse_text(text)
    assert article.body == "Rail traffic to Rason resumed last week, a source said.\n\nTraders welcomed the news."


def test_a_cut_off_last_line_is_body_unless_it_reads_as_a_caption():
    story = "Rice prices fell again in Hyesan this week, a source said.\n\n"
    assert parse_text(story + "Some of the traders").body.endswith("Some of the traders")
    assert parse_text(story + "Two officers placed on suspen").body.endswith("placed on suspen")
    assert parse_text(story + "Kim Tok Hun inspecting a fac").body == story.strip()


def test_a_byline_of_two_authors_gives_the_date():
    article = parse_text("Jane Roe; John Doe  |  2017-01-12 16:26\n\nThe story body is here, a source said.\n")
    assert article.published_date == date(2017, 1, 12) and article.body == "The story body is here, a source said."


def test_courtesy_credit_and_a_long_state_media_caption_are_chrome():
    caption = ("The party paper said on Aug. 12 that the premier inspected storm damage in two counties of South "
               "Hamgyong province. “" + "The party will rebuild every house before winter and no family will be left "
               "without shelter, ” " * 4 + "the paper said. (Minju Joson, News 1)")
    assert len(caption) > 400
    text = (f"Workers at a Russian building site. (Courtesy of Jane Roe)\n\n{caption}\n\n"
            "Security officials hid the leaks from the party, a source said.\n")
    article = parse_text(text)
    assert article.title is None and article.body == "Security officials hid the leaks from the party, a source said."


@pytest.mark.parametrize("text, title, body", [
    # share and comment counters under the headline
    ("Farmers told to hand in seed corn early\n\n0\n14\nA notice reached every farm in Ryongchon county last week, "
     "a source said.\n", "Farmers told to hand in seed corn early",
     "A notice reached every farm in Ryongchon county last week, a source said."),
    # a one-word section label above the headline
    ("Shipping\n\nCoal exports resume at Nampo port\n\nShips were loaded again last week, a source said.\n",
     "Coal exports resume at Nampo port", "Ships were loaded again last week, a source said."),
])
def test_lines_around_the_headline_that_are_chrome(text, title, body):
    article = parse_text(text)
    assert (article.title, article.body) == (title, body)


def test_a_blog_date_line_with_its_author_and_an_empty_date_label():
    article = parse_text(" date 2021-04-09 By: Jane Roe\n\nDiesel is scarce in the north, a source said.\n")
    assert (article.title, article.published_date, article.byline) == (None, date(2021, 4, 9), "Jane Roe")
    assert article.body == "Diesel is scarce in the north, a source said."
    empty = parse_text("Thursday, May 1, 2025\n\nOrchard fruit sold off the books\n\nDate:\n\nThe apples went to "
                       "traders at night, a source said.\n")
    assert empty.body == "The apples went to traders at night, a source said." and empty.published_date is None


def test_a_translated_photo_credit_with_an_equals_sign_is_a_caption():
    text = ("Grain shop queues grow\n\nA grain shop in Sariwon sold rice to residents last week, a source said.\n\n"
            "On March 3 the party paper printed a photo of a grain shop titled “Serving the people.” /Photo = News 1\n\n"
            "Queues formed before dawn, the source added.\n")
    article = parse_text(text)
    assert article.body == ("A grain shop in Sariwon sold rice to residents last week, a source said.\n\n"
                            "Queues formed before dawn, the source added.")


def test_a_long_headline_is_not_split_after_a_function_word():
    title = "Bean and flour costs at the North Hamgyong border markets keep on climbing despite the larger imports from abroad"
    article = parse_text(f"{title}\n\nBean prices rose again this month, a source in Hyesan said.\n")
    assert article.title == title


def test_a_lone_opening_mark_where_the_capture_stopped_is_not_body():
    article = parse_text("Markets closed early on Sunday, the source said.\n\n“\n")
    assert article.body == "Markets closed early on Sunday, the source said."


def test_a_photograph_credit_its_alt_text_and_a_byline_naming_daily_nk_are_chrome():
    text = ("Coal miners go unpaid\n\nBy Jane Roe, Daily NK (S.Korea)\n\nMiners wait outside a pit.\n"
            "Miners wait outside a pit, say reports. Photograph: Jane Roe/Agency\n\n"
            "Miners in Tanchon have not been paid since spring, a source said.\n")
    article = parse_text(text)
    assert (article.title, article.byline) == ("Coal miners go unpaid", "Jane Roe")
    assert article.body == "Miners in Tanchon have not been paid since spring, a source said."


def test_a_translator_credit_and_the_contact_line_end_the_story():
    text = ("Rice prices fell again in Hyesan this week, a source said.\n\n*Translated by Jane Roe\n\n"
            "Please direct any comments or questions about this article to the editors.\n")
    assert parse_text(text).body == "Rice prices fell again in Hyesan this week, a source said."


@pytest.mark.parametrize("text, title, body", [
    # a one-word breadcrumb, then a headline ending with a quoted phrase
    ("Issue >\n\nGuards told to watch the ‘river crossers’\n\nGuards in Musan were given new orders, a source "
     "said.\n", "Guards told to watch the ‘river crossers’", "Guards in Musan were given new orders, a source said."),
    # the author's name alone under the headline
    ("Phone dealers arrested in Sinuiju\n\nJane Roe\n\nThree dealers were held last week, a source said.\n",
     "Phone dealers arrested in Sinuiju", "Three dealers were held last week, a source said."),
])
def test_breadcrumbs_quoted_headline_endings_and_author_lines(text, title, body):
    article = parse_text(text)
    assert (article.title, article.body) == (title, body)


@pytest.mark.parametrize("trailer", [
    "Print Friendly, PDF & Email",
    "Please send any comments or questions about this article to the editors.",
    "The Daily NK works with a network of sources inside the country.",
])
def test_more_trailer_lines_end_the_story(trailer):
    text = f"Rice prices fell again in Hyesan this week, a source said.\n\n{trailer}\n"
    assert parse_text(text).body == "Rice prices fell again in Hyesan this week, a source said."


def test_a_question_in_title_case_is_a_headline_and_a_lowercase_question_is_a_lede():
    story = "Rice rose again in Hyesan, a source said.\n"
    headline = parse_text("Why Are Rice Prices Climbing So Fast?\n\n" + story)
    assert (headline.title, headline.body) == ("Why Are Rice Prices Climbing So Fast?", story.strip())
    lede = parse_text("Why are rice prices climbing so fast?\n\n" + story)
    assert lede.title is None and lede.body.startswith("Why are rice prices")


def test_a_blog_repost_heading_its_post_date_author_and_lead_in_are_chrome():
    text = ("Archive for the ‘Markets’ Category\n\nRice dearer in the north\n\nTuesday, March 3rd, 2020\n\nJane Roe\n\n"
            "Daily NK:\n\n“Rice went up again this week,” said a source in Hyesan.\n")
    article = parse_text(text)
    assert (article.title, article.published_date, article.byline) == (
        "Rice dearer in the north", date(2020, 3, 3), "Jane Roe")
    assert article.body == "“Rice went up again this week,” said a source in Hyesan."


def test_an_outlet_line_with_its_authors_a_section_label_and_a_day_month_year_date_are_chrome():
    outlet = parse_text("Fishing boats ordered to stay in port\n\nDaily NK\nJane Roe, John Doe\n\nBoats in Sinpo "
                        "stayed in port all week, a source said.\n")
    assert outlet.title == "Fishing boats ordered to stay in port"
    assert outlet.body == "Boats in Sinpo stayed in port all week, a source said."
    featured = parse_text("Featured News\n\nFuel dearer before the holiday\n\n4 February 2026\n\nDiesel rose in "
                          "Hamhung this week, a source said.\n")
    assert (featured.title, featured.published_date) == ("Fuel dearer before the holiday", date(2026, 2, 4))
    assert featured.body == "Diesel rose in Hamhung this week, a source said."


def test_an_embedded_tweet_is_chrome():
    text = ("Soldiers sent home to find food\n\nUnits in the north gave soldiers leave, a source said.\n\n"
            "[Photo] Soldiers in a field https://t.co/abc #NorthKorea pic.twitter.com/xyz\n"
            "— A Reporter (@example_desk) March 4, 2019\n\nThe leave lasts a month, the source added.\n")
    assert parse_text(text).body == ("Units in the north gave soldiers leave, a source said.\n\n"
                                     "The leave lasts a month, the source added.")
