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
             "compared", "with", "just"]
    matched = 0
    for _ in range(400):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 25)))
        for _ in range(10):
            end = rng.randrange(len(text) + 1)
            start = max(0, end - rng.choice((10, 40, 50)))
            for quick, pattern in ((prices._change_to, prices.CHANGE_TO), (prices._unit_before, prices.UNIT_BEFORE),
                                   (prices._previous_before, prices.PREVIOUS_BEFORE)):
                found, expected = quick(text, start, end), pattern.search(text, start, end)
                assert (found and found.span()) == (expected and expected.span())
                matched += expected is not None
    assert matched > 20  # the texts do hold matches


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
