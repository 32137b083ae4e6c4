"""Reference data (places, officials, role words) and the place matcher.

The data are CSV files beside this module; this code only loads them and matches spellings in text with one
Aho–Corasick automaton, then lets the generic word after a name ("county", "Province", "-si") and the provinces
named elsewhere in the article choose between places that share a spelling. What context cannot settle is left
unresolved rather than guessed.
"""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import product
from importlib import resources
from typing import NamedTuple

import ahocorasick_rs

DATA_FILES = ("places.csv", "foreign.csv", "officials.csv", "roles.csv", "price_items.csv")
PROVINCE_LEVELS = ("province", "special_city")

# Generic words after a name and the level they point to; also part of the mention ("Onchon county").
GENERIC_AFTER = re.compile(
    r"(?:\s+(?P<word>Provinces?|provinces?|Counties|County|county|counties|City|city|District|district|"
    r"Special City|special city|Mine|mine|Market|market|Station|station)\b"
    r"|-(?P<suffix>do|gun|si|guyok|dong|ri)\b)")
LEVEL_OF_WORD = {"province": "province", "provinces": "province", "county": "county", "counties": "county",
                 "city": "city", "district": "district", "special city": "special_city",
                 "do": "province", "gun": "county", "si": "city", "guyok": "district", "dong": "district", "ri": "town"}
NOT_A_PLACE_AFTER = re.compile(r"\s+(?:River|river|Stream|stream|Strait|Valley|Dynasty|dynasty|[Cc]lan|[Dd]ollars?)\b")
PERSON_LIKE = re.compile(r"^(?:Kim|Ri|Pak|Choe|Jo|Jang|Kang|Han|O|Jong|Hwang|Yun|An|Song|Mun|Nam|Ju|Jon|Ko|Sin|Yang)"
                         r"(?:\s+[A-Z][a-z]+){1,2}$")
# What follows a name, in one match: a word that makes it no place (first, as it is tried first), else the
# generic word of GENERIC_AFTER.
AFTER_NAME = re.compile(r"(?P<not_a_place>" + NOT_A_PLACE_AFTER.pattern + ")|" + GENERIC_AFTER.pattern)
LEVEL_BEFORE = re.compile(r"(?P<word>city|county|town|district|province) of\s+$", re.I)


@dataclass(frozen=True)
class Place:
    place_id: str
    name: str
    level: str
    province: str | None
    country_code: str
    iso_3166_2: str | None
    lat: float | None
    lon: float | None
    name_hangul: str | None
    variants: tuple[str, ...]


@dataclass(frozen=True)
class PlaceMention:
    place: Place
    start: int
    end: int  # end of the surface form, generic word included
    surface: str


@dataclass(frozen=True)
class Person:
    person_id: str
    name: str
    variants: tuple[str, ...]
    country_code: str
    category: str
    posts: str


def _read_csv(name: str) -> list[dict[str, str]]:
    with resources.files(__name__).joinpath(name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _float(value: str) -> float | None:
    return float(value) if value.strip() else None


def _variants(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split("|") if v.strip())


@cache
def places() -> tuple[Place, ...]:
    """North Korean places then foreign places, in file order (sorted by place_id)."""
    rows = [Place(r["place_id"], r["name"], r["level"], r["province"] or None, "KP", r["iso_3166_2"] or None,
                  _float(r["lat"]), _float(r["lon"]), r["name_hangul"] or None, _variants(r["variants"]))
            for r in _read_csv("places.csv")]
    rows += [Place(r["place_id"], r["name"], r["level"], None, r["country_code"], None,
                   _float(r["lat"]), _float(r["lon"]), r.get("name_hangul") or None, _variants(r["variants"]))
             for r in _read_csv("foreign.csv")]
    return tuple(rows)


def site_in(place: Place, noun_phrase: str) -> Place:
    """A named site whose name is a listed place's and noun_phrase ("Sinuiju" + "Station"): level site, in that
    place's province, with no coordinates (the gazetteer does not list it)."""
    province = place.name if place.level in PROVINCE_LEVELS else place.province
    slug = re.sub(r"[^a-z0-9]+", "-", fold(noun_phrase)).strip("-")
    return Place(f"{place.place_id}-{slug}", f"{place.name} {noun_phrase}", "site", province, place.country_code,
                 place.iso_3166_2, None, None, None, ())


@cache
def people() -> tuple[Person, ...]:
    return tuple(Person(r["person_id"], r["name"], _variants(r["variants"]), r["country_code"], r["category"],
                        r["posts"]) for r in _read_csv("officials.csv"))


@cache
def role_terms(kind: str) -> tuple[str, ...]:
    """Role lexicon terms of one kind (head, modifier, exclude), longest first."""
    terms = {r["term"].strip() for r in _read_csv("roles.csv") if r["kind"] == kind}
    return tuple(sorted(terms, key=lambda t: (-len(t), t)))


@cache
def data_version() -> str:
    """A fingerprint of the reference data: part of the build cache key and the manifest."""
    digest = hashlib.sha256()
    for name in DATA_FILES:
        digest.update(resources.files(__name__).joinpath(name).read_bytes())
    return digest.hexdigest()[:16]


APOSTROPHES = re.compile(r"['’`ʼ‘]")


NON_ASCII = re.compile(r"[^\x00-\x7f]")


def without_combining_marks(text: str) -> str:
    """text without its combining marks (the diacritics NFKD splits off). Only the distinct non-ASCII characters
    are looked up, so a long text with curly quotes costs one regex scan rather than a Python step per character."""
    marks = {c for c in set(NON_ASCII.findall(text)) if unicodedata.combining(c)}
    return text.translate(dict.fromkeys(map(ord, marks))) if marks else text


def fold(text: str) -> str:
    """Spelling key: no diacritics or apostrophes, hyphens as spaces, casefolded."""
    if not text.isascii():  # ASCII has nothing to decompose
        text = without_combining_marks(unicodedata.normalize("NFKD", text))
    text = APOSTROPHES.sub("", text).replace("-", " ")
    return " ".join(text.split()).casefold()  # runs of whitespace as one space, none at the ends


def spellings(place: Place) -> set[str]:
    """Surface spellings to look for: the name, its variants, and their forms without apostrophes or breves, or
    with a curly apostrophe for a straight one ("People’s")."""
    out: set[str] = set()
    for form in (place.name, *place.variants):
        plain = without_combining_marks(unicodedata.normalize("NFKD", form))
        out.update({form, plain, re.sub(r"['’`ʼ]", "", plain), plain.replace("'", "’")})
    return {s for s in out if len(s) >= 3}


class _Spelling(NamedTuple):
    candidates: tuple[Place, ...]  # the places it may name
    minor_only: bool  # all of them districts or towns
    derived: bool = False  # only a legacy spelling made by legacy_spellings, not one listed in the data


# An o with a breve in McCune–Reischauer: older English texts (Daily NK's before about 2012 among them) often
# write it "u": Onsŏng as "Onsung", P'yŏngsŏng as "Pyongsung". More than three in one name is never seen.
O_BREVE = re.compile("[ŏŎ]")
MAX_BREVES = 3


def legacy_spellings(form: str) -> set[str]:
    """The forms of an McCune–Reischauer spelling with one or more of its ŏ written "u" (the all-"o" form is the
    plain spelling itself), without diacritics or apostrophes."""
    breves = [m.start() for m in O_BREVE.finditer(form)]
    if not breves or len(breves) > MAX_BREVES:
        return set()
    out = set()
    for choice in product("ou", repeat=len(breves)):
        if "u" not in choice:
            continue
        letters = list(form)
        for at, letter in zip(breves, choice):
            letters[at] = letter if form[at] == "ŏ" else letter.upper()
        plain = without_combining_marks(unicodedata.normalize("NFKD", "".join(letters)))
        out.add(APOSTROPHES.sub("", plain))
    return {s for s in out if len(s) >= 3}


@cache
def _place_automaton() -> tuple[ahocorasick_rs.AhoCorasick, list[_Spelling]]:
    """One automaton over every spelling (a DFA: quickest to run), and each spelling's places by its index."""
    table: dict[str, list[Place]] = {}
    for place in places():
        for form in spellings(place):
            # of North Korea's own names only the long one, which holds South Korea's ("Republic of Korea"):
            # the others name no location, and "North Korea" in every story would cost a lookup each
            if not _is_north_korea(place) or "Republic of Korea" in form:
                table.setdefault(form, []).append(place)
    derived = _derived_spellings(table)
    table.update(derived)
    automaton = ahocorasick_rs.AhoCorasick(list(table), implementation=ahocorasick_rs.Implementation.DFA)
    spellings_by_index = [_Spelling(tuple(candidates), all(p.level in ("district", "town") for p in candidates),
                                    form in derived)
                          for form, candidates in table.items()]
    return automaton, spellings_by_index


def _is_north_korea(place: Place) -> bool:
    return place.level == "country" and place.country_code == "KP"  # never a location row


def _derived_spellings(listed: dict[str, list[Place]]) -> dict[str, list[Place]]:
    """Legacy spellings of North Korean places that no listed spelling already takes: a form another place owns
    ("Sunchon" from Sŏnch'ŏn) is left to that place rather than made ambiguous."""
    derived: dict[str, list[Place]] = {}
    for place in places():
        if place.country_code != "KP" or _is_north_korea(place):
            continue
        for form in (place.name, *place.variants):
            for spelling in legacy_spellings(form):
                if spelling not in listed and place not in derived.setdefault(spelling, []):
                    derived[spelling].append(place)
    return derived


LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def overlapping_matches(automaton: ahocorasick_rs.AhoCorasick, text: str) -> list[tuple[int, int, int]]:
    """(word index, start, end) of every match of automaton's words in text, overlaps included.

    ahocorasick-rs reads text as UTF-8, which a lone surrogate (a JSON escape can make one) has none of: such
    text is read with U+FFFD in its place, one character for one, which no word holds, so the matches are the same.
    """
    try:
        return automaton.find_matches_as_indexes(text, overlapping=True)
    except UnicodeEncodeError:
        return automaton.find_matches_as_indexes(LONE_SURROGATE.sub("\ufffd", text), overlapping=True)


def _is_word_edge(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not after.isalnum()


def _raw_matches(text: str) -> list[tuple[int, int, _Spelling]]:
    """Longest, leftmost, word-bounded spellings in text."""
    automaton, spelling_of = _place_automaton()
    found = []
    for form, start, end in overlapping_matches(automaton, text):
        if _is_word_edge(text, start, end):
            found.append((start, end, spelling_of[form]))
    found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    kept, last_end = [], -1
    for start, end, spelling in found:
        if start >= last_end:
            kept.append((start, end, spelling))
            last_end = end
    return kept


def _level_hint(text: str, start: int, end: int, after: re.Match[str] | None) -> tuple[str | None, int]:
    """The level named by a generic word next to the name, and where the mention ends.

    after: GENERIC_AFTER.match(text, end), or its equal from AFTER_NAME."""
    if after:
        word = (after.group("word") or after.group("suffix") or "").lower()
        return LEVEL_OF_WORD.get(word), after.end()
    window = text[max(0, start - 20):start]
    before = LEVEL_BEFORE.search(window) if _ends_with_of(window) else None
    if before:
        return LEVEL_OF_WORD.get(before.group("word").lower()), end
    return None, end


def _ends_with_of(window: str) -> bool:
    """"of" and then whitespace to the end: LEVEL_BEFORE can match only then, so its search is skipped elsewhere."""
    stripped = window.rstrip()
    return len(stripped) < len(window) and stripped[-2:].lower() == "of"


def _needs_level_word(surface: str, spelling: _Spelling, provinces_in_text: list[str]) -> bool:
    """Spellings that are also personal names (Kim Jong Suk) or short district names (Chung) count as places
    only with their generic word ("Kim Jong Suk County", "Chung District"); so do legacy spellings, which can be
    another country's place ("Chungju" is a South Korean city): "Onsung County", or "Hoeryung" in a story that
    names its province, not a bare "Hoeryung"."""
    if spelling.derived:
        return not any(place.province in provinces_in_text for place in spelling.candidates)
    return _person_like_or_short(surface) if spelling.minor_only else bool(PERSON_LIKE.match(surface))


COMMA_AFTER_NAME = re.compile(r",\s*")
LOCATOR_COMMA = re.compile(r"\s*,\s*")


def locates(text: str, place: PlaceMention, province: PlaceMention) -> bool:
    """"Hyesan, Yanggang Province": a province mention right after a place of that province, a comma apart, says
    where the place lies."""
    return province.place.level == "province" and place.place.level != "province" and \
        place.place.province == province.place.name and place.end <= province.start and \
        LOCATOR_COMMA.fullmatch(text, place.end, province.start) is not None


def _located_by_its_province(text: str, end: int, spelling: _Spelling, matches: list[tuple[int, int, _Spelling]],
                             following: int) -> bool:
    """"Taean, Nampo": a short or legacy spelling counts when its own province or special city follows it, a comma
    apart (matches[following] is the next spelling found in text)."""
    comma = COMMA_AFTER_NAME.match(text, end)
    if comma is None or following >= len(matches) or matches[following][0] != comma.end():
        return False
    provinces = {p.name for p in matches[following][2].candidates if p.level in PROVINCE_LEVELS}
    return any(place.province in provinces for place in spelling.candidates)


@lru_cache(maxsize=8192)  # spellings repeat across mentions and articles
def _person_like_or_short(surface: str) -> bool:
    return bool(PERSON_LIKE.match(surface)) or len(fold(surface).replace(" ", "")) <= 5


def _narrow(candidates: tuple[Place, ...], hint: str | None, provinces_in_text: list[str]) -> Place | None:
    """One place for a spelling, or None when the context does not settle it."""
    if len(candidates) == 1:
        return candidates[0]  # what the steps below leave of a single candidate
    pool = list(candidates)
    if hint:
        same_level = [p for p in pool if p.level == hint or (hint == "province" and p.level == "special_city")]
        pool = same_level or pool
    if len(pool) > 1:
        by_province = [p for p in pool if p.province in provinces_in_text]
        pool = by_province or pool
    if len(pool) > 1:
        broad = [p for p in pool if p.level in PROVINCE_LEVELS]
        pool = broad if len(broad) == 1 else pool  # "Pyongyang" the city and its province share one row anyway
    return pool[0] if len(pool) == 1 else None


def find_places(text: str) -> tuple[list[PlaceMention], list[str]]:
    """Every resolvable place mention in text, and the spellings left unresolved (ambiguous)."""
    matches = _raw_matches(text)
    # places named by a listed spelling of one place (a legacy form must not vouch for its own province)
    sure = [spelling.candidates[0] for _, _, spelling in matches
            if len(spelling.candidates) == 1 and not spelling.derived]
    provinces_in_text = [p.name for p in sure if p.level in PROVINCE_LEVELS] + [p.province for p in sure if p.province]
    mentions, unresolved = [], []
    for k, (start, end, spelling) in enumerate(matches):
        after = AFTER_NAME.match(text, end)
        if after and after.group("not_a_place") is not None:
            continue  # the Tumen River, the Koryo dynasty: not the place of that name
        hint, mention_end = _level_hint(text, start, end, after)
        if hint is None and _needs_level_word(text[start:end], spelling, provinces_in_text) and \
                not _located_by_its_province(text, end, spelling, matches, k + 1):
            continue
        place = _narrow(spelling.candidates, hint, provinces_in_text)
        if place is None:
            unresolved.append(text[start:end])
            continue
        if _is_north_korea(place):
            continue  # found only so that "Democratic People's Republic of Korea" is not read as South Korea
        mentions.append(PlaceMention(place, start, mention_end, text[start:mention_end]))
    mentions += _paired_provinces(text, mentions)
    mentions.sort(key=lambda m: m.start)
    return mentions, unresolved


PAIRED = re.compile(r"\b(North|South) and (North|South) (Hamgyong|Pyongan|Hwanghae|Hamkyung|Pyeongan|Hamgyeong)\b")


def _paired_provinces(text: str, mentions: list[PlaceMention]) -> list[PlaceMention]:
    """"North and South Hamgyong provinces" names two provinces; the second is found by spelling, the first here."""
    if "h and " not in text:
        return []  # every PAIRED match holds "North and " or "South and "
    by_name = _provinces_by_folded_name()
    extra = []
    for m in PAIRED.finditer(text):
        place = by_name.get(fold(f"{m.group(1)} {m.group(3)}"))
        if place:
            hint_end = GENERIC_AFTER.match(text, m.end())
            end = hint_end.end() if hint_end else m.end()
            extra.append(PlaceMention(place, m.start(), end, text[m.start():end]))
    return extra


@cache
def _provinces_by_folded_name() -> dict[str, Place]:
    return {fold(p.name): p for p in places() if p.level == "province"}
