"""Capture → article records: decode the bytes, tell the capture's kind, hand it to its reader.

Every failure here is a `Rejected` with a reason code (docs/troubleshooting.md), never a traceback.
"""

from __future__ import annotations

import codecs
import importlib
import re
from dataclasses import replace

from dnkdata.errors import Rejected
from dnkdata.model import ParsedArticle, Problem
from dnkdata.sources.text import parse_text

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
BINARY_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"%PDF", b"\x1f\x8b", b"BZh", b"7z\xbc\xaf",
                     b"Rar!", b"\x00\x00\x01\x00", b"RIFF", b"II*\x00", b"MM\x00*", b"\x7fELF")
HTML_START = re.compile(rb"^\s*(?:<!doctype html|<html|<head|<body|<!--)", re.I)
FEED_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.I | re.S)
# Any other XML document goes to the feed reader: it refuses entity declarations (billion laughs) and rejects XML
# that is not RSS/Atom, where the text reader would have taken the markup for a story.
XML_START = re.compile(rb"^\s*(?:<\?xml\b|<!doctype (?!html)|<(?:rss|feed|rdf:RDF)\b)", re.I)
SENTENCE_END = re.compile(r"[.!?\u201d\u2019\"'\u2026\u3002)]")
FALLBACK_ENCODING = "cp1252"  # Windows-1252: the guess for text that is not UTF-8; the report flags it
READERS = {"html": "dnkdata.sources.html", "feed": "dnkdata.sources.feed", "jsonl": "dnkdata.sources.jsonl"}
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding used: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise Rejected("undecodable", f"UTF-16 byte-order mark but invalid UTF-16 ({exc.reason})") from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode(FALLBACK_ENCODING), FALLBACK_ENCODING
    except UnicodeDecodeError as exc:
        raise Rejected("undecodable", "not UTF-8, UTF-16 or Windows-1252 text") from exc


def check_bytes(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Reject what cannot be a capture before trying to read it."""
    if len(data) > max_bytes:
        raise Rejected("too_large", f"{len(data):,} bytes is over the {max_bytes:,}-byte limit (--max-bytes)")
    if not data.strip():
        raise Rejected("empty", "the file is empty or holds only whitespace")
    if data.startswith(BINARY_SIGNATURES):
        raise Rejected("binary", "the file starts with an image, archive or program signature")
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if b"\x00" in data[:4096] and not utf16:
        raise Rejected("binary", "the file holds NUL bytes: binary data, not text")


def capture_kind(name: str, data: bytes) -> str:
    """text, html, feed or jsonl, from the file name and the first bytes."""
    lower = name.lower()
    head = data.lstrip(codecs.BOM_UTF8)[:2048]
    if lower.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if lower.endswith((".rss", ".atom")) or FEED_START.match(head):
        return "feed"
    if lower.endswith((".html", ".htm", ".xhtml")) or HTML_START.match(head) or _xhtml(head):
        return "html"
    if lower.endswith(".xml") or XML_START.match(head):
        return "feed"
    return "text"


def _xhtml(head: bytes) -> bool:
    """An XHTML page opens with an XML declaration or doctype; it is still a page, not a feed."""
    return head.lstrip().startswith(b"<") and b"<html" in head.lower()


def read_capture(name: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[list[ParsedArticle | Problem], str]:
    """All article records in one capture and how it was decoded; raises Rejected when there are none."""
    check_bytes(data, max_bytes)
    kind = capture_kind(name, data)
    if kind == "text":
        text, encoding = decode(data)
        article = parse_text(text)
        if not article.body.strip():
            raise Rejected("no_story", "no article body is left once page chrome is removed")
        if not SENTENCE_END.search(article.body):
            raise Rejected("no_story", "what is left once page chrome is removed holds no sentence of a story")
        return [article], encoding
    reader = _reader(kind)
    records = _without_lone_surrogates(reader.read(data, name))
    if not any(isinstance(r, ParsedArticle) for r in records):
        problems = "; ".join(p.message for p in records if isinstance(p, Problem))[:300]
        raise Rejected(f"{kind}_no_article", problems or f"the {kind} capture holds no article")
    return records, "declared"


def _without_lone_surrogates(records: list[ParsedArticle | Problem]) -> list[ParsedArticle | Problem]:
    """A JSON escape such as \\ud800 can put a lone surrogate into a record, which no UTF-8 file (Parquet, the
    report) can hold. Each becomes U+FFFD, one character for one, so offsets into the body stay true; a problem
    says which item had them."""
    out: list[ParsedArticle | Problem] = []
    for record in records:
        if isinstance(record, ParsedArticle):
            fixed = {name: LONE_SURROGATE.sub("\ufffd", value) for name, value in vars(record).items()
                     if isinstance(value, str) and LONE_SURROGATE.search(value)}
            if any(LONE_SURROGATE.search(tag) for tag in record.tags):
                fixed["tags"] = [LONE_SURROGATE.sub("\ufffd", tag) for tag in record.tags]
            if fixed:
                record = replace(record, **fixed)
                line = record.item_index + 1 if record.source_format == "jsonl" else None  # as editors count
                where = f"line {line}" if line else f"item {record.item_index}"
                out.append(Problem("lone_surrogate", f"{where}: lone surrogate characters in "
                                   f"{', '.join(sorted(fixed))} were replaced by U+FFFD", line))
        out.append(record)
    return out


def _reader(kind: str):
    try:
        return importlib.import_module(READERS[kind])
    except ModuleNotFoundError as exc:
        raise Rejected("unsupported_format", f"no reader for {kind} captures is installed") from exc
