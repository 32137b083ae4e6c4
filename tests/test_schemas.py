"""Schemas and cross-table checks reject what the contract forbids."""

from __future__ import annotations

import polars as pl
import pytest

from dnkdata.schemas import TABLES
from dnkdata.validate import cross_table_errors, schema_errors, validate_tables


@pytest.fixture(scope="module")
def good(seed_build):
    return {name: pl.read_parquet(seed_build.out / f"{name}.parquet") for name in TABLES}


def test_built_tables_are_valid(good):
    assert validate_tables(good) == []


def test_column_contract(good):
    assert good["articles"].columns[:3] == ["article_id", "outlet", "title"]
    for table, model in TABLES.items():
        assert good[table].columns == list(model.to_schema().columns)


@pytest.mark.parametrize("table, column, value, check", [
    ("articles", "article_id", "not-hex", "str_matches"),
    ("quotes", "kind", "speech", "isin"),
    ("quotes", "speaker_kind", "ghost", "isin"),
    ("locations", "level", "galaxy", "isin"),
    ("officials", "kind", "maybe", "isin"),
])
def test_bad_values_fail_with_a_readable_line(good, table, column, value, check):
    bad = good[table].with_columns(pl.lit(value).alias(column))
    errors = schema_errors(table, TABLES[table], bad)
    assert errors and errors[0].startswith(f"{table}.{column}: fails {check}")


def test_null_in_a_required_column_fails(good):
    bad = good["quotes"].with_columns(pl.lit(None, dtype=pl.String).alias("text"))
    assert any("quotes.text" in e for e in schema_errors("quotes", TABLES["quotes"], bad))


def test_duplicate_keys_fail(good):
    bad = pl.concat([good["quotes"], good["quotes"].head(1)])
    assert schema_errors("quotes", TABLES["quotes"], bad)


def test_quote_offsets_must_match_the_body(good):
    tables = dict(good)
    tables["quotes"] = good["quotes"].with_columns(pl.col("char_start") + 1, pl.col("char_end") + 1)
    assert any("not at its offsets" in e for e in cross_table_errors(tables))


def test_every_article_id_and_place_id_must_resolve(good):
    tables = dict(good)
    tables["locations"] = good["locations"].with_columns(pl.lit("kp-nowhere").alias("place_id"))
    tables["officials"] = good["officials"].with_columns(pl.lit("ffffffffffffffff").alias("article_id"))
    errors = cross_table_errors(tables)
    assert any("locations.place_id" in e for e in errors)
    assert any("officials.article_id" in e for e in errors)


def test_uniqueness_read_from_the_schemas_is_the_primary_keys():
    """An incremental build checks the spliced tables for uniqueness alone, with keys read from the schemas."""
    from dnkdata.schemas import PRIMARY_KEYS, TABLES
    from dnkdata.validate import unique_keys

    assert {name: unique_keys(name) for name in TABLES} == {name: [keys] for name, keys in PRIMARY_KEYS.items()}


def test_unique_errors_name_the_repeated_keys():
    from dnkdata.validate import unique_errors

    rows = pl.DataFrame({"article_id": ["a", "b", "a"], "place_id": ["kp-x", "kp-y", "kp-x"]})
    assert unique_errors("locations", rows.head(2)) == []
    [error] = unique_errors("locations", rows)
    assert error.startswith("locations.article_id+place_id: fails unique in 2 row(s)") and "kp-x" in error
