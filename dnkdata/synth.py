"""Synthetic Daily NK-like captures for benchmarks and robustness tests.

Every story is invented from templates and small vocabularies with a seeded RNG; no sentence comes from a real
article. The shapes follow /shared/FORMATS.md: aggregator page, feed teaser, republisher board, dailynk.com page
text and legacy read.php text. Each file is a pure function of (seed, file index), so output is identical
whether it is written by one process or by a pool, and any file can be regenerated on its own.
"""

from __future__ import annotations

import csv
import os
import random
import re
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

FAMILIES = ("aggregator", "teaser", "republisher", "dailynk", "legacy")
# Share of original (non-duplicate) files per family; duplicates come on top (DUPLICATE_RATE).
FAMILY_WEIGHTS = {"aggregator": 0.34, "teaser": 0.03, "republisher": 0.13, "dailynk": 0.27, "legacy": 0.23}
DUPLICATE_RATE = 0.05
DUPLICATE_LOOKBACK = 400  # a duplicate re-captures a story from at most this many files earlier
POOL_THRESHOLD = 4000  # below this a process pool costs more than it saves
CHUNK = 2500

GAZETTEER_CSV = Path(__file__).parent / "gazetteer" / "places.csv"


@dataclass
class SynthSummary:
    """What `generate` wrote: enough for a caller to check the mix without rereading the files."""

    n: int
    out: Path
    seed: int
    families: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    total_bytes: int = 0
    seconds: float = 0.0


# --------------------------------------------------------------------------------------------------- places


@dataclass(frozen=True)
class Place:
    name: str
    level: str  # province | city | county
    province: str | None
    variants: tuple[str, ...] = ()


# Used only when the gazetteer is absent: real places, the romanization variants captures actually use.
_FALLBACK = [
    ("North Hamgyong", "province", None, "N. Hamgyong|North Hamkyung|North Hamgyeong"),
    ("South Hamgyong", "province", None, "S. Hamgyong|South Hamkyung|South Hamgyeong"),
    ("Ryanggang", "province", None, "Yanggang|Yangkang"),
    ("Jagang", "province", None, "Chagang"),
    ("North Pyongan", "province", None, "N. Pyongan|North Pyeongan"),
    ("South Pyongan", "province", None, "S. Pyongan|South Pyeongan"),
    ("North Hwanghae", "province", None, "N. Hwanghae"),
    ("South Hwanghae", "province", None, "S. Hwanghae"),
    ("Kangwon", "province", None, "Gangwon"),
    ("Pyongyang", "city", None, "P'yongyang"),
    ("Nampo", "city", None, "Namp'o"),
    ("Rason", "city", None, "Rajin-Sonbong"),
    ("Hyesan", "city", "Ryanggang", ""),
    ("Samjiyon", "city", "Ryanggang", "Samjiyeon"),
    ("Chongjin", "city", "North Hamgyong", "Cheongjin"),
    ("Hoeryong", "city", "North Hamgyong", "Hoeryeong"),
    ("Kimchaek", "city", "North Hamgyong", ""),
    ("Hamhung", "city", "South Hamgyong", "Hamheung"),
    ("Tanchon", "city", "South Hamgyong", "Dancheon"),
    ("Sinuiju", "city", "North Pyongan", "Shinuiju"),
    ("Kanggye", "city", "Jagang", "Ganggye"),
    ("Manpo", "city", "Jagang", ""),
    ("Wonsan", "city", "Kangwon", ""),
    ("Sariwon", "city", "North Hwanghae", ""),
    ("Haeju", "city", "South Hwanghae", ""),
    ("Pyongsong", "city", "South Pyongan", "Pyeongseong"),
    ("Sunchon", "city", "South Pyongan", ""),
    ("Musan", "county", "North Hamgyong", ""),
    ("Onsong", "county", "North Hamgyong", "Onseong"),
    ("Kimhyongjik", "county", "Ryanggang", ""),
    ("Pungso", "county", "Ryanggang", ""),
    ("Kapsan", "county", "Ryanggang", ""),
    ("Ushi", "county", "Jagang", "Usi"),
    ("Chasong", "county", "Jagang", "Jasong"),
    ("Onchon", "county", "Nampo", ""),
    ("Uiju", "county", "North Pyongan", ""),
    ("Hamju", "county", "South Hamgyong", ""),
    ("Songchon", "county", "South Pyongan", "Songcheon"),
    ("Pongsan", "county", "North Hwanghae", "Bongsan"),
    ("Ongjin", "county", "South Hwanghae", ""),
    ("Anbyon", "county", "Kangwon", "Anbyeon"),
]

_SUFFIX = re.compile(r"\s+(province|city|county|special city)$", re.I)


def _plain_name(name: str) -> str:
    """'Ryanggang Province' -> 'Ryanggang': the generator adds its own place words."""
    return _SUFFIX.sub("", name.strip())


def _level_bucket(level: str) -> str | None:
    level = level.lower()
    if "prov" in level:
        return "province"
    if "county" in level or level == "gun":
        return "county"
    if "city" in level or level in ("municipality", "si", "district"):
        return "city"
    return None


def _place_from_row(name: str, level: str, province: str | None, variants: str) -> Place | None:
    bucket = _level_bucket(level)
    if bucket is None or not name.strip():
        return None
    ascii_variants = tuple(_plain_name(v) for v in variants.split("|") if v.strip() and v.isascii())
    prov = _plain_name(province) if province else None
    return Place(_plain_name(name), bucket, prov or None, ascii_variants)


@lru_cache(maxsize=4)
def load_places(path: str | None = None) -> tuple[Place, ...]:
    """Places from the gazetteer CSV if it exists and has all three levels, else the built-in list."""
    csv_path = Path(path) if path else GAZETTEER_CSV
    places: list[Place] = []
    if csv_path.is_file():
        with csv_path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        # The province column may hold a name or a place_id; resolve ids to names.
        names = {r.get("place_id", ""): r.get("name", "") for r in rows}
        for row in rows:
            prov = row.get("province") or None
            p = _place_from_row(row.get("name", ""), row.get("level", ""), names.get(prov, prov) if prov else None,
                                row.get("variants") or "")
            if p is not None:
                places.append(p)
    if {p.level for p in places} >= {"province", "city", "county"}:
        return tuple(places)
    return tuple(p for p in (_place_from_row(*row) for row in _FALLBACK) if p is not None)


@dataclass(frozen=True)
class Geography:
    provinces: tuple[Place, ...]
    cities: tuple[Place, ...]
    counties: tuple[Place, ...]
    by_province: dict  # province name -> (cities, counties)


@lru_cache(maxsize=4)
def geography(path: str | None = None) -> Geography:
    places = load_places(path)
    provinces = tuple(p for p in places if p.level == "province")
    cities = tuple(p for p in places if p.level == "city")
    counties = tuple(p for p in places if p.level == "county")
    by_prov: dict[str, tuple[tuple[Place, ...], tuple[Place, ...]]] = {}
    for prov in provinces:
        by_prov[prov.name] = (
            tuple(c for c in cities if c.province == prov.name),
            tuple(c for c in counties if c.province == prov.name),
        )
    return Geography(provinces, cities, counties, by_prov)


# ---------------------------------------------------------------------------------------------- vocabularies
# All invented phrasing. Curly marks throughout; a story in straight style is translated at render time.

OFFICIALS = [
    ("Kim Jong Un", ["North Korean leader Kim Jong Un", "Kim Jong Un", "leader Kim Jong Un"]),
    ("Kim Yo Jong", ["the leader’s sister Kim Yo Jong", "Kim Yo Jong", "Central Committee Deputy Director Kim Yo Jong"]),
    ("Choe Ryong Hae", ["Choe Ryong Hae", "Presidium member Choe Ryong Hae"]),
    ("Jo Yong Won", ["Jo Yong Won", "Central Committee secretary Jo Yong Won"]),
    ("Pak Thae Song", ["Premier Pak Thae Song", "Pak Thae Song"]),
    ("Kim Tok Hun", ["Kim Tok Hun", "former premier Kim Tok Hun"]),
    ("Ri Il Hwan", ["propaganda secretary Ri Il Hwan", "Ri Il Hwan"]),
]
GROUPS = [
    "party officials in {county} county",
    "farm inspectors",
    "State Security agents",
    "Ministry of State Security agents",
    "Ministry of Social Security officers",
    "border guards",
    "the provincial party committee",
    "market managers in {city}",
    "members of the women’s union",
    "neighborhood watch unit leaders",
    "cadres of the {city} city people’s committee",
    "prosecutors from the provincial prosecutor’s office",
]
TOPICS = {
    "market": dict(
        campaign=["price control campaign", "grain sales drive", "market inspection"],
        scare=["state price", "grain sales station", "food self-sufficiency"],
        things=["rice", "corn", "flour", "pork"],
        directive=["sell grain only at state shops", "report every trader’s stock", "close the market by 4 p.m."],
    ),
    "crackdown": dict(
        campaign=["crackdown on non-socialist behavior", "anti-reactionary thought campaign", "inspection drive"],
        scare=["anti-socialist elements", "impure recordings", "ideological poison"],
        things=["foreign videos", "Chinese mobile phones", "USB sticks", "South Korean dramas"],
        directive=["hand in every unregistered phone", "attend self-criticism sessions twice a week", "report neighbors who watch foreign videos"],
    ),
    "mobilization": dict(
        campaign=["80-day battle", "spring planting battle", "general agricultural mobilization", "manure battle"],
        scare=["patriotic labor", "speed battle", "voluntary contribution"],
        things=["manure", "seedlings", "fertilizer", "cement"],
        directive=["send every student to the farms", "deliver two tons of manure per household", "work on the dam on Sundays"],
    ),
    "border": dict(
        campaign=["border lockdown", "anti-smuggling campaign", "border fence project"],
        scare=["state-led smuggling", "treasonous act", "enemy propaganda"],
        things=["smuggled goods", "remittances", "Chinese currency", "medicine"],
        directive=["stay 500 meters away from the river", "register every visitor from outside the county", "stop all private trade with China"],
    ),
    "lecture": dict(
        campaign=["political lecture series", "loyalty study session", "ideological education drive"],
        scare=["puppet regime", "reactionary culture", "people-first politics"],
        things=["lecture notes", "study materials", "loyalty pledges"],
        directive=["memorize the new lecture material", "write a pledge of loyalty", "attend the evening lectures without exception"],
    ),
    "housing": dict(
        campaign=["housing construction project", "flood recovery campaign", "regional development policy"],
        scare=["model village", "new-style houses", "socialist paradise"],
        things=["cement", "timber", "roof tiles", "coal"],
        directive=["finish the new houses before winter", "donate building materials", "move into temporary shelters"],
    ),
}
PRICE_ITEMS = [("rice", 4200, 24000), ("corn", 1800, 9000), ("pork", 9000, 38000), ("flour", 3500, 16000),
               ("soybean oil", 12000, 40000), ("gasoline", 9000, 30000), ("cabbage", 1200, 8000)]
WHEN = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "recently", "last week",
        "earlier this week", "on condition of anonymity", "in a phone call"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
MONTH_ABBR = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
AUTHORS = ["Lee Ji Won", "Kim Min Seo", "Jang Seul Gi", "Ha Yoon Ah", "Seo Dong Ho", "Peter Hall", "Anna Grey",
           "Choi Eun Bi", "Mun Tae Gyu", "Jane Roe", "Yoon Sang Hoon", "Park Gyeong Mi"]
WEATHER_CITIES = ["Delhi", "Mumbai", "Seoul", "London", "Singapore", "Sydney", "Toronto", "Dubai"]
SECTIONS = ["NK Human Rights Issues", "North Korea News", "Economy", "Society", "Politics", "Defectors"]

# Opening paragraphs: the news, usually with "Daily NK has learned".
# Each lede names a date and a count near its start: without them, stories' first 25 words (a merge key) coincided
# by chance in one of five originals at 100,000 files, and the build merged those unrelated stories.
LEDES = [
    "{Group} in {prov_phrase} have launched a new {campaign} covering some {households} households since {mdate}, Daily NK has learned.",
    "North Korean authorities have ordered {households} households in {city_phrase} to {directive} by {mdate}, according to sources inside the country.",
    "A new {campaign} in {prov_phrase} that began on {mdate} is frustrating the {households} households it covers, Daily NK has learned.",
    "The price of {item} has risen sharply in {city} and other parts of {prov_phrase} since {mdate}, to {price} won a kilogram.",
    "{Official} has ordered a nationwide {campaign} from {mdate}, and local officials in {prov_phrase} are mobilizing {households} households.",
    "Residents of {county_phrase} say the authorities have searched some {households} homes for {thing} since {mdate} ahead of a major political event.",
]
# Indirect speech after "told Daily NK that" / "According to the source,"; starts lower case.
CLAUSES = [
    "{group} had been told to {directive} by the end of the month",
    "the {campaign} started in {city} on {mdate} and was expected to last at least three weeks",
    "residents were complaining that the {campaign} left them no time to earn a living",
    "{group} were searching homes for {thing} almost every night",
    "a kilogram of {item} sold for {price} won in {city} last week, up from {price2} won a month earlier",
    "several people in {county_phrase} had been detained after being caught with {thing}",
    "the order came directly from the Central Committee and nobody dared question it",
    "households that could not {directive} were being fined or named at public meetings",
    "local officials were demanding bribes of up to {bribe} won to look the other way",
]
# Direct quotes, first person; no final punctuation (the renderer adds "," or ".").
QUOTES = [
    "Nobody here believes the {campaign} will change anything. People just keep their heads down until it is over",
    "The order came down on {mdate}, and every work unit in {city} had to send people the next morning",
    "{Group} go from house to house asking about {thing}, and anyone who can’t explain themselves is taken away",
    "Rice is {price} won a kilogram at the market now. Families are mixing in corn just to make it through the month",
    "They call it ‘{scare},’ but everyone knows it is about squeezing more money out of ordinary people",
    "If you can’t {directive}, you have to pay someone else to do it for you, and that costs more than a week’s food",
    "People are saying the officials at the top don’t care what happens in {county_phrase}",
    "The security agents were out on the streets day and night, checking phones and bags",
    "Merchants in {city} have stopped stocking {item} because prices change every day",
    "Even the cadres are grumbling about it, though only in private",
    "[Residents] were told that anyone caught with {thing} would be treated as a criminal",
    "It’s the same every year. They announce a big campaign, and by autumn nobody remembers it",
    "Those with money paid their way out of the {campaign}. The poor had no choice but to go",
    "The authorities warned that the {campaign} would continue until ‘{scare}’ was wiped out",
    "Some people in {city} haven’t had a proper meal in days, and the {campaign} just makes it worse",
]
# Narrative context paragraphs: officials, official groups, prices, scare quotes.
CONTEXT = [
    "The {campaign} follows a meeting chaired by {official} that called for “{scare}” to be rooted out.",
    "According to state media, {official} stressed that {group} must take responsibility for any failure.",
    "In {city}, a kilogram of {item} sold for {price} won last week, while one US dollar traded for {fx} won.",
    "Daily NK’s own market survey found {item} at {price} won per kilogram in {city}, compared with {price2} won in {city2}.",
    "The authorities describe the campaign as a fight against “{scare},” a term that has appeared frequently in state propaganda this year.",
    "Observers say the pressure on {group} reflects {official}’s demand for visible results before the end of the year.",
    "The situation is similar in {county_phrase}, where {group} have reportedly been mobilized to {directive}.",
    "{Official} visited {prov_phrase} in {month}, and local officials have since been under intense pressure.",
    "Prices of {thing} in {city2} have also been unstable since the {campaign} began.",
]
FOLLOW_ATTRIB = ["he said", "she said", "the source said", "the source added", "the source explained",
                 "the source noted", "he added", "the source told Daily NK"]
TITLES = [
    "{Prov_short} authorities step up {campaign}",
    "N. Korea orders residents to {directive}",
    "{Item_cap} prices climb in {city} amid {campaign}",
    "{Official_short} pushes {campaign} as locals grumble",
    "Residents of {city} weary of endless {campaign}",
    "{Group_cap} accused of abuses during {campaign}",
    "N. Korea tightens control over {thing} in {prov_short}",
    "Officials in {county} county punished over {campaign}",
]
CAPTIONS = [
    "Residents walk along a road in {city}, {prov_phrase}, in this undated file photo.",
    "A market in {city} seen from across the border.",
    "FILE PHOTO: Farmers at work near {county} county, {prov_short} Province.",
    "Apartment blocks in {city} in a photo taken last year.",
]
TAGS = ["border", "china", "smuggling", "market", "rice", "prices", "crackdown", "mobile phones", "lockdown",
        "mobilization", "state security", "food", "housing", "politics"]
POPULAR = ["N. Korea expands overseas labor program", "Border guards reshuffled after defection",
           "Fuel shortages hit farms in the north", "New rules for market traders take effect"]


def _straight(text: str) -> str:
    """Curly to straight marks (chained replace: several times faster than str.translate for this)."""
    return text.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")


# ------------------------------------------------------------------------------------------------ story model


def _money(rng: random.Random, lo: int, hi: int) -> str:
    return f"{rng.randrange(lo // 10, hi // 10) * 10:,}"


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


class Slots(dict):
    """Template values: story-fixed ones are stored; {any_*}-style ones are drawn fresh on every lookup.

    A capitalized key ({Group}) returns the lower-case slot with its first letter raised, so one template can
    start a sentence with any slot.
    """

    def __init__(self, rng: random.Random, story: "Story"):
        super().__init__()
        self.rng = rng
        self.story = story

    def __missing__(self, key: str) -> str:
        if key[0].isupper() and key.lower() != key:
            return _cap(self[key[0].lower() + key[1:]])
        return _FRESH[key](self.rng, self.story)


@dataclass
class Story:
    """One invented article: its facts, its paragraphs, and the style it is printed in."""

    title: str
    paragraphs: list[str]
    published: datetime
    author: str
    straight: bool  # straight quote marks instead of curly
    has_korean: bool
    prov: Place
    city: Place
    county: Place
    topic: dict
    official: tuple
    campaign: str  # the story's main campaign; other names for it turn up now and then


def _prov_phrase(rng: random.Random, p: Place) -> str:
    name = rng.choice(p.variants) if p.variants and rng.random() < 0.3 else p.name
    if p.level != "province":
        return name
    return name + rng.choice((" Province", " Province", " province"))


def _county_phrase(rng: random.Random, p: Place) -> str:
    name = rng.choice(p.variants) if p.variants and rng.random() < 0.25 else p.name
    return name + rng.choice((" county", " County")) if p.level == "county" else name


def _city_phrase(rng: random.Random, s: Story) -> str:
    name = rng.choice(s.city.variants) if s.city.variants and rng.random() < 0.2 else s.city.name
    return rng.choice((name, name, f"the city of {name}", f"{name} city"))


def _group(rng: random.Random, s: Story) -> str:
    return rng.choice(GROUPS).format(county=s.county.name, city=s.city.name)


def _source_first(rng: random.Random, s: Story) -> str:
    """First mention of the anonymous source: always by place."""
    forms = (
        lambda: f"a source in {_prov_phrase(rng, s.prov)}",
        lambda: f"a {s.city.name} source",
        lambda: f"a Daily NK source in {_prov_phrase(rng, s.prov)}",
        lambda: f"a {s.prov.name} Province-based source",
        lambda: f"a source in {s.city.name}",
        lambda: f"a source in {_county_phrase(rng, s.county)}",
    )
    return rng.choice(forms)()


_FRESH = {
    "group": _group,
    "prov_phrase": lambda r, s: _prov_phrase(r, s.prov),
    "prov_short": lambda r, s: s.prov.name,
    "city": lambda r, s: s.city.name,
    "city_phrase": _city_phrase,
    "city2": lambda r, s: r.choice(geography_for_story().cities).name,
    "county": lambda r, s: s.county.name,
    "county_phrase": lambda r, s: _county_phrase(r, s.county),
    "campaign": lambda r, s: s.campaign if r.random() < 0.85 else r.choice(s.topic["campaign"]),
    "scare": lambda r, s: r.choice(s.topic["scare"]),
    "thing": lambda r, s: r.choice(s.topic["things"]),
    "directive": lambda r, s: r.choice(s.topic["directive"]),
    "item": lambda r, s: r.choice(PRICE_ITEMS)[0],
    "item_cap": lambda r, s: r.choice(PRICE_ITEMS)[0],
    "price": lambda r, s: _money(r, 4200, 24000),
    "price2": lambda r, s: _money(r, 3000, 18000),
    "fx": lambda r, s: _money(r, 7000, 40000),
    "bribe": lambda r, s: _money(r, 50000, 900000),
    "official": lambda r, s: r.choice(s.official[1]),
    "official_short": lambda r, s: s.official[0],
    "group_cap": _group,
    "mdate": lambda r, s: f"{r.choice(MONTH_ABBR)} {r.randint(1, 28)}",
    "households": lambda r, s: f"{r.randrange(120, 9800):,}",
    "month": lambda r, s: r.choice(MONTHS),
    "when": lambda r, s: r.choice(WHEN),
}

_GEO_PATH: str | None = None  # set per process by generate(); read by the {city2} slot


def geography_for_story() -> Geography:
    return geography(_GEO_PATH)


def _q(slots: Slots) -> str:
    return random_template(slots, QUOTES)


def random_template(slots: Slots, templates: list[str]) -> str:
    return slots.rng.choice(templates).format_map(slots)


def _para_source_intro(sl: Slots, src: str) -> str:
    """The first source paragraph: attribution before or after the quote, or indirect speech."""
    r = sl.rng
    k = r.randrange(5)
    if k == 0:
        return f"“{_q(sl)},” {src} told Daily NK {r.choice(WHEN)}."
    if k == 1:
        return f"{_cap(src)} told Daily NK {r.choice(WHEN)} that {random_template(sl, CLAUSES)}."
    if k == 2:
        return f"According to {src}, {random_template(sl, CLAUSES)}. “{_q(sl)},” {r.choice(FOLLOW_ATTRIB)}."
    if k == 3:
        return f"In a phone conversation with Daily NK {r.choice(WHEN)}, {src} said: “{_q(sl)}.”"
    return f"{_cap(src)} said {r.choice(WHEN)}: “{_q(sl)}. {_q(sl)}.”"


def _para_follow(sl: Slots) -> str:
    """Later paragraphs that point back to the source: he said / the source added / bare quotes."""
    r = sl.rng
    k = r.randrange(7)
    if k == 0:
        return f"“{_q(sl)},” {r.choice(FOLLOW_ATTRIB)}."
    if k == 1:
        return f"“{_q(sl)},” {r.choice(FOLLOW_ATTRIB)}. “{_q(sl)}.”"
    if k == 2:
        return f"“{_q(sl)}.”"  # bare quote paragraph
    if k == 3:
        return f"The source added that {random_template(sl, CLAUSES)}."
    if k == 4:
        return f"He added: “{_q(sl)}.”"
    if k == 5:
        return f"“{_q(sl)}. {_q(sl)}"  # quote runs on: the next paragraph opens again
    return f"According to the source, {random_template(sl, CLAUSES)}."


def _para_second_source(sl: Slots) -> str:
    other = sl.rng.choice(geography_for_story().cities)
    return f"Another source, in {other.name}, {sl.rng.choice(('said', 'told Daily NK'))} that {random_template(sl, CLAUSES)}."


def _body(rng: random.Random, story: Story, target: int) -> list[str]:
    """Paragraphs until the body reaches about `target` characters."""
    sl = Slots(rng, story)
    paras = [random_template(sl, LEDES), _para_source_intro(sl, _source_first(rng, story))]
    size = sum(len(p) for p in paras)
    while size < target:
        roll = rng.random()
        if roll < 0.45:
            p = _para_follow(sl)
        elif roll < 0.85:
            p = random_template(sl, CONTEXT)
        elif roll < 0.93:
            p = _para_second_source(sl)
        else:
            p = _para_source_intro(sl, _source_first(rng, story))
        if p.endswith(tuple("abcdefghijklmnopqrstuvwxyz")) and paras and p.startswith("“"):
            p_next = f"“{_q(sl)},” {rng.choice(FOLLOW_ATTRIB)}."  # close the run-on quote in the next paragraph
            paras.append(p)
            p = p_next
        paras.append(p)
        size += len(p) + 2
    return paras


_ERAS = {  # publication years by family, so dates look like the family's period
    "legacy": (2005, 2013),
    "republisher": (2009, 2018),
    "dailynk": (2014, 2024),
    "aggregator": (2022, 2025),
    "teaser": (2022, 2025),
}


def _published(rng: random.Random, family: str) -> datetime:
    lo, hi = _ERAS[family]
    start = date(lo, 1, 1).toordinal()
    day = date.fromordinal(rng.randrange(start, date(hi, 12, 31).toordinal()))
    return datetime(day.year, day.month, day.day, rng.randrange(24), rng.randrange(60))


def make_story(seed: int, index: int, family: str) -> Story:
    """The story of file `index` (its original family decides the era); a pure function of its arguments."""
    rng = random.Random(seed * 1_000_003 + index * 7919 + 17)
    geo = geography_for_story()
    prov = rng.choice(geo.provinces)
    cities, counties = geo.by_province.get(prov.name, ((), ()))
    story = Story(
        title="",
        paragraphs=[],
        published=_published(rng, family),
        author=rng.choice(AUTHORS),
        straight=family == "legacy" or rng.random() < 0.25,
        has_korean=rng.random() < 0.6,
        prov=prov,
        city=rng.choice(cities or geo.cities),
        county=rng.choice(counties or cities or geo.counties),  # stay inside the province when we can
        topic=TOPICS[rng.choice(sorted(TOPICS))],
        official=rng.choice(OFFICIALS),
        campaign="",
    )
    story.campaign = rng.choice(story.topic["campaign"])
    story.title = random_template(Slots(rng, story), TITLES)
    target = int(rng.triangular(1750, 7300, 3200))
    story.paragraphs = _body(rng, story, target)
    return story


# -------------------------------------------------------------------------------------------------- renderers


def _footer_date(dt: datetime) -> str:
    """'March 3, 2025 at 06:41AM' as aggregator feeds print it."""
    h12 = dt.hour % 12 or 12
    return f"{MONTHS[dt.month - 1]} {dt.day}, {dt.year} at {h12:02d}:{dt.minute:02d}{'AM' if dt.hour < 12 else 'PM'}"


def _long_date(d: date) -> str:
    return f"{WEEKDAYS[d.weekday()]}, {MONTHS[d.month - 1]} {d.day}, {d.year}"


def _weather(rng: random.Random, captured: date) -> list[str]:
    return [f"{rng.uniform(-8, 34):.1f} C", rng.choice(WEATHER_CITIES), _long_date(captured)]


def _styled(story: Story, rng: random.Random, text: str) -> str:
    """Apply the story's quote style; a few curly captures get one straight paragraph (mixed marks)."""
    if story.straight:
        return _straight(text)
    if rng.random() < 0.1:
        parts = text.split("\n\n")
        k = rng.randrange(len(parts))
        parts[k] = _straight(parts[k])
        return "\n\n".join(parts)
    return text


def _join(rng: random.Random, paras: list[str]) -> str:
    sep = "\n\n" if rng.random() < 0.8 else "\n"
    if rng.random() < 0.2:
        sep = " " + sep  # trailing spaces, as some page-to-text tools leave them
    return sep.join(paras)


def _caption(rng: random.Random, story: Story, credit_style: str) -> str:
    text = random_template(Slots(rng, story), CAPTIONS)
    if credit_style == "image":
        return f"{text} / Image: Daily NK"
    return f"{text} ({rng.choice(('Daily NK', 'Image: Daily NK', 'Wikimedia Commons'))})"


def render_aggregator(rng: random.Random, story: Story) -> str:
    captured = story.published.date() + timedelta(days=rng.choice((0, 0, 0, 1, 2)))
    head: list[str] = []
    v = rng.random()
    if v < 0.12:
        head += ["dailynk.com", ""]
    elif v < 0.85:
        head += _weather(rng, captured) + [""]
    head += [story.title, ""]
    if rng.random() < 0.3:
        head.append(_caption(rng, story, "paren"))
    if rng.random() < 0.1:
        head.append("[ad_1]")
    body = _join(rng, story.paragraphs)
    tail: list[str] = []
    if rng.random() < 0.1:
        tail += ["[ad_2]", "Source link", ""]
    if story.has_korean:
        tail += ["Read in Korean", ""]
    tail += [_footer_date(story.published), "", "by DailyNK(North Korean Media)", "", "Most Popular Articles"]
    if rng.random() < 0.3:
        tail += rng.sample(POPULAR, 2)
    return _styled(story, rng, "\n".join(head) + "\n" + body + "\n\n" + "\n".join(tail))


def render_teaser(rng: random.Random, story: Story) -> str:
    """First lines of the story cut mid-sentence, then the feed footer."""
    text = " ".join(story.paragraphs[:3])
    cut = text.rfind(" ", 0, rng.randrange(260, 620))
    lines = [text[:cut].rstrip(",;:.") + rng.choice(("…", "…", "...")), _footer_date(story.published),
             "by DailyNK(North Korean Media)"]
    return _styled(story, rng, "\n".join(lines))


def render_republisher(rng: random.Random, story: Story) -> str:
    d = story.published
    url = f"http://www.dailynk.com/english/read.php?cataId=nk0{rng.randrange(1, 4)}{rng.randrange(10)}00&num={rng.randrange(1000, 99999)}"
    lines = [f"Home > News > {rng.choice(SECTIONS)}", f"Date : {MONTHS[d.month - 1]} {d.day}, {d.year}", story.title,
             f"   {url} [{rng.randrange(40, 9000)}]", ""]
    tail = ["", "[Source: Daily NK]", "Prev  Next"]
    return _styled(story, rng, "\n".join(lines) + _join(rng, story.paragraphs) + "\n" + "\n".join(tail))


def render_dailynk(rng: random.Random, story: Story) -> str:
    d = story.published
    lines: list[str] = []
    if rng.random() < 0.15:
        lines += _weather(rng, d.date()) + [""]
    if rng.random() < 0.4:
        tags = rng.sample(TAGS, rng.randrange(3, 7))
        lines.append(", ".join(tags) if rng.random() < 0.6 else " ".join(tags))
    if rng.random() < 0.5:
        if rng.random() < 0.4:
            lines.append(f"{story.city.name} {rng.choice(TAGS)}")  # the image's alt text, printed before the caption
        lines += [_caption(rng, story, rng.choice(("image", "paren"))), ""]
    if rng.random() < 0.8:  # otherwise the capture has no title line at all
        lines += [story.title, ""]
    if rng.random() < 0.6:
        lines += [f"{story.author}  |  {d:%Y-%m-%d %H:%M}", ""]
    tail = [""]
    if story.has_korean:
        tail.append("Read in Korean")
    if rng.random() < 0.3:
        tail.append(f"{story.author} is a Daily NK reporter covering North Korean society and the economy.")
    if rng.random() < 0.6:
        tail.append("Questions or comments about this article? Contact us at [email protected].")
    if rng.random() < 0.3:
        tail += ["Related stories", *rng.sample(POPULAR, 2)]
    return _styled(story, rng, "\n".join(lines) + _join(rng, story.paragraphs) + "\n" + "\n".join(tail))


_APOSTROPHE = re.compile(r"(?<=[A-Za-z])'(?=[a-z])")


def _lose_apostrophes(rng: random.Random, text: str) -> str:
    """Old converters turned some apostrophes into line breaks ("aren\\nt") or dropped them."""
    return _APOSTROPHE.sub(lambda m: rng.choice(("'", "'", "\n", "")), text)


def _hard_wrap(text: str, width: int) -> str:
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def render_legacy(rng: random.Random, story: Story) -> str:
    width = rng.randrange(58, 82)
    paras = [_hard_wrap(_lose_apostrophes(rng, _straight(p)), width) for p in story.paragraphs]
    head = [_straight(story.title), ""]
    if rng.random() < 0.3:
        head[1:1] = [f"By {story.author}"]
    return "\n".join(head) + "\n" + "\n\n".join(paras) + "\n"


RENDERERS = {
    "aggregator": render_aggregator,
    "teaser": render_teaser,
    "republisher": render_republisher,
    "dailynk": render_dailynk,
    "legacy": render_legacy,
}


# ------------------------------------------------------------------------------------------------- file plan


def _plan_rng(seed: int, index: int) -> random.Random:
    return random.Random(seed * 2_000_029 + index * 104_729 + 3)


def _is_duplicate(seed: int, index: int) -> bool:
    return index > 1 and _plan_rng(seed, index).random() < DUPLICATE_RATE


def _original_family(seed: int, index: int) -> str:
    rng = _plan_rng(seed, index)
    rng.random()  # the duplicate roll
    return rng.choices(FAMILIES, weights=[FAMILY_WEIGHTS[f] for f in FAMILIES])[0]


def plan_file(seed: int, index: int) -> tuple[int, str, str]:
    """(story index, story's original family, family to print it in) for file `index`.

    A duplicate re-prints an earlier original: an aggregator story comes back as its feed teaser, anything else
    as an aggregator copy, so the corpus holds the same story twice the way real collections do.
    """
    if not _is_duplicate(seed, index):
        fam = _original_family(seed, index)
        return index, fam, fam
    rng = _plan_rng(seed, index)
    j = max(1, index - 1 - rng.randrange(DUPLICATE_LOOKBACK))
    while j > 1 and _is_duplicate(seed, j):
        j -= 1
    fam = _original_family(seed, j)
    return j, fam, ("teaser" if fam == "aggregator" else "aggregator")


def render_file(seed: int, index: int) -> tuple[str, str, bool]:
    """(text, family, is_duplicate) of file `index`."""
    story_index, story_family, family = plan_file(seed, index)
    story = make_story(seed, story_index, story_family)
    rng = random.Random(seed * 3_000_017 + index * 15_485_863 + 11)
    return RENDERERS[family](rng, story), family, story_index != index


def file_name(index: int, n: int) -> str:
    return f"synth-{index:0{max(6, len(str(n)))}d}.txt"


def _write_range(args: tuple[int, int, int, int, str, str | None]) -> tuple[Counter, int, int]:
    """Worker: write files lo..hi-1; returns (family counts, duplicates, bytes)."""
    seed, lo, hi, n, out, geo_path = args
    global _GEO_PATH
    _GEO_PATH = geo_path
    families: Counter = Counter()
    dups = size = 0
    for i in range(lo, hi):
        text, fam, dup = render_file(seed, i)
        data = text.encode("utf-8")
        fd = os.open(os.path.join(out, file_name(i, n)), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, data)  # plain fd write: no buffered-file object per file
        finally:
            os.close(fd)
        families[fam] += 1
        dups += dup
        size += len(data)
    return families, dups, size


def _remove_stale(out: Path, n: int) -> None:
    """Drop synth files numbered above n from an earlier, larger run, so the folder holds exactly n."""
    for p in out.glob("synth-*.txt"):
        stem = p.stem[6:]
        if stem.isdigit() and int(stem) > n:
            p.unlink()


def generate(n: int, out: Path, seed: int = 0, workers: int | None = None, places_csv: Path | None = None) -> SynthSummary:
    """Write `n` synthetic captures `synth-000001.txt`... into `out`; identical output for the same seed."""
    start = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    _remove_stale(out, n)
    geo_path = str(places_csv) if places_csv else None
    ranges = [(seed, lo, min(lo + CHUNK, n + 1), n, str(out), geo_path) for lo in range(1, n + 1, CHUNK)]
    workers = workers or min(os.cpu_count() or 1, 8)
    if n < POOL_THRESHOLD or workers <= 1:
        results = [_write_range(r) for r in ranges]
    else:
        # spawn, not fork: the parent may hold polars' thread pool, which fork would copy half-alive.
        import multiprocessing

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            results = list(pool.map(_write_range, ranges))
    summary = SynthSummary(n=n, out=out, seed=seed)
    families: Counter = Counter()
    for fams, dups, size in results:
        families.update(fams)
        summary.duplicates += dups
        summary.total_bytes += size
    summary.families = {f: families.get(f, 0) for f in FAMILIES}
    summary.seconds = time.perf_counter() - start
    return summary


# ------------------------------------------------------------------------------------------------------- CLI


def register(app) -> None:
    """Add `synth` to the project's Typer app (cli.py calls this)."""
    import typer

    @app.command("synth")
    def synth(
        n: int = typer.Option(..., "--n", min=1, help="Number of capture files to write."),
        out: Path = typer.Option(..., "--out", help="Folder for synth-000001.txt ..."),
        seed: int = typer.Option(0, "--seed", help="Same seed, same files."),
    ) -> None:
        """Write N synthetic Daily NK-like captures (all text families, ~5% duplicates) for benchmarks."""
        s = generate(n, out, seed=seed)
        mix = ", ".join(f"{k} {v}" for k, v in s.families.items())
        typer.echo(f"wrote {s.n} files ({s.total_bytes / 1e6:.1f} MB) to {s.out} in {s.seconds:.1f} s; "
                   f"{mix}; duplicates {s.duplicates}")
