"""Quotes: every quoted span in a body, direct speech or quoted term, and who said it.

Spans are found by scanning each paragraph for quotation marks (curly or straight; single marks only when
outermost). A quote that is not closed runs to the end of its paragraph (Daily NK re-opens a quote that runs
over paragraphs) or up to the attribution that follows it. Speakers are looked for, in order: right after
the quote (“…,” a Nampo source explained), right before it in the same sentence (A source said: “…”),
"according to …" in the sentence, and for a bare quote paragraph the previous quote's speaker.
"He said" and "the source added" take the last source named before them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from dnkdata.extract.text import ASCII_ALIKE, paragraph_of, paragraph_starts, trie_pattern
from dnkdata.extract.speakers import Speaker, SpeakerFinder

OPEN_DOUBLE = "“"
CLOSE_DOUBLE = "”"
STRAIGHT = '"'
MAX_TERM_WORDS = 6
OPENING_MARKS = re.compile("[“\"‘]")
CLOSING_MARKS = re.compile("[”\"“]")
# len(text.split(None, 3)) > 3 (four words or more), as a match that stops at the fourth word: the split of all the
# text from a paragraph's start to a quote, per quote, would cost a long paragraph of quotes its length squared
FOUR_WORDS = re.compile(r"\s*\S+\s+\S+\s+\S+\s+\S")


@dataclass
class Span:
    start: int  # first character inside the marks
    end: int  # one past the last character inside the marks
    closed: bool
    single: bool = False  # outermost marks were single quotes


@dataclass
class QuoteRow:
    quote_id: str
    article_id: str
    paragraph: int
    char_start: int
    char_end: int
    text: str
    kind: str
    speaker: str | None
    speaker_kind: str
    speaker_name: str | None
    speaker_place: str | None
    attribution: str
    speaker_start: int | None = None  # where the speaker phrase stands in body (for source locations)
    speaker_end: int | None = None


# ---------------------------------------------------------------- finding spans

def find_spans(body: str, starts: list[int] | None = None) -> list[Span]:
    """Quoted spans paragraph by paragraph; starts: paragraph_starts(body), if known."""
    starts = paragraph_starts(body) if starts is None else starts
    spans: list[Span] = []
    mark = OPENING_MARKS.search(body)
    mark_at = -1 if mark is None else mark.start()
    while mark_at >= 0:  # only paragraphs that hold a mark can hold a quote
        paragraph = paragraph_of(starts, mark_at)
        para_end = starts[paragraph + 1] - 2 if paragraph + 1 < len(starts) else len(body)
        paragraph_spans, mark_at = _paragraph_spans(body, starts[paragraph], para_end, mark_at)
        spans += paragraph_spans
    return [s for s in spans if body[s.start:s.end].strip()]


def _paragraph_spans(body: str, start: int, end: int, i: int) -> tuple[list[Span], int]:
    """The spans of the paragraph body[start:end], whose first opening mark is at i, and the first opening mark
    after the paragraph (-1 if none): the search that finds a paragraph has no further mark finds the next one."""
    spans = []
    while True:
        c = body[i]
        if c == OPEN_DOUBLE or (c == STRAIGHT and _opens_straight(body, i, start)):
            span, i = _read_double(body, i, end)
            spans.append(span)
        elif c == "‘" and _opens_single(body, i, start):
            close = _single_close(body, i + 1, end)
            if close is not None:
                spans.append(Span(i + 1, close, True, single=True))
                i = close + 1
            else:
                i += 1
        else:
            i += 1
        mark = OPENING_MARKS.search(body, i)  # skip straight to the next mark that could open a quote
        if mark is None:
            return spans, -1
        i = mark.start()
        if i >= end:
            return spans, i


def _opens_straight(body: str, i: int, para_start: int) -> bool:
    before = body[i - 1] if i > para_start else " "
    after = body[i + 1] if i + 1 < len(body) else " "
    return (before.isspace() or before in "([—–-/" or i == para_start) and not after.isspace()


def _opens_single(body: str, i: int, para_start: int) -> bool:
    before = body[i - 1] if i > para_start else " "
    return before.isspace() or before in "([—–-" or i == para_start


def _read_double(body: str, open_at: int, end: int) -> tuple[Span, int]:
    """Read a double-quoted span from its opening mark; returns the span and where to continue."""
    j = open_at + 1
    while j < end:
        mark = CLOSING_MARKS.search(body, j, end)  # skip straight to the next mark that could close or reopen
        if mark is None:
            break
        j = mark.start()
        c = body[j]
        if c == CLOSE_DOUBLE or (c == STRAIGHT and _closes_straight(body, j, end)):
            return Span(open_at + 1, j, True), j + 1
        if c == OPEN_DOUBLE:
            # Legacy pages close with a left mark ("…study?’“"); a left mark before a word opens the next quote.
            if j + 1 >= end or body[j + 1].isspace():
                return Span(open_at + 1, j, True), j + 1
            return Span(open_at + 1, _rstrip(body, open_at + 1, j), False), j
        j += 1
    return Span(open_at + 1, _unclosed_end(body, open_at + 1, end), False), end


def _closes_straight(body: str, j: int, end: int) -> bool:
    after = body[j + 1] if j + 1 < end else " "
    return not after.isalnum()


def _single_close(body: str, start: int, end: int) -> int | None:
    """A closing single mark: ’ or ' not between two letters (that would be an apostrophe)."""
    limit = min(end, start + 200)
    for j in range(start, limit):
        if body[j] in "’'":
            after = body[j + 1] if j + 1 < end else " "
            before = body[j - 1]
            if not after.isalpha() and not before.isspace():
                return j
    return None


UNCLOSED_ATTRIBUTION = re.compile(
    r",\s+(?:he|she|they|the source|an? [\w\- ]{0,40}?sources?(?: in [\w\- ]{1,40})?)\s+"
    r"(?:said|says|added|explained|noted|told|reported|continued)\b")


def _unclosed_end(body: str, start: int, end: int) -> int:
    """An unclosed quote stops at an attribution that follows it (“…residents, he said), else at the paragraph end."""
    m = UNCLOSED_ATTRIBUTION.search(body, start, end)
    return m.start() + 1 if m else _rstrip(body, start, end)


def _rstrip(body: str, start: int, end: int) -> int:
    while end > start and body[end - 1].isspace():
        end -= 1
    return end


# ---------------------------------------------------------------- kind

AUXILIARIES = ("is|are|was|were|am|been|has|have|had|do|does|did|can|could|will|would|shall|should|may|might|must|"
               "won’t|won't|can’t|can't|cannot")
CLAUSE = re.compile(
    r"(?<![\w-])(?:" + AUXILIARIES + r")\b"
    r"|n[’']t\b"
    r"|\b(?:I|we|you|they|he|she|it|we’re|they’re|it’s|there)\s+(?:\w+ly\s+)?[a-z]{2,}\b"
    r"|[’'](?:re|ve|ll|m)\b", re.I)


@cache
def _verb_forms() -> frozenset[str]:
    """Finite forms of common verbs: base, -s, -ed and irregular pasts (from verbs.txt)."""
    forms: set[str] = set()
    text = resources.files("dnkdata.extract").joinpath("verbs.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        base, *irregular = line.split()
        forms.update([base, *irregular, *_regular_forms(base)])
    return frozenset(forms)


def _regular_forms(base: str) -> list[str]:
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return [base[:-1] + "ies", base[:-1] + "ied"]
    if base.endswith(("s", "sh", "ch", "x", "z")):
        return [base + "es", base + "ed"]
    if base.endswith("e"):
        return [base + "s", base + "d"]
    return [base + "s", base + "ed"]


# CLAUSE for lowercased text, only to tell whether it matches: case-sensitive matching is much faster than
# re.IGNORECASE, word lists as tries try one branch per letter, and a lookahead for the letters a match can begin
# with spares the other positions (none of which changes whether there is a match)
CLAUSE_PRONOUNS = ("i", "we", "you", "they", "he", "she", "it", "we’re", "they’re", "it’s", "there")
LOWERCASE_CLAUSE = re.compile(
    "(?=[" + "".join(sorted({w[0] for w in AUXILIARIES.split("|") + list(CLAUSE_PRONOUNS)} | set("n’'"))) + "])"
    r"(?:(?<![\w-])" + trie_pattern(AUXILIARIES.split("|")) + r"\b"
    r"|n[’']t\b"
    r"|\b" + trie_pattern(CLAUSE_PRONOUNS) + r"\s+(?:\w+ly\s+)?[a-z]{2,}\b"
    r"|[’'](?:re|ve|ll|m)\b)")


def has_clause(text: str) -> bool:
    """Whether CLAUSE matches somewhere in text.

    On text.lower(), the lowercase pattern matches where CLAUSE does, as long as lowering keeps every
    character one character and no character other than an ASCII letter matches an ASCII letter under
    re.IGNORECASE; texts with such a character take CLAUSE itself.
    """
    if not text.isascii() and ASCII_ALIKE.search(text):  # isascii reads a flag: most quotes skip the scan
        return CLAUSE.search(text) is not None
    return LOWERCASE_CLAUSE.search(text.lower()) is not None


def has_finite_verb(text: str) -> bool:
    """A clause marker: an auxiliary, a pronoun subject, or a finite form of a common verb (not "sent by")."""
    if has_clause(text):
        return True
    words = re.findall(r"(?<![\w-])[A-Za-z]+(?![\w-])", text)
    forms = _verb_forms()
    for i, word in enumerate(words):
        lower = word.lower()
        passive = i + 1 < len(words) and words[i + 1].lower() == "by"  # "a gift sent by …"
        infinitive = i > 0 and words[i - 1].lower() == "to"  # "someone to blame"
        if lower in forms and not passive and not infinitive:
            return True
    return False


def classify_kind(text: str) -> str:
    """direct for reported speech of a clause or more; term for a quoted word or short verbless phrase, or a
    title in title case ("A Report on the Rural Clinics of the North")."""
    if _is_title_case(text):
        return "term"
    words = len(text.split(None, MAX_TERM_WORDS))  # exact up to MAX_TERM_WORDS, more beyond: all the tests below need
    # a short clause reads as speech when it is a sentence ("It is late.") or leads one ("It is late,")
    last = text.rstrip()[-1:]
    sentence_like = last in ".?!" or (last == "," and text[:1].isupper())
    # the verb check, the costly part, comes last: only where it decides
    if words <= 3:
        return "direct" if sentence_like and text[:1].isupper() and has_finite_verb(text) else "term"
    if words <= MAX_TERM_WORDS:
        return "direct" if sentence_like and has_finite_verb(text) else "term"
    if has_finite_verb(text):
        return "direct"
    # a long capitalised sentence with a past tense the verb list lacks ("The review examined …") is speech too
    return "direct" if last in ".?!" and text[:1].isupper() and PAST_TENSE.search(text) else "term"


# a past tense: an -ed word, not after a determiner ("the damaged") nor before "by" ("a gift handed by …")
PAST_TENSE = re.compile(r"(?<![\w-])(?<!the )(?<!a )(?<!an )(?<!its )(?<!their )(?<!this )[a-z]{3,}ed\b(?!\s+by\b)")
MAX_TITLE_WORDS = 20
SHORT_WORDS = frozenset({"a", "an", "the", "of", "in", "on", "and", "or", "for", "to", "with", "at", "by", "from"})


def _is_title_case(text: str) -> bool:
    """Four or more words, every one capitalised but the short function words: a title, not speech."""
    if not text[:1].isupper() or text.count(" ") > MAX_TITLE_WORDS:
        return False  # most quotes are ruled out before they are split into words
    words = text.rstrip(",.;:!? ").split()
    return len(words) >= 4 and all(w[:1].isupper() or w in SHORT_WORDS for w in words)


# ---------------------------------------------------------------- rows

def extract_quotes(article_id: str, body: str, *, is_excerpt: bool = False,
                   finder: SpeakerFinder | None = None) -> list[QuoteRow]:
    """Every quoted span of body with its kind and speaker; offsets are Python indices into body."""
    finder = finder or SpeakerFinder(body)
    starts = paragraph_starts(body)
    last_paragraph = len(starts) - 1
    rows: list[QuoteRow] = []
    last_direct: QuoteRow | None = None  # the last attributed direct quote, whose speaker a bare quote keeps
    spans = find_spans(body, starts)
    finder.quote_spans = [(s.start, s.end) for s in spans]
    for span in spans:
        paragraph = paragraph_of(starts, span.start)
        if not span.closed and is_excerpt and paragraph == last_paragraph:
            continue  # cut off by the capture's truncation
        text = body[span.start:span.end]
        after = finder.after(span.end + (1 if span.closed else 0))
        kind = classify_kind(text)
        if kind == "direct" and _object_of_preposition(body, span.start, text):
            kind = "term"  # charged with “smuggling copper wire …”: a phrase in the sentence's grammar, not speech
        elif kind == "term" and after is not None and _reads_as_speech(text):
            kind = "direct"  # “Nobody dares to refuse,” said one source: speech, whatever its verbs
        speaker, attribution = _attribute(body, span, kind, last_direct, finder, starts[paragraph], paragraph, after)
        row = _row(article_id, paragraph, span, text, kind, speaker, attribution)
        rows.append(row)
        if row.kind == "direct" and row.speaker_kind != "unattributed":
            last_direct = row
    return rows


def _quote_id(article_id: str, start: int, end: int) -> str:
    """text.quote_id without its generic join: the same 16 hex characters."""
    return hashlib.sha256(f"{article_id}\x1fquote\x1f{start}\x1f{end}".encode("utf-8")).hexdigest()[:16]


def _row(article_id: str, paragraph: int, span: Span, text: str, kind: str,
         speaker: Speaker | None, attribution: str) -> QuoteRow:
    quote_id = _quote_id(article_id, span.start, span.end)
    # positional, in QuoteRow's field order (keywords cost as much again per row)
    if speaker is None:
        return QuoteRow(quote_id, article_id, paragraph, span.start, span.end, text, kind,
                        None, "unattributed", None, None, "none", None, None)
    return QuoteRow(quote_id, article_id, paragraph, span.start, span.end, text, kind,
                    speaker.text, speaker.kind, speaker.name, speaker.place, attribution, speaker.start, speaker.end)


# A preposition right before an opening mark: what it quotes is the preposition's object, a noun or gerund phrase
PREPOSITION_BEFORE = re.compile(r"(?<![\w-])(?:of|for|with|about|against|by|from|into|over|like|than)\s*$")


def _object_of_preposition(body: str, quote_start: int, text: str) -> bool:
    """A quote that opens in lower case right after a preposition ("charged with “smuggling …”")."""
    return text[:1].islower() and PREPOSITION_BEFORE.search(body, max(0, quote_start - 12), quote_start - 1) is not None


def _reads_as_speech(text: str) -> bool:
    """A capitalised run of four or more words ending like a sentence or a clause before its attribution."""
    return FOUR_WORDS.match(text) is not None and text[:1].isupper() and text.rstrip()[-1:] in ",.?!"


def _attribute(body: str, span: Span, kind: str, last_direct: QuoteRow | None, finder: SpeakerFinder,
               para_start: int, paragraph: int, after) -> tuple[Speaker | None, str]:
    found = after or finder.before(span.start - 1)
    if found is None:
        found = finder.in_sentence(span.start, kind)
    if found is not None:
        return finder.resolve(found)
    if kind == "direct":
        # "Daily NK reached a source in Musan, hearing that “…”": the source is no subject of a verb of saying,
        # but the sentence names no one else before the quote
        named = finder.source_earlier_in_sentence(span.start)
        if named is not None:
            return named, "explicit"
        carried = _carried_over(body, span, last_direct, para_start, paragraph, finder)
        if carried is not None:
            return carried, "carried_over"
    return None, "none"


def _carried_over(body: str, span: Span, last: QuoteRow | None, para_start: int, paragraph: int,
                  finder: SpeakerFinder) -> Speaker | None:
    """A bare quote paragraph keeps the last speaker: the last attributed direct quote, or a source named in
    reported speech after it; a later quote in an attributed paragraph keeps that paragraph's speaker."""
    bare = not FOUR_WORDS.match(body, para_start, span.start - 1)  # "Furthermore, “…”" still counts as bare
    if last is not None and not bare and last.paragraph != paragraph:
        return None
    if not bare and last is None:
        return None
    reported = finder.last_source_mention(span.start)  # classified only if it is the one kept
    # after the last quote and its speaker: "he added" names a speaker from before, so the quote's end counts
    if reported is not None and (last is None or max(last.speaker_end or 0, last.char_end) < reported[0]):
        return finder.last_source_before(span.start)
    if last is None:
        return None
    return Speaker(last.speaker or "", last.speaker_kind, last.speaker_name, last.speaker_place,
                   last.speaker_start, last.speaker_end)
