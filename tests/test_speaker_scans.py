"""The speaker finder's indexes and prefiltered scans give exactly what the plain scans they replace give."""

from __future__ import annotations

import random
import re

import pytest

from dnkdata.extract import speakers
from dnkdata.extract.text import SentenceIndex, sentence_bounds
from tests.conftest import scrambled

PASSAGE = (
    "Mr. Kim said so on Jan. 5, Sept. 9 (approx. 3), etc. Vol. 2 and xGen. 4. A source in Hyesan said: “It is late.” The U.S. envoy left!  Then "
    "“Prices rose,” he added.\n\nGen. Pak. No. 3 is “here.” St. Mary’s? (Yes.) “Quiet” … A man, a "
    "resident of the county, and another old farmer from Sinuiju said that two Daily NK sources in the "
    "province and one informant-based trader's wife\nleft. the the the women traders; some-young soldiers "
    "of Ri Yong Gil, 'Hello.' \"Straight.\" ‘Single’ end.\n\n\n\nX. Y. z! 9. 10.5 A.\n"
)


def _texts():
    return scrambled(PASSAGE, seed=7, max_words=80)


def test_sentence_index_gives_sentence_bounds_at_every_offset_and_for_spans():
    rng = random.Random(3)
    for text in _texts():
        index = SentenceIndex(text)
        for pos in range(len(text) + 1):
            assert index.bounds(pos) == sentence_bounds(text, pos), (text, pos)
        for _ in range(20):  # spans, some across a blank line, asked in any order
            start = rng.randrange(len(text) + 1)
            end = rng.randrange(start, len(text) + 1)
            assert index.bounds(start, end) == sentence_bounds(text, start, end), (text, start, end)


def test_sources_as_a_full_scan_finds_them():
    pattern = speakers._patterns()["source"]
    for text in _texts():
        assert [m.span() for m in speakers.find_sources(text)] == [m.span() for m in pattern.finditer(text)]


def test_unnamed_people_as_a_full_scan_finds_them():
    pattern = speakers._patterns()["unnamed"]
    for text in _texts():
        assert [m.span() for m in speakers.find_unnamed(text)] == [m.span() for m in pattern.finditer(text)]


def test_tokens_back_finds_where_the_third_token_before_begins():
    text = "one two  three\tfour\n five " + "x" * 100 + " six seven "
    for end in range(len(text) + 1):
        pos = end
        for _ in range(3):  # the plain walk back over whitespace, then over a token
            while pos > 0 and text[pos - 1].isspace():
                pos -= 1
            while pos > 0 and not text[pos - 1].isspace():
                pos -= 1
        assert speakers._tokens_back(text, end, 3) == pos, end


def test_person_nouns_spelled_out_are_what_the_alternation_matches():
    words = speakers._spelled_out(speakers.PERSON_NOUNS)
    assert {"resident", "residents", "housewife", "housewives", "locals", "women"} <= set(words)
    assert all(re.fullmatch(speakers.PERSON_NOUNS, w) for w in words)
    assert len(words) == len(set(words))


def test_clause_check_on_lowercased_text_agrees_with_the_case_blind_pattern():
    from dnkdata.extract import quotes

    samples = ["It IS late", "THEY SAID so", "WON’T", "Isn't it", "ſhe ſaid", "İs it", "ıt is", "Kelvin K is",
               "the grand plan", "We’RE here", "no verb here", "half-is done", "There ARE many", "x'M y"]
    rng = random.Random(5)
    pieces = " ".join(samples).split(" ")
    samples += [" ".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(500)]
    for text in samples:
        assert quotes.has_clause(text) == bool(quotes.CLAUSE.search(text)), text


def test_quote_id_is_the_shared_stable_id():
    from dnkdata.extract import quotes
    from dnkdata.extract.text import quote_id

    assert quotes._quote_id("0123456789abcdef", 12, 340) == quote_id("0123456789abcdef", 12, 340)


@pytest.mark.parametrize(("shortcut", "walk_back", "count", "separator", "extra_texts"), [
    ("_earliest_start", "_words_back", 5, "LAST_SEPARATOR", ["a-b ’c " * 40 + "source", "x" * 170 + " source", "source"]),
    ("_lead_start", "_tokens_back", 3, "LAST_NON_RUN", [" a b c", "a;b c d e", "x" * 90 + " worker", " \t worker"]),
])
def test_start_is_the_walk_back_stopped_at_the_run_start(shortcut, walk_back, count, separator, extra_texts):
    """_earliest_start (5 words before a source keyword) and _lead_start (3 tokens before a person noun) against
    the plain walk back, cut at the last separator after it."""
    fast, back, last_separator = getattr(speakers, shortcut), getattr(speakers, walk_back), getattr(speakers, separator)
    for text in [*_texts(), *extra_texts]:
        for end in range(len(text) + 1):
            pos = back(text, end, count)
            found = last_separator.search(text, pos, end)
            expected = found.start() + 1 if found else pos
            assert fast(text, end) == expected, (text, end)


def test_words_back_finds_where_the_fifth_word_before_begins():
    text = "a  bb ccc\ndd  " + "y" * 200 + " e f g h i   j k " + " " * 170 + "l m"
    for end in range(len(text) + 1):
        pos = end
        for _ in range(5):  # the plain walk back over spaces, then to the space before a word
            while pos > 0 and text[pos - 1] == " ":
                pos -= 1
            space = text.rfind(" ", 0, pos)
            pos = 0 if space < 0 else space + 1
            if space < 0:
                break
        assert speakers._words_back(text, end, 5) == pos, end


def test_before_patterns_match_at_most_once():
    heads = ["He added: ", "A source in Hyesan said on Monday, \n", "The source said that\n", "He said: and he added: ",
             "Kim said that he said that ", "x:\n\n", "A source said:\t "]
    rng = random.Random(11)
    words = PASSAGE.split(" ") + ["said:", "added,", "that", "noted that \n", "he", "A source", "told"]
    heads += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 20))) for _ in range(300)]
    for key in ("before_colon", "before_that"):
        pattern = speakers._patterns()[key]
        for head in heads:
            matches = list(pattern.finditer(head))
            assert len(matches) <= 1, (key, head)
            first = pattern.search(head)
            assert (first and first.span()) == (matches and matches[-1].span() or None), (key, head)


MEDIA_PASSAGE = (
    "KCTV and KCNA said; North Korea’s state-run media, state TV, the State-controlled news agency, a state "
    "broadcaster and state television reported. The Korean Central Broadcasting Station, the Rodong Sinmun, "
    "Uriminzokkiri, Minju Joson and the party newspaper wrote. The Ministry of State Security, the local "
    "authorities, Radio Free Asia and the provincial party committee issued an order and a notice."
)


def test_media_and_organization_word_scans_find_what_substring_tests_find():
    for text in [*_texts(), *scrambled(MEDIA_PASSAGE, seed=5, max_words=30)]:
        assert (speakers.MEDIA_WORD.search(text) is not None) == speakers._holds_any(text, speakers.MEDIA_WORDS)
        assert (speakers.ORG_WORD.search(text) is not None) == speakers._holds_any(text, speakers.ORG_WORDS)


def test_every_state_media_match_holds_a_media_word():
    pattern = speakers._patterns()["state_media"]
    matches = [m.group(0) for text in scrambled(MEDIA_PASSAGE, seed=5, max_words=30) for m in pattern.finditer(text)]
    assert len(matches) > 100
    assert all(speakers.MEDIA_WORD.search(match) for match in matches)


PEOPLE = ("Kim Jong Un said, “We must work.” Kim said, “Yes.” He said, “No.” Choe Ryong Hae and Kim Yo Jong met. "
          "Choe said, “Go.” “Stop,” said Pak Chol. She said, “Hyesan.” Hong Gil of Hyesan and Sinuiju said so. ")


def test_people_by_surname_give_the_last_person_named_before_as_a_look_at_every_person_does():
    found = 0
    for text in scrambled(PEOPLE, seed=11, max_words=60):
        finder = speakers.SpeakerFinder(text)
        for surname in ("Kim", "Choe", "Pak", "Hong", "Ri"):
            for before in range(len(text) + 1):
                plain = None
                for m in reversed(finder.people):
                    name = speakers.canonical_person(m.group(0))
                    if m.end() <= before and name and name.split()[0] == surname:
                        plain = name
                        break
                assert finder._person_by_surname(surname, before) == plain, (text, surname, before)
                found += plain is not None
    assert found > 100  # the texts do name people


def test_a_place_overlapping_a_phrase_is_found_as_a_look_at_every_place_finds_it():
    from dnkdata import gazetteer
    rng = random.Random(37)
    overlaps = 0
    for text in scrambled(PEOPLE + "Hyesan City, North Hamgyong Province, Sinuiju, Pyongyang. ", seed=13, max_words=60):
        places = gazetteer.find_places(text)[0]
        if rng.random() < 0.5:  # mentions in order of start, some within or across others
            place = places[0].place if places else gazetteer.find_places("Hyesan")[0][0].place
            starts = sorted(rng.randrange(len(text) + 1) for _ in range(rng.randint(0, 8)))
            places = [gazetteer.PlaceMention(place, a, a + rng.randint(1, 30), "x") for a in starts]
        finder = speakers.SpeakerFinder(text, places)
        for _ in range(40):
            start = rng.randrange(len(text) + 1)
            end = min(len(text), start + rng.randint(0, 12))
            found = speakers.Found(text[start:end], start, end)
            plain = any(m.start < found.end and found.start < m.end for m in finder.places)
            assert finder._is_place(found) == plain, (text, found)
            overlaps += plain
    assert overlaps > 50  # the texts do hold places


def test_spoken_spans_give_the_greatest_span_ending_by_a_position():
    rng = random.Random(41)
    for _ in range(400):
        spoken, plain = speakers._SpokenSpans(), []
        for _ in range(rng.randint(0, 12)):
            start = rng.randrange(50)
            span = (start, start + rng.randint(0, 10), rng.choice("ab"))
            spoken.add(span)
            plain.append(span)  # duplicates too: the same phrase resolved for several quotes
            pos = rng.randrange(62)
            candidates = [s for s in plain if s[1] <= pos]
            assert spoken.last_ending_by(pos) == (max(candidates) if candidates else None), (plain, pos)


def test_spoken_spans_are_the_named_speakers_outside_quotes():
    from dnkdata.extract.quotes import extract_quotes
    kept = 0
    for text in scrambled(PEOPLE, seed=17, max_words=60):
        finder = speakers.SpeakerFinder(text)
        extract_quotes("x", text, finder=finder)
        expected = {(p.start, p.end, p.text) for p in finder.speaking_people
                    if p.start is not None and not finder._in_quote(p.start)}
        assert set(finder._spoken.spans) == expected and len(finder._spoken.spans) == len(expected)
        kept += len(expected)
    assert kept > 20  # the texts do have named speakers
