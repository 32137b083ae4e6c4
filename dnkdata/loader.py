"""Loading a published release: `dnkdata.load("quotes", version="1.0.0")` and `dnkdata.releases()`.

Releases live in `datasets/releases/vX.Y.Z/` (or the folder in $DNKDATA_RELEASES, or `root=`). This module stays
light (polars only; pandas on request) because `import dnkdata` imports it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import polars as pl

from dnkdata.errors import DnkError

DEFAULT_ROOT = Path("datasets/releases")
VERSION_RE = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)$")
BACKENDS = ("polars", "pandas")


class UnknownVersion(DnkError, LookupError):
    """No release with that version, or no release at all."""


class UnknownTable(DnkError, LookupError):
    """The release has no table of that name."""


class BadVersion(DnkError, ValueError):
    """A version that is not X.Y.Z."""


def parse_version(text: str) -> tuple[int, int, int]:
    """'1.2.3' or 'v1.2.3' → (1, 2, 3)."""
    match = VERSION_RE.match(str(text).strip())
    if not match:
        raise BadVersion(f"{text!r} is not a version: use MAJOR.MINOR.PATCH, e.g. 1.0.0")
    return tuple(int(part) for part in match.groups())


def version_text(version: tuple[int, int, int]) -> str:
    return ".".join(str(part) for part in version)


def releases_root(root: Path | str | None = None) -> Path:
    return Path(root or os.environ.get("DNKDATA_RELEASES") or DEFAULT_ROOT)


def releases(root: Path | str | None = None) -> list[str]:
    """Published versions, oldest first ('0.1.0', '0.2.0', ...): folders vX.Y.Z that hold a manifest.json."""
    folder = releases_root(root)
    if not folder.is_dir():
        return []
    found = [parse_version(p.name) for p in folder.iterdir()
             if p.is_dir() and VERSION_RE.match(p.name) and (p / "manifest.json").is_file()]
    return [version_text(v) for v in sorted(found)]


def release_folder(version: str | None = None, root: Path | str | None = None) -> Path:
    """The folder of one release; the latest one when version is None."""
    known = releases(root)
    if not known:
        raise UnknownVersion(f"no releases in {releases_root(root)}: publish one with `dnkdata release X.Y.Z`")
    wanted = known[-1] if version is None else version_text(parse_version(version))
    if wanted not in known:
        raise UnknownVersion(f"no release {wanted} in {releases_root(root)}; available: {', '.join(known)}")
    return releases_root(root) / f"v{wanted}"


def manifest(version: str | None = None, root: Path | str | None = None) -> dict:
    return json.loads((release_folder(version, root) / "manifest.json").read_text(encoding="utf-8"))


def load(table: str, version: str | None = None, backend: str = "polars", root: Path | str | None = None):
    """One table of a release (the latest when no version) as a polars DataFrame, or pandas with backend="pandas"."""
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    folder = release_folder(version, root)
    tables = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["tables"]
    if table not in tables:
        raise UnknownTable(f"release {folder.name} has no table {table!r}; tables: {', '.join(tables)}")
    path = folder / tables[table]["file"]
    if backend == "polars":
        return pl.read_parquet(path)
    return _read_pandas(path)


def _read_pandas(path: Path):
    try:
        import pandas as pd
    except ImportError as exc:  # pandas is optional: polars is the default backend
        raise DnkError("backend='pandas' needs pandas: pip install pandas") from exc
    return pd.read_parquet(path)
