"""Integrity tests for the officials register and the role lexicon.

Conventions checked here (the CSVs are the data; these tests are the contract):

officials.csv  person_id,name,variants,country_code,category,posts
  * person_id is the slug of name: accents folded to ASCII, lowercase,
    apostrophes and full stops dropped, runs of whitespace -> one hyphen.
  * variants are '|'-separated; none is a bare single token (surname alone),
    none repeats the name or another variant of the same row exactly, and
    none collides with the name or a variant of another person once case,
    hyphens and spaces are normalised.
  * North Korean (KP) names are written as separate capitalised syllables
    without hyphens (Kim Jong Un, not Kim Jong-un).
  * posts are ';'-separated, each "Post (YYYY-YYYY)", "Post (YYYY-)",
    "Post (YYYY)" or a bare "Post"; an open range means no known end.
  * rows are sorted by person_id.

roles.csv  term,kind,note
  * kind is head, modifier or exclude; a term is unique within its kind and
    is never both a head and an exclude; rows sorted by term (casefolded),
    then kind.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

import pytest

GAZETTEER = Path(__file__).resolve().parents[1] / "dnkdata" / "gazetteer"
OFFICIALS = GAZETTEER / "officials.csv"
ROLES = GAZETTEER / "roles.csv"

OFFICIALS_HEADER = ["person_id", "name", "variants", "country_code", "category", "posts"]
ROLES_HEADER = ["term", "kind", "note"]
CATEGORIES = {
    "leader",
    "leader_family",
    "politburo",
    "secretariat",
    "cabinet",
    "military",
    "security",
    "provincial",
    "diplomat",
    "historical",
    "foreign_leader",
    "other",
}
KINDS = {"head", "modifier", "exclude"}
POST_RE = re.compile(r"^(?P<post>[^;()|]*[^;()|\s])(?: \((?P<start>\d{4})(?P<dash>-(?P<end>\d{4})?)?\))?$")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KP_NAME_RE = re.compile(r"^[A-Z][a-z]*(?: [A-Z][a-z]*)+$")


def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [dict(zip(header, row, strict=True)) for row in reader]
    return header, rows


def slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = ascii_name.lower().replace("'", "").replace("\u2019", "").replace(".", "")
    return re.sub(r"\s+", "-", ascii_name.strip())


def norm(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(folded.casefold().replace("-", " ").split())


def variants(row: dict[str, str]) -> list[str]:
    return row["variants"].split("|") if row["variants"] else []


def posts(row: dict[str, str]) -> list[str]:
    return row["posts"].split(";") if row["posts"] else []


@pytest.fixture(scope="module")
def officials() -> list[dict[str, str]]:
    header, rows = read(OFFICIALS)
    assert header == OFFICIALS_HEADER
    return rows


@pytest.fixture(scope="module")
def roles() -> list[dict[str, str]]:
    header, rows = read(ROLES)
    assert header == ROLES_HEADER
    return rows


# --- officials.csv -----------------------------------------------------------


def test_officials_header_exact() -> None:
    with OFFICIALS.open(encoding="utf-8", newline="") as fh:
        assert fh.readline().rstrip("\r\n") == ",".join(OFFICIALS_HEADER)


def test_officials_not_empty_and_no_blank_fields(officials: list[dict[str, str]]) -> None:
    assert len(officials) >= 120
    for row in officials:
        for field in ("person_id", "name", "country_code", "category"):
            assert row[field].strip() == row[field] and row[field], (row["person_id"], field)


def test_person_id_unique(officials: list[dict[str, str]]) -> None:
    ids = [r["person_id"] for r in officials]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes


def test_person_id_is_slug_of_name(officials: list[dict[str, str]]) -> None:
    for row in officials:
        assert SLUG_RE.match(row["person_id"]), row["person_id"]
        assert row["person_id"] == slug(row["name"]), row["name"]


def test_names_unique_after_normalisation(officials: list[dict[str, str]]) -> None:
    names = [norm(r["name"]) for r in officials]
    assert len(names) == len(set(names))


def test_officials_sorted_by_person_id(officials: list[dict[str, str]]) -> None:
    ids = [r["person_id"] for r in officials]
    assert ids == sorted(ids)


def test_north_korean_names_are_unhyphenated_syllables(officials: list[dict[str, str]]) -> None:
    for row in officials:
        if row["country_code"] == "KP":
            assert KP_NAME_RE.match(row["name"]), row["name"]


def test_variants_well_formed_within_row(officials: list[dict[str, str]]) -> None:
    for row in officials:
        vs = variants(row)
        assert all(v and v == v.strip() for v in vs), row["person_id"]
        assert len(vs) == len(set(vs)), row["person_id"]
        assert row["name"] not in vs, row["person_id"]


def test_no_variant_is_a_bare_surname(officials: list[dict[str, str]]) -> None:
    for row in officials:
        for v in variants(row):
            assert len(norm(v).split()) >= 2, (row["person_id"], v)


def test_no_variant_collides_with_another_person(officials: list[dict[str, str]]) -> None:
    owner: dict[str, str] = {}
    for row in officials:
        for form in {norm(row["name"]), *(norm(v) for v in variants(row))}:
            other = owner.setdefault(form, row["person_id"])
            assert other == row["person_id"], f"{form!r} used by {other} and {row['person_id']}"


def test_country_code_shape(officials: list[dict[str, str]]) -> None:
    for row in officials:
        assert re.fullmatch(r"[A-Z]{2}", row["country_code"]), row["person_id"]


def test_category_allowed(officials: list[dict[str, str]]) -> None:
    for row in officials:
        assert row["category"] in CATEGORIES, (row["person_id"], row["category"])


def test_posts_parse(officials: list[dict[str, str]]) -> None:
    for row in officials:
        for post in posts(row):
            m = POST_RE.match(post)
            assert m, (row["person_id"], post)
            if m["start"]:
                start = int(m["start"])
                assert 1900 <= start <= 2030, (row["person_id"], post)
                if m["end"]:
                    assert start <= int(m["end"]) <= 2030, (row["person_id"], post)


def test_posts_not_repeated_within_row(officials: list[dict[str, str]]) -> None:
    for row in officials:
        ps = posts(row)
        assert len(ps) == len(set(ps)), row["person_id"]


@pytest.mark.parametrize(
    "post, ok",
    [
        ("General Secretary of the Workers' Party of Korea (2021-)", True),
        ("Premier of the Cabinet (2013-2019)", True),
        ("Minister of People's Armed Forces (2012)", True),
        ("Minister of State Security", True),
        ("Premier (2013 - 2019)", False),
        ("Premier (c. 2013)", False),
        ("Premier (2013-19)", False),
        ("Premier ()", False),
        ("", False),
    ],
)
def test_post_pattern_itself(post: str, ok: bool) -> None:
    assert bool(POST_RE.match(post)) is ok


def test_slug_and_norm_helpers() -> None:
    assert slug("Kim Jong Un") == "kim-jong-un"
    assert slug("George W. Bush") == "george-w-bush"
    assert slug("Moon Jae-in") == "moon-jae-in"
    assert norm("Kim Jong-un") == norm("kim  jong un")


# --- roles.csv ---------------------------------------------------------------


def test_roles_header_exact() -> None:
    with ROLES.open(encoding="utf-8", newline="") as fh:
        assert fh.readline().rstrip("\r\n") == ",".join(ROLES_HEADER)


def test_roles_kinds_allowed(roles: list[dict[str, str]]) -> None:
    for row in roles:
        assert row["kind"] in KINDS, row
        assert row["term"] and row["term"] == row["term"].strip(), row
        assert " ".join(row["term"].split()) == row["term"], row


def test_roles_terms_unique_per_kind(roles: list[dict[str, str]]) -> None:
    seen: set[tuple[str, str]] = set()
    for row in roles:
        key = (row["term"].casefold(), row["kind"])
        assert key not in seen, row
        seen.add(key)


def test_no_term_is_both_head_and_exclude(roles: list[dict[str, str]]) -> None:
    heads = {r["term"].casefold() for r in roles if r["kind"] == "head"}
    excludes = {r["term"].casefold() for r in roles if r["kind"] == "exclude"}
    assert not heads & excludes


def test_roles_every_kind_present(roles: list[dict[str, str]]) -> None:
    assert {r["kind"] for r in roles} == KINDS


def test_project_conventions_in_roles(roles: list[dict[str, str]]) -> None:
    by_kind = {k: {r["term"] for r in roles if r["kind"] == k} for k in KINDS}
    for term in ("officials", "cadres", "managers", "police"):
        assert term in by_kind["head"], term
    for term in ("soldiers", "troops", "teachers", "donju", "smugglers", "authorities"):
        assert term in by_kind["exclude"], term


def test_roles_sorted(roles: list[dict[str, str]]) -> None:
    keys = [(r["term"].casefold(), r["kind"]) for r in roles]
    assert keys == sorted(keys)
