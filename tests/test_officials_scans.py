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


def _expand_left_whole_window(body, head_start):
    """_expand_left as first written: the whole 120-character window tokenized left to right."""
    base = max(0, head_start - 120)
    tokens = list(officials.TOKEN.finditer(body[base:head_start]))
    start, role_words, pending, owner = head_start, [], [], False
    right_edge = head_start
    for index in range(len(tokens) - 1, -1, -1):
        word = tokens[index].group(0)
        gap = body[base + tokens[index].end():right_edge]
        if gap.strip(" ") or "\n" in gap:
            break
        right_edge = base + tokens[index].start()
        before = tokens[index - 1].group(0) if index > 0 else ""
        after = tokens[index + 1].group(0) if index + 1 < len(tokens) else ""
        if word in (",", "and", "or") or (word == "of" and before[:1].isupper() and after[:1].isupper()):
            pending.insert(0, word)
            continue
        kind = officials._modifier_kind(word)
        if kind is None or (pending and kind not in ("role", "name")):
            break
        start = base + tokens[index].start()
        if kind == "possessive" or owner:
            owner = True
            continue
        role_words[:0] = ([word] if kind in ("role", "name", "rank") else []) + pending
        pending = []
        if kind == "determiner":
            break
    return start, officials._clean_role(role_words), owner


def test_modifiers_read_leftwards_as_the_whole_window_reads_them():
    rng = random.Random(9)
    words = ["the", "local", "party", "Party", "of", "Ministry", "State", "Security", "Yanggang", "Province’s", "and",
             ",", "several", "key", "provincial", "North", "Korean", "said", "x" * 30, "When", "security", "’s"]
    for _ in range(1500):
        text = "".join(rng.choice(words) + rng.choice([" ", " ", " ", "  ", ", ", ". ", "\n", "-", ""])
                       for _ in range(rng.randint(0, 30))) + "officials"
        head = len(text) - len("officials")
        assert officials._expand_left(text, head) == _expand_left_whole_window(text, head)


def _title_before_whole_window(body, start):
    """_title_before as first written: every word of the 80-character window."""
    window_start = max(0, start - 80)
    words = list(re.finditer(r"\S+", body[window_start:start]))
    taken = []
    for word in reversed(words):
        bare = word.group(0).strip("’'")
        if bare.lower() in officials.TITLE_WORDS or (bare[:1].isupper() and bare.isalpha()
                                                     and bare.lower() not in officials.STOPWORDS
                                                     and bare not in officials.SENTENCE_OPENERS):
            taken.insert(0, word)
            continue
        break
    while taken and taken[-1].group(0).strip("’'").lower() not in officials.TITLE_HEADS:
        taken.pop()
    if not taken:
        return None, None, start
    role = " ".join(w.group(0).strip("’'") for w in taken)
    org = officials.ORG_IN_TEXT.search(role)
    return role, (org.group(0).strip() if org else None), window_start + taken[0].start()


def test_titles_read_before_a_name_as_the_whole_window_reads_them():
    rng = random.Random(12)
    words = ["the", "party", "Party", "organization", "secretary", "Central", "Committee", "director", "said", "of",
             "Workers’", "North", "Korean", "leader", "Premier", "vice", "X" * 25, "Then", "’Chairman’"]
    for _ in range(1500):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 20))) + rng.choice([" ", "\n", "  "]) + "Kim Il"
        name = len(text) - len("Kim Il")
        assert officials._title_before(text, name) == _title_before_whole_window(text, name)


def _is_role_noun_plain(body, m):
    """_is_role_noun as first written: every check on the 40 characters after the head."""
    after = body[m.end():m.end() + 40]
    if officials.POSSESSIVE_AFTER.match(after):
        return False
    nxt = officials.NEXT_WORD.match(after)
    if not nxt:
        return True
    word = nxt.group(1)
    if officials.NAME_AFTER.match(after) or officials._heads().match(after.lstrip()):
        return False
    if word.lower() in officials.COMPOUND_NOUNS:
        return False
    return not (m.group(0).lower() in officials.ADJECTIVAL_HEADS and word[:1].islower()
                and word.lower() not in officials.FUNCTION_WORDS)


def _head_context_texts():
    rng = random.Random(21)
    words = WORDS + ["from", "of", "in", "at", "with", "the", "county", "Hyesan", "City", "station", "media", "Kim",
                     "Jong-un", "were", "said", "office", "\u00a0", "\t", "border guards", "K\u212aim"]
    for _ in range(1500):
        yield "".join(rng.choice(words) + rng.choice(["", " ", " ", " ", "  ", "\n", ", ", "’s ", "'s"])
                      for _ in range(rng.randint(1, 25)))


def test_head_checks_match_the_plain_ones():
    for text in _head_context_texts():
        for m in officials._find_heads(text):
            start, end = m.span()
            assert officials._is_role_noun(text, m) == _is_role_noun_plain(text, m)
            window = text[max(0, start - 40):end].lower()
            assert officials._excluded(text, start, end) == window.endswith(officials._excludes_longer_than(end - start))
            attached = officials.ATTACHED.match(text, end)
            assert officials._expand_right(text, end) == ((attached.end(), attached.group("np")) if attached
                                                          else (end, None))


def test_comma_before_a_name_found_from_the_surnames_as_a_search_finds_it():
    rng = random.Random(5)
    words = ["Kim", "Jong", "Un", "O", "Song", "Ri", "Hi", "Yong", "said", "party", "secretary", "Ko", "Korea",
             ",", ", ", ",\n ", ", \t", " ", "x", "\u00a0"]
    for _ in range(2000):
        text = "".join(rng.choice(words) + rng.choice(["", " ", " ", "  "]) for _ in range(rng.randint(0, 12)))
        assert officials._has_comma_name(text) == bool(officials.COMMA_NAME.search(text))


def test_taken_spans_answer_as_a_look_at_every_span_does():
    import random
    from dnkdata.extract.officials import _TakenSpans
    rng = random.Random(31)
    answers = set()
    for _ in range(500):
        register = [(s, s + rng.randint(0, 15)) for s in (rng.randrange(80) for _ in range(rng.randint(0, 8)))]
        taken, plain = _TakenSpans(register), list(register)
        for pos in sorted(rng.randrange(100) for _ in range(rng.randint(0, 12))):
            expected = any(s <= pos < e for s, e in plain)
            assert taken.holds(pos) == expected, (register, plain, pos)
            answers.add(expected)
            if not expected and rng.random() < 0.5:
                end = pos + rng.randint(0, 20)
                taken.add_in_order(pos, end)
                plain.append((pos, end))
    assert answers == {True, False}
