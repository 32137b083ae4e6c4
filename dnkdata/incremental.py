"""Incremental rebuilds: after captures are added to (or removed from) the inputs of a build, redo only the
stories they touch and splice them into the tables the last build of the same output wrote.

After each build the cache keeps, beside the per-capture results, the build's *state*: every input's key, every
article record's merge keys and story, every story's ids, and the sha256 of every file written. The next build
of the same output, with the same code and gazetteer, reuses that output when the files are still the ones
written:

1. A story is *touched* when a new capture's record shares a merge key with it, or one of its captures is gone.
   Every capture with a record in a touched story is redone, and every story of those captures is touched in
   turn, until nothing changes. The records redone are then whole stories, so grouping them alone gives the same
   stories as grouping every record.
2. The redone captures are merged (one story, one row) exactly as in a full build; their stories' rows replace
   the touched stories' rows of the old tables (`tables.spliced`). The new rows are validated against the full
   schemas, their references and offsets against the whole articles table, and every table for its unique
   keys; the rows kept passed the same schemas in the build whose files the sha256 check proves unchanged.
3. Report entries of captures not redone are taken from the old report (nothing about them changed).

An id clash between a redone story and one kept (the rare case `merge._keep_ids_distinct` settles) or anything
else the state cannot vouch for makes the build a full one, and the report says why. Either way the tables are
byte for byte those of a clean build (tests/test_incremental.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dnkdata.cache import capture_key, file_sha256

STATE_FORMAT = 1
STATE_PARTS = ("captures", "records", "stories")
RECORD_SCHEMA = {"key": pl.String, "item": pl.Int64, "merge_keys": pl.List(pl.String), "article_id": pl.String,
                 "unresolved_places": pl.List(pl.String)}
STORY_SCHEMA = {"article_id": pl.String, "provisional_id": pl.String, "merged_id": pl.String}


@dataclass
class BuildState:
    """What a build leaves for the next build of the same output."""

    captures: pl.DataFrame  # key: every input's capture key, in input order
    records: pl.DataFrame  # one row per article record read (RECORD_SCHEMA); article_id is its story's
    stories: pl.DataFrame  # one row per story (STORY_SCHEMA): final id, id of its primary capture, id after filling
    files: dict[str, str] | None = None  # output file name → sha256, once written


@dataclass
class Plan:
    """What an incremental build redoes: the captures (input order) and the old stories they replace."""

    redo: list[str]
    touched: pl.Series  # article ids of old stories whose rows are dropped
    removed: set[str]

    @property
    def replaced(self) -> list[str]:
        """Keys of the captures whose old records go: removed or redone."""
        return list(self.removed | set(self.redo))


def state_frames(keys: list[str], records: list[dict], merged, unresolved: dict[tuple[int, int], list[str]]
                 ) -> BuildState:
    """The state of a build from its merge records (dicts with _capture and item), the merge outcome and the
    unresolved place spellings of the stories' primary records, by (capture, item)."""
    from dnkdata.tables import typed_columns

    columns = {"key": [keys[r["_capture"]] for r in records], "item": [r["item"] for r in records],
               "merge_keys": [r["merge_keys"] for r in records],
               "article_id": [merged.story_of[(r["_capture"], r["item"])]["article_id"] for r in records],
               "unresolved_places": [unresolved.get((r["_capture"], r["item"]), []) for r in records]}
    stories = {name: [story[name] for story in merged.stories] for name in STORY_SCHEMA}
    return BuildState(pl.DataFrame({"key": keys}, schema={"key": pl.String}),
                      typed_columns(columns, RECORD_SCHEMA), typed_columns(stories, STORY_SCHEMA))


def _state_meta(folder: Path, out: Path) -> Path:
    """The state of one output folder lives in the cache's version folder, named by the output's path."""
    digest = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]
    return folder / "outputs" / f"{digest}.json"


def save_state(folder: Path, out: Path, state: BuildState) -> None:
    """Write the state's frames, then the small file naming them (atomically), then drop the previous frames."""
    meta_path = _state_meta(folder, out)
    meta_path.parent.mkdir(parents=True, exist_ok=True)
    tag = uuid.uuid4().hex[:12]
    parts = {}
    for part in STATE_PARTS:
        parts[part] = f"{meta_path.stem}.{tag}.{part}.arrow"
        getattr(state, part).write_ipc(meta_path.parent / parts[part], compression="uncompressed")  # quicker
    meta = {"format": STATE_FORMAT, "out": str(out.resolve()), "files": state.files, "parts": parts}
    tmp = meta_path.with_name(f".{meta_path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(meta, indent=1), encoding="utf-8")
    os.replace(tmp, meta_path)
    for stale in meta_path.parent.glob(f"{meta_path.stem}.*.arrow"):  # the last build's, or a crashed save's
        if stale.name not in parts.values():
            stale.unlink(missing_ok=True)
    _forget_removed_outputs(meta_path.parent)


def _forget_removed_outputs(folder: Path) -> None:
    """Drop the states of output folders that no longer exist (test runs, renamed outputs)."""
    for meta_path in folder.glob("*.json"):
        meta = _read_meta(meta_path)
        if meta is not None and Path(meta["out"]).exists():
            continue
        meta_path.unlink(missing_ok=True)
        for part in folder.glob(f"{meta_path.stem}.*.arrow"):
            part.unlink(missing_ok=True)


def _read_meta(path: Path) -> dict | None:
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) and meta.get("format") == STATE_FORMAT else None


def load_state(folder: Path, out: Path) -> BuildState | str:
    """The state of the last build of out, or why there is none to rely on."""
    meta_path = _state_meta(folder, out)
    meta = _read_meta(meta_path)
    if meta is None or meta.get("out") != str(out.resolve()):
        return "no earlier build of this output with this code and gazetteer is in the cache"
    for name, digest in (meta.get("files") or {}).items():
        if file_sha256(out / name) != digest:  # "" for a file that is gone
            return f"{out / name} is not the file the earlier build wrote"
    try:
        frames = [pl.read_ipc(meta_path.parent / meta["parts"][part]) for part in STATE_PARTS]
    except (OSError, KeyError, pl.exceptions.PolarsError):
        return "the cache's record of the earlier build is incomplete"
    return BuildState(*frames, files=meta["files"])


def plan_update(state: BuildState, keys: list[str], new_merge_keys: pl.Series, cached: set[str] | dict) -> Plan | str:
    """Which captures to redo, given the inputs' keys (input order) and the merge keys of the new captures'
    records; or why the earlier build cannot be reused."""
    if len(set(keys)) != len(keys):
        return "a file is given more than once"
    old = set(state.captures["key"].to_list())
    current = set(keys)
    removed = old - current
    records = state.records
    shares_key = records.select("article_id", "merge_keys").explode("merge_keys").filter(
        pl.col("merge_keys").is_in(new_merge_keys.implode()))["article_id"]
    touched = pl.concat([shares_key, records.filter(pl.col("key").is_in(list(removed)))["article_id"]]).unique()
    while True:  # every story of a redone capture is redone: a capture's entry speaks for all its records
        redone = records.filter(pl.col("article_id").is_in(touched.implode()))["key"].unique()
        wider = records.filter(pl.col("key").is_in(redone.implode()))["article_id"].unique()
        if wider.len() == touched.len():
            break
        touched = wider
    redo_old = set(redone.to_list()) - removed
    redo = [key for key in keys if key not in old or key in redo_old]
    if any(key not in cached for key in redo):
        return "the cache no longer holds the results of some captures to redo"
    return Plan(redo, touched, removed)


def id_clash(state: BuildState, plan: Plan, redone_stories: list[dict]) -> bool:
    """True when a redone story's ids meet a kept story's: merging then settles clashes across the two sets, which
    only a full build does."""
    kept = state.stories.filter(~pl.col("article_id").is_in(plan.touched.implode()))
    kept_ids = pl.concat([kept[c] for c in STORY_SCHEMA])
    dropped = state.stories.filter(pl.col("article_id").is_in(plan.touched.implode()))
    ids = {story[c] for story in redone_stories for c in STORY_SCHEMA} | set(pl.concat(
        [dropped[c] for c in STORY_SCHEMA]).to_list())
    return bool(kept_ids.is_in(list(ids)).any())


def updated_state(state: BuildState, plan: Plan, keys: list[str], redone: BuildState) -> BuildState:
    """The state after the update: kept records and stories, plus the redone ones."""
    records = pl.concat([state.records.filter(~pl.col("key").is_in(plan.replaced)), redone.records])
    stories = pl.concat([state.stories.filter(~pl.col("article_id").is_in(plan.touched.implode())), redone.stories])
    return BuildState(pl.DataFrame({"key": keys}, schema={"key": pl.String}), records, stories)


def kept_entries(out: Path) -> dict[str, dict]:
    """The old report's entries by capture key."""
    report = json.loads((out / "build_report.json").read_text(encoding="utf-8"))
    return {capture_key(entry["path"], entry["sha256"] or ""): entry for entry in report["files"]}


def kept_unresolved(state: BuildState, plan: Plan) -> set[str]:
    kept = state.records.filter(~pl.col("key").is_in(plan.replaced))
    return set(kept["unresolved_places"].explode().drop_nulls().to_list())
