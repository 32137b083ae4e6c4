"""Extraction: one article body → its quotes, locations, officials and prices, with offsets into the body."""

from __future__ import annotations

from datetime import date

from dnkdata import gazetteer
from dnkdata.extract.locations import extract_locations
from dnkdata.extract.officials import extract_officials
from dnkdata.extract.prices import SourceSpan, extract_prices
from dnkdata.extract.quotes import extract_quotes
from dnkdata.extract.speakers import SpeakerFinder

SPEAKER_OFFSETS = ("speaker_start", "speaker_end")


def extract_article(article_id: str, body: str, *, is_excerpt: bool = False,
                    published_date: date | None = None) -> dict[str, list[dict]]:
    """Rows for the quotes, locations, officials and prices tables (plus unresolved place spellings, for the
    report). published_date resolves "on May 25" and "as of Sunday" in prices."""
    mentions, unresolved = gazetteer.find_places(body)
    finder = SpeakerFinder(body, mentions)
    quotes = extract_quotes(article_id, body, is_excerpt=is_excerpt, finder=finder)
    source_spans = [(q.speaker_start, q.speaker_end) for q in quotes
                    if q.speaker_kind == "anonymous_source" and q.speaker_start is not None]
    source_spans += [(m.start(), m.end()) for m in finder.sources]
    locations = extract_locations(article_id, mentions, source_spans, body)
    officials = extract_officials(article_id, body, mentions)
    prices = extract_prices(article_id, body, published_date=published_date, places=mentions,
                            speakers=_quoted_sources(quotes, mentions), sentences=finder.sentences)
    return {
        "quotes": [{k: v for k, v in vars(q).items() if k not in SPEAKER_OFFSETS} for q in quotes],
        "locations": [dict(vars(row)) for row in locations],  # flat rows of immutable values: no deep copy needed
        "officials": [dict(vars(row)) for row in officials],
        "prices": [dict(vars(row)) for row in prices],
        "unresolved_places": unresolved,
    }


def _quoted_sources(quotes: list, mentions: list) -> list[SourceSpan]:
    """Each quote's span with its speaker's place (a price quoted by a source takes the source's place)."""
    by_name = {}
    for mention in mentions:
        by_name.setdefault(mention.place.name, mention.place)
    return [SourceSpan(q.char_start, q.char_end, by_name.get(q.speaker_place)) for q in quotes if q.speaker_place]
