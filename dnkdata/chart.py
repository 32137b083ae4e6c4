"""A chart of the rice and dollar series from a build or release folder (docs/price-series.png).

One panel per item, one line per place; a point that articles disagree on is drawn hollow.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import typer

from dnkdata.errors import DnkError
from dnkdata.series import load_prices, series

DEFAULT_OUT = Path("docs/price-series.png")
PANELS = (("rice", "Rice, won per kg"), ("usd", "US dollar, won per dollar"))


def _pyplot():
    """matplotlib, imported when a chart is drawn: it is slow to import, and every other command can do without."""
    import matplotlib

    matplotlib.use("Agg")  # no display: the chart is a file
    import matplotlib.pyplot as plt

    return plt


def price_chart(folder_or_tables, out: Path = DEFAULT_OUT, items=PANELS, note: str | None = None) -> Path:
    """Draw one panel per (item, title) and write a PNG; returns the path written. `note` says where the data
    came from when that is not Daily NK reporting (the docs chart is drawn from invented examples)."""
    plt = _pyplot()
    prices = load_prices(folder_or_tables)
    figure, axes = plt.subplots(len(items), 1, figsize=(8, 3.2 * len(items)), sharex=True, squeeze=False)
    for axis, (item, title) in zip(axes[:, 0], items):
        _panel(axis, series(prices, item), title)
    figure.suptitle("North Korean market prices stated in Daily NK reporting (dnkdata)"
                    + (f"\n{note}" if note else ""), fontsize=11)
    figure.text(0.01, 0.005, "Current prices with a stated date; a hollow ring marks a date on which articles disagree "
                "(median shown).", fontsize=7, color="dimgray")
    figure.tight_layout(rect=(0, 0.02, 1, 1))
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=110, metadata={"Software": None})  # no version stamp: same data, same bytes
    plt.close(figure)
    return out


def _panel(axis, points: pl.DataFrame, title: str) -> None:
    from matplotlib import dates as mdates  # loaded with pyplot by price_chart

    axis.set_title(title, fontsize=10, loc="left")
    if points.is_empty():
        axis.text(0.5, 0.5, "no dated observations", ha="center", va="center", transform=axis.transAxes)
        return
    for place, group in sorted(points.group_by("place"), key=lambda g: str(g[0][0])):
        label = place[0] or "place not stated"
        line, = axis.plot(group["observed_date"].to_list(), group["value"].to_list(), marker="o", label=label)
        disputed = group.filter(pl.col("disagreement"))
        axis.scatter(disputed["observed_date"].to_list(), disputed["value"].to_list(), s=90,
                     facecolors="none", edgecolors=line.get_color())
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8, loc="best")
    axis.xaxis.set_major_formatter(mdates.ConciseDateFormatter(mdates.AutoDateLocator()))


def register(app: typer.Typer) -> None:
    @app.command("chart")
    def chart_command(
        folder: Path = typer.Option(Path("datasets/build"), "--dir", help="A build or release folder."),
        out: Path = typer.Option(DEFAULT_OUT, "--out", help="PNG to write."),
        note: str = typer.Option(None, "--note", help="A line under the title saying where the data came from."),
    ) -> None:
        """Chart the rice and dollar price series of a build or release as a PNG."""
        try:
            typer.echo(f"wrote {price_chart(folder, out, note=note)}")
        except DnkError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(exc.exit_code)
