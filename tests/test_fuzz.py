"""Property-based tests: arbitrary and mutated captures never crash a reader or an extractor, and every offset
they report points at the text it claims."""

from __future__ import annotations

import codecs
import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dnkdata.errors import Rejected
from dnkdata.extract import extract_article
from dnkdata.model import ParsedArticle, Problem
from dnkdata.parse import read_capture
from dnkdata.sources import feed, html, jsonl
from dnkdata.sources.text import parse_text
from tests.conftest import FIXTURES, TEXT_FIXTURES

# The same examples on every run, so CI is repeatable; DNKDATA_FUZZ_RANDOM=1 explores new ones (and more of them).
EXPLORE = bool(os.environ.get("DNKDATA_FUZZ_RANDOM"))
FUZZ = settings(max_examples=1000 if EXPLORE else 200, deadline=None, derandomize=not EXPLORE,
                suppress_health_check=[HealthCheck.too_slow])
SEEDS = [p.read_bytes() for p in TEXT_FIXTURES] + [
    p.read_bytes() for folder in ("html", "feeds", "jsonl") for p in sorted((FIXTURES / folder).iterdir())]
# Pieces that steer the readers and extractors: quote marks, attributions, places, titles, markup, dates.
PIECES = ["\u201c", "\u201d", '"', "'", "\u2018", "\u2019", " said", ", a source in ", "according to ",
          "Hyesan", "North Hamgyong Province", "Kim Jong Un", "Premier", "\n\n", "\n", "...", "\u2026",
          "<p>", "</p>", "<br>", "<div class='entry-content'>", "&amp;", "&#8220;", "<![CDATA[", "]]>",
          "2024-03-01", "March 1, 2024", "Daily NK", "Read in Korean", "\r\n", "\t", "\x00", "\ufeff"]

texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=2000)
steered = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=30)), max_size=80).map("".join)


@st.composite
def mutated_capture(draw) -> bytes:
    """A real fixture capture with bytes cut, repeated, replaced and inserted."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 8))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["cut", "insert", "replace", "repeat", "truncate"]))
        if action == "cut":
            del data[at:at + draw(st.integers(1, 200))]
        elif action == "insert":
            data[at:at] = draw(st.one_of(st.binary(max_size=20), st.sampled_from(PIECES).map(str.encode)))
        elif action == "replace":
            data[at] = draw(st.integers(0, 255))
        elif action == "repeat":
            data[at:at] = data[at:at + draw(st.integers(1, 300))]
        else:
            del data[at:]
    return bytes(data)


def check_article(article: ParsedArticle) -> None:
    assert isinstance(article.body, str)
    check_offsets("fuzz", article.body, article.is_excerpt)


def check_offsets(article_id: str, body: str, is_excerpt: bool = False) -> None:
    rows = extract_article(article_id, body, is_excerpt=is_excerpt)
    for quote in rows["quotes"]:
        assert 0 <= quote["char_start"] <= quote["char_end"] <= len(body)
        assert body[quote["char_start"]:quote["char_end"]] == quote["text"]
    paragraphs = body.split("\n\n")
    for quote in rows["quotes"]:
        assert 0 <= quote["paragraph"] < len(paragraphs)
    for row in rows["locations"] + rows["officials"]:  # the first mention is where char_start says
        start = row["char_start"]
        assert 0 <= start <= len(body) and row["mention_count"] >= 1
        assert body[start:start + len(row["mention"])] == row["mention"]
    offset = 0
    for paragraph in paragraphs:  # paragraph offsets: each paragraph is where the body says it is
        assert body[offset:offset + len(paragraph)] == paragraph
        offset += len(paragraph) + 2


@FUZZ
@given(st.one_of(texts, steered))
def test_parse_text_never_raises_and_offsets_hold(text):
    article = parse_text(text)
    assert "\r" not in article.body
    check_article(article)


@FUZZ
@given(st.one_of(texts, steered))
def test_extract_article_on_any_text(body):
    check_offsets("fuzz", body)
    check_offsets("fuzz", body, is_excerpt=True)


@FUZZ
@given(st.one_of(st.binary(max_size=3000), mutated_capture(), steered.map(str.encode)),
       st.sampled_from(["x.txt", "x.html", "x.rss", "x.atom", "x.xml", "x.jsonl", "capture"]))
def test_read_capture_only_rejects(data, name):
    try:
        records, encoding = read_capture(name, data, max_bytes=100_000)
    except Rejected as rejected:
        assert rejected.code and rejected.message
        return
    assert encoding and any(isinstance(r, ParsedArticle) for r in records)
    for record in records:
        assert isinstance(record, (ParsedArticle, Problem))
        if isinstance(record, ParsedArticle):
            check_article(record)


@FUZZ
@given(st.one_of(mutated_capture(), steered.map(str.encode), texts.map(lambda t: codecs.BOM_UTF8 + t.encode())))
def test_html_reader(data):
    try:
        records = html.read(data, "fuzz.html")
    except Rejected as rejected:
        assert rejected.code == "html_no_article"
        return
    for record in records:
        if isinstance(record, ParsedArticle):
            check_article(record)


@FUZZ
@given(st.one_of(mutated_capture(), steered.map(lambda t: f"<rss version='2.0'><channel><item><title>{t}</title>"
                                                           f"<description>{t}</description></item></channel></rss>"
                                                           .encode())))
def test_feed_reader(data):
    try:
        records = feed.read(data, "fuzz.rss")
    except Rejected as rejected:
        assert rejected.code == "feed_malformed"
        return
    for record in records:
        if isinstance(record, ParsedArticle):
            check_article(record)


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=40),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                       max_size=4), max_leaves=10)
jsonl_objects = st.fixed_dictionaries({}, optional={
    "url": json_values, "title": json_values, "published": st.one_of(json_values, st.just("2024-03-01T10:00+09:00")),
    "html": st.one_of(json_values, steered), "text": st.one_of(json_values, steered), "tags": json_values,
    "author": json_values})


@FUZZ
@given(st.one_of(mutated_capture(),
                 st.lists(st.one_of(jsonl_objects.map(json.dumps), st.text(max_size=40)), max_size=6)
                 .map(lambda lines: "\n".join(lines).encode())))
def test_jsonl_reader(data):
    try:
        records = jsonl.read(data, "fuzz.jsonl")
    except Rejected as rejected:
        assert rejected.code == "jsonl_empty"
        return
    for record in records:
        if isinstance(record, ParsedArticle):
            check_article(record)
        else:
            assert record.code == "jsonl_bad_line" and record.line >= 1


@pytest.mark.parametrize("declaration", [b'encoding="\x80utf-8"', b'encoding="\x00tf-8"', b'encoding="t"',
                                         b'encoding="utf-8\x00"'])
def test_feed_with_a_garbled_encoding_declaration_is_rejected_not_raised(declaration):
    data = b'<?xml version="1.0" ' + declaration + b'?><rss version="2.0"><channel></channel></rss>'
    with pytest.raises(Rejected) as caught:
        feed.read(data, "bad.rss")
    assert caught.value.code == "feed_malformed"
    with pytest.raises(Rejected):  # also when the name does not say it is a feed
        read_capture("bad.txt", data)
