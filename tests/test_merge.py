"""One story, one row: captures of one story in different formats merge into one article, and merging never
gives two stories the same article_id."""

from __future__ import annotations

import json
import shutil
from datetime import date

import polars as pl

from dnkdata.identity import article_identity, merge_keys
from dnkdata.merge import merge_articles
from dnkdata.model import ParsedArticle
from dnkdata.pipeline import build
from tests.conftest import FIXTURES

URL = "https://www.dailynk.com/english/invented-market-inspectors-stall-hyesan/"
TITLE = "Invented market inspectors stall in Hyesan"
OPENING = ("Market inspection teams announced for the city of Hyesan have not appeared at the main market for two "
           "weeks, an invented source in Ryanggang Province told Daily NK.")


def write_captures(folder):
    folder.mkdir()
    shutil.copy(FIXTURES / "html" / "dailynk_modern.html", folder / "page.html")
    (folder / "aggregator.txt").write_text(
        f"22.0 C\nSeoul\nTuesday, March 5, 2024\n\n{TITLE}\n\n{OPENING}\n\n"
        "“People expected the inspectors on Monday, but the stalls stayed open and nobody came,” the source said.\n\n"
        "Read in Korean\n\nMarch 5, 2024 at 02:20PM\n\nby DailyNK(North Korean Media)\n", encoding="utf-8")
    (folder / "feed.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!-- invented test feed -->\n<rss version="2.0"><channel>'
        "<title>Daily NK English</title><link>https://www.dailynk.com/english/</link><description>x</description>"
        f"<item><title>{TITLE}</title><link>{URL}</link><pubDate>Tue, 05 Mar 2024 14:20:00 +0900</pubDate>"
        f"<description>{OPENING[:80]}…</description></item></channel></rss>\n", encoding="utf-8")
    (folder / "export.jsonl").write_text(json.dumps(
        {"url": URL, "title": TITLE, "published": "2024-03-05T14:20:00+09:00", "text": OPENING}) + "\n",
        encoding="utf-8")


def test_four_captures_of_one_story_make_one_article(tmp_path):
    raw = tmp_path / "raw"
    write_captures(raw)
    result = build([raw], tmp_path / "out", workers=1)
    articles = pl.read_parquet(tmp_path / "out" / "articles.parquet")
    assert articles.height == 1
    [article] = articles.to_dicts()
    assert article["title"] == TITLE and article["url"] == URL and not article["is_excerpt"]
    assert sorted(article["capture_paths"]) == ["aggregator.txt", "export.jsonl", "feed.xml", "page.html"]
    statuses = {e["path"]: e["status"] for e in result.report["files"]}
    assert sorted(statuses.values()) == ["article", "duplicate", "duplicate", "duplicate"]
    assert {e["path"] for e in result.report["files"] if e["status"] == "article"} == {article["capture_paths"][0]}
    assert all(e["article_ids"] == [article["article_id"]] for e in result.report["files"])


def test_a_teaser_alone_stays_an_excerpt_until_the_full_story_arrives(tmp_path):
    raw = tmp_path / "raw"
    write_captures(raw)
    for name in ("page.html", "aggregator.txt", "export.jsonl"):
        (raw / name).unlink()
    build([raw], tmp_path / "out", workers=1)
    [article] = pl.read_parquet(tmp_path / "out" / "articles.parquet").to_dicts()
    assert article["is_excerpt"] and article["capture_paths"] == ["feed.xml"]


def test_different_stories_stay_apart(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("aggregator.txt", "teaser.txt", "board.txt"):
        shutil.copy(FIXTURES / "text" / name, raw / name)
    build([raw], tmp_path / "out", workers=1)
    assert pl.read_parquet(tmp_path / "out" / "articles.parquet").height == 3


OPENING_A = " ".join(f"alpha{i}" for i in range(40))
OPENING_B = " ".join(f"beta{i}" for i in range(40))
RIVER_TITLE = "Residents told to stay away from the river"


def _record(index: int, record: ParsedArticle) -> dict:
    fields = {name: getattr(record, name) for name in
              ("source_format", "title", "standfirst", "published_date", "published_at", "published_tz", "byline",
               "url", "source_site", "has_korean_version", "is_excerpt")}
    return fields | {"_capture": index, "item": 0, "source_path": f"c{index}.txt", "body_length": len(record.body),
                     "article_id": article_identity(record), "merge_keys": merge_keys(record)}


def test_fields_filled_from_another_capture_never_take_another_storys_id():
    # Story A: a full capture with the title but no date, and a short copy with the date but no title.
    a_full = ParsedArticle(body=OPENING_A + " and more words", source_format="text", title=RIVER_TITLE)
    a_copy = ParsedArticle(body=OPENING_A, source_format="text", published_date=date(2024, 5, 2))
    # Story B: another story printed under the same headline on that date.
    b = ParsedArticle(body=OPENING_B, source_format="text", title=RIVER_TITLE, published_date=date(2024, 5, 2))
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
