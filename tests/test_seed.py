"""The user's own sample capture (datasets/raw) gives exactly what the issue asks for."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest


@pytest.fixture(scope="module")
def tables(seed_build):
    return {name: pl.read_parquet(seed_build.out / f"{name}.parquet")
            for name in ("articles", "quotes", "locations", "officials", "places")}


def test_article_fields(tables):
    [article] = tables["articles"].to_dicts()
    assert article["title"] == "N. Koreans dismiss Kim Jong Un’s latest anti-corruption drive as theater"
    assert article["published_date"] == date(2025, 2, 11)
    assert article["published_at"] == datetime(2025, 2, 11, 7, 19)
    assert article["published_tz"] is None
    assert article["body"].startswith("North Korea is cracking down")
    assert article["body"].endswith("explained a source in North Hamgyong province.")
    assert article["has_korean_version"] is True and article["is_excerpt"] is False
    assert article["source_format"] == "text" and article["source_path"] == "000_82ce061cef0351cd.txt"
    for chrome in ("26.1 C", "Delhi", "Tuesday, February 11, 2025", "Read in Korean", "by DailyNK",
                   "Most Popular Articles", "07:19AM"):
        assert chrome not in article["body"]


def test_six_quotes_with_speakers(tables):
    quotes = tables["quotes"].sort("char_start")
    got = [(q["text"][:24], q["kind"], q["speaker_kind"], q["speaker_name"], q["speaker_place"])
           for q in quotes.to_dicts()]
    assert got == [
        ("flagrant and unpardonabl", "term", "state_media", None, None),
        ("enormous crimes", "term", "named_person", "Kim Jong Un", None),
        ("People don’t see how get", "direct", "anonymous_source", None, "South Hamgyong"),
        ("The officials were caugh", "direct", "anonymous_source", None, "Nampo"),
        ("Those who know the detai", "direct", "anonymous_source", None, "Jagang"),
        ("When factories are built", "direct", "anonymous_source", None, "North Hamgyong"),
    ]
    speakers = quotes.filter(pl.col("kind") == "direct")["speaker"].to_list()
    assert speakers == ["A source in South Hamgyong province", "a Nampo source", "A source in Jagang province",
                        "a source in North Hamgyong province"]


def test_nested_quote_stays_inside_its_outer_quote(tables):
    texts = tables["quotes"]["text"].to_list()
    assert "enormous crime" not in texts
    assert any("‘enormous crime’" in t for t in texts)


def test_places(tables):
    locations = {r["name"]: r for r in tables["locations"].to_dicts()}
    assert set(locations) == {"Nampo", "Onchon", "Ushi", "South Hamgyong", "Hamhung", "Jagang", "North Hamgyong"}
    assert (locations["Onchon"]["level"], locations["Onchon"]["province"]) == ("county", "Nampo")
    assert (locations["Ushi"]["level"], locations["Ushi"]["province"]) == ("county", "Jagang")
    assert (locations["Hamhung"]["level"], locations["Hamhung"]["province"]) == ("city", "South Hamgyong")
    assert locations["South Hamgyong"]["iso_3166_2"] == "KP-08"
    assert all(r["country_code"] == "KP" and r["lat"] is not None for r in locations.values())
    assert locations["Nampo"]["is_source_location"] and not locations["Hamhung"]["is_source_location"]


def test_officials(tables):
    officials = tables["officials"].to_dicts()
    named = [o for o in officials if o["kind"] == "named"]
    assert [(o["name"], o["person_id"]) for o in named] == [("Kim Jong Un", "kim-jong-un")]
    groups = {(o["role"], o["place"]) for o in officials if o["kind"] == "group"}
    assert ("officials", "Onchon") in groups or ("party officials", "Onchon") in groups
    assert ("farm inspectors", "Ushi") in groups


def test_report_accounts_for_the_input(seed_build):
    report = seed_build.report
    assert report["counts"]["files"] == 1 and report["counts"]["article"] == 1
    [entry] = report["files"]
    assert entry["status"] == "article" and len(entry["sha256"]) == 64
