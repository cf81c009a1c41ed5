"""XLSX reader: each worksheet's cells as a Grid, numbers shown as Excel shows them.

openpyxl gives numeric cells as floats; an amount is exact only as printed,
so each number is rendered through its cell's number format (``#,##0.00`` →
``1,166.60``, as printed) from the float's shortest round-trip text, never from float
arithmetic. Merged ranges keep their text in the top-left cell and None
elsewhere, as a PDF table shows them. A sheet is a "page" (``row_pages`` is
the 1-based sheet number).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from parsers.model import Grid, ReadResult
from parsers.office import clean_cell, grid_from_lines_and_rows, leading_space_ems

_DECIMALS_RE = re.compile(r"\.([0#?]+)")
_QUOTED_RE = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


@dataclass(frozen=True)
class SheetCell:
    """One worksheet cell as any workbook reader gives it (openpyxl for .xlsx, xlrd for
    .xls), so both formats share the row logic below and give the same records."""

    value: object
    number_format: str | None = "General"
    indent_level: float = 0.0  # the alignment's indent (Excel indents by one character per level)
    missing_result: bool = False  # a formula cell whose result was never saved


Sheet = tuple[str, Iterable[Iterable[SheetCell]]]  # (sheet title, rows of cells)


def read_xlsx(path: str | Path) -> ReadResult:
    """Read every visible non-empty worksheet of an XLSX workbook."""
    import openpyxl  # deferred: keeps ``countybudget --help`` fast

    # read_only mode cannot see merged ranges; data_only gives formula results.
    # Handed the bytes, not the path: openpyxl refuses a name not ending in .xlsx,
    # and the caller has already sniffed this file's type from its bytes.
    with Path(path).open("rb") as stream:
        workbook = openpyxl.load_workbook(stream, data_only=True)
    try:
        sheets = [(ws.title, _openpyxl_rows(ws)) for ws in workbook.worksheets if ws.sheet_state == "visible"]
        return read_sheets(sheets)
    finally:
        workbook.close()


def _openpyxl_rows(sheet) -> Iterator[list[SheetCell]]:
    for row in sheet.iter_rows():
        yield [SheetCell(cell.value, cell.number_format, _indent_level(cell),
                         getattr(cell, "data_type", None) == "f" and cell.value is None) for cell in row]


def _indent_level(cell) -> float:
    try:
        return float(getattr(cell.alignment, "indent", 0) or 0)
    except (TypeError, ValueError, AttributeError):
        return 0.0


def read_sheets(sheets: list[Sheet]) -> ReadResult:
    """The workbook's visible sheets (in order) as Grids: a sheet is a page."""
    grids: list[Grid] = []
    page_texts: list[str] = []
    warnings: list[str] = []
    for page, (title, cells) in enumerate(sheets, start=1):
        rows, indents = _sheet_rows(title, cells, warnings)
        page_texts.append("\n".join(" ".join(c for c in row if c) for row in rows if any(row)))
        grid = grid_from_lines_and_rows([], rows, [page] * len(rows), indents=indents)
        if grid.cells:  # a sheet of single-cell lines is narrative, not a table
            if grid.title is None:
                grid.context.append(title)
            grids.append(grid)
    return ReadResult(grids=grids, page_texts=page_texts, n_pages=len(sheets), warnings=warnings)


def _sheet_rows(title: str, cells: Iterable[Iterable[SheetCell]],
                warnings: list[str]) -> tuple[list[list[str | None]], list[list[float | None]]]:
    """Cell texts of a sheet and each cell's indent (``Grid.indents``): the
    alignment's indent level plus the leading spaces of its text."""
    rows: list[list[str | None]] = []
    indents: list[list[float | None]] = []
    missing_results = 0
    for row in cells:
        texts: list[str | None] = []
        row_indents: list[float | None] = []
        for cell in row:
            missing_results += cell.missing_result
            raw = format_cell_value(cell.value, cell.number_format)
            text = clean_cell(raw)
            texts.append(text)
            row_indents.append(None if text is None else cell.indent_level + leading_space_ems(raw))
        rows.append(texts)
        indents.append(row_indents)
    if missing_results:
        warnings.append(
            f"sheet {title!r}: {missing_results} formula cells have no saved result (file never recalculated)"
        )
    # Trailing empty columns and rows carry nothing.
    while rows and not any(rows[-1]):
        rows.pop()
    indents = indents[: len(rows)]
    width = max((max((i + 1 for i, c in enumerate(r) if c), default=0) for r in rows), default=0)
    return [r[:width] for r in rows], [r[:width] for r in indents]


def format_cell_value(value: object, number_format: str | None = "General") -> str | None:
    """The text Excel would print for ``value`` under ``number_format``."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, (int, float)):
        return format_number(value, number_format or "General")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def format_number(value: int | float, number_format: str) -> str | None:
    """Render a number with the decimals of its format section (exact, no float maths)."""
    amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    section = _format_section(number_format, amount)
    if section is None:
        return None  # a format whose zero section is empty prints nothing
    bare = _QUOTED_RE.sub("", section)
    if section.lower() == "general" or not re.search(r"[0#?]", bare):
        literal = _QUOTED_RE.sub(lambda m: m.group(0).strip('"\\'), section).strip()
        if section.lower() != "general" and literal:
            return literal  # e.g. a zero section printing "-"
        text = format(amount.normalize(), "f")
        return text
    if "%" in bare:
        amount *= 100
    match = _DECIMALS_RE.search(bare)
    decimals = len(match.group(1)) if match else 0
    # Excel rounds halves away from zero when it displays a number.
    rounded = amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if len(number_format.split(";")) > 1 and amount < 0:
        rounded = abs(rounded)  # the negative section prints its own sign
        if "-" in bare or "(" in bare:
            text = f"{rounded:,}" if _groups_thousands(bare) else f"{rounded}"
            return f"({text})" if "(" in bare else f"-{text}"
    text = f"{rounded:,}" if _groups_thousands(bare) else f"{rounded}"
    return f"{text}%" if "%" in bare else text


def _groups_thousands(bare_format: str) -> bool:
    """``#,##0.00`` prints 1,166.60; a comma after the last digit placeholder scales instead."""
    integer_part = bare_format.split(".")[0]
    return bool(re.search(r"[0#?],[0#?]", integer_part))


def _format_section(number_format: str, amount: Decimal) -> str | None:
    sections = number_format.split(";")
    if amount < 0 and len(sections) >= 2:
        chosen = sections[1]
    elif amount == 0 and len(sections) >= 3:
        chosen = sections[2]
    else:
        chosen = sections[0]
    chosen = chosen.strip()
    return chosen or None
