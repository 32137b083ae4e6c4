"""The build cache: per-capture results kept between builds, so a rebuild redoes only new or changed captures.

A capture's result is a pure function of its bytes, its name (the reader is chosen by the file's extension),
the code and the reference data. Results are stored in segments (one per processed batch: its capture entries and
one compressed Arrow file per table) under a folder named by the version key (code + gazetteer + the
byte limit), so changing the code or the gazetteer starts an empty cache. Each segment has a small key list
beside it, so finding which segments hold what needs no segment to be opened.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import stat
from functools import cache
from pathlib import Path

import polars as pl
import pyarrow as pa

import dnkdata
from dnkdata import gazetteer

SLOTS_PER_BATCH = 50  # captures per record batch in a segment's Arrow files (fewer: slower writes)
KEEP_VERSIONS = 2  # older version folders are removed: the cache stays bounded as the code changes


def capture_key(source_path: str, sha256: str) -> str:
    return f"{sha256}:{source_path}"


def extracted_key(key: str) -> str:
    """Where the store keeps the rows extracted from a capture (its records are under its own key)."""
    return "extracted:" + key


def source_digest(package: Path) -> str:
    """sha256 over every .py file under package (paths and bytes), in a stable order."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@cache
def code_version() -> str:
    return source_digest(Path(dnkdata.__file__).parent)[:16]


def version_key(max_bytes: int) -> str:
    text = f"{code_version()}|{gazetteer.data_version()}|{max_bytes}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def file_sha256(path: Path | str) -> str:
    """sha256 of a regular file, streamed; "" for anything else (a pipe would block, a folder has no bytes):
    process_capture then reports what it is."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return ""
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return ""


class SegmentStore:
    """Segments in one folder: each processed batch's capture entries and one Arrow file per table.

    A table can be loaded from every segment without reading the others, so the build assembles one table at a
    time and never holds all of them in memory.
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def known(self) -> dict[str, str]:
        """capture key → segment name, for every capture the store holds."""
        where: dict[str, str] = {}
        for keys_file in sorted(self.folder.glob("*.keys.json")):
            segment = keys_file.name.removesuffix(".keys.json")
            for key in json.loads(keys_file.read_text(encoding="utf-8")):
                where.setdefault(key, segment)
        return where

    def load_captures(self, segment: str) -> list[dict]:
        """A segment's capture entries (report fields, one per capture, in batch order)."""
        return pickle.loads((self.folder / f"{segment}.captures.pkl").read_bytes())

    def load_frame(self, segment: str, table: str, slots: set[int] | None = None,
                   columns: list[str] | None = None) -> pl.DataFrame:
        """One table's frame of a segment (decoding releases the GIL: threads can load several at once).
        slots: only the record batches holding these captures' rows are decoded (others may come along);
        columns: only these columns are decoded."""
        path = self.folder / f"{segment}.{table}.arrow"
        if slots is None:
            return pl.read_ipc(path, columns=columns)
        with pa.memory_map(str(path)) as source:
            reader = pa.ipc.open_file(source)
            batches = [reader.get_batch(i) for i in sorted({slot // SLOTS_PER_BATCH for slot in slots})]
            frame = pl.from_arrow(pa.Table.from_batches(batches, schema=reader.schema))
        return frame if columns is None else frame.select(columns)

    def frame_bytes(self, segment: str, table: str) -> int:
        return (self.folder / f"{segment}.{table}.arrow").stat().st_size

    def save(self, captures: list[dict], frames: dict[str, pl.DataFrame]) -> str:
        """Write the segment's files first and its key list last (atomically), so a crash leaves no dangling
        keys; returns the segment's name. Frames are zstd-compressed Arrow IPC: a quarter of the plain size, and
        quicker to load than LZ4 or plain files (less to read; decoding is not the bottleneck). Each file holds
        one record batch per SLOTS_PER_BATCH captures, so an incremental build decodes only the ones it needs."""
        keys = [c["key"] for c in captures]
        name = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:24]
        for table, df in frames.items():
            _atomic_write(self.folder / f"{name}.{table}.arrow", _ipc_by_slot(df, len(captures)))
        _atomic_write(self.folder / f"{name}.captures.pkl", pickle.dumps(captures, protocol=pickle.HIGHEST_PROTOCOL))
        _atomic_write(self.folder / f"{name}.keys.json", json.dumps(keys).encode())
        return name


class BuildCache(SegmentStore):
    """The segments of one version key under root, and file hashes remembered by inode (for every version)."""

    def __init__(self, root: Path, max_bytes: int):
        super().__init__(Path(root) / version_key(max_bytes))
        self._prune(Path(root))
        self.hash_file = Path(root) / "sha256-by-inode.pickle"  # not versioned: file hashes do not depend on code
        self._hashes = self._load_hashes()
        self._hashes_changed = False

    def sha256(self, path: Path | str, status: os.stat_result | None = None) -> str:
        """The file's sha256, remembered by (device, inode, size, mtime) so unchanged files are not read again,
        also when the same file is reached under another name (a hard-linked or moved copy of a corpus).
        status: the file's stat, when the caller has it already."""
        try:
            status = status or os.stat(path)
        except OSError:
            return ""
        stamp = (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)
        known = self._hashes.get(stamp)
        if known is not None:
            return known
        digest = file_sha256(path)
        if not digest:
            return ""
        self._hashes[stamp] = digest
        self._hashes_changed = True
        return digest

    def remember(self, captures: list[dict]) -> None:
        """Hashes the workers computed, by the stamp of the file they read."""
        for capture in captures:
            if capture.get("stamp") and capture["sha256"] and capture["stamp"] not in self._hashes:
                self._hashes[capture["stamp"]] = capture["sha256"]
                self._hashes_changed = True

    def save_hashes(self) -> None:
        if self._hashes_changed:
            _atomic_write(self.hash_file, pickle.dumps(self._hashes, protocol=pickle.HIGHEST_PROTOCOL))

    def _load_hashes(self) -> dict:
        try:
            return pickle.loads(self.hash_file.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError):
            return {}

    def _prune(self, root: Path) -> None:
        versions = sorted((p for p in root.iterdir() if p.is_dir() and p != self.folder and not p.name.startswith(".")),
                          key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in versions[KEEP_VERSIONS - 1:]:
            shutil.rmtree(stale, ignore_errors=True)


def _ipc_by_slot(df: pl.DataFrame, captures: int) -> bytes:
    """df (rows in _slot order) as zstd Arrow IPC with record batch i holding the rows of captures
    i * SLOTS_PER_BATCH up to the next batch's (empty batches included, so a capture's batch is known)."""
    table = df.to_arrow()
    bounds = df["_slot"].search_sorted(pl.Series(range(0, captures + SLOTS_PER_BATCH, SLOTS_PER_BATCH),
                                                 dtype=df["_slot"].dtype)).to_list()
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema, options=pa.ipc.IpcWriteOptions(compression="zstd")) as writer:
        for start, end in zip(bounds, bounds[1:]):
            writer.write_batch(table.slice(start, end - start).combine_chunks().to_batches()[0]
                               if end > start else pa.RecordBatch.from_pylist([], schema=table.schema))
    return sink.getvalue().to_pybytes()


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
