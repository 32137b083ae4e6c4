"""The build cache: per-capture results kept between builds, so a rebuild redoes only new or changed captures.

A capture's result is a pure function of its bytes, its name (the reader is chosen by the file's extension),
the code and the reference data. Results are stored in segments (one per processed batch: a pickled
`pipeline.Batch` of compact columnar frames) under a folder named by the version key (code + gazetteer + the
byte limit), so changing the code or the gazetteer starts an empty cache. Each segment has a small key list
beside it, so finding which segments hold what needs no segment to be opened.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
from functools import cache
from pathlib import Path

import dnkdata
from dnkdata import gazetteer

KEEP_VERSIONS = 2  # older version folders are removed: the cache stays bounded as the code changes


def capture_key(source_path: str, sha256: str) -> str:
    return f"{sha256}:{source_path}"


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


class BuildCache:
    """Segments of one version key under root; load() what is known, save() what was processed."""

    def __init__(self, root: Path, max_bytes: int):
        self.folder = Path(root) / version_key(max_bytes)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._prune(Path(root))

    def known(self) -> dict[str, str]:
        """capture key → segment name, for every capture the cache holds."""
        where: dict[str, str] = {}
        for keys_file in sorted(self.folder.glob("*.keys.json")):
            segment = keys_file.name.removesuffix(".keys.json")
            for key in json.loads(keys_file.read_text(encoding="utf-8")):
                where.setdefault(key, segment)
        return where

    def load(self, segment: str):
        with open(self.folder / f"{segment}.pkl", "rb") as handle:
            return pickle.load(handle)

    def save(self, batch, keys: list[str]) -> None:
        """Write the segment first and its key list last (atomically), so a crash leaves no dangling keys."""
        name = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:24]
        _atomic_write(self.folder / f"{name}.pkl", pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
        _atomic_write(self.folder / f"{name}.keys.json", json.dumps(keys).encode())

    def _prune(self, root: Path) -> None:
        versions = sorted((p for p in root.iterdir() if p.is_dir() and p != self.folder),
                          key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in versions[KEEP_VERSIONS - 1:]:
            shutil.rmtree(stale, ignore_errors=True)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
