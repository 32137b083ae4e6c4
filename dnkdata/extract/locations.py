"""Locations: one row per article × place named in the body, resolved against the gazetteer.

A named site whose name begins with a listed place ("Sinuiju Station", "Pyongyang General Hospital") is a
location of its own, level site, in that place's province; the gazetteer has no coordinates for it, so they are
left null. The place its name begins with is not counted as mentioned there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dnkdata import gazetteer
from dnkdata.extract.text import SpanUnion
from dnkdata.gazetteer import PlaceMention

# not "Complex": the great complexes often bear another place's name (the Rakwon Machine Complex is in Sinuiju)
SITE_NOUNS = (r"Station|Market|Mine|Factory|Hospital|Customs(?:\s+(?:House|Office))?|Stadium|Gymnasium|"
              r"Palace|College|Port|Airport|Power\s+(?:Plant|Station)|Prison")
# up to three capitalised words between the place and the site noun: "Sinuiju Cosmetics Factory",
# "Samjiyon Schoolchildren’s Palace"
SITE_TAIL = re.compile(r"(?:\s+(?:[A-Z][\w’'\-]*|No\.\s*\d+)){0,3}?\s+(?:" + SITE_NOUNS + r")\b")
# the site noun that find_places already read as the place's generic word ("Hyesan Station")
SITE_NOUN_END = re.compile(r"\s+(?:Station|Market|Mine)$")


@dataclass
class LocationRow:
    article_id: str
    place_id: str
    name: str
    level: str
    province: str | None
    country_code: str
    iso_3166_2: str | None
    lat: float | None
    lon: float | None
    mention: str
    char_start: int
    mention_count: int
    is_source_location: bool


def extract_locations(article_id: str, mentions: list[PlaceMention],
                      source_spans: list[tuple[int, int]], body: str) -> list[LocationRow]:
    """Group mentions by place: the first mention gives the surface form and offset; all of them are counted.

    source_spans are the body ranges of source attributions ("a source in Hyesan"): a place inside one is a
    source location. body: the text the mentions are in, where named sites are read.
    """
    in_source = SpanUnion(source_spans)
    by_place: dict[str, list[PlaceMention]] = {}
    for mention in sorted((_as_site(body, m) for m in mentions), key=lambda m: m.start):
        by_place.setdefault(mention.place.place_id, []).append(mention)
    rows = []
    for place_id, group in by_place.items():
        first, place = group[0], group[0].place
        rows.append(LocationRow(
            article_id=article_id, place_id=place_id, name=place.name, level=place.level,
            province=place.province, country_code=place.country_code, iso_3166_2=place.iso_3166_2,
            lat=place.lat, lon=place.lon, mention=first.surface, char_start=first.start,
            mention_count=len(group),
            is_source_location=any(m.start in in_source for m in group),
        ))
    return sorted(rows, key=lambda r: r.char_start)


def _as_site(body: str, mention: PlaceMention) -> PlaceMention:
    """The named site a mention begins, if it begins one ("Sinuiju Station"); else the mention itself."""
    place = mention.place
    if place.country_code != "KP" or place.level in ("site", "country"):
        return mention
    noun_end = SITE_NOUN_END.search(mention.surface)
    if noun_end:  # "Hyesan Station": the surface holds the site noun already
        tail_start, end = mention.start + noun_end.start(), mention.end
    elif mention.surface.endswith(place.name) or " " not in mention.surface:  # no generic word ("Sinuiju City")
        tail = SITE_TAIL.match(body, mention.end)
        if tail is None:
            return mention
        tail_start, end = mention.end, tail.end()
    else:
        return mention
    site = gazetteer.site_in(place, " ".join(body[tail_start:end].split()))
    return PlaceMention(site, mention.start, end, body[mention.start:end])
