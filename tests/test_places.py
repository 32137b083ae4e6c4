"""The gazetteer matcher: spellings, level words, context, and what is left unresolved."""

from __future__ import annotations

import random

from dnkdata.gazetteer import find_places


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
