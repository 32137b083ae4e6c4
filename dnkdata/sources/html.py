"""Read one saved HTML page into a ParsedArticle.

Layouts known: the modern dailynk.com article page (`html-dailynk`), legacy `read.php` table pages
(`html-legacy`), and aggregator pages republishing Daily NK (`html-aggregator`). Anything else goes to
trafilatura's main-text extraction (`trafilatura`). Parsing never fetches anything: selectolax builds no
network requests, and trafilatura is given the markup as a string.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from dnkdata.errors import Rejected
from dnkdata.model import ParsedArticle, Problem
from dnkdata.sources._common import PrintedDate, is_dailynk, parse_iso, parse_visible, site_of

# Browsers read these labels as the wider encodings; so must we (WHATWG encoding standard).
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252",
    "euc-kr": "cp949", "ks_c_5601-1987": "cp949", "x-windows-949": "cp949",
}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))

_BLOCK_TAGS = frozenset(
    "p div section article main blockquote li ul ol dl dt dd h1 h2 h3 h4 h5 h6 table tbody thead tfoot tr td th "
    "pre header footer address center hr body html".split()
)
# Never article text, wherever they sit.
_CHROME_SELECTORS = (
    "script", "style", "noscript", "template", "iframe", "svg", "object", "embed", "video", "audio",
    "figure", "figcaption", "nav", "aside", "form", "button", "select", "input", "textarea",
    ".wp-caption", ".wp-caption-text", "[class*=caption]", "[class*=credit]",
    "[class*=share]", "[class*=social]", "[class*=related]", "[id*=related]",
    "[class*=comment]", "[id*=comment]", "[class*=newsletter]", "[class*=subscribe]",
    "[class*=advert]", "ins.adsbygoogle", "[class*=author-box]", "[class*=author-bio]", "[class*=breadcrumb]",
    "[class*=tags]", "[class*=tag-list]", "[class*=korean]", "[lang=ko]",
)
_BODY_SELECTORS = (
    "[itemprop=articleBody]", ".td-post-content", ".entry-content", ".article-content", ".article-body",
    ".post-content", ".story-body", "article .content", "article",
)
_STANDFIRST_SELECTORS = (
    ".td-post-sub-title", ".entry-subtitle", ".subtitle", ".sub-title", ".standfirst", ".article-subtitle",
    "p.lead", ".dek",
)
_AUTHOR_SELECTORS = ("[rel=author]", ".author-name", ".td-post-author-name a", ".byline .author", ".byline")
_DATE_SELECTORS = (".td-post-date", ".entry-date", ".post-date", ".article-date", ".date", "time")
_TAG_SELECTORS = ("a[rel=tag]", ".td-tags a", ".tags a", ".cat-links a", ".td-category a", ".post-categories a")
_ARTICLE_TYPES = {"NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle", "AnalysisNewsArticle"}
# Paragraphs that are page furniture even when they sit inside the article body.
_TRAILER_STARTS = (
    "read in korean", "questions or comments about this article", "please direct any comments or questions",
    "read this article in korean", "related articles", "related stories", "share this", "image:", "photo:",
)
_MIN_BODY_CHARS = 80


@dataclass
class _Meta:
    """Everything the page says about the article besides its body."""

    url: str | None = None
    title: str | None = None
    standfirst: str | None = None
    byline: str | None = None
    published: PrintedDate | None = None
    tags: list[str] = field(default_factory=list)
    has_korean_version: bool = False
    mentions_dailynk: bool = False


def read(data: bytes, name: str) -> list[ParsedArticle | Problem]:
    """Read one HTML page; raises Rejected("html_no_article") when it holds no article text."""
    text = decode(data)
    tree = LexborHTMLParser(text)
    meta = _page_meta(tree)
    layout = _layout(meta, name, tree)
    paragraphs, method = _body_for_layout(tree, text, layout)
    if not paragraphs:
        raise Rejected("html_no_article", f"{name}: no article text found in the page")
    if layout == "html-legacy":
        _fill_legacy_meta(tree, meta)
    if layout == "html-aggregator":
        paragraphs = _take_feed_footer(paragraphs, meta)
    return [_article(meta, paragraphs, method)]


def decode(data: bytes) -> str:
    """Decode by BOM, then the page's declared charset, then UTF-8 (with replacement only if it is not UTF-8)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    declared = _declared_charset(data[:4096])
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration: UTF-8 below is the best remaining guess
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace")


def fragment_paragraphs(html: str) -> tuple[list[str], bool]:
    """Paragraphs of an HTML fragment or page (feed content, JSON Lines `html`) and whether it links Korean."""
    tree = LexborHTMLParser(html)
    root = _first(tree, _BODY_SELECTORS) or tree.body
    if root is None:
        return [], False
    korean = _links_korean(root)
    return _clean_paragraphs(root), korean


def _declared_charset(head: bytes) -> str | None:
    """The charset from <meta charset> or <meta http-equiv=Content-Type> (parsed, not pattern-matched)."""
    tree = LexborHTMLParser(head.decode("latin-1"))  # ASCII-compatible view: enough to read the meta tags
    label = None
    node = tree.css_first("meta[charset]")
    if node is not None:
        label = node.attributes.get("charset")
    else:
        for node in tree.css("meta[http-equiv]"):
            if (node.attributes.get("http-equiv") or "").lower() == "content-type":
                label = _charset_param(node.attributes.get("content") or "")
                break
    if not label:
        return None
    label = label.strip().lower()
    label = _CHARSET_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _charset_param(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'")
    return None


# --- layout and body -------------------------------------------------------------------------------------


def _layout(meta: _Meta, name: str, tree: LexborHTMLParser) -> str:
    site = site_of(meta.url)
    legacy = "read.php" in (meta.url or "") or "read.php" in name or (site is None and _looks_legacy(tree))
    if is_dailynk(site) or (site is None and legacy):
        return "html-legacy" if legacy else "html-dailynk"
    if site and meta.mentions_dailynk:
        return "html-aggregator"
    return "trafilatura"


def _looks_legacy(tree: LexborHTMLParser) -> bool:
    """Old dailynk.com pages: no canonical link, a "DailyNK" <title>, a table layout and no <article>."""
    title = (_text_of_first(tree, ("title",)) or "").lower().replace(" ", "")
    return "dailynk" in title and len(tree.css("td")) >= 3 and tree.css_first("article") is None


def _body_for_layout(tree: LexborHTMLParser, text: str, layout: str) -> tuple[list[str], str]:
    """Paragraphs by the layout's own rules; trafilatura when those find too little."""
    if layout == "html-legacy":
        paragraphs = _legacy_paragraphs(tree)
    elif layout in ("html-dailynk", "html-aggregator"):
        root = _first(tree, _BODY_SELECTORS)
        paragraphs = _clean_paragraphs(root) if root is not None else []
    else:
        paragraphs = []
    if _enough(paragraphs):
        return paragraphs, layout
    paragraphs = _trafilatura_paragraphs(text)
    return (paragraphs if _enough(paragraphs) else []), "trafilatura"


def _enough(paragraphs: list[str]) -> bool:
    return sum(len(p) for p in paragraphs) >= _MIN_BODY_CHARS


def _take_feed_footer(paragraphs: list[str], meta: _Meta) -> list[str]:
    """Aggregators append the feed entry time and the feed label ("by DailyNK") after the story.

    The entry time is the publication date and time (no zone printed); both lines are furniture, not body.
    """
    kept = []
    for paragraph in paragraphs:
        lowered = paragraph.lower().replace(" ", "")
        if len(paragraph) <= 40 and lowered.startswith("by") and "dailynk" in lowered:
            continue
        found = parse_visible(paragraph) if len(paragraph) <= 40 else None
        if found:
            meta.published = meta.published or found
            continue
        kept.append(paragraph)
    return kept


def _legacy_paragraphs(tree: LexborHTMLParser) -> list[str]:
    """Old table layouts: the innermost table cell holding the most text is the story."""
    best, best_len = None, 0
    for cell in tree.css("td"):
        if _has_inner_cell(cell):
            continue  # a layout cell wrapping other cells
        length = len(cell.text(deep=True, strip=True))
        if length > best_len:
            best, best_len = cell, length
    return _clean_paragraphs(best) if best is not None else []


def _has_inner_cell(cell: LexborNode) -> bool:
    # selectolax's css() on a node also matches the node itself
    return any(inner.mem_id != cell.mem_id for inner in cell.css("td"))


def _trafilatura_paragraphs(text: str) -> list[str]:
    import trafilatura  # imported late: it is slow to import and only unknown layouts need it

    extracted = trafilatura.extract(
        text, include_comments=False, include_tables=False, include_images=False, favor_precision=True
    )
    if not extracted:
        return []
    return [p for p in (_squash(line) for line in extracted.split("\n")) if p and not _is_trailer(p)]


def _clean_paragraphs(root: LexborNode) -> list[str]:
    root = root.clone() if hasattr(root, "clone") else root  # do not damage the tree other steps read
    for selector in _CHROME_SELECTORS:
        for node in root.css(selector):
            if node.mem_id != root.mem_id:
                node.decompose()
    return [p for p in _block_paragraphs(root) if not _is_trailer(p)]


def _block_paragraphs(root: LexborNode) -> list[str]:
    """Text split into paragraphs at block elements and at runs of <br>.

    Pages that separate paragraphs with <br><br> use a single <br> for a line wrap; pages that never double
    them use a single <br> per paragraph.
    """
    chunks: list[list[str]] = []  # each chunk: pieces separated by single <br>
    current: list[str] = [""]
    state = {"brs": 0, "double": False}

    def flush():
        nonlocal current
        if any(piece.strip() for piece in current):
            chunks.append(current)
        current = [""]

    # A walk in document order with a stack of its own rather than recursion: a page of thousands of nested
    # elements would exceed Python's recursion limit. Each entry: the next node to visit at one level, and
    # whether that level is a block element, whose end is a paragraph break.
    stack: list[tuple[LexborNode | None, bool]] = [(root.child, False)]
    while stack:
        child, in_block = stack.pop()
        if child is None:
            if in_block:
                flush()
            continue
        stack.append((child.next, in_block))  # its next sibling, once its own children are done
        tag = child.tag
        if tag == "-text":
            content = child.text_content or ""
            if content.strip():
                if state["brs"] >= 2:
                    state["double"] = True
                    flush()
                elif state["brs"] == 1:
                    current.append("")
                state["brs"] = 0
            current[-1] += content
        elif tag == "br":
            state["brs"] += 1
        elif tag in _BLOCK_TAGS:
            state["brs"] = 0
            flush()
            stack.append((child.child, True))
        elif child.is_element_node:
            stack.append((child.child, False))
    flush()
    paragraphs: list[str] = []
    for chunk in chunks:
        pieces = [" ".join(chunk)] if state["double"] else chunk
        paragraphs.extend(p for p in (_squash(piece) for piece in pieces) if p)
    return paragraphs


_AD_MARKER = re.compile(r"^\[ad_\d+\]$", re.IGNORECASE)


def _is_trailer(paragraph: str) -> bool:
    lowered = paragraph.lower()
    return (
        lowered.startswith(_TRAILER_STARTS)
        or lowered in ("korean", "한국어", "read more", "source link")
        or bool(_AD_MARKER.match(lowered))
    )


# --- metadata --------------------------------------------------------------------------------------------


def _page_meta(tree: LexborHTMLParser) -> _Meta:
    ld = _json_ld_article(tree)
    meta = _Meta()
    meta.url = _attr(tree, "link[rel=canonical]", "href") or _meta(tree, "og:url") or _str(ld.get("url"))
    meta.title = _title(tree, ld)
    meta.standfirst = _text_of_first(tree, _STANDFIRST_SELECTORS) or _str(ld.get("alternativeHeadline"))
    meta.byline = _byline(tree, ld)
    meta.published = _published(tree, ld)
    meta.tags = _tags(tree, ld)
    meta.has_korean_version = _links_korean(tree.root) or tree.css_first("link[hreflang^=ko]") is not None
    meta.mentions_dailynk = _mentions_dailynk(tree)
    return meta


def _fill_legacy_meta(tree: LexborHTMLParser, meta: _Meta) -> None:
    """Legacy pages carry no metadata tags: the date is printed near the title, the title in <title>."""
    if meta.published is None:
        for cell in tree.css("td"):
            if not _has_inner_cell(cell) and len(cell.text(strip=True)) < 120:
                found = parse_visible(cell.text(strip=True))
                if found:
                    meta.published = found
                    break
    meta.title = _text_of_first(tree, ("td.title", "td b")) or meta.title


def _title(tree: LexborHTMLParser, ld: dict) -> str | None:
    og = _meta(tree, "og:title")
    if og:
        return _strip_site_suffix(og)
    return _str(ld.get("headline")) or _text_of_first(tree, ("h1",)) or _strip_site_suffix(
        _text_of_first(tree, ("title",))
    )


def _strip_site_suffix(title: str | None) -> str | None:
    """"Story - Daily NK English" -> "Story"; a title that only names the site is no title."""
    if not title:
        return None
    for sep in (" | ", " - ", " – ", " :: "):
        head, found, tail = title.rpartition(sep)
        if found and _names_site(tail):
            title = head
        head, found, tail = title.partition(sep)
        if found and _names_site(head):  # legacy pages put the site first: "DailyNK - Story"
            title = tail
    title = _squash(title)
    return None if title.lower().replace(" ", "") in ("dailynk", "dailynkenglish") else title


def _names_site(text: str) -> bool:
    return "dailynk" in text.lower().replace(" ", "")


def _byline(tree: LexborHTMLParser, ld: dict) -> str | None:
    author = ld.get("author")
    if isinstance(author, list) and author:
        author = author[0]
    if isinstance(author, dict):
        author = author.get("name")
    name = _str(author) or _meta_name(tree, "author") or _text_of_first(tree, _AUTHOR_SELECTORS)
    if name and name.lower().startswith("by "):
        name = name[3:].strip()
    return name or None


def _published(tree: LexborHTMLParser, ld: dict) -> PrintedDate | None:
    for candidate in (_meta(tree, "article:published_time"), _str(ld.get("datePublished")),
                      _attr(tree, "time[datetime]", "datetime"), _meta_name(tree, "date")):
        found = parse_iso(candidate)
        if found:
            return found
    for selector in _DATE_SELECTORS:
        node = tree.css_first(selector)
        if node is not None:
            found = parse_visible(node.text(strip=True))
            if found:
                return found
    return None


def _tags(tree: LexborHTMLParser, ld: dict) -> list[str]:
    found: list[str] = []
    found += [n.attributes.get("content") or "" for n in tree.css('meta[property="article:section"]')]
    found += [n.attributes.get("content") or "" for n in tree.css('meta[property="article:tag"]')]
    for key in ("articleSection", "keywords"):
        value = ld.get(key)
        if isinstance(value, str):
            found += value.split(",") if key == "keywords" else [value]
        elif isinstance(value, list):
            found += [v for v in value if isinstance(v, str)]
    for selector in _TAG_SELECTORS:
        found += [n.text(strip=True) for n in tree.css(selector)]
    seen: dict[str, None] = {}
    for tag in found:
        tag = _squash(tag)
        if tag and tag.lower() not in (t.lower() for t in seen):
            seen[tag] = None
    return list(seen)


def _links_korean(root: LexborNode) -> bool:
    """A link to the Korean edition: "Read in Korean", hreflang=ko, or a dailynk.com /korean/ address."""
    for link in root.css("a"):
        href = (link.attributes.get("href") or "").lower()
        label = link.text(strip=True).lower()
        if "korean" in label and "read" in label:
            return True
        if (link.attributes.get("hreflang") or "").lower().startswith("ko"):
            return True
        # an article on the Korean edition, not its front page (site menus link that)
        if is_dailynk(site_of(href)) and "/korean/" in href and not href.rstrip("/").endswith("/korean"):
            return True
    return False


def _mentions_dailynk(tree: LexborHTMLParser) -> bool:
    """Aggregators credit the outlet in a link, the site name tag or a source line."""
    for link in tree.css("a[href]"):
        if is_dailynk(site_of(link.attributes.get("href"))):
            return True
    site_name = (_meta(tree, "og:site_name") or "").lower()
    body_text = tree.body.text(separator=" ").lower() if tree.body else ""
    return "daily nk" in site_name or "dailynk" in site_name or "daily nk" in body_text or "dailynk" in body_text


def _json_ld_article(tree: LexborHTMLParser) -> dict:
    """The first JSON-LD object typed as an article (looking inside @graph and lists)."""
    for script in tree.css('script[type="application/ld+json"]'):
        try:
            data = json.loads(script.text() or "")
        except ValueError:
            continue
        for obj in _walk_ld(data):
            kinds = obj.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(isinstance(kind, str) and kind in _ARTICLE_TYPES for kind in kinds):
                return obj
    return {}


def _walk_ld(data):
    if isinstance(data, list):
        for item in data:
            yield from _walk_ld(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _walk_ld(data["@graph"])


def _article(meta: _Meta, paragraphs: list[str], method: str) -> ParsedArticle:
    published = meta.published
    return ParsedArticle(
        body="\n\n".join(paragraphs),
        source_format="html",
        title=meta.title,
        standfirst=meta.standfirst,
        published_date=published.day if published else None,
        published_at=published.at if published else None,
        published_tz=published.tz if published else None,
        byline=meta.byline,
        url=meta.url,
        has_korean_version=meta.has_korean_version,
        source_site=site_of(meta.url),
        read_method=method,
        tags=meta.tags,
    )


# --- small selectolax helpers ----------------------------------------------------------------------------


def _first(tree, selectors) -> LexborNode | None:
    for selector in selectors:
        node = tree.css_first(selector)
        if node is not None:
            return node
    return None


def _text_of_first(tree, selectors) -> str | None:
    for selector in selectors:
        node = tree.css_first(selector)
        if node is not None:
            text = _squash(node.text(separator=" "))
            if text:
                return text
    return None


def _attr(tree, selector: str, name: str) -> str | None:
    node = tree.css_first(selector)
    value = node.attributes.get(name) if node is not None else None
    return value.strip() if value and value.strip() else None


def _meta(tree, prop: str) -> str | None:
    return _attr(tree, f'meta[property="{prop}"]', "content") or _attr(tree, f'meta[name="{prop}"]', "content")


def _meta_name(tree, name: str) -> str | None:
    value = _attr(tree, f'meta[name="{name}"]', "content")
    return None if value and value.startswith(("http://", "https://")) else value


def _str(value) -> str | None:
    return _squash(value) or None if isinstance(value, str) else None


_SPACES = re.compile(r"\s+")


def _squash(text: str | None) -> str:
    """Collapse runs of whitespace (including no-break spaces) to one space."""
    return _SPACES.sub(" ", (text or "").replace("\u00a0", " ")).strip()
