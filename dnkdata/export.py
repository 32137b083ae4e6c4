"""Writing a build: deterministic Parquet with metadata, swapped into place atomically under a lock.

A build is written into a temporary folder beside its target and renamed over it only when complete, so an
interrupted build leaves the previous output whole. A lock file stops two builds writing one folder at once.
"""

from __future__ import annotations

import glob
import json
import multiprocessing
import os
import shutil
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import polars as pl

from dnkdata import __version__
from dnkdata.describe import describe_table, schema_fingerprint
from dnkdata.errors import DnkError


class OutputLocked(DnkError):
    """Another build or release is writing the same folder."""


def parquet_metadata(table: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Key-value metadata each file carries: its table, schema fingerprint, the tool version, column descriptions."""
    columns = {c["name"]: c["description"] for c in describe_table(table)["columns"]}
    meta = {
        "dnkdata.table": table,
        "dnkdata.version": __version__,
        "dnkdata.schema_fingerprint": schema_fingerprint(table),
        "dnkdata.columns": json.dumps(columns, sort_keys=True, ensure_ascii=False),
    }
    meta.update(extra or {})
    return dict(sorted(meta.items()))


# rows per Parquet row group: articles carry their bodies (about 4 KiB a row), so polars' default of 262,144 rows
# would make one group of the whole table at 100,000 captures, compressed and read by one thread; groups of about
# 60 MiB are written and read in parallel (twice as fast). The other tables' rows are small: the default suits.
ROW_GROUP_ROWS = {"articles": 16_384}


def write_table(df: pl.DataFrame, path: Path, table: str, extra: dict[str, str] | None = None) -> None:
    df.write_parquet(path, compression="zstd", statistics=True, metadata=parquet_metadata(table, extra),
                     row_group_size=ROW_GROUP_ROWS.get(table))


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False, default=str) + "\n",
                    encoding="utf-8")


def report_file_lines(report: dict) -> str:
    """The report's file entries, one line each (see write_report)."""
    return ",\n".join("    " + json.dumps(entry, ensure_ascii=False, default=str) for entry in report["files"])


def write_report(path: Path, report: dict, files: str | None = None) -> None:
    """The report as indented JSON, one line per input file: readable, and written by the C encoder (an
    indented dump of 100,000 entries takes seconds in pure Python). files: report_file_lines(report), if made."""
    head = {k: v for k, v in report.items() if k != "files"}
    text = json.dumps(head, indent=2, ensure_ascii=False, default=str)
    files = report_file_lines(report) if files is None else files
    text = text[:-2] + ',\n  "files": [' + (f"\n{files}\n  ]" if files else "]") + "\n}\n"
    path.write_text(text, encoding="utf-8")


@contextmanager
def staging(target: Path):
    """Yield a fresh temporary folder beside target; on success it replaces target, on failure it is removed.

    Leftovers of builds that were killed (SIGKILL, power loss) are cleared first: their staging folders are
    deleted, and a previous output caught mid-swap is put back.
    """
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    recover_interrupted(target)
    tmp = target.parent / f".{target.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        yield tmp
        _fsync_tree(tmp)
        _swap(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def spill_folder(target: Path) -> Path:
    """Where a build without a cache keeps its workers' results until the tables are made: beside target."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    return target.parent / f".{target.name}.spill-{os.getpid()}"


def recover_interrupted(target: Path) -> list[Path]:
    """Remove the staging, spill and old folders of dead processes beside target; restore an old output if target
    is gone."""
    removed = []
    for leftover in sorted(target.parent.glob(f".{glob.escape(target.name)}.*-*")):
        kind, _, pid = leftover.name[len(target.name) + 2:].rpartition("-")
        if kind not in ("tmp", "old", "spill") or not pid.isdigit() or not leftover.is_dir() or _pid_alive(int(pid)):
            continue
        if kind == "old" and not target.exists():
            os.replace(leftover, target)  # killed between the two renames of a swap: this is the previous output
            continue
        shutil.rmtree(leftover, ignore_errors=True)
        removed.append(leftover)
    return removed


def _swap(tmp: Path, target: Path) -> None:
    """Put tmp in target's place. Signals wait until both renames are done, so target is never missing
    because of SIGINT/SIGTERM; after SIGKILL in between, `recover_interrupted` restores the old folder."""
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    with _signals_held():
        if target.exists():
            os.replace(target, old)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def _signals_held():
    """Delay SIGINT/SIGTERM until the block ends (POSIX; elsewhere a no-op)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    """Make renames inside folder durable (a folder's entries are flushed through its own descriptor)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def output_lock(target: Path):
    """An exclusive lock file beside target; a lock left by a dead process is taken over."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = target.parent / f".{target.name}.lock"
    _acquire(lock, target)
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)


def _acquire(lock: Path, target: Path) -> None:
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            if _holder_alive(lock):
                raise OutputLocked(_locked_message(lock, target))
            lock.unlink(missing_ok=True)
            continue
        with os.fdopen(fd, "w") as handle:
            handle.write(str(os.getpid()))
        return
    raise OutputLocked(f"{target}: could not take the lock {lock}")


def check_unlocked(target: Path) -> None:
    """Refuse early (before any work) when a live process holds target's lock; `output_lock` still decides."""
    lock = target.resolve().parent / f".{target.resolve().name}.lock"
    if lock.exists() and _holder_alive(lock):
        raise OutputLocked(_locked_message(lock, target.resolve()))


def _locked_message(lock: Path, target: Path) -> str:
    try:
        holder = lock.read_text().strip()
    except OSError:
        holder = "?"
    return (f"{target}: another dnkdata process (pid {holder}) is writing it and holds the lock {lock}; "
            f"wait for it to finish, or remove {lock} if no such process runs")


def _holder_alive(lock: Path) -> bool:
    try:
        pid = int(lock.read_text().strip())
    except (OSError, ValueError):
        return False
    return _pid_alive(pid)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def interrupts_as_errors(target: Path):
    """On SIGINT/SIGTERM: remove this process's staging folder and lock, say so, and exit 128 + the signal number.

    The handler exits at once (os._exit) rather than raising: an exception raised at an arbitrary point can
    land inside the process pool's machinery and hang it. The swap into target holds signals back, so the
    handler never runs half-way through it. Worker processes inherit the handler and just exit quietly.
    """
    owner = os.getpid()

    def handler(signum, frame):
        if os.getpid() != owner:  # a forked worker: its parent does the cleanup and the talking
            os._exit(128 + signum)
        with _signals_held():
            abandon(target)
            _kill_children()
            sys.stderr.write(f"error: interrupted by {signal.Signals(signum).name}; nothing partial was written: "
                             f"{target} holds the previous output (or this build, if it had already been swapped in)\n")
            sys.stderr.flush()
            os._exit(128 + signum)

    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return
    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _kill_children() -> None:
    """Stop this process's workers, including one forked a moment ago and not yet registered with its pool."""
    pids = {child.pid for child in multiprocessing.active_children()}
    for task in Path(f"/proc/{os.getpid()}/task").glob("*/children"):  # Linux; elsewhere the line above
        try:
            pids.update(int(pid) for pid in task.read_text().split())
        except (OSError, ValueError):
            continue
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, TypeError):
            continue


def abandon(target: Path) -> None:
    """This process's leftovers beside target: its staging and spill folders, a swapped-out old folder, its lock."""
    target = target.resolve()
    pid = os.getpid()
    shutil.rmtree(target.parent / f".{target.name}.tmp-{pid}", ignore_errors=True)
    shutil.rmtree(target.parent / f".{target.name}.spill-{pid}", ignore_errors=True)
    old = target.parent / f".{target.name}.old-{pid}"
    if old.exists() and not target.exists():
        os.replace(old, target)
    shutil.rmtree(old, ignore_errors=True)
    lock = target.parent / f".{target.name}.lock"
    try:
        if lock.read_text().strip() == str(pid):
            lock.unlink()
    except OSError:
        pass
