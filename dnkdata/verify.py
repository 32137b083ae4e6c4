"""`dnkdata verify vX.Y.Z`: re-check a published release against its own manifest, and say exactly what differs.

Checks every file's size and sha256, that no file was added or removed, each table's rows, columns and types,
its Parquet metadata (dataset version, schema fingerprint), the schema checks and the cross-table checks. A
release made with the current schemas is validated with the pandera models; an older one (its fingerprint
differs) against the columns, types and nullability its manifest recorded, so old releases stay verifiable.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from dnkdata.loader import release_folder
from dnkdata.release import file_entry, fingerprint, release_description, release_schema
from dnkdata.schemas import FOREIGN_KEYS, TABLES

LINKED_TABLES = set(FOREIGN_KEYS) | {target for links in FOREIGN_KEYS.values() for _, target, _ in links}


def verify(version: str, releases_root: Path | None = None) -> list[str]:
    """Every difference found; an empty list means the release is exactly as published and valid."""
    folder = release_folder(version, releases_root)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    problems = file_problems(folder, manifest)
    tables, structure = {}, []
    for name, info in manifest["tables"].items():
        path = folder / info["file"]
        try:
            tables[name] = pl.read_parquet(path)
        except Exception as exc:  # noqa: BLE001 - a damaged file is a finding, not a crash
            structure.append(f"{name}: {info['file']} cannot be read as Parquet ({type(exc).__name__})")
            continue
        structure += table_problems(name, tables[name], info, path, manifest)
    if not structure and set(tables) >= LINKED_TABLES:
        structure += check_problems(tables, manifest)
    return problems + structure


def file_problems(folder: Path, manifest: dict) -> list[str]:
    listed = manifest["files"]
    present = {p.name for p in folder.iterdir() if p.name != "manifest.json"}
    problems = [f"{name}: missing (the manifest lists it)" for name in sorted(set(listed) - present)]
    problems += [f"{name}: not in the manifest (added after publication)" for name in sorted(present - set(listed))]
    for name in sorted(set(listed) & present):
        actual, expected = file_entry(folder / name), listed[name]
        if actual["bytes"] != expected["bytes"]:
            problems.append(f"{name}: {actual['bytes']} bytes, the manifest says {expected['bytes']}")
        if actual["sha256"] != expected["sha256"]:
            problems.append(f"{name}: sha256 {actual['sha256'][:16]}…, the manifest says {expected['sha256'][:16]}…")
    return problems


def table_problems(name: str, df: pl.DataFrame, info: dict, path: Path, manifest: dict) -> list[str]:
    problems = []
    if df.height != info["rows"]:
        problems.append(f"{name}: {df.height} rows, the manifest says {info['rows']}")
    expected = {c["name"]: c["type"] for c in info["columns"]}
    actual = {column: str(dtype) for column, dtype in df.schema.items()}
    if list(actual) != list(expected):
        problems.append(f"{name}: columns {list(actual)}, the manifest says {list(expected)}")
    problems += [f"{name}.{c}: type {actual[c]}, the manifest says {t}"
                 for c, t in expected.items() if c in actual and actual[c] != t]
    problems += [f"{name}.{c['name']}: {df[c['name']].null_count()} null(s) in a column the manifest marks not "
                 f"nullable" for c in info["columns"]
                 if not c["nullable"] and c["name"] in df.columns and df[c["name"]].null_count()]
    meta = pl.read_parquet_metadata(path)
    for key, want in (("dnkdata.dataset_version", manifest["version"]),
                      ("dnkdata.schema_fingerprint", info["schema_fingerprint"])):
        if meta.get(key) != want:
            problems.append(f"{name}: Parquet metadata {key} is {meta.get(key)!r}, the manifest says {want!r}")
    return problems


def check_problems(tables: dict[str, pl.DataFrame], manifest: dict) -> list[str]:
    """pandera checks when the release has the current schemas; cross-table checks always."""
    from dnkdata.validate import cross_table_errors, schema_errors

    profile = manifest["profile"]
    problems = []
    for name, info in manifest["tables"].items():
        if name in TABLES and info["schema_fingerprint"] == fingerprint(release_description(name, profile)):
            problems += schema_errors(name, release_schema(name, profile), tables[name])
    return problems or cross_table_errors(tables)
