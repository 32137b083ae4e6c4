"""The build: inputs → per-capture work (read, parse, extract) → one row per story → validated tables on disk.

Per-capture work is a pure function of the capture's bytes (`process_capture`), so it runs in a process pool
and its results can be cached by the capture's sha256. It runs in two passes: every capture is read and parsed
first; once merging has picked each story's primary capture, only the captures holding one are extracted (a
duplicate's rows would be thrown away). Merging captures of one story, validation and writing are whole-table
steps; nothing is written unless every table validates. Rebuilding an output whose last build the cache
remembers redoes only the stories the changed inputs touch (dnkdata.incremental).
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import signal
import stat
import sys
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field
from itertools import groupby
from operator import itemgetter
from pathlib import Path

import polars as pl

from dnkdata.assemble import TABLE_NAMES, TableWriter
from dnkdata.cache import BuildCache, SegmentStore, capture_key, extracted_key
from dnkdata.errors import InputError, Rejected, StrictRejections, ValidationFailed
from dnkdata.extract import extract_article
from dnkdata.identity import article_identity, merge_keys
from dnkdata.model import ParsedArticle, Problem
from dnkdata.parse import DEFAULT_MAX_BYTES, read_capture
from dnkdata.report import strict_message

SKIP_SUFFIXES = (".meta.json",)  # provenance sidecars written by `dnkdata fetch`
BATCH_SIZE = 1000  # captures per batch at most: one cache segment each, so a large corpus loads from few files
BATCHES_PER_WORKER = 4  # at least this many batches per worker when the corpus is small, to keep every core busy
STAGES = ("read", "parse", "extract")
# below this many captures to process, one process does them: starting workers (each imports dnkdata) costs more
POOL_MIN_CAPTURES = 200


@dataclass
class Capture:
    """One input file: where it is and what it is called in the report."""

    path: Path | str  # a str for files found in folders: 100,000 Path objects cost most of the discovery
    source_path: str  # relative to its input folder
    root: Path | None = None  # the input folder it was found in; None when the file was named directly


@dataclass
class CaptureResult:
    """Everything one capture yields; picklable, so workers can return it and the cache can keep it."""

    source_path: str
    sha256: str = ""
    size: int = 0
    encoding: str | None = None
    status: str = "read"  # read | rejected
    reason_code: str | None = None
    message: str | None = None
    articles: list[dict] = field(default_factory=list)  # article fields + extracted rows
    problems: list[dict] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # time spent per stage: read, parse, extract
    stamp: tuple | None = None  # (device, inode, size, mtime) of the file read: the cache remembers its hash by it


@dataclass
class BuildResult:
    out: Path
    report: dict
    counts: dict[str, int]


def find_captures(inputs: list[Path]) -> list[Capture]:
    """Every file under the inputs, in a stable order; hidden files and fetch sidecars are skipped.

    Anything that is not a folder is a capture, so FIFOs, sockets, broken links and links to folders are
    listed (and rejected by `process_capture`) instead of silently dropped. Links to folders are not descended.
    """
    captures: list[Capture] = []
    for root in inputs:
        if not root.exists() and not root.is_symlink():
            raise InputError(f"{root}: no such file or folder")
        if not root.is_dir():
            captures.append(Capture(root, _report_name(root.name)))
            continue
        folder = str(root)
        for parts in sorted(_walk(folder, ())):
            relative = "/".join(parts)
            if not relative.endswith(SKIP_SUFFIXES):
                name = relative if relative.isascii() else _report_name(relative)
                captures.append(Capture(os.path.join(folder, *parts), name, root))
    return captures


def _walk(folder: str, parts: tuple[str, ...]):
    """The path parts (below the input folder) of every non-folder under folder, as rglob("*") lists them: links
    to folders are listed, not descended; an unreadable folder is skipped; hidden files and folders (a name
    starting with ".") are left out. os.scandir's entries know their type from the directory listing, so
    100,000 files need no stat each."""
    try:
        with os.scandir(folder) as listing:
            entries = [entry for entry in listing if not entry.name.startswith(".")]
    except PermissionError:
        return
    for entry in entries:
        if entry.is_symlink() or not entry.is_dir():
            yield (*parts, entry.name)
        else:
            yield from _walk(entry.path, (*parts, entry.name))


def _report_name(relative: str) -> str:
    """The name as the report shows it: bytes that are not UTF-8 become \\xNN, so JSON and Parquet can hold it."""
    return os.fsencode(relative).decode("utf-8", errors="backslashreplace")


def process_capture(capture: Capture, max_bytes: int = DEFAULT_MAX_BYTES, *, extract: bool = True) -> CaptureResult:
    """Read, parse and (unless extract is False) extract one capture. Never raises for bad input: the result says
    what went wrong.

    A failure nobody foresaw (a reader or extractor bug met by some odd input) rejects this file with
    `internal_error` rather than stopping the build: the other inputs are still read, and the report names it.
    """
    try:
        return _process(capture, max_bytes, extract)
    except Exception as exc:  # noqa: BLE001 - one file's failure must not cost the others
        return _rejected(CaptureResult(capture.source_path), "internal_error", failure_message(exc))


def failure_message(exc: Exception) -> str:
    return f"dnkdata failed on this file ({type(exc).__name__}: {exc}); please report it with the file"


def _process(capture: Capture, max_bytes: int, extract: bool) -> CaptureResult:
    result = CaptureResult(capture.source_path)
    clock = time.perf_counter()
    try:
        data = _read_bytes(capture, max_bytes, result)
    except Rejected as exc:
        return _rejected(result, exc.code, exc.message)
    except OSError as exc:
        return _rejected(result, "unreadable", f"cannot read the file ({exc.strerror or exc})")
    result.sha256 = hashlib.sha256(data).hexdigest()
    result.size = len(data)
    result.seconds["read"] = time.perf_counter() - clock
    clock = time.perf_counter()
    try:
        records, result.encoding = read_capture(capture.source_path, data, max_bytes)
    except Rejected as exc:
        return _rejected(result, exc.code, exc.message)
    finally:
        result.seconds["parse"] = time.perf_counter() - clock
    clock = time.perf_counter()
    for index, record in enumerate(records):
        if isinstance(record, Problem):
            result.problems.append(asdict(record))
        else:
            result.articles.append(_article_with_rows(record, result, index, extract))
    result.seconds["extract"] = time.perf_counter() - clock
    return result


def _read_bytes(capture: Capture, max_bytes: int, result: CaptureResult) -> bytes:
    """The bytes of a regular file inside the input folder; an oversized file is hashed, never held in memory."""
    path = Path(capture.path)
    if path.is_symlink() and not path.exists():
        raise Rejected("unreadable", f"a broken symbolic link (to {os.readlink(path)}): the file it names is gone")
    if _escapes_input(capture):
        raise Rejected("outside_input", f"a symbolic link to {path.resolve()}, outside the input folder; "
                                        "copy the file in, or name it on the command line")
    mode = os.stat(path).st_mode  # follows links: a broken link raises FileNotFoundError here
    if stat.S_ISDIR(mode):
        raise Rejected("unreadable", "a symbolic link to a folder; links to folders are not followed")
    if not stat.S_ISREG(mode):
        raise Rejected("unreadable", "not a regular file (a pipe, socket or device)")
    with open(path, "rb") as handle:
        status = os.fstat(handle.fileno())
        result.size = status.st_size
        result.stamp = (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)
        if result.size > max_bytes:
            result.sha256 = hashlib.file_digest(handle, "sha256").hexdigest()
            raise Rejected("too_large", f"{result.size:,} bytes is over the {max_bytes:,}-byte limit (--max-bytes)")
        return handle.read()


def _rejected(result: CaptureResult, code: str, message: str) -> CaptureResult:
    result.status, result.reason_code, result.message = "rejected", code, message
    return result


def _article_with_rows(record: ParsedArticle, result: CaptureResult, index: int, extract: bool) -> dict:
    article = dict(vars(record))  # asdict would deep-copy every field; only tags is mutable and is not kept
    article.update(
        article_id=article_identity(record), outlet="Daily NK", source_path=result.source_path,
        source_sha256=result.sha256, paragraph_count=record.body.count("\n\n") + 1,
        word_count=len(record.body.split()), item=index, merge_keys=merge_keys(record),
    )
    if extract:
        article.update(_extracted(article))
    return article


def _extracted(article: dict) -> dict:
    """An article's rows for the row tables and its unresolved place spellings (article: its record's fields)."""
    return extract_article(article["article_id"], article["body"], is_excerpt=article["is_excerpt"],
                           published_date=article["published_date"])


@dataclass
class Segment:
    """A batch of processed captures in the segment store: its small capture entries (report fields, or just the
    key for extracted rows) are kept in memory; its frames (article records from the first pass, or extracted rows
    from the second; each row tagged with _slot, its capture's position in `captures`, and its article's item)
    stay on disk until a table needs them."""

    name: str
    captures: list[dict]
    seconds: dict[str, float]


def _process_batch(batch: list[Capture], max_bytes: int, folder: Path) -> Segment:
    """Read and parse a batch (the first pass) and store its article records in the segment store's folder.
    The worker writes them itself, so only the small capture entries travel back to the main process."""
    from dnkdata.tables import article_frames

    with _cycle_collector_paused():  # parsing makes many short-lived objects and next to no cycles
        results = [process_capture(capture, max_bytes, extract=False) for capture in batch]
    seconds = {stage: sum(r.seconds.get(stage, 0.0) for r in results) for stage in STAGES}
    captures = [_capture_entry(r) for r in results]
    return Segment(SegmentStore(folder).save(captures, article_frames(results)), captures, seconds)


def _extract_batch(jobs: list[tuple[str, str, int]], folder: Path) -> tuple[Segment | None, dict[str, str]]:
    """Extract the articles of captures the first pass stored (the second pass): jobs are (capture key, segment
    holding its records, its slot there), grouped by segment. The rows are stored as a segment of their own, under
    each capture's extracted key. A capture whose extraction fails is left out and comes back with the message."""
    from dnkdata.tables import row_frames

    store = SegmentStore(folder)
    done: list[tuple[str, list[dict]]] = []
    failed: dict[str, str] = {}
    clock = time.perf_counter()
    with _cycle_collector_paused():
        for segment, group in groupby(jobs, key=itemgetter(1)):
            group = list(group)
            articles = _articles_by_slot(store, segment, {slot for _, _, slot in group})
            for key, _, slot in group:
                try:
                    done.append((key, [{"item": a["item"], **_extracted(a)} for a in articles.get(slot, [])]))
                except Exception as exc:  # noqa: BLE001 - as in process_capture: only this file is lost
                    failed[key] = failure_message(exc)
    seconds = {"extract": time.perf_counter() - clock}  # loading the records and extracting, as in the first pass
    if not done:
        return None, failed
    captures = [{"key": extracted_key(key)} for key, _ in done]
    return Segment(store.save(captures, row_frames([articles for _, articles in done])), captures, seconds), failed


def _articles_by_slot(store: SegmentStore, segment: str, slots: set[int]) -> dict[int, list[dict]]:
    """The article records (what extraction reads) of some captures of a segment, by slot, in item order."""
    frame = store.load_frame(segment, "articles", slots,
                             ["_slot", "item", "article_id", "body", "is_excerpt", "published_date"])
    by_slot: dict[int, list[dict]] = {}
    for article in frame.filter(pl.col("_slot").is_in(list(slots))).sort("_slot", "item").iter_rows(named=True):
        by_slot.setdefault(article["_slot"], []).append(article)
    return by_slot


def _capture_entry(result: CaptureResult) -> dict:
    return {"key": capture_key(result.source_path, result.sha256), "path": result.source_path,
            "sha256": result.sha256, "bytes": result.size, "encoding": result.encoding, "status": result.status,
            "reason_code": result.reason_code, "message": result.message, "problems": result.problems,
            "items": [a["item"] for a in result.articles], "stamp": result.stamp}


@dataclass
class Collected:
    """The inputs' results: every capture's key (input order), the segment holding each key (a capture's records
    under its key, its extracted rows under extracted_key(key)), and the segments made now (their capture entries
    in memory; a cached segment's are loaded when a table step needs them)."""

    keys: list[str]
    where: dict[str, str]
    fresh: dict[str, Segment]
    stats: dict
    runner: Runner
    failed: dict[str, str] = field(default_factory=dict)  # capture key → why its extraction failed

    def segments(self, store: SegmentStore, wanted: list[str]) -> list[Segment]:
        """The segments holding the wanted keys: those made now first (input order), then cached ones by name."""
        names = set(self.where[key] for key in wanted)
        cached = sorted(names - self.fresh.keys())
        zero = {stage: 0.0 for stage in STAGES}
        return ([segment for name, segment in self.fresh.items() if name in names]
                + [Segment(name, store.load_captures(name), zero) for name in cached])

    def extract(self, store: SegmentStore, keys: list[str]) -> dict[str, str]:
        """See that every named capture's rows are extracted (the second pass; rows already in the store are
        reused); returns the named captures whose extraction failed, with the message."""
        todo = [key for key in dict.fromkeys(keys) if extracted_key(key) not in self.where and key not in self.failed]
        wanted = set(todo)
        # by segment, so a worker loads each segment's records once
        jobs = sorted(((key, segment.name, slot) for segment in self.segments(store, todo)
                       for slot, key in enumerate(c["key"] for c in segment.captures)
                       if key in wanted and self.where[key] == segment.name), key=itemgetter(1, 2))
        for segment, failed in self.runner.run(_extract_batch, jobs, store.folder, what="extracting"):
            self.failed.update(failed)
            if segment is not None:
                self.fresh[segment.name] = segment
                for capture in segment.captures:
                    self.where[capture["key"]] = segment.name
        return {key: self.failed[key] for key in keys if key in self.failed}


def collect_batches(captures: list[Capture], store: SegmentStore, runner: Runner) -> Collected:
    """Every capture's key (input order) and the segments holding their records (the first pass): those the
    store knows, and new ones for the captures read now (in a process pool when it pays off).

    Results go to the store as they arrive and only their small capture entries stay in memory, so the main
    process stays small while the workers run, whatever the size of the corpus.
    """
    caching = isinstance(store, BuildCache)
    where = store.known() if caching else {}
    # with nothing cached every capture is processed, and the workers hash what they read: no pass ahead of them
    keys = [capture_key(c.source_path, _content_hash(c, store)) for c in captures] if where else None
    missing = [c for c, k in zip(captures, keys) if k not in where] if keys is not None else captures
    stats = {"enabled": caching, "hits": len(captures) - len(missing), "misses": len(missing)}
    fresh = {}
    for segment in runner.run(_process_batch, missing, runner.max_bytes, store.folder, what="reading"):
        if caching:
            store.remember(segment.captures)
        fresh[segment.name] = segment
        for capture in segment.captures:
            where.setdefault(capture["key"], segment.name)
    if keys is None:
        keys = [c["key"] for s in fresh.values() for c in s.captures]  # the pool returns batches in input order
    if caching:
        store.save_hashes()
    return Collected(keys, where, fresh, stats, runner)


def _content_hash(capture: Capture, store: BuildCache) -> str:
    """The hash process_capture will record: none for a link out of the input folder (it is never read).
    One lstat per file answers both questions for the usual case, a regular file."""
    try:
        status = os.lstat(capture.path)
    except OSError:
        return ""
    if not stat.S_ISLNK(status.st_mode):
        return store.sha256(capture.path, status)
    return "" if _escapes_input(capture) else store.sha256(capture.path)


def _escapes_input(capture: Capture) -> bool:
    return (capture.root is not None and Path(capture.path).is_symlink()
            and not Path(capture.path).resolve().is_relative_to(capture.root.resolve()))


class Runner:
    """Runs batches of work in worker processes, or in this process when starting workers (each imports dnkdata)
    would cost more than it saves. The pool is started on first use and kept for the second pass."""

    def __init__(self, workers: int, max_bytes: int, progress: bool):
        self.workers, self.max_bytes, self.progress = workers, max_bytes, progress
        self._pool: ProcessPoolExecutor | None = None

    def run(self, work, items: list, *args, what: str):
        """work(batch, *args) for batches of items, results in order."""
        size = min(BATCH_SIZE, max(1, -(-len(items) // (max(self.workers, 1) * BATCHES_PER_WORKER))))
        batches = [items[i:i + size] for i in range(0, len(items), size)]
        with _progress_bar(self.progress, len(items), what) as advance:
            if self.workers <= 1 or len(batches) <= 1 or len(items) < POOL_MIN_CAPTURES:
                for batch in batches:
                    yield work(batch, *args)
                    advance(len(batch))
                return
            self._pool = self._pool or _worker_pool(self.workers)
            for batch, done in zip(batches, self._pool.map(work, batches, *([arg] * len(batches) for arg in args))):
                yield done
                advance(len(batch))

    def close(self) -> None:
        """Stop the workers (their memory is not needed while the tables are made); a later run starts new ones."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


def _worker_pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes started afresh ("spawn"), not forked: a fork of a process that has used polars' thread
    pool (a notebook, a test run, a second build) can deadlock in the child."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_quiet_on_interrupt)


def _quiet_on_interrupt() -> None:
    """Workers leave Ctrl-C to the main process, which stops them (no traceback from each worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class _progress_bar:
    """A rich progress bar on a terminal; silent when stderr is not one (CI, pipes, tests)."""

    def __init__(self, enabled: bool, total: int, what: str):
        self.enabled = enabled and sys.stderr.isatty()
        self.total, self.what = total, what

    def __enter__(self):
        if not self.enabled:
            return lambda n: None
        from rich.progress import Progress

        self._progress = Progress(transient=True)
        self._progress.start()
        task = self._progress.add_task(self.what, total=self.total)
        return lambda n: self._progress.advance(task, n)

    def __exit__(self, *exc):
        if self.enabled:
            self._progress.stop()
        return False


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def default_cache_dir(out: Path) -> Path:
    """The cache lives beside the output folder, so every build of one output shares it."""
    return out.resolve().parent / ".dnkdata-cache"


def build(inputs: list[Path], out: Path, *, workers: int | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
          progress: bool = False, strict: bool = False, cache_dir: Path | None | str = "default") -> BuildResult:
    """Build every table from the inputs into `out` (replaced atomically); raises ValidationFailed.

    cache_dir: where per-capture results are kept between builds ("default": beside out; None: no cache, the
    results then wait in a temporary folder). Timings in the report: read, parse and extract are seconds summed
    over the captures processed (worker time, so on several cores they can exceed the wall time); process is
    the wall time of that stage; merge (gathering rows, one story one row), validate and write are wall seconds
    of the table steps, summed over the tables (validate and write run beside the making of the next table, so
    they overlap merge); total is the build's wall time.
    """
    with _cycle_collector_paused():
        return _build(inputs, out, workers=workers, max_bytes=max_bytes, progress=progress, strict=strict,
                      cache_dir=cache_dir)


@contextmanager
def _cycle_collector_paused():
    """A build holds hundreds of thousands of small long-lived objects (captures, keys, records, report entries)
    and makes next to no reference cycles, so Python's cycle collector would only scan them over and over: about
    a fifth of an incremental build's time at 100,000 captures, and a few per cent of a worker's. Reference
    counting frees memory as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _build(inputs: list[Path], out: Path, *, workers: int | None, max_bytes: int, progress: bool, strict: bool,
           cache_dir: Path | None | str) -> BuildResult:
    from dnkdata.export import (check_unlocked, output_lock, recover_interrupted, report_file_lines, staging,
                                write_report)

    check_unlocked(out)  # refuse before the work, not after it, when another build holds the folder
    recover_interrupted(out.resolve())  # what killed builds left beside out (staging, spill folders) goes first
    started = clock = time.perf_counter()
    timings: dict[str, float] = {}
    captures = find_captures(inputs)
    timings["discover"] = time.perf_counter() - clock
    clock = time.perf_counter()
    workers = workers or default_workers()
    runner = Runner(workers, max_bytes, progress)
    with _segment_store(default_cache_dir(out) if cache_dir == "default" else cache_dir, max_bytes, out) as store, \
            closing(runner):
        collected = collect_batches(captures, store, runner)
        timings["process"] = time.perf_counter() - clock  # the writer adds the second pass (extraction)
        with output_lock(out):
            with staging(out) as folder, TableWriter(folder, timings, store, collected, workers) as writer:
                report = writer.write(out, inputs)  # every table checked; the last ones may still be being written
                for stage in STAGES:
                    timings[stage] = sum(s.seconds.get(stage, 0.0) for s in collected.fresh.values())
                if writer.errors:
                    raise ValidationFailed("\n".join(writer.errors))
                if strict and report["counts"]["rejected"]:
                    raise StrictRejections(strict_message(report))
                files = report_file_lines(report)  # the long part of the report, made while the writes finish
                writer.finish()
                timings["total"] = time.perf_counter() - started
                report["timings"] = {k: round(v, 4) for k, v in timings.items()}
                write_report(folder / "build_report.json", report, files)
                writer.written("build_report.json")
            writer.save_state(out)  # once the output is in place, before another build may take the lock
    return BuildResult(out, report, {name: report["counts"][f"rows_{name}"] for name in TABLE_NAMES})


@contextmanager
def _segment_store(cache_dir: Path | None, max_bytes: int, out: Path):
    """The build cache, or (without one) a temporary store the batches wait in until the tables are made. The
    temporary store sits beside out, named by this process, so an interrupted build's is cleared like its
    staging folder (by this process on SIGINT/SIGTERM, by the next build after a SIGKILL)."""
    if cache_dir is not None:
        yield BuildCache(cache_dir, max_bytes)
        return
    from dnkdata.export import spill_folder

    folder = spill_folder(out)
    shutil.rmtree(folder, ignore_errors=True)
    try:
        yield SegmentStore(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
