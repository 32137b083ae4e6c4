"""Read JSON Lines: one article per line, as exported by scrapers and archive tools.

Each line is an object with `url`, `title`, `published` (ISO date or date-time) and either `html` or `text`
(optional: `author`/`byline`, `tags`). `html` goes through the HTML reader's paragraph rules. `text` is split
into paragraphs on blank lines and otherwise left as it is: it may still carry page chrome (weather widgets,
"Read in Korean", footers), which the pipeline removes by passing text bodies through the plain-text parser.

`item_index` is the 0-based line number; a line that cannot be read becomes
`Problem("jsonl_bad_line", "line N: ...", line=N)` with N counted from 1 like an editor does, and the other
lines are still read. Blank lines are skipped silently.
"""

from __future__ import annotations

import json
import re

from dnkdata.errors import Rejected
from dnkdata.model import ParsedArticle, Problem
from dnkdata.sources._common import parse_iso, site_of
from dnkdata.sources.html import fragment_paragraphs

_BLANK_LINES = re.compile(r"\n\s*\n")


class _BadLine(Exception):
    """One line that cannot become an article."""


def read(data: bytes, name: str) -> list[ParsedArticle | Problem]:
    """Read every line; raises Rejected("jsonl_empty") when the capture holds no line at all."""
    text = data.decode("utf-8-sig", errors="replace")
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise Rejected("jsonl_empty", f"{name}: no JSON lines")
    results: list[ParsedArticle | Problem] = []
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            results.append(_article(_object(line), index))
        except _BadLine as bad:
            results.append(Problem("jsonl_bad_line", f"line {index + 1}: {bad}", line=index + 1))
    return results


def _object(line: str) -> dict:
    try:
        value = json.loads(line)
    except ValueError as error:
        raise _BadLine(f"not JSON ({error})") from None
    if not isinstance(value, dict):
        raise _BadLine(f"expected a JSON object, got {type(value).__name__}")
    return value


def _article(obj: dict, index: int) -> ParsedArticle:
    url = _text_field(obj, "url")
    title = _text_field(obj, "title")
    published = _published(obj)
    paragraphs, korean = _body(obj)
    if not paragraphs:
        raise _BadLine("no article text in 'html' or 'text'")
    byline = _text_field(obj, "byline") or _text_field(obj, "author")
    return ParsedArticle(
        body="\n\n".join(paragraphs),
        source_format="jsonl",
        title=title,
        published_date=published.day if published else None,
        published_at=published.at if published else None,
        published_tz=published.tz if published else None,
        byline=byline,
        url=url,
        has_korean_version=korean,
        source_site=site_of(url),
        read_method="jsonl-html" if "html" in obj and obj["html"] else "jsonl-text",
        tags=_tags(obj),
        item_index=index,
    )


def _body(obj: dict) -> tuple[list[str], bool]:
    html = obj.get("html")
    if html:
        if not isinstance(html, str):
            raise _BadLine("'html' is not a string")
        return fragment_paragraphs(html)
    text = obj.get("text")
    if text is None:
        raise _BadLine("neither 'html' nor 'text'")
    if not isinstance(text, str):
        raise _BadLine("'text' is not a string")
    text = text.replace("\r\n", "\n")
    return [p.strip() for p in _BLANK_LINES.split(text) if p.strip()], False


def _published(obj: dict):
    value = obj.get("published")
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise _BadLine("'published' is not a string")
    found = parse_iso(value)
    if found is None:
        raise _BadLine(f"'published' is not an ISO date or date-time: {value!r}")
    return found


def _text_field(obj: dict, key: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _BadLine(f"{key!r} is not a string")
    return " ".join(value.split()) or None


def _tags(obj: dict) -> list[str]:
    tags = obj.get("tags") or []
    if isinstance(tags, str):
        tags = tags.split(",")
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise _BadLine("'tags' is not a list of strings")
    return list(dict.fromkeys(t.strip() for t in tags if t.strip()))
