"""Speakers: who a quote belongs to, following Daily NK's attribution conventions.

An attribution is a speaker phrase next to a verb of saying. The phrase is classified (an anonymous source,
a named person, state media, an organization) and, for "he", "she" or "the source", replaced by its
antecedent: the last source or person named before it. A source's place comes from the places named inside
its phrase; "a source in the province" takes the province named last before it.
"""

from __future__ import annotations

import re
import string
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache, cached_property
from itertools import accumulate
from typing import NamedTuple

from dnkdata import gazetteer
from dnkdata.extract.text import SentenceIndex, finditer_at, literal_starts, trie_pattern

SPEECH_VERBS = (
    r"said|says|say|added|adds|explained|explains|noted|notes|told|tells|reported|reports|stated|states|claimed|"
    r"claims|remarked|continued|asserted|commented|observed|warned|confirmed|conveyed|recalled|insisted|argued|"
    r"lamented|complained|emphasized|emphasised|stressed|revealed|described|offered|shared|relayed|wrote|asked|"
    r"predicted|speculated|cautioned|mentioned|elaborated|disclosed|responded|replied|indicated|estimated|"
    r"acknowledged|admitted|concluded|pointed out|went on|quipped|joked|sighed|announced|informed|detailed|"
    r"trumpeted|boasted|proclaimed|"
    r"explaining|adding|saying|noting|telling|stating")
TERM_VERBS = (
    r"denounced|denouncing|called|calling|described|describing|declared|declaring|labeled|labelled|labeling|"
    r"dubbed|dubbing|termed|branded|branding|emphasized|emphasised|claimed|claiming|wrote|touted|touting|urged|"
    r"ordered|stressed|referred|referring|condemned|criticized|criticised|praised|hailed|vowed|warned|insisted|"
    r"reported|characterized|slammed|mention|mentioned")
ADVERBS = r"(?:(?:has|have|had|also|further|then|later|recently|reportedly|once|again|\w+ly)\s+){0,2}"

PLACE_WORD = r"(?:[A-Z]\.|[A-Z][\w’'\-]*|[Pp]rovinces?|[Cc]ounty|[Cc]ity|[Dd]istrict|and|of|in)"
# "a source from the port city of Chongjin", "a source in the town of Musan"
PLACE_LEAD = (r"(?:(?:the|a)\s+(?:(?:border|northern|southern|eastern|western|remote|mining|port)\s+)?"
              r"(?:city|town|county|village|district|region|province|area)\s+of\s+)")
# "a source from Musan County on the western edge of North Hamgyong Province told …"
PLACE_TAIL = (r"(?:\s+(?:on|near|along)\s+the\s+(?:[\w’'\-]+\s+){0,4}?of\s+(?:the\s+)?" + PLACE_WORD
              + r"(?:\s+" + PLACE_WORD + r")*)?")
SOURCE_PRE = (r"(?:(?:[A-Z][\w’'\-]*|[a-z]+-based|local|reliable|second|third|trusted|inside|internal|well-placed|"
              r"informed|separate|different|military|security|government|party|business|trade|other|same|such) +){0,4}")
SOURCE_NP = (
    r"(?:(?:[Aa]n?|[Aa]nother|[Tt]he|[Oo]ne|[Tt]wo|[Tt]hree|[Ss]everal|[Mm]ultiple|[Oo]ther|[Tt]his|[Tt]hat|"
    r"[Tt]hese|[Oo]ur) +)?" + SOURCE_PRE +
    r"(?<![\w-])(?:sources?|informants?|insiders?)\b"  # not "hard-to-source"
    r"(?:\s+(?:in|from|inside|based in|living in|residing in|working in|near)\s+"
    r"(?:" + PLACE_LEAD + r"|(?:the|North Korea’s|North Korea's)\s+)?"
    r"(?:" + PLACE_WORD + r"(?:,?\s+" + PLACE_WORD + r")*" + PLACE_TAIL + r"|province|city|county|area|region|"
    r"capital|border region|border area|country)"
    r"|\s+(?:familiar with|with knowledge of|close to|with ties to|with connections to|who requested anonymity)"
    r"(?:\s+(?:the\s+)?[\w’'\-]+(?:\s+[\w’'\-]+){0,2}?)?(?=[\s,.;:]))?")
PRONOUN = r"(?:[Hh]e|[Ss]he)"
STATE_MEDIA = (
    r"(?:(?:North Korea[’']s\s+)?(?:[Ss]tate(?:-run|-controlled)?\s+(?:media|television|TV|broadcaster|news agency))"
    r"|(?:the\s+)?Korean Central (?:News Agency|Television|Broadcasting Station)|KCNA|KCTV|(?:the\s+)?Rodong Sinmun"
    r"|Uriminzokkiri|Minju Joson|(?:the\s+)?party newspaper)")
ORG_NOUNS = (r"authorities|government|regime|party|committee|ministry|materials|notice|order|document|lecture|"
             r"newspaper|decree|directive|statement|announcement|report|leadership|state")
# "Hyesan authorities", "North Hamgyong Province’s party committee": the place the body answers for
ORG_PLACE_LEAD = r"(?:(?:[A-Z][\w’'\-]*\s+){1,3}(?:(?:[Pp]rovince|[Cc]ity|[Cc]ounty)[’']s\s+)?)"
ORG_BY_NOUN = (r"(?:[Tt]he\s+)?" + ORG_PLACE_LEAD + r"?(?:(?:North Korean|local|provincial|central|city|county|party|"
               r"people[’']s)\s+){0,2}(?:" + ORG_NOUNS + r")\b")
ORG_BY_NAME = (r"(?:[A-Z][\w’'\-]*\s+){0,4}(?:Radio|Agency|Committee|Department|Ministry|Bureau|Office|Association|"
               r"Union|Institute|Service|Network|Commission|Council)(?:\s+(?:for|of|on)(?:\s+[A-Z][\w’'\-]*){1,4})?")
ORG = rf"(?:{ORG_BY_NOUN}|{ORG_BY_NAME})"
# the noun that "official" describes ("official orders", "official documents"): then it names no one
NOUN_AFTER_OFFICIAL = (r"(?<=official)\s+(?:orders?|documents?|duties|duty|business|visits?|media|channels?|statements?|"
                       r"figures|data|reports?|records?|approval|permission|letters?|notices?|instructions?|"
                       r"directives?|polic(?:y|ies)|line|position|capacity|prices?|rates?|exchange|status|titles?|"
                       r"ceremon(?:y|ies)|events?|trips?|newspapers?|news|announcements?|residences?|cars?|"
                       r"vehicles?|salar(?:y|ies)|wages?|rations?|distribution|markets?|recognition|guidance|"
                       r"inspections?|investigations?|campaigns?|lectures?|meetings?|holidays?|slogans?|"
                       r"language|propaganda|ideology|numbers?|statistics|sources?|reasons?)\b")
PERSON_NOUNS = (r"residents?|defectors?|traders?|merchants?|officials?|workers?|farmers?|smugglers?|locals|"
                r"observers?|soldiers?|students?|vendors?|cadres?|informants?|insiders?|brokers?|citizens?|"
                r"lecturers?|instructors?|teachers?|doctors?|guards?|drivers?|women|woman|man|men|mothers?|"
                r"fathers?|agents?|inspectors?|managers?|officers?|villagers?|housewi(?:fe|ves)")
HEAD_NOUN = re.compile(r"\b(?:sources?|" + PERSON_NOUNS + r")\b")  # informants and insiders are person nouns
UNNAMED_PERSON = (r"(?:[Aa]n?|[Oo]ne|[Aa]nother|[Tt]he|[Ss]ome|[Mm]any|[Ss]everal)\s+"
                  r"(?:(?!(?:an?|the|with|of|in|to|for|from|by|at|on|and|or)\s)[\w\-]+\s+){0,2}?"  # "a with a …": no
                  r"(?:" + PERSON_NOUNS + r")\b(?!" + NOUN_AFTER_OFFICIAL + r")(?:\s+(?:of|in|from|living in|based in"
                  r"|at\s+(?:an?|the)\s+(?:[\w\-]+\s+){1,3}?in)"  # "a doctor at a county clinic in Kanggye"
                  r"\s+(?:the\s+)?(?:[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*)*|province|city|county|area|region))?")
GENERIC_NAME = r"[A-Z][a-z]+(?:\s+[A-Z]\.)?\s+[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?"
HONORIFIC_NAME = re.compile(r"(?:Mr|Ms|Mrs|Miss)\.?\s+(?P<name>[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2})")
NOT_A_PERSON = re.compile(r"\b(?:Korea|Korean|China|Chinese|Agency|Party|Committee|Ministry|News|Times|Radio|Daily|"
                          r"University|Institute|Department|Office|Council|Union|Government|Service|Sinmun|Media|"
                          r"Province|County|City|Station|Market|Square|Street|Center|Centre|Group|Bank|"
                          r"Friends|Watch|International|Foundation|Alliance|Coalition|Forum)\b")  # NGOs: "Good Friends"
KOREAN_NAME = (r"(?:Kim|Ri|Lee|Yi|Pak|Park|Choe|Choi|Jo|Cho|Jong|Jeong|Chong|Jang|Chang|Kang|Han|O|Oh|Ryu|Yu|Hwang|"
               r"Hyon|Hyun|Yun|Yoon|An|Ahn|Song|Mun|Moon|Nam|Ju|Jon|Jeon|Ko|Koh|Sin|Shin|Yang|Paek|Baek|Kwon|Hong|"
               r"Chae|No|Noh|Sim|Shim|Ho|Heo|Im|Lim|Son|Thae|Tae)\s+[A-Z][a-z]+(?:[ -][A-Za-z][a-z]+)?")

ANAPHOR = re.compile(r"^(?:[Hh]e|[Ss]he|(?:[Tt]he|[Tt]his|[Tt]hat|Daily NK[’']s)\s+"
                     r"(?:same\s+|Daily NK\s+|former\s+|latter\s+)?"
                     r"(?:sources?|informants?|insiders?|resident|defector|trader|merchant|official|worker|farmer|"
                     r"smuggler|vendor|broker|woman|man))$")
SURNAME_SPEAKER = re.compile(r"^(?:Kim|Ri|Pak|Choe|Jo|Jang|Kang|Hwang|Hyon|O|Oh|Jong|Ryu|Yun|Han|Ju|No|Thae|Ko|"
                             r"Moon|Yoon|Lee|Park|Choi|Trump|Putin|Xi|Biden)$")
# A surname standing alone ("when Kim reached the site"), not the start of a full name: SURNAME_SPEAKER's, less
# those that open ordinary sentences ("No", "O") and the foreign leaders', whose names begin with a given name
LONE_SURNAME = re.compile(r"\b(?:" + "|".join(
    w for w in SURNAME_SPEAKER.pattern[len("^(?:"):-len(")$")].split("|")
    if w not in {"O", "Oh", "Ju", "No", "Trump", "Putin", "Biden"}) + r")\b(?!\s+[A-Z])")
# the subject_* patterns need one; only where one begins is asked, which the order of the words does not change,
# so a trie (one branch per letter) replaces the plain alternation (every verb tried at every space)
VERB_AFTER_SPACE = re.compile(rf"\s(?:{trie_pattern(f'{SPEECH_VERBS}|{TERM_VERBS}'.split('|'))})\b")
CONTEXT_PLACE = re.compile(r"\b(?:the|this|that)\s+(province|city|county|region|area|capital)\b"
                           r"|\bthe\s+(provincial)\s")  # "the provincial authorities": the province spoken of
PLACE_SPECIFICITY = {"site": 0, "town": 1, "district": 2, "county": 3, "city": 4, "special_city": 5, "province": 6}


SURNAMES = tuple(KOREAN_NAME[len("(?:"):KOREAN_NAME.index(")")].split("|"))
SOURCE_WORDS = ("source", "informant", "insider")  # every SOURCE_NP match holds one
LAST_SEPARATOR = re.compile(r"[^\w’'\- ][\w’'\- ]*\Z")  # a SOURCE_NP match holds none of these before its keyword


@cache
def _name_pattern() -> str:
    forms = {f for p in gazetteer.people() for f in (p.name, *p.variants)}
    return "(?:" + trie_pattern(forms) + "|" + KOREAN_NAME + ")"  # = the forms longest first, then KOREAN_NAME


@cache
def _guarded_name_pattern() -> str:
    """_name_pattern behind a lookahead for the letters a name can begin with (so it fails fast elsewhere)."""
    firsts = {f[0] for p in gazetteer.people() for f in (p.name, *p.variants)} | set(string.ascii_uppercase)
    return "(?=[" + "".join(re.escape(c) for c in sorted(firsts)) + "])" + _name_pattern()


@cache
def _name_starts() -> tuple[str, ...]:
    """Literals every name match begins with: the register's spellings and the surnames of KOREAN_NAME."""
    return tuple(sorted({f for p in gazetteer.people() for f in (p.name, *p.variants)} | set(SURNAMES)))


@cache
def _canonical_names() -> dict[str, str]:
    """Folded spelling → canonical name; the first register person with that spelling wins."""
    names: dict[str, str] = {}
    for person in gazetteer.people():
        for form in (person.name, *person.variants):
            names.setdefault(gazetteer.fold(form), person.name)
    return names


def find_sources(body: str) -> list[re.Match[str]]:
    """SOURCE_NP matches in body, exactly as pattern.finditer(body) gives them, without scanning all of body.

    A match can only begin in the run of word characters, apostrophes, hyphens and spaces that leads up to a
    keyword (source, informant, insider). Searching from the start of the first such run at or after the
    previous match finds the next match: no match can begin in the text skipped.
    """
    pattern = _patterns()["source"]
    found: list[re.Match[str]] = []
    cursor = 0
    for keyword in literal_starts(SOURCE_WORDS, body):  # the shared literal pass (the words cannot overlap)
        if keyword < cursor:
            continue
        m = pattern.search(body, max(cursor, _earliest_start(body, keyword)))
        if m is None:
            break
        found.append(m)
        cursor = m.end()
    return found


def _earliest_start(body: str, keyword: int) -> int:
    """The earliest offset a SOURCE_NP match using this keyword can begin at: at most five space-separated words
    (a determiner and four modifiers) before it, within its run of SOURCE_NP characters. A walk back over five
    words that stops at the run's start ends at the later of the two, so the run's start is only looked for in
    the few characters the unbounded walk covered.

    Read backwards, the walk over five words that stops at a separator is one match of RUN_WORDS_BACK on the
    reversed window before the keyword; only when that match takes the whole window are the two looked for
    apart."""
    window = body[max(0, keyword - 160):keyword][::-1]
    skipped = RUN_WORDS_BACK.match(window).end()
    if skipped < len(window):  # it stopped at a separator or at the space before the fifth word
        return keyword - skipped
    pos = _words_back(body, keyword, 5)  # long words or the start of body
    separator = LAST_SEPARATOR.search(body, pos, keyword)  # a short window: the run may begin inside it
    return separator.start() + 1 if separator else pos


RUN_WORDS_BACK = re.compile(r"(?: *[\w’'\-]*){5}")  # on reversed text: spaces, then a run of SOURCE_NP word chars


def _words_back(body: str, end: int, count: int) -> int:
    """Where the count-th space-separated word before end begins (0 when there are fewer)."""
    window = body[max(0, end - 160):end][::-1]  # reversed, the words before end are read forwards in one match
    skipped = _words_pattern(count).match(window).end()
    if skipped < len(window):  # the last word ended at a space inside the window
        return end - skipped
    pos = end  # long words or the start of body: walk back
    for _ in range(count):
        while pos > 0 and body[pos - 1] == " ":
            pos -= 1
        space = body.rfind(" ", 0, pos)
        if space < 0:
            return 0
        pos = space + 1
    return pos


@cache
def _words_pattern(count: int) -> re.Pattern[str]:
    return re.compile("(?: *[^ ]*){%d}" % count)  # spaces, then a word, count times


def _spelled_out(alternation: str) -> list[str]:
    """The words an alternation of plain words, "words?" and "stem(?:a|b)" matches (PERSON_NOUNS)."""
    words: list[str] = []
    for part in re.findall(r"\w+\(\?:[\w|]+\)|[^|]+", alternation):
        if m := re.fullmatch(r"(\w+)\(\?:([\w|]+)\)", part):
            words += [m.group(1) + ending for ending in m.group(2).split("|")]
        elif m := re.fullmatch(r"(\w+)s\?", part):
            words += [m.group(1), m.group(1) + "s"]
        elif re.fullmatch(r"\w+", part):
            words.append(part)
        else:
            raise ValueError(f"cannot spell out {part!r}")
    return words


# every UNNAMED_PERSON match holds one; as a trie the scan tries one branch per letter, not every noun
PERSON_NOUN_WORDS = tuple(sorted(set(_spelled_out(PERSON_NOUNS))))
PERSON_NOUN_AFTER_SPACE = re.compile(rf"\s(?:{trie_pattern(PERSON_NOUN_WORDS)})\b")
DETERMINER = re.compile(r"(?:[Aa]n?|[Oo]ne|[Aa]nother|[Tt]he|[Ss]ome|[Mm]any|[Ss]everal)\s")  # how one begins
LAST_NON_RUN = re.compile(r"[^\w\-\s][\w\-\s]*\Z")  # an UNNAMED_PERSON match holds none of these before its noun


def find_unnamed(body: str) -> list[re.Match[str]]:
    """UNNAMED_PERSON matches in body, exactly as pattern.finditer(body) gives them, without scanning all of body.

    A match is a determiner, at most two words and a person noun after whitespace, all within a run of word
    characters, hyphens and whitespace. So the next match begins, at or after the previous match, in the three
    whitespace-separated tokens before the next noun (and within that noun's run): trying the determiners
    there, noun by noun, skips no match.
    """
    pattern = _patterns()["unnamed"]
    found: list[re.Match[str]] = []
    cursor = 0
    for noun_start in _person_noun_starts(body):
        if noun_start < cursor:
            continue
        lead_start = max(cursor, _lead_start(body, noun_start))
        for determiner in DETERMINER.finditer(body, lead_start, noun_start):
            m = pattern.match(body, determiner.start())
            if m:
                found.append(m)
                cursor = m.end()
                break
    return found


def _person_noun_starts(body: str) -> list[int]:
    """Where PERSON_NOUN_AFTER_SPACE.finditer(body) finds its nouns (one past each match's start).

    Its matches hold no whitespace after the first character, so they never overlap: they are the offsets after
    whitespace where a noun with a word boundary begins. The shared literal pass names the offsets where a noun
    begins at all, and the pattern checks only those (a regex scan of the whole body costs several times more)."""
    return [start for start in literal_starts(PERSON_NOUN_WORDS, body)
            if start and body[start - 1].isspace() and PERSON_NOUN_AFTER_SPACE.match(body, start - 1)]


def _lead_start(body: str, noun: int) -> int:
    """Where a match using the noun at `noun` can begin at the earliest: three whitespace-separated tokens back,
    or after the last character before the noun that is neither a word character, a hyphen nor whitespace.

    Read backwards, that is one match of RUN_TOKENS_BACK on the reversed window before the noun; only when that
    match takes the whole window are the two looked for apart. (The cursor bound commutes with the separator:
    max(cursor, this) is where a walk bounded by the cursor, then cut at a separator after it, ends.)"""
    window = body[max(0, noun - 80):noun][::-1]
    skipped = RUN_TOKENS_BACK.match(window).end()
    # it stopped at a separator or at the whitespace before the third token (_tokens_back says 0 for fewer
    # tokens at the start of body: only whitespace left there)
    if skipped < len(window) and (noun > 80 or not window[skipped:].isspace()):
        return noun - skipped
    pos = _tokens_back(body, noun, 3)  # long tokens or the start of body
    separator = LAST_NON_RUN.search(body, pos, noun)  # the noun's run may begin inside
    return separator.start() + 1 if separator else pos


RUN_TOKENS_BACK = re.compile(r"(?:\s*[\w\-]*){3}")  # on reversed text: whitespace, then a run token, 3 times


def _tokens_back(body: str, end: int, count: int) -> int:
    """Where the count-th whitespace-separated token before end begins (0 when there are fewer)."""
    window_start = max(0, end - 80)
    window = body[window_start:end]
    parts = window.rsplit(None, count)  # [what comes before, the count-th token back, …, the last token]
    if len(parts) > count:
        return window_start + window.find(parts[1], len(parts[0]))  # only whitespace lies between the two
    if window_start == 0:
        return 0
    pos = end  # long tokens: walk back
    for _ in range(count):
        while pos > 0 and body[pos - 1].isspace():
            pos -= 1
        while pos > 0 and not body[pos - 1].isspace():
            pos -= 1
    return pos


def find_people(body: str) -> list[re.Match[str]]:
    """Person-name matches in body, as a full finditer scan would give."""
    return finditer_at(_patterns()["person"], body, literal_starts(_name_starts(), body))


# After a speaker: "(pseudonym, 50)", then ", a trader in Hyesan," or "who lives in Hamhung" before the verb
APPOSITIVE = r"(?P<app>(?:\s*\([^()“”\"]{1,40}\))?(?:,[^,.;“”\"]{3,120},|\s+who\s+[^,.;:“”\"()]{3,120}?)?)"
SPEECH_VERB = f"(?:{SPEECH_VERBS})"
# Words every match of a speaker alternative holds: where a text holds none, the alternative cannot match in it.
MEDIA_WORDS = ("media", "television", "TV", "broadcaster", "news agency", "Korean Central", "KCNA", "Rodong Sinmun",
               "Uriminzokkiri", "Minju Joson", "party newspaper")
ORG_WORDS = tuple(ORG_NOUNS.split("|")) + ("Radio", "Agency", "Committee", "Department", "Ministry", "Bureau", "Office",
                                           "Association", "Union", "Institute", "Service", "Network", "Commission",
                                           "Council")


def _speaker(source: bool = True, media: bool = True, org: bool = True) -> str:
    """The speaker alternation; source/media/org=False leaves out an alternative that cannot match (see
    _head_pattern). (?=[A-Z]) before alternatives that begin with a capital changes no match, but spares every
    lowercase position (most of a text) trying each of their words."""
    capital = "(?=[A-Z])"
    alternatives = [STATE_MEDIA if media else None, SOURCE_NP if source else None, _guarded_name_pattern(),
                    UNNAMED_PERSON, f"(?:{ORG_BY_NOUN}|{capital}{ORG_BY_NAME})" if org else None, PRONOUN,
                    f"{capital}{HONORIFIC_NAME.pattern.replace('?P<name>', '')}",
                    rf"{capital}\b{SURNAME_SPEAKER.pattern[1:-1]}\b", f"{capital}{GENERIC_NAME}"]
    return "(?:" + "|".join(a for a in alternatives if a is not None) + ")"


def _head_regex(key: str, speaker: str) -> str:
    """The patterns searched in the text before a quote (the rightmost match is the attribution)."""
    return {
        "before_colon": rf"(?P<sp>{speaker}){APPOSITIVE}\s+{ADVERBS}{SPEECH_VERB}\b[^“”\"]{{0,160}}?[:,]\s*$",
        "before_that": rf"(?P<sp>{speaker}){APPOSITIVE}\s+{ADVERBS}{SPEECH_VERB}\s+(?:[^“”\"]{{0,80}}?\s+)?that\s*$",
        "subject_speech": rf"(?P<sp>{speaker}){APPOSITIVE}\s+{ADVERBS}(?:{SPEECH_VERBS}|{TERM_VERBS})\b",
        "subject_term": rf"(?P<sp>{speaker}){APPOSITIVE}\s+{ADVERBS}(?:[\w’']+\s+){{0,6}}?(?:{TERM_VERBS})\b",
    }[key]


def _head_pattern(key: str, head: str) -> re.Pattern[str]:
    """_patterns()[key] for searching head, without the speaker alternatives that cannot match in it.

    An alternative all of whose matches hold one of a few words (a source keyword, a state media name, an
    organization noun) cannot match in a head that holds none of them, so leaving it out changes no match,
    while the scan, which tries every alternative at every position, gets much cheaper.
    """
    return _head_variant(key, _holds_any(head, SOURCE_WORDS), MEDIA_WORD.search(head) is not None,
                         ORG_WORD.search(head) is not None)


def _holds_any(text: str, words: tuple[str, ...]) -> bool:
    for word in words:
        if word in text:
            return True
    return False


# whether a text holds one of many words: one scan of a trie beats a substring search per word
MEDIA_WORD = re.compile(trie_pattern(MEDIA_WORDS))
ORG_WORD = re.compile(trie_pattern(ORG_WORDS))


@cache
def _head_variant(key: str, source: bool, media: bool, org: bool) -> re.Pattern[str]:
    return re.compile(_head_regex(key, _speaker(source, media, org)))


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    speaker = _speaker()
    heads = {key: _head_variant(key, True, True, True)
             for key in ("before_colon", "before_that", "subject_speech", "subject_term")}
    return heads | {
        "according_after": re.compile(r"\s*[,.]?\s*according to\s+(?P<sp>[^,.;:“”\"]+)"),
        "inverted": re.compile(rf"\s*,?\s*{ADVERBS}{SPEECH_VERB}\s+(?P<sp>{speaker})(?=[\s,.;:]|$)"),
        "normal": re.compile(rf"\s*,?\s*(?P<sp>{speaker}){APPOSITIVE},?\s+{ADVERBS}{SPEECH_VERB}\b"),
        "truncated": re.compile(rf"\s*,?\s*(?P<sp>{SOURCE_NP}|{PRONOUN})\s+\w*\s*$"),
        "according": re.compile(r"\b[Aa]ccording to\s+(?P<sp>[^,.;:“”\"]+)"),
        "source": re.compile(SOURCE_NP),
        "person": re.compile(_guarded_name_pattern()),
        "state_media": re.compile(STATE_MEDIA),
        "org": re.compile(ORG),
        "unnamed": re.compile(UNNAMED_PERSON),
    }


@dataclass(frozen=True)
class Speaker:
    text: str
    kind: str
    name: str | None
    place: str | None
    start: int | None
    end: int | None


class Found(NamedTuple):
    """A speaker phrase found next to a quote, before it is classified and resolved."""

    text: str
    start: int
    end: int
    said_of_end: int | None = None  # the end of what the text says of the speaker ("(pseudonym), a trader in Hyesan,")


SINGLE_DETERMINER = re.compile(r"(?:[Aa]n?|[Oo]ne|[Aa]nother)\s")
NEW_SENTENCE = re.compile(r"\s+[A-Z“\"]")
ATTRIBUTION_REACH = 1000  # characters before a quote searched for its attribution (the longest seen is 343)
WORD_AFTER_SPACE = re.compile(r"(?<=\s)\S")
SOURCE_NOUNS = frozenset({"source", "sources", "informant", "informants", "insider", "insiders"})


class SpeakerFinder:
    """Finds and resolves speakers in one article body."""

    def __init__(self, body: str, places: list[gazetteer.PlaceMention] | None = None):
        self.body = body
        self.places = gazetteer.find_places(body)[0] if places is None else places
        self.sources = [m for m in find_sources(body) if not ANAPHOR.match(m.group(0))]
        self.speaking_people: list[Speaker] = []  # named people already attributed a quote: "he" may mean them
        # per name, where each quote of that person was attributed and the place said of them: "Kim said" keeps it
        self._places_said: dict[str, tuple[list[int], list[str | None]]] = {}
        self.quote_spans: list[tuple[int, int]] = []  # set by the quote extractor: no antecedent inside a quote
        self.sentences = SentenceIndex(body)
        self._classified: dict[Found, Speaker] = {}  # an antecedent is classified again for every anaphor
        self._according_in: dict[tuple[int, int], re.Match[str] | None] = {}  # by sentence bounds
        self._paragraph_according: dict[int, bool] = {}  # by paragraph start

    @cached_property
    def unnamed(self) -> list[re.Match[str]]:
        """Unnamed people introduced singly ("a resident of Hamhung"), who can be "he", "she" or "the resident";
        found on first use, as only such anaphors need them."""
        return [m for m in find_unnamed(self.body)
                if SINGLE_DETERMINER.match(m.group(0)) and not ANAPHOR.match(m.group(0))]

    @cached_property
    def people(self) -> list[re.Match[str]]:
        """Person names in body; only "Kim said" needs them, so they are found on first use."""
        return find_people(self.body)

    # ---- finding a phrase
    def after(self, pos: int) -> Found | None:
        """A speaker right after a closing mark: “…,” a Nampo source explained / said the source."""
        body = self.body
        if pos >= 2 and body[pos - 2] in ".?!" and NEW_SENTENCE.match(body, pos, pos + 3):
            return None  # the quote ended its sentence; what follows is a new one
        stop = _window_end(body, pos)
        if stop <= pos:
            return None  # the quote ends its paragraph (or runs into the next quote): every pattern needs a speaker
        window = body[pos:stop]
        pats = _patterns()
        # tried in this order; according_after only where its words are
        m = (("according to" in window and pats["according_after"].match(window))
             or pats["inverted"].match(window) or pats["normal"].match(window)
             or (stop == len(body) and pats["truncated"].match(window)))
        return self._found(pos, m) if m else None

    def before(self, open_mark: int) -> Found | None:
        """A speaker earlier in the quote's sentence, ending in a colon, comma or "that"."""
        tail = self.body[max(0, open_mark - 40):open_mark].rstrip()
        if tail and not (tail[-1:] in (":", ",") or tail.endswith("that")):
            return None  # the head ends as this tail does, so neither pattern can match: no need for its bounds
        start = self._head_start(open_mark)
        head = self.body[start:open_mark]
        for key in ("before_colon", "before_that"):
            # a match runs to the end of head, so there is at most one: the first is the last
            m = _head_pattern(key, head).search(head) if _may_match(key, head) else None
            if m:
                return self._found(start, m)
        return None

    def in_sentence(self, quote_start: int, kind: str) -> Found | None:
        """"According to X" anywhere in the sentence, or a subject with a verb of saying before the quote."""
        body = self.body
        para_start, para_end = self.sentences.paragraph(quote_start)
        according = self._according_in_paragraph(para_start, para_end)
        # every subject pattern holds one of these verbs after a space, within the reach before the quote
        verb = VERB_AFTER_SPACE.search(body, max(para_start, quote_start - ATTRIBUTION_REACH), quote_start)
        if not according and verb is None:
            return None  # the sentence lies within the paragraph: neither pattern can match in it
        sentence = self.sentences.bounds(quote_start)
        m = self._according(sentence) if according else None
        if m and not self._in_quote(m.start()):
            return Found(m.group("sp").strip(), m.start("sp"), m.start("sp") + len(m.group("sp").strip()))
        key = "subject_speech" if kind == "direct" else "subject_term"
        start = self._head_start(quote_start, sentence[0])
        if verb is None or verb.start() < start:  # a verb found before the head and within it is its first
            verb = VERB_AFTER_SPACE.search(body, start, quote_start)  # as searching the head itself finds
        if verb is None:
            return None
        head = body[start:quote_start]
        m = _last_search(_head_pattern(key, head), head)
        return self._found(start, m) if m else None

    def _head_start(self, mark: int, sentence_start: int | None = None) -> int:
        """Where the text searched for an attribution before a mark begins: the start of the mark's sentence, or,
        in a sentence longer than ATTRIBUTION_REACH before the mark, the first word within that reach.

        The reach keeps the work per quote bounded, so a text of many quotes in one endless "sentence" (a transcript,
        a page whose full stops were lost) costs its length, not its length squared."""
        start = self.sentences.bounds(mark)[0] if sentence_start is None else sentence_start
        if mark - start <= ATTRIBUTION_REACH:
            return start
        word = WORD_AFTER_SPACE.search(self.body, mark - ATTRIBUTION_REACH, mark)
        return word.start() if word else mark

    def _according_in_paragraph(self, para_start: int, para_end: int) -> bool:
        """Whether the paragraph holds "ccording to", which every "according to" match holds: found once per
        paragraph, so most sentences are ruled out without a look at their bounds."""
        if para_start not in self._paragraph_according:
            self._paragraph_according[para_start] = self.body.find("ccording to", para_start, para_end) >= 0
        return self._paragraph_according[para_start]

    def _according(self, sentence: tuple[int, int]) -> re.Match[str] | None:
        """The first "according to X" in the sentence, looked for once per sentence."""
        if sentence not in self._according_in:
            start, end = sentence
            # every match holds "ccording to": str.find rules most sentences out before the regex scan
            found = self.body.find("ccording to", start, end) >= 0
            self._according_in[sentence] = _patterns()["according"].search(self.body, start, end) if found else None
        return self._according_in[sentence]

    def _found(self, base: int, m: re.Match[str]) -> Found:
        text = m.group("sp").strip()
        start = base + m.start("sp")
        described = "app" in m.re.groupindex and m.group("app")
        return Found(text, start, start + len(text), base + m.end("app") if described else None)

    # ---- classifying a phrase
    def resolve(self, found: Found) -> tuple[Speaker, str]:
        """Classify the phrase; an anaphor ("he", "the source") takes its antecedent's fields."""
        if ANAPHOR.match(found.text):
            antecedent = self._antecedent(found)
            if antecedent is not None:
                return antecedent, "pronoun"
            kind = "anonymous_source"
            return Speaker(found.text, kind, None, None, found.start, found.end), "pronoun"
        speaker = self.classify(found)
        if speaker.kind == "named_person":
            self.speaking_people.append(speaker)
            if speaker.name and speaker.start is not None:
                starts, places = self._places_said.setdefault(speaker.name, ([], []))
                i = bisect_left(starts, speaker.start)  # quotes come in body order: almost always at the end
                starts.insert(i, speaker.start)
                places.insert(i, speaker.place)
            self._add_spoken(speaker)
        return speaker, "explicit"

    def classify(self, found: Found) -> Speaker:
        speaker = self._classified.get(found)
        if speaker is None:
            speaker = self._classified[found] = self._classify(found)
        return speaker

    def _classify(self, found: Found) -> Speaker:
        pats = _patterns()
        text = found.text
        if MEDIA_WORD.search(text) and pats["state_media"].search(text):  # every match holds a media word
            return Speaker(text, "state_media", None, None, found.start, found.end)
        if pats["source"].search(text) or pats["unnamed"].match(text):
            # "a worker who once lived in Musan said": what is said of the speaker counts when the phrase names none
            place = self._place_in(found) or self._place_said_of(found)
            return Speaker(text, "anonymous_source", None, place, found.start, found.end)
        if SURNAME_SPEAKER.match(text):
            named = self._person_by_surname(text, found.start)
            if named:  # "Kim said": the Kim who spoke before, and the place said of him then
                return Speaker(text, "named_person", named, self._place_of_speaker(named, found), found.start,
                               found.end)
        honorific = HONORIFIC_NAME.fullmatch(text)
        if honorific:  # "Mr. Chun": a person named by surname (often a pseudonym) in an interview
            return self._person(found, honorific.group("name"))
        person = pats["person"].search(text)
        if person:
            return self._person(found, canonical_person(person.group(0)))
        if re.fullmatch(GENERIC_NAME, text) and not NOT_A_PERSON.search(text) and not self._is_place(found):
            return self._person(found, text)
        return Speaker(text, "organization", None, self._place_in(found), found.start, found.end)

    def _person(self, found: Found, name: str | None) -> Speaker:
        """A named person, with the North Korean place said of them next to the name ("Kim (pseudonym), a trader in
        Hyesan, said"; "Ms. Ri (41) who once traded in Hamhung said"), if one place is."""
        return Speaker(found.text, "named_person", name, self._place_said_of(found), found.start, found.end)

    def _place_said_of(self, found: Found) -> str | None:
        """The place in the phrase and what is said of the speaker after it, up to the verb; None without that."""
        if not found.said_of_end:
            return None
        return self._place_in(Found(found.text, found.start, found.said_of_end))

    def _place_of_speaker(self, name: str, found: Found) -> str | None:
        """The place given the last time the person named spoke before found (one bisection, not a look at every
        earlier speaker per "Kim said")."""
        starts, places = self._places_said.get(name, ((), ()))
        i = bisect_left(starts, found.start)
        return places[i - 1] if i else None

    def _is_place(self, found: Found) -> bool:
        """Whether a place mention overlaps the phrase: one that starts before its end and ends after its start."""
        starts = self._place_starts
        if starts is None:
            return any(m.start < found.end and found.start < m.end for m in self.places)
        before_end = bisect_left(starts, found.end)  # the mentions starting before the phrase ends
        return before_end > 0 and self._place_reach[before_end - 1] > found.start

    @cached_property
    def _place_reach(self) -> list[int]:
        """Per place mention (sorted by start), the greatest end among it and those before it."""
        return list(accumulate((m.end for m in self.places), max))

    def _person_by_surname(self, surname: str, before: int) -> str | None:
        """"Kim said" after "Kim Jong Un …": the last person named before with that surname."""
        ends, names = self._people_by_surname.get(surname, ((), ()))
        i = bisect_right(ends, before)  # people come in body order, so their ends ascend
        return names[i - 1] if i else None

    @cached_property
    def _people_by_surname(self) -> dict[str, tuple[list[int], list[str]]]:
        """Per surname, the ends and canonical names of the people named with it, in body order: found once, not
        by a look at every person named in the body per "Kim said"."""
        by_surname: dict[str, tuple[list[int], list[str]]] = {}
        for m in self.people:
            name = canonical_person(m.group(0))
            if name:
                ends, names = by_surname.setdefault(name.split()[0], ([], []))
                ends.append(m.end())
                names.append(name)
        return by_surname

    def _antecedent(self, found: Found) -> Speaker | None:
        """The last source (or person, for he/she and "the resident") introduced before the anaphor, outside quotes.

        "He" and "she" mean one person: "additional sources" or "residents" named since are passed over. "The
        source" with no source named before it is the person the story introduced ("a resident met in China")."""
        noun = found.text.rsplit(None, 1)[-1].lower()
        pronoun = noun in ("he", "she")
        # each pool is ordered: its last match ending before the anaphor is its best candidate; the latest wins
        sources, people = self._sources_meant_by(noun), self._outside_quotes(noun)
        if pronoun:
            sources, people = sources.singular(), people.singular()
        best = sources.last_before(found.start)
        if not pronoun and not noun.endswith("s"):
            # "the source": one source, not "additional sources" named since, when one was named
            best = sources.singular().last_before(found.start) or best
        if pronoun or noun not in SOURCE_NOUNS or best is None:
            best = _later(best, (people if noun not in SOURCE_NOUNS else people.singular()).last_before(found.start))
        if pronoun:
            best = _later(best, self._spoken.last_ending_by(found.start))
            best = _later(best, self._person_earlier_in_sentence(found.start))
        if best is None:
            return None
        start, end, text = best
        return self.classify(Found(text, start, end))

    def _sources_meant_by(self, noun: str) -> _Mentions:
        """The sources "the source" (or "the informant", "he") may mean: those named with the same word when there
        are any ("the source" is not the "informants" the source spoke of), else all."""
        stem = noun.rstrip("s")
        if stem not in SOURCE_WORDS:
            return self._outside_quotes("")
        key = "source-word:" + stem
        pool = self._pools.get(key)
        if pool is None:
            same_word = [m for m in self.sources if stem in m.group(0).lower() and not self._in_quote(m.start())]
            pool = self._pools[key] = _Mentions.of(same_word) if same_word else self._outside_quotes("")
        return pool

    def _person_earlier_in_sentence(self, pos: int) -> tuple[int, int, str] | None:
        """The last person named before pos in its sentence, outside quotes: "when Kim reached the site he told
        the workers, “…”" — by full name, or by a surname that names someone named before. Both begin where
        the shared literal pass over the body saw a name begin, so only those offsets of the stretch are tried."""
        start = self._head_start(pos)  # the sentence, within the attribution reach
        names = self._name_offsets
        best = None
        person = _patterns()["person"]
        for at in names[bisect_left(names, start):bisect_left(names, pos)]:
            if self._in_quote(at):
                continue
            m = person.match(self.body, at, pos)
            if m is None and (m := LONE_SURNAME.match(self.body, at, pos)) is not None \
                    and not self._person_by_surname(m.group(0), at):
                m = None
            if m is not None:
                best = _later(best, (m.start(), m.end(), m.group(0)))
        return best

    @cached_property
    def _name_offsets(self) -> list[int]:
        return literal_starts(_name_starts(), self.body)

    def _outside_quotes(self, noun: str) -> _Mentions:
        """Antecedent candidates outside quotes: sources for "", else the unnamed people an anaphor ending in noun
        may mean (those with that noun, else all; all for he and she)."""
        pool = self._pools.get(noun)
        if pool is None:
            if noun == "":
                matches = self.sources
            else:
                same_noun = [m for m in self.unnamed if noun in m.group(0).lower().split()]
                matches = same_noun if noun not in ("he", "she") and same_noun else self.unnamed
            pool = self._pools[noun] = _Mentions.of([m for m in matches if not self._in_quote(m.start())])
        return pool

    def source_earlier_in_sentence(self, quote_start: int) -> Speaker | None:
        """The last source named outside quotes in the quote's sentence before it, within the attribution reach."""
        last = self.last_source_mention(quote_start)
        # cheap tests first: within the reach and the paragraph, before the sentence's bounds are asked for
        if last is None or quote_start - last[0] > ATTRIBUTION_REACH \
                or last[0] < self.sentences.paragraph(quote_start)[0] or last[0] < self._head_start(quote_start):
            return None
        start, end, text = last
        return self.classify(Found(text, start, end))

    def last_source_before(self, pos: int) -> Speaker | None:
        """The last source named outside quotes before pos (reported speech: "a source said that …")."""
        last = self.last_source_mention(pos)
        if last is None:
            return None
        start, end, text = last
        return self.classify(Found(text, start, end))

    def last_source_mention(self, pos: int) -> tuple[int, int, str] | None:
        """(start, end, text) of that source, before it is classified (a caller may not need it)."""
        return self._outside_quotes("").last_before(pos)

    @property
    def quote_spans(self) -> list[tuple[int, int]]:
        return self._quote_spans

    @quote_spans.setter
    def quote_spans(self, spans: list[tuple[int, int]]) -> None:
        self._quote_spans = spans
        ordered = sorted(spans)
        # spans one after another (as find_spans gives them) are searched by bisection, others one by one
        self._disjoint = all(a[1] <= b[0] for a, b in zip(ordered, ordered[1:]))
        self._span_starts = [start for start, _ in ordered]
        self._span_ends = [end for _, end in ordered]
        self._pools: dict[str, _Mentions] = {}  # candidates outside these quotes
        self._spoken = _SpokenSpans()
        for speaker in self.speaking_people:
            self._add_spoken(speaker)

    def _add_spoken(self, speaker: Speaker) -> None:
        """A named person who spoke is a candidate antecedent of "he" and "she" when named outside quotes."""
        if speaker.start is not None and not self._in_quote(speaker.start):
            self._spoken.add((speaker.start, speaker.end, speaker.text))

    def _in_quote(self, pos: int) -> bool:
        if not self._disjoint:
            return any(start <= pos < end for start, end in self._quote_spans)
        i = bisect_right(self._span_starts, pos)
        return i > 0 and pos < self._span_ends[i - 1]

    def _place_in(self, found: Found) -> str | None:
        """The most specific North Korean place inside the phrase; "the province" looks back in the article."""
        inside = [m.place for m in self._places_starting_in(found.start, found.end)
                  if m.end <= found.end + 20 and m.place.country_code == "KP"]
        if inside:
            most_specific = min(PLACE_SPECIFICITY.get(p.level, 9) for p in inside)
            names = {p.name for p in inside if PLACE_SPECIFICITY.get(p.level, 9) == most_specific}
            # "sources in North Pyongan and Jagang provinces": which of them spoke is not said, so neither is given
            return names.pop() if len(names) == 1 else None
        context = CONTEXT_PLACE.search(found.text)
        if context:
            word = context.group(1) or "province"
            if word == "capital":
                return "Pyongyang"  # "a source in the capital": Daily NK's sources speak of North Korea's
            return self._contextual_place(found.start, word)
        return None

    def _places_starting_in(self, start: int, end: int) -> list[gazetteer.PlaceMention]:
        """The place mentions that begin in [start, end), in their order (find_places sorts them by start)."""
        starts = self._place_starts
        if starts is None:
            return [m for m in self.places if start <= m.start < end]
        return self.places[bisect_left(starts, start):bisect_left(starts, end)]

    @cached_property
    def _place_starts(self) -> list[int] | None:
        """Where the place mentions begin, for bisection; None if they are not in that order."""
        starts = [m.start for m in self.places]
        return starts if starts == sorted(starts) else None

    def _contextual_place(self, pos: int, word: str) -> str | None:
        levels = {"province": ("province",), "city": ("city", "special_city"), "county": ("county",),
                  "region": ("province",), "area": ("province", "city", "county")}[word]
        kp = [m for m in self.places if m.place.country_code == "KP" and m.place.level in levels]
        earlier = [m for m in kp if m.start < pos]
        if not earlier and word in ("province", "region"):
            # "brokers in Musan … a source in the province": the province that the place named before lies in
            named = [m for m in self.places if m.place.country_code == "KP" and m.place.province and m.start < pos]
            return named[-1].place.province if named else None
        if earlier:
            if word == "area" and len(earlier) > 1 and gazetteer.locates(self.body, earlier[-2], earlier[-1]):
                return earlier[-2].place.name  # "in Kanggye, Jagang Province … a source from the area"
            return earlier[-1].place.name
        return kp[0].place.name if kp else None


class _Mentions:
    """Matches in body order (non-overlapping, so their ends ascend too), found by where they end."""

    def __init__(self, mentions: list[tuple[int, int, str]]):
        self.mentions = mentions  # (start, end, text): what last_before gives, made once
        self.ends = [end for _, end, _ in mentions]
        self._singular: _Mentions | None = None

    @classmethod
    def of(cls, matches: list[re.Match[str]]) -> _Mentions:
        return cls([(m.start(), m.end(), m.group(0)) for m in matches])

    def last_before(self, pos: int) -> tuple[int, int, str] | None:
        """(start, end, text) of the last match ending at or before pos."""
        i = bisect_right(self.ends, pos)
        return self.mentions[i - 1] if i else None

    def singular(self) -> _Mentions:
        """The mentions of one person ("a source", "the official"), not of several ("sources", "residents")."""
        if self._singular is None:
            self._singular = _Mentions([m for m in self.mentions if not _is_plural(m[2])])
        return self._singular


def _is_plural(phrase: str) -> bool:
    """Whether a source or person phrase names several people: by its first source or person noun."""
    head = HEAD_NOUN.search(phrase)
    return head is not None and (head.group(0).endswith("s") or head.group(0) in ("men", "women"))


class _SpokenSpans:
    """The spans (start, end, text) of the named people who spoke, each once, in ascending order: the greatest one
    ending by a position is found by bisection, not by a look at every speaker per "he said"."""

    def __init__(self):
        self.spans: list[tuple[int, int, str]] = []
        self.starts: list[int] = []

    def add(self, span: tuple[int, int, str]) -> None:
        i = bisect_left(self.spans, span)
        if i == len(self.spans) or self.spans[i] != span:
            self.spans.insert(i, span)
            self.starts.insert(i, span[0])

    def last_ending_by(self, pos: int) -> tuple[int, int, str] | None:
        """The greatest span with end <= pos. A span ending by pos starts by pos too; of those, the ones skipped
        here (from the greatest down) hold pos, which few distinct phrases do."""
        for i in range(bisect_right(self.starts, pos) - 1, -1, -1):
            if self.spans[i][1] <= pos:
                return self.spans[i]
        return None


def _later(a: tuple[int, int, str] | None, b: tuple[int, int, str] | None) -> tuple[int, int, str] | None:
    """The greater of two candidates (start, end, text), either of which may be missing."""
    if a is None:
        return b
    return a if b is None or a >= b else b


def canonical_person(text: str) -> str | None:
    """Canonical name of a register person written as text; the text itself for an unregistered Korean name."""
    name = _canonical_names().get(gazetteer.fold(text))
    if name is not None:
        return name
    return text if re.fullmatch(KOREAN_NAME, text) else None


def _window_end(body: str, pos: int) -> int:
    """An attribution after a quote stops at the next quote, the paragraph's end, or 200 characters."""
    stop = min(len(body), pos + 200)
    for mark in ("“", "\n\n"):
        found = body.find(mark, pos, stop + len(mark) - 1)  # only a mark that begins before stop can end earlier
        if found >= 0:
            stop = found
    return stop


def _last_search(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The rightmost match (attribution closest to the quote)."""
    last = None
    for m in pattern.finditer(text):
        last = m
    return last



def _may_match(key: str, head: str) -> bool:
    """A cheap necessary condition for the before_* patterns, which end in "[:,]\\s*$" or "that\\s*$"."""
    tail = head.rstrip()
    return tail[-1:] in (":", ",") if key == "before_colon" else tail.endswith("that")
