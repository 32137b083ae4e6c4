"""JSON Lines reader: html and text bodies, 0-based item_index, one Problem per bad line (invented fixture)."""

from datetime import date, datetime
from pathlib import Path

import pytest

from dnkdata.errors import Rejected
from dnkdata.model import ParsedArticle, Problem
from dnkdata.sources import jsonl

FIXTURE = Path(__file__).parent / "fixtures" / "jsonl" / "articles.jsonl"


@pytest.fixture(scope="module")
def results():
    return jsonl.read(FIXTURE.read_bytes(), FIXTURE.name)


def test_html_line_goes_through_html_body_rules(results):
    a = results[0]
    assert isinstance(a, ParsedArticle)
    assert a.source_format == "jsonl" and a.item_index == 0
    assert a.title == "Invented pharmacy shortages in Hamhung"
    assert a.url == "https://www.dailynk.com/english/invented-pharmacy-shortages/"
    assert a.source_site == "dailynk.com"
    assert a.published_at == datetime(2024, 4, 2, 18, 10) and a.published_tz == "+09:00"
    assert a.byline == "Han Invented" and a.tags == ["health", "South Hamgyong"]
    assert a.has_korean_version is True
    assert a.body.split("\n\n") == [
        "Pharmacies in an invented district of Hamhung ran out of antibiotics, "
        "a source in South Hamgyong Province told Daily NK.",
        "\u201cPeople buy medicine from smugglers now,\u201d the source said.",
    ]


def test_text_line_split_on_blank_lines_and_left_as_is(results):
    a = results[1]
    assert a.item_index == 2  # line 1 is blank
    assert a.published_date == date(2024, 4, 3) and a.published_at is None
    # chrome stays: the plain-text parser removes it later in the pipeline
    assert a.body.split("\n\n") == [
        "24.3 C\nDelhi", "School fees in an invented county rose,\na source said.", "Parents sold grain to pay.",
        "Read in Korean",
    ]


def test_bad_lines_become_problems_and_reading_continues(results):
    problems = [r for r in results if isinstance(r, Problem)]
    assert [(p.code, p.line) for p in problems] == [
        ("jsonl_bad_line", 4), ("jsonl_bad_line", 5), ("jsonl_bad_line", 6), ("jsonl_bad_line", 7),
    ]
    assert problems[0].message.startswith("line 4: not JSON")
    assert "neither 'html' nor 'text'" in problems[1].message
    assert "last Tuesday" in problems[2].message
    assert "JSON object" in problems[3].message
    last = results[-1]
    assert isinstance(last, ParsedArticle) and last.item_index == 7
    assert last.published_at == datetime(2024, 4, 5, 7, 0) and last.published_tz is None


def test_empty_capture_is_rejected():
    with pytest.raises(Rejected):
        jsonl.read(b"\n\n", "empty.jsonl")


def test_crlf_and_bom_are_tolerated():
    data = '\ufeff{"url": "https://example.org/a", "title": "T", "text": "One.\\r\\n\\r\\nTwo."}\r\n'.encode()
    (a,) = jsonl.read(data, "x.jsonl")
    assert a.body == "One.\n\nTwo." and a.source_site == "example.org"
