"""Small text helpers the extractors share: paragraphs with offsets, sentence bounds, ids."""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from itertools import product

import ahocorasick_rs

from dnkdata.gazetteer import overlapping_matches

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ABBREVIATIONS = re.compile(
    r"(?:\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|Gen|Lt|Col|Sgt|St|No|Vol|vs|etc|approx|"
    r"N|S|U|[A-Z])\.)$")
SENTENCE_END = re.compile(r"[.!?…]['’\"”)]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")


def stable_id(*parts: object) -> str:
    """16 hex chars of sha256 over the parts: the same inputs always give the same id."""
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


def quote_id(article_id: str, char_start: int, char_end: int) -> str:
    return stable_id(article_id, "quote", char_start, char_end)


def price_id(article_id: str, char_start: int, char_end: int) -> str:
    return stable_id(article_id, "price", char_start, char_end)


def official_id(article_id: str, kind: str, key: str) -> str:
    """key: the person_id of a named official, the folded role of a group."""
    return stable_id(article_id, "official", kind, key)


def paragraph_starts(body: str) -> list[int]:
    """Offsets where each blank-line-separated paragraph of body begins."""
    starts, offset = [], 0
    for paragraph in body.split("\n\n"):
        starts.append(offset)
        offset += len(paragraph) + 2
    return starts


def paragraph_of(starts: list[int], offset: int) -> int:
    return bisect_right(starts, offset) - 1


def sentence_bounds(body: str, start: int, end: int | None = None) -> tuple[int, int]:
    """The sentence around body[start:end], kept within its paragraph."""
    end = start if end is None else end
    para_start = body.rfind("\n\n", 0, start)
    para_start = 0 if para_start < 0 else para_start + 2
    para_end = body.find("\n\n", end)
    para_end = len(body) if para_end < 0 else para_end
    sentence_start = para_start
    # the lookahead must see past `start` (the capital after an opening mark), so search a little further
    for m in SENTENCE_END.finditer(body, para_start, min(para_end, start + 3)):
        if m.end() <= start and not ABBREVIATIONS.search(body[max(para_start, m.start() - 6):m.start() + 1]):
            sentence_start = m.end()
    sentence_end = para_end
    for m in SENTENCE_END.finditer(body, end, para_end):
        if not ABBREVIATIONS.search(body[max(end, m.start() - 6):m.start() + 1]):
            sentence_end = m.start() + 1
            break
    return sentence_start, sentence_end


class SentenceIndex:
    """sentence_bounds(body, start, end) for many spans of one body: each paragraph is scanned for sentence ends
    once, not once per quote or amount.

    sentence_bounds scans from the paragraph start for the last sentence end before start, and from end for the
    first one after it. Sentence ends cannot overlap, and one that ends before start is found alike by a scan of
    the whole paragraph, so both are read off the paragraph's full scan. Only the abbreviation check of an end within six
    characters after end is redone, as sentence_bounds looks back no further than end.
    """

    def __init__(self, body: str):
        self.body = body
        self._paragraphs: dict[tuple[int, int], _SentenceEnds] = {}
        self._breaks: list[int] | None = None  # every offset where "\n\n" begins, overlapping ones included

    def paragraph(self, start: int, end: int | None = None) -> tuple[int, int]:
        """The paragraph around body[start:end], as body.rfind / body.find of "\n\n" give it, by bisection into
        the blank lines found once: a find per query scans to the end of a body that has no blank line left, so
        many queries on one long paragraph would cost its length squared."""
        end = start if end is None else end
        breaks = self._breaks
        if breaks is None:
            breaks = self._breaks = _blank_line_offsets(self.body)
        before = bisect_right(breaks, start - 2)  # a blank line that ends at or before start
        after = bisect_left(breaks, end)
        return (breaks[before - 1] + 2 if before else 0), (breaks[after] if after < len(breaks) else len(self.body))

    def bounds(self, start: int, end: int | None = None) -> tuple[int, int]:
        """sentence_bounds(body, start, end)."""
        end = start if end is None else end
        para_start, para_end = self.paragraph(start, end)
        ends = self._paragraphs.get((para_start, para_end))  # a span can run across a blank line: its own key
        if ends is None:
            ends = self._paragraphs[(para_start, para_end)] = _SentenceEnds(self.body, para_start, para_end)
        return ends.start_before(start), ends.end_after(end)


def _blank_line_offsets(body: str) -> list[int]:
    offsets, found = [], body.find("\n\n")
    while found >= 0:
        offsets.append(found)
        found = body.find("\n\n", found + 1)
    return offsets


class _SentenceEnds:
    """The sentence ends of one paragraph (SENTENCE_END matches) and whether each follows an abbreviation, read
    from one scan only as far as a query needs."""

    def __init__(self, body: str, para_start: int, para_end: int):
        self.body, self.para_start, self.para_end = body, para_start, para_end
        self._scan = SENTENCE_END.finditer(body, para_start, para_end)
        self.starts: list[int] = []
        self.abbreviated: list[bool] = []
        self.clean_ends: list[int] = []  # ends of those not after an abbreviation
        self.last_end = -1

    def _read_one(self) -> bool:
        m = next(self._scan, None)
        if m is None:
            return False
        short = _after_abbreviation(self.body, self.para_start, m.start())
        self.starts.append(m.start())
        self.abbreviated.append(short)
        if not short:
            self.clean_ends.append(m.end())
        self.last_end = m.end()
        return True

    def start_before(self, pos: int) -> int:
        """Where the sentence holding pos begins: after the last sentence end that ends at or before pos."""
        while self.last_end <= pos and self._read_one():
            pass
        i = bisect_right(self.clean_ends, pos)
        return self.clean_ends[i - 1] if i else self.para_start

    def end_after(self, pos: int) -> int:
        """One past the mark that ends the sentence holding pos: the first sentence end at or after pos."""
        i = bisect_left(self.starts, pos)
        while i < len(self.starts) or self._read_one():
            start = self.starts[i]
            if start < pos:  # read just now, still before pos
                i += 1
                continue
            short = self.abbreviated[i] if start - 6 >= pos else _after_abbreviation(self.body, pos, start)
            if not short:
                return start + 1
            i += 1
        return self.para_end


def _after_abbreviation(body: str, floor: int, mark: int) -> bool:
    """Whether the mark at `mark` ends an abbreviation ("Mr.", "Jan."), looking back no further than floor."""
    if body[mark] != ".":
        return False  # every abbreviation ends in a full stop
    return ABBREVIATIONS.search(body[max(floor, mark - 6):mark + 1]) is not None


class SpanUnion:
    """Offsets covered by any of some half-open spans (start, end): the spans are merged once, so each offset is
    one bisection, not a look at every span (an article has a score of mentions and of attributions)."""

    def __init__(self, spans: list[tuple[int, int]]):
        merged: list[list[int]] = []
        for start, end in sorted(span for span in spans if span[0] < span[1]):  # an empty span covers nothing
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [start for start, _ in merged]
        self.ends = [end for _, end in merged]

    def __contains__(self, offset: int) -> bool:
        i = bisect_right(self.starts, offset) - 1
        return i >= 0 and offset < self.ends[i]


def finditer_at(pattern: re.Pattern[str], text: str, starts, end: int | None = None) -> list[re.Match[str]]:
    """What pattern.finditer(text, 0, end) gives, trying only the ascending `starts` where a match can begin.

    For speed: a cheap scan (literals, keywords) names the few places a complex pattern could start, and the
    pattern itself runs only there, so matches are exactly those of a full scan (non-empty patterns only).
    """
    found, cursor = [], 0
    for start in starts:
        if start < cursor:
            continue
        m = pattern.match(text, start, len(text) if end is None else end)
        if m:
            found.append(m)
            cursor = m.end()
    return found


class _LiteralIndex:
    """Where words of several word lists begin in one text, from a single Aho–Corasick pass over it.

    The extractors ask for several lists (register names, surnames, titles) in the same body; one automaton
    over all of them saves a pass over the body per list. The pass sorts each hit into the lists its word
    belongs to, so a list's starts cost only its own hits; they are kept for the last text asked about.
    """

    def __init__(self):
        self.lists: dict[tuple[str, ...], int] = {}  # word list → its number
        self.by_identity: dict[int, tuple[tuple[str, ...], int]] = {}  # callers pass the same tuples: skip hashing
        self.automaton: ahocorasick_rs.AhoCorasick | None = None
        self.lists_of_word: list[tuple[int, ...]] = []  # per automaton word, the numbers of its lists
        self.text: str | None = None
        self.hits_by_list: list[list[int]] = []  # of self.text: per list, where its words begin (unsorted)
        self.sorted_starts: dict[int, list[int]] = {}  # of self.text: per list asked about, its starts ascending

    def starts(self, words: tuple[str, ...], text: str) -> list[int]:
        number = self._number(words)
        if text is not self.text:
            self.text, self.hits_by_list, self.sorted_starts = text, self._hits_by_list(text), {}
        starts = self.sorted_starts.get(number)
        if starts is None:
            starts = self.sorted_starts[number] = sorted(set(self.hits_by_list[number]))
        return list(starts)  # the caller's own copy

    def _number(self, words: tuple[str, ...]) -> int:
        known = self.by_identity.get(id(words))
        if known is not None and known[0] is words:
            return known[1]
        if words not in self.lists:
            self.lists[words] = len(self.lists)
            self.automaton, self.lists_of_word = _list_automaton(self.lists)
            self.text = None
        self.by_identity[id(words)] = (words, self.lists[words])  # the tuple is kept, so its id stays its own
        return self.lists[words]

    def _hits_by_list(self, text: str) -> list[list[int]]:
        """Per list, the (unsorted) starts of its words in text."""
        found: list[list[int]] = [[] for _ in self.lists]
        lists_of_word = self.lists_of_word
        for word, start, _ in overlapping_matches(self.automaton, text):
            for number in lists_of_word[word]:
                found[number].append(start)
        return found


def _list_automaton(lists: dict[tuple[str, ...], int]) -> tuple[ahocorasick_rs.AhoCorasick, list[tuple[int, ...]]]:
    """One automaton over the words of all lists (its matches name words by their index), and each word's lists.

    A DFA: the largest to build but the quickest to run, and these automata are built a handful of times."""
    numbers: dict[str, list[int]] = {}
    for words, number in lists.items():
        for word in filter(None, words):  # an empty word begins nowhere (the automaton refuses it)
            if number not in numbers.setdefault(word, []):
                numbers[word].append(number)
    automaton = ahocorasick_rs.AhoCorasick(list(numbers), implementation=ahocorasick_rs.Implementation.DFA)
    return automaton, [tuple(in_lists) for in_lists in numbers.values()]


_CASED_LITERALS = _LiteralIndex()


def literal_starts(words: tuple[str, ...], text: str) -> list[int]:
    """Every offset where one of words begins in text (overlaps included), ascending."""
    return _CASED_LITERALS.starts(words, text)


# The non-ASCII characters that re.IGNORECASE equates with an ASCII letter (or whose lowercase is longer):
# ſ ~ s, K (Kelvin) ~ k, İ ~ i and ı ~ I: texts holding one cannot be matched on their lowercase copy (quotes,
# prices and the literal scans ask). tests/test_text_literals.py checks the list against every code point.
ASCII_ALIKE = re.compile("[\u0130\u0131\u017f\u212a]")


def literal_starts_anycase(words: tuple[str, ...], text: str) -> list[int] | None:
    """A superset of the offsets where a word begins in text ignoring case (as re.IGNORECASE matches ASCII words),
    from the cased pass that literal_starts makes anyway
    (no lowercased copy, no second pass): offsets where the first few letters of a word begin in any case.

    Enough as the candidates of finditer_at, which only needs every place a match can begin."""
    if not text.isascii() and ASCII_ALIKE.search(text):
        return None
    return _CASED_LITERALS.starts(_anycase_prefixes(words), text)


_ANYCASE_PREFIX = 5  # letters per word whose case forms are listed (2**5 forms each); longer: fewer false starts
_ANYCASE: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _anycase_prefixes(words: tuple[str, ...]) -> tuple[str, ...]:
    """Every upper/lowercase form of each word's first letters, remembered per word tuple."""
    known = _ANYCASE.get(id(words))
    if known is None or known[0] is not words:
        forms = {"".join(chars) for word in words
                 for chars in product(*({c.lower(), c.upper()} for c in word[:_ANYCASE_PREFIX]))}
        known = _ANYCASE[id(words)] = (words, tuple(sorted(forms)))
    return known[1]


def trie_pattern(words) -> str:
    """One regex alternation for words, factored by shared prefixes, that matches as "|".join(longest first) does.

    Words that match at one position are prefixes of each other, so they lie on one path of the trie; trying a
    longer continuation before ending a word tries them longest first, as the plain alternation does. The regex
    engine then checks one branch per character instead of every word at every position.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_regex(trie)


def _trie_regex(node: dict) -> str:
    branches = [re.escape(char) + _trie_regex(child) for char, child in sorted(node.items()) if char]
    if "" in node:
        if not branches:
            return ""
        return "(?:" + "|".join(branches) + ")?"
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"
