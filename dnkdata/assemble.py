"""The table steps of a build: one row per story, then the tables made, checked and written one at a time.

From every capture's results (a full build), or, when the cache holds the state of the last build of the same
output, by redoing only the stories the changed inputs touch and splicing them into that build's tables
(dnkdata.incremental). Called by `pipeline.build`, which has found and processed the captures.
"""

from __future__ import annotations

import hashlib
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from dnkdata import __version__, gazetteer
from dnkdata.cache import BuildCache, SegmentStore, extracted_key, file_sha256
from dnkdata.merge import Merged, merge_articles
from dnkdata.tables import (ROW_TABLES, UNRESOLVED, Assembly, articles_table, merge_records, places_table, row_table,
                            spliced, stories_frame, story_ids, unresolved_by_record)

if TYPE_CHECKING:
    from dnkdata.pipeline import Collected, Segment

TABLE_NAMES = ("articles", "quotes", "locations", "officials", "places", "prices")


class TableWriter:
    """Makes, checks and writes the tables one at a time, so few tables' rows are in memory at once besides the
    articles' bodies (which the offset checks need). A table is checked in a background thread while the next
    is made, and written in another once it passed (polars and Parquet writing release the GIL, so the cores
    share the work); the largest, quotes, is made last, once nothing else is in flight. Nothing is written
    once a table has failed, and a failed build's staging folder is thrown away.

    With a cache that holds the state of the last build of the same output, only the stories the changed inputs
    touch are made afresh and spliced into that build's tables (dnkdata.incremental); otherwise every table is
    made from every capture's results.
    """

    def __init__(self, folder: Path, timings: dict[str, float], store: SegmentStore, collected: Collected,
                 workers: int):
        self.folder, self.timings, self.store, self.collected, self.workers = folder, timings, store, collected, workers
        self.errors: list[str] = []
        self.checked: dict[str, pl.DataFrame] = {}
        self.rows: dict[str, int] = {}
        self.hashes: dict[str, str] = {}
        self.state = None
        self.pending: Future | None = None  # the check of the last table added
        self.writes: list[Future] = []
        for step in ("merge", "validate", "write"):
            timings[step] = 0.0

    def __enter__(self):
        self.checker, self.writer = ThreadPoolExecutor(max_workers=1), ThreadPoolExecutor(max_workers=1)
        return self

    def __exit__(self, *exc):
        self.checker.shutdown()
        self.writer.shutdown()
        return False

    def finish(self) -> None:
        """Wait for every check and write; re-raises what went wrong in them (a full disk)."""
        if self.pending is not None:
            self.pending.result()
        for write in self.writes:
            write.result()

    def write(self, out: Path, inputs: list[Path]) -> dict:
        """Make, check and write every table; the build report (without timings) comes back."""
        from dnkdata import incremental

        keys = self.collected.keys
        reuse = "no cache (--no-cache)"
        if isinstance(self.store, BuildCache):
            reuse = self._plan(out.resolve())
            if not isinstance(reuse, str):
                report = self._write_update(out.resolve(), inputs, *reuse)
                if report is not None:
                    return report
                reuse = "a story redone now has the id of a story kept (a full build settles the clash)"
        segments = self.collected.segments(self.store, keys)
        assembly = Assembly(self.store, keys, segments, self.workers)
        clock = time.perf_counter()
        gathered, records, merged = self._merged(assembly.gathered("articles"), keys)
        rows = self._row_assembly(keys, merged)
        unresolved = _unresolved_of_stories(rows, merged)
        if isinstance(self.store, BuildCache):  # only a cache keeps it
            self.state = incremental.state_frames(keys, records, merged, unresolved)
        del records
        stories = stories_frame(merged.stories)
        self.timings["merge"] += time.perf_counter() - clock
        self.add("articles", articles_table(gathered, stories))
        del gathered
        clock = time.perf_counter()
        entries = _entries(keys, segments, merged, self.collected.failed)
        del merged  # a dict per record: not needed once the report entries are made
        for segment in segments:
            segment.captures = []  # nor are the capture entries they were made from
        self.timings["merge"] += time.perf_counter() - clock
        self._add_row_tables(rows, story_ids(stories))
        report = build_report(inputs, _spellings(unresolved), entries, self.rows, self.errors)
        report["cache"] = self.collected.stats | {"reused_earlier_build": False, "why_not": reuse}
        return report

    def _plan(self, out: Path):
        """(state, plan) for an incremental build, or why the last build cannot be reused."""
        from dnkdata import incremental

        if not (out / "build_report.json").exists():
            return "no earlier build in the output folder"
        state = incremental.load_state(self.store.folder, out)
        if isinstance(state, str):
            return state
        try:
            old = set(state.captures["key"].to_list())
            new = [key for key in self.collected.keys if key not in old]
            assembly = Assembly(self.store, new, self.collected.segments(self.store, new), self.workers)
            new_merge_keys = assembly.gathered("articles", ["merge_keys"])["merge_keys"].explode().drop_nulls()
            plan = incremental.plan_update(state, self.collected.keys, new_merge_keys, self.collected.where)
        except (OSError, pl.exceptions.PolarsError) as exc:  # a damaged cache costs time, never the build
            return f"the cache could not be read ({type(exc).__name__}: {exc})"
        return plan if isinstance(plan, str) else (state, plan)

    def _write_update(self, out: Path, inputs: list[Path], state, plan) -> dict | None:
        """The tables of the last build with the touched stories made afresh; None (nothing written) when an id
        clash needs a full build."""
        from dnkdata import incremental

        keys = self.collected.keys
        clock = time.perf_counter()
        segments = self.collected.segments(self.store, plan.redo)
        assembly = Assembly(self.store, plan.redo, segments, self.workers)
        gathered, records, merged = self._merged(assembly.gathered("articles"), plan.redo)
        if incremental.id_clash(state, plan, merged.stories):
            return None
        rows = self._row_assembly(plan.redo, merged)  # only the redone stories' primary captures give rows
        unresolved = _unresolved_of_stories(rows, merged)
        redone = incremental.state_frames(plan.redo, records, merged, unresolved)
        spellings = sorted(incremental.kept_unresolved(state, plan) | set(_spellings(unresolved)))
        stories = stories_frame(merged.stories)
        entries_redone = dict(zip(plan.redo, _entries(plan.redo, segments, merged, self.collected.failed)))
        kept = incremental.kept_entries(out)
        entries = [entries_redone[key] if key in entries_redone else kept[key] for key in keys]
        del kept, entries_redone, records, merged
        self.state = incremental.updated_state(state, plan, keys, redone)
        redone_articles = articles_table(gathered, stories)
        articles = spliced("articles", out / "articles.parquet", plan.touched, redone_articles)
        del gathered
        self.timings["merge"] += time.perf_counter() - clock
        self.add("articles", articles, redone_articles)
        del articles, redone_articles
        self._add_row_tables(rows, story_ids(stories), splice=(out, plan.touched))
        report = build_report(inputs, spellings, entries, self.rows, self.errors)
        report["cache"] = self.collected.stats | {
            "reused_earlier_build": True, "captures_redone": len(plan.redo), "stories_replaced": plan.touched.len()}
        return report

    def _merged(self, gathered: pl.DataFrame, keys: list[str]) -> tuple[pl.DataFrame, list[dict], Merged]:
        """The records merged into stories, once the captures holding a story's primary record are extracted (the
        build's second pass; a duplicate's rows would be thrown away, so they are never made). A capture whose
        extraction fails is rejected, as the first pass rejects one it cannot read, and the rest merged again.
        gathered: the article records, _capture indexing keys. Extraction is timed as `process`, not `merge`."""
        while True:
            records = merge_records(gathered)
            merged = merge_articles(records)
            clock = time.perf_counter()
            failed = self.collected.extract(self.store, [keys[story["_capture"]] for story in merged.stories])
            spent = time.perf_counter() - clock
            self.timings["process"] = self.timings.get("process", 0.0) + spent
            self.timings["merge"] -= spent
            if not failed:
                self.collected.runner.close()  # the workers' memory is not needed while the tables are made
                return gathered, records, merged
            lost = [index for index, key in enumerate(keys) if key in failed]
            gathered = gathered.filter(~pl.col("_capture").is_in(lost))

    def _row_assembly(self, keys: list[str], merged: Merged) -> Assembly:
        """The extracted rows of the captures holding a story's primary record (positions stay those of keys)."""
        primary = {story["_capture"] for story in merged.stories}
        row_keys = [extracted_key(key) if index in primary else None for index, key in enumerate(keys)]
        wanted = [key for key in row_keys if key is not None]
        return Assembly(self.store, row_keys, self.collected.segments(self.store, wanted), self.workers)

    def _add_row_tables(self, assembly: Assembly, ids: pl.DataFrame, splice: tuple[Path, pl.Series] | None = None):
        """The row tables, one at a time; splice: (the last build's folder, the stories whose rows to drop)."""
        for name in sorted(ROW_TABLES, key=lambda table: table == "quotes"):
            if name == "quotes":  # the largest: made last, once nothing is in flight, to keep the peak low
                self.finish()
            clock = time.perf_counter()
            table = redone = row_table(name, assembly, ids)
            if splice is not None:
                table = spliced(name, splice[0] / f"{name}.parquet", splice[1], redone)
            self.timings["merge"] += time.perf_counter() - clock
            if name == "locations":  # the places: the gazetteer's and the named sites these rows name
                self.add("places", places_table(table))
            self.add(name, table, redone if splice is not None else None)
            del table, redone
        self.pending.result()  # every table checked: the report can be made while the last ones are written

    def add(self, name: str, df: pl.DataFrame, redone: pl.DataFrame | None = None) -> None:
        """Check df in the background once the table before it is checked (one check in flight); it is then
        written in the other background thread. redone: in an incremental build, the rows made now (the others
        passed the schema in the last build)."""
        if self.pending is not None:
            self.pending.result()  # also re-raises what went wrong there
        self.rows[name] = df.height
        self.pending = self.checker.submit(self._check, name, df, redone)

    def _check(self, name: str, df: pl.DataFrame, redone: pl.DataFrame | None) -> None:
        from dnkdata.validate import check_table, unique_errors

        clock = time.perf_counter()
        if redone is None:
            problems = check_table(name, df, self.checked)
        else:  # the rows kept are unchanged since the last build checked them: what is new is checked in full,
            # then the table as a whole for what spans rows (uniqueness); the references and offsets checked
            # are the new rows', against the whole articles table
            problems = check_table(name, redone, self.checked) or unique_errors(name, df)
        self.timings["validate"] += time.perf_counter() - clock
        self.errors += problems
        if name in ("articles", "places") and not problems:
            self.checked[name] = df.select("article_id", "body") if name == "articles" else df
        if not self.errors:
            self.writes.append(self.writer.submit(self._write, name, df))

    def _write(self, name: str, df: pl.DataFrame) -> None:
        from dnkdata.export import write_table

        clock = time.perf_counter()
        write_table(df, self.folder / f"{name}.parquet", name)
        self.written(f"{name}.parquet")
        self.timings["write"] += time.perf_counter() - clock

    def written(self, name: str) -> None:
        """Remember a written file's hash: the next build reuses this output only if it is unchanged."""
        self.hashes[name] = file_sha256(self.folder / name)

    def save_state(self, out: Path) -> None:
        """Leave the state of this build in the cache for the next build of out (only a cache has room for it)."""
        from dnkdata import incremental

        if not isinstance(self.store, BuildCache) or self.state is None:
            return
        if len(set(self.collected.keys)) != len(self.collected.keys):
            return  # a file given twice: its report entries cannot be told apart by key
        self.state.files = self.hashes
        incremental.save_state(self.store.folder, out, self.state)


def _entries(keys: list[str], segments: list[Segment], merged: Merged, failed: dict[str, str]) -> list[dict]:
    """One report entry per input file, in input order. failed: captures whose extraction failed, with why."""
    from dnkdata.merge import capture_entry

    by_key = {c["key"]: c for s in segments for c in s.captures}
    for key, message in failed.items():
        if key in by_key:
            by_key[key] = by_key[key] | {"status": "rejected", "reason_code": "internal_error", "message": message}
    return [capture_entry(by_key[key], index, merged) for index, key in enumerate(keys)]


def _unresolved_of_stories(rows: Assembly, merged: Merged) -> dict[tuple[int, int], list[str]]:
    """(capture, item) of each story's primary record → the place spellings no context settled in its article."""
    by_record = unresolved_by_record(rows.gathered(UNRESOLVED))
    primaries = ((story["_capture"], story["item"]) for story in merged.stories)
    return {record: by_record.get(record, []) for record in primaries}


def _spellings(unresolved: dict[tuple[int, int], list[str]]) -> list[str]:
    """Every unresolved spelling once, sorted (for the report)."""
    return sorted({spelling for spellings in unresolved.values() for spelling in spellings})


def build_report(inputs: list[Path], unresolved: list[str], entries: list[dict], rows: dict[str, int],
                 errors: list[str]) -> dict:
    """Every input accounted for, with counts that add up to the files seen."""
    counts = {"files": len(entries)}
    for status in ("article", "excerpt", "duplicate", "rejected"):
        counts[status] = sum(1 for e in entries if e["status"] == status)
    counts.update({f"rows_{name}": rows.get(name, 0) for name in TABLE_NAMES})
    return {
        "dnkdata_version": __version__,
        "gazetteer_version": gazetteer.data_version(),
        "inputs": [str(p) for p in inputs],
        "inputs_fingerprint": inputs_fingerprint(entries),
        "counts": counts,
        "valid": not errors,
        "validation_errors": errors,
        "unresolved_place_spellings": unresolved,
        "timings": {},
        "files": entries,
    }


def inputs_fingerprint(entries: list[dict]) -> str:
    """sha256 over every input's path and content hash: the same inputs give the same fingerprint."""
    digest = hashlib.sha256()
    for entry in sorted(entries, key=lambda e: e["path"]):
        digest.update(f"{entry['path']}\x1f{entry['sha256'] or ''}\n".encode())
    return digest.hexdigest()
