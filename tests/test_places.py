"""The gazetteer matcher: spellings, level words, context, and what is left unresolved."""

from __future__ import annotations

import random

from dnkdata.gazetteer import find_places, legacy_spellings


def names(text: str):
    mentions, _ = find_places(text)
    return [(m.surface, m.place.name, m.place.level, m.place.province) for m in mentions]


def test_romanization_variants_resolve_to_one_place():
    found = names("Yanggang Province, Ryanggang province and Yangkang Province")
    assert {n for _, n, _, _ in found} == {"Ryanggang"}


def test_level_word_is_part_of_the_mention():
    assert names("farm inspectors in Ushi county")[0][:3] == ("Ushi county", "Ushi", "county")


def test_possessive_place():
    assert names("officials from Nampo’s Onchon county party committee")[0][:2] == ("Nampo", "Nampo")


def test_paired_provinces():
    found = names("in both North and South Hamgyong provinces")
    assert {n for _, n, _, _ in found} == {"North Hamgyong", "South Hamgyong"}


def test_adjectives_and_words_inside_longer_words_are_not_places():
    assert names("South Korean traders bought Chinese-made phones in Hyesanese shops") == []


def test_shared_spelling_is_resolved_by_the_province_named_nearby():
    found = names("Unsan County, South Pyongan Province")
    assert ("Unsan County", "Unsan", "county", "South Pyongan") in found


def test_shared_spelling_without_context_is_left_unresolved():
    mentions, unresolved = find_places("They went to Unsan last year.")
    assert mentions == [] and unresolved == ["Unsan"]


def test_foreign_places_carry_their_country():
    mentions, _ = find_places("smuggled from Dandong in China to Sinuiju")
    codes = {m.place.name: m.place.country_code for m in mentions}
    assert codes == {"Dandong": "CN", "China": "CN", "Sinuiju": "KP"}


def test_north_koreas_long_name_is_not_south_korea():
    # "Republic of Korea" is South Korea's name, and the tail of North Korea's, in either apostrophe
    for text in ("the Democratic People's Republic of Korea", "the Democratic People’s Republic of Korea",
                 "a court of the People’s Republic of Korea"):
        assert names(text) == [], text
    assert [n for _, n, _, _ in names("talks with the Republic of Korea")] == ["South Korea"]


def test_legacy_spellings_write_o_breve_as_u():
    assert legacy_spellings("P'yŏngsŏng") == {"Pyungsong", "Pyongsung", "Pyungsung"}
    assert legacy_spellings("Hyesan") == set()


def test_legacy_spellings_count_with_their_generic_word_only():
    assert names("traders in Pyongsung city")[0][:2] == ("Pyongsung city", "Pyongsong")
    assert names("a source in Hoeryung County")[0][:2] == ("Hoeryung County", "Hoeryong")
    # alone, a legacy form may be another country's town (Chungju, from Chŏngju, is South Korean)
    assert names("Hoeryung traders went to Pyongsung") == []
    assert [(n, level) for _, n, level, _ in names("a trip to Chungju")] == [("Chungju", "city")]


def test_rivers_are_not_places():
    assert names("patrols along the Tumen River near Namyang") == [("Namyang", "Namyang", "town", "North Hamgyong")]


def test_personal_names_that_are_county_names_need_the_county_word():
    assert names("Kim Jong Suk was born in 1917.") == []
    assert names("in Kim Jong Suk County")[0][1] == "Kimjongsuk"


def test_span_union_holds_an_offset_exactly_when_some_span_does():
    from dnkdata.extract.text import SpanUnion

    rng = random.Random(5)
    for _ in range(300):  # empty and reversed spans (end before start) among them: they cover nothing
        spans = [(s, s + rng.randint(-2, 12)) for s in (rng.randint(0, 80) for _ in range(rng.randint(0, 8)))]
        union = SpanUnion(spans)
        for offset in range(-2, 100):
            assert (offset in union) == any(start <= offset < end for start, end in spans), (spans, offset)


def test_capitals_and_regions_often_named_beside_north_korea_are_foreign_places():
    found = names("Workers sent to Kursk and Vladivostok wired money to Dhaka, Kyiv and Yeonpyeong Island.")
    assert [(n, level) for _, n, level, _ in found] == [("Kursk", "city"), ("Vladivostok", "city"), ("Dhaka", "city"),
                                                 ("Kyiv", "city"), ("Yeonpyeong Island", "city")]


def test_common_slips_and_old_spellings_of_places():
    found = names("South Pyongyang Province’s Sunchon, Heechon city and Samsoo County, sanctions by the US")
    assert [n for _, n, _, _ in found] == ["South Pyongan", "Sunchon", "Huichon", "Samsu", "United States"]
    assert names("paid in the US dollar") == []


def test_a_bare_legacy_spelling_counts_where_the_story_names_its_province():
    assert [n for _, n, _, _ in names("Corn in Hoeryung fell, North Hamgyong traders said.")] == [
        "Hoeryong", "North Hamgyong"]
    assert names("Corn in Hoeryung fell.") == []  # it cannot vouch for its own province
    assert [n for _, n, _, _ in names("a source in Yangang Province")] == ["Ryanggang"]


def test_a_short_district_name_counts_when_its_own_province_follows_a_comma_apart():
    def found(text):
        return [name for _, name, _, _ in names(text)]
    assert found("A power plant in Taean, Nampo was shut.") == ["Taean", "Nampo"]
    assert found("A power plant in Taean was shut.") == []  # bare, it could be the South Korean county
    assert found("A power plant in Taean, Jagang was shut.") == ["Jagang"]  # not Taean's province


def test_a_named_site_beginning_with_a_listed_place_is_a_site_location_without_coordinates():
    from dnkdata.extract import extract_article
    body = ("Guards at Shinuiju Station and nurses at the Hamhung Provincial Hospital were questioned, while "
            "Sinuiju City officials and workers of the Musan Mine waited.")
    rows = extract_article("0123456789abcdef", body)["locations"]
    # the listed places keep the gazetteer's coordinates; a site it does not list has none
    assert [(r["name"], r["level"], r["province"], r["lat"] is None, r["mention"]) for r in rows] == [
        ("Sinuiju Station", "site", "North Pyongan", True, "Shinuiju Station"),
        ("Hamhung Provincial Hospital", "site", "South Hamgyong", True, "Hamhung Provincial Hospital"),
        ("Sinuiju", "city", "North Pyongan", False, "Sinuiju City"),
        ("Musan Mine", "site", "North Hamgyong", False, "Musan Mine"),
    ]
    assert rows[0]["place_id"] == "kp-north-pyongan-sinuiju-station"
