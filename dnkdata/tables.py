"""Merged stories → the five tables, typed by the schemas and sorted so a rebuild gives the same bytes."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dnkdata import gazetteer
from dnkdata.merge import FILLABLE
from dnkdata.schemas import PRIMARY_KEYS, polars_schema

SORT_KEYS = {
    "articles": ["article_id"],
    "quotes": ["article_id", "char_start", "char_end"],
    "locations": ["article_id", "char_start", "place_id"],
    "officials": ["article_id", "char_start", "kind", "official_id"],
    "places": ["place_id"],
}


def frame(table: str, rows: list[dict]) -> pl.DataFrame:
    """Rows (dicts with at least the table's columns) as a typed frame in contract column order."""
    schema = polars_schema(table)
    data = {name: [row.get(name) for row in rows] for name in schema}
    return pl.DataFrame(data, schema=schema).sort(SORT_KEYS[table])


ROW_TABLES = ("quotes", "locations", "officials")
ARTICLE_EXTRA = {"_key": pl.String, "item": pl.Int64, "merge_keys": pl.List(pl.String),
                 "unresolved_places": pl.List(pl.String)}
ROW_EXTRA = {"_key": pl.String, "_item": pl.Int64}
ROW_EXTRA_BY_TABLE = {"officials": {"group_key": pl.String}}  # what official_id hashes, kept for re-keying
STORY_FIELDS = ("article_id", "has_korean_version", *FILLABLE)  # what merging may change on the primary record


def _typed(rows: list[dict], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame({name: [row.get(name) for row in rows] for name in schema}, schema=schema)


def batch_frames(results: list) -> dict[str, pl.DataFrame]:
    """Capture results (dict rows) → one frame per table, each row tagged with its capture key and item.

    Runs in the worker, so what travels back to the main process (and into the cache) is a few columnar frames
    rather than thousands of small dicts.
    """
    from dnkdata.cache import capture_key

    articles, rows = [], {name: [] for name in ROW_TABLES}
    for result in results:
        key = capture_key(result.source_path, result.sha256)
        for article in result.articles:
            articles.append(article | {"_key": key})
            for name in ROW_TABLES:
                rows[name] += [row | {"_key": key, "_item": article["item"]} for row in article[name]]
    frames = {"articles": _typed(articles, polars_schema("articles") | ARTICLE_EXTRA)}
    for name in ROW_TABLES:
        frames[name] = _typed(rows[name], polars_schema(name) | ROW_EXTRA | ROW_EXTRA_BY_TABLE.get(name, {}))
    return frames


@dataclass
class Collected:
    """Every batch's frames gathered in input order (_capture is the capture's position in the input)."""

    frames: dict[str, pl.DataFrame]

    def records(self) -> list[dict]:
        """Light article records for merging: no body, no rows."""
        return self.frames["articles"].select(
            "_capture", "source_path", "item", "merge_keys", "is_excerpt", "source_format", *STORY_FIELDS,
            body_length=pl.col("body").str.len_chars()).to_dicts()

    def tables(self, merged) -> dict[str, pl.DataFrame]:
        """The five tables: each story's primary record with its merged fields, and that record's rows."""
        stories = _stories_frame(merged.stories)
        articles = (self.frames["articles"].drop(*STORY_FIELDS)
                    .join(stories, on=["_capture", "item"], how="inner"))
        tables = {"articles": _finish("articles", articles)}
        story_ids = stories.select("_capture", pl.col("item").alias("_item"), "article_id", "rekeyed")
        for name in ROW_TABLES:
            rows = self.frames[name].drop("article_id").join(story_ids, on=["_capture", "_item"], how="inner")
            tables[name] = _finish(name, _rekey(name, rows))
        tables["places"] = places_table()
        return tables


def assemble_frames(keys: list[str], batches: list) -> Collected:
    order = pl.DataFrame({"_key": keys, "_capture": range(len(keys))}, schema={"_key": pl.String, "_capture": pl.Int64})
    frames = {}
    for name in ("articles", *ROW_TABLES):
        parts = [b.frames[name] for b in batches if b.frames[name].height]
        df = pl.concat(parts) if parts else batches[0].frames[name].clear() if batches else None
        if df is None:
            df = pl.DataFrame(schema=polars_schema(name) | (ARTICLE_EXTRA if name == "articles" else ROW_EXTRA)
                              | ROW_EXTRA_BY_TABLE.get(name, {}))
        frames[name] = df.join(order, on="_key", how="inner").drop("_key")
    frames["articles"] = frames["articles"].sort("_capture", "item")
    return Collected(frames)


def _stories_frame(stories: list[dict]) -> pl.DataFrame:
    schema = {"_capture": pl.Int64, "item": pl.Int64, "rekeyed": pl.Boolean}
    schema |= {name: polars_schema("articles")[name] for name in STORY_FIELDS}
    return _typed(stories, schema)


def _rekey(name: str, rows: pl.DataFrame) -> pl.DataFrame:
    """Rows of a story whose id changed in merging get ids made from the new article_id."""
    from dnkdata.merge import rekeyed_official_ids, rekeyed_quote_ids

    moved = rows.filter("rekeyed")
    if not moved.height or name == "locations":
        return rows
    if name == "quotes":
        ids = rekeyed_quote_ids(moved["article_id"].to_list(), moved["char_start"].to_list(),
                                moved["char_end"].to_list())
        moved = moved.with_columns(quote_id=pl.Series(ids, dtype=pl.String))
    else:
        ids = rekeyed_official_ids(moved["article_id"].to_list(), moved["kind"].to_list(),
                                   moved["group_key"].to_list())
        moved = moved.with_columns(official_id=pl.Series(ids, dtype=pl.String))
    return pl.concat([rows.filter(~pl.col("rekeyed")), moved])


def _finish(table: str, df: pl.DataFrame) -> pl.DataFrame:
    return df.select(list(polars_schema(table))).sort(SORT_KEYS[table], maintain_order=True)


def places_table() -> pl.DataFrame:
    rows = [{"place_id": p.place_id, "name": p.name, "level": p.level, "province": p.province,
             "country_code": p.country_code, "iso_3166_2": p.iso_3166_2, "lat": p.lat, "lon": p.lon,
             "name_variants": sorted(gazetteer.spellings(p) - {p.name}), "name_hangul": p.name_hangul}
            for p in gazetteer.places()]
    return frame("places", rows)


def empty(table: str) -> pl.DataFrame:
    return pl.DataFrame(schema=polars_schema(table))


__all__ = ["assemble_frames", "batch_frames", "frame", "places_table", "empty", "PRIMARY_KEYS"]
