"""pandera models: the one place a column is named, typed, constrained and described.

Validation, the data dictionary, datapackage.json and the schema fingerprint are all read from here.
Validate collected DataFrames only: a LazyFrame skips data checks (STACK.md).
"""

from __future__ import annotations

import polars as pl
import pandera.polars as pa
from pandera.api.polars.types import PolarsData

HEX16 = r"^[0-9a-f]{16}$"
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SOURCE_FORMATS = ["text", "html", "feed", "jsonl"]
QUOTE_KINDS = ["direct", "term"]
SPEAKER_KINDS = ["anonymous_source", "named_person", "state_media", "organization", "unattributed"]
ATTRIBUTIONS = ["explicit", "pronoun", "carried_over", "none"]
PLACE_LEVELS = ["country", "province", "special_city", "city", "county", "district", "town", "site", "region"]
OFFICIAL_KINDS = ["named", "group"]
PRICE_KINDS = ["current", "previous", "other"]
CURRENCIES = ["KPW", "CNY", "USD"]
DATE_SOURCES = ["text", "article_year", "article_date"]


class Articles(pa.DataFrameModel):
    """One row per distinct article: the same story captured twice is one row."""

    article_id: str = pa.Field(unique=True, str_matches=HEX16, title="Article id",
                               description="16 hex chars of sha256 over the article's identity: canonical URL if known, "
                                           "else outlet + normalised title + published date, else the normalised opening of the body.")
    outlet: str = pa.Field(title="Outlet", description="Publishing outlet; always \"Daily NK\".")
    title: str = pa.Field(nullable=True, title="Title",
                          description="Headline as printed; null when the capture carries none (never the first sentence).")
    standfirst: str = pa.Field(nullable=True, title="Standfirst",
                               description="The sub-headline (dek) under the title, when the capture has one.")
    published_date: pl.Date = pa.Field(nullable=True, title="Published date",
                                       description="The article's own publication date (never the date a page was captured).")
    published_at: pl.Datetime("us") = pa.Field(nullable=True, title="Published at",
                                               description="Date and clock time where the capture gives a time, as printed (naive).")
    published_tz: str = pa.Field(nullable=True, title="Published time zone",
                                 description="Time zone of published_at as printed in the capture; null when none is printed (never guessed).")
    byline: str = pa.Field(nullable=True, title="Byline", description="Author, when given.")
    url: str = pa.Field(nullable=True, title="URL", description="Canonical URL, when known.")
    body: str = pa.Field(title="Body", description="Article text without page chrome; paragraphs joined by a blank line.")
    paragraph_count: pl.Int64 = pa.Field(ge=0, title="Paragraphs", description="Number of paragraphs in body.")
    word_count: pl.Int64 = pa.Field(ge=0, title="Words", description="Number of whitespace-separated words in body.")
    has_korean_version: bool = pa.Field(title="Has Korean version",
                                        description="The capture links a Korean edition (\"Read in Korean\").")
    is_excerpt: bool = pa.Field(title="Is excerpt",
                                description="The capture holds only part of the story (a feed teaser, a cut-off page).")
    source_format: str = pa.Field(isin=SOURCE_FORMATS, title="Source format",
                                  description="The kind of file the article came from: text, html, feed or jsonl.")
    source_site: str = pa.Field(nullable=True, title="Source site",
                                description="The site the capture came from, when it can be told (dailynk.com, a republisher's domain).")
    source_path: str = pa.Field(title="Source path", description="Path of the raw capture, relative to the input folder.")
    source_sha256: str = pa.Field(str_matches=r"^[0-9a-f]{64}$", title="Source sha256",
                                  description="sha256 of the raw capture's bytes.")
    read_method: str = pa.Field(title="Read method",
                                description="How the reader found the body (text-rules, html-dailynk, trafilatura, ...).")
    capture_paths: pl.List(pl.String) = pa.Field(
        title="Capture paths",
        description="Every capture merged into this article (their source paths; the one the body came from first).")

    @pa.dataframe_check
    def counts_match_body(cls, data: PolarsData) -> pl.LazyFrame:
        """paragraph_count equals the number of blank-line-separated paragraphs in body."""
        # counting the separators gives what splitting would, without a copy of every body
        return data.lazyframe.select(
            pl.col("body").str.count_matches("\n\n", literal=True) + 1 == pl.col("paragraph_count"))

    class Config:
        name = "articles"
        strict = True
        description = "One row per distinct Daily NK article, with its text and provenance."


class Quotes(pa.DataFrameModel):
    """One row per quoted span in an article body."""

    quote_id: str = pa.Field(unique=True, str_matches=HEX16, title="Quote id",
                             description="Stable id: sha256 of article_id and the span's offsets.")
    article_id: str = pa.Field(str_matches=HEX16, title="Article id", description="The article (→ articles.article_id).")
    paragraph: pl.Int64 = pa.Field(ge=0, title="Paragraph", description="0-based paragraph index in body.")
    char_start: pl.Int64 = pa.Field(ge=0, title="Start", description="Offset of the first quoted character in body.")
    char_end: pl.Int64 = pa.Field(ge=0, title="End", description="Offset after the last quoted character: body[char_start:char_end] == text.")
    text: str = pa.Field(title="Text", description="The words inside the quotation marks.")
    kind: str = pa.Field(isin=QUOTE_KINDS, title="Kind",
                         description="direct (reported speech of a clause or more) or term (a quoted word or short phrase).")
    speaker: str = pa.Field(nullable=True, title="Speaker",
                            description="The attribution as written; for \"he said\" the phrase it refers back to.")
    speaker_kind: str = pa.Field(isin=SPEAKER_KINDS, title="Speaker kind",
                                 description="anonymous_source, named_person, state_media, organization or unattributed.")
    speaker_name: str = pa.Field(nullable=True, title="Speaker name",
                                 description="Canonical person name when speaker_kind is named_person.")
    speaker_place: str = pa.Field(nullable=True, title="Speaker place",
                                  description="Canonical place named in the attribution (\"a source in Hyesan\" → Hyesan).")
    attribution: str = pa.Field(isin=ATTRIBUTIONS, title="Attribution",
                                description="How the speaker was found: explicit, pronoun, carried_over or none.")

    @pa.dataframe_check
    def span_is_ordered(cls, data: PolarsData) -> pl.LazyFrame:
        """char_end - char_start equals the length of text."""
        return data.lazyframe.select((pl.col("char_end") - pl.col("char_start")) == pl.col("text").str.len_chars())

    class Config:
        name = "quotes"
        strict = True
        description = "Quoted spans in article bodies, with who said them and exact offsets."


class Places(pa.DataFrameModel):
    """The gazetteer that locations resolve to, and the named sites the locations name that it does not list."""

    place_id: str = pa.Field(unique=True, str_matches=SLUG, title="Place id",
                             description="Stable slug (kp-ryanggang-hyesan); a named site the gazetteer does not list "
                                         "extends the id of the place its name begins with (kp-ryanggang-hyesan-station).")
    name: str = pa.Field(title="Name", description="Canonical English name without generic words (Hyesan, South Hamgyong).")
    level: str = pa.Field(isin=PLACE_LEVELS, title="Level", description="Administrative level or kind of place.")
    province: str = pa.Field(nullable=True, title="Province",
                             description="Canonical province or special city that contains the place (North Korea only).")
    country_code: str = pa.Field(str_matches=r"^[A-Z]{2}$", title="Country code",
                                 description="ISO 3166-1 alpha-2; KP for North Korea; ZZ for multi-country regions.")
    iso_3166_2: str = pa.Field(nullable=True, str_matches=r"^KP-\d{2}$", title="ISO 3166-2",
                               description="ISO 3166-2:KP code of the containing province (KP-08).")
    lat: float = pa.Field(nullable=True, ge=-90, le=90, title="Latitude",
                          description="WGS84 latitude; null for a named site the gazetteer does not list.")
    lon: float = pa.Field(nullable=True, ge=-180, le=180, title="Longitude",
                          description="WGS84 longitude; null for a named site the gazetteer does not list.")
    name_variants: pl.List(pl.String) = pa.Field(title="Name variants", description="Spellings that resolve to this place.")
    name_hangul: str = pa.Field(nullable=True, title="Hangul name", description="Name in Hangul.")

    class Config:
        name = "places"
        strict = True
        description = "The gazetteer: every place a location can resolve to."


class Locations(pa.DataFrameModel):
    """One row per article × place."""

    article_id: str = pa.Field(str_matches=HEX16, title="Article id", description="The article (→ articles.article_id).")
    place_id: str = pa.Field(str_matches=SLUG, title="Place id", description="The place (→ places.place_id).")
    name: str = pa.Field(title="Name", description="Canonical name (Onchon, South Hamgyong, Hyesan).")
    level: str = pa.Field(isin=PLACE_LEVELS, title="Level", description="Level of the place.")
    province: str = pa.Field(nullable=True, title="Province", description="Canonical province or special city containing the place.")
    country_code: str = pa.Field(str_matches=r"^[A-Z]{2}$", title="Country code", description="ISO 3166-1 alpha-2: KP for North Korea.")
    iso_3166_2: str = pa.Field(nullable=True, title="ISO 3166-2", description="ISO 3166-2:KP code of the province (KP-08).")
    lat: float = pa.Field(nullable=True, ge=-90, le=90, title="Latitude",
                          description="WGS84 latitude; null for a named site the gazetteer does not list.")
    lon: float = pa.Field(nullable=True, ge=-180, le=180, title="Longitude",
                          description="WGS84 longitude; null for a named site the gazetteer does not list.")
    mention: str = pa.Field(title="Mention", description="First surface form in the body.")
    char_start: pl.Int64 = pa.Field(ge=0, title="Start", description="Offset of the first mention in body.")
    mention_count: pl.Int64 = pa.Field(ge=1, title="Mentions", description="Number of mentions in the body.")
    is_source_location: bool = pa.Field(title="Is source location", description="Named in a source attribution.")

    class Config:
        name = "locations"
        strict = True
        unique = ["article_id", "place_id"]
        description = "Places named in each article body, resolved against the gazetteer."


class Officials(pa.DataFrameModel):
    """One row per article × official (a named office-holder or an unnamed group)."""

    official_id: str = pa.Field(unique=True, str_matches=HEX16, title="Official id",
                                description="Stable id: sha256 of article_id, kind and the person_id or normalised role phrase.")
    article_id: str = pa.Field(str_matches=HEX16, title="Article id", description="The article (→ articles.article_id).")
    kind: str = pa.Field(isin=OFFICIAL_KINDS, title="Kind",
                         description="named (a named office-holder) or group (an unnamed role: \"farm inspectors\").")
    name: str = pa.Field(nullable=True, title="Name", description="Canonical full name for named officials.")
    person_id: str = pa.Field(nullable=True, str_matches=SLUG, title="Person id",
                              description="Stable slug for a named person across articles (kim-jong-un).")
    role: str = pa.Field(nullable=True, title="Role", description="Title or role as stated.")
    organization: str = pa.Field(nullable=True, title="Organization",
                                 description="Body named with it (Onchon county party committee).")
    place: str = pa.Field(nullable=True, title="Place", description="Canonical place tied to it.")
    mention: str = pa.Field(title="Mention", description="First surface form in the body.")
    char_start: pl.Int64 = pa.Field(ge=0, title="Start", description="Offset of the first mention in body.")
    mention_count: pl.Int64 = pa.Field(ge=1, title="Mentions", description="Number of mentions in the body.")

    class Config:
        name = "officials"
        strict = True
        description = "Named office-holders and unnamed official groups in each article."


class Prices(pa.DataFrameModel):
    """One row per price observation stated in an article body (prose or a price table inside the body)."""

    price_id: str = pa.Field(unique=True, str_matches=HEX16, title="Price id",
                             description="Stable id: sha256 of article_id and the mention's offsets.")
    article_id: str = pa.Field(str_matches=HEX16, title="Article id", description="The article (→ articles.article_id).")
    item: str = pa.Field(str_matches=r"^[a-z][a-z ]*$", title="Item",
                         description="Canonical lowercase singular item: rice, corn, pork, diesel; usd and cny for "
                                     "exchange rates; bribe, wage, fine, fee for money that is not a market price.")
    value: float = pa.Field(ge=0, title="Value", description="The price as printed (the low end of a range).")
    value_high: float = pa.Field(nullable=True, ge=0, title="High value",
                                 description="The high end when the text gives a range (\"4,800 to 5,000 won\").")
    currency: str = pa.Field(isin=CURRENCIES, title="Currency",
                             description="KPW (North Korean won: \"won\" unless yuan or dollars are said), CNY or USD.")
    unit: str = pa.Field(nullable=True, title="Unit",
                         description="What the price buys, as printed (kg, l, g, \"200 g\"); for an exchange rate the "
                                     "foreign unit (usd, cny): 1 usd = value KPW.")
    place: str = pa.Field(nullable=True, title="Place",
                          description="Canonical North Korean place of observation: named with the price, else the "
                                      "place of the source quoted; null when the text ties it to none.")
    place_id: str = pa.Field(nullable=True, str_matches=SLUG, title="Place id", description="The place (→ places.place_id).")
    observed_date: pl.Date = pa.Field(nullable=True, title="Observed date",
                                      description="Date of the observation when the text gives the day; never guessed.")
    observed_date_source: str = pa.Field(nullable=True, isin=DATE_SOURCES, title="Observed date source",
                                         description="text (the text gives the full date), article_year (month and day "
                                                     "in the text, year from the article date) or article_date (\"as "
                                                     "of Sunday\", \"the 27th\": resolved against the article date).")
    kind: str = pa.Field(isin=PRICE_KINDS, title="Kind",
                         description="current, previous (a comparison price: \"up from 9,000 won\") or other (wages, "
                                     "fines, bribes, fees, state prices).")
    mention: str = pa.Field(title="Mention", description="The span of the body that states the price.")
    char_start: pl.Int64 = pa.Field(ge=0, title="Start", description="Offset of the mention in body.")
    char_end: pl.Int64 = pa.Field(ge=0, title="End", description="Offset after the mention: body[char_start:char_end] == mention.")

    @pa.dataframe_check
    def span_matches_mention(cls, data: PolarsData) -> pl.LazyFrame:
        """char_end - char_start equals the length of mention."""
        return data.lazyframe.select((pl.col("char_end") - pl.col("char_start")) == pl.col("mention").str.len_chars())

    @pa.dataframe_check
    def range_is_ordered(cls, data: PolarsData) -> pl.LazyFrame:
        """value_high, when given, is not below value."""
        return data.lazyframe.select(pl.col("value_high").is_null() | (pl.col("value_high") >= pl.col("value")))

    @pa.dataframe_check
    def date_has_source(cls, data: PolarsData) -> pl.LazyFrame:
        """observed_date_source is given exactly when observed_date is."""
        return data.lazyframe.select(pl.col("observed_date").is_null() == pl.col("observed_date_source").is_null())

    class Config:
        name = "prices"
        strict = True
        description = "Market prices, exchange rates and other sums of money stated in article bodies, with offsets."


TABLES: dict[str, type[pa.DataFrameModel]] = {
    "articles": Articles,
    "quotes": Quotes,
    "locations": Locations,
    "officials": Officials,
    "places": Places,
    "prices": Prices,
}
PRIMARY_KEYS = {
    "articles": ["article_id"],
    "quotes": ["quote_id"],
    "locations": ["article_id", "place_id"],
    "officials": ["official_id"],
    "places": ["place_id"],
    "prices": ["price_id"],
}
FOREIGN_KEYS = {
    "quotes": [("article_id", "articles", "article_id")],
    "locations": [("article_id", "articles", "article_id"), ("place_id", "places", "place_id")],
    "officials": [("article_id", "articles", "article_id")],
    "prices": [("article_id", "articles", "article_id"), ("place_id", "places", "place_id")],
}


def polars_schema(table: str) -> dict[str, pl.DataType]:
    """Column name → polars dtype, in contract order, for building empty or typed frames."""
    return {name: col.dtype.type for name, col in TABLES[table].to_schema().columns.items()}
