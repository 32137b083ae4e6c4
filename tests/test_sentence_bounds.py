"""sentence_bounds, which reuses one scan of a paragraph's sentence ends, agrees with scanning around each span."""

from __future__ import annotations

import random
import re

from dnkdata.extract.text import ABBREVIATIONS, SENTENCE_END, sentence_bounds


def _scanning(body, start, end=None):
    """sentence_bounds as first written: two regex scans per call."""
    end = start if end is None else end
    para_start = body.rfind("\n\n", 0, start)
    para_start = 0 if para_start < 0 else para_start + 2
    para_end = body.find("\n\n", end)
    para_end = len(body) if para_end < 0 else para_end
    sentence_start = para_start
    for m in SENTENCE_END.finditer(body, para_start, min(para_end, start + 3)):
        if m.end() <= start and not ABBREVIATIONS.search(body[max(para_start, m.start() - 6):m.start() + 1]):
            sentence_start = m.end()
    sentence_end = para_end
    for m in SENTENCE_END.finditer(body, end, para_end):
        if not ABBREVIATIONS.search(body[max(end, m.start() - 6):m.start() + 1]):
            sentence_end = m.start() + 1
            break
    return sentence_start, sentence_end


PIECES = ["He", "said", "Mr.", "Kim", "Gen.", "A.", "It", "was", "5", "U.S.", "no", "etc.", ".", "!", "?", "…", "’",
          "”", ")", "\"", "“", "‘", "(", "[", " ", "  ", "\n", "\n\n", "\n\n\n", "x.", "Y", "9", "’s", "vs."]


def test_sentence_bounds_match_the_scanning_version_everywhere():
    rng = random.Random(21)
    for _ in range(600):
        body = "".join(rng.choice(PIECES) + rng.choice(["", " ", " "]) for _ in range(rng.randint(0, 40)))
        for _ in range(25):
            start = rng.randint(0, len(body))
            end = rng.choice([None, start, min(len(body), start + rng.randint(0, 30)), max(0, start - 3)])
            assert sentence_bounds(body, start, end) == _scanning(body, start, end), (body, start, end)


def test_sentence_bounds_of_one_body_asked_in_any_order():
    body = "He came. Mr. Kim said “No.” Then (It rained!) Later\n\nNew one. Gen. Ri left. End"
    spots = [m.start() for m in re.finditer(r"\S", body)]
    random.Random(4).shuffle(spots)
    for spot in spots:
        assert sentence_bounds(body, spot) == _scanning(body, spot)
        assert sentence_bounds(body, spot, min(len(body), spot + 7)) == _scanning(body, spot, min(len(body), spot + 7))
