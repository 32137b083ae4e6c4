"""datapackage.json: a Frictionless Data Package (v2) whose Table Schemas are read from the schema descriptions.

Each table is a resource with its Parquet file, size and sha256, and a Table Schema with field types,
constraints (required, unique, enum, pattern, minimum, maximum), primaryKey and foreignKeys.
"""

from __future__ import annotations

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
# polars dtype (as pandera prints it) → Table Schema field type
FIELD_TYPES = {"String": "string", "Int64": "integer", "Int32": "integer", "Float64": "number",
               "Boolean": "boolean", "Date": "date"}
CHECK_CONSTRAINTS = {"isin": ("enum", "allowed_values"), "str_matches": ("pattern", "pattern"),
                     "greater_than_or_equal_to": ("minimum", "min_value"),
                     "less_than_or_equal_to": ("maximum", "max_value")}


def datapackage(descriptions: dict[str, dict], files: dict[str, dict], *, version: str, date: str,
                meta: dict, title: str) -> dict:
    """The descriptor; `files` maps a file name to its {"bytes", "sha256"}."""
    return {
        "$schema": PROFILE,
        "name": "dnkdata-daily-nk",
        "title": title,
        "description": meta["description"],
        "version": version,
        "created": f"{date}T00:00:00Z",
        "licenses": [{"name": meta["license"], "path": f"https://spdx.org/licenses/{meta['license']}.html"}],
        "contributors": [{"title": name, "roles": ["creator"]} for name in meta["authors"]],
        "keywords": ["North Korea", "Daily NK", "news", "quotes"],
        "resources": [resource(info, files[f"{name}.parquet"]) for name, info in descriptions.items()],
    }


def resource(info: dict, file: dict) -> dict:
    name = info["name"]
    return {
        "name": name,
        "type": "table",
        "path": f"{name}.parquet",
        "format": "parquet",
        "mediatype": PARQUET_MEDIATYPE,
        "bytes": file["bytes"],
        "hash": f"sha256:{file['sha256']}",
        "description": info["description"] or "",
        "schema": table_schema(info),
    }


def table_schema(info: dict) -> dict:
    schema = {"fields": [field(column) for column in info["columns"]], "primaryKey": info["primary_key"]}
    if info["foreign_keys"]:
        schema["foreignKeys"] = [{"fields": [fk["column"]],
                                  "reference": {"resource": fk["table"], "fields": [fk["target"]]}}
                                 for fk in info["foreign_keys"]]
    return schema


def field(column: dict) -> dict:
    result = {"name": column["name"], **field_type(column["type"])}
    if column["title"]:
        result["title"] = column["title"]
    if column["description"]:
        result["description"] = column["description"]
    result["constraints"] = constraints(column)
    return result


def field_type(dtype: str) -> dict:
    if dtype in FIELD_TYPES:
        return {"type": FIELD_TYPES[dtype]}
    if dtype.startswith("Datetime("):
        return {"type": "datetime"}
    if dtype.startswith("List(") and dtype.endswith(")"):
        return {"type": "array"}  # Parquet lists arrive as arrays; Table Schema "list" means a delimited string
    raise ValueError(f"no Table Schema type for the column type {dtype}: add it to datapackage.FIELD_TYPES")


def constraints(column: dict) -> dict:
    result = {"required": not column["nullable"]}
    if column["unique"]:
        result["unique"] = True
    for check in column["checks"]:
        if check["name"] in CHECK_CONSTRAINTS:
            key, statistic = CHECK_CONSTRAINTS[check["name"]]
            result[key] = check["statistics"][statistic]
    return result
