"""Helpers shared by the HTML, feed and JSON Lines readers: dates as printed, and site names from URLs.

Dates keep the clock time as printed and the time zone as printed: a reader never converts to UTC and never
assumes a zone the capture does not state.
"""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit


@dataclass(frozen=True)
class PrintedDate:
    """A publication date as the capture printed it; `at` is naive, `tz` is the zone text or None."""

    day: date
    at: datetime | None = None
    tz: str | None = None


_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")
_ISO_ZONE = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")
_NAMED_ZONE = re.compile(r"^[A-Z]{1,5}$")
_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
_MONTH_RE = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_ZONE_RE = r"(?:\s*\(?(KST|UTC|GMT|Z|[+-]\d{2}:?\d{2})\)?)?"
_TIME_RE = r"(?:,?\s*(?:at\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp]\.?[Mm]\.?)?" + _ZONE_RE + ")?"
_NUMERIC_DATE = re.compile(r"\b(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?" + _ZONE_RE + ")?")
_MONTH_FIRST = re.compile(r"\b" + _MONTH_RE + r"\s+(\d{1,2}),?\s+(\d{4})" + _TIME_RE, re.IGNORECASE)
_DAY_FIRST = re.compile(r"\b(\d{1,2})\s+" + _MONTH_RE + r",?\s+(\d{4})" + _TIME_RE, re.IGNORECASE)


def normalize_zone(text: str | None) -> str | None:
    """Numeric offsets become ±HH:MM ("Z" is +00:00); named zones (KST, GMT) stay as printed."""
    if not text:
        return None
    text = text.strip()
    if text == "Z":
        return "+00:00"
    m = _OFFSET.match(text)
    if m:
        return f"{m.group(1)}{m.group(2)}:{m.group(3)}"
    return text if _NAMED_ZONE.match(text) else None


def parse_iso(text: str | None) -> PrintedDate | None:
    """ISO 8601 date or date-time ("2024-03-05", "2024-03-05T14:20:00+09:00"), or None."""
    if not text:
        return None
    text = text.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if len(text) <= 10:  # date only: no clock time was printed
        return PrintedDate(parsed.date())
    zone = _ISO_ZONE.search(text)
    return PrintedDate(parsed.date(), parsed.replace(tzinfo=None), normalize_zone(zone.group(1) if zone else None))


def parse_rfc822(text: str | None) -> PrintedDate | None:
    """RFC 822 feed date ("Tue, 05 Mar 2024 14:20:00 +0900"), clock time as printed, zone as printed."""
    if not text:
        return None
    parts = email.utils.parsedate_tz(text.strip())
    if not parts:
        return None
    try:
        at = datetime(*parts[:6])
    except ValueError:
        return None
    last = text.strip().split()[-1]
    zone = normalize_zone(last) if (_OFFSET.match(last) or _NAMED_ZONE.match(last)) else None
    return PrintedDate(at.date(), at, zone)


def parse_any(text: str | None) -> PrintedDate | None:
    """ISO first, then RFC 822, then a date printed in running text."""
    return parse_iso(text) or parse_rfc822(text) or parse_visible(text)


def parse_visible(text: str | None) -> PrintedDate | None:
    """Find a date printed in page text: "2014-07-25 18:10", "July 25, 2014 6:10 PM KST", "25 July 2014"."""
    if not text:
        return None
    m = _NUMERIC_DATE.search(text)
    if m:
        return _build(int(m[1]), int(m[2]), int(m[3]), m[4], m[5], m[6], None, m[7])
    m = _MONTH_FIRST.search(text)
    if m:
        return _build(int(m[3]), _MONTHS[m[1].lower()], int(m[2]), m[4], m[5], m[6], m[7], m[8])
    m = _DAY_FIRST.search(text)
    if m:
        return _build(int(m[3]), _MONTHS[m[2].lower()], int(m[1]), m[4], m[5], m[6], m[7], m[8])
    return None


def _build(y, mo, d, hh, mm, ss, ampm, zone) -> PrintedDate | None:
    try:
        day = date(y, mo, d)
    except ValueError:
        return None
    if hh is None:
        return PrintedDate(day)
    hour = int(hh)
    if ampm:
        pm = ampm.lower().startswith("p")
        hour = hour % 12 + (12 if pm else 0)
    try:
        at = datetime(y, mo, d, hour, int(mm), int(ss or 0))
    except ValueError:
        return PrintedDate(day)
    return PrintedDate(day, at, normalize_zone(zone))


def site_of(url: str | None) -> str | None:
    """The site a URL belongs to, without "www." ("https://www.dailynk.com/english/x" -> "dailynk.com")."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def is_dailynk(site: str | None) -> bool:
    return bool(site) and (site == "dailynk.com" or site.endswith(".dailynk.com"))
