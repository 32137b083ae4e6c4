"""One story, one row: merging captures never gives two stories the same article_id."""

from __future__ import annotations

from datetime import date

from dnkdata.identity import article_identity, merge_keys
from dnkdata.merge import merge_articles
from dnkdata.model import ParsedArticle

OPENING_A = " ".join(f"alpha{i}" for i in range(40))
OPENING_B = " ".join(f"beta{i}" for i in range(40))
TITLE = "Residents told to stay away from the river"


def _record(index: int, record: ParsedArticle) -> dict:
    fields = {name: getattr(record, name) for name in
              ("source_format", "title", "standfirst", "published_date", "published_at", "published_tz", "byline",
               "url", "source_site", "has_korean_version", "is_excerpt")}
    return fields | {"_capture": index, "item": 0, "source_path": f"c{index}.txt", "body_length": len(record.body),
                     "article_id": article_identity(record), "merge_keys": merge_keys(record)}


def test_fields_filled_from_another_capture_never_take_another_storys_id():
    # Story A: a full capture with the title but no date, and a short copy with the date but no title.
    a_full = ParsedArticle(body=OPENING_A + " and more words", source_format="text", title=TITLE)
    a_copy = ParsedArticle(body=OPENING_A, source_format="text", published_date=date(2024, 5, 2))
    # Story B: another story printed under the same headline on that date.
    b = ParsedArticle(body=OPENING_B, source_format="text", title=TITLE, published_date=date(2024, 5, 2))
    merged = merge_articles([_record(0, a_full), _record(1, a_copy), _record(2, b)])
    ids = [story["article_id"] for story in merged.stories]
    assert len(merged.stories) == 2
    assert len(set(ids)) == 2
    assert article_identity(b) in ids and article_identity(a_full) in ids


def test_a_url_from_another_capture_becomes_the_storys_id():
    full = ParsedArticle(body=OPENING_A + " and more", source_format="text")
    teaser = ParsedArticle(body=OPENING_A, source_format="feed", is_excerpt=True,
                           url="https://www.dailynk.com/english/story-1/")
    merged = merge_articles([_record(0, full), _record(1, teaser)])
    (story,) = merged.stories
    assert story["article_id"] == article_identity(teaser) and story["_capture"] == 0
