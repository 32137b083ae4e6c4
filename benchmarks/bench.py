"""End-to-end benchmark: `dnkdata build` on synthetic corpora of several sizes, written to docs/performance.md.

    python benchmarks/bench.py [--sizes 1000,10000,100000] [--out docs/performance.md] [--workdir /tmp/dnk-bench]

For each size: generate (or reuse) a corpus, time the build as a subprocess (median of --repeat runs), sample the
peak RSS of the whole process tree, read stage timings from <out>/build_report.json, and time a "floor" (read
every file, one regex pass) to compare with. At the largest size, add 100 new captures and time the rebuild.
Last, time the extraction of single articles of growing length (benchmarks/long_articles.py): linear work.
Every verdict in the report's targets section is computed from the numbers, never written by hand.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("read", "parse", "extract", "validate", "write")
WALL_STEPS = ("discover", "process", "merge", "validate", "write", "total")  # wall seconds in the main process
GIB = 2**30
MIB = 2**20
INCREMENTAL_ADDED = 100


# ------------------------------------------------------------------------------------------------ results


@dataclass
class SizeResult:
    size: int
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)  # CPU seconds of each run's whole process tree
    peak_rss_bytes: int = 0
    outputs: dict[str, int] = field(default_factory=dict)  # parquet file -> bytes
    output_total_bytes: int | None = None  # everything under --out; defaults to the parquet sum
    floor_s: float | None = None
    floor_read_s: float | None = None  # the reading part of the floor
    stages: dict[str, float] | None = None
    extracted: int | None = None  # captures holding a story's primary record: the ones the build extracts
    error: str | None = None

    @property
    def wall_s(self) -> float | None:
        return statistics.median(self.walls) if self.walls else None

    @property
    def cpu_s(self) -> float | None:
        """CPU seconds of the run whose wall time is the median."""
        if not self.cpus or not self.walls:
            return None
        return self.cpus[self.walls.index(sorted(self.walls)[(len(self.walls) - 1) // 2])]

    @property
    def per_article_ms(self) -> float | None:
        return self.wall_s * 1000 / self.size if self.wall_s else None

    @property
    def articles_per_s(self) -> float | None:
        return self.size / self.wall_s if self.wall_s else None

    @property
    def ratio(self) -> float | None:
        return self.wall_s / self.floor_s if self.wall_s and self.floor_s else None

    @property
    def total_out(self) -> int:
        return self.output_total_bytes if self.output_total_bytes is not None else sum(self.outputs.values())


@dataclass
class IncrementalResult:
    base_size: int
    added: int
    wall_s: float | None = None
    peak_rss_bytes: int = 0
    error: str | None = None
    runs: list[float] = field(default_factory=list)  # wall seconds of each run
    reports: list[dict] = field(default_factory=list)  # each run's build_report.json "cache" and "timings"
    cache: dict | None = None  # those of the median run: was the earlier build reused, and how
    timings: dict | None = None


@dataclass
class Target:
    name: str
    rule: str
    value: str
    met: bool | None  # None: not measured


# ------------------------------------------------------------------------------------------------ targets


def _at(results: list[SizeResult], size: int) -> SizeResult | None:
    return next((r for r in results if r.size == size and r.wall_s), None)


def evaluate_targets(results: list[SizeResult], incremental: IncrementalResult | None) -> list[Target]:
    """The issue's five targets, each judged from the measurements (None where a number is missing)."""
    r10k, r100k = _at(results, 10_000), _at(results, 100_000)
    measured = [r for r in results if r.wall_s]
    targets = []

    t = r100k.wall_s if r100k else None
    targets.append(Target("100k wall time", "100,000 captures ≤ 60 s", _fmt(t, "{:.1f} s"), None if t is None else t <= 60))

    scale = r100k.per_article_ms / r10k.per_article_ms if r10k and r100k else None
    targets.append(Target("scaling 10k to 100k", "per-capture time at 100k ≤ 1.3 × at 10k",
                          _fmt(scale, "{:.2f} ×"), None if scale is None else scale <= 1.3))

    peak = max((r.peak_rss_bytes for r in measured), default=None)
    targets.append(Target("peak memory", "peak RSS of the build's process tree ≤ 2 GiB (all sizes)",
                          _fmt(peak and peak / MIB, "{:.0f} MiB"), None if not peak else peak <= 2 * GIB))

    inc = incremental.wall_s if incremental else None
    targets.append(Target("incremental rebuild", f"rebuild after adding {INCREMENTAL_ADDED} captures ≤ 10 s",
                          _fmt(inc, "{:.1f} s"), None if inc is None else inc <= 10))

    ratio = r100k.ratio if r100k else None
    targets.append(Target("build vs floor", "build ≤ 10 × floor (read + one regex pass) at 100k",
                          _fmt(ratio, "{:.1f} ×"), None if ratio is None else ratio <= 10))
    return targets


def _fmt(value: float | None, pattern: str) -> str:
    return "n/a" if value is None else pattern.format(value)


# ------------------------------------------------------------------------------------------------- report


def render_report(results: list[SizeResult], incremental: IncrementalResult | None, machine: dict[str, str],
                  command: str, when: str, long_articles: dict[str, dict[str, float]] | str | None = None) -> str:
    lines = ["# Performance", "",
             "Generated by `benchmarks/bench.py`; do not edit by hand. Corpora are synthetic (`dnkdata synth`).", "",
             f"- Date: {when}", f"- Command: `{command}`", ""]
    lines += ["## Results", "",
              "| size | wall s | captures/s | per-capture ms | peak RSS MiB | output MiB | floor s (read) | build/floor |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        if r.error:
            reason = (r.error.strip().splitlines() or ["?"])[-1][:100].replace("|", "/")
            lines.append(f"| {r.size} | failed: {reason} | | | | | | |")
            continue
        lines.append(f"| {r.size} | {_fmt(r.wall_s, '{:.2f}')} | {_fmt(r.articles_per_s, '{:.0f}')} | "
                     f"{_fmt(r.per_article_ms, '{:.3f}')} | {r.peak_rss_bytes / MIB:.0f} | {r.total_out / MIB:.1f} | "
                     f"{_fmt(r.floor_s, '{:.2f}')} ({_fmt(r.floor_read_s, '{:.2f}')}) | {_fmt(r.ratio, '{:.1f}')} |")
    lines += ["", "Floor: read every capture and run one compiled `source|said|province` (re.I) pass over it, single "
              "process, after the builds. The corpus is read once, untimed, before the builds, so the floor and every "
              "build meet a warm page cache. Captures/s counts input files.",
              "", "Wall time is the median of the runs: " +
              ", ".join(f"{r.size}: {len(r.walls)} run(s) [{', '.join(f'{w:.2f}' for w in r.walls)}]" for r in results),
              "", "### Stage times (s, from build_report.json)", "",
              "read, parse and extract are seconds summed over the worker processes (on two cores they add up to "
              "about twice the wall time of the `process` step); the other columns are wall seconds of the build's "
              "steps: `process` (looking up known captures in the cache by hash, then the worker pool's two "
              "passes: reading and parsing every capture, then, once the stories are merged, extracting the "
              "captures that hold a story's primary record; the workers store their results as segments), `merge` "
              "(loading each table's rows from the segments, one story one row, ordering), `validate` and `write` "
              "(summed over the tables; each table is checked in a "
              "background thread and written in another while the next is made, so they overlap `merge`) and the "
              "build's "
              "`total` (Python start-up and imports are the difference to the measured wall time).", "",
              "| size | " + " | ".join(STAGES) + " | " + " | ".join(f"wall: {w}" for w in WALL_STEPS) + " |",
              "|---:|" + "---:|" * (len(STAGES) + len(WALL_STEPS))]
    for r in results:
        cells = [_fmt(r.stages.get(s), "{:.2f}") if r.stages else "n/a" for s in STAGES + WALL_STEPS]
        lines.append(f"| {r.size} | " + " | ".join(cells) + " |")
    lines += where_the_time_goes(results)
    lines += ["", "### Output files", ""]
    for r in results:
        files = ", ".join(f"{name} {size / MIB:.1f} MiB" for name, size in sorted(r.outputs.items())) or "none"
        lines.append(f"- {r.size}: {files}; total {r.total_out / MIB:.1f} MiB")
    lines += ["", "### Incremental rebuild", ""]
    if incremental is None:
        lines.append("not measured")
    else:
        runs = ", ".join(f"{w:.2f}" for w in incremental.runs)
        what = incremental.error or (f"{_fmt(incremental.wall_s, '{:.2f}')} s (median of {len(incremental.runs)} "
                                     f"runs: {runs}), peak RSS {incremental.peak_rss_bytes / MIB:.0f} MiB")
        lines.append(f"{incremental.added} new captures added to the {incremental.base_size} corpus, "
                     f"rebuilt into the same `--out`: {what}")
        lines += ["", incremental_details(incremental)]
    lines += long_article_lines(long_articles)
    lines += ["", "## Targets", "", "| target | rule | measured | verdict |", "|---|---|---|---|"]
    for t in evaluate_targets(results, incremental):
        verdict = "not measured" if t.met is None else ("met" if t.met else "not met")
        lines.append(f"| {t.name} | {t.rule} | {t.value} | {verdict} |")
    lines += ["", "## Machine", ""] + [f"- {k}: {v}" for k, v in machine.items()] + [""]
    return "\n".join(lines)


def long_article_lines(figures: dict[str, dict[str, float]] | str | None) -> list[str]:
    """The long-article table: ms per KB of one article's extraction by its length (flat rows: linear work)."""
    lines = ["", "### Long articles", "",
             "Extraction of one article, single process, best of 3, by the article's length "
             "(`python benchmarks/long_articles.py`): milliseconds per KB of body. Work that grows linearly "
             "with an article's length keeps a row flat; the last column is the largest size's figure over the "
             "smallest's.", ""]
    if not isinstance(figures, dict):
        return lines + [figures or "not measured"]
    sizes = list(next(iter(figures.values())))
    lines += ["| shape | " + " | ".join(f"{int(s) // 1000} KB" for s in sizes) + " | growth |",
              "|---|" + "---:|" * (len(sizes) + 1)]
    for shape, row in figures.items():
        growth = row[sizes[-1]] / row[sizes[0]]
        lines.append(f"| {shape} | " + " | ".join(f"{row[s]:.3f}" for s in sizes) + f" | {growth:.2f} × |")
    return lines


def measure_long_articles() -> dict[str, dict[str, float]] | str:
    """benchmarks/long_articles.py in its own process; its error message when it fails."""
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "long_articles.py"), "--json"],
                          capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        return "failed: " + ((done.stderr.strip().splitlines() or ["?"])[-1][:200])
    return json.loads(done.stdout)


def incremental_details(incremental: IncrementalResult) -> str:
    """What the rebuild did, from its build report."""
    cache, timings = incremental.cache or {}, incremental.timings or {}
    if cache.get("reused_earlier_build"):
        did = (f"It reused the earlier build: it processed the {cache.get('misses')} new captures, redid "
               f"{cache.get('captures_redone')} captures (the new ones and every capture of the "
               f"{cache.get('stories_replaced')} stories they touched) and spliced their rows into the earlier "
               "tables; the new rows were validated in full, every table for its unique keys, and every table "
               "was written whole.")
    else:
        did = f"It did not reuse the earlier build ({cache.get('why_not', 'no build report')})."
    steps = ", ".join(f"{k} {v:.2f}" for k, v in timings.items()
                      if k in ("discover", "process", "merge", "validate", "write", "total"))
    return did + (f" Steps (s): {steps}." if steps else "")


def where_the_time_goes(results: list[SizeResult]) -> list[str]:
    """Per-capture CPU cost of each worker stage and the main process's share, at the largest size measured."""
    r = next((r for r in sorted(results, key=lambda r: -r.size) if r.wall_s and r.stages), None)
    if r is None:
        return []
    worker = {s: r.stages.get(s, 0.0) for s in ("read", "parse", "extract")}
    main = {w: r.stages.get(w, 0.0) for w in ("merge", "validate", "write")}
    cells = ", ".join(f"{s} {v * 1000 / r.size:.3f} ms" for s, v in worker.items())
    tables = r.stages.get("total", 0.0) - r.stages.get("discover", 0.0) - r.stages.get("process", 0.0)
    cores = _usable_cores() or os.cpu_count()
    busy = (f" The build's whole process tree used {r.cpu_s:.0f} s of CPU, {r.cpu_s / r.wall_s:.2f} of the "
            f"{cores} cores busy on average over its wall time: the build is bound by CPU work where that is near "
            f"{cores}." if r.cpu_s else "")
    return ["", f"Where the time goes at {r.size}: worker CPU per capture {cells} "
                f"(total {sum(worker.values()) * 1000 / r.size:.3f} ms; {r.extracted} of the {r.size} captures "
                f"hold a story's primary record and were extracted); the table steps after the pool "
                f"{tables:.1f} s of the {r.wall_s:.1f} s wall (" +
                ", ".join(f"{w} {v:.1f} s" for w, v in main.items()) + ", validate and write overlapping merge)." +
                busy]


def machine_info() -> dict[str, str]:
    info = {"platform": platform.platform(), "cpu": _cpu_model(), "cores": str(os.cpu_count()),
            "usable cores": str(_usable_cores() or "?")}
    try:
        import psutil

        info["memory"] = f"{psutil.virtual_memory().total / GIB:.1f} GiB"
    except ImportError:
        info["memory"] = "? (psutil missing)"
    info["python"] = platform.python_version()
    if hasattr(os, "getloadavg"):
        info["load average when the report was written (1, 5, 15 min)"] = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    for pkg in ("dnkdata", "polars", "pyarrow", "pandera", "typer", "psutil"):
        try:
            info[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            info[pkg] = "not installed"
    return info


def _usable_cores() -> int | None:
    """The cores this process may run on (None where the platform does not say)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


# --------------------------------------------------------------------------------------------- measuring


BUILD_TEMPLATE: str | None = None  # --build-cmd: measure another command, e.g. a stub while the CLI is missing


def build_command(corpus: Path, out: Path, cache: Path) -> list[str]:
    """The installed `dnkdata` script next to this interpreter, else `python -m dnkdata.cli`."""
    if BUILD_TEMPLATE:
        return shlex.split(BUILD_TEMPLATE.format(corpus=shlex.quote(str(corpus)), out=shlex.quote(str(out)),
                                                 cache=shlex.quote(str(cache))))
    script = Path(sys.executable).with_name("dnkdata")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "dnkdata.cli"]
    return base + ["build", str(corpus), "--out", str(out), "--cache", str(cache)]


class Run(NamedTuple):
    wall_s: float
    peak_rss_bytes: int  # of the command and all its descendants
    exit_code: int
    stderr_tail: str
    cpu_s: float  # user + system CPU seconds of the command and all its descendants


def run_measured(cmd: list[str], interval: float = 0.025) -> Run:
    """Run `cmd` and measure it. RSS is summed over the tree at each poll because the build uses worker
    processes; CPU is read from the rusage of waited-for children, which holds the whole tree once every process
    of it has been waited for (the build waits for its workers, this function for the build)."""
    import psutil

    peak = 0
    done = threading.Event()
    cpu_before = _children_cpu_seconds()
    start = time.perf_counter()
    proc = psutil.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def poll() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                tree = [proc] + proc.children(recursive=True)
            except psutil.Error:
                tree = []
            total = 0
            for p in tree:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass  # exited between listing and reading
            peak = max(peak, total)
            done.wait(interval)

    sampler = threading.Thread(target=poll, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    return Run(wall, peak, proc.returncode, err.decode("utf-8", "replace")[-2000:],
               _children_cpu_seconds() - cpu_before)


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def floor_seconds(corpus: Path) -> tuple[float, float]:
    """The least any build must do: read each file and run one compiled regex over it, single process.

    Returns (total seconds, of which reading), so the report shows how much of the floor is I/O and decoding.
    """
    pattern = re.compile(r"source|said|province", re.I)
    start = time.perf_counter()
    reading = 0.0
    for path in sorted(corpus.glob("*.txt")):
        t = time.perf_counter()
        text = path.read_text(encoding="utf-8")
        reading += time.perf_counter() - t
        pattern.findall(text)
    return time.perf_counter() - start, reading


def warm_page_cache(corpus: Path) -> None:
    """Read every file once, untimed, so the floor and every build meet the same warm page cache (the kernel's
    reclaimer evicts a corpus that has not been read for a while, which would charge disk reads to the first run)."""
    for path in corpus.rglob("*"):
        if path.is_file():
            path.read_bytes()


def output_sizes(out: Path) -> tuple[dict[str, int], int]:
    parquet = {str(p.relative_to(out)): p.stat().st_size for p in sorted(out.rglob("*.parquet"))}
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return parquet, total


def stage_timings(out: Path) -> dict[str, float] | None:
    try:
        timings = json.loads((out / "build_report.json").read_text(encoding="utf-8")).get("timings")
    except (OSError, ValueError, AttributeError):
        return None
    return {k: float(v) for k, v in timings.items()} if isinstance(timings, dict) else None


def primary_captures(out: Path) -> int | None:
    """Input files that hold a story's primary record (an article or excerpt): the ones a build extracts."""
    try:
        counts = json.loads((out / "build_report.json").read_text(encoding="utf-8"))["counts"]
        return counts["article"] + counts["excerpt"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


# ----------------------------------------------------------------------------------------------- corpora


def _synth_fingerprint() -> str:
    """Hash of the generator's source: a changed generator invalidates cached corpora."""
    import dnkdata.synth as synth

    return hashlib.sha256(Path(synth.__file__).read_bytes()).hexdigest()[:16]


def ensure_corpus(workdir: Path, size: int, seed: int) -> Path:
    """Generate workdir/corpus-<size>, or reuse it when its stamp matches size, seed and generator."""
    from dnkdata import synth

    corpus = workdir / f"corpus-{size}"
    stamp_path = workdir / f"corpus-{size}.stamp.json"
    stamp = {"size": size, "seed": seed, "synth": _synth_fingerprint()}
    if stamp_path.exists() and json.loads(stamp_path.read_text()) == stamp and corpus.is_dir():
        print(f"[bench] reusing {corpus}", flush=True)
        return corpus
    print(f"[bench] generating {size} captures into {corpus}", flush=True)
    if corpus.exists():
        shutil.rmtree(corpus)
    summary = synth.generate(size, corpus, seed=seed)
    print(f"[bench]   {summary.total_bytes / MIB:.0f} MiB in {summary.seconds:.1f} s", flush=True)
    stamp_path.write_text(json.dumps(stamp))
    return corpus


def corpus_plus_new(workdir: Path, corpus: Path, seed: int) -> Path:
    """A copy of `corpus` (hard links, so it is cheap) plus 100 captures from another seed."""
    from dnkdata import synth

    plus = workdir / f"{corpus.name}-plus{INCREMENTAL_ADDED}"
    if plus.exists():
        shutil.rmtree(plus)
    shutil.copytree(corpus, plus, copy_function=_link_or_copy)
    fresh = workdir / "incremental-new"
    synth.generate(INCREMENTAL_ADDED, fresh, seed=seed + 1)
    for p in sorted(fresh.glob("*.txt")):
        shutil.copyfile(p, plus / f"new-{p.name}")
    shutil.rmtree(fresh)
    return plus


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


# --------------------------------------------------------------------------------------------------- main


def measure_size(workdir: Path, size: int, seed: int, repeat: int) -> SizeResult:
    corpus = ensure_corpus(workdir, size, seed)
    out, cache = workdir / f"out-{size}", workdir / f"cache-{size}"
    result = SizeResult(size=size)
    warm_page_cache(corpus)
    for i in range(repeat):
        for folder in (out, cache):
            if folder.exists():
                shutil.rmtree(folder)  # cold build each time: no output or cache left from the previous run
        wall, peak, code, err, cpu = run_measured(build_command(corpus, out, cache))
        print(f"[bench] build {size} run {i + 1}/{repeat}: {wall:.2f} s, CPU {cpu:.1f} s, peak {peak / MIB:.0f} MiB, "
              f"exit {code}", flush=True)
        if code != 0:
            result.error = f"exit {code}: {err.strip()}"
            return result
        result.walls.append(wall)
        result.cpus.append(cpu)
        result.peak_rss_bytes = max(result.peak_rss_bytes, peak)
    result.outputs, result.output_total_bytes = output_sizes(out)
    result.stages = stage_timings(out)
    result.extracted = primary_captures(out)
    result.floor_s, result.floor_read_s = floor_seconds(corpus)
    print(f"[bench] floor {size}: {result.floor_s:.2f} s", flush=True)
    return result


def measure_incremental(workdir: Path, size: int, seed: int, runs: int) -> IncrementalResult:
    """Rebuild into the out folder of the last full build after adding 100 captures; time whatever happens.
    Each run adds 100 captures not seen before (another seed), so each processes them afresh; between runs the
    output goes back to the corpus alone (a rebuild too, untimed)."""
    corpus = workdir / f"corpus-{size}"
    out, cache = workdir / f"out-{size}", workdir / f"cache-{size}"
    result = IncrementalResult(base_size=size, added=INCREMENTAL_ADDED)
    for run in range(runs):
        if run:
            code = run_measured(build_command(corpus, out, cache))[2]
            if code != 0:
                result.error = f"resetting to the corpus failed: exit {code}"
                return result
        plus = corpus_plus_new(workdir, corpus, seed + run)
        warm_page_cache(plus)
        wall, peak, code, err, _ = run_measured(build_command(plus, out, cache))
        print(f"[bench] incremental +{INCREMENTAL_ADDED} on {size} run {run + 1}/{runs}: {wall:.2f} s, exit {code}",
              flush=True)
        if code != 0:
            result.error = f"exit {code}: {err.strip().splitlines()[-1] if err.strip() else ''}"
            return result
        result.runs.append(wall)
        result.peak_rss_bytes = max(result.peak_rss_bytes, peak)
        report = json.loads((out / "build_report.json").read_text(encoding="utf-8"))
        result.reports.append({"cache": report.get("cache"), "timings": report.get("timings")})
    result.wall_s = statistics.median(result.runs)
    median_run = result.runs.index(sorted(result.runs)[(len(result.runs) - 1) // 2])
    result.cache, result.timings = result.reports[median_run]["cache"], result.reports[median_run]["timings"]
    return result


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated corpus sizes")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/dnk-bench"))
    ap.add_argument("--repeat", type=int, default=None, help="runs per size (default 3; the median is reported)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-incremental", action="store_true", help="skip the incremental rebuild")
    ap.add_argument("--repeat-incremental", type=int, default=3, help="incremental rebuilds to time (median)")
    ap.add_argument("--no-long-articles", action="store_true", help="skip the long-article measurement")
    ap.add_argument("--build-cmd", default=None,
                    help="command template instead of `dnkdata build`, with {corpus}, {out} and {cache} placeholders")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    global BUILD_TEMPLATE
    args = parse_args(argv)
    BUILD_TEMPLATE = args.build_cmd
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = []
    for size in sizes:
        repeat = args.repeat or 3  # the issue asks for medians on a noisy machine
        results.append(measure_size(args.workdir, size, args.seed, repeat))
    incremental = None
    largest = max(sizes, default=None)
    if largest and not args.no_incremental and _at(results, largest):
        incremental = measure_incremental(args.workdir, largest, args.seed, args.repeat_incremental)
    long_articles = None if args.no_long_articles else measure_long_articles()
    command = shlex.join(["python", "benchmarks/bench.py", *(argv if argv is not None else sys.argv[1:])])
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    report = render_report(results, incremental, machine_info(), command, when, long_articles)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)
    return 0 if all(r.error is None for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
