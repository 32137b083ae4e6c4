"""Feed reader: RSS and Atom items, full content versus excerpts, printed dates, unsafe and malformed feeds."""

import time
from datetime import date, datetime
from pathlib import Path

import pytest

from dnkdata.errors import Rejected
from dnkdata.model import ParsedArticle, Problem
from dnkdata.sources import feed

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"


def read(name: str):
    return feed.read((FIXTURES / name).read_bytes(), name)


def test_rss_full_item_from_content_encoded():
    first = read("rss_mixed.xml")[0]
    assert isinstance(first, ParsedArticle)
    assert first.source_format == "feed"
    assert first.is_excerpt is False and first.read_method == "feed-content"
    assert first.title == "Invented bus fares double in Chongjin"
    assert first.url == "https://www.dailynk.com/english/invented-bus-fares-chongjin/"
    assert first.source_site == "dailynk.com"
    assert first.byline == "Lee Invented"
    assert first.tags == ["Economy", "transport"]
    assert first.item_index == 0
    assert first.published_at == datetime(2024, 3, 5, 14, 20)  # as printed, not converted to UTC
    assert first.published_tz == "+09:00"
    assert first.has_korean_version is True
    paragraphs = first.body.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[1].startswith("\u201cDrivers say")
    assert "Image:" not in first.body and "Read in Korean" not in first.body


def test_rss_summary_only_item_is_an_excerpt_with_named_zone():
    second = read("rss_mixed.xml")[1]
    assert second.is_excerpt is True and second.read_method == "feed-summary"
    assert second.body.startswith("Border guard units")
    assert second.published_at == datetime(2024, 3, 6, 9, 5)
    assert second.published_tz == "KST"
    assert second.byline == "Park Invented"
    assert second.item_index == 1


def test_bad_items_become_problems_and_the_rest_continue():
    results = read("rss_mixed.xml")
    assert [type(r).__name__ for r in results] == ["ParsedArticle", "ParsedArticle", "Problem", "Problem"]
    assert all(p.code == "feed_bad_item" for p in results[2:])
    assert results[2].message.startswith("item 2:")


def test_atom_content_and_summary():
    full, teaser = read("atom.xml")
    assert full.is_excerpt is False
    assert full.title == "Invented rationing changes in Sariwon"  # html title flattened to text
    assert full.published_at == datetime(2024, 3, 8, 10, 0) and full.published_tz == "+09:00"
    assert full.byline == "Choi Invented" and full.tags == ["Society"]
    assert full.body.count("\n\n") == 1
    assert teaser.is_excerpt is True
    assert teaser.published_date == date(2024, 3, 7) and teaser.published_at is None and teaser.published_tz is None


def test_billion_laughs_is_refused_quickly():
    started = time.monotonic()
    with pytest.raises(Rejected) as info:
        read("billion_laughs.xml")
    assert info.value.code == "feed_malformed"
    assert time.monotonic() - started < 5


def test_external_entity_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>t</title><item><title>&xxe;</title>'
        "<link>https://www.dailynk.com/english/x/</link><description>x</description></item></channel></rss>"
    ).encode()
    with pytest.raises(Rejected):
        feed.read(data, "xxe.xml")


def test_entity_declaration_after_broken_markup_is_refused():
    data = b'<rss version="2.0"><channel><title>t</ti<!DOCTYPE x [<!ENTITY a "b">]></channel></rss>'
    with pytest.raises(Rejected):
        feed.read(data, "odd.xml")


def test_plain_doctype_without_entities_is_accepted():
    data = (
        b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://127.0.0.1:9/rss-0.91.dtd"><rss version="0.91"><channel><title>t</title>'
        b"<item><title>Invented</title><link>https://www.dailynk.com/english/y/</link>"
        b"<description>An invented teaser.</description></item></channel></rss>"
    )
    (item,) = feed.read(data, "rss091.xml")
    assert item.title == "Invented" and item.is_excerpt


@pytest.mark.parametrize("data", [b"", b"<html><body>not a feed</body></html>", b"\x00\x01garbage"])
def test_not_a_feed_is_rejected(data):
    with pytest.raises(Rejected) as info:
        feed.read(data, "x.xml")
    assert info.value.code == "feed_malformed"


def test_truncated_feed_keeps_readable_items_and_says_so():
    data = (
        b'<rss version="2.0"><channel><title>t</title><item><title>Invented</title>'
        b"<link>https://www.dailynk.com/english/z/</link><description>Invented teaser text.</description></item>"
        b"<item><title>Cut"
    )
    results = feed.read(data, "cut.xml")
    assert isinstance(results[0], Problem) and results[0].code == "feed_not_well_formed"
    assert any(isinstance(r, ParsedArticle) and r.title == "Invented" for r in results)


def test_a_reference_to_half_a_surrogate_pair_is_read_as_a_replacement_character():
    """&#xD800; names no character: feedparser failed on it and the whole feed was rejected."""
    data = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Daily NK</title><item>'
            b"<title>Corn up &#xD800; again</title><link>https://www.dailynk.com/english/corn-up/</link>"
            b"<description>Corn prices rose &#55296; this week, a source said. Rice &#x4E00; held.</description>"
            b"</item></channel></rss>")
    records = feed.read(data, "odd.rss")
    articles = [r for r in records if isinstance(r, ParsedArticle)]
    problems = [r for r in records if isinstance(r, Problem)]
    assert [p.code for p in problems] == ["lone_surrogate"] and "2 character reference(s)" in problems[0].message
    assert articles[0].title == "Corn up \ufffd again"
    assert "rose \ufffd this week" in articles[0].body and "Rice \u4e00 held" in articles[0].body
