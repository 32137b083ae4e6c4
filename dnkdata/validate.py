"""Validation: every table against its pandera schema, then the checks that span tables.

Failures come back as readable lines (table, column, check, how many rows, a few examples), never as a raw
pandera dump.
"""

from __future__ import annotations

from pathlib import Path

import pandera.polars as pa
import polars as pl

from dnkdata.errors import InputError
from dnkdata.schemas import FOREIGN_KEYS, TABLES

EXAMPLES = 3


def validate_tables(tables: dict[str, pl.DataFrame]) -> list[str]:
    """All problems found; an empty list means every table and every cross-table check passed."""
    errors: list[str] = []
    for name, model in TABLES.items():
        if name not in tables:
            errors.append(f"{name}: table is missing")
            continue
        errors += schema_errors(name, model, tables[name])
    if not errors:
        errors += cross_table_errors(tables)
    return errors


def schema_errors(name: str, model, df: pl.DataFrame) -> list[str]:
    try:
        model.validate(df, lazy=True)  # a collected DataFrame: data checks run (a LazyFrame would skip them)
    except pa.errors.SchemaErrors as exc:
        return _summarise(name, exc.failure_cases)
    except pa.errors.SchemaError as exc:
        return [f"{name}: {exc}"]
    return []


def _summarise(name: str, failures: pl.DataFrame) -> list[str]:
    lines = []
    grouped = failures.group_by(["column", "check"], maintain_order=True).agg(
        pl.len().alias("rows"), pl.col("failure_case").head(EXAMPLES).alias("examples"))
    for row in grouped.iter_rows(named=True):
        examples = ", ".join(repr(str(e))[:80] for e in row["examples"])
        lines.append(f"{name}.{row['column']}: fails {row['check']} in {row['rows']} row(s), e.g. {examples}")
    return lines


# which text each row table's offsets point at in articles.body, and the end column that must agree
OFFSET_CHECKS = {"quotes": ("text", "char_end"), "locations": ("mention", None), "officials": ("mention", None),
                 "prices": ("mention", "char_end")}


def cross_table_errors(tables: dict[str, pl.DataFrame]) -> list[str]:
    errors = []
    for table in FOREIGN_KEYS:
        errors += table_cross_errors(table, tables)
    return errors


def check_table(name: str, df: pl.DataFrame, checked: dict[str, pl.DataFrame]) -> list[str]:
    """One table's problems as the build makes it: its schema, then, when that passes, its references and
    offsets against the tables already checked (articles, places), so no table must wait for the others."""
    errors = schema_errors(name, TABLES[name], df)
    targets = {target for _, target, _ in FOREIGN_KEYS.get(name, ())}
    if errors or not targets <= set(checked):
        return errors
    return table_cross_errors(name, checked | {name: df})


def unique_keys(name: str) -> list[list[str]]:
    """The column sets the table's schema declares unique: unique columns, and the model's Config.unique."""
    schema = TABLES[name].to_schema()
    keys = [[column] for column, spec in schema.columns.items() if spec.unique]
    return keys + ([list(schema.unique)] if schema.unique else [])


def unique_errors(name: str, df: pl.DataFrame) -> list[str]:
    """The schema's uniqueness checks alone, for a table whose rows have each passed the schema already."""
    errors = []
    for columns in unique_keys(name):
        if df.n_unique(subset=columns) == df.height:  # the usual case, found in one pass
            continue
        repeated = df.select(columns).filter(pl.struct(columns).is_duplicated())
        if repeated.height:
            examples = ", ".join(repr(str(row))[:80] for row in repeated.unique(maintain_order=True).head(EXAMPLES).rows())
            errors.append(f"{name}.{'+'.join(columns)}: fails unique in {repeated.height} row(s), e.g. {examples}")
    return errors


def table_cross_errors(table: str, tables: dict[str, pl.DataFrame]) -> list[str]:
    """Every reference of one table resolves, and its rows' texts sit at their offsets in articles.body."""
    errors = []
    for column, target, target_column in FOREIGN_KEYS.get(table, ()):
        rows = tables[table].filter(pl.col(column).is_not_null())  # a nullable reference may be empty
        missing = rows.join(tables[target], left_on=column, right_on=target_column, how="anti")
        if missing.height:
            examples = missing[column].unique().head(EXAMPLES).to_list()
            errors.append(f"{table}.{column}: {missing.height} row(s) point to no {target}.{target_column}, "
                          f"e.g. {examples}")
    if table in OFFSET_CHECKS:
        text_column, end_column = OFFSET_CHECKS[table]
        errors += _offset_errors(tables, table, text_column, end_column)
    return errors


OFFSET_CHUNK_ROWS = 250_000  # rows checked at a time: the slices of the bodies they need stay small


def _offset_errors(tables: dict[str, pl.DataFrame], table: str, text_column: str,
                   end_column: str | None = None) -> list[str]:
    """body[char_start:char_start+len(text)] == text for every row (and char_end agrees, for quotes)."""
    if "body" not in tables["articles"].columns:
        return []  # a public release without bodies: offsets cannot be checked here
    articles = tables["articles"].select("article_id", "body")
    columns = ["article_id", "char_start", text_column, *([end_column] if end_column else [])]
    bad = pl.concat([_misplaced(chunk, articles, text_column, end_column)
                     for chunk in tables[table].select(columns).iter_slices(OFFSET_CHUNK_ROWS)]
                    or [pl.DataFrame(schema={c: tables[table].schema[c] for c in columns})])
    if not bad.height:
        return []
    examples = bad.select("article_id", "char_start", text_column).head(EXAMPLES).rows()
    return [f"{table}: {bad.height} row(s) whose {text_column} is not at its offsets in articles.body, e.g. {examples}"]


def _misplaced(rows: pl.DataFrame, articles: pl.DataFrame, text_column: str, end_column: str | None) -> pl.DataFrame:
    """The rows whose text is not where their offsets say in their article's body."""
    joined = rows.join(articles, on="article_id", how="inner")
    length = pl.col(text_column).str.len_chars()
    bad = joined.filter(pl.col("body").str.slice(pl.col("char_start"), length) != pl.col(text_column))
    if end_column:
        bad = pl.concat([bad, joined.filter(pl.col("char_start") + length != pl.col(end_column))])
    return bad.drop("body")


def validate_folder(folder: Path) -> list[str]:
    """Re-validate a built or released folder of Parquet tables."""
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder")
    tables, errors = {}, []
    for name in TABLES:
        path = folder / f"{name}.parquet"
        if not path.exists():
            errors.append(f"{name}: {path} is missing")
            continue
        tables[name] = pl.read_parquet(path)
    return errors or validate_tables(tables)
