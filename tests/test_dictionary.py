"""docs/data-dictionary.md is the generator's output for the current schemas, covering every column."""

from __future__ import annotations

from dnkdata import dictionary
from dnkdata.schemas import TABLES
from tests.conftest import ROOT


def test_committed_dictionary_is_current():
    committed = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == dictionary.render(), "docs/data-dictionary.md is stale: run `dnkdata dictionary`"


def test_every_column_is_documented():
    text = dictionary.render()
    for table, model in TABLES.items():
        assert f"## {table}" in text
        for name, column in model.to_schema().columns.items():
            assert f"| `{name}` |" in text and column.description, (table, name)
