"""Versioned, immutable releases: `dnkdata release X.Y.Z` publishes datasets/releases/vX.Y.Z/ from a fresh build.

A release holds the five tables (Parquet metadata names the dataset version), manifest.json (sizes and sha256 of
every file, per-table columns and schema fingerprints, the inputs' fingerprint), data-dictionary.md,
datapackage.json, CITATION.cff, README.md, CHANGELOG.md and removed.parquet. The version is checked against the
previous release's manifest (semantic versioning for data), a published version is never overwritten, and the
release date is an input, so the same inputs and code give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import polars as pl

from dnkdata import __version__, changelog, citation, dictionary
from dnkdata.datapackage import datapackage
from dnkdata.describe import describe_table
from dnkdata.errors import DnkError, ValidationFailed
from dnkdata import loader
from dnkdata.loader import parse_version, releases, version_text
from dnkdata.schemas import TABLES

DEFAULT_RAW = Path("datasets/raw")
DEFAULT_ACCURACY = Path("docs/accuracy.json")
PROFILES = ("full", "public")
PUBLIC_DROPS = {"articles": ["body"]}  # the public profile shares no full texts
BODY_CHECKS = {"counts_match_body"}  # table checks that read a column the public profile drops
BUMPS = ("patch", "minor", "major")


class ReleaseRefused(DnkError):
    """The release cannot be published as asked (exists, version too low, wrong bump, bad option)."""


@dataclass
class Release:
    folder: Path
    manifest: dict
    changelog: str


# -- schemas per profile ---------------------------------------------------------------------------------------

def release_description(table: str, profile: str = "full") -> dict:
    """describe_table, less the columns (and the checks on them) that the profile drops."""
    info = describe_table(table)
    dropped = _dropped(table, profile)
    if dropped:
        info = {**info, "columns": [c for c in info["columns"] if c["name"] not in dropped],
                "table_checks": [c for c in info["table_checks"] if c["name"] not in BODY_CHECKS]}
    return info


def release_schema(table: str, profile: str = "full"):
    """The pandera schema a release table must pass: the model's, derived (not redefined) for the profile."""
    schema = TABLES[table].to_schema()
    dropped = _dropped(table, profile)
    if dropped:
        schema = schema.remove_columns(sorted(dropped))
        schema.checks = [c for c in schema.checks if c.name not in BODY_CHECKS]
    return schema


def _dropped(table: str, profile: str) -> set[str]:
    if profile not in PROFILES:
        raise ReleaseRefused(f"unknown profile {profile!r}: use one of {', '.join(PROFILES)}")
    return set(PUBLIC_DROPS.get(table, [])) if profile == "public" else set()


def fingerprint(description: dict) -> str:
    """Same recipe as describe.schema_fingerprint, over a profile's description."""
    text = json.dumps(description, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def validate_release(tables: dict[str, pl.DataFrame], profile: str) -> list[str]:
    from dnkdata.validate import cross_table_errors, schema_errors

    errors = []
    for name in TABLES:
        errors += schema_errors(name, release_schema(name, profile), tables[name])
    return errors or cross_table_errors(tables)  # offsets are skipped when bodies are absent


# -- semantic versioning ---------------------------------------------------------------------------------------

def schema_changes(previous_tables: dict, descriptions: dict[str, dict]) -> tuple[list[str], list[str]]:
    """(breaking, additive) changes from the previous manifest's columns to these descriptions."""
    breaking, additive = [], []
    for table, old in previous_tables.items():
        if table not in descriptions:
            breaking.append(f"table {table} removed")
            continue
        new_types = {c["name"]: c["type"] for c in descriptions[table]["columns"]}
        for column in old["columns"]:
            if column["name"] not in new_types:
                breaking.append(f"{table}.{column['name']} removed or renamed")
            elif new_types[column["name"]] != column["type"]:
                breaking.append(f"{table}.{column['name']} retyped {column['type']} → {new_types[column['name']]}")
        old_names = {c["name"] for c in old["columns"]}
        additive += [f"{table}.{name} added" for name in new_types if name not in old_names]
    additive += [f"table {t} added" for t in descriptions if t not in previous_tables]
    return breaking, additive


def bump_kind(previous: tuple, new: tuple) -> str:
    if new[0] > previous[0]:
        return "major"
    return "minor" if new[1] > previous[1] else "patch"


def check_version(version: str, descriptions: dict[str, dict], previous: dict | None) -> None:
    """Refuse a version not above the latest release, or a bump too small for the schema change."""
    if previous is None:
        return
    new, old = parse_version(version), parse_version(previous["version"])
    if new <= old:
        raise ReleaseRefused(f"v{version} is not greater than the latest release v{previous['version']}")
    breaking, additive = schema_changes(previous["tables"], descriptions)
    needed, reasons = ("major", breaking) if breaking else ("minor", additive) if additive else ("patch", [])
    if BUMPS.index(bump_kind(old, new)) < BUMPS.index(needed):
        suggestion = (old[0] + 1, 0, 0) if needed == "major" else (old[0], old[1] + 1, 0)
        raise ReleaseRefused(f"v{version} is a {bump_kind(old, new)} bump over v{previous['version']}, but the "
                             f"schema change needs a {needed} bump (v{version_text(suggestion)} or later): "
                             + "; ".join(reasons))


# -- publishing ------------------------------------------------------------------------------------------------

def publish(version: str, *, raw: Path = DEFAULT_RAW, releases_root: Path | None = None, date: str | None = None,
            profile: str = "full", workers: int | None = None, accuracy: Path = DEFAULT_ACCURACY) -> Release:
    """Build `raw` afresh, validate, and publish it as releases_root/vVERSION (never overwriting)."""
    from dnkdata.export import output_lock, staging

    version = version_text(parse_version(version))
    date = release_date(date)
    root = loader.releases_root(releases_root)
    target = root / f"v{version}"
    descriptions = {name: release_description(name, profile) for name in TABLES}
    with output_lock(target):
        if target.exists():
            raise ReleaseRefused(f"{target} already exists: a published release is never changed; "
                                 f"publish a new version instead")
        previous = _latest_manifest(root)
        check_version(version, descriptions, previous)
        tables, report = build_tables(raw, profile, workers)
        with staging(target) as tmp:
            manifest = write_release(tmp, tables, report, version=version, date=date, profile=profile,
                                     descriptions=descriptions, previous=previous, root=root,
                                     accuracy=_read_accuracy(accuracy))
        write_root_changelog(root)
    return Release(target, manifest, (target / "CHANGELOG.md").read_text(encoding="utf-8"))


def release_date(date: str | None) -> str:
    if date is None:
        return dt.datetime.now(dt.timezone.utc).date().isoformat()
    try:
        return dt.date.fromisoformat(date).isoformat() if len(date) == 10 else _bad_date(date)
    except ValueError:
        return _bad_date(date)


def _bad_date(date: str) -> str:
    raise ReleaseRefused(f"--date {date!r}: use YYYY-MM-DD")


def _latest_manifest(root: Path) -> dict | None:
    known = releases(root)
    return json.loads((root / f"v{known[-1]}" / "manifest.json").read_text(encoding="utf-8")) if known else None


def build_tables(raw: Path, profile: str, workers: int | None) -> tuple[dict[str, pl.DataFrame], dict]:
    """A fresh build read back from its Parquet files, with the profile's columns dropped and re-validated."""
    from dnkdata.pipeline import build

    with tempfile.TemporaryDirectory(prefix="dnkdata-release-") as tmp:
        result = build([Path(raw)], Path(tmp) / "build", workers=workers)
        tables = {name: pl.read_parquet(Path(tmp) / "build" / f"{name}.parquet") for name in TABLES}
    for name, columns in PUBLIC_DROPS.items():
        if profile == "public":
            tables[name] = tables[name].drop(columns)
    errors = validate_release(tables, profile)
    if errors:
        raise ValidationFailed("\n".join(errors))
    report = {k: v for k, v in result.report.items() if k != "timings"}  # timings would break reproducibility
    return tables, report


def write_release(folder: Path, tables: dict[str, pl.DataFrame], report: dict, *, version: str, date: str,
                  profile: str, descriptions: dict, previous: dict | None, root: Path, accuracy: dict | None) -> dict:
    from dnkdata.export import write_json, write_table

    prints = {name: fingerprint(info) for name, info in descriptions.items()}
    for name, df in tables.items():
        write_table(df, folder / f"{name}.parquet", name, extra=_parquet_extra(version, profile, descriptions[name],
                                                                               prints[name]))
    changes = _changes(tables, previous, root)
    removed = changes.pop("removed") if changes else changelog.removed_ids({}, tables)
    removed.write_parquet(folder / "removed.parquet", compression="zstd", statistics=True)
    rows = {name: df.height for name, df in tables.items()}
    meta = citation.project_metadata()
    _write_text(folder / "CHANGELOG.md", changelog.entry(version, date, profile, previous and previous["version"],
                                                         changes, rows))
    _write_text(folder / "data-dictionary.md", release_dictionary(tables, version, profile, descriptions))
    _write_text(folder / "CITATION.cff", citation.citation_cff(version, date, meta))
    _write_text(folder / "README.md", citation.release_readme(version, date, profile, rows, accuracy))
    write_json(folder / "build_report.json", report)
    files = {f"{name}.parquet": file_entry(folder / f"{name}.parquet") for name in tables}
    write_json(folder / "datapackage.json", datapackage(descriptions, files, version=version, date=date, meta=meta,
                                                        title=citation.preferred_citation(version)))
    manifest = {
        "name": meta["name"], "version": version, "release_date": date, "dnkdata_version": __version__,
        "git_commit": git_commit(), "profile": profile, "previous_version": previous and previous["version"],
        "inputs_fingerprint": report["inputs_fingerprint"], "gazetteer_version": report.get("gazetteer_version"),
        "tables": {name: _table_entry(name, tables[name], descriptions[name], prints[name]) for name in tables},
        "changes": changes and {k: len(v) if isinstance(v, list) else v for k, v in changes.items()},
        "files": {p.name: file_entry(p) for p in sorted(folder.iterdir())},
    }
    write_json(folder / "manifest.json", manifest)
    return manifest


def _parquet_extra(version: str, profile: str, description: dict, print_: str) -> dict[str, str]:
    columns = {c["name"]: c["description"] for c in description["columns"]}
    return {"dnkdata.dataset_version": version, "dnkdata.profile": profile, "dnkdata.schema_fingerprint": print_,
            "dnkdata.columns": json.dumps(columns, sort_keys=True, ensure_ascii=False)}


def _changes(tables: dict[str, pl.DataFrame], previous: dict | None, root: Path) -> dict | None:
    if previous is None:
        return None
    folder = root / f"v{previous['version']}"
    old = {name: pl.read_parquet(folder / info["file"]) for name, info in previous["tables"].items()}
    changes = changelog.diff(old, tables)
    changes["removed_count"] = changes["removed"].height
    return changes


def _table_entry(name: str, df: pl.DataFrame, description: dict, print_: str) -> dict:
    return {"file": f"{name}.parquet", "rows": df.height, "schema_fingerprint": print_,
            "primary_key": description["primary_key"],
            "columns": [{"name": c["name"], "type": c["type"], "nullable": c["nullable"]}
                        for c in description["columns"]]}


def file_entry(path: Path) -> dict:
    data = path.read_bytes()
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def release_dictionary(tables: dict[str, pl.DataFrame], version: str, profile: str, descriptions: dict) -> str:
    """The data dictionary with an example per column taken from the release; dropped columns left out."""
    examples = {name: {column: example_value(df[column]) for column in df.columns} for name, df in tables.items()}
    text = dictionary.render(examples=examples, version=version)
    for table, columns in PUBLIC_DROPS.items():
        if profile != "public":
            continue
        full = fingerprint(describe_table(table))
        text = text.replace(f"`{full}`", f"`{fingerprint(descriptions[table])}`")
        text = "\n".join(line for line in text.split("\n") if not any(line.startswith(f"| `{c}` |") for c in columns))
        text = text.replace(f"Dataset version: **{version}**",
                            f"Dataset version: **{version}**, profile public: {', '.join(columns)} left out")
    return text


def example_value(series: pl.Series, limit: int = 60) -> str:
    values = series.drop_nulls()
    if values.dtype == pl.List(pl.String):
        values = values.filter(values.list.len() > 0).list.join(", ")
    if not len(values):
        return ""
    text = str(values[0])
    return text if len(text) <= limit else text[:limit - 1] + "…"


def git_commit() -> str | None:
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).resolve().parent,
                              capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _read_accuracy(path: Path) -> dict | None:
    return json.loads(path.read_text(encoding="utf-8")) if path and path.is_file() else None


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def write_root_changelog(root: Path) -> None:
    """releases_root/CHANGELOG.md: every release's entry, newest first (regenerated, so always whole)."""
    entries = [(root / f"v{v}" / "CHANGELOG.md").read_text(encoding="utf-8") for v in reversed(releases(root))]
    _write_text(root / "CHANGELOG.md", "# dnkdata releases\n\n" + "\n".join(entries))




def register(app) -> None:
    """Add `release` and `verify` to the project's Typer app (cli.py calls this)."""
    import typer

    @app.command("release")
    def release_command(
        version: str = typer.Argument(..., help="MAJOR.MINOR.PATCH, e.g. 0.1.0"),
        date: Optional[str] = typer.Option(None, "--date", help="Release date YYYY-MM-DD (default: today, UTC)."),
        profile: str = typer.Option("full", "--profile", help="full, or public (article bodies left out)."),
        raw: Path = typer.Option(DEFAULT_RAW, "--raw", help="The input captures."),
        root: Optional[Path] = typer.Option(None, "--releases-root", help="Default: datasets/releases."),
        workers: Optional[int] = typer.Option(None, help="Worker processes for the build."),
    ) -> None:
        """Build RAW afresh, validate it and publish it as an immutable release vVERSION."""
        try:
            result = publish(version, raw=raw, releases_root=root, date=date, profile=profile, workers=workers)
        except ValidationFailed as exc:
            typer.echo(f"error: the tables did not validate; nothing was published:\n{exc.report}", err=True)
            raise typer.Exit(exc.exit_code)
        except DnkError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(exc.exit_code)
        rows = ", ".join(f"{info['rows']} {name}" for name, info in result.manifest["tables"].items())
        typer.echo(f"published {result.folder} ({result.manifest['profile']} profile): {rows}")
        typer.echo(result.changelog.rstrip())

    @app.command("verify")
    def verify_command(
        version: str = typer.Argument(..., help="The release to check, e.g. v0.1.0"),
        root: Optional[Path] = typer.Option(None, "--releases-root", help="Default: datasets/releases."),
    ) -> None:
        """Re-check a release's checksums, schemas and cross-table checks against its manifest."""
        from dnkdata.verify import verify

        try:
            problems = verify(version, root)
        except DnkError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(exc.exit_code)
        if problems:
            typer.echo(f"v{version.lstrip('v')} differs from its manifest:", err=True)
            typer.echo("\n".join(f"  {p}" for p in problems), err=True)
            raise typer.Exit(2)
        typer.echo(f"v{version.lstrip('v')}: every checksum, schema and cross-table check passes")
