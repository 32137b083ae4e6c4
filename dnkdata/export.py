"""Writing a build: deterministic Parquet with metadata, swapped into place atomically under a lock.

A build is written into a temporary folder beside its target and renamed over it only when complete, so an
interrupted build leaves the previous output whole. A lock file stops two builds writing one folder at once.
"""

from __future__ import annotations

import json
import os
import shutil
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


def write_table(df: pl.DataFrame, path: Path, table: str, extra: dict[str, str] | None = None) -> None:
    df.write_parquet(path, compression="zstd", statistics=True, metadata=parquet_metadata(table, extra))


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False, default=str) + "\n",
                    encoding="utf-8")


def write_build(out: Path, tables: dict[str, pl.DataFrame], report: dict, timings=None) -> None:
    """Tables, then the report; timings (a callable) gives the report's final timings once the tables are on disk."""
    with output_lock(out), staging(out) as tmp:
        for name, df in tables.items():
            write_table(df, tmp / f"{name}.parquet", name)
        if timings is not None:
            report["timings"] = timings()
        write_json(tmp / "build_report.json", report)


@contextmanager
def staging(target: Path):
    """Yield a fresh temporary folder beside target; on success it replaces target, on failure it is removed."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        yield tmp
        _fsync_tree(tmp)
        _swap(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _swap(tmp: Path, target: Path) -> None:
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    if target.exists():
        os.replace(target, old)
    os.replace(tmp, target)
    shutil.rmtree(old, ignore_errors=True)


def _fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())


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
                raise OutputLocked(f"{target}: another dnkdata process (pid {lock.read_text().strip()}) is writing "
                                   f"it; wait for it to finish, or remove {lock} if no such process runs")
            lock.unlink(missing_ok=True)
            continue
        with os.fdopen(fd, "w") as handle:
            handle.write(str(os.getpid()))
        return
    raise OutputLocked(f"{target}: could not take the lock {lock}")


def _holder_alive(lock: Path) -> bool:
    try:
        pid = int(lock.read_text().strip())
    except (OSError, ValueError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
