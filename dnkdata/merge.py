"""One story, one row: captures that share a merge key become one article.

The most complete capture (a full page over a teaser, then the longest body) gives the body and the extracted
rows; fields it lacks are filled from the others. Every capture is listed in the build report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from dnkdata.extract.text import official_id, price_id, quote_id
from dnkdata.identity import article_identity
from dnkdata.model import ParsedArticle
from dnkdata.parse import FALLBACK_ENCODING

FILLABLE = ("title", "standfirst", "published_date", "published_at", "published_tz", "byline", "url", "source_site")
IDENTITY_FIELDS = ("source_format", "title", "published_date", "url")  # all article_identity reads besides body


@dataclass
class Merged:
    """The outcome of merging: one primary record per story, and the story each record belongs to."""

    # per story: _capture, item (of its primary record), article_id, filled fields, rekeyed, and its ids: the
    # primary capture's (provisional_id) and the one made from the filled fields (merged_id)
    stories: list[dict]
    story_of: dict[tuple[int, int], dict] = field(default_factory=dict)  # (_capture, item) → its story


def merge_articles(records: list[dict]) -> Merged:
    """Group records (light dicts of article fields, input order) into stories and pick each story's primary.

    A record carries _capture (input position), source_path, item, article_id, merge_keys, is_excerpt,
    body_length, has_korean_version and the fillable fields; bodies and extracted rows stay in their frames.
    """
    merged = Merged([])
    for members in _group(records):
        story = _merge(members)
        merged.stories.append(story)
        for record in members:
            merged.story_of[(record["_capture"], record["item"])] = story
    _keep_ids_distinct(merged.stories)
    return merged


def _keep_ids_distinct(stories: list[dict]) -> None:
    """A story whose new id (from fields filled in from another capture: a title from one, a date from another)
    is another story's id keeps the id of its own primary capture. Those are distinct: captures with the same
    URL, dated title or opening share a merge key, so they are in one story."""
    while True:
        counts = Counter(story["article_id"] for story in stories)
        clashing = [s for s in stories if s["rekeyed"] and counts[s["article_id"]] > 1]
        if not clashing:
            return
        for story in clashing:
            story["article_id"], story["rekeyed"] = story["provisional_id"], False


def _group(records: list[dict]) -> list[list[dict]]:
    """Union-find over shared merge keys; groups come out in input order."""
    parent = list(range(len(records)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with_key: dict[str, int] = {}
    for i, record in enumerate(records):
        for key in record["merge_keys"]:
            j = first_with_key.setdefault(key, i)
            parent[root(i)] = root(j)
    groups: dict[int, list[dict]] = {}
    for i, record in enumerate(records):
        groups.setdefault(root(i), []).append(record)
    return list(groups.values())


def _completeness(record: dict) -> tuple:
    filled = sum(record[f] is not None for f in FILLABLE)
    return (not record["is_excerpt"], record["body_length"], filled, record["source_path"], record["item"])


def _merge(members: list[dict]) -> dict:
    if len(members) == 1:  # most stories were captured once: nothing to rank or fill in
        alone = members[0]
        alone.update(capture_paths=[alone["source_path"]], provisional_id=alone["article_id"],
                     merged_id=alone["article_id"], rekeyed=False)
        return alone
    ranked = sorted(members, key=_completeness, reverse=True)
    primary = dict(ranked[0])
    filled = False
    for other in ranked[1:]:
        for name in FILLABLE:
            if primary[name] is None and other[name] is not None:
                primary[name] = other[name]
                filled = True
        primary["has_korean_version"] = primary["has_korean_version"] or other["has_korean_version"]
    final = _final_identity(primary) if filled else primary["article_id"]
    primary["capture_paths"] = list(dict.fromkeys(record["source_path"] for record in ranked))
    primary["provisional_id"] = primary["article_id"]
    primary["rekeyed"] = final != primary["article_id"]
    primary["article_id"] = primary["merged_id"] = final  # merged_id: kept when a clash undoes the new id
    return primary


def _final_identity(story: dict) -> str:
    """The story's id once fields came from other captures. Without a URL or a dated title the id is the body's
    opening, which filling cannot change, so the body is never needed here."""
    if not (story["url"] or (story["title"] and story["published_date"])):
        return story["article_id"]
    return article_identity(ParsedArticle(body="", **{k: story[k] for k in IDENTITY_FIELDS}))


def rekeyed_quote_ids(article_ids: list[str], starts: list[int], ends: list[int]) -> list[str]:
    return [quote_id(a, s, e) for a, s, e in zip(article_ids, starts, ends)]


def rekeyed_official_ids(article_ids: list[str], kinds: list[str], keys: list[str]) -> list[str]:
    return [official_id(a, k, g) for a, k, g in zip(article_ids, kinds, keys)]


def rekeyed_price_ids(article_ids: list[str], starts: list[int], ends: list[int]) -> list[str]:
    return [price_id(a, s, e) for a, s, e in zip(article_ids, starts, ends)]


def capture_entry(capture: dict, index: int, merged: Merged) -> dict:
    """The report entry of one input file: what became of it (article, excerpt, duplicate of …, rejected)."""
    entry = {"path": capture["path"], "sha256": capture["sha256"] or None, "bytes": capture["bytes"],
             "encoding": capture["encoding"]}
    if capture["encoding"] == FALLBACK_ENCODING:  # a guess: say so, so a reader can check the characters
        entry["encoding_fallback"] = "not UTF-8 or UTF-16 text: decoded as Windows-1252 (cp1252)"
    if capture["status"] == "rejected":
        return entry | {"status": "rejected", "reason_code": capture["reason_code"], "message": capture["message"]}
    items = []
    for item_index in capture["items"]:
        story = merged.story_of[(index, item_index)]
        is_primary = story["source_path"] == capture["path"] and story["item"] == item_index
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
    if capture["problems"]:
        entry["problems"] = capture["problems"]
    return entry
