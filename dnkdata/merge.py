"""One story, one row: captures that share a merge key become one article.

The most complete capture (a full page over a teaser, then the longest body) gives the body and the extracted
rows; fields it lacks are filled from the others. Every capture is listed in the build report.
"""

from __future__ import annotations

from dnkdata.extract.text import official_id, price_id, quote_id
from dnkdata.identity import article_identity
from dnkdata.model import ParsedArticle
from dnkdata.parse import FALLBACK_ENCODING

FILLABLE = ("title", "standfirst", "published_date", "published_at", "published_tz", "byline", "url", "source_site")
PARSED_FIELDS = tuple(ParsedArticle.__dataclass_fields__)


def merge_stories(results: list) -> tuple[list[dict], list[dict]]:
    """The merged stories (article fields + rows) and one report entry per input file."""
    records = [(r, a) for r in results if r.status != "rejected" for a in r.articles]
    groups = _group(records)
    stories, story_of = [], {}
    for members in groups:
        story = _merge(members)
        stories.append(story)
        for _, article in members:
            story_of[id(article)] = story
    entries = [_entry(result, story_of) for result in results]
    stories.sort(key=lambda s: s["article_id"])
    return stories, entries


def _group(records: list[tuple]) -> list[list[tuple]]:
    """Union-find over shared merge keys; groups come out in input order."""
    parent = list(range(len(records)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with_key: dict[str, int] = {}
    for i, (_, article) in enumerate(records):
        for key in article["merge_keys"]:
            j = first_with_key.setdefault(key, i)
            parent[root(i)] = root(j)
    groups: dict[int, list[tuple]] = {}
    for i, record in enumerate(records):
        groups.setdefault(root(i), []).append(record)
    return list(groups.values())


def _completeness(member: tuple) -> tuple:
    result, article = member
    filled = sum(article[f] is not None for f in FILLABLE)
    return (not article["is_excerpt"], len(article["body"]), filled, result.source_path, article["item"])


def _merge(members: list[tuple]) -> dict:
    ranked = sorted(members, key=_completeness, reverse=True)
    primary = dict(ranked[0][1])
    for _, other in ranked[1:]:
        for name in FILLABLE:
            if primary[name] is None and other[name] is not None:
                primary[name] = other[name]
        primary["has_korean_version"] = primary["has_korean_version"] or other["has_korean_version"]
    provisional = primary["article_id"]
    final = article_identity(ParsedArticle(**{k: primary[k] for k in PARSED_FIELDS}))
    if final != provisional:
        _rekey(primary, final)
    primary["capture_paths"] = _unique(result.source_path for result, _ in ranked)
    return primary


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))


def _rekey(story: dict, article_id: str) -> None:
    """The merged story's identity changed (a URL came from another capture): move its rows to the new id."""
    story["article_id"] = article_id
    for row in story["quotes"]:
        row.update(article_id=article_id, quote_id=quote_id(article_id, row["char_start"], row["char_end"]))
    for row in story["locations"]:
        row["article_id"] = article_id
    for row in story["officials"]:
        row.update(article_id=article_id, official_id=official_id(article_id, row["kind"], row["group_key"]))
    for row in story.get("prices", []):
        row.update(article_id=article_id, price_id=price_id(article_id, row["char_start"], row["char_end"]))


def _entry(result, story_of: dict) -> dict:
    entry = {"path": result.source_path, "sha256": result.sha256 or None, "bytes": result.size,
             "encoding": result.encoding}
    if result.encoding == FALLBACK_ENCODING:  # a guess: say so, so a reader can check the characters
        entry["encoding_fallback"] = "not UTF-8 or UTF-16 text: decoded as Windows-1252 (cp1252)"
    if result.status == "rejected":
        return entry | {"status": "rejected", "reason_code": result.reason_code, "message": result.message}
    items = []
    for article in result.articles:
        story = story_of[id(article)]
        is_primary = story["source_path"] == result.source_path and story["item"] == article["item"]
        status = ("excerpt" if story["is_excerpt"] else "article") if is_primary else "duplicate"
        item = {"status": status, "article_id": story["article_id"]}
        if status == "duplicate":
            item["duplicate_of"] = story["source_path"]
        items.append(item)
    best = next((s for s in ("article", "excerpt", "duplicate") if any(i["status"] == s for i in items)), "duplicate")
    entry.update(status=best, article_ids=sorted({i["article_id"] for i in items}))
    if best == "duplicate":
        entry["duplicate_of"] = sorted({i["duplicate_of"] for i in items})
    if len(items) > 1:
        entry["items"] = items
    if result.problems:
        entry["problems"] = result.problems
    return entry
