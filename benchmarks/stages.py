"""Milliseconds per capture of each extraction stage, single process, best of 3: where the worker time goes.

usage: python benchmarks/stages.py CORPUS_DIR     (e.g. a corpus from `dnkdata synth --n 2000 --seed 7 --out DIR`)

Each stage runs over bodies parsed beforehand; `extract_article (all)` is the whole per-article extraction.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from dnkdata import gazetteer
from dnkdata.extract import extract_article
from dnkdata.extract.officials import extract_officials
from dnkdata.extract.prices import extract_prices
from dnkdata.extract.quotes import extract_quotes
from dnkdata.extract.speakers import SpeakerFinder
from dnkdata.model import ParsedArticle
from dnkdata.parse import read_capture
from dnkdata.pipeline import find_captures


def best_ms_per_capture(work, captures: int, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times) / captures * 1000


def main(corpus: Path) -> None:
    raw = [(c.source_path, Path(c.path).read_bytes()) for c in find_captures([corpus])]

    def parse_all():
        return [read_capture(name, data)[0] for name, data in raw]

    bodies = [(r.body, r.published_date) for records in parse_all() for r in records if isinstance(r, ParsedArticle)]
    mentions = [gazetteer.find_places(body)[0] for body, _ in bodies]
    stages = {
        "parse": parse_all,
        "places": lambda: [gazetteer.find_places(b) for b, _ in bodies],
        "speakers+quotes": lambda: [extract_quotes("x", b, finder=SpeakerFinder(b, m))
                                    for (b, _), m in zip(bodies, mentions)],
        "officials": lambda: [extract_officials("x", b, m) for (b, _), m in zip(bodies, mentions)],
        "prices": lambda: [extract_prices("x", b, published_date=d, places=m, speakers=[])
                           for (b, d), m in zip(bodies, mentions)],
        "extract_article (all)": lambda: [extract_article("x", b, published_date=d) for b, d in bodies],
    }
    print(f"{corpus}: {len(raw)} captures; ms per capture (best of 3):")
    for name, work in stages.items():
        print(f"  {name:24s} {best_ms_per_capture(work, len(raw)):.3f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
