"""Price series: the current observations of one item across all articles, one row per date and place.

Each point carries the articles behind it; when articles give different values for the same date and place
the point is flagged (its value is the median of what they say). Observations without a date cannot be placed
on a time axis and are left out.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import typer

from dnkdata.errors import DnkError, InputError

SERIES_SCHEMA = {"observed_date": pl.Date, "place": pl.String, "item": pl.String, "currency": pl.String,
                 "unit": pl.String, "value": pl.Float64, "value_min": pl.Float64, "value_max": pl.Float64,
                 "n_observations": pl.UInt32, "article_ids": pl.List(pl.String), "disagreement": pl.Boolean}


def load_prices(folder_or_tables: Path | str | dict[str, pl.DataFrame] | pl.DataFrame) -> pl.DataFrame:
    """The prices table from a build or release folder, a dict of tables, or the frame itself."""
    if isinstance(folder_or_tables, pl.DataFrame):
        return folder_or_tables
    if isinstance(folder_or_tables, dict):
        return folder_or_tables["prices"]
    path = Path(folder_or_tables) / "prices.parquet"
    if not path.exists():
        raise InputError(f"{path}: no prices table (build the dataset first)")
    return pl.read_parquet(path)


def series(folder_or_tables, item: str, place: str | None = None, currency: str = "KPW") -> pl.DataFrame:
    """One row per observed_date × place for the current prices of item in currency, sorted by date and place.

    value is the median of the observations for that point; disagreement is true when they differ.
    place filters on the canonical place name (case-insensitive).
    """
    prices = load_prices(folder_or_tables)
    rows = prices.filter((pl.col("item") == item.strip().lower()) & (pl.col("kind") == "current")
                         & (pl.col("currency") == currency) & pl.col("observed_date").is_not_null())
    if place is not None:
        rows = rows.filter(pl.col("place").str.to_lowercase() == place.strip().lower())
    if rows.is_empty():
        return pl.DataFrame(schema=SERIES_SCHEMA)
    points = rows.group_by("observed_date", "place").agg(
        pl.first("item"), pl.first("currency"), pl.col("unit").drop_nulls().mode().sort().first(),
        pl.col("value").median(), pl.col("value").min().alias("value_min"), pl.col("value").max().alias("value_max"),
        pl.len().cast(pl.UInt32).alias("n_observations"),
        pl.col("article_id").unique().sort().alias("article_ids"),
        (pl.col("value").n_unique() > 1).alias("disagreement"))
    return points.select(list(SERIES_SCHEMA)).sort("observed_date", "place", nulls_last=True)


def register(app: typer.Typer) -> None:
    @app.command("series")
    def series_command(
        item: str = typer.Option(..., "--item", help="Canonical item: rice, corn, usd, cny, …"),
        place: str = typer.Option(None, "--place", help="Canonical place name (Pyongyang, Sinuiju, Hyesan)."),
        folder: Path = typer.Option(Path("datasets/build"), "--dir", help="A build or release folder."),
        currency: str = typer.Option("KPW", "--currency", help="KPW, CNY or USD."),
        csv: bool = typer.Option(False, "--csv", help="Write CSV to stdout instead of a table."),
    ) -> None:
        """The time series of current prices of ITEM: one row per date and place, with the articles behind it."""
        try:
            result = series(folder, item, place, currency)
        except DnkError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(exc.exit_code)
        if csv:
            typer.echo(result.with_columns(pl.col("article_ids").list.join(";")).write_csv(), nl=False)
            return
        if result.is_empty():
            typer.echo(f"no dated current {item} prices in {currency}" + (f" for {place}" if place else ""))
            return
        with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=160, fmt_str_lengths=40):
            typer.echo(str(result.with_columns(pl.col("article_ids").list.join(" "))))
