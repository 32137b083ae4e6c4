"""The synthetic corpus generator and the benchmark report writer. No timing assertions: CI machines vary."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from dnkdata import synth

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, synth.SynthSummary]:
    out = tmp_path_factory.mktemp("synth")
    return out, synth.generate(200, out, seed=7)


def _texts(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}


def test_same_seed_same_files_other_seed_other_files(sample, tmp_path):
    out, _ = sample
    again = synth.generate(200, tmp_path / "again", seed=7, workers=1)
    other = synth.generate(20, tmp_path / "other", seed=8)
    assert _texts(out) == _texts(again.out)
    assert _texts(other.out)["synth-000001.txt"] != _texts(out)["synth-000001.txt"]


def test_pool_and_single_process_write_the_same_files(tmp_path, monkeypatch):
    monkeypatch.setattr(synth, "POOL_THRESHOLD", 1)
    monkeypatch.setattr(synth, "CHUNK", 25)
    pooled = synth.generate(60, tmp_path / "pool", seed=3, workers=2)
    single = synth.generate(60, tmp_path / "single", seed=3, workers=1)
    assert _texts(pooled.out) == _texts(single.out)


def test_names_and_count(sample):
    out, summary = sample
    names = sorted(p.name for p in out.iterdir())
    assert names[0] == "synth-000001.txt" and names[-1] == "synth-000200.txt"
    assert len(names) == 200 == sum(summary.families.values())


def test_every_family_appears_with_its_signals(sample):
    out, summary = sample
    assert all(summary.families[f] > 0 for f in synth.FAMILIES), summary.families
    texts = list(_texts(out).values())
    assert any("by DailyNK(North Korean Media)" in t and "Most Popular Articles" in t for t in texts)
    assert any(t.rstrip().endswith("by DailyNK(North Korean Media)") and ("…" in t or "..." in t) for t in texts)
    assert any(t.startswith("Home > News > ") and "[Source: Daily NK]" in t and "Prev  Next" in t for t in texts)
    assert any(re.search(r"^.+  \|  \d{4}-\d\d-\d\d \d\d:\d\d$", t, re.M) for t in texts)
    assert any("Questions or comments about this article?" in t for t in texts)
    assert any(re.search(r"^\w+ \d{1,2}, \d{4} at \d\d:\d\d[AP]M$", t, re.M) for t in texts)


def test_stories_carry_sources_quotes_places_and_prices(sample):
    texts = " ".join(_texts(sample[0]).values())
    assert re.search(r"[Aa] source in [A-Z][\w.' ]+ [Pp]rovince", texts)
    assert "Daily NK source in" in texts and "“" in texts and '"' in texts
    assert re.search(r"\b(he said|the source added)\b", texts)
    assert re.search(r"\d{1,3},\d{3} won", texts)
    assert re.search(r"\w+ [Cc]ounty", texts)
    assert any(name in texts for name, _ in synth.OFFICIALS)


def test_legacy_text_has_hard_breaks_inside_sentences(sample):
    out, _ = sample
    legacy = [t for name, t in _texts(out).items() if synth.render_file(7, int(name[6:12]))[1] == "legacy"]
    assert legacy
    assert all(max(len(line) for line in t.splitlines()[1:]) < 90 for t in legacy)  # body lines, not the title
    assert all("“" not in t for t in legacy)


def test_lengths_mostly_two_to_eight_kb(sample):
    out, _ = sample
    sizes = [p.stat().st_size for p in out.glob("*.txt")]
    within = sum(2_000 <= s <= 8_192 for s in sizes)
    assert within / len(sizes) >= 0.8, sorted(sizes)


def test_duplicates_reprint_an_earlier_story(sample):
    out, summary = sample
    texts = _texts(out)
    dups = [i for i in range(1, 201) if synth.plan_file(7, i)[0] != i]
    assert summary.duplicates == len(dups) > 0
    for i in dups:
        j = synth.plan_file(7, i)[0]
        lede = synth.make_story(7, j, synth.plan_file(7, j)[1]).paragraphs[0]
        words = lede.split()[:8]  # the lede's opening, in whatever quote style either copy uses
        assert all(w.replace("’", "'") in texts[synth.file_name(i, 200)].replace("’", "'") for w in words)


def test_different_stories_do_not_share_an_opening_by_chance():
    """Captures sharing the body's first 25 words are merged as one story: distinct synthetic stories must not
    (at 100,000 files, one original in five once did, and the benchmark built far fewer articles than it had)."""
    from dnkdata.identity import merge_keys
    from dnkdata.model import ParsedArticle

    openings = []
    for index in range(1, 20_001):
        story_index, family, _ = synth.plan_file(0, index)
        if story_index == index:  # originals only: a duplicate is meant to share its story's opening
            body = "\n\n".join(synth.make_story(0, index, family).paragraphs)
            openings += [key for key in merge_keys(ParsedArticle(body=body, source_format="text"))]
    assert len(openings) > 18_000
    assert len(openings) - len(set(openings)) <= len(openings) // 1000


def test_files_differ(sample):
    texts = list(_texts(sample[0]).values())
    assert len(set(texts)) == len(texts)
    titles = {t.splitlines()[0] for t in texts}
    assert len(titles) > 50


def test_regenerating_smaller_removes_stale_files(tmp_path):
    synth.generate(30, tmp_path, seed=1)
    synth.generate(10, tmp_path, seed=1)
    assert len(list(tmp_path.glob("*.txt"))) == 10


def test_gazetteer_csv_is_used_when_present(tmp_path):
    csv = tmp_path / "places.csv"
    csv.write_text(
        "place_id,name,level,province,iso_3166_2,lat,lon,name_hangul,variants\n"
        "p1,Testgang Province,province,,KP-99,41,128,,Tesgang\n"
        "p2,Testcity,city,Testgang Province,KP-99,41,128,,\n"
        "p3,Testcounty,county,p1,KP-99,41,128,,\n",  # province given as a place_id
        encoding="utf-8",
    )
    try:
        out = synth.generate(20, tmp_path / "out", seed=1, places_csv=csv)
        text = " ".join(_texts(out.out).values())
        assert "Testcity" in text and "Testcounty" in text
        geo = synth.geography(str(csv))
        assert geo.by_province["Testgang"] == (geo.cities, geo.counties)
    finally:
        synth._GEO_PATH = None  # generate() in-process sets the module's gazetteer for later calls


def test_synth_command_on_a_fresh_typer_app(tmp_path):
    app = typer.Typer()

    @app.callback()
    def main() -> None:  # a callback keeps "synth" a subcommand, as in the real CLI
        pass

    synth.register(app)
    result = CliRunner().invoke(app, ["synth", "--n", "12", "--out", str(tmp_path / "c"), "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "c").glob("synth-*.txt"))) == 12
    assert "wrote 12 files" in result.output


# --------------------------------------------------------------------------------- benchmark report writer


def _bench():
    spec = importlib.util.spec_from_file_location("bench", ROOT / "benchmarks" / "bench.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench"] = mod  # dataclasses resolve string annotations through sys.modules
    spec.loader.exec_module(mod)
    return mod


def _fake(bench, size, wall, rss_mb, floor_s, stages=None):
    return bench.SizeResult(size=size, walls=[wall], peak_rss_bytes=int(rss_mb * 2**20),
                            outputs={"articles.parquet": 3_000_000}, floor_s=floor_s, stages=stages)


def test_report_marks_targets_from_numbers():
    bench = _bench()
    good = [_fake(bench, 10_000, 5.0, 400, 1.0, {"read": 1.0, "parse": 2.0}),
            _fake(bench, 100_000, 52.0, 900, 8.0)]
    md = bench.render_report(good, bench.IncrementalResult(base_size=100_000, added=100, wall_s=3.2),
                             machine={"platform": "test"}, command="python benchmarks/bench.py", when="2026-01-01")
    assert "| 100000 |" in md and "52.00" in md and "1923" in md  # 100000 / 52 s
    assert "n/a" in md  # 100k run had no stage timings
    targets = {t.name: t.met for t in bench.evaluate_targets(good, bench.IncrementalResult(100_000, 100, 3.2))}
    assert all(targets.values()), targets

    slow = [_fake(bench, 10_000, 5.0, 400, 1.0), _fake(bench, 100_000, 75.0, 2500, 5.0)]
    targets = {t.name: t.met for t in bench.evaluate_targets(slow, bench.IncrementalResult(100_000, 100, 12.0))}
    assert targets == {"100k wall time": False, "scaling 10k to 100k": False, "peak memory": False,
                       "incremental rebuild": False, "build vs floor": False}
    md = bench.render_report(slow, None, machine={}, command="x", when="d")
    assert "not met" in md and "not measured" in md


def test_report_without_sizes_marks_targets_not_measured():
    bench = _bench()
    targets = bench.evaluate_targets([], None)
    assert all(t.met is None for t in targets)


def test_report_shows_long_article_growth_from_the_figures():
    bench = _bench()
    figures = {"one paragraph": {"4000": 0.30, "32000": 0.33, "256000": 0.45}}
    md = bench.render_report([], None, machine={}, command="x", when="d", long_articles=figures)
    row = next(line for line in md.splitlines() if line.startswith("| one paragraph |"))
    assert row == "| one paragraph | 0.300 | 0.330 | 0.450 | 1.50 × |"
    assert "| shape | 4 KB | 32 KB | 256 KB | growth |" in md
    failed = bench.render_report([], None, machine={}, command="x", when="d", long_articles="failed: boom")
    assert "failed: boom" in failed


def test_long_article_shapes_are_as_long_as_the_largest_size():
    spec = importlib.util.spec_from_file_location("long_articles", ROOT / "benchmarks" / "long_articles.py")
    long_articles = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(long_articles)
    text = "A source said: “Rice is dear.”\n\nPrices rose. Traders left.\n\n" * 10_000
    shapes = long_articles.shapes(text)
    assert all(len(body) >= max(long_articles.SIZES) for body in shapes.values())
    assert "\n\n" not in shapes["one paragraph (no blank line)"]
    assert ". " not in shapes["no full stops, one paragraph"]
    assert long_articles.ms_per_kb("A source said: “Rice is dear.” " * 40, runs=1) > 0


def test_run_measured_counts_the_cpu_of_grandchildren():
    bench = _bench()
    spin = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {spin!r}], check=True)"
    run = bench.run_measured([sys.executable, "-c", parent])
    assert run.exit_code == 0
    assert run.cpu_s >= 0.3  # the grandchild's spin alone, which the parent waited for
    assert run.peak_rss_bytes > 0


def test_where_the_time_goes_says_how_busy_the_cores_were():
    bench = _bench()
    r = _fake(bench, 100_000, 100.0, 900, 8.0, {"read": 5.0, "parse": 14.0, "extract": 150.0, "total": 98.0,
                                                 "discover": 0.3, "process": 85.0, "merge": 10.0})
    r.cpus = [190.0]
    text = " ".join(bench.where_the_time_goes([r]))
    assert "used 190 s of CPU, 1.90 of the" in text
    r.cpus = []
    assert "of CPU" not in " ".join(bench.where_the_time_goes([r]))
