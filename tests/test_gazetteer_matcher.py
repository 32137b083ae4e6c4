"""The place matcher's shortcuts agree with the slow paths they skip."""

from __future__ import annotations

import random
import re
import unicodedata

from dnkdata import gazetteer


def _slow_fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"['’`ʼ‘]", "", text).replace("-", " ")
    return re.sub(r"\s+", " ", text).strip().casefold()


def test_fold_of_ascii_and_other_text_is_the_full_normalisation():
    for text in ("Hyesan-si", "  Ryanggang \t Province ", "Kim Jong-suk's", "Sinŭiju", "Ch’ongjin", "ＡＢ", "Straße"):
        assert gazetteer.fold(text) == _slow_fold(text)


def test_fold_of_mixed_scripts_and_marks_is_the_full_normalisation():
    alphabet = "aZ -'’\u2019\u0306\u0301\u0308ŭŏéñ한국어Ⅻﬁ\u00a0\u2028\x1c\t\n" + "".join(map(chr, range(0x300, 0x370, 7)))
    rng = random.Random(11)
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(500)]
    assert [gazetteer.fold(text) for text in texts] == [_slow_fold(text) for text in texts]


def test_level_before_is_searched_wherever_it_can_match():
    rng = random.Random(2)
    pieces = ["the", "city", "County", "of", "OF", "oF", " ", "  ", "\n", "\t", "x", "town", "."]
    for _ in range(2000):
        window = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))[-20:]
        if gazetteer.LEVEL_BEFORE.search(window):
            assert gazetteer._ends_with_of(window)


def test_places_found_with_their_level_words():
    text = "Traders in Hyesan City and the county of Onchon said so; Ryanggang Province officials agreed."
    mentions, _ = gazetteer.find_places(text)
    assert [m.surface for m in mentions][:1] == ["Hyesan City"]
    assert all(text[m.start:m.end] == m.surface for m in mentions)


def test_a_lone_surrogate_does_not_move_or_stop_place_matches():
    clean, odd = gazetteer.find_places("Traders in Hyesan x said so in Hyesan."), \
        gazetteer.find_places("Traders in Hyesan \ud800 said so in Hyesan.")
    assert [(m.place.place_id, m.start, m.end) for m in odd[0]] == [(m.place.place_id, m.start, m.end) for m in clean[0]]
    assert len(odd[0]) == 2
