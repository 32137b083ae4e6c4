"""The record every reader produces: one article as read from one capture, before ids and extraction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class ParsedArticle:
    """Fields a reader could tell from one capture; anything it could not tell stays None."""

    body: str  # article text without chrome; paragraphs joined by a blank line ("\n\n")
    source_format: str  # text | html | feed | jsonl
    title: str | None = None
    standfirst: str | None = None
    published_date: date | None = None
    published_at: datetime | None = None  # naive: the clock time as printed
    published_tz: str | None = None  # time zone as printed ("+09:00", "KST"), never guessed
    byline: str | None = None
    url: str | None = None
    has_korean_version: bool = False
    is_excerpt: bool = False
    source_site: str | None = None
    read_method: str = "text-rules"  # how the reader got the body (e.g. html-dailynk, trafilatura)
    tags: list[str] = field(default_factory=list)
    item_index: int | None = None  # position inside a multi-article capture (feed item, JSON line)


@dataclass
class Problem:
    """Something wrong with part of a capture that did not stop the rest (e.g. one bad JSON line)."""

    code: str
    message: str
    line: int | None = None
