"""Plain-text captures (aggregator pages, feed teasers, republisher boards, dailynk.com page text, legacy pages).

Parts are found by their signals (a weather line, a footer date, a caption credit), not by position in a
template; a part that is missing leaves its field None. See ../shared/FORMATS.md for the families.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from dnkdata.extract.text import MONTH_NAMES, WEEKDAY_NAMES, trie_pattern
from dnkdata.model import ParsedArticle

MONTHS = "|".join(MONTH_NAMES)
MONTH_ABBR = r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
WEEKDAYS = "|".join(WEEKDAY_NAMES)

WEATHER = re.compile(r"^-?\d{1,2}(?:\.\d)?\s*°?\s*[CF]$")
CAPTURE_DATE = re.compile(rf"^(?:{WEEKDAYS}),\s+(?:{MONTHS})\s+\d{{1,2}},\s+\d{{4}}$")
# a blog post's own date above its text: "Monday, January 28th, 2019" (the ordinal tells it from a capture date),
# "15 January 2026"
POST_DATE = re.compile(rf"^(?:(?:{WEEKDAYS}),\s+)?(?:(?P<month>{MONTHS})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th),"
                       rf"|(?P<day2>\d{{1,2}})\s+(?P<month2>{MONTHS}))\s+(?P<year>\d{{4}})$")
SHORT_LINE = 100  # characters: an outlet, author, date or archive line is shorter; a story's lines are longer
OUTLET_LINE = re.compile(r"^(?:The\s+)?Daily\s*NK$")  # the outlet's name alone, above the authors
ARCHIVE_LINE = re.compile(r"^Archive for the .{1,60} Category$")  # a blog's category page heading
# an embedded tweet: its text with a "pic.twitter.com" link, and its "— Daily NK (@handle) January 2, 2018" line
TWEET_LINE = re.compile(r"pic\.twitter\.com/|^[—–-]\s.{1,60}\(@\w+\)")
FOOTER_DATE = re.compile(rf"^((?:{MONTHS})\s+\d{{1,2}},\s+\d{{4}})(?:\s+at\s+(\d{{1,2}}:\d{{2}})\s*([AP]M))?$", re.I)
# A board's or blog's date field: "Date : March 25, 2021", "date 2019-03-14 By: <author>"; an empty "Date:" label
BOARD_DATE = re.compile(rf"^Date\s*(?::\s*|\s+(?=\d{{4}}))((?:{MONTHS})\s+\d{{1,2}},\s+\d{{4}}|\d{{4}}[-./]\d{{1,2}}[-./]\d{{1,2}})"
                        r"(?:\s+By:?\s+(?P<author>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,4}))?|^Date\s*:$", re.I)
# a share or comment counter under a headline: a bare number on its own line
COUNTER = re.compile(r"^\d{1,5}$")
# "Jane Roe | 2014-07-25 18:10"; two authors: "Jane Roe; John Doe | …"
BYLINE = re.compile(r"^(?P<name>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,4}(?:;\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,4})?)"
                    r"\s+\|\s+(?P<date>\d{4}-\d{2}-\d{2})(?:\s+(?P<time>\d{1,2}:\d{2}))?$")
BYLINE_BY = re.compile(r"^By\s+(?P<name>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,4})"
                       r"(?:,\s+Daily\s*NK\b[^,]{0,30})?"  # "By Jane Roe, Daily NK (S.Korea)"
                       r"(?:\s+[-–|]\s+(?P<date>\d{4}[.-]\d{1,2}[.-]\d{1,2})(?:\s+(?P<time>\d{1,2}:\d{2})\s*(?P<ampm>[ap]m)?)?)?$",
                       re.I)
SECTION_LINE = re.compile(r"^(?:News|Economy|Politics|Society|North Korea|International|Opinion|Analysis|Features?|"
                          r"Human Rights|Military|Business|Culture|Defectors?|Markets?|Interviews?|Columns?|"
                          r"NK Economy|NK Politics|NK Society|Special Reports?|Featured(?: News)?|Top Stories|"
                          r"Latest News|Breaking News)$", re.I)
SECTION_WORD = re.compile(r"^[A-Z][a-z]+$")  # a headline has three words or more
FEED_LABEL = re.compile(r"^by\s+Daily\s*NK\b", re.I)
SITE_LINE = re.compile(r"^(?:https?://)?(?:www\.)?((?:[a-z0-9-]+\.)+(?:com|net|org|kr|co|info|top|news|io|uk|us))/?$", re.I)
URL_LINE = re.compile(r"^(https?://\S+?)(?:\s+\[\d[\d,]*\])?$")
BREADCRUMB = re.compile(r"^Home\s*>\s*\S")  # "Home > News > …"
BREADCRUMB_END = re.compile(r"^[A-Z][\w ]{0,30}>$")  # a trail's last part left on its own line: "Issue >"
AD_MARKER = re.compile(r"^\[ad_\d+\]$|^Source link$", re.I)
# A blog's lead-in to a reposted story ("According to the Daily NK:", "From the Daily NK:")
REPOST_LEAD = re.compile(r"^(?:According to|From|Via|Here is|Here's)\s+(?:the\s+)?Daily\s*NK\s*:$"
                         r"|^(?:The )?Daily NK:$", re.I)
SOURCE_NOTE = re.compile(r"^\[Source:\s*[^\]]+\]$", re.I)
PREV_NEXT = re.compile(r"^Prev\s+Next$", re.I)
KOREAN_LINK = re.compile(r"^Read (?:this )?in Korean\.?$", re.I)
# The first words of a sidebar or trailer line; everything from it on is chrome
TRAILER_PHRASES = ("Most Popular Articles", "Related Articles", "Related Stories", "Related News", "Recommended",
                   "More from Daily NK", "Questions or comments about this article?",
                   "Daily NK works with a network of sources", "The Daily NK works with a network of sources",
                   "Please direct any comments or questions about this article",
                   "Please send any comments or questions about this article", "*Translated by",
                   "Print Friendly, PDF & Email", "Read the full story here", "Read the full article here",
                   "Comments are closed", "Continue reading")
# one branch per letter (a trie), not every phrase tried at every line start: the text is searched for them whole
TRAILER_START = "(?:" + trie_pattern(TRAILER_PHRASES) + r")(?!\w)"
END_OF_STORY = re.compile("^" + TRAILER_START, re.I)
CAPTION_CREDIT = re.compile(
    # "/ Image: Daily NK", "/Photo from <agency>", "/Photo = <agency>"
    r"(?:/\s*(?:Image|Photo|Graphic)(?::|\s*=|\s+from\b)\s*[^/]+"
    r"|(?:^|[.!?]\s+)(?:Image|Photo|Photograph)(?:\s+\([^()]{1,30}\))?:\s*[^.:]{2,80}"  # ". Image: <agency>"
    r"|\((?:[^()]*(?:Daily NK|Commons|Yonhap|KCNA|Rodong|Reuters|AP|AFP|Getty|"
    r"Google|Photo|Image|Credit|Courtesy|News ?1|Shutterstock|Planet|Maxar)[^()]*)\))\s*$")
CAPTION_START = re.compile(r"^(?:FILE PHOTO:|Image:|Photo:|Graphic:|Illustration:|\(Photo|!\[)", re.I)  # ![…](…): an image
MAX_CAPTION = 600  # characters: a caption quoting state media at length runs past 400
# A wire photo's credit ("(<paper>-News1)"): a caption even when it opens with the quote it shows
WIRE_PHOTO_CREDIT = re.compile(r"\([^()]+-News1\)\s*$")
# The old site's image slot ("[imText1]"), left in the text where the picture was
IMAGE_SLOT = re.compile(r"\[imText\d*\]")
TABLE_ROW = re.compile(r"^\|.*\|$")
TERMINAL = re.compile(r"[.!?…:;\"”’']\)?$")
# how a sentence, not a headline, ends: a headline may end with a quoted phrase ("… stymie ‘chain defections’")
HEADLINE_STOP = re.compile(r"[.!?…:;][\"”’']?\)?$")
# an author's name alone on a line under the headline ("Jane Roe")
NAME_LINE = re.compile(r"^[A-Z][a-z]+(?:[ -][A-Z][a-z]+){1,2}(?:,\s+[A-Z][a-z]+(?:[ -][A-Z][a-z]+){1,2})*$")
CONTRACTION_TAIL = re.compile(r"^(?:t|s|ll|re|ve|d|m)\b")
DANGLING_OPENER = re.compile(r"\s+[\[(“‘\"]$")
OPENING_MARKS = ("[", "(", "“", "‘", '"')
ELLIPSIS_END = re.compile(r"(?:…|\.\.\.)\s*$")


def _any_of(*patterns: re.Pattern) -> re.Pattern:
    """One pattern that matches where any of the given ones matches; each keeps its own case flag.

    Group names are dropped (two patterns may share one); only whether it matches is used.
    """
    bodies = [re.sub(r"\(\?P<\w+>", "(?:", p.pattern) for p in patterns]
    parts = [f"(?i:{b})" if p.flags & re.I else f"(?:{b})" for p, b in zip(patterns, bodies)]
    return re.compile("|".join(parts))


# The rules of _read_field_line in one pattern: most lines it is asked about are none of them.
FIELD_LINE = _any_of(CAPTURE_DATE, BREADCRUMB, BREADCRUMB_END, AD_MARKER, REPOST_LEAD, PREV_NEXT, KOREAN_LINK,
                     FEED_LABEL, SOURCE_NOTE, FOOTER_DATE, BOARD_DATE, BYLINE_BY, BYLINE, URL_LINE)
# A line none of these can match at its start is not chrome (below the header, where only they apply): one
# match call per story line instead of a dozen. BYLINE is left out: it backtracks over every capitalised story
# line, and its " | " separator is a cheaper test (see _chrome_candidates).
CHROME_START = _any_of(CAPTURE_DATE, BREADCRUMB, AD_MARKER, REPOST_LEAD, PREV_NEXT, KOREAN_LINK, FEED_LABEL,
                       SOURCE_NOTE, FOOTER_DATE, BOARD_DATE, BYLINE_BY, URL_LINE, WEATHER, CAPTION_START)
# Where a sidebar or contact trailer could start a line after the first: a whole-text check before testing each
# line. It starts at the newline, not at "^" in MULTILINE mode, so the regex engine can skip ahead to newlines.
END_OF_STORY_AFTER_NEWLINE = re.compile(r"\n[^\S\n]*" + TRAILER_START, re.I)
SENTENCE_STARTERS = {"The", "A", "An", "This", "These", "Those", "Some", "Many", "Authorities", "Residents", "Officials",
                     "Sources", "It", "In", "With", "Despite", "North", "Local"}


@dataclass
class _Header:
    """What the chrome lines told us."""

    published_date: date | None = None
    published_at: datetime | None = None
    byline: str | None = None
    url: str | None = None
    source_site: str | None = None
    has_korean_version: bool = False
    saw_trailer: bool = False  # a footer, feed label or sidebar: the capture reached the end of the story
    chrome_lines: set[int] = field(default_factory=set)


def parse_text(text: str, source_format: str = "text") -> ParsedArticle:
    """Turn one plain-text capture into an article record (body without chrome, fields it states)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "[imText" in text:
        text = IMAGE_SLOT.sub("", text)
    lines = [line.strip() for line in text.split("\n")]  # every rule below reads lines stripped
    lines, reached_sidebar = _cut_sidebar(lines, text)
    header = _scan_chrome(lines)
    header.saw_trailer = header.saw_trailer or reached_sidebar
    blocks = _blocks(lines, header.chrome_lines)
    title, standfirst, blocks = _split_title(blocks)
    paragraphs = _paragraphs(blocks)
    truncated = not header.saw_trailer and bool(paragraphs) and not TERMINAL.search(paragraphs[-1])
    if truncated and len(paragraphs) > 1 and _looks_like_cut_caption(paragraphs[-1]):
        paragraphs = paragraphs[:-1]
    if len(paragraphs) > 1 and paragraphs[-1] in OPENING_MARKS:
        paragraphs.pop()  # the capture stopped right after the opening mark of the next paragraph's quote
    if truncated and paragraphs:
        paragraphs[-1] = DANGLING_OPENER.sub("", paragraphs[-1])
    while len(paragraphs) > 1 and _is_author_note(paragraphs[-1], header.byline):
        paragraphs.pop()  # "… face a [" cut before the bracket closed
    teaser = bool(paragraphs) and bool(ELLIPSIS_END.search(paragraphs[-1])) and header.saw_trailer
    return ParsedArticle(
        body="\n\n".join(paragraphs),
        source_format=source_format,
        title=title,
        standfirst=standfirst,
        published_date=header.published_date,
        published_at=header.published_at,
        byline=header.byline,
        url=header.url,
        has_korean_version=header.has_korean_version,
        is_excerpt=teaser or truncated,
        source_site=header.source_site,
        read_method="text-rules",
    )


def _cut_sidebar(lines: list[str], text: str) -> tuple[list[str], bool]:
    """Everything from a sidebar or contact trailer on is page chrome; True when one was found.

    lines are text's lines, stripped. One search of the whole text finds the first line that may start a trailer;
    lines above it cannot.
    """
    if END_OF_STORY.match(lines[0]):
        return [], True
    candidate = END_OF_STORY_AFTER_NEWLINE.search(text)
    if not candidate:
        return lines, False
    for i in range(text.count("\n", 0, candidate.start()) + 1, len(lines)):
        if END_OF_STORY.match(lines[i]):
            return lines[:i], True
    return lines, False


def _scan_chrome(lines: list[str]) -> _Header:
    """Mark chrome lines (lines stripped) and read the fields they carry."""
    header = _Header()
    first_content = next((i for i, line in enumerate(lines) if line and not AD_MARKER.match(line)), 0)
    for i in _chrome_candidates(lines, first_content + 6):
        line = lines[i]
        if _read_field_line(line, header):
            header.chrome_lines.add(i)
        elif i <= first_content + 2 and _is_tag_list(line):
            header.chrome_lines.add(i)
        elif WEATHER.match(line):
            header.chrome_lines.add(i)
            _mark_widget_city(lines, i, header)
        elif i == first_content and SITE_LINE.match(line):
            header.source_site = SITE_LINE.match(line).group(1).lower()
            header.chrome_lines.add(i)
        elif _is_caption(lines, i):
            header.chrome_lines.add(i)
            _mark_alt_text(lines, i, header)
        elif TABLE_ROW.match(line) and i <= first_content + 6:
            header.chrome_lines.add(i)  # a site's price ticker above the story
        elif i <= first_content + 6 and COUNTER.match(line):
            header.chrome_lines.add(i)
        elif i <= first_content + 2 and SECTION_LINE.match(line):
            header.chrome_lines.add(i)  # the site's section label above the headline
        elif i == first_content and _is_tag_line(line):
            header.chrome_lines.add(i)
        elif i == first_content and SECTION_WORD.match(line) and _next_content(lines, i) is not None:
            header.chrome_lines.add(i)  # a one-word section label above the headline ("Currency")
        elif ("pic.twitter.com/" in line or "(@" in line) and TWEET_LINE.search(line):
            header.chrome_lines.add(i)  # an embedded tweet
        elif len(line) <= SHORT_LINE and i <= first_content + 6 and _read_short_header_line(lines, i, first_content,
                                                                                              header):
            header.chrome_lines.add(i)
    return header


def _read_short_header_line(lines: list[str], i: int, first_content: int, header: _Header) -> bool:
    """Short lines near the top that are chrome (True): the outlet's name, a blog's category heading, a post's own
    date and the author's name alone under the headline, whose fields are read."""
    line = lines[i]
    if OUTLET_LINE.match(line) or ARCHIVE_LINE.match(line):
        return True
    if m := POST_DATE.match(line):
        month, day = m.group("month") or m.group("month2"), m.group("day") or m.group("day2")
        _set_date(header, f"{month} {day}, {m.group('year')}", None, None)
        return True
    if i > first_content and NAME_LINE.match(line) and not SECTION_LINE.match(line) \
            and _next_content(lines, i) is not None and _under_headline(lines, first_content, i, header):
        header.byline = header.byline or line
        return True
    return False


def _under_headline(lines: list[str], first_content: int, i: int, header: _Header) -> bool:
    """Whether line i comes right under the first line that is not chrome (the headline), with only blank or
    chrome lines between."""
    above = [j for j in range(first_content, i) if lines[j] and j not in header.chrome_lines]
    return len(above) == 1


def _chrome_candidates(lines: list[str], header_end: int) -> list[int]:
    """Indexes of the non-blank lines a chrome rule may take: all up to header_end, below it only lines that pass
    a cheap test (a chrome line's start, a byline's "|", a caption credit's closing parenthesis, "Image" or
    "Photo", or a breadcrumb's closing ">")."""
    return [i for i, line in enumerate(lines)
            if line and (i <= header_end or CHROME_START.match(line) or "|" in line
                         or line[-1] in ")>" or "Image" in line or "Photo" in line)]


def _read_field_line(line: str, header: _Header) -> bool:
    """Lines that are chrome and carry a field; True when the line was one of them."""
    if not FIELD_LINE.match(line):
        return False
    if (CAPTURE_DATE.match(line) or BREADCRUMB.match(line) or BREADCRUMB_END.match(line) or AD_MARKER.match(line)
            or REPOST_LEAD.match(line) or PREV_NEXT.match(line)):
        return True
    if KOREAN_LINK.match(line):
        header.has_korean_version = True
        header.saw_trailer = True
        return True
    if FEED_LABEL.match(line) or SOURCE_NOTE.match(line):
        header.saw_trailer = True
        if SOURCE_NOTE.match(line) and "daily nk" in line.lower():
            header.source_site = header.source_site or "dailynk.com"
        return True
    if m := FOOTER_DATE.match(line):
        _set_date(header, m.group(1), m.group(2), m.group(3))
        header.saw_trailer = True
        return True
    if m := BOARD_DATE.match(line):
        if m.group(1):
            _set_date(header, m.group(1), None, None)
        header.byline = header.byline or m.group("author")
        return True
    if (m := BYLINE_BY.match(line)) and not FEED_LABEL.match(line):
        header.byline = m.group("name")
        if m.group("date"):
            day = date.fromisoformat("-".join(part.zfill(2) for part in re.split(r"[.-]", m.group("date"))))
            header.published_date = day
            if m.group("time"):
                _set_date(header, day.strftime("%B %d, %Y"), m.group("time"), m.group("ampm"))
        return True
    if m := BYLINE.match(line):
        header.byline = m.group("name")
        header.published_date = date.fromisoformat(m.group("date"))
        if m.group("time"):
            header.published_at = datetime.fromisoformat(f"{m.group('date')} {m.group('time').zfill(5)}")
        return True
    if m := URL_LINE.match(line):
        header.url = header.url or m.group(1)
        if "dailynk.com" in m.group(1):
            header.source_site = header.source_site or "dailynk.com"
        return True
    return False


def _set_date(header: _Header, day_text: str, clock: str | None, meridiem: str | None) -> None:
    day = _parse_day(day_text)
    if day is None:
        return
    header.published_date = day
    if clock:
        hour, minute = (int(x) for x in clock.split(":"))
        if meridiem and meridiem.upper() == "PM" and hour < 12:
            hour += 12
        if meridiem and meridiem.upper() == "AM" and hour == 12:
            hour = 0
        header.published_at = datetime(day.year, day.month, day.day, hour, minute)


def _parse_day(text: str) -> date | None:
    for fmt in ("%B %d, %Y", "%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d"):
        try:
            return datetime.strptime(re.sub(r"\s+", " ", text.strip()), fmt).date()
        except ValueError:
            continue
    return None


def _mark_widget_city(lines: list[str], i: int, header: _Header) -> None:
    """The line after a temperature is the weather widget's city: chrome, never a location."""
    j = _next_content(lines, i)
    if j is not None and len(lines[j].split()) <= 3 and not TERMINAL.search(lines[j].strip()):
        header.chrome_lines.add(j)


def _next_content(lines: list[str], i: int) -> int | None:
    return next((j for j in range(i + 1, len(lines)) if lines[j].strip()), None)


def _is_caption(lines: list[str], i: int) -> bool:
    line = lines[i].strip()
    if CAPTION_START.match(line):
        return True
    if WIRE_PHOTO_CREDIT.search(line):
        return len(line) < MAX_CAPTION
    return bool(CAPTION_CREDIT.search(line)) and len(line) < MAX_CAPTION and not line.startswith(("“", '"'))


def _mark_alt_text(lines: list[str], i: int, header: _Header) -> None:
    """An image's alt or keyword text sits on the line right above its caption, with no blank line between."""
    j = i - 1
    above = lines[j].strip() if j >= 0 else ""
    if not above:
        return
    # keywords (no sentence punctuation), or the caption's own words repeated as the image's alt text
    if (not TERMINAL.search(above) and len(above.split()) <= 30) or lines[i].strip().startswith(above.rstrip(".!?")):
        header.chrome_lines.add(j)


def _is_tag_list(line: str) -> bool:
    """"border, china, smuggling" / "North Korea, military, conscription": three or more short items."""
    items = [item.strip() for item in line.split(",")]
    return (len(items) >= 3 and all(0 < len(item.split()) <= 3 for item in items)
            and not TERMINAL.search(line) and not any(c in line for c in "“”\""))


def _is_tag_line(line: str) -> bool:
    """A keyword line atop dailynk.com text: lowercase words (often comma-separated), no sentence punctuation."""
    words = line.replace(",", " ").split()
    return len(words) >= 3 and line == line.lower() and not TERMINAL.search(line)


def _blocks(lines: list[str], chrome: set[int]) -> list[list[str]]:
    """Group non-chrome lines (stripped) into blank-line-separated blocks; chrome lines also separate blocks."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for i, line in enumerate(lines):
        if not line or i in chrome:
            if current:
                blocks.append(current)
                current = []
            continue
        current.append(line)
    if current:
        blocks.append(current)
    return blocks


def _split_title(blocks: list[list[str]]) -> tuple[str | None, str | None, list[list[str]]]:
    """A headline is a short first line without sentence punctuation that stands alone above the body."""
    if len(blocks) < 2 and not (blocks and len(blocks[0]) > 1):
        return None, None, blocks
    first = blocks[0]
    head = first[0]
    if (HEADLINE_STOP.search(head) and not _title_case_question(head)) or len(head.split()) > 40 \
            or len(head.split()) < 3:
        return None, None, blocks
    title, standfirst = _split_run_together(head)
    if len(first) > 1 and not _stands_above(title, first[1]):
        return None, None, blocks  # the first line of a hard-wrapped lede, not a headline
    rest = ([first[1:]] if len(first) > 1 else []) + blocks[1:]
    if standfirst is None and rest and len(rest[0]) == 1 and _is_standfirst(rest[0][0]):
        standfirst = rest[0][0]
        rest = rest[1:]
    if not rest:
        return None, None, blocks
    return title, standfirst, rest


def _title_case_question(line: str) -> bool:
    """"Fuel Prices Climb Again… Where Will They Stop?": a question in title case is a headline, not a lede asking one
    (every word of four letters or more capitalised)."""
    long_words = [w for w in line.split() if len(w.strip("‘’“”\"'…?,")) >= 4]
    return line.endswith("?") and len(long_words) >= 3 and all(w[:1].isupper() for w in long_words)


FUNCTION_WORD_END = re.compile(r"\b(?:a|an|the|of|in|on|at|to|for|from|with|by|and|or|but|that|as|its|their|"
                               r"his|her|has|have|had|is|are|was|were)$|[,\-–—]$", re.I)


def _stands_above(head: str, next_line: str) -> bool:
    """A headline saved without a blank line under it: short, ends on a content word, body starts anew."""
    return (len(head.split()) <= 16 and not FUNCTION_WORD_END.search(head)
            and (next_line[:1].isupper() or next_line[:1] in "“\"‘'"))


def _split_run_together(line: str) -> tuple[str, str | None]:
    """Headline and dek saved on one line ("…birthday The authorities reportedly…"): split at the dek's first word."""
    words = line.split(" ")
    if len(words) <= 16:
        return line, None
    for k in range(4, len(words) - 4):
        if words[k] in SENTENCE_STARTERS and words[k - 1][:1].islower() and words[k - 1][-1:].isalpha() \
                and not FUNCTION_WORD_END.search(words[k - 1]):  # "costs at the North Hamgyong border" runs on
            return " ".join(words[:k]), " ".join(words[k:])
    return line, None


def _is_standfirst(line: str) -> bool:
    return 5 <= len(line.split()) <= 45 and not TERMINAL.search(line)


def _paragraphs(blocks: list[list[str]]) -> list[str]:
    """Blocks become paragraphs; inside a block a line break is either a paragraph break or a hard wrap."""
    blank_line_style = len(blocks) >= 3
    paragraphs: list[str] = []
    for block in blocks:
        current = block[0]
        for line in block[1:]:
            if not blank_line_style and _ends_sentence(current) and _starts_sentence(line):
                paragraphs.append(current)
                current = line
            else:
                current = _join_wrapped(current, line)
        paragraphs.append(current)
    return [p for p in paragraphs if p]


def _ends_sentence(text: str) -> bool:
    return bool(TERMINAL.search(text))


def _starts_sentence(line: str) -> bool:
    return line[:1].isupper() or line[:1] in "“\"‘'([" or line[:1].isdigit()


def _join_wrapped(left: str, right: str) -> str:
    """Rejoin a hard-wrapped line; legacy pages turned lost apostrophes into breaks ("aren\\nt")."""
    if left[-1:].isalpha() and CONTRACTION_TAIL.match(right) and not left.endswith(" "):
        return left + "'" + right
    return left + " " + right


EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")


def _is_author_note(paragraph: str, byline: str | None) -> bool:
    """A closing author biography or contact line ("Jane Roe is a reporter … reached at …")."""
    if byline and re.match(re.escape(byline) + r"\s+(?:is|was|covers|writes|reports)\b", paragraph):
        return True
    return bool(EMAIL.search(paragraph)) and bool(re.search(r"\b(?:reached|contact|email|e-mail)\b", paragraph, re.I))


def _looks_like_cut_caption(paragraph: str) -> bool:
    """A few words with no punctuation after the last full paragraph of a cut-off page, describing a picture as
    captions do, with a participle ("A worker repairing the ro"): the start of a caption. Without one ("The
    sour", "Three guards were moved to anot") it is the start of the next paragraph, cut off."""
    words = paragraph.split()
    return (len(words) <= 6 and not re.search(r"[,.;:“”\"]", paragraph)
            and any(word.endswith("ing") for word in words[1:-1]))
