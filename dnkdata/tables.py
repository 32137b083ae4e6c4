"""Merged stories → the tables, typed by the schemas and sorted so a rebuild gives the same bytes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from itertools import accumulate

import polars as pl
import pyarrow as pa

from dnkdata import gazetteer
from dnkdata.merge import FILLABLE
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


ROW_TABLES = ("quotes", "locations", "officials", "prices")
LOAD_BUDGET = 200 * 2**20  # bytes of a row table's rows loaded at once (see row_table)
EXPANSION = 7  # a table's rows in memory ÷ its zstd Arrow segment files: measured 6 (locations) to 9 (quotes)
ARTICLE_EXTRA = {"_slot": pl.Int32, "item": pl.Int64, "merge_keys": pl.List(pl.String)}
ROW_EXTRA = {"_slot": pl.Int32, "_item": pl.Int64}
UNRESOLVED = "unresolved"  # a frame of extracted rows beside the row tables: each article's unresolved spellings
UNRESOLVED_SCHEMA = ROW_EXTRA | {"unresolved_places": pl.List(pl.String)}
ROW_EXTRA_BY_TABLE = {"officials": {"group_key": pl.String}}  # what official_id hashes, kept for re-keying
ID_COLUMNS = {"quotes": "quote_id", "officials": "official_id", "prices": "price_id"}  # ids made from article_id
REKEY_INPUTS = {"quotes": ("quote_id", "char_start", "char_end"), "officials": ("official_id", "kind", "group_key"),
                "prices": ("price_id", "char_start", "char_end")}
# what merging may change or add on the primary record
STORY_FIELDS = ("article_id", "has_korean_version", "capture_paths", *FILLABLE)


def _typed(rows: list[dict], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return typed_columns({name: [row.get(name) for row in rows] for name in schema}, schema)


def typed_columns(columns: dict[str, list], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Python lists, one per column of schema, as a frame; list columns are built from one flat array."""
    return pl.DataFrame([_column(name, columns[name], dtype) for name, dtype in schema.items()])


def _column(name: str, values: list, dtype: pl.DataType) -> pl.Series:
    if dtype == pl.List(pl.String):
        return _string_lists(name, values)
    return pl.Series(name, values, dtype=dtype)


def _string_lists(name: str, values: list[list[str] | None]) -> pl.Series:
    """A List(String) column built from one flat array and offsets: polars builds one from Python lists of
    lists with about 3 KiB of memory per row that it does not give back (350 MiB for 100,000 stories)."""
    offsets = list(accumulate((len(v) if v is not None else 0 for v in values), initial=0))
    mask = pa.array([v is None for v in values]) if any(v is None for v in values) else None
    flat = pa.array([item for v in values if v is not None for item in v], type=pa.large_string())
    lists = pa.LargeListArray.from_arrays(pa.array(offsets, type=pa.int64()), flat, mask=mask)
    return pl.Series(name, lists).cast(pl.List(pl.String))


def article_frames(results: list) -> dict[str, pl.DataFrame]:
    """Capture results of the first pass → their article records as one frame, each tagged with its capture's
    position in the batch (_slot) and its item.

    Runs in the worker, so what travels back to the main process (and into the cache) is a columnar frame
    rather than thousands of small dicts.
    """
    articles = [article | {"_slot": slot} for slot, result in enumerate(results) for article in result.articles]
    return {"articles": _typed(articles, _segment_schema("articles"))}


def row_frames(extracted: list[list[dict]]) -> dict[str, pl.DataFrame]:
    """What the second pass extracted from a batch of captures (per capture, its articles' results, each with the
    article's item) → one frame per row table and one of unresolved spellings, each row tagged with its capture's
    position in the batch (_slot) and its article's item (_item)."""
    rows = {name: [] for name in ROW_TABLES}
    tags = {name: {"_slot": [], "_item": []} for name in (*ROW_TABLES, UNRESOLVED)}  # apart: copying rows costs
    unresolved = []
    for slot, articles in enumerate(extracted):
        for article in articles:
            for name in ROW_TABLES:
                rows[name] += article[name]
                tags[name]["_slot"] += [slot] * len(article[name])
                tags[name]["_item"] += [article["item"]] * len(article[name])
            unresolved.append(article["unresolved_places"])
            tags[UNRESOLVED]["_slot"].append(slot)
            tags[UNRESOLVED]["_item"].append(article["item"])
    frames = {}
    for name in ROW_TABLES:
        schema = _segment_schema(name)
        untagged = _typed(rows[name], {column: dtype for column, dtype in schema.items() if column not in ROW_EXTRA})
        frames[name] = untagged.with_columns(_tag_columns(tags[name])).select(list(schema))
    frames[UNRESOLVED] = typed_columns(tags[UNRESOLVED] | {"unresolved_places": unresolved}, UNRESOLVED_SCHEMA)
    return frames


def _tag_columns(tags: dict[str, list[int]]) -> list[pl.Series]:
    return [pl.Series(column, values, dtype=ROW_EXTRA[column]) for column, values in tags.items()]


class Assembly:
    """The tables, one at a time, from the frames the segments hold (each row tagged with _capture, its
    capture's input position): only one table's rows are gathered at once, so memory stays bounded.

    A capture's rows are taken from the first segment holding it; captures of a segment that are not among the
    inputs (a cache segment can hold more) are dropped, as are those whose key is None (not needed here).
    """

    def __init__(self, store, keys: list[str | None], segments: list, workers: int = 2):
        positions: dict[str, list[int]] = {}
        for index, key in enumerate(keys):
            if key is not None:
                positions.setdefault(key, []).append(index)
        owner: dict[str, str] = {}
        for segment in segments:
            for capture in segment.captures:
                owner.setdefault(capture["key"], segment.name)
        self.store, self.workers = store, max(1, workers)
        self.slots = [(segment.name, [positions.get(c["key"], []) if owner[c["key"]] == segment.name else []
                                      for c in segment.captures]) for segment in segments]

    def parts_needed(self, table: str) -> int:
        """In how many parts to load a table so each holds about LOAD_BUDGET bytes or less (judged by the size of
        its segment files, which are compressed about EXPANSION times)."""
        stored = sum(self.store.frame_bytes(name, table) for name, _ in self.slots)
        return max(1, min(len(polars_schema(table)), -(-stored * EXPANSION // LOAD_BUDGET)))

    def gathered(self, table: str, columns: list[str] | None = None) -> pl.DataFrame:
        """Every segment's frame of one table (only the named columns, if given), tagged with _capture, in one
        frame. The rows come in the same order whichever columns are asked for."""
        # _capture is made from _slot, which the files hold
        stored = None if columns is None else list(dict.fromkeys([*(c for c in columns if c != "_capture"), "_slot"]))

        def load(slot):
            name, positions = slot
            wanted = {index for index, p in enumerate(positions) if p}
            partial = 2 * len(wanted) < len(positions)  # an incremental build needs a few captures of a segment
            frame = _with_capture(self.store.load_frame(name, table, wanted if partial else None, stored), positions)
            return frame if columns is None else frame.select(columns)

        with ThreadPoolExecutor(max_workers=self.workers) as threads:
            parts = [p for p in threads.map(load, self.slots) if p.height]
        if parts:
            return pl.concat(parts)
        empty = _with_capture(pl.DataFrame(schema=_segment_schema(table)), [])
        return empty if columns is None else empty.select(columns)


def _segment_schema(table: str) -> dict[str, pl.DataType]:
    """The columns of a table's frames in the segments: the contract's, and what assembling needs."""
    if table == UNRESOLVED:
        return UNRESOLVED_SCHEMA
    extra = ARTICLE_EXTRA if table == "articles" else ROW_EXTRA
    return polars_schema(table) | extra | ROW_EXTRA_BY_TABLE.get(table, {})


def unresolved_by_record(gathered: pl.DataFrame) -> dict[tuple[int, int], list[str]]:
    """(capture, item) → the place spellings no context settled in that article, from a gathered UNRESOLVED frame
    (for the report)."""
    return {(capture, item): spellings for capture, item, spellings
            in gathered.select("_capture", "_item", "unresolved_places").iter_rows()}


def merge_records(gathered: pl.DataFrame) -> list[dict]:
    """Light article records for merging, in input order: no body, no rows."""
    return gathered.select(
        "_capture", "source_path", "item", "merge_keys", "is_excerpt", "source_format",
        *STORY_FIELDS, body_length=pl.col("body").str.len_chars()).sort("_capture", "item").to_dicts()


def story_ids(stories: pl.DataFrame) -> pl.DataFrame:
    """(capture, item) of each story's primary record → the story's id, for picking the row tables' rows."""
    return stories.select("_capture", pl.col("item").alias("_item"), "article_id", "rekeyed")


def articles_table(gathered: pl.DataFrame, stories: pl.DataFrame) -> pl.DataFrame:
    """Primary records in article_id order: the order is worked out on light columns, then the other columns
    are gathered one at a time. `gathered` is used up: its columns are taken out as they are gathered."""
    order = (gathered.select("_capture", "item").with_row_index("_row")
             .join(stories, on=["_capture", "item"], how="inner").sort("article_id"))
    kept = [c for c in polars_schema("articles") if c not in STORY_FIELDS]
    picked = _gather_columns(gathered, kept, order["_row"])
    return picked.hstack(order.select(*STORY_FIELDS).get_columns()).select(list(polars_schema("articles")))


def _gather_columns(df: pl.DataFrame, names: list[str], rows: pl.Series) -> pl.DataFrame:
    """The named columns of df at `rows`, one column at a time. Each column is taken out of df (df loses it, for
    every holder) so its memory goes as soon as it is gathered: a table is never held twice."""
    return pl.DataFrame([df.drop_in_place(name).gather(rows) for name in names])


def row_table(name: str, assembly: Assembly, ids: pl.DataFrame) -> pl.DataFrame:
    """The rows of primary records, with the story's id, in table order: ordered on light columns, then gathered
    a column at a time. A table larger than LOAD_BUDGET is loaded in parts (the light columns, then groups of
    the others), so it is never held twice over; each read of the segments decodes only the columns asked for."""
    id_column = ID_COLUMNS.get(name)
    light = list(dict.fromkeys(["_capture", "_item", *[c for c in SORT_KEYS[name] if c != "article_id"],
                                *REKEY_INPUTS.get(name, ())]))
    replaced = ["article_id", *([id_column] if id_column else [])]
    rest = [column for column in polars_schema(name) if column not in replaced]
    parts = assembly.parts_needed(name)
    rows = assembly.gathered(name) if parts == 1 else None
    order = ((rows.select(light) if rows is not None else assembly.gathered(name, light)).with_row_index("_row")
             .join(ids, on=["_capture", "_item"], how="inner"))
    if id_column:
        order = order.with_columns(_new_id=_new_ids(name, order)).with_columns(
            pl.coalesce("_new_id", id_column).alias(id_column))
    order = order.sort(SORT_KEYS[name], maintain_order=True).select("_row", *replaced)
    picked = []
    for group in (rest[i::parts] for i in range(parts)):
        loaded = rows if rows is not None else assembly.gathered(name, group)
        picked += _gather_columns(loaded, group, order["_row"]).get_columns()
        del loaded
    del rows
    columns = {s.name: s for s in picked}
    return pl.DataFrame([columns[c] for c in rest]).hstack(order.select(replaced).get_columns()).select(
        list(polars_schema(name)))


def spliced(name: str, path, touched: pl.Series, redone: pl.DataFrame) -> pl.DataFrame:
    """The table written at path (by the last build) without the touched stories' rows, plus the redone rows, in
    table order. Both are sorted and share no story, so the result is runs of the old table with each redone
    article's rows put in at its place by article_id: slices joined column by column, no sort."""
    columns = list(polars_schema(name))
    old = pl.read_parquet(path, columns=columns).cast(polars_schema(name))
    pieces = _splice_plan(old["article_id"], touched, redone["article_id"])
    joined = []
    for column in columns:
        parts = {"old": old.drop_in_place(column), "new": redone[column]}  # the old column goes once joined
        joined.append(pl.concat([parts[side].slice(start, length) for side, start, length in pieces], rechunk=True))
    return pl.DataFrame(joined)


def _splice_plan(old_ids: pl.Series, touched: pl.Series, new_ids: pl.Series) -> list[tuple[str, int, int]]:
    """(side, start, length) slices that make the spliced table, in order: the old rows (sorted by article_id)
    whose article is not touched, with the new rows (sorted too) of each article inserted before the first old
    row with a greater article_id."""
    touched = touched.unique().sort()
    dropped = zip(old_ids.search_sorted(touched, side="left").to_list(),
                  old_ids.search_sorted(touched, side="right").to_list())
    articles = new_ids.unique(maintain_order=True)  # new_ids is sorted: so are these
    starts = [*new_ids.search_sorted(articles, side="left").to_list(), new_ids.len()]
    inserted = old_ids.search_sorted(articles, side="left").to_list()
    # at one position, an insertion goes before a dropped run (a redone story keeping its id replaces itself)
    events = sorted([(at, 1, end) for at, end in dropped if end > at]
                    + [(at, 0, i) for i, at in enumerate(inserted)])
    pieces, position = [], 0
    for at, kind, value in events:
        if at > position:
            pieces.append(("old", position, at - position))
            position = at
        if kind == 1:
            position = max(position, value)
        else:
            pieces.append(("new", starts[value], starts[value + 1] - starts[value]))
    if position < old_ids.len():
        pieces.append(("old", position, old_ids.len() - position))
    return pieces or [("old", 0, 0)]


def _with_capture(df: pl.DataFrame, slot_positions: list[list[int]]) -> pl.DataFrame:
    """Replace _slot (position in the batch) by _capture (position in the inputs)."""
    if all(len(p) <= 1 for p in slot_positions):
        lookup = pl.Series([p[0] if p else None for p in slot_positions], dtype=pl.Int64)
        tagged = df.with_columns(_capture=lookup.gather(df["_slot"])).drop("_slot")
        # dropping rows copies every column: only when some captures of the segment are not wanted
        return tagged.drop_nulls("_capture") if not all(slot_positions) else tagged
    # one file given twice (same path and bytes under two inputs): a row for each time it was given
    pairs = [(slot, index) for slot, indexes in enumerate(slot_positions) for index in indexes]
    order = pl.DataFrame(pairs, schema={"_slot": pl.Int32, "_capture": pl.Int64}, orient="row")
    return df.join(order, on="_slot", how="inner").drop("_slot")


def stories_frame(stories: list[dict]) -> pl.DataFrame:
    schema = {"_capture": pl.Int64, "item": pl.Int64, "rekeyed": pl.Boolean}
    schema |= {name: polars_schema("articles")[name] for name in STORY_FIELDS}
    return _typed(stories, schema)


def _new_ids(name: str, order: pl.DataFrame) -> pl.Series:
    """For rows of a story whose id changed in merging, ids made from the new article_id; null elsewhere."""
    from dnkdata.merge import rekeyed_official_ids, rekeyed_price_ids, rekeyed_quote_ids

    new = pl.Series("_new_id", [None] * order.height, dtype=pl.String)
    moved = order.with_row_index("_i").filter("rekeyed")
    if not moved.height:
        return new
    if name in ("quotes", "prices"):
        rekey = rekeyed_quote_ids if name == "quotes" else rekeyed_price_ids
        ids = rekey(moved["article_id"].to_list(), moved["char_start"].to_list(), moved["char_end"].to_list())
    else:
        ids = rekeyed_official_ids(moved["article_id"].to_list(), moved["kind"].to_list(),
                                   moved["group_key"].to_list())
    return new.scatter(moved["_i"], pl.Series(ids, dtype=pl.String))


SITE_COLUMNS = ["place_id", "name", "level", "province", "country_code", "iso_3166_2", "lat", "lon"]


def places_table(locations: pl.DataFrame) -> pl.DataFrame:
    """The gazetteer's places, then the named sites the locations rows name that it does not list ("Sinuiju
    Station"), by place_id. locations: those rows (SITE_COLUMNS at least)."""
    rows = [{"place_id": p.place_id, "name": p.name, "level": p.level, "province": p.province,
             "country_code": p.country_code, "iso_3166_2": p.iso_3166_2, "lat": p.lat, "lon": p.lon,
             "name_variants": sorted(gazetteer.spellings(p) - {p.name}), "name_hangul": p.name_hangul}
            for p in gazetteer.places()]
    if locations.height:
        listed = pl.Series([row["place_id"] for row in rows]).implode()
        sites = (locations.select(SITE_COLUMNS)
                 .filter((pl.col("level") == "site") & ~pl.col("place_id").is_in(listed))
                 .unique("place_id").sort("place_id"))
        rows += [site | {"name_variants": [], "name_hangul": None} for site in sites.iter_rows(named=True)]
    return frame("places", rows)


__all__ = ["Assembly", "articles_table", "article_frames", "row_frames", "frame", "places_table", "row_table",
           "PRIMARY_KEYS"]
