"""Officials: named office-holders (from the register, or a name right after an official title) and unnamed
groups defined by a role ("farm inspectors in Ushi county"), each with the organization and place the text ties
to it. Role words come from gazetteer/roles.csv; people from gazetteer/officials.csv.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache, lru_cache
from operator import attrgetter

from dnkdata import gazetteer
from dnkdata.extract.speakers import KOREAN_NAME, PLACE_SPECIFICITY, SURNAMES
from dnkdata.extract.text import (MONTH_NAMES, WEEKDAY_NAMES, SpanUnion, finditer_at, literal_starts,
                                  literal_starts_anycase, official_id, trie_pattern)
from dnkdata.gazetteer import PlaceMention

TITLE_WORDS = {"leader", "secretary", "director", "premier", "minister", "chairman", "chairwoman", "president",
               "head", "chief", "general", "marshal", "deputy", "vice", "first", "party", "organization",
               "department", "committee", "guidance", "military", "government", "supreme", "state", "affairs",
               "foreign", "defense", "defence", "security", "korean", "north", "south", "central", "commander",
               "ambassador", "spokesperson", "envoy", "representative", "mayor", "prosecutor", "member"}
TITLE_HEADS = {"leader", "secretary", "director", "premier", "minister", "chairman", "chairwoman", "president",
               "head", "chief", "general", "marshal", "commander", "ambassador", "envoy", "mayor", "prosecutor",
               "member", "spokesperson", "representative"}
TITLE_BEFORE_NAME = re.compile(
    r"\b(?:[Pp]remier|[Mm]inister|[Dd]irector|[Ss]ecretary|[Cc]hairman|[Cc]hairwoman|[Mm]arshal|[Gg]eneral|"
    r"[Pp]resident|[Cc]hief|[Cc]ommander|[Hh]ead|[Aa]mbassador|[Dd]eputy|[Ll]eader|[Pp]rosecutor|[Mm]ayor|"
    r"[Vv]ice[- ][Pp]remier)\s+(?P<name>" + KOREAN_NAME + r")\b")
APPOSITIVE = re.compile(
    r"(?P<name>" + KOREAN_NAME + r"),\s+(?P<role>(?:the\s+|a\s+|former\s+|then-)*(?:head|director|chairman|secretary|"
    r"minister|chief|premier|commander|member|vice|deputy|first)\b[^,.;:]{0,80})")
TITLE_STARTS = tuple(w for word in ("premier", "minister", "director", "secretary", "chairman", "chairwoman",
                                    "marshal", "general", "president", "chief", "commander", "head", "ambassador",
                                    "deputy", "leader", "prosecutor", "mayor", "vice")
                     for w in (word, word.capitalize()))  # every TITLE_BEFORE_NAME match begins with one
POSSESSIVE_AFTER = re.compile(r"[’']s\b")
NEXT_WORD = re.compile(r"\s+([A-Za-z][\w’'\-]*)")
NAME_AFTER = re.compile(r"\s+" + KOREAN_NAME)
NON_SPACE = re.compile(r"\S+")
TOKEN = re.compile(r"[\w’'\-]+|,")
TITLE_HEAD_WORDS = (r"(?:secretary|director|minister|premier|chairman|chairwoman|chief|commander|head|president|"
                    r"leader|ambassador|mayor|prosecutor)")
TITLE_OF = r"(?:\s+of\s+(?:the\s+)?[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*){0,4})?"  # "chief of the General Staff"
TITLE_APPOSITIVE_BEFORE = re.compile(
    r"(?P<role>\b(?:[Tt]he\s+)?(?:[\w’'\-]+\s+){0,5}?" + TITLE_HEAD_WORDS + TITLE_OF + r"),\s+(?P<name>"
    + KOREAN_NAME + r"),")
TITLE_BEFORE_COMMA = re.compile(TITLE_HEAD_WORDS + TITLE_OF + r",\s+" + KOREAN_NAME)
COMMA_NAME = re.compile(r",\s+" + KOREAN_NAME)  # how every TITLE_BEFORE_COMMA match ends
TITLE_HEAD_LITERALS = tuple(TITLE_HEAD_WORDS[len("(?:"):-1].split("|"))  # every TITLE_BEFORE_COMMA match begins with one
TITLE_APPOSITIVE_BEFORE_AT = re.compile(
    r"(?P<role>\b(?:[Tt]he\s+)?(?:[\w’'\-]+\s+){0,5}?" + TITLE_HEAD_WORDS + TITLE_OF + r"),\s+$")
APPOSITIVE_AFTER = re.compile(
    r",\s+(?P<role>(?:the\s+|a\s+|former\s+|then-)*(?:head|director|chairman|secretary|minister|chief|premier|"
    r"commander|member|vice|deputy|first)\b[^,.;:]{0,80})")
ORG_IN_TEXT = re.compile(
    r"(?:[A-Z][\w’'\-]*\s+)*(?:Committee|Department|Ministry|Commission|Bureau|Command|Party)"
    r"(?:\s+of\s+(?:the\s+)?(?:[A-Z][\w’'\-]*\s*)+)?")
# bodies whose heads hold no office: a research institute, a university, a charity
NON_STATE_BODY = re.compile(r"\b(?:(?i:institute|university|research|foundation|association)|Network|Watch|Friends|"
                            r"NGO|Alliance)\b")
PREPOSITIONS = ("from", "of", "in", "at", "with")  # the ones ATTACHED begins with
NP_WORDS = (r"(?:[A-Z][\w’'\-]*|[\w\-]+[’']s|party|county|city|province|provincial|ruling|local|central|state|"
            r"security|administrative|judicial|and|or|of|your|their|its|his|her|workplace|new|military|the|a)")
# Days and months are capitalised but name no one: "on Tuesday, officials said" is no group "Tuesday, officials"
CALENDAR_WORDS = frozenset(WEEKDAY_NAMES + MONTH_NAMES)
ATTACHED = re.compile(
    r"\s+(?P<prep>" + "|".join(PREPOSITIONS) + r")\s+(?P<np>(?:" + NP_WORDS + r",?\s+){0,6}"
    r"(?:committees?|departments?|ministry|ministries|agencies|offices?|bureaus?|units|county|province|city|"
    r"district|military|Committee|Department|Ministry|Office|Bureau|Province|County|City|District|Command|"
    r"(?!(?:" + "|".join(sorted(CALENDAR_WORDS)) + r")\b)"  # "local police in February": a time, no body
    r"[A-Z][\w’'\-]+)(?:\s+of\s+[A-Z][\w\-]+)?)(?=[\s,.;:’'”)]|$)")
ORG_NOUN = re.compile(r"\b(?:committees?|departments?|ministry|ministries|agencies|offices?|bureaus?|units|"
                      r"military|Committee|Department|Ministry|Office|Bureau|Command|Party|Cabinet)\b")
DETERMINERS = {"several", "some", "many", "corrupt", "the", "these", "those", "all", "other", "certain", "two",
               "three", "few", "numerous", "a", "an", "its", "their", "his", "her", "your", "our"}
RANKS = {"key", "top", "major"}
ADJECTIVE_LIKE = re.compile(r"^[a-z]+(?:al|ive|ic|ary)$")
STOPWORDS = {"of", "the", "and", "or", "a", "an", "for", "in", "on"}
ORG_HEAD_WORDS = {"committee", "committees", "department", "ministry", "bureau", "office", "agency", "command",
                  "league", "union"}  # they end a noun phrase of their own ("… party committee and farm inspectors")
SENTENCE_OPENERS = {"When", "If", "As", "While", "After", "Before", "Since", "But", "Meanwhile", "During", "Then",
                    "This", "That", "However", "Although", "Because", "Under", "With", "By", "At", "From", "To",
                    "Even", "Also", "Only", "Now", "Still", "Yet", "Both", "Most", "Such", "Just", "So", "Instead",
                    "Indeed", "Recently", "Later", "Earlier", "Last", "Next", "Some", "Many", "All", "Other", "Few",
                    "Here", "There", "These", "Those", "Their", "His", "Her", "Its", "Our", "Your", "And", "Or"}
FUNCTION_WORDS = {"of", "from", "in", "at", "with", "who", "that", "which", "and", "or", "to", "for", "on", "by",
                  "said", "told", "were", "are", "was", "is", "have", "has", "had", "will", "would", "also",
                  "reportedly", "recently", "then", "have", "being", "say", "says", "claimed", "began", "must",
                  "can", "could", "should", "did", "do", "took", "made", "appear", "seem", "tend", "now"}
ADJECTIVAL_HEADS = {"official", "chief", "officer", "agent", "judge", "secretary", "director", "manager", "minister"}
COMPOUND_NOUNS = {"station", "stations", "box", "car", "cars", "department", "office", "building", "headquarters",
                  "investigation", "investigations", "report", "reports", "duty", "statement", "statements", "media",
                  "visit", "visits", "documents", "records", "uniform", "uniforms", "crackdown", "crackdowns",
                  "state", "figures", "channels", "line", "organization", "posts", "position", "positions", "status",
                  "boxes", "post", "van", "vans", "vehicle", "vehicles", "checkpoint", "checkpoints", "detention",
                  "center", "centers", "centre", "dog", "dogs"}


@dataclass
class OfficialRow:
    official_id: str
    article_id: str
    kind: str
    name: str | None
    person_id: str | None
    role: str | None
    organization: str | None
    place: str | None
    mention: str
    char_start: int
    mention_count: int
    group_key: str  # what the official_id hashes: person_id, or the group's key (not a table column)


@dataclass(slots=True)  # made for every head and name: slots make them quicker to build and read
class _Hit:
    key: str  # person_id or folded role: one row per key
    kind: str
    start: int
    end: int
    name: str | None = None
    person_id: str | None = None
    role: str | None = None
    organization: str | None = None
    place: str | None = None
    context: tuple[int, int] | None = None  # a named official's name with its title or appositive role


@cache
def _register() -> tuple[re.Pattern[str], dict[str, gazetteer.Person]]:
    by_form: dict[str, gazetteer.Person] = {}
    for person in gazetteer.people():
        for form in (person.name, *person.variants):
            by_form[gazetteer.fold(form)] = person
    forms = {f for p in gazetteer.people() for f in (p.name, *p.variants)}
    pattern = re.compile(r"(?<![\w’'])(?:" + trie_pattern(forms) + r")(?![\w]|-\w)")  # = forms longest first
    return pattern, by_form


@cache
def _register_forms() -> tuple[str, ...]:
    return tuple(sorted({f for p in gazetteer.people() for f in (p.name, *p.variants)}))


@cache
def _heads() -> re.Pattern[str]:
    heads = {h.lower() for h in gazetteer.role_terms("head")}  # under re.I case does not tell terms apart
    return re.compile(r"(?<![\w\-])(?:" + trie_pattern(heads) + r")(?![\w\-])", re.I)  # = heads longest first


@cache
def _excludes() -> tuple[str, ...]:
    return gazetteer.role_terms("exclude")


@cache
def _modifiers() -> tuple[str, ...]:
    return gazetteer.role_terms("modifier")


_fold = lru_cache(maxsize=8192)(gazetteer.fold)  # roles and heads repeat across mentions and articles


def _find_heads(body: str) -> list[re.Match[str]]:
    """_heads() matches in body, tried only where a head word begins (case-insensitively)."""
    starts = literal_starts_anycase(gazetteer.role_terms("head"), body)
    return list(_heads().finditer(body)) if starts is None else finditer_at(_heads(), body, starts)


@cache
def _modifier_words() -> frozenset[str]:
    """Single words of the modifier lexicon ("state security" gives state, security), without stopwords."""
    words = {w.lower() for term in _modifiers() for w in term.split()}
    return frozenset(words - STOPWORDS - ORG_HEAD_WORDS)


def extract_officials(article_id: str, body: str, places: list[PlaceMention]) -> list[OfficialRow]:
    """Named officials and official groups of one body, one row each, first mention first."""
    named = _named_hits(body)
    title_spans = [h.context for h in named if h.context]
    groups = _group_hits(body, places, title_spans)
    return _rows(article_id, body, named + groups)


# ---------------------------------------------------------------- named

def _named_hits(body: str) -> list[_Hit]:
    """Register people anywhere, and unregistered Korean names next to an official title."""
    pattern, by_form = _register()
    hits = []
    for m in finditer_at(pattern, body, literal_starts(_register_forms(), body)):
        person = by_form[_fold(m.group(0))]
        hits.append(_named_hit(body, m.start(), m.end(), person.name, person.person_id))
    taken = _TakenSpans([(h.start, h.end) for h in hits])
    titled = finditer_at(TITLE_BEFORE_NAME, body, literal_starts(TITLE_STARTS, body))
    if APPOSITIVE_AFTER.search(body):  # every APPOSITIVE match ends with one; few bodies hold any
        titled += finditer_at(APPOSITIVE, body, literal_starts(SURNAMES, body))
    if _has_title_before_comma(body):  # the costly pattern runs only where a title stands before a comma
        titled += TITLE_APPOSITIVE_BEFORE.finditer(body)
    for m in sorted(titled, key=lambda m: m.start("name")):
        start, end = m.start("name"), m.end("name")
        if taken.holds(start):
            continue
        if NON_STATE_BODY.search(m.group(0)):
            continue  # "Cho, the director of a farmers’ research institute": no state, party or military office
        name = m.group("name").replace("-", " ")
        hits.append(_named_hit(body, start, end, name, _slug(name)))
        taken.add_in_order(start, end)
    return hits


class _TakenSpans:
    """any(s <= pos < e for s, e in taken) for the spans already taken by a name, without a look at each: a body
    of thousands of titled names would cost their number squared.

    The register's spans are merged once (one bisection per question). Spans added later come in order of start
    and are asked about in that order, so every one of them starts at or before pos, and only their greatest end
    matters."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.register = SpanUnion(spans)
        self.added_reach = -1  # the greatest end of the spans added since
        self.last_asked = -1

    def holds(self, pos: int) -> bool:
        assert pos >= self.last_asked, "asked in order of position"
        self.last_asked = pos
        return pos in self.register or self.added_reach > pos

    def add_in_order(self, start: int, end: int) -> None:
        assert start <= self.last_asked, "added at the position last asked about"
        self.added_reach = max(self.added_reach, end)


def _has_title_before_comma(body: str) -> bool:
    """TITLE_BEFORE_COMMA.search(body), trying only where a title word begins, in bodies with a comma before a
    Korean name."""
    if not _has_comma_name(body):
        return False
    return any(TITLE_BEFORE_COMMA.match(body, start) for start in literal_starts(TITLE_HEAD_LITERALS, body))


def _has_comma_name(body: str) -> bool:
    """COMMA_NAME.search(body), tried only at the commas that whitespace and a surname follow: the surnames'
    starts come from the literal scan, where searching for the pattern would try every surname after every comma."""
    for start in literal_starts(SURNAMES, body):
        index = start - 1
        while index >= 0 and body[index].isspace():
            index -= 1
        if index < start - 1 and index >= 0 and body[index] == "," and COMMA_NAME.match(body, index):
            return True
    return False


def _named_hit(body: str, start: int, end: int, name: str, person_id: str) -> _Hit:
    """A named official with the role written before ("party secretary Jo Yong Won") or around the name
    ("The provincial party secretary, Ri Hi Yong," / "Kim Jae Ryong, the head of …"); the span of that role
    text is kept so its role words are not counted again as an unnamed group."""
    role, org, role_start = _title_before(body, start)
    context = (role_start if role else start, end)
    before = TITLE_APPOSITIVE_BEFORE_AT.search(body[max(0, start - 100):start]) if _after_comma(body, start) else None
    after = APPOSITIVE_AFTER.match(body, end)
    if role is None and before:
        role, org = _appositive_role(before.group("role"))
        context = (start - len(before.group(0)), end)
    if role is None and after:
        role, org = _appositive_role(after.group("role"))
        context = (start, after.end())
    return _Hit(person_id, "named", start, end, name, person_id, role, org, context=context)


def _after_comma(body: str, start: int) -> bool:
    """A comma and then only whitespace before start (within 100 characters): TITLE_APPOSITIVE_BEFORE_AT can only
    match there, so the costly search is skipped elsewhere."""
    floor = max(0, start - 100)
    index = start - 1
    while index >= floor and body[index].isspace():
        index -= 1
    return floor <= index < start - 1 and body[index] == ","


def _title_before(body: str, start: int) -> tuple[str | None, str | None, int]:
    """The title written right before a name ("party organization secretary Jo Yong Won") and where it starts."""
    taken = _title_words(body, max(0, start - 80), start)
    while taken and taken[-1][0].lower() not in TITLE_HEADS:
        taken.pop()
    if not taken:
        return None, None, start
    role = " ".join(word for word, _ in taken)
    org = ORG_IN_TEXT.search(role)
    return role, (org.group(0).strip() if org else None), taken[0][1]


def _title_words(body: str, window_start: int, start: int) -> list[tuple[str, int]]:
    """The title-like words (quotes stripped) that end body[window_start:start], with where each begins; read
    leftwards from the reversed window, one word at a time, as most names follow no title at all."""
    taken: list[tuple[str, int]] = []
    for m in NON_SPACE.finditer(body[window_start:start][::-1]):
        bare = m.group(0)[::-1].strip("’'")
        if bare.lower() in TITLE_WORDS or (bare[:1].isupper() and bare.isalpha() and bare.lower() not in STOPWORDS
                                           and bare not in SENTENCE_OPENERS):
            taken.insert(0, (bare, start - m.end()))
            continue
        break
    return taken


def _appositive_role(role: str) -> tuple[str, str | None]:
    role = re.split(r"\s+and\s+", role.strip())[-1]  # "Premier X and the chief of …": only the last title
    role = re.sub(r"^(?:the|a)\s+", "", role, flags=re.I)
    org = ORG_IN_TEXT.search(role)
    return role, (org.group(0).strip() if org else None)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


# ---------------------------------------------------------------- groups

def _group_hits(body: str, places: list[PlaceMention], title_spans: list[tuple[int, int]]) -> list[_Hit]:
    hits = []
    in_title, korean_places = SpanUnion(title_spans), _KoreanPlaces(places)
    for m in _find_heads(body):
        (head_start, head_end), head = m.span(), m.group(0)
        if head_start in in_title or not _is_role_noun(body, m):
            continue
        if _excluded(body, head_start, head_end):
            continue
        start, role_words, owner = _expand_left(body, head_start)
        end, attached = _expand_right(body, head_end)
        if role_words or attached:
            role_words, organization = _split_organization(role_words, attached)
        else:
            organization = None  # nothing to name one
        if _heads_a_non_state_body(body, head_end):
            continue  # "the director of a farmers’ research institute"
        role = _join(role_words + [head]) if role_words else head
        place = korean_places.most_specific_within(start, end)
        lead = body[start:head_start].strip().lower()
        bare = lead in ("", "the", "these", "those", "such") and attached is None
        hits.append(_Hit(_group_key(head, role, organization, place, bare), "group", start, end,
                         None, None, role, organization, place))
    return _merge_bare(hits)


OF_WHAT = re.compile(r"\s+(?:of|at)\s+[^.,;:“”\"]{0,60}")


def _heads_a_non_state_body(body: str, head_end: int) -> bool:
    """"director of a farm research institute": the body a head leads is a research institute, a university or a
    charity, which gives no office (the words up to the next punctuation are read)."""
    of = OF_WHAT.match(body, head_end)
    return of is not None and NON_STATE_BODY.search(of.group(0)) is not None


def _group_key(head: str, role: str, organization: str | None, place: str | None, bare: bool) -> str:
    """Mentions of one group share a key: same head and place, else same role and organization."""
    head = _fold(head.split()[-1])
    if bare:
        return f"bare|{head}"
    if place:
        return f"place|{head}|{place}"
    return f"role|{_fold(role)}|{_fold(organization or '')}"


def _merge_bare(hits: list[_Hit]) -> list[_Hit]:
    """A bare head ("the inspectors", "Agents") refers back to the last group with that head, if any."""
    resolved: list[tuple[str, str]] = []  # folded role and key of each hit so far that is not bare (any more)
    for hit in hits:
        if hit.key.startswith("bare|"):
            head = hit.key.split("|")[1]
            earlier = next((key for role, key in reversed(resolved) if role.endswith(head)), None)
            if earlier is None:
                continue
            hit.key = earlier
        resolved.append((_fold(hit.role or ""), hit.key))
    return hits


def _is_role_noun(body: str, m: re.Match[str]) -> bool:
    """The head is used as a noun: not "police station", "official media", "the prosecutor’s office" or a title."""
    end = m.end()
    after = body[end:end + 40]
    first = after[:1]
    if first in ("’", "'"):  # a possessor: "the provincial prosecutor’s office" is an institution
        return not POSSESSIVE_AFTER.match(after)
    if not first.isspace():
        return True  # no next word (NEXT_WORD and NAME_AFTER begin with whitespace)
    nxt = NEXT_WORD.match(after)
    if not nxt:
        return True
    word = nxt.group(1)
    if word[:1].isupper() and NAME_AFTER.match(after):  # a Korean name begins with a capital
        return False  # a title before a name
    if _heads().match(after, nxt.start(1)):
        return False  # the first noun of "police officials"
    lower = word.lower()
    if lower in COMPOUND_NOUNS:
        return False
    if word[:1].islower() and lower not in FUNCTION_WORDS and m.group(0).lower() in ADJECTIVAL_HEADS:
        return False
    return True


def _excluded(body: str, start: int, end: int) -> bool:
    """An exclude phrase ending where the head ends ("border guards") wins over the head."""
    head = body[start:end]
    if head.isascii():  # lowercasing keeps its length: only phrases that end with it can end the window
        excludes = _excludes_ending_with(head.lower(), end - start)
        if not excludes:
            return False
    else:
        excludes = _excludes_longer_than(end - start)
    window = body[max(0, start - 40):end].lower()
    return window.endswith(excludes)


@lru_cache(maxsize=1024)  # a few head spellings
def _excludes_ending_with(head: str, length: int) -> tuple[str, ...]:
    """The lowercased exclude phrases longer than length that end with head."""
    return tuple(term for term in _excludes_longer_than(length) if term.endswith(head))


@cache
def _excludes_longer_than(length: int) -> tuple[str, ...]:
    return tuple(term.lower() for term in _excludes() if len(term) > length)


LEFT_WINDOW = 120  # characters before a head where its modifiers are looked for


def _expand_left(body: str, head_start: int) -> tuple[int, list[str], bool]:
    """Modifiers before the head: role words, coordinations, capitalised names, an owner ("Yanggang Province’s").

    Returns where the mention starts, the role words, and whether an owner was found.
    """
    # The tokens before the head, from the right, found one at a time by scanning the window reversed (a token
    # reversed is a token: the runs are the same): the phrase before a head is usually a word or two long, so
    # most of the window is never tokenized.
    tokens = TOKEN.finditer(body[max(0, head_start - LEFT_WINDOW):head_start][::-1])
    start, role_words, pending, owner = head_start, [], [], False
    right_edge, after = head_start, ""  # after: the word right of the current one
    token = next(tokens, None)
    while token is not None:
        token_start, token_end = head_start - token.end(), head_start - token.start()
        gap = body[token_end:right_edge]
        if gap != " " and gap.strip(" "):
            break  # a sentence end, quotation mark or paragraph break ends the phrase
        right_edge = token_start
        word = token.group()[::-1]
        token = next(tokens, None)  # the token before word
        if word in (",", "and", "or") or (word == "of" and after[:1].isupper() and token is not None
                                          and token.group()[-1:].isupper()):
            pending.insert(0, word)
            after = word
            continue
        kind = _modifier_kind(word)
        if kind is None or (pending and kind not in ("role", "name")):
            break
        start = token_start
        after = word
        if kind == "possessive" or owner:
            owner = True  # the owner and what precedes it belong to the mention, not the role
            continue
        role_words[:0] = ([word] if kind in ("role", "name", "rank") else []) + pending
        pending = []
        if kind == "determiner":
            break
    return start, _clean_role(role_words), owner


@lru_cache(maxsize=16384)  # a pure function of the word; words repeat across heads and articles
def _modifier_kind(word: str) -> str | None:
    lower = word.lower()
    if lower in DETERMINERS:
        return "determiner"
    if lower in RANKS:
        return "rank"
    if lower.endswith(("’s", "'s")):
        return "possessive"
    if lower in _modifier_words():
        return "role"
    if word[:1].isupper() and word.isalpha() and word not in SENTENCE_OPENERS and word not in CALENDAR_WORDS:
        return "name"
    if ADJECTIVE_LIKE.match(word):
        return "role"
    return None


def _clean_role(words: list[str]) -> list[str]:
    """Drop leading coordinations and nationality words ("North Korean officials" → officials)."""
    while words and (words[0] in (",", "and", "or", "of") or words[0] in ("North", "South", "Korean", "Chinese")):
        words = words[1:]
    return words


def _join(words: list[str]) -> str:
    return " ".join(words).replace(" ,", ",")


def _expand_right(body: str, head_end: int) -> tuple[int, str | None]:
    after = body[head_end:head_end + 2]
    if not after[:1].isspace() or not after[1:].isspace() and not body.startswith(PREPOSITIONS, head_end + 1):
        return head_end, None  # ATTACHED is whitespace and a preposition first; most heads have neither
    m = ATTACHED.match(body, head_end)
    if not m:
        return head_end, None
    return m.end(), m.group("np")


def _split_organization(role_words: list[str], attached: str | None) -> tuple[list[str], str | None]:
    """The organization is the attached phrase ("from … party committee") or a named body among the modifiers."""
    if attached and ORG_NOUN.search(attached):
        # "Nampo’s Onchon county party committee" → the committee; "people’s units" stays whole
        org = re.sub(r"^(?:the\s+)?(?:[\w\-]+\s+)*?(?:[A-Z][\w\-]*|party)[’']s\s+", "", attached)
        return role_words, re.sub(r"^the\s+", "", org).strip()
    if not role_words:
        return role_words, None  # no modifiers, no organization named among them
    text = _join(role_words)
    org = ORG_IN_TEXT.search(text)
    if not org:
        return role_words, None
    name = org.group(0).strip()
    if name.split()[0] == "Ministry" or " of " in name:
        rest = (text[:org.start()] + text[org.end():]).split()
        return rest, name  # "Ministry of State Security enforcement squads": role enforcement squads
    return role_words, name


class _KoreanPlaces:
    """The North Korean place mentions of a body, looked up by offset range (bisect: mentions come sorted)."""

    def __init__(self, places: list[PlaceMention]):
        self.mentions = [m for m in places if m.place.country_code == "KP"]
        self.starts = [m.start for m in self.mentions]
        self.ordered = self.starts == sorted(self.starts)  # else scan them in the order given

    def most_specific_within(self, start: int, end: int) -> str | None:
        if self.ordered:
            low, high = bisect_left(self.starts, start), bisect_left(self.starts, end)
            if low == high:
                return None
            inside = [m.place for m in self.mentions[low:high]]
        else:
            inside = [m.place for m in self.mentions if start <= m.start < end]
        if not inside:
            return None
        return min(inside, key=lambda p: PLACE_SPECIFICITY.get(p.level, 9)).name


# ---------------------------------------------------------------- rows

def _richness(hit: _Hit) -> tuple[bool, bool, bool]:
    return hit.role is not None, hit.organization is not None, hit.place is not None


def _rows(article_id: str, body: str, hits: list[_Hit]) -> list[OfficialRow]:
    by_key: dict[tuple[str, str], list[_Hit]] = {}
    for hit in sorted(hits, key=attrgetter("start")):
        by_key.setdefault((hit.kind, hit.key), []).append(hit)
    rows = []
    for (kind, key), group in by_key.items():
        first = group[0]
        richest = first if len(group) == 1 else max(group, key=_richness)
        rows.append(OfficialRow(
            official_id=official_id(article_id, kind, key), article_id=article_id, kind=kind,
            name=first.name, person_id=first.person_id, role=richest.role, organization=richest.organization,
            place=richest.place, mention=body[first.start:first.end], char_start=first.start,
            mention_count=len(group), group_key=key))
    return sorted(rows, key=lambda r: (r.char_start, r.kind))
