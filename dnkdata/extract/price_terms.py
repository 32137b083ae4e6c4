"""The vocabulary of prices: money amounts, items (from gazetteer/price_items.csv), units and dates in a body.

Each finder returns spans with offsets into the body; extract/prices.py decides which amount belongs to which
item, place, date and kind.
"""

from __future__ import annotations

import csv
import re
from bisect import bisect_left, bisect_right
from datetime import date, timedelta
from functools import cache, lru_cache
from importlib import resources
from typing import NamedTuple

import ahocorasick

from dnkdata.extract.text import ASCII_ALIKE, MONTH_NAMES, finditer_at

NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s+(?:million|thousand|billion)\b)?"
# "KWP": a typo for KPW that Daily NK prints now and then
CURRENCY_BEFORE = {"KPW": r"KPW|KWP|NKW|₩", "CNY": r"CNY|RMB|¥", "USD": r"US\$|USD|\$"}
CURRENCY_AFTER = {
    "KPW": r"(?:North\s+Korean\s+)?won\b|KPW\b|KWP\b|NKW\b",
    "CNY": r"(?:Chinese\s+)?yuan\b|RMB\b|CNY\b|renminbi\b",
    "USD": r"(?:US\s+|U\.S\.\s+|American\s+)?dollars?\b|USD\b",
}
DOTTED_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}

PREFIXED = re.compile(r"(?<![\w$])(?P<cur>" + "|".join(f"(?P<b{c}>{p})" for c, p in CURRENCY_BEFORE.items()) +
                      r")\s?(?P<num>" + NUMBER + r")(?!\d)")
SUFFIXED = re.compile(r"(?<![\w.,])(?P<num>" + NUMBER + r")\s*(?P<cur>" +
                      "|".join(f"(?P<a{c}>{p})" for c, p in CURRENCY_AFTER.items()) + ")")
# where amounts can begin: SUFFIXED and BARE at a digit after a non-word character (so at the start of a run
# of digits), PREFIXED at a currency mark (no mark begins inside another one where PREFIXED could match; the
# marks that matter are read off the digit runs, see _mark_starts)
DIGIT_RUN = re.compile(r"\d+")
CURRENCY_MARK = re.compile("|".join(CURRENCY_BEFORE.values()))
BARE = re.compile(r"(?<![\w.,$])(?P<num>" + NUMBER + r")(?![\w%]|,\d|\.\d)")
_ASCII_BYTES = bytes(range(128))  # deleted from UTF-8, they leave whole multi-byte characters
# the characters outside ASCII that re.IGNORECASE equates with an ASCII letter or whose lowercase is longer than
# one character (tests/test_price_scans.py recomputes them over all of Unicode)

UNIT_WORDS = {"kilogram": "kg", "kilo": "kg", "kg": "kg", "gram": "g", "g": "g", "liter": "l", "litre": "l",
              "l": "l", "ton": "t", "tonne": "t", "piece": "piece", "head": "head", "pack": "pack",
              "box": "box", "bottle": "bottle", "sack": "sack", "bag": "bag", "pair": "pair", "unit": "unit"}
UNIT = r"(?P<unit>kilograms?|kilos?|kgs?|grams?|g|liters?|litres?|l|tons?|tonnes?|pieces?|head|packs?|boxes|box|" \
       r"bottles?|sacks?|bags?|pairs?|units?)\b"
UNIT_AFTER = re.compile(r"\s*(?P<paren>\()?\s*(?:per|a|an|each|/|for\s+(?:a|an|one|1|each))\s*" + UNIT +
                        r"(?(paren)\s*\))")
NUMBER_WORDS = {"two": "2", "three": "3", "four": "4", "five": "5", "ten": "10", "half a": "0.5"}
UNIT_BEFORE = re.compile(r"(?:\b(?P<qty>a|an|one|1|two|three|four|five|ten|half a|\d+(?:\.\d+)?)\s*)" + UNIT +
                         r"\s+of\s+(?:the\s+)?$", re.I)

MONTHS = {m.lower(): i + 1 for i, m in enumerate(MONTH_NAMES)}
MONTH_RE = (r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
            r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
DATE_PATTERNS = (
    re.compile(MONTH_RE + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>(?:19|20)\d{2})\b)?"),
    re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + MONTH_RE + r"(?:,?\s+(?P<year>(?:19|20)\d{2})\b)?"),
    re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<mnum>\d{2})-(?P<day>\d{2})\b"),
    re.compile(r"\bthe\s+(?P<nth>\d{1,2})(?:st|nd|rd|th)\b"),
    re.compile(r"\b(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"),
    re.compile(r"\b(?P<rel>today|yesterday)\b", re.I),
)


class Amount(NamedTuple):  # made by the thousand: a tuple is cheaper to make than a frozen dataclass
    start: int
    end: int
    value: float
    currency: str | None  # None: a bare number that takes its currency from context
    value_high: float | None = None


class ItemMention(NamedTuple):  # made for every item in a sentence with an amount: tuples are cheap to make
    start: int
    end: int
    item: str
    group: str  # goods, currency or other


class DateMention(NamedTuple):  # likewise
    start: int
    end: int
    day: date
    source: str  # text, article_year or article_date


# ---------------------------------------------------------------- amounts

def parse_number(text: str, currency: str | None) -> float:
    """"9,600" → 9600; "1.2 million" → 1200000; "8.000" won → 8000 (won are never fractional)."""
    parts = text.split()
    number = parts[0]
    if currency == "KPW" and "." in number and DOTTED_THOUSANDS.fullmatch(number):
        number = number.replace(".", "")
    value = float(number.replace(",", ""))
    if len(parts) > 1:
        value *= SCALES[parts[-1].lower()]
    return value


def find_amounts(body: str, start: int = 0, end: int | None = None) -> list[Amount]:
    """Money amounts with a printed currency ("9,600 won", "KPW 5,500", "$0.16"), then bare numbers."""
    end = len(body) if end is None else end
    digits = _digit_run_starts(body, start, end)
    if not digits:
        return []  # every amount holds a digit
    return _amounts_at(body, digits, _mark_starts(body, digits, start), end)


def _digit_run_starts(body: str, start: int, end: int) -> list[int]:
    """Where each run of digits (DIGIT_RUN) in body[start:end] begins.

    str.find per ASCII digit skips through a long text far faster than the regex engine steps through it; text
    holding other decimal digits (Arabic-Indic, fullwidth), which DIGIT_RUN also counts, goes to the regex."""
    if end - start < 200 or _has_other_decimals(body[start:end]):
        return [m.start() for m in DIGIT_RUN.finditer(body, start, end)]
    digits = set()
    for digit in "0123456789":
        found = body.find(digit, start, end)
        while found >= 0:
            digits.add(found)
            found = body.find(digit, found + 1, end)
    return sorted([at for at in digits if at - 1 not in digits])


# the spellings CURRENCY_MARK alternates (literals; "\\$" unescaped), by their last character
CURRENCY_MARK_ENDING: dict[str, list[str]] = {}
for _spellings in CURRENCY_BEFORE.values():
    for _mark in _spellings.replace("\\", "").split("|"):
        CURRENCY_MARK_ENDING.setdefault(_mark[-1], []).append(_mark)


def _mark_starts(body: str, digits: list[int], start: int) -> list[int]:
    """Where PREFIXED can begin in body[start:]: at a currency mark that ends right before a digit run, or one
    whitespace character before it (PREFIXED is a mark, at most one whitespace character and a number). Read off
    the digit runs, this spares a scan of the whole text for marks, which few numbers have."""
    marks = []
    for digit in digits:
        end = digit - 1 if digit > start and body[digit - 1].isspace() else digit
        if end > start:
            for mark in CURRENCY_MARK_ENDING.get(body[end - 1], ()):
                if end - len(mark) >= start and body.startswith(mark, end - len(mark)):
                    marks.append(end - len(mark))
    return sorted(set(marks)) if len(marks) > 1 else marks


def _has_other_decimals(text: str) -> bool:
    """Whether text holds a decimal digit outside ASCII; only the few non-ASCII characters are looked at."""
    if text.isascii():
        return False
    others = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")
    return DIGIT_RUN.search(others) is not None


def _amounts_at(body: str, digits: list[int], marks: list[int], end: int) -> list[Amount]:
    """Amounts beginning at the candidate offsets: digit runs (suffixed, bare) and currency marks (prefixed)."""
    found: list[Amount] = []
    for m in finditer_at(PREFIXED, body, marks, end):
        currency = _currency_of(m, _PREFIXED_GROUPS)
        found.append(Amount(m.start(), m.end(), parse_number(m.group("num"), currency), currency))
    # SUFFIXED and BARE refuse a number right after "," or "." ("9,600" is tried at "9" only)
    digits = [at for at in digits if at == 0 or body[at - 1] not in ".,"]
    for m in finditer_at(SUFFIXED, body, digits, end):
        currency = _currency_of(m, _SUFFIXED_GROUPS)
        found.append(Amount(m.start(), m.end(), parse_number(m.group("num"), currency), currency))
    found = _without_overlaps(found)
    taken_starts, taken_ends = [a.start for a in found], [a.end for a in found]
    for m in finditer_at(BARE, body, _outside(digits, found), end):
        if not _overlaps_taken(m.start(), m.end(), taken_starts, taken_ends):
            found.append(Amount(m.start(), m.end(), parse_number(m.group("num"), None), None))
    return sorted(found, key=lambda a: a.start)


def _outside(starts: list[int], taken: list[Amount]) -> list[int]:
    """The ascending starts that fall in none of the ascending, disjoint taken amounts.

    BARE needs no try inside an amount: a match starting there is dropped, and the digit runs it would cover
    begin after "," or "." (within a number), where BARE cannot match, so skipping it changes nothing."""
    kept, i = [], 0
    for at in starts:
        while i < len(taken) and taken[i].end <= at:
            i += 1
        if i == len(taken) or at < taken[i].start:
            kept.append(at)
    return kept


# the group number of each currency's alternative, in CURRENCY_BEFORE order
_PREFIXED_GROUPS = tuple((c, PREFIXED.groupindex["b" + c]) for c in CURRENCY_BEFORE)
_SUFFIXED_GROUPS = tuple((c, SUFFIXED.groupindex["a" + c]) for c in CURRENCY_BEFORE)


def _currency_of(m: re.Match[str], groups: tuple[tuple[str, int], ...]) -> str:
    for currency, group in groups:
        if m.start(group) >= 0:
            return currency
    raise ValueError("no currency group matched")  # one always does: the currency is not optional


def _overlaps_taken(start: int, end: int, taken_starts: list[int], taken_ends: list[int]) -> bool:
    """Whether start or end - 1 falls inside one of the ascending, disjoint taken spans."""
    i = bisect_right(taken_starts, start) - 1
    if i >= 0 and start < taken_ends[i]:
        return True
    j = bisect_left(taken_starts, end) - 1
    return j >= 0 and end <= taken_ends[j]


def _without_overlaps(amounts: list[Amount]) -> list[Amount]:
    kept: list[Amount] = []
    for a in sorted(amounts, key=lambda a: (a.start, -(a.end - a.start))):
        if not kept or a.start >= kept[-1].end:
            kept.append(a)
    return kept


# ---------------------------------------------------------------- items

@cache
def item_table() -> tuple[tuple[str, str, str], ...]:
    """(surface, canonical item, group) rows of gazetteer/price_items.csv."""
    with resources.files("dnkdata.gazetteer").joinpath("price_items.csv").open(encoding="utf-8") as handle:
        return tuple((r["surface"], r["item"], r["group"]) for r in csv.DictReader(handle))


@cache
def _item_pattern() -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    lookup, alternatives = {}, []
    for surface, item, group in sorted(item_table(), key=lambda r: -len(r[0])):
        lookup[surface.casefold()] = (item, group)
        escaped = re.escape(surface)
        if surface.islower():  # a common noun: any case, plural allowed
            alternatives.append(f"(?i:{escaped}(?:e?s)?)")
        else:
            alternatives.append(escaped)
    return re.compile(r"(?<![\w/])(?:" + "|".join(alternatives) + r")(?![\w/])"), lookup


def find_items(body: str, start: int = 0, end: int | None = None) -> list[ItemMention]:
    pattern, lookup = _item_pattern()
    end = len(body) if end is None else end
    found = []
    for m in _item_matches(pattern, body, start, end):
        key = _singular(m.group(0).casefold(), lookup)
        if key is not None:
            found.append(ItemMention(m.start(), m.end(), *lookup[key]))
    return found


def _item_matches(pattern: re.Pattern[str], body: str, start: int, end: int) -> list[re.Match[str]]:
    """pattern.finditer(body, start, end), trying only where an item's spelling begins (case folded).

    The item pattern begins with a lookbehind, so the regex engine cannot skip ahead on a first character; one
    Aho-Corasick pass over the lowercased window names the candidates. Only the window is read: callers ask
    about single sentences, and most of a body never needs an item."""
    starts = _item_starts(body[start:end])
    if starts is None:
        return list(pattern.finditer(body, start, end))
    return finditer_at(pattern, body, [start + s for s in starts], end)


def _item_starts(text: str) -> list[int] | None:
    """Offsets in text where an item's spelling begins, ignoring case; None when lowercasing text would not be
    exact for an ignore-case regex (a non-ASCII character that re.IGNORECASE equates with an ASCII letter)."""
    automaton = _item_automaton()
    if automaton is None or not text.isascii() and ASCII_ALIKE.search(text):
        return None
    return sorted({stop - length + 1 for stop, length in automaton.iter(text.lower())})


@cache
def _item_automaton() -> ahocorasick.Automaton | None:
    """Every item spelling, lowercased, with its length; None unless all are ASCII (lowercasing keeps offsets)."""
    if not all(surface.isascii() for surface in _item_surfaces()):
        return None
    automaton = ahocorasick.Automaton()
    for surface in _item_surfaces():
        automaton.add_word(surface.lower(), len(surface))
    automaton.make_automaton()
    return automaton


@cache
def _item_surfaces() -> tuple[str, ...]:
    return tuple(surface for surface, _, _ in item_table())


def _singular(text: str, lookup: dict) -> str | None:
    for candidate in (text, text[:-1], text[:-2]):
        if candidate in lookup:
            return candidate
    return None


@lru_cache(maxsize=1024)  # a few spellings, asked about for every price
def unit_of(word: str) -> str:
    word = word.lower()
    for candidate in (word, word[:-1], word[:-2]):
        if candidate in UNIT_WORDS:
            return UNIT_WORDS[candidate]
    return word


@lru_cache(maxsize=1024)  # bounded: a quantity ("200 grams") can be any number
def unit_phrase(qty: str | None, word: str) -> str:
    """"a kilogram" → kg; "200 grams" → "200 g" (values as printed)."""
    unit = unit_of(word)
    if qty is None or qty.lower() in ("a", "an", "one", "1"):
        return unit
    return f"{NUMBER_WORDS.get(qty.lower(), qty)} {unit}"


# ---------------------------------------------------------------- dates

def find_dates(body: str, start: int, end: int, published: date | None) -> list[DateMention]:
    """Full dates ("May 25, 2024"), month and day with the article's year, and days relative to the article
    date ("as of Sunday", "the 27th", "yesterday"). A date that cannot be told is left out, never guessed."""
    pattern_starts = _date_starts(body, start, end)
    if not pattern_starts:
        return []
    found: dict[int, DateMention] = {}
    for pattern, starts in zip(DATE_PATTERNS, pattern_starts):
        if starts is None:
            matches = pattern.finditer(body, start, end)
        elif starts:
            matches = finditer_at(pattern, body, starts, end)
        else:
            continue  # the word it needs is missing
        for m in matches:
            resolved = _resolve(m, published)
            if resolved is not None and not any(d.start <= m.start() < d.end for d in found.values()):
                found[m.start()] = DateMention(m.start(), m.end(), *resolved)
    return sorted(found.values(), key=lambda d: d.start)


# the words each of DATE_PATTERNS needs, lowercased, by pattern number: a month name (day-month dates need one
# too), "the" before an ordinal day, a weekday, "today" or "yesterday"; with the one way the pattern spells the
# word's first letter ("Mar", never "mar"), None for a case-blind pattern. "the" is in most sentences: the ordinal
# it needs too ("27th": a digit and a suffix) has a slot of its own, so a sentence without one skips the pattern.
_ORDINAL = len(DATE_PATTERNS)
_DATE_WORDS = {**{month[:3]: (0, month[0].upper()) for month in MONTHS}, "the": (3, "t"),
               **{day: (4, day[0].upper()) for day in WEEKDAYS}, "today": (5, None), "yesterday": (5, None),
               **{digit + suffix: (_ORDINAL, None) for digit in "0123456789" for suffix in ("st", "nd", "rd", "th")}}


def _date_starts(body: str, start: int, end: int) -> list[list[int] | None]:
    """For each of DATE_PATTERNS, the offsets in body[start:end] where a match can begin, or None: scan it all;
    [] when no pattern can match (so in most sentences that hold a price).

    One Aho-Corasick pass over the lowercased window finds the words the patterns need; a pattern whose word is
    missing is not run, and the others are tried only where their word begins."""
    window = body[start:end]
    lowered = window.lower()
    if len(lowered) != len(window):
        return [None] * len(DATE_PATTERNS)  # lowercasing moved the offsets
    starts: list[list[int]] = [[], [], [], [], [], [], []]  # one per pattern, and the ordinals
    for stop, (pattern, length, first) in _date_automaton().iter(lowered):
        at = start + stop - length + 1
        if first is None or body[at] == first:
            starts[pattern].append(at)
    months, the, weekdays, relative, ordinals = starts[0], starts[3], starts[4], starts[5], starts[_ORDINAL]
    if the and not ordinals and not _has_other_decimals(window):
        the = []  # "the 27th" needs an ordinal (with a decimal digit outside ASCII, which \d takes too, try it)
    hyphen, long_s = "-" in window, "ſ" in window  # ISO dates; re.IGNORECASE reads "ſ" as "s" ("yeſterday")
    if not (months or the or weekdays or relative or hyphen or long_s):
        return []
    return [sorted(months), None if months else [], None if hyphen else [], sorted(the), sorted(weekdays),
            None if long_s else sorted(relative)]


@cache
def _date_automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for word, (pattern, first) in _DATE_WORDS.items():
        automaton.add_word(word, (pattern, len(word), first))
    automaton.make_automaton()
    return automaton


def _resolve(m: re.Match[str], published: date | None) -> tuple[date, str] | None:
    groups = m.groupdict()
    try:
        if groups.get("month") or groups.get("mnum"):
            month = int(groups["mnum"]) if groups.get("mnum") else _month(groups["month"])
            if groups.get("year"):
                return date(int(groups["year"]), month, int(groups["day"])), "text"
            return (_with_article_year(month, int(groups["day"]), published), "article_year") if published else None
        if published is None:
            return None
        if groups.get("nth"):
            return _last_nth(int(groups["nth"]), published), "article_date"
        if groups.get("weekday"):
            back = (published.weekday() - WEEKDAYS.index(groups["weekday"].lower())) % 7
            return published - timedelta(days=back), "article_date"
        return published - timedelta(days=1 if groups["rel"].lower() == "yesterday" else 0), "article_date"
    except ValueError:  # "February 30", a day that does not exist
        return None


def _month(text: str) -> int:
    return next(i for name, i in MONTHS.items() if name.startswith(text.lower().rstrip(".")[:3]))


def _with_article_year(month: int, day: int, published: date) -> date:
    """The article's year, or the year before when that day would lie well after the article (a December date
    in a January story)."""
    candidate = date(published.year, month, day)
    return candidate if candidate <= published + timedelta(days=7) else date(published.year - 1, month, day)


def _last_nth(day: int, published: date) -> date:
    """"on the 27th": the latest 27th on or before the article date."""
    if day <= published.day:
        return published.replace(day=day)
    previous_month = published.replace(day=1) - timedelta(days=1)
    return previous_month.replace(day=day)
