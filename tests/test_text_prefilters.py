"""The text reader's cheap pre-tests agree with the line rules they stand in front of."""

from __future__ import annotations

import re

import pytest

from dnkdata.sources import text as reader

FIELD_AND_CHROME_RULES = [reader.CAPTURE_DATE, reader.BREADCRUMB, reader.AD_MARKER, reader.PREV_NEXT,
                          reader.KOREAN_LINK, reader.FEED_LABEL, reader.SOURCE_NOTE, reader.FOOTER_DATE,
                          reader.BOARD_DATE, reader.BYLINE_BY, reader.URL_LINE, reader.WEATHER,
                          reader.CAPTION_START]  # BYLINE is pre-tested by its "|" instead

LINES = [
    "Thursday, March 6, 2025", "thursday, march 6, 2025", "Home > News", "[ad_12]", "source link", "Prev Next",
    "Read in Korean", "by Daily NK", "[Source: Daily NK]", "march 6, 2025 at 2:20 pm", "Date : 2025.03.06",
    "By Jane Roe - 2025.3.6 14:20 pm", "Jane Roe | 2025-03-06 14:20", "https://example.com/a [1,234]", "-3.5 °C",
    "photo: a market", "The market was quiet on Monday.", "jane roe | 2025-03-06", "“Rice is dear,” he said.",
    "Markets", "12 people were detained.", "A market in Hyesan (Image: Daily NK)", "Trees / Image: Jane Roe",
]


@pytest.mark.parametrize("line", LINES)
def test_chrome_start_matches_exactly_where_one_rule_matches(line):
    assert bool(reader.CHROME_START.match(line)) == any(rule.match(line) for rule in FIELD_AND_CHROME_RULES)


def test_every_chrome_line_is_a_candidate():
    lines = ["Headline here", "", *LINES]
    candidates = reader._chrome_candidates(lines, header_end=0)
    for i, line in enumerate(lines):
        rules = [*FIELD_AND_CHROME_RULES, reader.BYLINE]
        if i > 0 and (any(rule.match(line) for rule in rules) or reader.CAPTION_CREDIT.search(line)):
            assert i in candidates, line
    assert 0 in candidates and 1 not in candidates  # the header line always; blank lines never
    assert lines.index("The market was quiet on Monday.") not in candidates


@pytest.mark.parametrize("line", LINES)
def test_field_line_matches_exactly_where_one_field_rule_matches(line):
    field_rules = [rule for rule in FIELD_AND_CHROME_RULES if rule not in (reader.WEATHER, reader.CAPTION_START)]
    assert bool(reader.FIELD_LINE.match(line)) == any(rule.match(line) for rule in [*field_rules, reader.BYLINE])


def test_any_of_keeps_each_pattern_case_flag_and_drops_group_names():
    combined = reader._any_of(re.compile(r"^(?P<x>abc)$"), re.compile(r"^(?P<x>def)$", re.I))
    assert combined.match("abc") and combined.match("DEF")
    assert not combined.match("ABC")


def _cut(text: str):
    return reader._cut_sidebar([line.strip() for line in text.split("\n")], text)


def test_cut_sidebar_cuts_at_first_trailer_line():
    lines, found = _cut("Story line one.\n\n  related stories \nMore from Daily NK\n")
    assert found and lines == ["Story line one.", ""]


def test_cut_sidebar_on_the_first_line():
    assert _cut("Most Popular Articles\nStory.") == ([], True)


def test_cut_sidebar_skips_a_candidate_that_is_no_trailer():
    # "Recommendedly" starts like a trailer but fails the word boundary; the real trailer comes later
    lines, found = _cut("Recommendedly odd.\nStory.\nQuestions or comments about this article?\nx")
    assert found and lines == ["Recommendedly odd.", "Story."]


def test_cut_sidebar_without_trailer_keeps_everything():
    text = "Story mentions related stories inline.\nMore text."
    assert _cut(text) == (["Story mentions related stories inline.", "More text."], False)
