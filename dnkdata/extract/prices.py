"""Prices: every price a body states — item, value, currency, unit, place, date and kind — with offsets.

Prose is read sentence by sentence: each money amount takes the item named last before it in the sentence
("a kilogram of rice traded for 9,600 won"), the place attached to it ("at a Pyongyang market") or named
before it in the sentence, else the place of the source whose quote holds it, and the date attached to it.
"up from X", "X ... but prices jumped to Y" and "down 3% on the prior survey, when it cost X" make X a
previous price, and so does a day before that of another price of its item and place in the paragraph, in a
sentence that speaks of a change. Wages, fines, bribes, fees and state prices are kind other, and so is pay for
work with no item named ("were paid 24,000 won"). A change ("fell by 500 won", "a 1,000 won increase") is no
price at all. A restatement in another currency ("KPW 15,000 (about USD 2)", "6,200 KPW [0.75 USD]") is not a
second price, and the currency word it prints ("USD") names no item.
Price tables inside the body (extract/price_tables.py) give one row per cell.
"""

from __future__ import annotations

import re
import string
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date

from dnkdata.extract import price_tables
from dnkdata.extract.price_terms import (UNIT, UNIT_AFTER, UNIT_BEFORE, Amount, DateMention, ItemMention,
                                         find_amounts, find_dates, find_items, unit_phrase)
from dnkdata.extract.text import ASCII_ALIKE, SentenceIndex, SpanUnion, price_id
from dnkdata.gazetteer import Place, PlaceMention, locates

RATE_CUE = re.compile(r"exchange rates?|(?:dollar|yuan|USD|CNY)[/-](?:won|KPW)|(?:won|KPW)[/-](?:dollar|yuan|USD|CNY)",
                      re.I)
PER_FOREIGN = re.compile(r"\s*(?:won\s+|KPW\s+)?(?:per|to the|to one|to a|against the|for (?:one|1|a|each))\s+"
                         r"(?:US\s+|U\.S\.\s+)?(?P<cur>dollar|yuan|USD|CNY)\b", re.I)
LEAD_IN = re.compile(r"\b(?:at|to|from|of|reached|hit|around|about|roughly|approximately|was|is|stood at|between|"
                     r"and)\s+$")
CHANGE_TO = re.compile(r"\b(?:rose|risen|rising|jumped|surged|soared|climbed|increased|spiked|shot up|went up|gone up|"
                       r"fell|fallen|falling|dropped|declined|decreased|plunged|plummeted|slipped|went down|gone down|"
                       r"now)\b[^.;]{0,30}?\bto\s+(?:(?:about|around|roughly|approximately|nearly|some)\s+)?$", re.I)
PREVIOUS_BEFORE = re.compile(r"\b(?:from|than|compared (?:to|with)|versus|vs\.?)\s+(?:(?:about|around|roughly|"
                             r"approximately|just|only|some|over|under|nearly|almost|the)\s+)*$", re.I)
# "6% lower than the last survey (8,100 won)", "up 3% from a fortnight earlier (KPW 7,400 on Jun. 3)", "since
# the last survey on Jun. 1 (KPW 7,350)": the earlier price in brackets after the comparison
BRACKETED_BASELINE = re.compile(r"(?:(?:\b(?:higher|lower|more|less|cheaper|dearer|up|down)|%)\s+(?:than|from)\s+"
                                r"|\b(?:since|than|from)\s+(?:the\s+)?(?:previous|prior|last|earlier)\b)"
                                r"[^();]{0,50}\(\s*(?:(?:about|around|roughly|approximately)\s+)*$", re.I)  # "Apr. 28 ("
BRACKETED_BASELINE_REACH = 90
PREVIOUS_CONTEXT = re.compile(r"\b(?:back in|previously|used to|had been|until)\b", re.I)
PREVIOUS_CONTEXT_LONGEST = len("previously")  # its longest match (ignoring case keeps lengths)
PREVIOUS_AFTER = re.compile(
    r"^[^.;]{0,30}?\b(?:last (?:week|month|year)|(?:a|one|two|three|four|several|\d+) (?:days?|weeks?|months?|years?)"
    r" (?:ago|earlier|before)|earlier (?:this|that) (?:week|month|year)|the (?:previous|prior) (?:day|week|month|year))",
    re.I)
# "down 3% on the prior survey of May 6, when it cost KPW 4,100", "ten days earlier, when the dollar went for
# KPW 8,150": a clause that says what a price was at an earlier time just named
PREVIOUS_WHEN = re.compile(
    r"\b(?:previous|prior|earlier|last|ago|before)\b[^;]{0,40}?,?\s+when\s+(?:[\w’'-]+\s+){1,3}?"
    r"(?:cost|costs|sold|traded|fetched|went|bought|was|were|stood|had been)\s+"
    r"(?:(?:trading|selling|going|at|for|around|about|roughly|approximately|some|over|under|nearly|just|only|below|"
    r"above)\s+)*$", re.I)
PREVIOUS_WHEN_REACH = 120
STATE_PRICE = re.compile(r"\b(?:state(?:-set|-designated|-run)?\s+(?:prices?|stores?|shops?)"
                         r"|official\s+(?:exchange\s+)?(?:rates?|offices?|prices?))\b", re.I)
# a level, a threshold or a forecast, not a price paid: "crossed the 4,000 won line", "the mid-7,000 won band",
# "toward 7,000 won", "the lower half of 3,000 won", "could climb to 1,200 won"
NOT_PAID_BEFORE = re.compile(r"(?:\b(?:crossed|crossing|crosses|toward|towards)\s+(?:the\s+)?|\bmid-"
                             r"|\b(?:upper|lower)\s+half\s+of\s+(?:the\s+)?"
                             r"|\b(?:will|would|could|might)\s+(?:have\s+)?(?:[a-z]+\s+){1,3})$", re.I)
NOT_PAID_REACH = 40
RESTATEMENT = re.compile(r"\s*[(\[,—–-]?\s*(?:or\s+)?(?:(?:about|around|approximately|approx\.|roughly|nearly|"
                         r"almost|some|slightly (?:less|more) than|just (?:over|under)|over|under|equivalent to|"
                         r"the equivalent of|worth)\s+)*")
# what may stand between a price and its place: "… won in Sinuiju", "… won ($0.14) at a Chongjin market",
# "… won at a market in Hamhung", "… won at markets in Manpo and Kanggye" (the first named)
ATTACHED_PLACE = re.compile(r"\s*(?:\([^()]{1,25}\)\s*)?(?:\(?(?:per|a)\s+\w+\)?\s*)?(?:[,]\s*)?(?:in|at)\s+"
                            r"(?:the\s+|an?\s+|one\s+)?(?:(?:local\s+|general\s+)?(?:market(?:place)?s?|jangmadangs?)\s+"
                            r"in\s+(?:the\s+)?)?$")
ATTACHED_PLACE_REACH = 60
# a change in price, not a price: an amount right after "by", "up", "fell", "a drop of" (or after the other numbers
# of a list: "drops of 300, 250 and 150 won"), or right before "increase", "drop", "lower than" ("a 1,000 won
# increase", "300 won lower than in May"), a restatement in brackets allowed between ("a 900 KPW [0.11 USD] rise")
CHANGE_VERBS = r"rose|risen|rising|jumped|surged|soared|climbed|increased|spiked|fell|fallen|falling|dropped|" \
               r"declined|decreased|plunged|plummeted|slipped|slid|tumbled|dipped"
CHANGE_NOUN_WORDS = "increase rise hike jump gain surge spike drop fall decline decrease reduction cut plunge".split()
CHANGE_NOUNS = r"(?:" + "|".join(CHANGE_NOUN_WORDS) + r")s?"
CHANGE_BEFORE = re.compile(
    r"(?:\b(?:by|up|down|" + CHANGE_VERBS + r")|\b" + CHANGE_NOUNS + r"\s+of)\s+"
    r"(?:(?:about|around|roughly|approximately|nearly|almost|some|over|more than|less than|just|only|another|"
    r"a further|as much as)\s+)*"
    r"(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*(?:,\s+(?:and\s+)?|and\s+|or\s+))*$", re.I)
CHANGE_BEFORE_REACH = 60
# the last word of every CHANGE_BEFORE match, lowercased (its words are ASCII): a cue, "of", a qualifier's last word,
# "and" or "or" of a list ("," ends a list item too)
CHANGE_BEFORE_LAST_WORDS = frozenset(
    ("by up down of and or about around roughly approximately nearly almost some over than just only another further "
     "as " + CHANGE_VERBS.replace("|", " ")).split())
LAST_WORD_REACH = 24  # characters read back for the last word: the longest cue word and a few spaces
CHANGE_AFTER = re.compile(r"\s*(?:[\[(][^\[\]()\n]{0,30}[\])]\s*)?(?:(?:price\s+)?" + CHANGE_NOUNS + r"\b|"
                          r"(?:lower|higher|cheaper|dearer)\b|(?:more|less)\s+(?:than|value|expensive)\b)", re.I)
# the first word of every CHANGE_AFTER match that does not open with a bracket, lowercased
CHANGE_AFTER_FIRST_WORDS = frozenset(CHANGE_NOUN_WORDS + [w + "s" for w in CHANGE_NOUN_WORDS] +
                                     "price lower higher cheaper dearer more less".split())
# a sentence that speaks of a change ("has risen 11%"), for a dated comparison price
CHANGE_SPOKEN = re.compile(r"\b(?:" + CHANGE_VERBS + r"|" + CHANGE_NOUNS + r")\b|\d\s*%|\bpercent\b", re.I)
# the word after an amount (all its ASCII letters, none of the characters that ignoring case equates with one
# after them: see ASCII_ALIKE), or a first character that no CHANGE_AFTER match begins with
NEXT_WORD = re.compile(r"\s*+(?:([A-Za-z]++)(?!" + ASCII_ALIKE.pattern + r")|[^\[(A-Za-z" + ASCII_ALIKE.pattern[1:-1]
                       + r"])")
# pay for work: an amount right after a passive "paid", "earn" or "compensated (in the amount of)", or right before
# "as payment", "in wages" (a restatement in brackets allowed between). Not "paid 5,000 won for rice": a price.
WAGE_BEFORE = re.compile(r"\b(?:(?:be|been|being|is|are|was|were|get|gets|got|getting)\s+paid|earns?|earned|earning|"
                         r"compensated(?:\s+in\s+the\s+amount\s+of)?)\s+(?:(?:only|just|about|around|roughly|nearly|"
                         r"some|as little as|as much as|up to)\s+)*$", re.I)
WAGE_BEFORE_REACH = 60
WAGE_AFTER = re.compile(r"\s*(?:[\[(][^\[\]()\n]{0,30}[\])]\s*)?(?:as|in)\s+(?:(?:monthly|daily|their|his|her|a)\s+)?"
                        r"(?:payment|pay|wages?|salary|salaries)\b", re.I)
CURRENCY_OF_ITEM = {"usd": "USD", "cny": "CNY"}
# the currencies whose printed word ("0.75 USD", "30 yuan") names no item; not in "1 dollar", the base of a rate
# ("1 dollar traded for 8,000 won")
FOREIGN = ("USD", "CNY")
# "950won for 1kilo of rice, 450won for 1kg of corn", "250won per 1kg of pork": the item after the amount is its own,
# whatever was named before it
FOR_ITEM_STARTS = (" for ", " per ")
FOR_ITEM = re.compile(r" (?:for|per) (?i:(?:(?:a|an|one|\d+(?:\.\d+)?)\s*)?(?:" + UNIT + r"\s*(?:of\s+)?)?)")
# "the yuan-to-won exchange rate", "the yuan-won market exchange rate", "the Chinese yuan exchange rate": the text
# between a currency and a bare "exchange rate" (read as the dollar's) that makes the rate that currency's
RATE_OF_CURRENCY = re.compile(r"(?:\s*[-/–]\s*(?:to[-\s]+)?(?:(?:the\s+)?North\s+Korean\s+)?(?:won|KPW))?"
                              r"(?:\s*\(\w+\))?\s+(?:market\s+)?", re.I)
BARE_RATE = ("exchange rate", "exchange rates")
RANGE_TO = re.compile(r"\s*(?:to|-|–|~)\s*")
RANGE_AND = re.compile(r"\s*and\s*")
FROM_BEFORE = re.compile(r"\bfrom\s+(?:\w+\s+)?$", re.I)
BETWEEN_BEFORE = re.compile(r"\bbetween\s+$", re.I)
FROM_OR_TO_BEFORE = re.compile(r"\b(?:from|to)\s+$")
PRICE_WORD = re.compile(r"\bprices?\b", re.I)
PRICE_WORD_LONGEST = len("prices")
RATE_WORD = re.compile(r"\brates?\b", re.I)
CLAUSE_BREAK = re.compile(r"[;]|,\s+but\b")
# text.strip() == "(" as a match, which stops at the first other character: a strip of the text between an item
# and an amount far after it (in an endless sentence) would read all of it, once per amount
OPENING_PAREN_ONLY = re.compile(r"\s*\(\s*")
DATE_LEAD = re.compile(r"[^.;]*?\b(?:on|as of|of)\s+(?:the\s+)?")


@dataclass
class PriceRow:
    price_id: str
    article_id: str
    item: str
    value: float
    value_high: float | None
    currency: str
    unit: str | None
    place: str | None
    place_id: str | None
    observed_date: date | None
    observed_date_source: str | None
    kind: str
    mention: str
    char_start: int
    char_end: int


@dataclass(frozen=True)
class SourceSpan:
    """A quoted span and the place of the source who said it (None when the attribution names none)."""

    start: int
    end: int
    place: Place | None


@dataclass
class _Draft:
    """One amount while its item, place, date and kind are worked out."""

    amount: Amount
    item: ItemMention
    sentence: tuple[int, int]
    currency: str
    unit_after: re.Match[str] | None  # UNIT_AFTER right after the amount ("… won a kilogram")
    unit: str | None = None
    place: Place | None = None
    day: DateMention | None = None
    kind: str = "current"
    start: int = 0
    end: int = 0
    nth: int = 0  # its place among the prices of its sentence ("… 8,100 won and 8,300 won respectively")
    first_amount: int = 0  # where the first price of its sentence begins


def extract_prices(article_id: str, body: str, *, published_date: date | None,
                   places: list[PlaceMention], speakers: list[SourceSpan],
                   sentences: SentenceIndex | None = None) -> list[PriceRow]:
    """Price rows for one body, in body order; a pure function of its arguments. sentences: the body's sentence
    index, when the caller has one (the speaker finder's), so its paragraphs are not scanned again."""
    kp_places = _Places([m for m in places if m.place.country_code == "KP" and m.place.level != "country"])
    tables = price_tables.find_tables(body)
    rows = [_row(article_id, body, cell) for cell in price_tables.table_prices(body, tables, published_date)]
    masked = [(t.start, t.end) for t in tables]
    lookups = _SentenceLookups(body, published_date, sentences)
    drafts = _prose_drafts(body, masked, lookups)
    sources = _Sources(speakers)
    for draft in drafts:
        _attach_place(body, draft, kp_places, sources, lookups)
        _attach_date(body, draft, lookups)
    _assign_kinds(body, drafts, lookups)
    _carry_units(drafts)
    rows += [_draft_row(article_id, body, d) for d in drafts]
    return sorted(rows, key=lambda r: (r.char_start, r.char_end))


class _SentenceLookups:
    """One body's sentences and what they hold (bounds, items, dates, the sentence before, rate and state-price
    cues), each found once: the amounts of a sentence, and the sentences of a paragraph, share them."""

    def __init__(self, body: str, published: date | None, sentences: SentenceIndex | None = None):
        self.body, self.published = body, published
        # per sentence: its items / dates (ascending by start, as find_items / find_dates give them) and their starts
        self._items: dict[tuple[int, int], tuple[list[ItemMention], list[int]]] = {}
        self._dates: dict[tuple[int, int], tuple[list[DateMention], list[int]]] = {}
        self._previous: dict[int, tuple[int, int] | None] = {}
        self._state: dict[tuple[int, int], bool] = {}
        self._rate: dict[tuple[int, int], bool] = {}
        self._change: dict[tuple[int, int], bool] = {}
        self._first_context: dict[tuple[int, int], re.Match[str] | None] = {}
        self._price_words: dict[tuple[int, int], tuple[str, re.Match[str] | None]] = {}  # sentence text, 1st match
        self._sentences = sentences or SentenceIndex(body)
        self._printed_currencies: SpanUnion | None = None  # set by ignore_items_in

    def ignore_items_in(self, spans: list[tuple[int, int]]) -> None:
        """Item words inside these spans are not items (the "USD" of "[0.75 USD]" prints an amount's currency)."""
        self._printed_currencies = SpanUnion(spans) if spans else None  # most bodies print none

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """sentence_bounds(body, start, end), each paragraph's sentence ends read once for all its amounts."""
        return self._sentences.bounds(start, end)

    def paragraph(self, pos: int) -> tuple[int, int]:
        """The paragraph around pos."""
        return self._sentences.paragraph(pos)

    def previous_sentence(self, sentence_start: int) -> tuple[int, int] | None:
        """The sentence before the one at sentence_start in its paragraph; None when it opens the paragraph."""
        if sentence_start not in self._previous:
            paragraph_start, _ = self._sentences.paragraph(sentence_start)  # = the rfind of "\n\n" before it
            self._previous[sentence_start] = None if sentence_start <= paragraph_start else \
                self._sentences.bounds(max(paragraph_start, sentence_start - 2))  # = sentence_bounds
        return self._previous[sentence_start]

    def state_price(self, sentence: tuple[int, int]) -> bool:
        """Whether the sentence or the one before it speaks of state prices or state stores."""
        if sentence not in self._state:
            previous = self.previous_sentence(sentence[0])
            self._state[sentence] = self._state_price_in(*sentence) or previous is not None and \
                self._state_price_in(previous[0], sentence[0])
        return self._state[sentence]

    def _state_price_in(self, start: int, end: int) -> bool:
        window = self.body[start:end]
        lowered = window.lower()
        # every match holds "state" or "official"; ignoring case, only "ſ" outside ASCII matches one of their letters
        return ("state" in lowered or "official" in lowered or "ſ" in window) and \
            bool(STATE_PRICE.search(self.body, start, end))

    def rate_cue(self, sentence: tuple[int, int]) -> bool:
        """Whether the sentence speaks of an exchange rate (RATE_CUE)."""
        if sentence not in self._rate:
            window = self.body[sentence[0]:sentence[1]]
            # every match holds "exchange rate", "/" or "-" (no character outside ASCII matches those letters)
            self._rate[sentence] = ("exchange rate" in window.lower() or "/" in window or "-" in window) and \
                bool(RATE_CUE.search(self.body, *sentence))
        return self._rate[sentence]

    def change_spoken(self, sentence: tuple[int, int]) -> bool:
        """Whether the sentence speaks of a change (CHANGE_SPOKEN), found once however many prices it holds."""
        if sentence not in self._change:
            self._change[sentence] = CHANGE_SPOKEN.search(self.body, *sentence) is not None
        return self._change[sentence]

    def items_and_starts(self, sentence: tuple[int, int]) -> tuple[list[ItemMention], list[int]]:
        """The sentence's items and where they begin, for bisection."""
        if sentence not in self._items:
            items = find_items(self.body, *sentence)
            if self._printed_currencies is not None:
                items = [m for m in items if m.start not in self._printed_currencies]
            _name_rates_by_currency(self.body, items)
            self._items[sentence] = items, [m.start for m in items]
        return self._items[sentence]

    def dates_and_starts(self, sentence: tuple[int, int]) -> tuple[list[DateMention], list[int]]:
        """The sentence's dates and where they begin, for bisection."""
        if sentence not in self._dates:
            dates = find_dates(self.body, *sentence, self.published)
            self._dates[sentence] = dates, [d.start for d in dates]
        return self._dates[sentence]

    def previous_context(self, sentence: tuple[int, int], pos: int) -> bool:
        """bool(PREVIOUS_CONTEXT.search(body, sentence[0], pos)), for a price at pos in the sentence."""
        if sentence not in self._first_context:
            self._first_context[sentence] = PREVIOUS_CONTEXT.search(self.body, *sentence)
        return _found_before(PREVIOUS_CONTEXT, PREVIOUS_CONTEXT_LONGEST, self.body, sentence[0], pos,
                             self._first_context[sentence])

    def price_word(self, sentence: tuple[int, int], pos: int) -> bool:
        """bool(PRICE_WORD.search(body[sentence[0]:pos])), for a price at pos in the sentence (a search of the
        sentence's own text, cut at pos: it begins at the sentence start)."""
        if sentence not in self._price_words:
            text = self.body[sentence[0]:sentence[1]]
            self._price_words[sentence] = text, PRICE_WORD.search(text)
        text, first = self._price_words[sentence]
        return _found_before(PRICE_WORD, PRICE_WORD_LONGEST, text, 0, pos - sentence[0], first)


def _name_rates_by_currency(body: str, items: list[ItemMention]) -> None:
    """A bare "exchange rate" right after a currency ("the yuan-to-won exchange rate") is that currency's rate."""
    for i in range(1, len(items)):
        rate, currency = items[i], items[i - 1]
        if rate.item == "usd" and currency.group == "currency" and currency.item != "usd" and \
                body[rate.start:rate.end].lower() in BARE_RATE and \
                RATE_OF_CURRENCY.fullmatch(body, currency.end, rate.start):
            items[i] = ItemMention(rate.start, rate.end, currency.item, "currency")


def _found_before(pattern: re.Pattern[str], longest: int, text: str, start: int, pos: int,
                  first: re.Match[str] | None) -> bool:
    """pattern.search(text, start, pos) is not None, where first = pattern.search(text, start, end) for an end at
    or after pos and no match is longer than `longest`: without a search from start per pos, which in a sentence
    without end would cost its length per price.

    A match ending by pos is found by that search (the patterns end in a letter and \\b, which holds at a cut
    too), and one ending more than `longest` before pos reads alike whether the text stops at pos or not (the
    first match ends first). So: either the first match ends by pos, or a match ends within the last `longest`
    characters before pos, which a search there finds."""
    if first is not None and first.end() <= pos:
        return True
    return pattern.search(text, max(start, pos - longest), pos) is not None


# ---------------------------------------------------------------- amounts → drafts

def _prose_drafts(body: str, masked: list[tuple[int, int]], lookups: _SentenceLookups) -> list[_Draft]:
    drafts: list[_Draft] = []
    sentence_drafts: list[_Draft] = []  # the drafts of the sentence of the last one
    amounts = _merge_ranges(body, find_amounts(body))
    lookups.ignore_items_in([(a.start, a.end) for a in amounts if a.currency in FOREIGN and a.value != 1])
    said = _LastSaid()
    for amount in amounts:
        if masked and any(s <= amount.start < e for s, e in masked) or \
                amount.currency is None and _never_a_price(body, amount):
            continue
        sentence = lookups.sentence(amount.start, amount.end)
        if said.sentence != sentence:
            said.sentence, said.amount, said.currency = sentence, None, None
        if sentence_drafts and sentence_drafts[-1].sentence != sentence:
            sentence_drafts = []
        draft = _draft(body, amount, sentence, sentence_drafts, drafts, lookups, said)
        if draft is not None:
            drafts.append(draft)
            sentence_drafts.append(draft)
    return drafts


@dataclass
class _LastSaid:
    """The last amount of a sentence that had a currency, priced or not: an amount right after it in another
    currency restates it ("a 900 KPW [0.11 USD] increase" restates a change, which is no price)."""

    sentence: tuple[int, int] | None = None
    amount: Amount | None = None
    currency: str | None = None


def _merge_ranges(body: str, amounts: list[Amount]) -> list[Amount]:
    """"4,800 to 5,000 won", "KPW 4,800 to KPW 5,000", "between 4,800 and 5,000 won": one amount with a high value."""
    merged: list[Amount] = []
    for amount in amounts:
        if merged and _is_range(body, merged[-1], amount):
            low = merged.pop()
            amount = Amount(low.start, amount.end, low.value, low.currency or amount.currency, amount.value)
        merged.append(amount)
    return merged


def _is_range(body: str, low: Amount, high: Amount) -> bool:
    if low.value_high is not None or (low.currency and high.currency and low.currency != high.currency):
        return False
    if low.currency is None and high.currency is None:
        return False
    if RANGE_TO.fullmatch(body, low.end, high.start):  # the text between the two
        if low.currency is not None and "to" in body[low.end:high.start] and \
                _change_before(body, max(0, low.start - CHANGE_BEFORE_REACH), low.start):
            return False  # "fell 1,500 won to 8,000 won": a change, then the price it came to
        return not FROM_BEFORE.search(body[max(0, low.start - 20):low.start])
    return bool(RANGE_AND.fullmatch(body, low.end, high.start)) and \
        bool(BETWEEN_BEFORE.search(body[max(0, low.start - 12):low.start]))


def _draft(body: str, amount: Amount, sentence: tuple[int, int], same_sentence: list[_Draft],
           earlier: list[_Draft], lookups: _SentenceLookups, said: _LastSaid) -> _Draft | None:
    currency = amount.currency or _context_currency(body, amount, sentence, same_sentence, lookups)
    if currency is None:
        return None
    if currency in ("USD", "CNY") and amount.value == 1 and _kpw_follows(body, amount, sentence):
        return None  # "1 dollar traded for 8,000 won": the base of an exchange rate, not a price
    restated = _is_restatement(body, amount, currency, said)
    said.amount, said.currency = amount, currency
    if restated or _is_change(body, amount, sentence) or \
            NOT_PAID_BEFORE.search(body, max(sentence[0], amount.start - NOT_PAID_REACH), amount.start):
        return None
    item = _item_for(body, amount, currency, sentence, same_sentence, earlier, lookups)
    if item is None:
        return None
    draft = _Draft(amount, item, sentence, currency, UNIT_AFTER.match(body, amount.end), nth=len(same_sentence),
                   first_amount=same_sentence[0].amount.start if same_sentence else amount.start)
    draft.unit = _unit(body, draft)
    draft.start, draft.end = _mention_span(body, draft, same_sentence)
    return draft


def _context_currency(body: str, amount: Amount, sentence: tuple[int, int], same: list[_Draft],
                      lookups: _SentenceLookups) -> str | None:
    """A bare number is a price only in a rate phrase ("8,000 won per dollar", "the exchange rate stood at 8,000"),
    as the other end of a change ("rose to 9,600 won, up from 9,000"), or listed before a price ("to 2,950 and 3,010
    won respectively")."""
    if PER_FOREIGN.match(body, amount.end):
        return "KPW"
    joined = LIST_JOIN.match(body, amount.end)
    if joined:
        listed = find_amounts(body, joined.end(), min(sentence[1], joined.end() + 20))
        if listed and listed[0].start == joined.end() and listed[0].currency is not None:
            return listed[0].currency
    lead = LEAD_IN.search(body, max(sentence[0], amount.start - 30), amount.start)
    if lead is None or lead.end() != amount.start:
        return None
    if amount.value >= 100 and lookups.rate_cue(sentence):
        return "KPW"
    if FROM_OR_TO_BEFORE.search(body[lead.start():amount.start]) and same:
        return same[-1].currency
    return None


def _never_a_price(body: str, amount: Amount) -> bool:
    """A bare number below 10 or a year ("in 2024") is never read as a price."""
    return amount.value < 10 or 1900 <= amount.value <= 2100 and "," not in body[amount.start:amount.end]


def _is_restatement(body: str, amount: Amount, currency: str, said: _LastSaid) -> bool:
    """The same amount again in another currency right after it: "KPW 24,000 (just under USD 3",
    "6,200 KPW [0.75 USD]", "1,300 won a kilogram ($0.16)"."""
    if said.amount is None or said.currency == currency:
        return False
    unit = UNIT_AFTER.match(body, said.amount.end)
    start = unit.end() if unit and unit.end() <= amount.start else said.amount.end
    return bool(RESTATEMENT.fullmatch(body, start, amount.start))


def _is_change(body: str, amount: Amount, sentence: tuple[int, int]) -> bool:
    """"fell by 500 won", "drops of 300, 250 and 150 won", "a 1,000 won increase", "300 won lower than": the
    amount is a difference between two prices, not one (looked for in a few words on either side)."""
    if _change_after(body, amount.end, sentence[1]):
        return True
    return _change_before(body, max(sentence[0], amount.start - CHANGE_BEFORE_REACH), amount.start) is not None


def _kpw_follows(body: str, amount: Amount, sentence: tuple[int, int]) -> bool:
    return any(a.currency == "KPW" for a in find_amounts(body, amount.end, min(sentence[1], amount.end + 80)))


# ---------------------------------------------------------------- item, unit, mention

def _item_for(body: str, amount: Amount, currency: str, sentence: tuple[int, int], same_sentence: list[_Draft],
              earlier: list[_Draft], lookups: _SentenceLookups) -> ItemMention | None:
    """The item named last before the amount in its sentence, else the first one right after it; with none, pay for
    work (a wage) or a rate."""
    items, starts = lookups.items_and_starts(sentence)
    if len(items) > 1 and body.find("respectively", amount.end, sentence[1]) >= 0:
        respective = _respective_item(body, items, starts, amount, same_sentence)
        if respective is not None:
            return respective
    if items:
        found = _item_for_it(body, items, starts, amount, currency) or \
            _last_item_before(items, starts, amount, currency) or _first_item_after(items, starts, amount, currency)
        if found is not None and (found.end <= amount.start or not find_amounts(body, amount.end, found.start)):
            return found
    if _is_pay(body, amount, sentence):
        return ItemMention(amount.start, amount.start, "wage", "other")
    if currency == "KPW" and (PER_FOREIGN.match(body, amount.end) or lookups.rate_cue(sentence)):
        m = PER_FOREIGN.match(body, amount.end)
        word = m.group("cur").lower() if m else ""
        return ItemMention(amount.start, amount.start, "cny" if word in ("yuan", "cny") else "usd", "currency")
    if earlier and (lookups.price_word(sentence, amount.start) or
                    earlier[-1].item.group == "currency" and RATE_WORD.search(body, sentence[0], amount.start)):
        last = earlier[-1]
        # same paragraph: "prices then rose to …"; after a currency's price, "the rate had been …"
        if body.rfind("\n\n", last.amount.end, amount.start) < 0:
            return ItemMention(amount.start, amount.start, last.item.item, last.item.group)
    return None


COORDINATION = re.compile(r"\s*(?:,\s*)?(?:and\s+)?")
LIST_JOIN = re.compile(r"(?:\s*,\s*(?:and\s+)?|\s+and\s+)(?=\S)")  # "2,950 and 3,010 won", "2,950, 2,980 and …"
PLACE_COORDINATION = re.compile(r"\s*(?:\([^()]{1,40}\)\s*)?(?:,\s*)?(?:and\s+)?")


def _respective_item(body: str, items: list[ItemMention], starts: list[int], amount: Amount,
                     same_sentence: list[_Draft]) -> ItemMention | None:
    """"Beans and flour sold for KPW 7,100 and KPW 4,300, respectively": the k-th amount of the sentence takes
    the k-th of the items listed together before its first amount."""
    k = len(same_sentence)
    first = same_sentence[0].amount.start if same_sentence else amount.start
    run = _listed_together(body, items[:bisect_left(starts, first)], COORDINATION)
    return run[k] if len(run) > 1 and k < len(run) else None


def _listed_together(body: str, mentions: list, joiner: re.Pattern[str]) -> list:
    """The mentions (items or places, in body order) that end the list named together: each joined to the next
    by what joiner matches whole (commas and "and")."""
    run = mentions[-1:]
    for mention in reversed(mentions[:-1]):
        if not joiner.fullmatch(body, mention.end, run[0].start):
            break
        run.insert(0, mention)
    return run


def _item_for_it(body: str, items: list[ItemMention], starts: list[int], amount: Amount,
                 currency: str) -> ItemMention | None:
    """The item of "950won for 1kilo of rice" (for or per, a quantity, a unit, of): one that begins right where
    that phrase ends."""
    if not body.startswith(FOR_ITEM_STARTS, amount.end):  # every match begins so
        return None
    phrase = FOR_ITEM.match(body, amount.end)
    i = bisect_left(starts, phrase.end())
    if i < len(items) and starts[i] == phrase.end() and _usable(items[i], amount, currency):
        return items[i]
    return None


def _is_pay(body: str, amount: Amount, sentence: tuple[int, int]) -> bool:
    """"were only paid 24,000 won", "compensated in the amount of 250,000 won", "24,000 won as payment"."""
    if _wage_before(body, max(sentence[0], amount.start - WAGE_BEFORE_REACH), amount.start):
        return True
    return WAGE_AFTER.match(body, amount.end, sentence[1]) is not None


def _usable(item: ItemMention, amount: Amount, currency: str) -> bool:
    """Not inside the amount, not the amount's own currency, and no currency at all for a foreign amount (a rate
    is quoted in won)."""
    return not amount.start <= item.start < amount.end and CURRENCY_OF_ITEM.get(item.item) != currency and \
        (currency == "KPW" or item.group != "currency")


def _last_item_before(items: list[ItemMention], starts: list[int], amount: Amount,
                      currency: str) -> ItemMention | None:
    """The last usable item ending by the amount's start. items: ascending by start (starts); one that ends by
    the amount starts by it too, so the look back begins there, not at the sentence's last item."""
    for i in range(bisect_right(starts, amount.start) - 1, -1, -1):
        item = items[i]
        if item.end <= amount.start and _usable(item, amount, currency):
            return item
    return None


def _first_item_after(items: list[ItemMention], starts: list[int], amount: Amount,
                      currency: str) -> ItemMention | None:
    """The first usable item starting after the amount, if it starts within 60 characters."""
    for i in range(bisect_left(starts, amount.end), len(items)):
        item = items[i]
        if _usable(item, amount, currency):
            return item if item.start - amount.end <= 60 else None
    return None


def _unit(body: str, draft: _Draft) -> str | None:
    if draft.item.group == "currency":
        return draft.item.item
    after = draft.unit_after
    if after:
        return unit_phrase(None, after.group("unit"))
    before = _unit_before(body, max(draft.sentence[0], draft.item.start - 40), draft.item.start)
    if before and draft.item.end <= draft.amount.start:
        return unit_phrase(before.group("qty"), before.group("unit"))
    return None


# Two searches that are slow over their windows (case-blind alternations tried at every offset) run only when
# the window holds the word every match contains. Ignoring case, no character outside ASCII matches "t", "o"
# or "f", so the lowercased window tells.

def _unit_before(body: str, start: int, end: int) -> re.Match[str] | None:
    return UNIT_BEFORE.search(body, start, end) if "of" in body[start:end].lower() else None


def _change_to(body: str, start: int, end: int) -> re.Match[str] | None:
    return CHANGE_TO.search(body, start, end) if "to" in body[start:end].lower() else None


def _change_before(body: str, start: int, end: int) -> re.Match[str] | None:
    """CHANGE_BEFORE.search(body, start, end), tried only when the word before end can end a match: its search
    tries every offset of the window, and most amounts follow "for", "at" or "to"."""
    if end <= start or not body[end - 1].isspace():
        return None  # every match ends in whitespace
    if body[end - 1] == " ":  # the usual case, one space after a word of ASCII letters: read that word
        space = body.rfind(" ", max(start, end - LAST_WORD_REACH), end - 1)
        word = body[space + 1:end - 1]
        if space >= 0 and word.isascii() and word.isalpha():
            return CHANGE_BEFORE.search(body, start, end) if word.lower() in CHANGE_BEFORE_LAST_WORDS else None
    tail_start = max(start, end - LAST_WORD_REACH)
    tail = body[tail_start:end].rstrip()
    if not tail.endswith(",") and (tail.isascii() or not ASCII_ALIKE.search(tail)):  # (see ASCII_ALIKE)
        last_word = tail[len(tail.rstrip(string.ascii_letters)):]
        if (len(last_word) < len(tail) or tail_start == start) and last_word.lower() not in CHANGE_BEFORE_LAST_WORDS:
            return None  # (a word reaching the tail's start may go on before it)
    return CHANGE_BEFORE.search(body, start, end)


def _change_after(body: str, start: int, end: int) -> re.Match[str] | None:
    """CHANGE_AFTER.match(body, start, end), tried only when the word after start can begin a match (most amounts
    are followed by "a kilogram", "in" or a comma)."""
    m = NEXT_WORD.match(body, start, end)
    if m is not None and (m.group(1) is None or m.group(1).lower() not in CHANGE_AFTER_FIRST_WORDS):
        return None
    return CHANGE_AFTER.match(body, start, end)


def _wage_before(body: str, start: int, end: int) -> re.Match[str] | None:
    if end <= start or not body[end - 1].isspace():
        return None  # every match ends in whitespace
    window = body[start:end]
    lowered = window.lower()
    # every match holds one of these words (see ASCII_ALIKE for the characters that match their letters otherwise)
    if "paid" in lowered or "earn" in lowered or "compensated" in lowered or \
            not window.isascii() and ASCII_ALIKE.search(window):
        return WAGE_BEFORE.search(body, start, end)
    return None


def _previous_when(body: str, start: int, end: int) -> re.Match[str] | None:
    # every match holds "when" (ignoring case, no character outside ASCII matches one of its letters)
    return PREVIOUS_WHEN.search(body, start, end) if "when" in body[start:end].lower() else None


def _previous_before(body: str, start: int, end: int) -> re.Match[str] | None:
    window = body[start:end]
    lowered = window.lower()
    # every match begins with one of these words; ignoring case, only "ſ" outside ASCII matches one of their letters
    if "from" in lowered or "than" in lowered or "compared" in lowered or "vs" in lowered or "versus" in lowered \
            or "ſ" in window:
        return PREVIOUS_BEFORE.search(body, start, end)
    return None


def _mention_span(body: str, draft: _Draft, same: list[_Draft]) -> tuple[int, int]:
    """From the item (when it stands just before the amount in the same clause) to the amount and its unit, or to
    the item that follows it ("950won for 1kilo of rice")."""
    amount, item = draft.amount, draft.item
    end = amount.end
    after = draft.unit_after
    if item.start >= end and body.startswith(FOR_ITEM_STARTS, end) and FOR_ITEM.match(body, end).end() == item.start:
        end = item.end  # "950won for 1kilo of rice"
    elif after and draft.item.group != "currency":
        end = after.end()
    elif OPENING_PAREN_ONLY.fullmatch(body, item.end, amount.start) and body[end:end + 1] == ")":
        end += 1
    start = amount.start
    previous_end = same[-1].end if same else draft.sentence[0]
    if item.end <= amount.start and item.start >= previous_end and amount.start - item.end <= 80 \
            and item.start < item.end and not CLAUSE_BREAK.search(body[item.end:amount.start]):
        before = _unit_before(body, max(previous_end, item.start - 40), item.start)
        start = before.start() if before else item.start
    else:
        lead = _change_to(body, max(previous_end, amount.start - 50), amount.start)
        if lead and lead.end() == amount.start:
            start = lead.start()
    return start, end


# ---------------------------------------------------------------- place, date, kind

def _attach_place(body: str, draft: _Draft, places: _Places, speakers: _Sources,
                  lookups: _SentenceLookups) -> None:
    """The place right after the amount ("… won in Sinuiju"), else the last one before it in the sentence (the city
    of "Hyesan, Yanggang Province", not its province), else the place of the source quoted, else a place in the
    sentence before (same paragraph)."""
    s_start, s_end = draft.sentence
    unit_end = draft.end
    attached = places.attached_at(body, unit_end)
    if attached is not None:
        draft.place = attached.place
        return
    listed = body.find("respectively", unit_end, s_end)  # "… KPW 7,100 and KPW 4,300, respectively, in Manpo"
    if listed >= 0:
        # "in Manpo and Kanggye … 5,100 and 5,300 won respectively": the nth amount takes the nth place listed
        run = places.listed(body, s_start, draft.first_amount)
        if len(run) > 1 and draft.nth < len(run):
            draft.place = run[draft.nth].place
            return
        attached = places.attached_at(body, listed + len("respectively"))
        if attached is not None:
            draft.place = attached.place
            return
    before = places.last_inside(s_start, draft.amount.start)
    if before is not None:
        located = places.located_by(body, before)
        draft.place = (located or before).place
        return
    quoted = speakers.last_holding(draft.amount.start)
    if quoted is not None:
        draft.place = quoted.place
        return
    previous = lookups.previous_sentence(s_start)
    if previous is not None:
        named = places.inside(previous[0], s_start)
        if named:
            draft.place = _most_specific(named)


class _Sources:
    """The quoted spans of sources, looked up by offset: by bisection when they come one after another (as quotes
    do), so each price does not look at every quote of the body."""

    def __init__(self, spans: list[SourceSpan]):
        self.spans = spans
        self.starts = [s.start for s in spans]
        self.disjoint = all(a.end <= b.start for a, b in zip(spans, spans[1:]))  # hence sorted, too

    def last_holding(self, pos: int) -> SourceSpan | None:
        """The last span (in the order given) with start <= pos < end."""
        if self.disjoint:
            i = bisect_right(self.starts, pos)  # the span before it ends before this one starts, so before pos
            return self.spans[i - 1] if i and pos < self.spans[i - 1].end else None
        holding = [s for s in self.spans if s.start <= pos < s.end]
        return holding[-1] if holding else None


class _Places:
    """The place mentions a price can take, in the order given, looked up by offset (bisect when they come sorted
    by start, as find_places gives them): a body has a score of mentions and each price asks about a few."""

    def __init__(self, mentions: list[PlaceMention]):
        self.mentions = mentions
        self.starts = [m.start for m in mentions]
        self.ordered = self.starts == sorted(self.starts)

    def starting_within(self, low: int, high: int) -> list[PlaceMention]:
        """The mentions with low <= start <= high."""
        if self.ordered:
            return self.mentions[bisect_left(self.starts, low):bisect_right(self.starts, high)]
        return [m for m in self.mentions if low <= m.start <= high]

    def inside(self, low: int, high: int) -> list[PlaceMention]:
        """The mentions with low <= start and end <= high."""
        if self.ordered:
            candidates = self.mentions[bisect_left(self.starts, low):bisect_right(self.starts, high)]
            return [m for m in candidates if m.end <= high]
        return [m for m in self.mentions if low <= m.start and m.end <= high]

    def located_by(self, body: str, province: PlaceMention) -> PlaceMention | None:
        """The place that a province mention locates ("Hyesan" of "Hyesan, Yanggang Province"): the mention right
        before it, a comma apart, of a place inside that province; else None."""
        if province.place.level != "province":
            return None
        if self.ordered:
            i = bisect_left(self.starts, province.start) - 1
            before = self.mentions[i] if i >= 0 else None
        else:
            before = max((m for m in self.mentions if m.end <= province.start), key=lambda m: m.end, default=None)
        return before if before is not None and locates(body, before, province) else None

    def attached_at(self, body: str, pos: int) -> PlaceMention | None:
        """The place a price ending at pos is given at ("… won in Sinuiju", "… won at a market in Hamhung")."""
        for m in self.starting_within(pos, pos + ATTACHED_PLACE_REACH):
            if ATTACHED_PLACE.fullmatch(body, pos, m.start):
                return m
        return None

    def listed(self, body: str, low: int, high: int) -> list[PlaceMention]:
        """The places named together last in [low, high): "Sinuiju (North Pyongan) and Hyesan", "Manpo, Kanggye
        and Hyesan" (a place in brackets only says where the one before it lies)."""
        named = [m for m in self.inside(low, high) if body[m.start - 1:m.start] != "("]
        return _listed_together(body, named, PLACE_COORDINATION)

    def last_inside(self, low: int, high: int) -> PlaceMention | None:
        """inside(low, high)[-1], or None: looked for backwards from the last mention starting by high, as a
        price asks about all of its sentence before it."""
        if not self.ordered:
            inside = self.inside(low, high)
            return inside[-1] if inside else None
        for i in range(bisect_right(self.starts, high) - 1, bisect_left(self.starts, low) - 1, -1):
            if self.mentions[i].end <= high:
                return self.mentions[i]
        return None


def _most_specific(mentions: list[PlaceMention]) -> Place:
    order = {"site": 0, "town": 1, "district": 2, "county": 3, "city": 4, "special_city": 5, "province": 6}
    return min((m.place for m in mentions), key=lambda p: order.get(p.level, 9))


def _attach_date(body: str, draft: _Draft, lookups: _SentenceLookups) -> None:
    """The date right after the amount (before the next amount), else one earlier in the sentence."""
    dates, starts = lookups.dates_and_starts(draft.sentence)
    if not dates:
        draft.day = None
        return
    # only the sentence's dates near the amount are looked at (by bisection): a sentence can hold thousands
    near = range(bisect_left(starts, draft.end), bisect_right(starts, draft.end + 45))
    following = next((dates[i] for i in near if DATE_LEAD.fullmatch(body[draft.end:dates[i].start] or "x")
                      and not find_amounts(body, draft.end, dates[i].start)), None)
    if following is not None:
        draft.day = following
        return
    draft.day = None  # the last date ending before the amount (one that does starts before it, too)
    for i in range(bisect_right(starts, draft.amount.start) - 1, -1, -1):
        if dates[i].end <= draft.amount.start:
            draft.day = dates[i]
            break


def _assign_kinds(body: str, drafts: list[_Draft], lookups: _SentenceLookups) -> None:
    later = _LaterPairs(body, drafts)
    latest = _latest_days(drafts, lookups)
    for i, draft in enumerate(drafts):
        if draft.item.group == "other" or lookups.state_price(draft.sentence):
            draft.kind = "other"
        elif _is_previous(body, draft, later, i, lookups) or _dated_baseline(draft, latest, lookups):
            draft.kind = "previous"
        if draft.kind == "previous" and draft.day and draft.day.end <= draft.amount.start:
            draft.day = None  # a date before a comparison price belongs to the current one
        if draft.kind == "previous" and draft.place is None:
            draft.place = _pair_place(later, i)


def _latest_days(drafts: list[_Draft], lookups: _SentenceLookups) -> dict[tuple, date]:
    """The latest day of the dated prices of each item and place in a paragraph ("KPW 1,390 on May 18. Given
    that the yuan fetched KPW 1,250 on May 4": the earlier one is a comparison). Read before kinds are assigned,
    as days and places are then (a previous price may then lose its day or take its pair's place)."""
    latest: dict[tuple, date] = {}
    for draft in drafts:
        if draft.day is not None:
            key = _dated_key(draft, lookups)
            if key not in latest or draft.day.day > latest[key]:
                latest[key] = draft.day.day
    return latest


def _dated_baseline(draft: _Draft, latest: dict[tuple, date], lookups: _SentenceLookups) -> bool:
    """A day before the latest of its item and place in the paragraph, in a sentence that speaks of a change: the
    price a change is measured from ("Given that the yuan fetched KPW 1,250 on May 4, the rate has risen
    11%"). Without the change, two dated reports are two observations ("24,600 won on May 11, ... 26,000 won on
    May 25")."""
    return draft.day is not None and draft.day.day < latest[_dated_key(draft, lookups)] and \
        lookups.change_spoken(draft.sentence)


def _dated_key(draft: _Draft, lookups: _SentenceLookups) -> tuple:
    return lookups.paragraph(draft.sentence[0]), draft.item.item, draft.place


class _LaterPairs:
    """The later drafts a draft is compared with: those of its sentence with its item (and with its place too),
    grouped once by those keys, so each draft looks only at its own group instead of every later draft of the
    body (a body of thousands of prices would cost their number squared).

    Made before kinds are assigned: _assign_kinds sets a draft's place only after comparing it, so the places
    grouped here are those the comparisons of later drafts would read."""

    def __init__(self, body: str, drafts: list[_Draft]):
        self.body, self.drafts = body, drafts
        self.by_item: dict[tuple, list[int]] = {}  # (sentence, item) → indices of its drafts, ascending
        for i, d in enumerate(drafts):
            self.by_item.setdefault((d.sentence, d.item.item), []).append(i)
        self.by_place: dict[tuple, dict[Place | None, list[int]]] = {}  # the same, then by place (groups of 2+)
        for key, group in self.by_item.items():
            if len(group) > 1:  # most prices have no later pair
                for j in group:
                    self.by_place.setdefault(key, {}).setdefault(drafts[j].place, []).append(j)
        # per group by place: which of its drafts have a change cue at or after them (found on first use)
        self._far_changes: dict[tuple, dict[Place | None, list[bool]]] = {}

    def first_same_item(self, i: int) -> _Draft | None:
        """The first draft after drafts[i] in its sentence with its item."""
        group = self.by_item[self._item_key(i)]
        after = bisect_right(group, i)
        return self.drafts[group[after]] if after < len(group) else None

    def same_place(self, i: int) -> tuple[list[int], int]:
        """The indices of the drafts of drafts[i]'s sentence with its item and its place (ascending), and the
        position in them of the first one after drafts[i]."""
        key = self._item_key(i)
        group = self.by_item[key]
        if len(group) > 1:
            group = self.by_place[key][self.drafts[i].place]
        return group, bisect_right(group, i)

    def changed_to_later(self, i: int, group: list[int], k: int) -> bool:
        """any(_change_to(body, max(draft.end, d.amount.start - 50), d.amount.start)) over the later drafts d of
        the same sentence, item and place (group[k:], from same_place). The window of a d starting 50 or more
        characters after draft.end does not depend on draft: its answer is found once per d, and an "any" over a
        group's tail once per group."""
        draft = self.drafts[i]
        while k < len(group):
            d = self.drafts[group[k]]  # drafts come in body order: those near draft come first
            if d.amount.start - 50 >= draft.end:
                return self._far_changes_of(i, group)[k]
            if _change_to(self.body, draft.end, d.amount.start):
                return True
            k += 1
        return False

    def _item_key(self, i: int) -> tuple:
        d = self.drafts[i]
        return d.sentence, d.item.item

    def _far_changes_of(self, i: int, group: list[int]) -> list[bool]:
        """Per position k in drafts[i]'s group by place: whether a draft at k or later has a change cue in its
        own 50 characters."""
        by_place = self._far_changes.setdefault(self._item_key(i), {})
        place = self.drafts[i].place
        if place not in by_place:
            tail, found = False, [False] * len(group)
            for k in range(len(group) - 1, -1, -1):
                d = self.drafts[group[k]]
                tail = tail or bool(_change_to(self.body, max(0, d.amount.start - 50), d.amount.start))
                found[k] = tail
            by_place[place] = found
        return by_place[place]


def _pair_place(later: _LaterPairs, i: int) -> Place | None:
    """"rose from 8,000 won to 8,600 won in Hyesan": the comparison price shares its pair's place."""
    pair = later.first_same_item(i)
    return pair.place if pair else None


def _is_previous(body: str, draft: _Draft, later: _LaterPairs, i: int, lookups: _SentenceLookups) -> bool:
    start = draft.amount.start
    before = _previous_before(body, max(draft.sentence[0], start - 40), start)
    if before and before.end() == start:
        return True
    if draft.end == 0 and PREVIOUS_AFTER.match(body, draft.end):
        return True  # (its "^" holds only at offset 0, never at a pos after it, so the match is tried only there)
    if _previous_when(body, max(draft.sentence[0], start - PREVIOUS_WHEN_REACH), start):
        return True
    if "(" in body[max(0, start - 16):start] and \
            BRACKETED_BASELINE.search(body, max(draft.sentence[0], start - BRACKETED_BASELINE_REACH), start):
        return True
    group, after = later.same_place(i)
    if after == len(group):
        return False  # no later price of the item and place in the sentence: nothing to compare with
    return later.changed_to_later(i, group, after) or lookups.previous_context(draft.sentence, start)


def _carry_units(drafts: list[_Draft]) -> None:
    """An amount printed without a unit takes the unit of the same item's last price in the article."""
    last: dict[str, str] = {}
    for draft in drafts:
        if draft.unit is None and draft.item.item in last:
            draft.unit = last[draft.item.item]
        if draft.unit is not None:
            last[draft.item.item] = draft.unit


# ---------------------------------------------------------------- rows

def _draft_row(article_id: str, body: str, d: _Draft) -> PriceRow:
    return PriceRow(
        price_id=price_id(article_id, d.start, d.end), article_id=article_id, item=d.item.item,
        value=d.amount.value, value_high=d.amount.value_high, currency=d.currency, unit=d.unit,
        place=d.place.name if d.place else None, place_id=d.place.place_id if d.place else None,
        observed_date=d.day.day if d.day else None, observed_date_source=d.day.source if d.day else None,
        kind=d.kind, mention=body[d.start:d.end], char_start=d.start, char_end=d.end)


def _row(article_id: str, body: str, cell: price_tables.CellPrice) -> PriceRow:
    return PriceRow(
        price_id=price_id(article_id, cell.start, cell.end), article_id=article_id, item=cell.item,
        value=cell.value, value_high=None, currency=cell.currency, unit=cell.unit,
        place=cell.place.name if cell.place else None, place_id=cell.place.place_id if cell.place else None,
        observed_date=cell.day.day if cell.day else None, observed_date_source=cell.day.source if cell.day else None,
        kind="current", mention=body[cell.start:cell.end], char_start=cell.start, char_end=cell.end)


__all__ = ["PriceRow", "SourceSpan", "extract_prices"]
