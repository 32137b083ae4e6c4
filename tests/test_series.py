"""Price series: sorted points per date and place, the articles behind them, disagreements flagged."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from typer.testing import CliRunner

from dnkdata.cli import app
from dnkdata.schemas import Prices, polars_schema
from dnkdata.series import series
from tests.conftest import EXAMPLE_PRICES_DIR

A, B, C = "a" * 16, "b" * 16, "c" * 16


def observation(article, item, value, place, day, kind="current", currency="KPW", start=0):
    mention = f"{value:,.0f} won"
    return {"price_id": f"{hash((article, item, value, place, day, start)) & (2**64 - 1):016x}",
            "article_id": article, "item": item, "value": float(value), "value_high": None, "currency": currency,
            "unit": "kg", "place": place, "place_id": None, "observed_date": day,
            "observed_date_source": "text" if day else None, "kind": kind, "mention": mention,
            "char_start": start, "char_end": start + len(mention)}


@pytest.fixture
def prices() -> pl.DataFrame:
    rows = [
        observation(B, "rice", 9600, "Pyongyang", date(2025, 5, 25)),
        observation(A, "rice", 9000, "Pyongyang", date(2025, 5, 10)),
        observation(C, "rice", 9700, "Pyongyang", date(2025, 5, 25), start=40),  # disagrees with B
        observation(C, "rice", 9700, "Pyongyang", date(2025, 5, 25), start=80),  # same article, same value
        observation(A, "rice", 9500, "Sinuiju", date(2025, 5, 25)),
        observation(A, "rice", 8800, "Pyongyang", date(2025, 5, 1), kind="previous"),  # not current: left out
        observation(A, "rice", 9900, "Hyesan", None),  # no date: cannot be placed in time
        observation(B, "corn", 3000, "Pyongyang", date(2025, 5, 25)),
        observation(B, "rice", 1.2, "Pyongyang", date(2025, 5, 25), currency="USD", start=120),
        observation(A, "rice", 9400, "Sinuiju", date(2025, 5, 10)),
    ]
    frame = pl.DataFrame(rows, schema=polars_schema("prices"))
    Prices.validate(frame)  # the fixture is a valid prices table
    return frame


def test_one_place_sorted_by_date_with_disagreement(prices):
    got = series(prices, "rice", "Pyongyang")
    assert got["observed_date"].to_list() == [date(2025, 5, 10), date(2025, 5, 25)]
    assert got["value"].to_list() == [9000, 9700]  # median of 9600, 9700, 9700
    assert got["n_observations"].to_list() == [1, 3]
    assert got["article_ids"].to_list() == [[A], [B, C]]
    assert got["disagreement"].to_list() == [False, True]
    assert got["value_min"].to_list() == [9000, 9600] and got["value_max"].to_list() == [9000, 9700]


def test_all_places_sorted_by_date_then_place(prices):
    got = series(prices, "RICE")
    assert list(zip(got["observed_date"], got["place"])) == [
        (date(2025, 5, 10), "Pyongyang"), (date(2025, 5, 10), "Sinuiju"),
        (date(2025, 5, 25), "Pyongyang"), (date(2025, 5, 25), "Sinuiju")]
    assert not got.filter(pl.col("place") == "Sinuiju")["disagreement"].any()


def test_place_is_case_insensitive_and_other_currency_is_separate(prices):
    assert series(prices, "rice", "sinuiju").height == 2
    usd = series(prices, "rice", "Pyongyang", currency="USD")
    assert usd["value"].to_list() == [1.2]


def test_unknown_item_gives_an_empty_typed_frame(prices):
    got = series(prices, "gasoline")
    assert got.is_empty() and "article_ids" in got.columns


def test_series_from_the_invented_sample_reports(tmp_path):
    from dnkdata.pipeline import build

    build([EXAMPLE_PRICES_DIR], tmp_path / "build", workers=1)
    rice = series(tmp_path / "build", "rice", "Pyongyang")
    assert rice["observed_date"].to_list() == sorted(rice["observed_date"].to_list())
    assert rice["value"].to_list() == [7200, 7600, 8400, 9600]
    usd = series(tmp_path / "build", "usd", "Sinuiju")
    flagged = usd.filter(pl.col("disagreement"))
    assert flagged["observed_date"].to_list() == [date(2025, 5, 11)] and flagged["n_observations"].item() == 2

    runner = CliRunner()
    result = runner.invoke(app, ["series", "--item", "rice", "--place", "Hyesan", "--dir", str(tmp_path / "build"),
                                 "--csv"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("observed_date,place,item") and len(lines) == 1 + 3
    chart = runner.invoke(app, ["chart", "--dir", str(tmp_path / "build"), "--out", str(tmp_path / "c.png")])
    assert chart.exit_code == 0, chart.output
    assert (tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_series_on_a_folder_without_prices_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(app, ["series", "--item", "rice", "--dir", str(tmp_path)])
    assert result.exit_code == 1 and "no prices table" in result.output
