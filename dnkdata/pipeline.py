"""The build: inputs → per-capture work (read, parse, extract) → one row per story → validated tables on disk.

Per-capture work is a pure function of the capture's bytes (`process_capture`), so it runs in a process pool
and its results can be cached by the capture's sha256. Merging captures of one story, validation and writing
are whole-table steps; nothing is written unless every table validates. Rebuilding an output whose last build
the cache remembers redoes only the stories the changed inputs touch (dnkdata.incremental).
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
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from dnkdata.assemble import TABLE_NAMES, TableWriter
from dnkdata.cache import BuildCache, SegmentStore, capture_key
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


def process_capture(capture: Capture, max_bytes: int = DEFAULT_MAX_BYTES) -> CaptureResult:
    """Read, parse and extract one capture. Never raises for bad input: the result says what went wrong.

    A failure nobody foresaw (a reader or extractor bug met by some odd input) rejects this file with
    `internal_error` rather than stopping the build: the other inputs are still read, and the report names it.
    """
    try:
        return _process(capture, max_bytes)
    except Exception as exc:  # noqa: BLE001 - one file's failure must not cost the others
        result = CaptureResult(capture.source_path)
        return _rejected(result, "internal_error", f"dnkdata failed on this file ({type(exc).__name__}: {exc}); "
                                                   "please report it with the file")


def _process(capture: Capture, max_bytes: int) -> CaptureResult:
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
            result.articles.append(_article_with_rows(record, result, index))
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


def _article_with_rows(record: ParsedArticle, result: CaptureResult, index: int) -> dict:
    article = dict(vars(record))  # asdict would deep-copy every field; only tags is mutable and is not kept
    article_id = article_identity(record)
    paragraphs = record.body.split("\n\n")
    article.update(
        article_id=article_id, outlet="Daily NK", source_path=result.source_path, source_sha256=result.sha256,
        paragraph_count=len(paragraphs), word_count=len(record.body.split()), item=index,
        merge_keys=merge_keys(record),
    )
    article.update(extract_article(article_id, record.body, is_excerpt=record.is_excerpt,
                                   published_date=record.published_date))
    return article


@dataclass
class Segment:
    """A batch of processed captures in the segment store: its small capture entries (report fields) are kept
    in memory; its frames (article records, extracted rows; each row tagged with _slot, its capture's position
    in `captures`, and its article's item) stay on disk until a table needs them."""

    name: str
    captures: list[dict]
    seconds: dict[str, float]


def _process_batch(batch: list[Capture], max_bytes: int, folder: Path) -> Segment:
    """Process a batch and store its frames in the segment store's folder. The worker writes them itself, so
    only the small capture entries travel back to the main process."""
    from dnkdata.tables import batch_frames

    with _cycle_collector_paused():  # extraction makes many short-lived objects and next to no cycles
        results = [process_capture(capture, max_bytes) for capture in batch]
    seconds = {stage: sum(r.seconds.get(stage, 0.0) for r in results) for stage in STAGES}
    captures = [_capture_entry(r) for r in results]
    return Segment(SegmentStore(folder).save(captures, batch_frames(results)), captures, seconds)


def _capture_entry(result: CaptureResult) -> dict:
    return {"key": capture_key(result.source_path, result.sha256), "path": result.source_path,
            "sha256": result.sha256, "bytes": result.size, "encoding": result.encoding, "status": result.status,
            "reason_code": result.reason_code, "message": result.message, "problems": result.problems,
            "items": [a["item"] for a in result.articles], "stamp": result.stamp}


@dataclass
class Collected:
    """The inputs' results: every capture's key (input order), the segment holding each key, and the segments
    made now (their capture entries in memory; a cached segment's are loaded when a table step needs them)."""

    keys: list[str]
    where: dict[str, str]
    fresh: dict[str, Segment]
    stats: dict

    def segments(self, store: SegmentStore, wanted: list[str]) -> list[Segment]:
        """The segments holding the wanted keys: those made now first (input order), then cached ones by name."""
        names = set(self.where[key] for key in wanted)
        cached = sorted(names - self.fresh.keys())
        zero = {stage: 0.0 for stage in STAGES}
        return ([segment for name, segment in self.fresh.items() if name in names]
                + [Segment(name, store.load_captures(name), zero) for name in cached])


def collect_batches(captures: list[Capture], store: SegmentStore, *, workers: int, max_bytes: int,
                    progress: bool) -> Collected:
    """Every capture's key (input order) and the segments holding their results: those the store knows, and
    new ones for the captures processed now (in a process pool when it pays off).

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
    for segment in _run(missing, store.folder, workers=workers, max_bytes=max_bytes, progress=progress):
        if caching:
            store.remember(segment.captures)
        fresh[segment.name] = segment
        for capture in segment.captures:
            where.setdefault(capture["key"], segment.name)
    if keys is None:
        keys = [c["key"] for s in fresh.values() for c in s.captures]  # the pool returns batches in input order
    if caching:
        store.save_hashes()
    return Collected(keys, where, fresh, stats)


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


def _run(captures: list[Capture], folder: Path, *, workers: int, max_bytes: int, progress: bool):
    """Segments of processed captures, stored in folder, in input order."""
    size = min(BATCH_SIZE, max(1, -(-len(captures) // (max(workers, 1) * BATCHES_PER_WORKER))))
    batches = [captures[i:i + size] for i in range(0, len(captures), size)]
    with _progress_bar(progress, len(captures)) as advance:
        if workers <= 1 or len(batches) <= 1 or len(captures) < POOL_MIN_CAPTURES:
            for batch in batches:
                yield _process_batch(batch, max_bytes, folder)
                advance(len(batch))
            return
        with _worker_pool(workers) as pool:
            for done in pool.map(_process_batch, batches, [max_bytes] * len(batches), [folder] * len(batches)):
                yield done
                advance(len(done.captures))


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

    def __init__(self, enabled: bool, total: int):
        self.enabled = enabled and sys.stderr.isatty()
        self.total = total

    def __enter__(self):
        if not self.enabled:
            return lambda n: None
        from rich.progress import Progress

        self._progress = Progress(transient=True)
        self._progress.start()
        task = self._progress.add_task("captures", total=self.total)
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
    with _segment_store(default_cache_dir(out) if cache_dir == "default" else cache_dir, max_bytes, out) as store:
        collected = collect_batches(captures, store, workers=workers, max_bytes=max_bytes, progress=progress)
        timings["process"] = time.perf_counter() - clock
        for stage in STAGES:
            timings[stage] = sum(s.seconds[stage] for s in collected.fresh.values())
        with output_lock(out):
            with staging(out) as folder, TableWriter(folder, timings, store, collected, workers) as writer:
                report = writer.write(out, inputs)  # every table checked; the last ones may still be being written
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
