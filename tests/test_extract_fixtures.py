"""Extraction on the invented captures: quotes with speakers, places and officials as expected."""

from __future__ import annotations

import pytest

from dnkdata.extract import extract_article
from dnkdata.sources.text import parse_text
from tests.conftest import TEXT_FIXTURES, expected_for


@pytest.fixture(params=TEXT_FIXTURES, ids=lambda p: p.stem)
def case(request):
    article = parse_text(request.param.read_text(encoding="utf-8"))
    rows = extract_article("0123456789abcdef", article.body, is_excerpt=article.is_excerpt)
    return article, rows, expected_for(request.param)


def test_quotes(case):
    article, rows, expected = case
    got = [{k: q[k] for k in ("text", "kind", "speaker_kind", "speaker_place", "attribution")} for q in rows["quotes"]]
    assert got == expected["quotes"]


def test_quote_offsets_point_into_body(case):
    article, rows, _ = case
    for q in rows["quotes"]:
        assert article.body[q["char_start"]:q["char_end"]] == q["text"]


def test_places(case):
    article, rows, expected = case
    assert [loc["name"] for loc in rows["locations"]] == expected["places"]
    for loc in rows["locations"]:
        assert article.body[loc["char_start"]:loc["char_start"] + len(loc["mention"])] == loc["mention"]


def test_officials(case):
    article, rows, expected = case
    mentions = [o["mention"] for o in rows["officials"]]
    for want in expected["officials"]:
        assert any(want in m or m in want for m in mentions), (want, mentions)
    assert len(mentions) == len(expected["officials"])
