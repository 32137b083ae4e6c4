"""A canonical, JSON-able description of each table's schema, read from the pandera models.

It drives the data dictionary, datapackage.json, Parquet field metadata and the schema fingerprint (which
must change whenever a column, type, nullability or check changes — pandera's to_json omits custom checks).
"""

from __future__ import annotations

import hashlib
import json

from dnkdata.schemas import FOREIGN_KEYS, PRIMARY_KEYS, TABLES


def describe_table(table: str) -> dict:
    model = TABLES[table]
    schema = model.to_schema()
    columns = []
    for name, column in schema.columns.items():
        columns.append({
            "name": name,
            "type": str(column.dtype),
            "nullable": bool(column.nullable),
            "unique": bool(column.unique),
            "title": column.title,
            "description": column.description,
            "checks": [{"name": c.name, "statistics": _plain(c.statistics)} for c in column.checks],
        })
    return {
        "name": table,
        "description": schema.description,
        "primary_key": PRIMARY_KEYS[table],
        "foreign_keys": [{"column": c, "table": t, "target": tc} for c, t, tc in FOREIGN_KEYS.get(table, [])],
        "columns": columns,
        "table_checks": [{"name": c.name, "description": (getattr(c, "description", None) or "").strip()}
                         for c in schema.checks],
    }


def _plain(value):
    """Check statistics as JSON-able values (sets and tuples become sorted lists)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def schema_fingerprint(table: str) -> str:
    text = json.dumps(describe_table(table), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
