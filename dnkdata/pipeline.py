"""The build: inputs → per-capture work (read, parse, extract) → one row per story → validated tables on disk.

Per-capture work is a pure function of the capture's bytes (`process_capture`), so it runs in a process pool
and its results can be cached by the capture's sha256. Merging captures of one story, validation and writing
are whole-table steps; nothing is written unless every table validates.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polars as pl

from dnkdata import __version__, gazetteer
from dnkdata.errors import InputError, Rejected, StrictRejections, ValidationFailed
from dnkdata.extract import extract_article
from dnkdata.identity import article_identity, merge_keys
from dnkdata.model import ParsedArticle, Problem
from dnkdata.parse import DEFAULT_MAX_BYTES, read_capture
from dnkdata.report import strict_message

TABLE_NAMES = ("articles", "quotes", "locations", "officials", "places", "prices")
SKIP_SUFFIXES = (".meta.json",)  # provenance sidecars written by `dnkdata fetch`
BATCH_SIZE = 200


@dataclass
class Capture:
    """One input file: where it is and what it is called in the report."""

    path: Path
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
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root).as_posix()
            if any(part.startswith(".") for part in Path(relative).parts) or relative.endswith(SKIP_SUFFIXES):
                continue
            if path.is_symlink() or not path.is_dir():
                captures.append(Capture(path, _report_name(relative), root))
    return captures


def _report_name(relative: str) -> str:
    """The name as the report shows it: bytes that are not UTF-8 become \\xNN, so JSON and Parquet can hold it."""
    return os.fsencode(relative).decode("utf-8", errors="backslashreplace")


def process_capture(capture: Capture, max_bytes: int = DEFAULT_MAX_BYTES) -> CaptureResult:
    """Read, parse and extract one capture. Never raises for bad input: the result says what went wrong."""
    result = CaptureResult(capture.source_path)
    try:
        data = _read_bytes(capture, max_bytes, result)
    except Rejected as exc:
        return _rejected(result, exc.code, exc.message)
    except OSError as exc:
        return _rejected(result, "unreadable", f"cannot read the file ({exc.strerror or exc})")
    result.sha256 = hashlib.sha256(data).hexdigest()
    result.size = len(data)
    try:
        records, result.encoding = read_capture(capture.source_path, data, max_bytes)
    except Rejected as exc:
        return _rejected(result, exc.code, exc.message)
    for index, record in enumerate(records):
        if isinstance(record, Problem):
            result.problems.append(asdict(record))
        else:
            result.articles.append(_article_with_rows(record, result, index))
    return result


def _read_bytes(capture: Capture, max_bytes: int, result: CaptureResult) -> bytes:
    """The bytes of a regular file inside the input folder; an oversized file is hashed, never held in memory."""
    path = capture.path
    if path.is_symlink() and not path.exists():
        raise Rejected("unreadable", f"a broken symbolic link (to {os.readlink(path)}): the file it names is gone")
    if capture.root is not None and path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(capture.root.resolve()):
            raise Rejected("outside_input", f"a symbolic link to {target}, outside the input folder; "
                                            "copy the file in, or name it on the command line")
    mode = os.stat(path).st_mode  # follows links: a broken link raises FileNotFoundError here
    if stat.S_ISDIR(mode):
        raise Rejected("unreadable", "a symbolic link to a folder; links to folders are not followed")
    if not stat.S_ISREG(mode):
        raise Rejected("unreadable", "not a regular file (a pipe, socket or device)")
    with open(path, "rb") as handle:
        result.size = os.fstat(handle.fileno()).st_size
        if result.size > max_bytes:
            result.sha256 = hashlib.file_digest(handle, "sha256").hexdigest()
            raise Rejected("too_large", f"{result.size:,} bytes is over the {max_bytes:,}-byte limit (--max-bytes)")
        return handle.read()


def _rejected(result: CaptureResult, code: str, message: str) -> CaptureResult:
    result.status, result.reason_code, result.message = "rejected", code, message
    return result


def _article_with_rows(record: ParsedArticle, result: CaptureResult, index: int) -> dict:
    article = asdict(record)
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


def run_captures(captures: list[Capture], *, workers: int, max_bytes: int, progress: bool) -> list[CaptureResult]:
    """process_capture over all captures, in a process pool when it pays off; results keep input order."""
    batches = [captures[i:i + BATCH_SIZE] for i in range(0, len(captures), BATCH_SIZE)]
    with _progress_bar(progress, len(captures)) as advance:
        if workers <= 1 or len(batches) <= 1:
            results = []
            for batch in batches:
                results += _process_batch(batch, max_bytes)
                advance(len(batch))
            return results
        results = []
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for batch_results in pool.map(_process_batch, batches, [max_bytes] * len(batches)):
                results += batch_results
                advance(len(batch_results))
        return results


def _process_batch(batch: list[Capture], max_bytes: int) -> list[CaptureResult]:
    return [process_capture(capture, max_bytes) for capture in batch]


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


def build(inputs: list[Path], out: Path, *, workers: int | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
          progress: bool = False, strict: bool = False) -> BuildResult:
    """Build every table from the inputs into `out` (replaced atomically); raises ValidationFailed."""
    from dnkdata.export import check_unlocked, write_build
    from dnkdata.merge import merge_stories
    from dnkdata.tables import assemble_tables
    from dnkdata.validate import validate_tables

    check_unlocked(out)  # refuse before the work, not after it, when another build holds the folder
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    captures = find_captures(inputs)
    timings["discover"] = time.perf_counter() - clock
    clock = time.perf_counter()
    results = run_captures(captures, workers=workers or default_workers(), max_bytes=max_bytes, progress=progress)
    timings["read_parse_extract"] = time.perf_counter() - clock
    clock = time.perf_counter()
    stories, entries = merge_stories(results)
    tables = assemble_tables(stories)
    timings["merge"] = time.perf_counter() - clock
    clock = time.perf_counter()
    errors = validate_tables(tables)
    timings["validate"] = time.perf_counter() - clock
    report = build_report(inputs, results, entries, tables, errors, timings)
    if errors:
        raise ValidationFailed("\n".join(errors))
    if strict and report["counts"]["rejected"]:
        raise StrictRejections(strict_message(report))
    clock = time.perf_counter()
    write_build(out, tables, report)
    report["timings"]["write"] = time.perf_counter() - clock
    return BuildResult(out, report, {name: tables[name].height for name in TABLE_NAMES})


def build_report(inputs: list[Path], results: list[CaptureResult], entries: list[dict],
                 tables: dict[str, pl.DataFrame], errors: list[str], timings: dict[str, float]) -> dict:
    """Every input accounted for, with counts that add up to the files seen."""
    counts = {"files": len(results)}
    for status in ("article", "excerpt", "duplicate", "rejected"):
        counts[status] = sum(1 for e in entries if e["status"] == status)
    counts.update({f"rows_{name}": tables[name].height for name in TABLE_NAMES})
    unresolved = sorted({s for r in results for a in r.articles for s in a.get("unresolved_places", [])})
    return {
        "dnkdata_version": __version__,
        "gazetteer_version": gazetteer.data_version(),
        "inputs": [str(p) for p in inputs],
        "inputs_fingerprint": inputs_fingerprint(results),
        "counts": counts,
        "valid": not errors,
        "validation_errors": errors,
        "unresolved_place_spellings": unresolved,
        "timings": {k: round(v, 4) for k, v in timings.items()},
        "files": entries,
    }


def inputs_fingerprint(results: list[CaptureResult]) -> str:
    """sha256 over every input's path and content hash: the same inputs give the same fingerprint."""
    digest = hashlib.sha256()
    for r in sorted(results, key=lambda r: r.source_path):
        digest.update(f"{r.source_path}\x1f{r.sha256}\n".encode())
    return digest.hexdigest()
