"""Literal prefilters: every start of every listed word, per list, however the lists and texts interleave."""

from __future__ import annotations

import random
import re
import sys

from dnkdata.extract import text as text_module
from dnkdata.extract.text import literal_starts, literal_starts_anycase


def _naive_starts(words, text):
    return sorted({i for w in words for i in range(len(text)) if text.startswith(w, i)})


def test_each_list_gets_only_its_own_words_with_overlaps():
    names, titles = ("Kim", "Kim Jong", "Jong", "O"), ("Chief", "chief", "Jong")
    text = "Chief Kim Jong said O Kim. Jongno chief, KimKim"
    for _ in range(2):  # the second round reuses the hits of the same text
        assert literal_starts(names, text) == _naive_starts(names, text)
        assert literal_starts(titles, text) == _naive_starts(titles, text)


def test_lists_and_texts_in_any_order_give_naive_starts():
    rng = random.Random(5)
    alphabet = "abKk O-"
    lists = [tuple({"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3))) for _ in range(4)})
             for _ in range(6)]
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        for words in rng.sample(lists, 3):
            assert literal_starts(words, text) == _naive_starts(words, text)


def test_returned_starts_are_the_callers_own():
    words, text = ("ab",), "ab ab"
    first = literal_starts(words, text)
    first.append(99)
    assert literal_starts(words, text) == [0, 3]


def test_ascii_alike_lists_every_code_point_ignorecase_could_equate_with_ascii():
    letter = re.compile("[a-z]", re.I)
    expected = "".join(c for c in map(chr, range(0x80, sys.maxunicode + 1))
                       if letter.match(c) or len(c.lower()) != 1)
    assert text_module.ASCII_ALIKE.findall(expected + "abc’é") == list(expected)


def test_an_empty_word_begins_nowhere():
    assert literal_starts(("", "ab"), "xab") == [1]
    assert literal_starts(("",), "xab") == []


def test_starts_are_counted_in_characters_past_wide_characters():
    words = ("Kim", "Un")
    text = "😀 Kim Jong Un’s aide, é Kim"
    assert literal_starts(words, text) == _naive_starts(words, text)


def test_anycase_starts_hold_every_ignorecase_start():
    rng = random.Random(11)
    words = ("police officers", "agents", "Cadre", "officials")
    alphabet = ["police", "POLICE", "pOlIcE", "officers", "Officials", "agent", "AGENTS", "cadres", "x", " ", "-"]
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        ignoring_case = {m.start() for w in words for m in re.finditer(f"(?={re.escape(w)})", text, re.I)}
        assert ignoring_case <= set(literal_starts_anycase(words, text))
    for odd in ("ſ", "\u212a", "İ", "ı"):  # characters that re.IGNORECASE equates with ASCII letters
        assert literal_starts_anycase(words, f"{odd} agents") is None


def test_a_lone_surrogate_leaves_starts_where_they_were():
    words = ("Kim", "Hyesan")
    text = "Kim \ud800 met Kim in Hyesan\udfff"
    assert literal_starts(words, text) == _naive_starts(words, text)
