"""Incremental rebuilds (dnkdata.incremental): rebuilding an output after its inputs changed redoes only the
stories the change touches, and gives the bytes a clean build gives, whatever the change."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from dnkdata import incremental, pipeline, synth

SYNTH_CAPTURES = 60


def _tables(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.parquet"))}


def _report(folder: Path) -> dict:
    report = json.loads((folder / "build_report.json").read_text(encoding="utf-8"))
    report.pop("timings")
    report.pop("cache")
    return report


def _jsonl(path: Path, items: list[dict]) -> None:
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")


def _item(slug: str, title: str, day: str, words: str) -> dict:
    """An invented story (not Daily NK text) whose body is long enough to be an article."""
    body = "\n\n".join(f"{words} An invented source in Hyesan told the reporter about {slug}, paragraph {n}."
                       for n in range(4))
    return {"url": f"https://www.dailynk.com/english/{slug}/", "title": title, "published": day, "text": body}


@pytest.fixture(scope="module")
def synth_files(tmp_path_factory) -> Path:
    """Invented captures in every text family, with duplicates and teasers of one another."""
    folder = tmp_path_factory.mktemp("synth")
    synth.generate(SYNTH_CAPTURES, folder, seed=23, workers=1)
    return folder


@pytest.fixture
def inputs(tmp_path, synth_files) -> Path:
    folder = tmp_path / "inputs"
    shutil.copytree(synth_files, folder)
    _jsonl(folder / "a.jsonl", [_item("story-a", "Invented story A", "2024-01-01", "Rice prices rose.")])
    _jsonl(folder / "b.jsonl", [_item("story-b", "Invented story B", "2024-01-02", "Fuel prices fell."),
                                _item("story-c", "Invented story C", "2024-01-03", "Border guards moved.")])
    return folder


def _build(folder: Path, out: Path, cache: Path | None):
    return pipeline.build([folder], out, workers=1, cache_dir=cache)


def _assert_same_as_clean(folder: Path, out: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    _build(folder, clean, None)
    assert _tables(out) == _tables(clean)
    assert _report(out) == _report(clean)


def _move_out(folder: Path, names: list[str], aside: Path) -> None:
    aside.mkdir(exist_ok=True)
    for name in names:
        shutil.move(folder / name, aside / name)


def _primaries_of_merged_stories(out: Path) -> list[str]:
    """Paths of captures that are the primary of a story captured more than once."""
    files = json.loads((out / "build_report.json").read_text(encoding="utf-8"))["files"]
    merged = {path for entry in files for path in entry.get("duplicate_of", [])}
    return sorted(merged)


def test_added_captures_redo_only_their_stories(inputs, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    later = sorted(p.name for p in inputs.glob("synth-*.txt"))[SYNTH_CAPTURES // 2:]
    _move_out(inputs, later, tmp_path / "later")
    first = _build(inputs, out, cache)
    assert first.report["cache"]["reused_earlier_build"] is False
    for name in later:
        shutil.move(tmp_path / "later" / name, inputs / name)
    again = _build(inputs, out, cache)
    cache_report = again.report["cache"]
    assert cache_report["reused_earlier_build"] is True
    assert len(later) <= cache_report["captures_redone"] < again.report["counts"]["files"]
    _assert_same_as_clean(inputs, out, tmp_path)


def test_removed_primary_captures_promote_their_duplicates(inputs, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    _build(inputs, out, cache)
    primaries = _primaries_of_merged_stories(out)
    assert primaries, "the synthetic corpus should hold stories captured more than once"
    _move_out(inputs, primaries[:3], tmp_path / "aside")
    again = _build(inputs, out, cache)
    assert again.report["cache"]["reused_earlier_build"] is True
    assert again.report["cache"]["stories_replaced"] >= 1
    _assert_same_as_clean(inputs, out, tmp_path)


def test_changed_capture_is_redone(inputs, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    _build(inputs, out, cache)
    changed = sorted(inputs.glob("synth-*.txt"))[5]
    changed.write_bytes(changed.read_bytes() + b"\nA source in Hyesan added an invented closing line.\n")
    again = _build(inputs, out, cache)
    assert again.report["cache"]["reused_earlier_build"] is True
    assert again.report["cache"]["misses"] == 1
    _assert_same_as_clean(inputs, out, tmp_path)


def test_a_capture_bridging_two_stories_merges_them(inputs, tmp_path):
    """A new capture with story A's URL and story B's dated title joins A and B; b.jsonl also holds story C,
    which is redone with it (its report entry covers both of its items)."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    before = _build(inputs, out, cache)
    bridge = _item("story-a", "Invented story B", "2024-01-02", "Rice and fuel prices moved. " * 3)
    _jsonl(inputs / "bridge.jsonl", [bridge])
    again = _build(inputs, out, cache)
    assert again.report["cache"]["reused_earlier_build"] is True
    assert again.report["counts"]["rows_articles"] == before.report["counts"]["rows_articles"] - 1
    assert again.report["cache"]["captures_redone"] == 3  # bridge, a and b
    _assert_same_as_clean(inputs, out, tmp_path)


def test_rebuild_without_changes_reuses_everything(inputs, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    _build(inputs, out, cache)
    tables = _tables(out)
    again = _build(inputs, out, cache)
    assert again.report["cache"] | {"hits": 0} == {"enabled": True, "hits": 0, "misses": 0,
                                                   "reused_earlier_build": True, "captures_redone": 0,
                                                   "stories_replaced": 0}
    assert _tables(out) == tables


def test_an_edited_output_is_not_reused(inputs, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    _build(inputs, out, cache)
    quotes = pl.read_parquet(out / "quotes.parquet")
    quotes.head(quotes.height - 1).write_parquet(out / "quotes.parquet")  # someone dropped a row
    again = _build(inputs, out, cache)
    assert again.report["cache"]["reused_earlier_build"] is False
    assert "quotes.parquet is not the file the earlier build wrote" in again.report["cache"]["why_not"]
    _assert_same_as_clean(inputs, out, tmp_path)


def test_an_id_clash_falls_back_to_a_full_build(inputs, tmp_path, monkeypatch):
    out, cache = tmp_path / "out", tmp_path / "cache"
    _build(inputs, out, cache)
    (inputs / sorted(p.name for p in inputs.glob("synth-*.txt"))[0]).unlink()
    monkeypatch.setattr(incremental, "id_clash", lambda *args: True)
    again = _build(inputs, out, cache)
    assert again.report["cache"]["reused_earlier_build"] is False
    assert "clash" in again.report["cache"]["why_not"]
    _assert_same_as_clean(inputs, out, tmp_path)


def test_without_a_cache_nothing_is_reused(inputs, tmp_path):
    out = tmp_path / "out"
    _build(inputs, out, None)
    again = _build(inputs, out, None)
    assert again.report["cache"]["reused_earlier_build"] is False
    assert again.report["cache"]["why_not"] == "no cache (--no-cache)"


def test_the_cache_keeps_one_state_per_existing_output(inputs, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    for _ in range(3):
        _build(inputs, out, cache)
    _build(inputs, tmp_path / "other", cache)
    states = sorted(p.name for p in cache.glob("*/outputs/*"))
    assert len([s for s in states if s.endswith(".json")]) == 2
    assert len(states) == 2 * (1 + len(incremental.STATE_PARTS))
    shutil.rmtree(tmp_path / "other")
    _build(inputs, out, cache)
    assert len(list(cache.glob("*/outputs/*"))) == 1 + len(incremental.STATE_PARTS)


def test_plan_redoes_whole_stories_and_every_story_of_a_redone_capture():
    """Capture k2 holds records of stories S1 and S2; a new capture shares a key with S1 only. S1's and S2's
    captures are all redone; S3 is not."""
    records = pl.DataFrame(
        {"key": ["k1", "k2", "k2", "k3", "k4"], "item": [0, 0, 1, 0, 0],
         "merge_keys": [["url:1"], ["url:1"], ["url:2"], ["url:2"], ["url:3"]],
         "article_id": ["s1", "s1", "s2", "s2", "s3"], "unresolved_places": [[], [], [], [], []]},
        schema=incremental.RECORD_SCHEMA)
    state = incremental.BuildState(pl.DataFrame({"key": ["k1", "k2", "k3", "k4"]}), records,
                                   pl.DataFrame(schema=incremental.STORY_SCHEMA))
    keys = ["k1", "k2", "k3", "k4", "new"]
    plan = incremental.plan_update(state, keys, pl.Series(["url:1"]), set(keys))
    assert plan.redo == ["k1", "k2", "k3", "new"]
    assert sorted(plan.touched.to_list()) == ["s1", "s2"]
    gone = incremental.plan_update(state, ["k1", "k2", "k3"], pl.Series([], dtype=pl.String), set(keys))
    assert gone.redo == [] and gone.touched.to_list() == ["s3"] and gone.removed == {"k4"}
    assert "more than once" in incremental.plan_update(state, ["k1", "k1"], pl.Series([], dtype=pl.String), keys)
    assert "no longer holds" in incremental.plan_update(state, keys, pl.Series(["url:3"]), {"new"})


@pytest.mark.parametrize("seed", range(20))
def test_splicing_gives_what_one_sort_of_all_rows_gives(tmp_path, seed):
    """Old rows of untouched articles plus the new rows, in table order, whatever is dropped and inserted where:
    new articles before, between and after old ones, a touched article redone under its own id, one dropped."""
    import random

    from dnkdata.schemas import polars_schema
    from dnkdata.tables import SORT_KEYS, spliced

    rng = random.Random(seed)
    ids = sorted({f"{rng.randrange(16**4):04x}" + "0" * 12 for _ in range(12)})
    old_ids, spare = ids[:8], ids[8:]

    def rows(article_ids: list[str]) -> pl.DataFrame:
        data = [{"quote_id": f"{i:016x}", "article_id": a, "paragraph": 0, "char_start": s, "char_end": s + 2,
                 "text": "ab", "kind": "direct", "speaker": None, "speaker_kind": "unattributed",
                 "speaker_name": None, "speaker_place": None, "attribution": "none"}
                for i, (a, s) in enumerate((a, s) for a in article_ids for s in range(rng.randrange(0, 4)))]
        return pl.DataFrame(data, schema=polars_schema("quotes")).sort(SORT_KEYS["quotes"])

    old = rows(old_ids)
    old.write_parquet(tmp_path / "quotes.parquet")
    touched = pl.Series(rng.sample(old_ids, rng.randrange(0, 4)), dtype=pl.String)
    new = rows(rng.sample(spare, rng.randrange(0, 4)) + rng.sample(touched.to_list(), min(1, touched.len())))
    new = new.with_columns(quote_id=pl.format("n{}", pl.int_range(pl.len())).str.pad_start(16, "0"))
    expected = (pl.concat([old.filter(~pl.col("article_id").is_in(touched.implode())), new])
                .sort(SORT_KEYS["quotes"], maintain_order=True))
    assert spliced("quotes", tmp_path / "quotes.parquet", touched, new).equals(expected)


def test_a_spliced_table_that_fails_its_checks_leaves_the_output_as_it_was(inputs, tmp_path, monkeypatch):
    from dnkdata import validate
    from dnkdata.errors import ValidationFailed

    out, cache = tmp_path / "out", tmp_path / "cache"
    _build(inputs, out, cache)
    before = _tables(out)
    (inputs / sorted(p.name for p in inputs.glob("synth-*.txt"))[0]).unlink()
    monkeypatch.setattr(validate, "unique_errors",
                        lambda name, df: [f"{name}.x: fails unique in 2 row(s)"] if name == "officials" else [])
    with pytest.raises(ValidationFailed, match="officials.x: fails unique"):
        _build(inputs, out, cache)
    assert _tables(out) == before


def test_a_damaged_build_state_costs_a_full_build_not_the_build(inputs, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    _build(inputs, out, cache)
    [records] = cache.glob("*/outputs/*.records.arrow")
    records.write_bytes(records.read_bytes()[:100])
    again = _build(inputs, out, cache)
    assert again.report["cache"]["reused_earlier_build"] is False
    assert "incomplete" in again.report["cache"]["why_not"]
    _assert_same_as_clean(inputs, out, tmp_path)


def test_a_named_site_comes_and_goes_with_the_story_that_names_it(inputs, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    _jsonl(inputs / "d.jsonl", [_item("story-d", "Invented story D", "2024-01-04",
                                      "Guards searched every train at Hyesan Station.")])
    _build(inputs, out, cache)
    sites = pl.read_parquet(out / "places.parquet").filter(pl.col("place_id") == "kp-ryanggang-hyesan-station")
    assert sites.select("name", "level", "province", "lat").row(0) == ("Hyesan Station", "site", "Ryanggang", None)
    _jsonl(inputs / "d.jsonl", [_item("story-d", "Invented story D", "2024-01-04", "Guards searched every train.")])
    again = _build(inputs, out, cache)
    assert again.report["cache"]["reused_earlier_build"] is True
    assert "kp-ryanggang-hyesan-station" not in pl.read_parquet(out / "places.parquet")["place_id"].to_list()
    _assert_same_as_clean(inputs, out, tmp_path)
