"""Speed work must not change outputs.

1. Extraction (quotes, locations, officials, identity, merge keys) on the invented captures gives the same rows as
   the code before the speed work: tests/golden/extraction.json holds a digest per capture. When extraction is
   changed on purpose, regenerate it with `python tests/test_performance_equivalence.py --regenerate`.
2. A build gives the same bytes with one worker or two, with or without the cache.
3. The cache is invalidated when the code or the gazetteer changes.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
GOLDEN = ROOT / "tests" / "golden" / "extraction.json"
SYNTH_FIXTURES = FIXTURES / "synth"


def _captures() -> list[Path]:
    return sorted((FIXTURES / "text").glob("*.txt")) + sorted(SYNTH_FIXTURES.glob("*.txt"))


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def extraction_summary(path: Path) -> dict:
    """What extraction and identity make of one capture: row counts and a digest of every row."""
    from dnkdata.extract import extract_article
    from dnkdata.identity import article_identity, merge_keys
    from dnkdata.sources.text import parse_text

    article = parse_text(path.read_text(encoding="utf-8"))
    rows = extract_article("0123456789abcdef", article.body, is_excerpt=article.is_excerpt)
    return {
        "rows": {name: len(rows[name]) for name in ("quotes", "locations", "officials")},
        "digest": _digest([article_identity(article), merge_keys(article), rows]),
    }


def _golden_key(path: Path) -> str:
    return path.relative_to(FIXTURES).as_posix()


@pytest.mark.parametrize("path", _captures(), ids=_golden_key)
def test_extraction_matches_golden(path):
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert extraction_summary(path) == golden[_golden_key(path)]


def test_golden_covers_every_capture():
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert sorted(golden) == sorted(_golden_key(p) for p in _captures())


# ---------------------------------------------------------------- whole builds

def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix == ".parquet"}


def _report_without_timings(folder: Path) -> dict:
    report = json.loads((folder / "build_report.json").read_text(encoding="utf-8"))
    report.pop("timings")
    report.pop("cache")
    return report


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The invented captures plus duplicates of some of them, so merging has work to do."""
    folder = tmp_path_factory.mktemp("corpus")
    for path in _captures():
        (folder / path.name).write_bytes(path.read_bytes())
    for path in sorted(SYNTH_FIXTURES.glob("*.txt"))[:4]:
        (folder / f"copy-{path.name}").write_bytes(path.read_bytes())
    return folder


def test_one_worker_and_two_workers_give_identical_bytes(corpus, tmp_path, monkeypatch):
    from dnkdata import pipeline

    monkeypatch.setattr(pipeline, "BATCH_SIZE", 5)  # several batches, so the pool really splits the work
    monkeypatch.setattr(pipeline, "POOL_MIN_CAPTURES", 0)  # a small corpus, but through the worker pool
    one = pipeline.build([corpus], tmp_path / "one", workers=1, cache_dir=None)
    two = pipeline.build([corpus], tmp_path / "two", workers=2, cache_dir=None)
    assert one.counts == two.counts and one.counts["articles"] > 10
    assert _files(tmp_path / "one") == _files(tmp_path / "two")
    assert _report_without_timings(tmp_path / "one") == _report_without_timings(tmp_path / "two")


def test_cached_build_gives_identical_bytes_and_redoes_only_new_captures(corpus, tmp_path):
    from dnkdata import pipeline

    cache = tmp_path / "cache"
    clean = pipeline.build([corpus], tmp_path / "clean", workers=1, cache_dir=None)
    first = pipeline.build([corpus], tmp_path / "first", workers=1, cache_dir=cache)
    again = pipeline.build([corpus], tmp_path / "again", workers=1, cache_dir=cache)
    assert first.report["cache"]["hits"] == 0
    assert again.report["cache"] == {**again.report["cache"], "hits": clean.report["counts"]["files"], "misses": 0}
    assert _files(tmp_path / "clean") == _files(tmp_path / "first") == _files(tmp_path / "again")
    assert _report_without_timings(tmp_path / "clean") == _report_without_timings(tmp_path / "again")

    extra = next(iter(sorted((FIXTURES / "text").glob("*.txt"))))
    (corpus / "added.txt").write_bytes(extra.read_bytes().replace(b"Daily NK", b"Daily NK ", 1) + b"\nAdded.\n")
    try:
        grown = pipeline.build([corpus], tmp_path / "grown", workers=1, cache_dir=cache)
        grown_clean = pipeline.build([corpus], tmp_path / "grown_clean", workers=1, cache_dir=None)
    finally:
        (corpus / "added.txt").unlink()
    assert grown.report["cache"]["misses"] == 1
    assert _files(tmp_path / "grown") == _files(tmp_path / "grown_clean")


@pytest.mark.parametrize("change", ["code", "gazetteer"])
def test_cache_is_invalidated_by_code_or_gazetteer_change(corpus, tmp_path, monkeypatch, change):
    from dnkdata import cache as cache_module
    from dnkdata import gazetteer, pipeline

    cache = tmp_path / "cache"
    pipeline.build([corpus], tmp_path / "a", workers=1, cache_dir=cache)
    if change == "code":
        monkeypatch.setattr(cache_module, "code_version", lambda: "a-different-code-version")
    else:
        monkeypatch.setattr(gazetteer, "data_version", lambda: "a-different-gazetteer")
    rebuilt = pipeline.build([corpus], tmp_path / "b", workers=1, cache_dir=cache)
    assert rebuilt.report["cache"]["hits"] == 0
    assert rebuilt.report["cache"]["misses"] == rebuilt.report["counts"]["files"]


def test_code_version_changes_when_a_source_file_changes(tmp_path):
    from dnkdata.cache import source_digest

    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "a.py").write_text("x = 1\n")
    (package / "sub" / "b.py").write_text("y = 2\n")
    before = source_digest(package)
    (package / "sub" / "b.py").write_text("y = 3\n")
    assert source_digest(package) != before


def _regenerate() -> None:
    golden = {_golden_key(p): extraction_summary(p) for p in _captures()}
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN} ({len(golden)} captures)")


if __name__ == "__main__":
    if "--regenerate" in sys.argv:
        sys.path.insert(0, str(ROOT))
        _regenerate()
