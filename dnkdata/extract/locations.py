"""Locations: one row per article × place named in the body, resolved against the gazetteer."""

from __future__ import annotations

from dataclasses import dataclass

from dnkdata.extract.text import SpanUnion
from dnkdata.gazetteer import PlaceMention


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
                      source_spans: list[tuple[int, int]]) -> list[LocationRow]:
    """Group mentions by place: the first mention gives the surface form and offset; all of them are counted.

    source_spans are the body ranges of source attributions ("a source in Hyesan"): a place inside one is a
    source location.
    """
    in_source = SpanUnion(source_spans)
    by_place: dict[str, list[PlaceMention]] = {}
    for mention in sorted(mentions, key=lambda m: m.start):
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
