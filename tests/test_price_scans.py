"""Price lookups that skip work give exactly what the plain scans give."""

from __future__ import annotations

from dnkdata.extract import price_terms

ODD_CASE = "The Rice price: riCE, ſoju and Kimchi (Kelvin K), COAL briquettes; İce and corn-oil. "


def test_item_windows_match_a_full_scan_even_with_case_folding_oddities():
    pattern, _ = price_terms._item_pattern()
    for text in (ODD_CASE, ODD_CASE.replace("ſ", "s").replace("İ", "I"), ODD_CASE * 3):
        for start in range(0, len(text), 7):
            for end in (start, start + 13, len(text)):
                expected = [m.span() for m in pattern.finditer(text, start, end)]
                assert [m.span() for m in price_terms._item_matches(pattern, text, start, end)] == expected


def test_item_starts_refuse_text_that_lowercasing_would_shift():
    assert price_terms._item_starts("İce at 5 won") is None
    assert price_terms._item_starts("soju and rice") == [0, 9, 10]  # "ice" inside "rice" too: the regex decides
