"""HTML reader: known layouts, trafilatura fallback, charsets, and pages with no article (invented fixtures)."""

from datetime import date, datetime
from pathlib import Path

import pytest

from dnkdata.errors import Rejected
from dnkdata.sources import html

FIXTURES = Path(__file__).parent / "fixtures" / "html"


def read_one(name: str):
    (article,) = html.read((FIXTURES / name).read_bytes(), name)
    return article


def test_modern_dailynk_page_metadata():
    a = read_one("dailynk_modern.html")
    assert a.read_method == "html-dailynk"
    assert a.source_format == "html"
    assert a.title == "Invented market inspectors stall in Hyesan"
    assert a.standfirst == "Traders say the new inspection teams have not shown up for two weeks"
    assert a.byline == "Kim Invented"
    assert a.published_date == date(2024, 3, 5)
    assert a.published_at == datetime(2024, 3, 5, 14, 20)
    assert a.published_tz == "+09:00"
    assert a.url == "https://www.dailynk.com/english/invented-market-inspectors-stall-hyesan/"
    assert a.source_site == "dailynk.com"
    assert a.has_korean_version is True
    assert a.tags == ["Economy", "markets", "Ryanggang", "Hyesan"]


def test_modern_dailynk_body_has_no_chrome():
    body = read_one("dailynk_modern.html").body
    paragraphs = body.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("Market inspection teams announced")
    assert "hidden imported goods in advance" in paragraphs[2]  # inline markup joined without gaps
    for chrome in ("Image:", "Invented Photo Agency", "Share", "Read in Korean", "Questions or comments",
                   "Related stories", "reader comment", "invented reporter", "Most Popular", "Delhi", "dataLayer"):
        assert chrome not in body


def test_legacy_table_page_in_euc_kr():
    a = read_one("dailynk_legacy_read_php.html")
    assert a.read_method == "html-legacy"
    assert a.title == "Invented rice prices climb in Sinuiju"
    assert a.published_at == datetime(2008, 5, 12, 15, 30)
    assert a.published_tz is None  # not printed, so not guessed
    assert a.has_korean_version is False  # the site menu's Korean link is not this story's edition
    paragraphs = a.body.split("\n\n")
    assert paragraphs[0] == (
        "Rice prices in an invented Sinuiju market rose again this week, "
        "a source in North Pyongan Province said on Monday."
    )
    assert "aren't" in paragraphs[1] and "People's homes" in paragraphs[1]
    assert "Copyright" not in a.body and "Politics" not in a.body


def test_legacy_detected_from_read_php_url():
    page = (
        "<!-- INVENTED -->"
        '<html><head><meta property="og:url" content="http://www.dailynk.com/english/read.php?cataId=nk00100&num=1">'
        "</head><body><table><tr><td>Menu</td></tr><tr><td>"
        + "An invented paragraph about invented events.<br><br>" * 3
        + "</td></tr></table></body></html>"
    )
    (a,) = html.read(page.encode(), "capture.html")
    assert a.read_method == "html-legacy"
    assert a.source_site == "dailynk.com"
    assert a.body.count("\n\n") == 2


def test_aggregator_page():
    a = read_one("aggregator.html")
    assert a.read_method == "html-aggregator"
    assert a.source_site == "news-mirror.example.com"
    assert a.title == "Invented ferry service to Nampo resumes"
    assert a.has_korean_version is True
    # the feed entry time printed after the story is the publication time; no zone was printed
    assert a.published_at == datetime(2025, 3, 3, 6, 41)
    assert a.published_tz is None
    assert a.body.split("\n\n") == [
        "An invented ferry line between two ports resumed service to Nampo last week after a long pause, "
        "a source in Nampo told Daily NK.",
        "The source said passengers needed new permits, which cost more than before.",
    ]


def test_unknown_layout_falls_back_to_trafilatura():
    a = read_one("unknown_layout.html")
    assert a.read_method == "trafilatura"
    assert a.url is None and a.source_site is None
    paragraphs = a.body.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("Residents of an invented county")
    assert "Copyright" not in a.body


def test_page_without_article_is_rejected():
    with pytest.raises(Rejected) as info:
        read_one("no_article.html")
    assert info.value.code == "html_no_article"


def test_empty_bytes_rejected():
    with pytest.raises(Rejected):
        html.read(b"", "empty.html")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("<meta charset='euc-kr'><p>북한</p>".encode("cp949"), "북한"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252"><p>caf\xe9</p>'.encode("cp1252"),
         "café"),
        ("<meta charset='iso-8859-1'><p>\u201cq\u201d</p>".encode("cp1252"), "\u201cq\u201d"),  # read as cp1252
        (b"\xef\xbb\xbf<meta charset='iso-8859-1'><p>\xc3\xa9</p>", "é"),  # BOM wins over meta
        ("<p>\u00e9</p>".encode("utf-16"), "é"),
        (b"<p>caf\xe9</p>", "caf\ufffd"),  # undeclared, not UTF-8: replacement only then
        (b"<meta charset='no-such-charset'><p>\xc3\xa9</p>", "é"),
    ],
)
def test_decode_charsets(data, expected):
    assert expected in html.decode(data)


def test_external_entities_and_remote_resources_are_not_loaded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    page = (
        f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        "<!-- INVENTED --><html><head><title>x</title>"
        '<link rel="stylesheet" href="http://127.0.0.1:9/never.css"></head><body><article>'
        + "".join(f"<p>Invented paragraph {n} &xxe; goes on for a while to be long enough.</p>" for n in range(3))
        + '<img src="http://127.0.0.1:9/never.png"></article></body></html>'
    )
    (a,) = html.read(page.encode(), "x.html")
    assert "TOP-SECRET-CONTENT" not in a.body


def test_fragment_paragraphs_splits_blocks_and_double_breaks():
    paragraphs, korean = html.fragment_paragraphs(
        "<p>One <b>bold</b> line.</p><div>Two<br><br>Three</div>"
        '<p><a href="https://www.dailynk.com/korean/x/">Read in Korean</a></p>'
    )
    assert paragraphs == ["One bold line.", "Two", "Three"]
    assert korean is True


def test_single_breaks_are_paragraphs_when_never_doubled():
    paragraphs, _ = html.fragment_paragraphs("<div>First line.<br>Second line.<br>Third line.</div>")
    assert paragraphs == ["First line.", "Second line.", "Third line."]


def test_odd_json_ld_does_not_break_reading():
    page = (
        "<!-- INVENTED --><html><head>"
        '<link rel="canonical" href="https://www.dailynk.com/english/invented-odd-ld/">'
        '<script type="application/ld+json">{"@type": [{"x": 1}, "NewsArticle"], "headline": "Invented LD",'
        ' "datePublished": "2023-01-02T03:04:05Z", "author": [{"name": "By Invented Writer"}]}</script>'
        '<script type="application/ld+json">{not json</script></head><body><article>'
        "<p>An invented paragraph long enough to be an article body for this small test page.</p>"
        "</article></body></html>"
    )
    (a,) = html.read(page.encode(), "odd.html")
    assert a.title == "Invented LD" and a.byline == "Invented Writer"
    assert a.published_at == datetime(2023, 1, 2, 3, 4, 5) and a.published_tz == "+00:00"


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from dnkdata.sources._common import parse_any, parse_visible  # noqa: E402

_WORDS = st.text(alphabet="abcdefghij KLMNOP.,'\u201c\u201d", min_size=1, max_size=40).filter(lambda s: s.strip())


@settings(max_examples=60, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=6))
def test_paragraph_markup_never_drops_words(paragraphs):
    markup = "".join(f"<p>{p}</p>" for p in paragraphs)
    got, _ = html.fragment_paragraphs(markup)
    expected = [" ".join(p.split()) for p in paragraphs]
    assert got == [p for p in expected if not html._is_trailer(p)]


@pytest.mark.parametrize(
    ("text", "day", "at", "tz"),
    [
        ("Jane Roe  |  2014-07-25 18:10", date(2014, 7, 25), datetime(2014, 7, 25, 18, 10), None),
        ("March 3, 2025 at 06:41AM", date(2025, 3, 3), datetime(2025, 3, 3, 6, 41), None),
        ("Posted July 25, 2014 6:10 PM KST", date(2014, 7, 25), datetime(2014, 7, 25, 18, 10), "KST"),
        ("Date : May 3, 2017", date(2017, 5, 3), None, None),
        ("25 Sept 2019", date(2019, 9, 25), None, None),
        ("[ 2008.05.12 ]", date(2008, 5, 12), None, None),
    ],
)
def test_visible_dates_as_printed(text, day, at, tz):
    found = parse_visible(text)
    assert (found.day, found.at, found.tz) == (day, at, tz)


@pytest.mark.parametrize(
    ("text", "at", "tz"),
    [
        ("2024-03-05T14:20:00+0900", datetime(2024, 3, 5, 14, 20), "+09:00"),
        ("Tue, 05 Mar 2024 14:20:00 GMT", datetime(2024, 3, 5, 14, 20), "GMT"),
        ("Tue, 05 Mar 2024 14:20:00 -0500", datetime(2024, 3, 5, 14, 20), "-05:00"),
        ("Tue, 05 Mar 2024 14:20:00", datetime(2024, 3, 5, 14, 20), None),
    ],
)
def test_machine_dates_keep_clock_and_zone(text, at, tz):
    found = parse_any(text)
    assert (found.at, found.tz) == (at, tz)


def test_no_date_found():
    assert parse_visible("no date here, 2024 only") is None
    assert parse_any("") is None


def test_deeply_nested_markup_is_read_in_document_order():
    """Thousands of nested elements (a broken page that never closes its divs) exceed Python's recursion limit;
    the walk keeps its own stack, so the page reads like a flat one."""
    depth = 5000
    markup = ("<div>Before.<br><br>" + "<div><span>" * depth + "Deep <b>inside</b>." + "</span></div>" * depth
              + "After.</div><p>Last.</p>")
    paragraphs, _ = html.fragment_paragraphs(markup)
    assert paragraphs == ["Before.", "Deep inside.", "After.", "Last."]


def test_page_with_unclosed_nested_divs_is_read_not_rejected():
    page = (
        "<!-- INVENTED --><html><head>"
        '<link rel="canonical" href="https://www.dailynk.com/english/invented-nested/">'
        "<title>Invented nested page</title></head><body><article>"
        "<p>An invented first paragraph long enough to be an article body for this small test page.</p>"
        + "<div>" * 3000 + "<p>An invented second paragraph, deep inside three thousand unclosed divs.</p>"
        "</article></body></html>"
    )
    (a,) = html.read(page.encode(), "nested.html")
    assert a.body.split("\n\n") == [
        "An invented first paragraph long enough to be an article body for this small test page.",
        "An invented second paragraph, deep inside three thousand unclosed divs.",
    ]
