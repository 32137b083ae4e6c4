from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TEXT_FIXTURES = sorted((FIXTURES / "text").glob("*.txt"))
SEED_DIR = ROOT / "datasets" / "raw"
SEED_CAPTURE = SEED_DIR / "000_82ce061cef0351cd.txt"  # the user's sample story
EXAMPLE_PRICES_DIR = ROOT / "datasets" / "examples" / "market-reports"  # invented market reports


def expected_for(capture: Path) -> dict:
    return json.loads(capture.with_suffix(".expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """The seed sample built once, through the library function."""
    from dnkdata.pipeline import build

    out = tmp_path_factory.mktemp("seed") / "build"
    return build([SEED_CAPTURE], out, workers=1)


def scrambled(passage: str, *, seed: int, max_words: int, count: int = 300):
    """The passage, then `count` texts of its words (and line breaks) in random order: odd neighbours for the
    tests that set a shortcut scan against the plain scan it replaces."""
    rng = random.Random(seed)
    words = passage.replace("\n", " \n ").split(" ")
    yield passage
    for _ in range(count):
        yield " ".join(rng.choice(words) for _ in range(rng.randint(1, max_words)))
