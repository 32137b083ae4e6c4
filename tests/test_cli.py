"""The CLI through Typer's runner: build, validate, stats, dictionary; errors are one line, no traceback."""

from __future__ import annotations

import hashlib
import json
import shutil

from typer.testing import CliRunner

from dnkdata.cli import app
from tests.conftest import SEED_CAPTURE, TEXT_FIXTURES

runner = CliRunner()


def corpus(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    for path in [SEED_CAPTURE, *TEXT_FIXTURES]:
        shutil.copy(path, folder / path.name)
    return folder


def test_build_then_validate_and_stats(tmp_path):
    raw, out = corpus(tmp_path), tmp_path / "build"
    result = runner.invoke(app, ["build", str(raw), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "6 files: 5 articles, 1 excerpts, 0 duplicates, 0 rejected" in result.stdout
    for name in ("articles", "quotes", "locations", "officials", "places"):
        assert (out / f"{name}.parquet").exists()
    report = json.loads((out / "build_report.json").read_text())
    assert sorted(e["path"] for e in report["files"]) == sorted(p.name for p in raw.iterdir())
    assert runner.invoke(app, ["validate", str(out)]).exit_code == 0
    stats = runner.invoke(app, ["stats", str(out)])
    assert stats.exit_code == 0 and ": 6 articles, 17 quotes" in stats.stdout


def test_missing_input_is_a_one_line_error(tmp_path):
    result = runner.invoke(app, ["build", str(tmp_path / "nope"), "--out", str(tmp_path / "b")])
    assert result.exit_code == 1
    assert "no such file or folder" in result.stderr and "Traceback" not in result.output


def test_validate_reports_a_broken_folder(tmp_path):
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 2 and "articles.parquet is missing" in result.stderr


def test_same_inputs_give_identical_bytes(tmp_path):
    raw = corpus(tmp_path)
    digests = []
    for name, workers in (("a", "1"), ("b", "2")):
        out = tmp_path / name
        assert runner.invoke(app, ["build", str(raw), "--out", str(out), "--workers", workers]).exit_code == 0
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.glob("*.parquet")})
    assert digests[0] == digests[1]


def test_dictionary_command_writes_markdown(tmp_path):
    target = tmp_path / "dd.md"
    assert runner.invoke(app, ["dictionary", "--out", str(target)]).exit_code == 0
    assert "## quotes" in target.read_text()
