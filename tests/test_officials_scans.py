"""The officials' prefiltered scans find exactly what full regex scans find."""

from __future__ import annotations

import random
import re

from dnkdata import gazetteer
from dnkdata.extract import officials

WORDS = ["police", "POLICE", "Police", "officers", "party", "workers", "Party", "Workers", "agents", "agent’s",
         "officials", "Officials", "inspection", "team", "teams", "security", "forces", "border", "guards", "-",
         "chief", "Chiefs", "secretary", "Kim", "Jong", "Un", ",", "the", "Central", "Committee", "members",
         "x", "\n\n", "’", "'", "ministers"]


def _texts():
    rng = random.Random(7)
    for _ in range(400):
        yield "".join(rng.choice(WORDS) + rng.choice(["", " ", " ", " ", "-", ", "])
                      for _ in range(rng.randint(1, 30)))


def test_heads_found_as_a_longest_first_alternation_finds_them():
    terms = gazetteer.role_terms("head")
    plain = re.compile(r"(?<![\w\-])(?:" + "|".join(re.escape(t) for t in terms) + r")(?![\w\-])", re.I)
    for text in _texts():
        assert [m.span() for m in officials._find_heads(text)] == [m.span() for m in plain.finditer(text)]


def test_span_set_covers_what_any_span_covers():
    rng = random.Random(3)
    for _ in range(300):
        spans = [(a, a + rng.randint(-2, 8)) for a in (rng.randint(0, 40) for _ in range(rng.randint(0, 6)))]
        covered = officials._SpanSet(spans)
        for offset in range(-2, 52):
            assert covered.covers(offset) == any(s <= offset < e for s, e in spans)
