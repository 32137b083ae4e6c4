"""Quote spans, kinds and attribution on small invented passages."""

from __future__ import annotations

from dnkdata.extract.quotes import classify_kind, extract_quotes, find_spans

AID = "0123456789abcdef"


def quotes(body: str, **kw):
    return extract_quotes(AID, body, **kw)


def test_attribution_after_the_quote():
    [q] = quotes("“Rice is scarce this month,” a Hyesan source explained.")
    assert (q.text, q.kind, q.speaker, q.speaker_kind, q.speaker_place, q.attribution) == (
        "Rice is scarce this month,", "direct", "a Hyesan source", "anonymous_source", "Hyesan", "explicit")


def test_inverted_attribution():
    [q] = quotes("“The lines are long again at the station,” said a source in North Hamgyong Province.")
    assert q.speaker == "a source in North Hamgyong Province" and q.speaker_place == "North Hamgyong"


def test_attribution_before_the_quote_with_colon():
    [q] = quotes("A source in Jagang province offered another view: “Nobody trusts the new inspectors at all.”")
    assert q.speaker == "A source in Jagang province" and q.speaker_place == "Jagang"


def test_pronoun_takes_the_last_source():
    body = ("A source in South Pyongan Province told Daily NK that prices rose.\n\n"
            "“Everyone is buying corn instead of rice now,” he said.")
    [q] = quotes(body)
    assert (q.speaker, q.speaker_place, q.attribution) == ("A source in South Pyongan Province", "South Pyongan", "pronoun")


def test_bare_quote_paragraph_continues_the_last_speaker():
    body = ("“The factory has had no power since March,” a Nampo source said.\n\n"
            "“Workers still have to show up every morning and sign the register.”")
    first, second = quotes(body)
    assert second.speaker == first.speaker == "a Nampo source"
    assert second.attribution == "carried_over"


def test_split_quote_gives_two_quotes_with_one_speaker():
    first, second = quotes("“The market opens at noon,” the source said, “but the guards arrive at ten.”")
    assert first.text == "The market opens at noon," and second.text == "but the guards arrive at ten."
    assert first.speaker_kind == second.speaker_kind == "anonymous_source"


def test_nested_single_quote_stays_inside():
    [q] = quotes("“They call it a ‘loyalty fee’ but it is a bribe,” a Sinuiju source said.")
    assert q.text == "They call it a ‘loyalty fee’ but it is a bribe,"


def test_unclosed_quote_runs_to_paragraph_end_and_next_paragraph_reopens():
    body = ("“The first part of a long statement goes here and it keeps going without a close\n\n"
            "“and the second paragraph closes it,” a source in Ryanggang Province said.")
    first, second = quotes(body)
    assert first.text.endswith("without a close") and second.text.startswith("and the second")


def test_quote_cut_by_truncation_is_omitted():
    body = "“A complete quote is here,” a source said.\n\n“This one was cut off by the capt"
    assert [q.text for q in quotes(body, is_excerpt=True)] == ["A complete quote is here,"]


def test_term_credited_to_state_media_and_named_person():
    body = ("According to state media, officials committed “grave errors” last year. "
            "Kim Jong Un denounced the officials as “traitors to the people” during the meeting.")
    first, second = quotes(body)
    assert (first.kind, first.speaker_kind) == ("term", "state_media")
    assert (second.kind, second.speaker_kind, second.speaker_name) == ("term", "named_person", "Kim Jong Un")


def test_straight_quotes():
    [q] = quotes('"The trains are late again," a Kanggye source said.')
    assert q.text == "The trains are late again," and q.speaker_place == "Kanggye"


def test_source_in_the_province_takes_the_province_named_before():
    body = "Prices in South Hwanghae Province are rising. “Corn costs more than rice,” a source in the province said."
    [q] = quotes(body)
    assert q.speaker_place == "South Hwanghae"


def test_kind_classification():
    assert classify_kind("enormous crimes") == "term"
    assert classify_kind("People are buying less rice because the price has doubled.") == "direct"
    assert classify_kind("platform for the future of the nation and a pillar of society") == "term"


def test_apostrophes_are_not_quotes():
    assert find_spans("The province’s officials don’t agree on the farmers’ quotas.") == []


def test_short_sentence_after_an_attributed_quote_is_direct_and_carried_over():
    first, second = quotes("“The inspectors came at night,” the Hyesan source said. “People are terrified.”")
    assert second.kind == "direct" and second.attribution == "carried_over" and second.speaker == first.speaker


def test_unnamed_person_with_a_place_is_an_anonymous_source_and_an_antecedent():
    body = ("A second source, a resident of Hamhung, said the checks had spread. "
            "“The teams work around the clock,” the resident said.")
    [q] = quotes(body)
    assert (q.speaker, q.speaker_kind, q.speaker_place, q.attribution) == (
        "a resident of Hamhung", "anonymous_source", "Hamhung", "pronoun")


def test_bare_quote_after_reported_speech_belongs_to_that_source():
    body = ("A source in Kanggye told Daily NK that buses stopped running.\n\n"
            "“People walk two hours to reach the market now.”")
    [q] = quotes(body)
    assert (q.speaker, q.speaker_place, q.attribution) == ("A source in Kanggye", "Kanggye", "carried_over")


def test_surname_refers_back_to_the_named_person():
    body = "Kim Jong Un chaired the meeting. Kim said, “We must never forget the lessons of this year.”"
    [q] = quotes(body)
    assert (q.speaker_kind, q.speaker_name) == ("named_person", "Kim Jong Un")


def test_antecedent_is_never_found_inside_a_quote():
    body = ("A source in South Pyongan Province said farms were told to report early.\n\n"
            "“The farmers are hiding corn,” the source added.")
    [q] = quotes(body)
    assert q.speaker_place == "South Pyongan"


def test_term_credited_to_a_named_official_with_an_appositive():
    body = "Choe Ryong Hae, a senior party official, urged cadres to wage an “all-out war” on smuggling."
    [q] = quotes(body)
    assert (q.kind, q.speaker_kind, q.speaker_name) == ("term", "named_person", "Choe Ryong Hae")


def test_attribution_with_a_relative_clause_between_speaker_and_verb():
    body = "A source in Hyesan said so. “Prices have doubled,” the source, who lives near the market, said."
    [q] = quotes(body)
    assert (q.speaker, q.speaker_place, q.attribution) == ("A source in Hyesan", "Hyesan", "pronoun")


def test_source_described_by_knowledge_not_place():
    [q] = quotes("A source with knowledge of the situation said: “The order came from the top.”")
    assert (q.speaker, q.speaker_kind) == ("A source with knowledge of the situation", "anonymous_source")


def test_named_person_outside_the_register():
    [q] = quotes("“The elite still eat well,” Christopher Green, an analyst, told Daily NK.")
    assert (q.speaker_kind, q.speaker_name) == ("named_person", "Christopher Green")


def test_a_country_speaking_is_not_a_person():
    [q] = quotes("“We will never accept this,” North Korea said in a statement.")
    assert q.speaker_kind == "organization"


def test_a_capitalised_quote_attributed_with_a_verb_of_saying_is_speech():
    first, second = quotes("“Nobody dares to refuse,” said one Sinuiju-based source. “The police come next day.”")
    assert (first.kind, second.kind, second.attribution) == ("direct", "direct", "carried_over")


def test_source_placed_in_a_county_and_its_province():
    [q] = quotes("“Food is scarce,” a source in Kapsan County, Ryanggang Province, told Daily NK.")
    assert (q.speaker, q.speaker_place) == ("a source in Kapsan County, Ryanggang Province", "Kapsan")


def test_four_words_are_matched_where_a_split_finds_four():
    import random
    from dnkdata.extract import quotes
    rng = random.Random(61)
    pieces = ["Furthermore,", "a", "“", " ", "  ", "\n", "\u00a0", "\u3000", "x y", ""]
    seen = set()
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        start = rng.randrange(len(text) + 1)
        end = rng.randrange(start, len(text) + 1)
        expected = len(text[start:end].split(None, 3)) > 3
        assert bool(quotes.FOUR_WORDS.match(text, start, end)) == expected, (text, start, end)
        seen.add(expected)
    assert seen == {True, False}


# ---- attribution shapes met in unseen captures (all passages invented)

def test_source_from_the_border_city_of_a_place_across_a_hard_line_break():
    [q] = quotes("A source from the port city of Chongjin in North Hamgyong\nProvince passed word to Daily NK on Friday, "
                 "noting, “Prices have doubled since the spring thaw began.”")
    assert (q.speaker_kind, q.speaker_place, q.attribution) == ("anonymous_source", "Chongjin", "explicit")


def test_source_with_a_locative_tail_before_the_verb():
    [q] = quotes("One such source from Musan County on the far northern edge of North Hamgyong Province told "
                 "Daily NK, “Trucks have been waiting at customs for a week now.”")
    assert (q.speaker_kind, q.speaker_place) == ("anonymous_source", "Musan")
    assert q.speaker.startswith("One such source from Musan County")


def test_the_source_means_a_source_not_informants_named_since():
    body = ("A source in Kanggye told Daily NK that the police had recruited new informants for the campaign.\n\n"
            "“Nobody knows who is listening any more,” the source added.")
    [q] = quotes(body)
    assert (q.speaker, q.speaker_place, q.attribution) == ("A source in Kanggye", "Kanggye", "pronoun")


def test_sources_in_two_provinces_leave_the_place_of_one_of_them_unknown():
    body = ("Daily NK sources in Jagang Province and South Pyongan Province explained the new rules.\n\n"
            "“The inspectors come every single evening now,” one of the sources said.")
    [q] = quotes(body)
    assert (q.speaker_kind, q.speaker_place) == ("anonymous_source", None)


def test_a_source_named_earlier_in_the_sentence_speaks_a_quote_without_a_verb_of_saying():
    [q] = quotes("Daily NK reached a source in Chongjin about the matter, hearing that “the market "
                 "guards now take bribes in yuan rather than won.”")
    assert (q.speaker, q.speaker_kind, q.speaker_place) == ("a source in Chongjin", "anonymous_source", "Chongjin")


def test_a_lowercase_quote_after_a_preposition_is_a_term_whatever_its_verbs():
    [q] = quotes("The court accused him of “selling copper wire that was stolen from the mine to buyers in China.”")
    assert q.kind == "term"
    [q] = quotes("“Selling copper wire is now a crime against the state,” the source said.")
    assert q.kind == "direct"


def test_an_organization_speaker_keeps_the_place_it_answers_for():
    [q] = quotes("“Hand in every phone by the end of the month,” Hyesan authorities said.")
    assert (q.speaker, q.speaker_kind, q.speaker_place) == ("Hyesan authorities", "organization", "Hyesan")
    [q] = quotes("North Hamgyong Province’s party committee stated, “All units must report on their work by Friday.”")
    assert (q.speaker_kind, q.speaker_place) == ("organization", "North Hamgyong")


def test_state_media_trumpeting_is_speech():
    [q] = quotes("The Rodong Sinmun trumpeted that “the whole country is rising up as one for the harvest.”")
    assert (q.speaker_kind, q.attribution) == ("state_media", "explicit")


def test_a_named_interviewee_with_a_pseudonym_note_and_what_is_said_of_them():
    [q] = quotes("Kim Chol Su (pseudonym), a trader in Hyesan, said, “Nobody buys rice any more this month.”")
    assert (q.speaker, q.speaker_kind, q.speaker_name, q.speaker_place) == (
        "Kim Chol Su", "named_person", "Kim Chol Su", "Hyesan")
    [q] = quotes("Ms. Ri (41) who once traded in Hamhung before she left said, “Hospitals have no medicine at all.”")
    assert (q.speaker_kind, q.speaker_name, q.speaker_place) == ("named_person", "Ri", "Hamhung")


def test_a_surname_speaker_keeps_the_place_said_of_that_person_before():
    body = ("Ri Yong Nam (pseudonym), a driver from Kanggye, said, “The roads are closed again this week.”\n\n"
            "Ri said, “Nobody can get to the market now.”")
    first, second = quotes(body)
    assert (second.speaker_name, second.speaker_place) == ("Ri Yong Nam", "Kanggye")


def test_a_title_or_slogan_in_title_case_is_a_term():
    assert classify_kind("A Report on the Rural Clinics of the North,") == "term"
    assert classify_kind("Let Us Defend the Leader With Our Lives!") == "term"
    assert classify_kind("Prices rose again this week.") == "direct"


def test_he_means_the_person_named_earlier_in_the_sentence():
    body = ("A source in Hyesan said the visit was short.\n\nKim Jong Un toured a new stadium on Monday. According "
            "to state media, when Kim reached the site he told the crowd, “Train hard on this new field every day.”")
    [q] = quotes(body)
    assert (q.speaker_kind, q.speaker_name, q.attribution) == ("named_person", "Kim Jong Un", "pronoun")


def test_a_person_at_a_workplace_in_a_place_and_one_who_lived_there_take_its_place():
    [q] = quotes("One doctor at a county clinic in Kanggye said, “We have no firewood left for the winter.”")
    assert (q.speaker_kind, q.speaker_place) == ("anonymous_source", "Kanggye")
    [q] = quotes("One worker who once lived in Musan said, “The market there looks the same as before.”")
    assert (q.speaker_kind, q.speaker_place) == ("anonymous_source", "Musan")
    [q] = quotes("A source in Hyesan, who visited Musan County last week, said, “Prices rose there too.”")
    assert q.speaker_place == "Hyesan"  # the place of the source's own phrase comes first


def test_he_means_one_person_not_sources_named_since():
    body = ("“The bureau chief was sent home,” a source in Pyongyang told Daily NK.\n\n"
            "More sources in the city confirmed the account.\n\n"
            "“He was escorted to the station the same night,” he said. “Nobody spoke about it again.”")
    assert [(q.speaker, q.speaker_place) for q in quotes(body)] == [("a source in Pyongyang", "Pyongyang")] * 3


def test_the_source_with_no_source_named_before_is_the_person_introduced():
    body = ("Daily NK met a farmer from Ryongchon in Dandong last month.\n\n"
            "“Every family must hand in a sack of manure,” the source said.")
    [q] = quotes(body)
    assert (q.speaker, q.speaker_kind, q.speaker_place) == ("a farmer from Ryongchon", "anonymous_source", "Ryongchon")


def test_official_describing_a_noun_is_no_person_to_refer_back_to():
    body = ("“The lecture lasted all morning,” a source in Hamhung said.\n\n"
            "The instructor had spent the day before at a session where official orders from the capital were read.\n\n"
            "“Only the harvest was mentioned,” he said.")
    assert [q.speaker for q in quotes(body)] == ["a source in Hamhung"] * 2


def test_a_named_charity_is_an_organization_not_a_person():
    [q] = quotes("“Two schools closed for lack of fuel,” Good Friends said in its newsletter.")
    assert (q.speaker, q.speaker_kind, q.speaker_name) == ("Good Friends", "organization", None)


def test_a_long_sentence_with_a_past_tense_outside_the_verb_list_is_speech_and_keeps_the_speaker():
    body = ("“Everyone was told to stay home for a week,” a source in Kanggye said. “In the second week the county "
            "committee extended the lockdown for all of the factory districts.”")
    second = quotes(body)[1]
    assert (second.kind, second.speaker, second.speaker_place) == ("direct", "a source in Kanggye", "Kanggye")
    assert classify_kind("The Sunny Side of the Street") == "term"  # no past tense: still a title
    assert classify_kind("A banner handed by the county committee to the best brigade of the farm.") == "term"


def test_a_hyphenated_to_source_is_no_source():
    body = ("“The raids began in March,” a source in Sunchon said.\n\n"
            "The town has plenty of chemicals that are hard-to-source elsewhere.\n\n"
            "“Nobody sells in the open now,” the source said.")
    assert [q.speaker_place for q in quotes(body)] == ["Sunchon", "Sunchon"]


def test_a_source_from_the_area_comes_from_the_city_its_province_locates():
    body = ("A trial was held in Kanggye, Jagang Province, last week.\n\n"
            "A source from the area said, “Everyone had to attend the trial.”")
    [q] = quotes(body)
    assert q.speaker_place == "Kanggye"


def test_a_source_in_the_capital_is_in_pyongyang_and_the_provincial_authorities_in_the_province_named():
    body = ("A cleanup began across Ryanggang Province last week.\n\n"
            "“Every street must be swept by noon,” the provincial authorities said.\n\n"
            "“Rice is dearer every week,” another source in the capital said.")
    assert [(q.speaker_kind, q.speaker_place) for q in quotes(body)] == [
        ("organization", "Ryanggang"), ("anonymous_source", "Pyongyang")]


def test_the_province_of_a_city_named_before_and_the_source_as_one_of_several():
    body = ("Brokers in Hoeryong are busy again.\n\n“Families now wait for the brokers,” a source in the province "
            "told Daily NK.\n\nMore sources in Jagang and Kangwon provinces backed the account.\n\n"
            "“Nobody refuses them,” the source said.\n\n“The fees went up,” Daily NK’s source added.")
    assert [(q.speaker_kind, q.speaker_place) for q in quotes(body)] == [("anonymous_source", "North Hamgyong")] * 3
