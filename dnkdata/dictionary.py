"""The data dictionary (docs/data-dictionary.md), generated from the pandera schemas."""

from __future__ import annotations

from pathlib import Path

from dnkdata.describe import describe_table, schema_fingerprint
from dnkdata.schemas import TABLES

DEFAULT_PATH = Path("docs/data-dictionary.md")
HEADER = """# dnkdata data dictionary

Generated from the pandera schemas in `dnkdata/schemas.py` by `dnkdata dictionary`; do not edit by hand
(a test fails when this file is stale). Offsets are Python string indices into `articles.body`.
"""


def render(examples: dict[str, dict[str, str]] | None = None, version: str | None = None) -> str:
    """Markdown for every table; `examples` (table → column → value) adds an example column, as in a release."""
    parts = [HEADER]
    if version:
        parts.append(f"Dataset version: **{version}**\n")
    for table in TABLES:
        parts.append(_table_section(describe_table(table), (examples or {}).get(table)))
    return "\n".join(parts)


def _table_section(info: dict, examples: dict[str, str] | None) -> str:
    lines = [f"## {info['name']}", "", info["description"] or "", "",
             f"- primary key: {', '.join(f'`{c}`' for c in info['primary_key'])}"]
    for fk in info["foreign_keys"]:
        lines.append(f"- foreign key: `{fk['column']}` → `{fk['table']}.{fk['target']}`")
    lines.append(f"- schema fingerprint: `{schema_fingerprint(info['name'])}`")
    for check in info["table_checks"]:
        lines.append(f"- check `{check['name']}`: {check['description']}")
    lines += ["", _column_header(examples is not None)]
    for column in info["columns"]:
        lines.append(_column_row(column, examples))
    return "\n".join(lines) + "\n"


def _column_header(with_examples: bool) -> str:
    head = "| column | type | null | allowed values / checks | description |"
    rule = "| --- | --- | --- | --- | --- |"
    if with_examples:
        head, rule = head + " example |", rule + " --- |"
    return f"{head}\n{rule}"


def _column_row(column: dict, examples: dict[str, str] | None) -> str:
    cells = [f"`{column['name']}`", column["type"], "yes" if column["nullable"] else "no",
             _checks_text(column), (column["description"] or "").replace("|", "\\|")]
    if examples is not None:
        cells.append(_escape(examples.get(column["name"], "")))
    return "| " + " | ".join(cells) + " |"


def _checks_text(column: dict) -> str:
    parts = ["unique"] if column["unique"] else []
    for check in column["checks"]:
        stats = check["statistics"]
        if check["name"] == "isin":
            parts.append("one of: " + ", ".join(f"`{v}`" for v in stats["allowed_values"]))
        elif check["name"] == "str_matches":
            parts.append(f"matches `{stats['pattern']}`")
        elif check["name"] == "greater_than_or_equal_to":
            parts.append(f"≥ {stats['min_value']}")
        elif check["name"] == "less_than_or_equal_to":
            parts.append(f"≤ {stats['max_value']}")
        else:
            parts.append(f"{check['name']} {stats}")
    return _escape("; ".join(parts))


def _escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def write(path: Path = DEFAULT_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(), encoding="utf-8")
    return path
