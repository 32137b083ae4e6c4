"""Read an RSS 2.0 or Atom feed: one ParsedArticle per item, a Problem for an item that cannot be read.

An item whose full content (content:encoded, Atom <content>) is substantially longer than its summary becomes a
full article (`read_method="feed-content"`); an item with only a summary becomes an excerpt (`is_excerpt=True`,
`read_method="feed-summary"`), so nobody counts it as a full story. Dates keep the clock time and the zone as the
feed printed them: feedparser's own parsed dates are converted to UTC, so the raw string is parsed instead.

The feed is first checked with defusedxml: a feed that declares entities (billion laughs) or external
references is rejected before feedparser, which would expand internal entities, ever sees it.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import defusedxml
import defusedxml.ElementTree
import feedparser
from selectolax.lexbor import LexborHTMLParser

from dnkdata.errors import Rejected
from dnkdata.model import ParsedArticle, Problem
from dnkdata.sources._common import parse_any, site_of
from dnkdata.sources.html import fragment_paragraphs

# Full content must be this much longer than the summary to count as the full story.
_FULL_RATIO = 1.5
_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")
_BLANK_LINES = re.compile(r"\n\s*\n")
_CHARACTER_REFERENCE = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


class _BadItem(Exception):
    """One item that cannot become an article."""


def read(data: bytes, name: str) -> list[ParsedArticle | Problem]:
    """Read one feed capture; raises Rejected("feed_malformed") when it is not a feed at all."""
    data, halves = _surrogate_references_replaced(data)
    _refuse_entities(data, name)
    parsed = _parse(data, name)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception") or "no RSS or Atom feed found"
        raise Rejected("feed_malformed", f"{name}: {reason}")
    results: list[ParsedArticle | Problem] = []
    if halves:
        results.append(Problem("lone_surrogate", f"{name}: {halves} character reference(s) to half a surrogate pair "
                                                 "(&#xD800; to &#xDFFF;) read as U+FFFD"))
    if parsed.get("bozo") and parsed.entries:
        results.append(Problem("feed_not_well_formed", f"{name}: read leniently: {parsed.get('bozo_exception')}"))
    for index, entry in enumerate(parsed.entries):
        try:
            results.append(_item(entry, index))
        except _BadItem as bad:
            results.append(Problem("feed_bad_item", f"item {index}: {bad}"))
    return results


def _surrogate_references_replaced(data: bytes) -> tuple[bytes, int]:
    """A reference such as &#xD800; names half a UTF-16 surrogate pair, which is no character: feedparser fails on
    it (and so would any UTF-8 file), so the whole feed would be lost. Each becomes &#xFFFD;; how many, too."""
    if b"&#" not in data:
        return data, 0
    halves = 0

    def replaced(reference: re.Match[bytes]) -> bytes:
        nonlocal halves
        hexadecimal, decimal = reference.groups()
        if 0xD800 <= (int(hexadecimal, 16) if hexadecimal else int(decimal)) <= 0xDFFF:
            halves += 1
            return b"&#xFFFD;"
        return reference.group(0)

    return _CHARACTER_REFERENCE.sub(replaced, data), halves


def _parse(data: bytes, name: str, headers: dict | None = None):
    """feedparser's reading of the bytes (a stream: feedparser never treats it as a URL to fetch). A garbled
    encoding declaration (a NUL or a stray byte in its name) makes feedparser raise instead of being lenient."""
    try:
        return feedparser.parse(io.BytesIO(data), response_headers=headers)
    except (UnicodeError, ValueError, LookupError) as exc:
        raise Rejected("feed_malformed", f"{name}: unreadable encoding declaration ({exc})") from None


def _refuse_entities(data: bytes, name: str) -> None:
    """Reject entity declarations and external references; leave plain malformed XML to feedparser."""
    try:
        defusedxml.ElementTree.fromstring(data)
    except defusedxml.DefusedXmlException as refused:
        raise Rejected("feed_malformed", f"{name}: refused XML entity or external reference ({refused})") from None
    except ET.ParseError:
        # not well-formed, so the safe parser stopped early: still refuse any entity declaration after that point
        if b"<!entity" in data.lower():
            raise Rejected("feed_malformed", f"{name}: refused XML entity declaration in a malformed feed") from None
    except (LookupError, UnicodeError, ValueError) as exc:
        # an unknown or garbled encoding in the XML declaration: the safe parser cannot read, so cannot vet, it
        raise Rejected("feed_malformed", f"{name}: unreadable encoding declaration ({exc})") from None


def _item(entry, index: int) -> ParsedArticle:
    title = _plain_title(entry)
    link = (entry.get("link") or "").strip() or None
    content = _longest_content(entry)
    summary = _paragraphs(entry.get("summary") or "", _detail_type(entry, "summary_detail"))
    if not title and not link:
        raise _BadItem("no title and no link")
    content_length = _length(content) if content else 0
    full = content_length > 0 and content_length >= _FULL_RATIO * _length(summary)
    paragraphs, korean = content if full else summary
    if not paragraphs:
        raise _BadItem(f"no text ({title or link})")
    published = parse_any(entry.get("published") or entry.get("updated"))
    return ParsedArticle(
        body="\n\n".join(paragraphs),
        source_format="feed",
        title=title,
        published_date=published.day if published else None,
        published_at=published.at if published else None,
        published_tz=published.tz if published else None,
        byline=_author(entry),
        url=link,
        has_korean_version=korean,
        is_excerpt=not full,
        source_site=site_of(link),
        read_method="feed-content" if full else "feed-summary",
        tags=_tags(entry),
        item_index=index,
    )


def _longest_content(entry) -> tuple[list[str], bool] | None:
    best = None
    for part in entry.get("content") or []:
        candidate = _paragraphs(part.get("value") or "", part.get("type"))
        if best is None or _length(candidate) > _length(best):
            best = candidate
    return best


def _paragraphs(value: str, content_type: str | None) -> tuple[list[str], bool]:
    """HTML through the HTML reader's paragraph rules; plain text split on blank lines."""
    if not value.strip():
        return [], False
    if content_type and content_type.lower() not in _HTML_TYPES:
        return [" ".join(p.split()) for p in _BLANK_LINES.split(value) if p.strip()], False
    return fragment_paragraphs(value)


def _length(paragraphs: tuple[list[str], bool] | list[str]) -> int:
    if isinstance(paragraphs, tuple):
        paragraphs = paragraphs[0]
    return sum(len(p) for p in paragraphs)


def _detail_type(entry, key: str) -> str | None:
    detail = entry.get(key) or {}
    return detail.get("type")


def _plain_title(entry) -> str | None:
    title = entry.get("title") or ""
    if _detail_type(entry, "title_detail") in _HTML_TYPES:
        title = LexborHTMLParser(title).text(separator=" ")
    title = " ".join(title.split())
    return title or None


def _author(entry) -> str | None:
    detail = entry.get("author_detail") or {}
    name = detail.get("name") or entry.get("author")
    return " ".join(name.split()) if name and name.strip() else None


def _tags(entry) -> list[str]:
    seen: dict[str, None] = {}
    for tag in entry.get("tags") or []:
        term = " ".join((tag.get("term") or tag.get("label") or "").split())
        if term:
            seen.setdefault(term, None)
    return list(seen)


def item_links(data: bytes, base_url: str | None = None) -> list[str]:
    """The item links of a feed, in feed order (for the crawler); raises Rejected like `read`."""
    _refuse_entities(data, base_url or "feed")
    headers = {"content-location": base_url} if base_url else None  # resolves relative item links
    parsed = _parse(data, base_url or "feed", headers)
    if not parsed.get("version") and not parsed.entries:
        raise Rejected("feed_malformed", f"{base_url or 'feed'}: {parsed.get('bozo_exception') or 'not a feed'}")
    links = [(entry.get("link") or "").strip() for entry in parsed.entries]
    return [link for link in links if link]
