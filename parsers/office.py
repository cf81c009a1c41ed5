"""What the DOCX and XLSX readers share: cleaning cell text and telling the
title / unit lines printed above a table from the table itself.

Office files keep a table's title and its ``单位：万元`` line either as
paragraphs before the table (DOCX) or as the first rows of the sheet (XLSX);
both end up in ``Grid.title`` / ``Grid.unit_text`` / ``Grid.context`` so
``parsers.tables.interpret_grid`` sees the same Grid as from a PDF.
"""

from __future__ import annotations

import re

from countybudget.money import printed_unit
from parsers.model import Grid

_TABLE_TITLE_RE = re.compile(r"(表|预算|决算|情况|明细|汇总|清单|目录)")
_TABLE_NUMBER_RE = re.compile(r"^(附表|表)\s*[0-9０-９一二三四五六七八九十\-－—.]+\s*$")


def clean_cell(text: str | None) -> str | None:
    """Cell text as printed, with blank cells as None and non-breaking or
    ideographic spaces at the ends removed."""
    if text is None:
        return None
    s = text.replace("\u00a0", " ").replace("\u3000", " ").strip()
    return s or None


def is_unit_line(text: str) -> bool:
    return printed_unit(text) is not None


def non_empty(row: list[str | None]) -> list[str]:
    return [c for c in row if c]


def is_preamble_row(row: list[str | None]) -> bool:
    """A row above the table proper: a title, a table number, or a line with the
    unit (possibly beside the compiling unit's name), not a header row."""
    cells = non_empty(row)
    if not cells:
        return True
    if any(is_unit_line(c) for c in cells):
        return len(cells) <= 3
    return len(cells) == 1


def leading_space_ems(text: str | None) -> float:
    """The indent that leading spaces give a cell's text, in ems of CJK body
    text: an ideographic space is one character, an ASCII or no-break space half."""
    if not text:
        return 0.0
    ems = 0.0
    for ch in text:
        if ch == "\u3000":
            ems += 1.0
        elif ch in " \u00a0\t":
            ems += 0.5
        else:
            break
    return ems


def grid_from_lines_and_rows(
    lines_above: list[str], rows: list[list[str | None]], row_pages: list[int], header_rows: int | None = None,
    indents: list[list[float | None]] | None = None,
) -> Grid:
    """Build a Grid from the text lines printed above a table and its rows.

    Leading preamble rows inside ``rows`` (XLSX titles merged across the
    sheet) are moved to the lines above first. ``indents`` (same shape as
    ``rows``) are the cells' indents where the format records them.
    """
    lines = [ln for ln in (clean_cell(x) for x in lines_above) if ln]
    start = 0
    while start < len(rows) and is_preamble_row(rows[start]):
        lines.extend(non_empty(rows[start]))
        start += 1
    if header_rows is not None:
        header_rows = max(header_rows - start, 0) or None
    title, unit_text, context = split_preamble(lines)
    return Grid(
        cells=rows[start:],
        row_pages=row_pages[start:],
        title=title,
        unit_text=unit_text,
        context=context,
        header_rows=header_rows,
        indents=indents[start:] if indents is not None else None,
    )


def split_preamble(lines: list[str]) -> tuple[str | None, str | None, list[str]]:
    """(title, unit line, other lines) from the lines above a table.

    The unit line is the last line naming a unit; the title is the nearest
    line above the table that reads like a table title (not a bare table
    number such as ``表3``), else the nearest line.
    """
    unit_text = next((ln for ln in reversed(lines) if is_unit_line(ln)), None)
    candidates = [ln for ln in lines if ln is not unit_text and not _TABLE_NUMBER_RE.match(ln)]
    title = next((ln for ln in reversed(candidates) if _TABLE_TITLE_RE.search(ln) and len(ln) <= 60), None)
    if title is None and candidates:
        title = candidates[-1] if len(candidates[-1]) <= 60 else None
    context = [ln for ln in lines if ln is not unit_text and ln is not title]
    return title, unit_text, context
