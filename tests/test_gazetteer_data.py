"""Integrity tests for the gazetteer data files (dnkdata/gazetteer/*.csv).

These read the CSVs with the csv module only, so they test the data, not the matcher.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest

GAZ = Path(__file__).resolve().parents[1] / "dnkdata" / "gazetteer"
PLACES = GAZ / "places.csv"
FOREIGN = GAZ / "foreign.csv"

PLACES_HEADER = ["place_id", "name", "level", "province", "iso_3166_2", "lat", "lon", "name_hangul", "variants"]
FOREIGN_HEADER = ["place_id", "name", "level", "country_code", "lat", "lon", "name_hangul", "variants"]

NK_LEVELS = {"country", "province", "special_city", "city", "county", "district", "town", "site"}
FOREIGN_LEVELS = {"country", "province", "city", "region"}

# ISO 3166-2:KP, with the canonical English names the gazetteer uses.
ISO_KP = {
    "KP-01": ("Pyongyang", "special_city"),
    "KP-02": ("South Pyongan", "province"),
    "KP-03": ("North Pyongan", "province"),
    "KP-04": ("Jagang", "province"),
    "KP-05": ("South Hwanghae", "province"),
    "KP-06": ("North Hwanghae", "province"),
    "KP-07": ("Kangwon", "province"),
    "KP-08": ("South Hamgyong", "province"),
    "KP-09": ("North Hamgyong", "province"),
    "KP-10": ("Ryanggang", "province"),
    "KP-13": ("Rason", "special_city"),
    "KP-14": ("Nampo", "special_city"),
    "KP-15": ("Kaesong", "special_city"),
}

NK_LAT = (37.6, 43.1)
NK_LON = (124.1, 130.8)

# Maximum distance (km) of a place from its province row's coordinate.  The province rows
# hold approximate geographic centres (not capitals), so 150 km covers every province:
# the largest spread is North Hamgyong, a long coastal strip (Onsong and Kimchaek lie
# ~130 km from its centre).  The special cities are small, so they get a tighter limit.
MAX_KM_FROM_PROVINCE = 150.0
MAX_KM_FROM_SPECIAL_CITY = 60.0

# Generic words the matcher adds itself; variants must not carry them.
GENERIC_SUFFIX = re.compile(r"(?i)(\s(province|county|city|district)|-(gun|si|do|guyok|guyŏk|dong|ri-?dong))$")

# Spellings deliberately shared by the North Korean and the foreign file (none at present).
EXPECTED_NK_FOREIGN_OVERLAP: set[str] = set()

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


@pytest.fixture(scope="module")
def places() -> list[dict[str, str]]:
    return _read(PLACES)[1]


@pytest.fixture(scope="module")
def foreign() -> list[dict[str, str]]:
    return _read(FOREIGN)[1]


@pytest.fixture(scope="module")
def provinces(places) -> dict[str, dict[str, str]]:
    return {r["name"]: r for r in places if r["level"] in ("province", "special_city")}


def norm(s: str) -> str:
    """Spelling key: casefold, drop diacritics (breves), apostrophes, hyphens, spaces, dots."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.casefold()
    return re.sub(r"[\s'’‘`ʼ\-–—.]", "", s)


def spellings(row: dict[str, str]) -> set[str]:
    names = [row["name"]] + [v for v in row["variants"].split("|") if v]
    return {norm(n) for n in names}


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


# --------------------------------------------------------------------------- places.csv


def test_places_header_exact():
    header, _ = _read(PLACES)
    assert header == PLACES_HEADER


def test_places_file_is_utf8_without_bom():
    raw = PLACES.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    raw.decode("utf-8")


def test_places_ids_unique_sorted_and_slugged(places):
    ids = [r["place_id"] for r in places]
    dupes = [i for i, n in Counter(ids).items() if n > 1]
    assert not dupes, dupes
    assert ids == sorted(ids), "places.csv must be sorted by place_id"
    bad = [i for i in ids if not SLUG.match(i) or not (i == "kp" or i.startswith("kp-"))]
    assert not bad, bad


def test_places_id_prefix_matches_province(places):
    bad = []
    for r in places:
        if r["level"] == "country":
            continue
        pslug = "kp-" + re.sub(r"[^a-z0-9]+", "-", r["province"].lower()).strip("-")
        if r["level"] in ("province", "special_city"):
            ok = r["place_id"] == pslug
        else:
            ok = r["place_id"].startswith(pslug + "-")
        if not ok:
            bad.append(r["place_id"])
    assert not bad, bad


def test_places_levels_allowed(places):
    bad = [(r["place_id"], r["level"]) for r in places if r["level"] not in NK_LEVELS]
    assert not bad, bad


def test_single_country_row(places):
    rows = [r for r in places if r["level"] == "country"]
    assert len(rows) == 1
    kp = rows[0]
    assert kp["place_id"] == "kp"
    assert kp["name"] == "North Korea"
    assert kp["province"] == "" and kp["iso_3166_2"] == ""
    assert {"DPRK", "D.P.R.K.", "N. Korea", "Democratic People's Republic of Korea"} <= set(kp["variants"].split("|"))


def test_thirteen_province_level_rows_match_iso(places, provinces):
    assert len(provinces) == 13
    got = {r["iso_3166_2"]: (r["name"], r["level"]) for r in provinces.values()}
    assert got == ISO_KP
    for name, r in provinces.items():
        assert r["province"] == name, f"{r['place_id']}: a province row names itself"


def test_every_province_value_is_a_province_row(places, provinces):
    bad = [(r["place_id"], r["province"]) for r in places if r["level"] != "country" and r["province"] not in provinces]
    assert not bad, bad


def test_iso_code_matches_province_row(places, provinces):
    bad = [
        (r["place_id"], r["iso_3166_2"])
        for r in places
        if r["level"] != "country" and r["iso_3166_2"] != provinces[r["province"]]["iso_3166_2"]
    ]
    assert not bad, bad


def test_coordinates_inside_north_korea(places):
    bad = []
    for r in places:
        lat, lon = float(r["lat"]), float(r["lon"])
        if not (NK_LAT[0] <= lat <= NK_LAT[1] and NK_LON[0] <= lon <= NK_LON[1]):
            bad.append((r["place_id"], lat, lon))
    assert not bad, bad


def test_coordinates_near_province(places, provinces):
    bad = []
    for r in places:
        if r["level"] in ("country", "province", "special_city"):
            continue
        p = provinces[r["province"]]
        d = haversine_km(float(r["lat"]), float(r["lon"]), float(p["lat"]), float(p["lon"]))
        limit = MAX_KM_FROM_SPECIAL_CITY if p["level"] == "special_city" else MAX_KM_FROM_PROVINCE
        if d > limit:
            bad.append((r["place_id"], round(d)))
    assert not bad, bad


def test_hangul_present_for_north_korean_rows(places):
    bad = [r["place_id"] for r in places if not r["name_hangul"].strip()]
    assert not bad, bad
    hangul = re.compile(r"^[\uac00-\ud7a3]+$")
    bad = [(r["place_id"], r["name_hangul"]) for r in places if not hangul.match(r["name_hangul"])]
    assert not bad, bad


def _check_variants(rows):
    problems = []
    for r in rows:
        raw = r["variants"]
        if raw == "":
            continue
        vs = raw.split("|")
        if any(v == "" or v != v.strip() for v in vs):
            problems.append((r["place_id"], "empty or padded variant"))
        repeated = [v for v, n in Counter(vs).items() if n > 1]
        if repeated:
            problems.append((r["place_id"], "repeated", repeated))
        if r["name"] in vs:
            problems.append((r["place_id"], "name repeated as variant"))
    return problems


def test_places_variants_not_repeated(places):
    problems = _check_variants(places)
    assert not problems, problems


def test_places_variants_have_no_generic_words(places):
    bad = [
        (r["place_id"], v)
        for r in places
        for v in [r["name"], *r["variants"].split("|")]
        if v and GENERIC_SUFFIX.search(v)
    ]
    assert not bad, bad


def test_spelling_collisions_only_where_context_disambiguates(places, capsys):
    """A spelling shared by two places is allowed only when they differ in level or in province."""
    owners: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in places:
        for s in spellings(r):
            owners[s].append(r)
    ambiguous = {s: rs for s, rs in owners.items() if len(rs) > 1}
    bad = []
    for s, rs in sorted(ambiguous.items()):
        for i, a in enumerate(rs):
            for b in rs[i + 1 :]:
                if a["level"] == b["level"] and a["province"] == b["province"]:
                    bad.append((s, a["place_id"], b["place_id"]))
    with capsys.disabled():
        print(f"\nambiguous North Korean spellings ({len(ambiguous)}):")
        for s, rs in sorted(ambiguous.items()):
            print(f"  {s}: " + ", ".join(f"{r['place_id']} ({r['level']})" for r in rs))
    assert not bad, bad


def test_county_level_counts(places):
    levels = Counter(r["level"] for r in places)
    assert levels["province"] + levels["special_city"] == 13
    # North Korea has roughly 24 cities and ~145 counties; the gazetteer holds 167 of them.
    assert levels["city"] + levels["county"] >= 160
    # County-level units also include the districts (guyok) directly under a special city.
    special = {r["name"] for r in places if r["level"] == "special_city"}
    special_districts = sum(1 for r in places if r["level"] == "district" and r["province"] in special)
    assert levels["city"] + levels["county"] + special_districts >= 180
    # Every province has at least one city.
    with_city = {r["province"] for r in places if r["level"] == "city"}
    assert {r["name"] for r in places if r["level"] == "province"} <= with_city


def test_known_units_present(places):
    """Spot checks against well-established facts."""
    where = {(r["name"], r["level"]): r["province"] for r in places}
    expected = {
        ("Hyesan", "city"): "Ryanggang",
        ("Samjiyon", "city"): "Ryanggang",
        ("Kimjongsuk", "county"): "Ryanggang",
        ("Kimhyongjik", "county"): "Ryanggang",
        ("Chongjin", "city"): "North Hamgyong",
        ("Hoeryong", "city"): "North Hamgyong",
        ("Kimchaek", "city"): "North Hamgyong",
        ("Musan", "county"): "North Hamgyong",
        ("Onsong", "county"): "North Hamgyong",
        ("Hamhung", "city"): "South Hamgyong",
        ("Tanchon", "city"): "South Hamgyong",
        ("Yodok", "county"): "South Hamgyong",
        ("Sinuiju", "city"): "North Pyongan",
        ("Nyongbyon", "county"): "North Pyongan",
        ("Kanggye", "city"): "Jagang",
        ("Manpo", "city"): "Jagang",
        ("Wonsan", "city"): "Kangwon",
        ("Haeju", "city"): "South Hwanghae",
        ("Sariwon", "city"): "North Hwanghae",
        ("Pyongsong", "city"): "South Pyongan",
        ("Moranbong", "district"): "Pyongyang",
        ("Mount Paektu", "site"): "Ryanggang",
        ("Punggye-ri", "site"): "North Hamgyong",
        ("Panmunjom", "site"): "Kaesong",
    }
    wrong = {k: (where.get(k), v) for k, v in expected.items() if where.get(k) != v}
    assert not wrong, wrong


# --------------------------------------------------------------------------- foreign.csv


def test_foreign_header_exact():
    header, _ = _read(FOREIGN)
    assert header == FOREIGN_HEADER


def test_foreign_rows(foreign):
    assert len(foreign) >= 40
    ids = [r["place_id"] for r in foreign]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    assert ids == sorted(ids), "foreign.csv must be sorted by place_id"
    bad = []
    for r in foreign:
        cc = r["country_code"]
        if r["level"] not in FOREIGN_LEVELS:
            bad.append((r["place_id"], "level", r["level"]))
        if not re.fullmatch(r"[A-Z]{2}", cc) or cc == "KP":
            bad.append((r["place_id"], "country_code", cc))
        if not SLUG.match(r["place_id"]):
            bad.append((r["place_id"], "slug"))
        if r["level"] == "country":
            if r["place_id"] != cc.lower():
                bad.append((r["place_id"], "country id"))
        elif not r["place_id"].startswith(cc.lower() + "-"):
            bad.append((r["place_id"], "id prefix"))
        if cc == "ZZ" and r["level"] != "region":
            bad.append((r["place_id"], "ZZ must be a region"))
        lat, lon = float(r["lat"]), float(r["lon"])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            bad.append((r["place_id"], "coordinates"))
        if r["level"] != "region" and NK_LAT[0] <= lat <= NK_LAT[1] and NK_LON[0] <= lon <= NK_LON[1]:
            # China's and Russia's border places lie just outside the box only in part; allow
            # those whose country is a neighbour, forbid anything else inside North Korea's box.
            if cc not in ("CN", "RU", "KR"):
                bad.append((r["place_id"], "inside North Korea's bounds"))
    assert not bad, bad


def test_foreign_has_key_countries(foreign):
    codes = {r["country_code"] for r in foreign if r["level"] == "country"}
    assert {"CN", "KR", "RU", "JP", "US"} <= codes
    variants = {v for r in foreign for v in r["variants"].split("|")}
    assert {"PRC", "ROK", "Republic of Korea", "U.S.", "US", "USA", "America", "UAE"} <= variants


def test_foreign_variants_not_repeated(foreign):
    problems = _check_variants(foreign)
    assert not problems, problems


def test_foreign_spellings_unambiguous(foreign):
    owners: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in foreign:
        for s in spellings(r):
            owners[s].append(r)
    bad = []
    for s, rs in owners.items():
        for i, a in enumerate(rs):
            for b in rs[i + 1 :]:
                if a["level"] == b["level"] and a["country_code"] == b["country_code"]:
                    bad.append((s, a["place_id"], b["place_id"]))
    assert not bad, bad


def test_foreign_spellings_never_collide_with_north_korea(places, foreign):
    nk = set().union(*(spellings(r) for r in places))
    fo = set().union(*(spellings(r) for r in foreign))
    assert nk & fo == EXPECTED_NK_FOREIGN_OVERLAP, sorted(nk & fo)


def test_place_ids_distinct_across_files(places, foreign):
    shared = {r["place_id"] for r in places} & {r["place_id"] for r in foreign}
    assert not shared, shared


def test_normalisation():
    assert norm("Ch'ŏngjin") == norm("Chongjin") == norm("CHONG-JIN")
    assert norm("Sinŭiju") == "sinuiju"
    assert norm("Namp’o") == "nampo"
    assert norm("Kim Hyong-jik") == norm("Kimhyongjik")
