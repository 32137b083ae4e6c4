"""Article identity: which captures are the same story, and the stable article_id they share.

The id is 16 hex chars of sha256 over the story's identity: its canonical URL if known, else outlet + normalised
title + publication date, else the normalised opening of the body (DESIGN.md).
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from dnkdata.gazetteer import fold
from dnkdata.model import ParsedArticle

OUTLET = "Daily NK"
OPENING_WORDS = 25  # a teaser and its full story share at least this many opening words
WHITESPACE = re.compile(r"\s")
KEEP_QUERY = {"num", "cataid", "p", "id", "no"}  # query keys that name the story (legacy read.php?num=…)


def canonical_url(url: str) -> str:
    """Lowercase scheme-less host without www, path without trailing slash, only identifying query keys."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    query = sorted((k.lower(), v) for k, v in parse_qsl(parts.query) if k.lower() in KEEP_QUERY)
    path = parts.path.rstrip("/") or "/"
    return f"{host}{path}" + (f"?{urlencode(query)}" if query else "")


def _normalise(text: str) -> str:
    return re.sub(r"[^\w ]+", "", fold(text))


def _leading_words(text: str, count: int) -> list[str]:
    """The normalised words of text, at least the first count + 1 of them (all if fewer).

    Only a prefix cut at whitespace is normalised: folding is character by character, so the prefix's words are
    the first words of the whole text, and long bodies are not folded in full just to read their opening.
    """
    size = 8 * (count + 1)
    while True:
        gap = WHITESPACE.search(text, size)
        cut = gap.start() if gap else len(text)
        words = _normalise(text[:cut]).split()
        if len(words) > count or cut == len(text):
            return words
        size *= 4


def _opening(body: str, words: int = OPENING_WORDS) -> str | None:
    tokens = _leading_words(body, words)
    return " ".join(tokens[:words]) if len(tokens) > words else None


def article_identity(record: ParsedArticle) -> str:
    if record.url:
        key = "url:" + canonical_url(record.url)
    elif record.title and record.published_date:
        # a title alone is not an identity: different stories share headlines (and merge_keys agrees)
        key = f"title:{OUTLET}|{_normalise(record.title)}|{record.published_date}"
    else:
        key = "body:" + " ".join(_leading_words(record.body, 60)[:60])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def merge_keys(record: ParsedArticle) -> list[str]:
    """Keys two captures of one story share: URL, title with date, or a near-identical opening of the body."""
    keys = []
    if record.url:
        keys.append("url:" + canonical_url(record.url))
    if record.title and record.published_date:
        keys.append(f"title:{_normalise(record.title)}|{record.published_date}")
    opening = _opening(record.body)
    if opening:
        keys.append("open:" + opening)
    return keys
