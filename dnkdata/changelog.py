"""What changed between two releases: articles added, removed and changed, row and column deltas, removed ids.

Both sides are read from Parquet, so their dtypes agree and a row hash compares like with like. Only columns
present in both releases are compared, so an added column is reported once (as a column), not as every
article changing.
"""

from __future__ import annotations

import polars as pl

from dnkdata.schemas import PRIMARY_KEYS

ARTICLE_TABLES = ("articles", "quotes", "locations", "officials")  # tables whose rows belong to one article
KEY_SEPARATOR = "/"  # joins a composite primary key (locations: article_id/place_id) in removed.parquet


def diff(previous: dict[str, pl.DataFrame], current: dict[str, pl.DataFrame]) -> dict:
    """A JSON-able summary (ids sorted) plus, under "removed", the frame written to removed.parquet."""
    before, after = _article_signatures(previous, current), _article_signatures(current, previous)
    old_ids, new_ids = set(before["article_id"]), set(after["article_id"])
    joined = before.join(after, on="article_id", suffix="_new")
    return {
        "articles_added": sorted(new_ids - old_ids),
        "articles_removed": sorted(old_ids - new_ids),
        "articles_changed": sorted(joined.filter(pl.col("sig") != pl.col("sig_new"))["article_id"]),
        "rows": {name: {"previous": previous[name].height if name in previous else 0,
                        "current": current[name].height if name in current else 0}
                 for name in sorted(set(previous) | set(current))},
        "columns_added": _columns(current, previous),
        "columns_removed": _columns(previous, current),
        "removed": removed_ids(previous, current),
    }


def _article_signatures(tables: dict[str, pl.DataFrame], other: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """article_id → one hash over its article row and every row of its quotes, locations and officials."""
    parts = []
    for name in ARTICLE_TABLES:
        if name not in tables or name not in other:
            continue
        shared = [c for c in tables[name].columns if c in other[name].columns]
        parts.append(tables[name].select("article_id", pl.struct([pl.lit(name).alias("_table"), *shared])
                                         .hash().alias("row")))
    rows = pl.concat(parts)
    return rows.group_by("article_id").agg(pl.col("row").sort()).select("article_id", sig=pl.col("row").hash())


def _columns(left: dict[str, pl.DataFrame], right: dict[str, pl.DataFrame]) -> list[str]:
    """table.column present in left but not in right (a table missing from right counts whole)."""
    found = []
    for name, df in left.items():
        found += [f"{name}.{c}" for c in df.columns if name not in right or c not in right[name].columns]
    return sorted(found)


def removed_ids(previous: dict[str, pl.DataFrame], current: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Every primary key in the previous release that is not in this one: (table, id), sorted."""
    frames = [pl.DataFrame(schema={"table": pl.String, "id": pl.String})]
    for name, key in PRIMARY_KEYS.items():
        if name not in previous:
            continue
        gone = previous[name].select(key)
        if name in current:
            gone = gone.join(current[name].select(key), on=key, how="anti")
        frames.append(gone.select(table=pl.lit(name), id=pl.concat_str(key, separator=KEY_SEPARATOR)))
    return pl.concat(frames).sort("table", "id")


def entry(version: str, date: str, profile: str, previous_version: str | None, changes: dict | None,
          rows: dict[str, int]) -> str:
    """The CHANGELOG section for one release, in Markdown."""
    head = [f"## v{version} — {date}", "", f"Profile: {profile}."]
    if changes is None:
        counts = ", ".join(f"{n} {name}" for name, n in rows.items())
        return "\n".join([*head, "", f"First release: {counts}.", ""])
    c = changes
    lines = [*head, "", f"Compared with v{previous_version}:", "",
             f"- articles: {len(c['articles_added'])} added, {len(c['articles_removed'])} removed, "
             f"{len(c['articles_changed'])} changed",
             "- rows: " + "; ".join(_delta(name, r) for name, r in c["rows"].items()),
             f"- columns added: {_listing(c['columns_added'])}",
             f"- columns removed: {_listing(c['columns_removed'])}",
             f"- ids that left (in removed.parquet): {c['removed_count']}"]
    for label, key in (("Added", "articles_added"), ("Removed", "articles_removed"), ("Changed", "articles_changed")):
        if c[key]:
            lines += ["", f"{label} articles: " + ", ".join(f"`{i}`" for i in c[key])]
    return "\n".join(lines) + "\n"


def _delta(name: str, rows: dict) -> str:
    change = rows["current"] - rows["previous"]
    return f"{name} {rows['previous']} → {rows['current']} ({change:+d})"


def _listing(items: list[str]) -> str:
    return ", ".join(f"`{i}`" for i in items) if items else "none"
