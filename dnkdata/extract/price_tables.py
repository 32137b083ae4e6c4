"""Price tables inside a body: pipe tables with items in rows and cities in columns (or the other way round).

The text reader joins a table's lines into one paragraph ("| Item | Pyongyang | … | |---|---| | Rice | 9,600 |"),
so rows are found by counting cells: the separator row (|---|---|) says how many cells a row has. A table at
the very top of a capture is the site's price ticker and never reaches the body (the reader drops it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from dnkdata import gazetteer
from dnkdata.extract.price_terms import DateMention, find_dates, find_items, parse_number, unit_of
from dnkdata.gazetteer import Place

SEPARATOR = re.compile(r"\|(?:[ \t]*:?-{3,}:?[ \t]*\|)+")
ROW_START = re.compile(r"[ \t]*\n{0,2}[ \t]*\|")
CELL_VALUE = re.compile(r"(?:KPW|\$|¥)?\s*(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(?:won|KPW|yuan|dollars?)?", re.I)
LABEL_UNIT = re.compile(r"(?:per|/|\(\s*(?:1\s*)?)\s*(kg|kilograms?|kilos?|g|grams?|l|liters?|litres?)\b", re.I)
LABEL_CURRENCY = {"CNY": re.compile(r"\b(?:yuan|CNY|RMB)\b", re.I), "USD": re.compile(r"\$|\b(?:USD|dollars?)\b")}
EXCHANGE_LABEL = re.compile(r"exchange\s+rate|^\s*(?:usd|dollars?|us\s+dollars?|cny|yuan|rmb|chinese\s+yuan)\s*$", re.I)


@dataclass(frozen=True)
class Cell:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Table:
    start: int
    end: int
    header: list[Cell]
    rows: list[list[Cell]]


@dataclass(frozen=True)
class CellPrice:
    start: int
    end: int
    item: str
    value: float
    currency: str
    unit: str | None
    place: Place | None
    day: DateMention | None


def find_tables(body: str) -> list[Table]:
    tables = []
    for separator in SEPARATOR.finditer(body):
        width = separator.group(0).count("|") - 1
        found = _header(body, separator.start(), width)
        if found is None:
            continue
        start, header = found
        rows, end = _rows(body, separator.end(), width)
        tables.append(Table(start, end, header, rows))
    return tables


def _header(body: str, separator_start: int, width: int) -> tuple[int, list[Cell]] | None:
    """The header row just before the separator: (offset of its first pipe, its cells)."""
    head = re.search(r"\|(?:[^|\n]*\|){%d}\s*$" % width, body[max(0, separator_start - 600):separator_start])
    if head is None:
        return None
    offset = max(0, separator_start - 600) + head.start()
    cells = _cells(body, offset, width)
    return (offset, cells) if cells else None


def _rows(body: str, pos: int, width: int) -> tuple[list[list[Cell]], int]:
    rows, end = [], pos
    while True:
        start = ROW_START.match(body, end)
        if start is None:
            break
        row = _cells(body, start.end() - 1, width)
        if row is None:
            break
        rows.append(row)
        end = body.index("|", row[-1].end) + 1
    return rows, end


def _cells(body: str, pipe: int, width: int) -> list[Cell] | None:
    """width cells after the pipe at offset pipe; None when the row is cut short or crosses a line break."""
    cells, pos = [], pipe + 1
    for _ in range(width):
        close = body.find("|", pos)
        if close < 0 or "\n" in body[pos:close]:
            return None
        raw = body[pos:close]
        lead = len(raw) - len(raw.lstrip())
        text = raw.strip()
        cells.append(Cell(text, pos + lead, pos + lead + len(text)))
        pos = close + 1
    return cells


def table_prices(body: str, tables: list[Table], published: date | None) -> list[CellPrice]:
    prices = []
    for table in tables:
        day = _table_date(body, table, published)
        columns = [_place(c.text) for c in table.header[1:]]
        if any(columns):
            prices += _by_row_items(table, columns, day)
        else:
            prices += _by_row_places(table, day)
    return prices


def _by_row_items(table: Table, columns: list[Place | None], day: DateMention | None) -> list[CellPrice]:
    prices = []
    for row in table.rows:
        item = _item(row[0].text, table.header[0].text)
        if item is None:
            continue
        for cell, place in zip(row[1:], columns):
            price = _cell_price(cell, item, place, day)
            if price is not None:
                prices.append(price)
    return prices


def _by_row_places(table: Table, day: DateMention | None) -> list[CellPrice]:
    """Cities in rows, items in columns."""
    items = [_item(c.text, table.header[0].text) for c in table.header[1:]]
    prices = []
    for row in table.rows:
        place = _place(row[0].text)
        for cell, item in zip(row[1:], items):
            price = _cell_price(cell, item, place, day) if item else None
            if price is not None:
                prices.append(price)
    return prices


def _item(label: str, corner: str) -> tuple[str, str, str | None] | None:
    """(item, currency, unit) for a row or column label; None when the label names no item."""
    found = find_items(label)
    if EXCHANGE_LABEL.search(label):
        item = "cny" if re.search(r"yuan|cny|rmb", label, re.I) else "usd"
        return item, "KPW", item
    if not found or found[0].group == "currency":
        return None
    currency = next((c for c, p in LABEL_CURRENCY.items() if p.search(label) or p.search(corner)), "KPW")
    unit = LABEL_UNIT.search(label)
    return found[0].item, currency, unit_of(unit.group(1)) if unit else None


def _cell_price(cell: Cell, item: tuple[str, str, str | None], place: Place | None,
                day: DateMention | None) -> CellPrice | None:
    number = CELL_VALUE.fullmatch(cell.text)
    if number is None:
        return None  # "-", "n/a", a note: no price in this cell
    start = cell.start + number.start("num")
    name, currency, unit = item
    return CellPrice(start, cell.start + number.end("num"), name, parse_number(number.group("num"), currency),
                     currency, unit, place, day)


def _place(text: str) -> Place | None:
    mentions, _ = gazetteer.find_places(text)
    kp = [m.place for m in mentions if m.place.country_code == "KP"]
    return kp[0] if kp else None


def _table_date(body: str, table: Table, published: date | None) -> DateMention | None:
    """A date in the corner cell, else in a caption just before the table ("Prices as of May 25:")."""
    corner = table.header[0]
    dates = find_dates(body, corner.start, corner.end, published)
    if not dates:
        caption_start = max(0, table.start - 160, body.rfind("\n\n", 0, max(0, table.start - 2)) + 2)
        caption = body[caption_start:table.start].strip()
        if caption.endswith(":") or "\n\n" not in body[caption_start:table.start]:
            dates = find_dates(body, caption_start, table.start, published)
    return dates[-1] if dates else None
