"""Officials: the register, names after a title, and role groups with organization and place."""

from __future__ import annotations

from dnkdata.extract.officials import extract_officials
from dnkdata.gazetteer import find_places


def officials(body: str):
    mentions, _ = find_places(body)
    return extract_officials("0123456789abcdef", body, mentions)


def test_register_names_and_variants_give_one_person():
    rows = officials("Kim Jong-un met officials. Later Kim Jong Un spoke.")
    named = [r for r in rows if r.kind == "named"]
    assert [(r.name, r.person_id, r.mention_count) for r in named] == [("Kim Jong Un", "kim-jong-un", 2)]


def test_title_before_name_gives_role_and_organization():
    [row] = [r for r in officials("Central Committee Deputy Director Kim Yo Jong arrived.") if r.kind == "named"]
    assert (row.role, row.organization) == ("Central Committee Deputy Director", "Central Committee")


def test_unknown_name_after_an_official_title_is_extracted():
    [row] = [r for r in officials("The order came from provincial party secretary Ri Chol Man.") if r.kind == "named"]
    assert row.name == "Ri Chol Man" and row.person_id == "ri-chol-man"


def test_group_with_place_and_organization():
    rows = officials("It named officials from Nampo’s Onchon county party committee and farm inspectors in Ushi county.")
    groups = {(r.role, r.organization, r.place) for r in rows if r.kind == "group"}
    assert ("officials", "Onchon county party committee", "Onchon") in groups
    assert ("farm inspectors", None, "Ushi") in groups


def test_soldiers_teachers_and_institutions_are_not_officials():
    assert officials("Border patrol soldiers, teachers and the authorities met the residents.") == []


def test_anaphoric_bare_head_is_the_same_group():
    rows = officials("Farm inspectors in Ushi county seized grain. The inspectors kept it.")
    [row] = [r for r in rows if r.kind == "group"]
    assert row.mention_count == 2


def test_title_written_before_the_name_with_commas():
    rows = officials("The provincial party secretary, Ri Hi Yong, reportedly ordered the closure.")
    assert [(r.kind, r.name, r.role) for r in rows] == [("named", "Ri Hi Yong", "provincial party secretary")]


def test_appositive_role_of_a_named_official_is_not_a_group():
    rows = officials("Choe Ryong Hae, chairman of the Standing Committee, spoke.")
    assert [r.kind for r in rows] == ["named"]
    assert rows[0].role == "chairman of the Standing Committee"


def test_group_phrase_stops_at_punctuation():
    rows = officials("They searched Ryanggang Province.\n\n“Inspectors from the security department came,” he said.")
    [row] = [r for r in rows if r.kind == "group"]
    assert row.mention == "Inspectors from the security department"


def test_title_with_an_of_phrase_before_the_name():
    rows = officials("Premier Kim Tok Hun and the chief of the General Staff, Ri Yong Gil, visited the bridge.")
    roles = {r.name: r.role for r in rows if r.kind == "named"}
    assert roles == {"Kim Tok Hun": "Premier", "Ri Yong Gil": "chief of the General Staff"}
    assert [r for r in rows if r.kind == "group"] == []


# ---- role phrases met in unseen captures (all passages invented)

def groups(body: str):
    return [(r.mention, r.role) for r in officials(body) if r.kind == "group"]


def test_trial_and_security_roles_are_groups():
    assert groups("The attorney from North Hamgyong Province read the charges.") == [
        ("The attorney from North Hamgyong Province", "attorney")]
    assert groups("Security guards from the county security office held the crowd back.")[0][1] == "Security guards"
    assert groups("MSS and MPS personnel searched every house on the street.") == [
        ("MSS and MPS personnel", "MSS and MPS personnel")]
    assert groups("Inspection groups from the center arrived on Monday.") == [
        ("Inspection groups", "Inspection groups")]


def test_staff_and_things_named_after_a_role_are_no_officials():
    assert groups("The checkpoint personnel waved the trucks through.") == []
    assert groups("Police boxes in Seoul are small and quiet.") == []
    assert groups("Border guards fired warning shots.") == []


def test_a_day_or_month_before_a_comma_is_no_modifier():
    assert groups("The market closed on Tuesday, officials said.") == [("officials", "officials")]
    assert groups("In March, officials from the county visited.")[0][1] == "officials"
    assert groups("Party, state and military officials met.")[0][1] == "Party, state and military officials"


def test_a_month_after_a_group_is_no_organization_and_a_police_facility_is_no_group():
    rows = officials("The agency teamed up with local police in March to find the labs.")
    assert [(r.kind, r.mention) for r in rows] == [("group", "local police")]
    assert officials("Both traders spent a week in a police detention center near Hyesan.") == []


def test_heads_of_research_institutes_and_charities_hold_no_office():
    assert officials("“Prices will rise,” said Pak Chol Su, director of a farm research institute in Seoul.") == []
    assert officials("“Prices will rise,” said the director of the Korea Farm Foundation.") == []
    assert [r.name for r in officials("“Prices will rise,” said Pak Chol Su, director of the Ministry of Trade.")] \
        == ["Pak Chol Su"]
