"""Price lookups that skip work give exactly what the plain scans give."""

from __future__ import annotations

from dnkdata.extract import price_terms

ODD_CASE = ("The Rice price: riCE, ſoju and Kimchi (Kelvin \u212a, \u212aimchi, \u0131ce), COAL briquettes; "
            "İce and corn-oil. ")


def test_item_windows_match_a_full_scan_even_with_case_folding_oddities():
    pattern, _ = price_terms._item_pattern()
    for text in (ODD_CASE, ODD_CASE.replace("ſ", "s").replace("İ", "I"), ODD_CASE * 3):
        for start in range(0, len(text), 7):
            for end in (start, start + 13, len(text)):
                expected = [m.span() for m in pattern.finditer(text, start, end)]
                assert [m.span() for m in price_terms._item_matches(pattern, text, start, end)] == expected


def test_item_starts_refuse_text_that_lowercasing_would_shift():
    assert price_terms._item_starts("İce at 5 won") is None
    assert price_terms._item_starts("soju and rice") == [0, 9, 10]  # "ice" inside "rice" too: the regex decides


DATE_TEXT = ("On Monday, May 25, 2024 rice rose; by the 27th of March it fell. Yesterday and TODAY and yeſterday. "
             "the 3rd, 2024-05-06, 12 of Sept. 2023, Omar 5 and Mar. 3rd; Wednesday the 31st of Feb. İ 4 June "
             "The 5th market may 6 MAY 7 monday THE 8th jun 9 ")


def _dates_by_full_scans(body, start, end, published):
    """find_dates as plain finditer over every pattern (the behaviour the prefiltered version must keep)."""
    found = {}
    for pattern in price_terms.DATE_PATTERNS:
        for m in pattern.finditer(body, start, end):
            resolved = price_terms._resolve(m, published)
            if resolved is not None and not any(d.start <= m.start() < d.end for d in found.values()):
                found[m.start()] = price_terms.DateMention(m.start(), m.end(), *resolved)
    return sorted(found.values(), key=lambda d: d.start)


def test_dates_tried_where_their_words_begin_match_full_scans():
    import random
    from datetime import date
    rng = random.Random(5)
    words = DATE_TEXT.split(" ")
    texts = [DATE_TEXT, DATE_TEXT.replace("İ", "I").replace("ſ", "s")]
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 40))) for _ in range(300)]
    texts += ["Prices fell on the \u0662\u0667th, to 5 won.", "on the 27th", "the 1ST", "the 2 nd", "the\n\n3rd"]
    for text in texts:
        for start, end in ((0, len(text)), (len(text) // 5, len(text) // 2)):
            for published in (date(2024, 5, 28), None):
                assert price_terms.find_dates(text, start, end, published) == \
                    _dates_by_full_scans(text, start, end, published)


def test_digit_runs_found_by_find_match_the_regex():
    import random
    rng = random.Random(9)
    pieces = ["12", "3,400", "won", " ", "\n\n", "“", "٣٤", "７", "a1b22", "0.5", "x", "2024-05-06", "é9",
              "\ud800"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 200)))
        for start, end in ((0, len(text)), (len(text) // 7, len(text) - 3), (5, len(text))):
            expected = [m.start() for m in price_terms.DIGIT_RUN.finditer(text, start, end)]
            assert price_terms._digit_run_starts(text, start, end) == expected


def _amounts_by_full_scans(body, start, end):
    """find_amounts as plain finditer over the three patterns (the behaviour the candidate-offset version keeps)."""
    t = price_terms
    found = []
    for pattern, groups in ((t.PREFIXED, t._PREFIXED_GROUPS), (t.SUFFIXED, t._SUFFIXED_GROUPS)):
        for m in pattern.finditer(body, start, end):
            currency = t._currency_of(m, groups)
            found.append(t.Amount(m.start(), m.end(), t.parse_number(m.group("num"), currency), currency))
    found = t._without_overlaps(found)
    taken = [(a.start, a.end) for a in found]
    for m in t.BARE.finditer(body, start, end):
        if not any(s <= m.start() < e or s < m.end() <= e for s, e in taken):
            found.append(t.Amount(m.start(), m.end(), t.parse_number(m.group("num"), None), None))
    return sorted(found, key=lambda a: a.start)


def test_amounts_tried_at_candidate_offsets_match_full_scans():
    import random
    rng = random.Random(11)
    pieces = ["12", "3,400", "9.600", "0.5", " won", "won", " KPW", "KPW ", "US$", "$", "¥", " yuan", " dollars",
              " million", " ", ",", ".", "x", "a1", "%", "\n\n", "between ", " and ", " to ", "-", "٣", "₩", "NKW",
              "RMB\t", "CNY", "USD", "S", "U", "\u3000"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        for start, end in ((0, len(text)), (len(text) // 5, len(text) - 2)):
            assert price_terms.find_amounts(text, start, end) == _amounts_by_full_scans(text, start, end)


def test_sentences_from_one_scan_per_paragraph_match_sentence_bounds():
    import random
    from dnkdata.extract import prices
    from dnkdata.extract.text import sentence_bounds
    rng = random.Random(11)
    pieces = ["Rice cost 5,000 won.", " ", "  ", "\n\n", "Mr. Kim", "U.S. dollars", "“It rose.” ", "(A", "N.",
              "said: ", "Yes! ", "9 won… ", "St. ", "'B", ". ", "?\" ", "Jan. 5", "e.g. 7", "1. 2"]
    for _ in range(400):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        lookups = prices._SentenceLookups(text, None)
        for _ in range(15):
            start = rng.randrange(len(text) + 1)
            end = min(len(text), start + rng.choice((0, 1, 3, 9)))
            assert lookups.sentence(start, end) == sentence_bounds(text, start, end), (text, start, end)


def test_searches_behind_a_word_test_match_the_plain_searches():
    import random
    from dnkdata.extract import prices
    rng = random.Random(13)
    words = ["rose", "ROSE", "to", "TO", "To", "about", "a", "kilogram", "KILO", "of", "OF", "the", "fell", "now",
             "ſome", "\u212a", "5", "won", ",", ";", ".", "half", "Rice", "  ", "\n", "From", "than", "VS.", "verſus",
             "compared", "with", "just", "were", "paid", "PAID", "paıd", "earns", "compensated", "compenſated", "in",
             "amount", "only", "when", "WHEN", "previous", "earlier", "cost", "it", "sold", "for",
             "the prior survey, when it cost", "ten days earlier, when the dollar went for", "ago when rice was"]
    matched = 0
    for _ in range(400):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 25)))
        for _ in range(10):
            end = rng.randrange(len(text) + 1)
            start = max(0, end - rng.choice((10, 40, 50)))
            for quick, pattern in ((prices._change_to, prices.CHANGE_TO), (prices._unit_before, prices.UNIT_BEFORE),
                                   (prices._previous_before, prices.PREVIOUS_BEFORE),
                                   (prices._wage_before, prices.WAGE_BEFORE),
                                   (prices._previous_when, prices.PREVIOUS_WHEN)):
                found, expected = quick(text, start, end), pattern.search(text, start, end)
                assert (found and found.span()) == (expected and expected.span())
                matched += expected is not None
    assert matched > 20  # the texts do hold matches


def test_change_cues_tried_after_their_last_word_match_the_plain_search():
    import random
    from dnkdata.extract import prices
    rng = random.Random(61)
    words = ["by", "BY", "(by", "nearby", "up", "Down", "fell", "ſlid", "slid", "drop", "drops", "of", "OF", "about",
             "more", "than", "as", "much", "200", "200,", "1,000", ",", "and", "or", "200and", "won", "rice", "to",
             "\u212aPW", "x", "  ", "\n", "-", "by_", " " * 23, "approximately"]
    matched = 0
    for _ in range(600):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 15))) + rng.choice(["", " ", "  "])
        for _ in range(6):
            end = rng.randrange(len(text) + 1)
            start = max(0, end - rng.choice((10, 30, 60)))
            found, expected = prices._change_before(text, start, end), prices.CHANGE_BEFORE.search(text, start, end)
            assert (found and found.span()) == (expected and expected.span()), (text, start, end)
            matched += expected is not None
    assert matched > 100  # the texts do hold matches


def test_change_cues_tried_before_their_first_word_match_the_plain_match():
    import random
    from dnkdata.extract import prices
    rng = random.Random(67)
    words = ["drop", "drops", "Drop", "dropx", "ſurge", "spi\u212ae", "price", "PRICE", "increase", "lower", "more",
             "than", "less", "value", "[0.11 USD]", "(about $1)", "[", "(", ",", ".", "a", "kilogram", "in", "5",
             "  ", "\n", "\u00a0", "é", "x"]
    matched = 0
    for _ in range(600):
        text = rng.choice(["", " "]) + " ".join(rng.choice(words) for _ in range(rng.randint(0, 8)))
        for _ in range(6):
            start = rng.randrange(len(text) + 1)
            end = rng.randrange(start, len(text) + 1)
            found, expected = prices._change_after(text, start, end), prices.CHANGE_AFTER.match(text, start, end)
            assert (found and found.span()) == (expected and expected.span()), (text, start, end)
            matched += expected is not None
    assert matched > 100  # the texts do hold matches


def test_sentence_cues_behind_a_word_test_match_the_plain_searches():
    import random
    from dnkdata.extract import prices
    rng = random.Random(17)
    words = ["Exchange", "EXCHANGE", "rate", "Rate", "rates", "dollar/won", "Won-Yuan", "USD-KPW", "cny/KPW", "state",
             "STATE", "ſtate", "State-run", "prices", "stores", "shops", "Shop", "the", "/", "-", "\u212a", "\n\n"]
    seen = [0, 0]
    for _ in range(300):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 20)))
        lookups = prices._SentenceLookups(text, None)
        for _ in range(6):
            start = rng.randrange(len(text) + 1)
            sentence = (start, rng.randrange(start, len(text) + 1))
            rate = bool(prices.RATE_CUE.search(text, *sentence))
            state = bool(prices.STATE_PRICE.search(text, *sentence))
            assert lookups.rate_cue(sentence) == rate
            assert lookups._state_price_in(*sentence) == state
            seen[0] += rate
            seen[1] += state
    assert min(seen) > 20  # the texts do hold cues


def test_the_sentence_before_is_found_in_the_paragraph_that_rfind_gives():
    import random
    from dnkdata.extract import prices
    from dnkdata.extract.text import sentence_bounds
    rng = random.Random(19)
    pieces = ["Rice cost 5,000 won.", " ", "\n", "\n\n", "\n\n\n", "Mr. Kim", "It rose. ", "Yes! ", "a"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        lookups = prices._SentenceLookups(text, None)
        for start in range(len(text) + 1):  # sentence starts are asked about, but any offset will do
            found = text.rfind("\n\n", 0, start)
            paragraph_start = 0 if found < 0 else found + 2
            expected = None if start <= paragraph_start else sentence_bounds(text, max(paragraph_start, start - 2))
            assert lookups.previous_sentence(start) == expected, (text, start)


def _plain_kinds(body, drafts, lookups):
    """_assign_kinds as it was: each draft compared with every later draft of the body."""
    from dnkdata.extract import prices

    def pair_place(draft, later):
        pair = next((d for d in later if d.sentence == draft.sentence and d.item.item == draft.item.item), None)
        return pair.place if pair else None

    def is_previous(draft, later):
        start = draft.amount.start
        before = prices._previous_before(body, max(draft.sentence[0], start - 40), start)
        if before and before.end() == start:
            return True
        if draft.end == 0 and prices.PREVIOUS_AFTER.match(body, draft.end):
            return True
        if prices.PREVIOUS_WHEN.search(body, max(draft.sentence[0], start - prices.PREVIOUS_WHEN_REACH), start):
            return True
        same = [d for d in later if d.sentence == draft.sentence and d.item.item == draft.item.item
                and d.place == draft.place]
        if any(prices._change_to(body, max(draft.end, d.amount.start - 50), d.amount.start) for d in same):
            return True
        return bool(same) and bool(prices.PREVIOUS_CONTEXT.search(body, draft.sentence[0], start))

    # days and places as they were before kinds (a previous price may lose its day or take its pair's place)
    days, places = [d.day for d in drafts], [d.place for d in drafts]

    def dated_earlier(i):
        def key(j):
            return lookups.paragraph(drafts[j].sentence[0]), drafts[j].item.item, places[j]
        return days[i] is not None and any(day is not None and day.day > days[i].day and key(j) == key(i)
                                           for j, day in enumerate(days)) and \
            prices.CHANGE_SPOKEN.search(body, *drafts[i].sentence) is not None

    for i, draft in enumerate(drafts):
        if draft.item.group == "other" or lookups.state_price(draft.sentence):
            draft.kind = "other"
        elif is_previous(draft, drafts[i + 1:]) or dated_earlier(i):
            draft.kind = "previous"
        if draft.kind == "previous" and draft.day and draft.day.end <= draft.amount.start:
            draft.day = None
        if draft.kind == "previous" and draft.place is None:
            draft.place = pair_place(draft, drafts[i + 1:])


def test_kinds_from_grouped_later_prices_match_a_look_at_every_later_price():
    import copy
    import random
    from datetime import date
    from dnkdata import gazetteer
    from dnkdata.extract import prices
    rng = random.Random(23)
    pieces = ["rice sold for 5,000 won", "corn 2,100 won", " rose to 6,000 won", " jumped to about 7,000 won",
              " up from 4,000 won", " in Hyesan", " at a Sinuiju market", ", ", ". ", "\n\n", " previously ",
              " and the traders kept their stalls open for the whole long day ", " on May 3", " state prices ",
              " than 3,500 won", " a kilogram of rice", " ", "the price of pork had been 9,000 won",
              # a cue before a price that reaches its pair only from 50 characters back:
              " rice rose 5,000 won, then to 6,000 won", "to 5,300 won",
              " a drop on the prior survey, when it cost 4,000 won", " earlier, WHEN rice sold for ",
              " on May 10", " on May 3"]
    kinds = set()
    for _ in range(300):
        body = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        lookups = prices._SentenceLookups(body, date(2024, 6, 9))
        drafts = prices._prose_drafts(body, [], lookups)
        kp = prices._Places([m for m in gazetteer.find_places(body)[0] if m.place.country_code == "KP"])
        for draft in drafts:
            prices._attach_place(body, draft, kp, prices._Sources([]), lookups)
            prices._attach_date(body, draft, lookups)
        expected = copy.deepcopy(drafts)
        _plain_kinds(body, expected, lookups)
        prices._assign_kinds(body, drafts, lookups)
        assert [(d.kind, d.place, d.day) for d in drafts] == [(d.kind, d.place, d.day) for d in expected], body
        kinds |= {d.kind for d in drafts}
    assert kinds == {"current", "previous", "other"}  # the texts do hold every kind


def test_the_source_quoted_at_an_offset_is_the_last_span_holding_it():
    import random
    from dnkdata.extract import prices
    rng = random.Random(29)
    for _ in range(300):
        cuts = sorted(rng.randrange(60) for _ in range(2 * rng.randint(0, 6)))
        spans = [prices.SourceSpan(a, b, rng.choice([None, "x", "y"])) for a, b in zip(cuts[::2], cuts[1::2])]
        if rng.random() < 0.3:
            rng.shuffle(spans)  # out of order, even overlapping: the plain look at every span
        sources = prices._Sources(spans)
        for pos in range(62):
            holding = [s for s in spans if s.start <= pos < s.end]
            assert sources.last_holding(pos) == (holding[-1] if holding else None), (spans, pos)


def test_cue_words_before_a_price_are_found_as_a_search_from_the_sentence_start_finds_them():
    import random
    from dnkdata.extract import prices
    rng = random.Random(43)
    words = ["previously", "PREVIOUSLY", "until", "untilx", "xuntil", "had been", "back in", "used", "to", "prices",
             "Price", "PRICEs", "priceless", "ſome", "5,000 won", " ", "\n\n", ".", "rice"]
    seen = [0, 0]
    for _ in range(300):
        text = "".join(rng.choice(words) + rng.choice(["", " ", "  "]) for _ in range(rng.randint(1, 30)))
        lookups = prices._SentenceLookups(text, None)
        start = rng.randrange(len(text) + 1)
        sentence = (start, rng.randrange(start, len(text) + 1))
        for pos in range(sentence[0], sentence[1] + 1):
            context = bool(prices.PREVIOUS_CONTEXT.search(text, sentence[0], pos))
            word = bool(prices.PRICE_WORD.search(text[sentence[0]:pos]))
            assert lookups.previous_context(sentence, pos) == context, (text, sentence, pos)
            assert lookups.price_word(sentence, pos) == word, (text, sentence, pos)
            seen[0] += context
            seen[1] += word
    assert min(seen) > 100  # the texts do hold cues


def test_items_and_places_looked_up_by_bisection_are_those_of_the_plain_scans():
    import random
    from dnkdata import gazetteer
    from dnkdata.extract import prices
    from dnkdata.extract.price_terms import Amount, find_items
    rng = random.Random(47)
    words = ["rice", "corn", "dollars", "yuan", "won", "5,000", "a", "kilogram", "of", "pork", "USD", "the", "cny"]
    place = gazetteer.find_places("Hyesan")[0][0].place
    for _ in range(300):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 40)))
        items = find_items(text)
        starts = [i.start for i in items]
        for _ in range(10):
            a = rng.randrange(len(text) + 1)
            amount = Amount(a, min(len(text), a + rng.randint(0, 6)), 5000.0, rng.choice(["KPW", "USD", "CNY"]))
            last = next((i for i in reversed(items) if i.end <= amount.start
                         and prices._usable(i, amount, amount.currency)), None)
            first = next((i for i in items if i.start >= amount.end and prices._usable(i, amount, amount.currency)),
                         None)
            first = first if first is None or first.start - amount.end <= 60 else None
            assert prices._last_item_before(items, starts, amount, amount.currency) == last
            assert prices._first_item_after(items, starts, amount, amount.currency) == first
        mentions = sorted((gazetteer.PlaceMention(place, s, s + rng.randint(1, 20), "x")
                           for s in (rng.randrange(100) for _ in range(rng.randint(0, 10)))), key=lambda m: m.start)
        places = prices._Places(mentions)
        for _ in range(10):
            low = rng.randrange(100)
            high = low + rng.randrange(60)
            inside = places.inside(low, high)
            assert places.last_inside(low, high) == (inside[-1] if inside else None), (mentions, low, high)


def test_dates_of_a_price_looked_up_by_bisection_are_those_of_the_plain_scan():
    import copy
    import random
    from datetime import date
    from dnkdata.extract import prices
    rng = random.Random(53)
    pieces = ["rice sold for 5,000 won", " on May 3", " as of Sunday", ", ", " and corn 2,000 won", " last week",
              " on the 5th", " 2024-05-06", " in Hyesan", " of June 4", "; ", " and traders waited a long time ",
              " at the big markets of Hyesan and Sinuiju on May 3"]  # a date 45 characters after its price
    days = 0
    for _ in range(300):
        body = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        lookups = prices._SentenceLookups(body, date(2024, 6, 9))
        drafts = prices._prose_drafts(body, [], lookups)
        expected = copy.deepcopy(drafts)
        for draft, plain in zip(drafts, expected):
            prices._attach_date(body, draft, lookups)
            dates = lookups.dates_and_starts(plain.sentence)[0]
            following = [d for d in dates if plain.end <= d.start <= plain.end + 45
                         and prices.DATE_LEAD.fullmatch(body[plain.end:d.start] or "x")
                         and not prices.find_amounts(body, plain.end, d.start)]
            before = [d for d in dates if d.end <= plain.amount.start]
            plain.day = following[0] if following else before[-1] if before else None
            assert draft.day == plain.day, (body, draft.amount)
            days += draft.day is not None
    assert days > 200  # the texts do hold dates


def test_an_opening_parenthesis_alone_is_matched_as_a_strip_finds_it():
    import re
    import random
    import sys
    from dnkdata.extract import prices
    # re's \s and str.strip() take the same characters for whitespace
    assert all(bool(re.fullmatch(r"\s", c)) == (c.strip() == "") for c in map(chr, range(sys.maxunicode + 1)))
    rng = random.Random(59)
    pieces = ["(", " ", "\n", "\u00a0", "\u3000", "\u200b", "x", ")", "(("]
    matched = 0
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        start = rng.randrange(len(text) + 1)
        end = rng.randrange(len(text) + 2)
        expected = text[start:end].strip() == "("
        assert bool(prices.OPENING_PAREN_ONLY.fullmatch(text, start, end)) == expected, (text, start, end)
        matched += expected
    assert matched > 50
