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
