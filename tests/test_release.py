"""Releases: contents, manifest, immutability, semantic-version checks, reproducibility, verify, the public
profile, the changelog diff, and datapackage.json / CITATION.cff against the reference validators."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from dnkdata import __version__
from dnkdata.cli import app
from dnkdata.describe import describe_table, schema_fingerprint
from dnkdata.evaluate import evaluate, render_markdown, write_summary
from dnkdata.release import ReleaseRefused, check_version, publish, release_description, schema_changes
from dnkdata.schemas import FOREIGN_KEYS, PRIMARY_KEYS, TABLES
from dnkdata.verify import verify
from tests.conftest import FIXTURES, SEED_DIR

DATE = "2026-01-15"
FIRST = ["aggregator.txt", "board.txt", "dailynk.txt", "legacy.txt"]
runner = CliRunner()


def make_raw(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True)
    for path in SEED_DIR.iterdir():
        shutil.copy(path, folder / path.name)
    for name in names:
        shutil.copy(FIXTURES / "text" / name, folder / name)
    return folder


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    """v0.1.0 of the seed and four fixtures, with a measured accuracy file."""
    base = tmp_path_factory.mktemp("release")
    raw = make_raw(base / "raw", FIRST)
    accuracy = base / "accuracy.json"
    write_summary(evaluate(FIXTURES / "eval" / "gold", FIXTURES / "eval" / "raw"), accuracy)
    release = publish("0.1.0", raw=raw, releases_root=base / "releases", date=DATE, workers=1, accuracy=accuracy)
    return base, release


@pytest.fixture(scope="module")
def second(first):
    """v0.2.0 in the same root: legacy.txt left, teaser.txt came, dailynk.txt corrected."""
    base, _ = first
    raw = make_raw(base / "raw2", ["aggregator.txt", "board.txt", "dailynk.txt", "teaser.txt"])
    changed = raw / "dailynk.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("buy a week", "buy a month"), encoding="utf-8")
    return publish("0.2.0", raw=raw, releases_root=base / "releases", date="2026-02-01", workers=1,
                   accuracy=base / "none.json")


def test_release_holds_every_file_with_checksums(first):
    _, release = first
    folder, manifest = release.folder, release.manifest
    expected = {f"{t}.parquet" for t in TABLES} | {"removed.parquet", "manifest.json", "data-dictionary.md",
                                                   "datapackage.json", "CITATION.cff", "README.md", "CHANGELOG.md",
                                                   "build_report.json"}
    assert {p.name for p in folder.iterdir()} == expected
    assert set(manifest["files"]) == expected - {"manifest.json"}
    for name, entry in manifest["files"].items():
        assert entry == {"bytes": (folder / name).stat().st_size, "sha256": sha(folder / name)}
    assert (manifest["version"], manifest["release_date"], manifest["profile"]) == ("0.1.0", DATE, "full")
    assert manifest["dnkdata_version"] == __version__ and manifest["previous_version"] is None
    assert len(manifest["inputs_fingerprint"]) == 64


def test_manifest_tables_match_the_parquet_files(first):
    _, release = first
    for name, info in release.manifest["tables"].items():
        path = release.folder / info["file"]
        df = pl.read_parquet(path)
        assert info["rows"] == df.height and info["primary_key"] == PRIMARY_KEYS[name]
        assert [(c["name"], c["type"]) for c in info["columns"]] == [(c, str(t)) for c, t in df.schema.items()]
        assert info["schema_fingerprint"] == schema_fingerprint(name)  # full profile: the model's own fingerprint
        meta = pl.read_parquet_metadata(path)
        assert meta["dnkdata.dataset_version"] == "0.1.0" and meta["dnkdata.table"] == name
        assert meta["dnkdata.schema_fingerprint"] == info["schema_fingerprint"]
        assert meta["dnkdata.version"] == __version__
    assert release.manifest["tables"]["articles"]["rows"] == 5


def test_dictionary_covers_every_column_with_an_example(first):
    _, release = first
    text = (release.folder / "data-dictionary.md").read_text(encoding="utf-8")
    assert "Dataset version: **0.1.0**" in text and "| example |" in text
    for name in TABLES:
        df = pl.read_parquet(release.folder / f"{name}.parquet")
        assert f"## {name}" in text
        for column in df.columns:
            assert f"| `{column}` |" in text, (name, column)
    article_id = pl.read_parquet(release.folder / "articles.parquet")["article_id"][0]
    assert f"| {article_id} |" in text


def test_readme_and_citation_name_the_version_and_accuracy(first):
    _, release = first
    readme = (release.folder / "README.md").read_text(encoding="utf-8")
    assert "dnkdata Daily NK dataset, v0.1.0" in readme
    summary = json.loads((release.folder.parent.parent / "accuracy.json").read_text())["summary"]
    assert render_markdown(summary) in readme and "| `articles.parquet` | 5 |" in readme
    cff = (release.folder / "CITATION.cff").read_text(encoding="utf-8")
    assert 'version: "0.1.0"' in cff and f'date-released: "{DATE}"' in cff and 'name: "dnkdata contributors"' in cff


def test_citation_cff_passes_cffconvert(first):
    cffconvert = pytest.importorskip("cffconvert", reason="cffconvert not installed (make venv installs it)")
    _, release = first
    text = (release.folder / "CITATION.cff").read_text(encoding="utf-8")
    cffconvert.Citation(text).validate()
    with pytest.raises(Exception):  # the validator does reject a broken file
        cffconvert.Citation(text.replace("type: dataset", "type: spreadsheet")).validate()


def _inline_package(folder: Path) -> dict:
    """datapackage.json with each resource's Parquet rows inlined: frictionless reads Parquet through pandas,
    which turns list cells into numpy arrays its array type rejects, so the rows are handed over as lists."""
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        df = pl.read_parquet(folder / resource.pop("path"))
        for key in ("format", "mediatype", "bytes", "hash"):
            resource.pop(key)
        resource["data"] = [df.columns, *[list(row) for row in df.rows()]]
    return descriptor


def test_datapackage_passes_frictionless(first):
    frictionless = pytest.importorskip("frictionless", reason="frictionless not installed (the test extra has it)")
    _, release = first
    descriptor = json.loads((release.folder / "datapackage.json").read_text(encoding="utf-8"))
    assert list(frictionless.Package.metadata_validate(descriptor)) == []
    package = _inline_package(release.folder)
    report = frictionless.Package(package).validate()
    assert report.valid, report.flatten(["type", "note"])
    package["resources"][1]["data"][1][package["resources"][1]["data"][0].index("kind")] = "bogus"
    assert not frictionless.Package(package).validate().valid


def test_datapackage_matches_the_parquet_files(first):
    _, release = first
    descriptor = json.loads((release.folder / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert descriptor["version"] == "0.1.0"
    for resource in descriptor["resources"]:
        name, schema = resource["name"], resource["schema"]
        path = release.folder / resource["path"]
        assert [f["name"] for f in schema["fields"]] == pl.read_parquet(path).columns
        assert resource["hash"] == f"sha256:{sha(path)}" and resource["bytes"] == path.stat().st_size
        assert schema["primaryKey"] == PRIMARY_KEYS[name]
        links = [(fk["fields"][0], fk["reference"]["resource"], fk["reference"]["fields"][0])
                 for fk in schema.get("foreignKeys", [])]
        assert links == FOREIGN_KEYS.get(name, [])
    quotes = next(r for r in descriptor["resources"] if r["name"] == "quotes")["schema"]["fields"]
    kind = next(f for f in quotes if f["name"] == "kind")
    assert kind["constraints"] == {"required": True, "enum": ["direct", "term"]}


def test_verify_accepts_a_fresh_release(first):
    base, _ = first
    assert verify("0.1.0", base / "releases") == []
    result = runner.invoke(app, ["verify", "v0.1.0", "--releases-root", str(base / "releases")])
    assert result.exit_code == 0 and "every checksum" in result.stdout


def test_verify_says_exactly_what_differs(first, tmp_path):
    base, _ = first
    root = tmp_path / "releases"
    shutil.copytree(base / "releases" / "v0.1.0", root / "v0.1.0")
    folder = root / "v0.1.0"
    quotes = pl.read_parquet(folder / "quotes.parquet").with_columns(kind=pl.lit("bogus"))
    meta = pl.read_parquet_metadata(folder / "quotes.parquet")
    quotes.write_parquet(folder / "quotes.parquet", metadata=meta)
    (folder / "README.md").unlink()
    (folder / "extra.csv").write_text("x\n")
    problems = verify("0.1.0", root)
    assert any(p.startswith("quotes.parquet: sha256") for p in problems)
    assert "README.md: missing (the manifest lists it)" in problems
    assert "extra.csv: not in the manifest (added after publication)" in problems
    assert any(p.startswith("quotes.kind: fails isin") for p in problems)
    result = runner.invoke(app, ["verify", "0.1.0", "--releases-root", str(root)])
    assert result.exit_code == 2 and "README.md: missing" in result.stderr


def test_republishing_a_version_is_refused(first):
    base, release = first
    before = {p.name: sha(p) for p in release.folder.iterdir()}
    with pytest.raises(ReleaseRefused, match="already exists"):
        publish("0.1.0", raw=base / "raw", releases_root=base / "releases", date=DATE, workers=1)
    assert {p.name: sha(p) for p in release.folder.iterdir()} == before
    result = runner.invoke(app, ["release", "0.1.0", "--raw", str(base / "raw"),
                                 "--releases-root", str(base / "releases"), "--date", DATE])
    assert result.exit_code == 1 and "already exists" in result.stderr and "Traceback" not in result.output


def test_a_version_below_the_latest_is_refused(first, tmp_path):
    base, _ = first
    root = tmp_path / "releases"
    shutil.copytree(base / "releases" / "v0.1.0", root / "v0.1.0")
    with pytest.raises(ReleaseRefused, match="not greater than the latest release v0.1.0"):
        publish("0.0.9", raw=base / "raw", releases_root=root, date=DATE, workers=1)
    assert not (root / "v0.0.9").exists()


def test_same_inputs_give_byte_identical_releases(first, tmp_path):
    base, release = first
    other = publish("0.1.0", raw=base / "raw", releases_root=tmp_path / "again", date=DATE, workers=2,
                    accuracy=base / "accuracy.json")
    for name in TABLES:
        assert sha(other.folder / f"{name}.parquet") == sha(release.folder / f"{name}.parquet")
    assert other.manifest["files"] == release.manifest["files"]


def test_schema_changes_decide_the_bump(first):
    _, release = first
    previous = release.manifest
    current = {name: release_description(name) for name in TABLES}
    assert schema_changes(previous["tables"], current) == ([], [])
    check_version("0.1.1", current, previous)  # same schema: a patch is allowed

    retyped = json.loads(json.dumps(previous))
    retyped["tables"]["quotes"]["columns"][2]["type"] = "Int32"  # quotes.paragraph
    breaking, _ = schema_changes(retyped["tables"], current)
    assert breaking == ["quotes.paragraph retyped Int32 → Int64"]
    with pytest.raises(ReleaseRefused, match=r"needs a major bump \(v1.0.0 or later\): quotes.paragraph retyped"):
        check_version("0.2.0", current, retyped)
    check_version("1.0.0", current, retyped)

    grown = json.loads(json.dumps(previous))
    grown["tables"]["articles"]["columns"].append({"name": "old_column", "type": "String", "nullable": True})
    with pytest.raises(ReleaseRefused, match="articles.old_column removed or renamed"):
        check_version("0.9.0", current, grown)

    shrunk = json.loads(json.dumps(previous))
    shrunk["tables"]["officials"]["columns"].pop()  # so the current schema adds a column
    with pytest.raises(ReleaseRefused, match=r"needs a minor bump \(v0.2.0 or later\): officials.mention_count added"):
        check_version("0.1.1", current, shrunk)
    check_version("0.2.0", current, shrunk)


def test_public_profile_after_full_needs_a_major_bump_and_drops_bodies(first, tmp_path):
    base, _ = first
    root = tmp_path / "releases"
    shutil.copytree(base / "releases" / "v0.1.0", root / "v0.1.0")
    with pytest.raises(ReleaseRefused, match="articles.body removed or renamed"):
        publish("0.2.0", raw=base / "raw", releases_root=root, date=DATE, profile="public", workers=1)
    release = publish("1.0.0", raw=base / "raw", releases_root=root, date=DATE, profile="public", workers=1)
    articles = pl.read_parquet(release.folder / "articles.parquet")
    assert "body" not in articles.columns and {"title", "url", "published_date"} <= set(articles.columns)
    assert pl.read_parquet(release.folder / "quotes.parquet").height > 0
    assert release.manifest["profile"] == "public"
    assert pl.read_parquet_metadata(release.folder / "articles.parquet")["dnkdata.profile"] == "public"
    fingerprint = release.manifest["tables"]["articles"]["schema_fingerprint"]
    assert fingerprint != schema_fingerprint("articles")
    dictionary = (release.folder / "data-dictionary.md").read_text(encoding="utf-8")
    assert "| `body` |" not in dictionary and f"`{fingerprint}`" in dictionary
    package = json.loads((release.folder / "datapackage.json").read_text(encoding="utf-8"))
    assert "body" not in [f["name"] for f in package["resources"][0]["schema"]["fields"]]
    assert verify("1.0.0", root) == []
    assert release.changelog.count("articles.body") == 1  # listed under columns removed


def test_second_release_changelog_diff(first, second):
    base, release = first
    old = {name: pl.read_parquet(release.folder / f"{name}.parquet") for name in TABLES}
    new = {name: pl.read_parquet(second.folder / f"{name}.parquet") for name in TABLES}
    ids = {p: e["article_ids"] for e in json.loads((second.folder / "build_report.json").read_text())["files"]
           for p in [e["path"]]}
    old_ids = {p: e["article_ids"] for e in json.loads((release.folder / "build_report.json").read_text())["files"]
               for p in [e["path"]]}
    changes = second.manifest["changes"]
    assert changes["articles_added"] == 1 and changes["articles_removed"] == 1 and changes["articles_changed"] == 1
    log = second.changelog
    assert f"Added articles: `{ids['teaser.txt'][0]}`" in log
    assert f"Removed articles: `{old_ids['legacy.txt'][0]}`" in log
    assert f"Changed articles: `{ids['dailynk.txt'][0]}`" in log
    for name in TABLES:
        delta = new[name].height - old[name].height
        assert f"{name} {old[name].height} → {new[name].height} ({delta:+d})" in log
    removed = pl.read_parquet(second.folder / "removed.parquet")
    gone_quotes = old["quotes"].join(new["quotes"], on="quote_id", how="anti")["quote_id"].sort().to_list()
    assert removed.filter(pl.col("table") == "quotes")["id"].to_list() == gone_quotes
    assert removed.filter(pl.col("table") == "articles")["id"].to_list() == old_ids["legacy.txt"]
    assert changes["removed_count"] == removed.height
    root_log = (base / "releases" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert root_log.index("## v0.2.0") < root_log.index("## v0.1.0")
    assert "not measured for this release" in (second.folder / "README.md").read_text(encoding="utf-8")
    assert verify("0.2.0", base / "releases") == []


def test_cli_release_publishes_and_rejects_a_bad_date(tmp_path):
    raw = make_raw(tmp_path / "raw", [])
    root = tmp_path / "releases"
    bad = runner.invoke(app, ["release", "0.1.0", "--raw", str(raw), "--releases-root", str(root), "--date", "15/01"])
    assert bad.exit_code == 1 and "YYYY-MM-DD" in bad.stderr and not (root / "v0.1.0").exists()
    result = runner.invoke(app, ["release", "0.1.0", "--raw", str(raw), "--releases-root", str(root),
                                 "--date", DATE, "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "published" in result.stdout and "First release: 1 articles" in result.stdout
    assert json.loads((root / "v0.1.0" / "manifest.json").read_text())["tables"]["articles"]["rows"] == 1


def test_description_for_the_full_profile_is_the_models(first):
    assert release_description("articles") == describe_table("articles")
    public = release_description("articles", "public")
    assert "body" not in [c["name"] for c in public["columns"]] and public["table_checks"] == []
