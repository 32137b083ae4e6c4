"""One story, one row: captures of one story in different formats merge into one article."""

from __future__ import annotations

import json
import shutil

import polars as pl

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
