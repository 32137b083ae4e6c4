"""Prefiltered scans give exactly what a full regex scan gives (they only skip places no match can begin)."""

from __future__ import annotations


from dnkdata.extract import price_terms, speakers
from dnkdata.extract.text import finditer_at
from tests.conftest import scrambled

TRICKY = (
    "A resident of Hyesan said so. The two women traders in Sinuiju, a man, another\nold  farmer from the "
    "county. Tehran residents; some-young soldiers! US$5 and $$7, KPW 5,000 won, 4,800 to 5,000 won, A4 12.5, "
    "3,400 yuan per kilogram of rice; Rice cost 7000 RMB. An official in Pyongyang, one of the informants. "
    "¥40 yuan, USD 3.2 million, 1,2,3 and 9% of maize. the the the man's corn-flour prices. NKW1,000 "
)


def _texts():
    return scrambled(TRICKY, seed=3, max_words=60)


def test_unnamed_people_as_a_full_scan_finds_them():
    pattern = speakers._patterns()["unnamed"]
    for text in _texts():
        assert [m.span() for m in speakers.find_unnamed(text)] == [m.span() for m in pattern.finditer(text)]


def test_amount_patterns_tried_at_candidates_match_a_full_scan():
    for text in _texts():
        for start, end in ((0, len(text)), (len(text) // 3, 2 * len(text) // 3)):
            digits = [m.start() for m in price_terms.DIGIT_RUN.finditer(text, start, end)]
            marks = [m.start() for m in price_terms.CURRENCY_MARK.finditer(text, start, end)]
            marks_before_digits = price_terms._mark_starts(text, digits, start)
            for pattern, starts in ((price_terms.PREFIXED, marks), (price_terms.PREFIXED, marks_before_digits),
                                    (price_terms.SUFFIXED, digits), (price_terms.BARE, digits)):
                expected = [m.span() for m in pattern.finditer(text, start, end)]
                assert [m.span() for m in finditer_at(pattern, text, starts, end)] == expected


def test_items_found_where_spellings_begin_match_a_full_scan():
    pattern, _ = price_terms._item_pattern()
    for text in _texts():
        for start, end in ((0, len(text)), (len(text) // 4, len(text) // 2)):
            expected = [m.span() for m in pattern.finditer(text, start, end)]
            assert [m.span() for m in price_terms._item_matches(pattern, text, start, end)] == expected
