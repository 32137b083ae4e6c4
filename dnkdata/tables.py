"""Merged stories → the tables, typed by the schemas and sorted so a rebuild gives the same bytes."""

from __future__ import annotations

import polars as pl

from dnkdata import gazetteer
from dnkdata.schemas import PRIMARY_KEYS, polars_schema

SORT_KEYS = {
    "articles": ["article_id"],
    "quotes": ["article_id", "char_start", "char_end"],
    "locations": ["article_id", "char_start", "place_id"],
    "officials": ["article_id", "char_start", "kind", "official_id"],
    "places": ["place_id"],
    "prices": ["article_id", "char_start", "char_end"],
}


def frame(table: str, rows: list[dict]) -> pl.DataFrame:
    """Rows (dicts with at least the table's columns) as a typed frame in contract column order."""
    schema = polars_schema(table)
    data = {name: [row.get(name) for row in rows] for name in schema}
    return pl.DataFrame(data, schema=schema).sort(SORT_KEYS[table])


def assemble_tables(stories: list[dict]) -> dict[str, pl.DataFrame]:
    return {
        "articles": frame("articles", stories),
        "quotes": frame("quotes", [row for s in stories for row in s["quotes"]]),
        "locations": frame("locations", [row for s in stories for row in s["locations"]]),
        "officials": frame("officials", [row for s in stories for row in s["officials"]]),
        "places": places_table(),
        "prices": frame("prices", [row for s in stories for row in s.get("prices", [])]),
    }


def places_table() -> pl.DataFrame:
    rows = [{"place_id": p.place_id, "name": p.name, "level": p.level, "province": p.province,
             "country_code": p.country_code, "iso_3166_2": p.iso_3166_2, "lat": p.lat, "lon": p.lon,
             "name_variants": sorted(gazetteer.spellings(p) - {p.name}), "name_hangul": p.name_hangul}
            for p in gazetteer.places()]
    return frame("places", rows)


def empty(table: str) -> pl.DataFrame:
    return pl.DataFrame(schema=polars_schema(table))


__all__ = ["assemble_tables", "frame", "places_table", "empty", "PRIMARY_KEYS"]
