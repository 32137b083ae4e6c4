"""An attribution is looked for at most ATTRIBUTION_REACH characters before its quote, so the work per quote is
bounded and a body of many quotes in one endless sentence costs its length, not its length squared."""

from __future__ import annotations

import random

from dnkdata.extract import extract_article, speakers
from dnkdata.extract.speakers import ATTRIBUTION_REACH
from dnkdata.extract.text import SentenceIndex

FILLER = "and the traders kept their stalls open "  # no full stop: the sentence never ends


def _attributed_body(filler_chars: int) -> str:
    filler = (FILLER * (filler_chars // len(FILLER) + 1))[:filler_chars]
    return f"A source in Hyesan said on Monday that {filler}“Rice is dear now.”"


def _speakers(body: str) -> list[tuple[str | None, str]]:
    return [(q["speaker"], q["speaker_kind"]) for q in extract_article("x", body, published_date=None)["quotes"]]


def test_a_speaker_within_reach_of_the_quote_is_found():
    assert _speakers(_attributed_body(ATTRIBUTION_REACH // 2)) == [("A source in Hyesan", "anonymous_source")]


def test_a_speaker_beyond_reach_in_the_same_sentence_is_left_unattributed():
    assert _speakers(_attributed_body(ATTRIBUTION_REACH * 2)) == [(None, "unattributed")]


def test_no_head_searched_for_a_speaker_is_longer_than_the_reach(monkeypatch):
    searched: list[int] = []
    head_pattern = speakers._head_pattern

    def recording(key, head):
        searched.append(len(head))
        return head_pattern(key, head)

    monkeypatch.setattr(speakers, "_head_pattern", recording)
    quote = "a source in Hyesan said that “prices rise again,” and "
    body = quote * (8 * ATTRIBUTION_REACH // len(quote))  # one sentence, many quotes
    quotes = extract_article("x", body, published_date=None)["quotes"]
    assert len(quotes) == body.count("“")
    assert searched and max(searched) <= ATTRIBUTION_REACH
    assert all(q["speaker"] == "a source in Hyesan" for q in quotes)


def test_the_paragraph_of_an_offset_is_what_rfind_and_find_give():
    rng = random.Random(5)
    for _ in range(200):
        text = "".join(rng.choice(["a", " ", "\n", "\n\n", "b. C"]) for _ in range(rng.randrange(0, 40)))
        index = SentenceIndex(text)
        for start in range(len(text) + 1):
            end = rng.randrange(start, len(text) + 1)
            before, after = text.rfind("\n\n", 0, start), text.find("\n\n", end)
            expected = (0 if before < 0 else before + 2, len(text) if after < 0 else after)
            assert index.paragraph(start, end) == expected, (text, start, end)
