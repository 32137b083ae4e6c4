"""Human summaries: the lines printed after a build, and `dnkdata stats`."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from dnkdata.errors import InputError


def summary_lines(report: dict) -> list[str]:
    c = report["counts"]
    lines = [f"{c['files']} files: {c['article']} articles, {c['excerpt']} excerpts, {c['duplicate']} duplicates, "
             f"{c['rejected']} rejected",
             f"rows: {c['rows_articles']} articles, {c['rows_quotes']} quotes, {c['rows_locations']} locations, "
             f"{c['rows_officials']} officials, {c.get('rows_prices', 0)} prices"]
    for entry in report["files"]:
        if entry["status"] == "rejected":
            lines.append(f"rejected {_one_line(entry['path'])}: {entry['reason_code']}: {_one_line(entry['message'])}")
    fallback = [entry["path"] for entry in report["files"] if entry.get("encoding_fallback")]
    for path in fallback:
        lines.append(f"decoded as Windows-1252 (not UTF-8): {_one_line(path)}")
    return lines


def strict_message(report: dict) -> str:
    """Why a --strict build failed: how many files were rejected and which."""
    rejected = [e for e in report["files"] if e["status"] == "rejected"]
    lines = [f"{len(rejected)} of {report['counts']['files']} input files rejected and --strict is set; "
             "nothing was written (docs/troubleshooting.md explains each reason):"]
    lines += [f"  {_one_line(e['path'])}: {e['reason_code']}: {_one_line(e['message'])}" for e in rejected]
    return "\n".join(lines)


def _one_line(text: str) -> str:
    """Control characters (a newline in a file name) escaped, so each file stays on one line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def stats_lines(folder: Path) -> list[str]:
    if not (folder / "articles.parquet").exists():
        raise InputError(f"{folder}: no articles.parquet here; is it a build or release folder?")
    articles = pl.read_parquet(folder / "articles.parquet")
    quotes = pl.read_parquet(folder / "quotes.parquet")
    locations = pl.read_parquet(folder / "locations.parquet")
    officials = pl.read_parquet(folder / "officials.parquet")
    lines = [f"{folder}: {articles.height} articles, {quotes.height} quotes, {locations.height} locations, "
             f"{officials.height} officials"]
    dated = articles.filter(pl.col("published_date").is_not_null())
    if dated.height:
        lines.append(f"published {dated['published_date'].min()} to {dated['published_date'].max()} "
                     f"({articles.height - dated.height} undated)")
    lines.append("quotes by speaker kind: " + _counts(quotes, "speaker_kind"))
    sources = quotes.filter(pl.col("speaker_place").is_not_null())
    lines.append("top source places: " + _counts(sources, "speaker_place", 8))
    kp = locations.filter(pl.col("country_code") == "KP")
    lines.append("top provinces named: " + _counts(kp.filter(pl.col("province").is_not_null()), "province", 8))
    named = officials.filter(pl.col("kind") == "named")
    lines.append("top named officials: " + _counts(named, "name", 8))
    if (folder / "prices.parquet").exists():
        prices = pl.read_parquet(folder / "prices.parquet")
        lines.append(f"{prices.height} price observations; items: " + _counts(prices, "item", 8))
    return lines


def _counts(df: pl.DataFrame, column: str, top: int = 10) -> str:
    if not df.height:
        return "none"
    counted = df.group_by(column).len().sort(["len", column], descending=[True, False]).head(top)
    return ", ".join(f"{row[column]} {row['len']}" for row in counted.iter_rows(named=True))
