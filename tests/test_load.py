"""dnkdata.load and dnkdata.releases: polars and pandas, latest by default, clear errors."""

from __future__ import annotations

import shutil

import pandas as pd
import polars as pl
import pytest

import dnkdata
from dnkdata.loader import UnknownTable, UnknownVersion
from dnkdata.release import publish
from tests.conftest import FIXTURES, SEED_DIR


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    """Two releases of growing inputs: 0.1.0 (the seed) and 0.2.0 (the seed and two fixtures)."""
    base = tmp_path_factory.mktemp("load")
    raw = base / "raw"
    raw.mkdir()
    for path in SEED_DIR.iterdir():
        shutil.copy(path, raw / path.name)
    publish("0.1.0", raw=raw, releases_root=base / "releases", date="2026-01-15", workers=1)
    for name in ("board.txt", "dailynk.txt"):
        shutil.copy(FIXTURES / "text" / name, raw / name)
    publish("0.2.0", raw=raw, releases_root=base / "releases", date="2026-02-01", workers=1)
    return base / "releases"


def test_releases_lists_versions_in_numeric_order(root, tmp_path):
    assert dnkdata.releases(root) == ["0.1.0", "0.2.0"]
    fake = tmp_path / "r"
    for version in ("0.10.0", "0.9.1", "0.2.0"):
        (fake / f"v{version}").mkdir(parents=True)
        (fake / f"v{version}" / "manifest.json").write_text("{}")
    (fake / "v1.0.0").mkdir()  # no manifest: an unfinished folder is not a release
    assert dnkdata.releases(fake) == ["0.2.0", "0.9.1", "0.10.0"]
    assert dnkdata.releases(tmp_path / "nothing") == []


def test_load_polars_by_version_and_latest(root):
    first = dnkdata.load("quotes", version="0.1.0", root=root)
    assert isinstance(first, pl.DataFrame)
    assert first.equals(pl.read_parquet(root / "v0.1.0" / "quotes.parquet"))
    latest = dnkdata.load("articles", root=root)
    assert latest.height == 3 and dnkdata.load("articles", version="v0.1.0", root=root).height == 1


def test_load_pandas_joins_like_polars(root):
    quotes = dnkdata.load("quotes", version="0.2.0", backend="pandas", root=root)
    articles = dnkdata.load("articles", version="0.2.0", backend="pandas", root=root)
    assert isinstance(quotes, pd.DataFrame)
    joined = quotes.merge(articles[["article_id", "title"]], on="article_id")
    polars_joined = dnkdata.load("quotes", root=root).join(
        dnkdata.load("articles", root=root).select("article_id", "title"), on="article_id")
    assert len(joined) == polars_joined.height == len(quotes) > 0
    assert sorted(joined["quote_id"]) == sorted(polars_joined["quote_id"].to_list())


def test_environment_variable_names_the_releases_folder(root, monkeypatch):
    monkeypatch.setenv("DNKDATA_RELEASES", str(root))
    assert dnkdata.releases() == ["0.1.0", "0.2.0"]
    assert dnkdata.load("places").height > 0


def test_unknown_table_and_version_are_clear(root, tmp_path):
    with pytest.raises(UnknownTable, match="has no table 'quote'; tables: articles, quotes"):
        dnkdata.load("quote", root=root)
    with pytest.raises(UnknownVersion, match="no release 9.9.9 .*available: 0.1.0, 0.2.0"):
        dnkdata.load("quotes", version="9.9.9", root=root)
    with pytest.raises(UnknownVersion, match="no releases in"):
        dnkdata.load("quotes", root=tmp_path)
    with pytest.raises(ValueError, match="MAJOR.MINOR.PATCH"):
        dnkdata.load("quotes", version="latest", root=root)
    with pytest.raises(ValueError, match="backend must be one of polars, pandas"):
        dnkdata.load("quotes", backend="arrow", root=root)
