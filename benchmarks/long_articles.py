"""Whether extraction work per article grows linearly with its length: milliseconds per KB of body for one
article of 4 KB, 32 KB and 256 KB in several shapes, single process, best of 3.

    python benchmarks/long_articles.py [--json] [--corpus DIR]

Linear work keeps the figures of a row flat. The long bodies are synthetic (`dnkdata synth` stories joined end to
end), in the shapes that make naive per-quote or per-amount scans quadratic: one paragraph with no blank line,
no full stops, and many quotes in one unbroken sentence.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from dnkdata.extract import extract_article
from dnkdata.model import ParsedArticle
from dnkdata.parse import read_capture
from dnkdata.pipeline import find_captures
from dnkdata.synth import generate

SIZES = (4_000, 32_000, 256_000)
STORIES = 120  # enough synthetic stories to fill the largest body without repeating
QUOTE_RUN = "a source in Hyesan said that “prices rise again,” and "  # our own words: a quote every 55 characters


def synthetic_text(corpus: Path | None) -> str:
    """Story bodies of a synthetic corpus joined by blank lines."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = corpus or Path(scratch)
        if corpus is None:
            generate(STORIES, folder, seed=11, workers=1)
        bodies = []
        for capture in find_captures([folder]):
            records, _ = read_capture(capture.source_path, Path(capture.path).read_bytes())
            bodies += [r.body for r in records if isinstance(r, ParsedArticle)]
    return "\n\n".join(bodies)


def shapes(text: str) -> dict[str, str]:
    largest = max(SIZES)
    return {
        "stories joined, paragraphs kept": text,
        "one paragraph (no blank line)": text.replace("\n\n", " "),
        "no full stops, one paragraph": text.replace("\n\n", " ").replace(". ", ", "),
        "a quote every 55 characters, one sentence": QUOTE_RUN * (largest // len(QUOTE_RUN) + 1),
    }


def ms_per_kb(body: str, runs: int = 3) -> float:
    extract_article("bench", body, published_date=None)  # compiles patterns on first use: not timed
    best = min(_timed(body) for _ in range(runs))
    return best * 1000 / (len(body) / 1000)


def _timed(body: str) -> float:
    start = time.perf_counter()
    extract_article("bench", body, published_date=None)
    return time.perf_counter() - start


def measure(corpus: Path | None = None) -> dict[str, dict[str, float]]:
    text = synthetic_text(corpus)
    if len(text) < max(SIZES):
        raise SystemExit(f"the synthetic stories hold {len(text)} characters, fewer than {max(SIZES)}")
    return {name: {str(size): ms_per_kb(long[:size]) for size in SIZES} for name, long in shapes(text).items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--corpus", type=Path, default=None, help="a synthetic corpus to join (default: generate one)")
    args = ap.parse_args(argv)
    figures = measure(args.corpus)
    if args.json:
        print(json.dumps(figures))
        return 0
    print("ms per KB of body, best of 3: " + ", ".join(f"{s // 1000} KB" for s in SIZES))
    for name, row in figures.items():
        print(f"  {name:45s} " + "  ".join(f"{v:6.3f}" for v in row.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
