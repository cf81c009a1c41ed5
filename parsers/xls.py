"""Legacy Excel (.xls, BIFF) reader: xlrd's cells through the XLSX reader's row logic.

County portals still post earlier years' tables as .xls. xlrd (2.x reads .xls
only) gives each cell's value, its XF record's number format and indent, and
the merged ranges; they become the same ``SheetCell``s ``parsers.xlsx`` makes
from openpyxl, so an .xls gives the same records as its .xlsx twin. Numbers are
doubles in BIFF as in XLSX and are printed through their number format, never
through float arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from parsers.model import ReadResult
from parsers.xlsx import SheetCell, read_sheets


def read_xls(path: str | Path) -> ReadResult:
    """Read every visible non-empty worksheet of an .xls workbook."""
    import xlrd  # deferred: keeps ``countybudget --help`` fast

    # formatting_info: number formats, indents and merged ranges (xlrd reads them for .xls only)
    book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    try:
        sheets = []
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if sheet.visibility == 0:  # 1 hidden, 2 very hidden
                sheets.append((sheet.name, list(_rows(book, sheet))))
        return read_sheets(sheets)
    finally:
        book.release_resources()


def _rows(book, sheet) -> Iterator[list[SheetCell]]:
    covered = _merged_covered(sheet)
    for r in range(sheet.nrows):
        yield [SheetCell(None) if (r, c) in covered else _cell(book, sheet, r, c) for c in range(sheet.ncols)]


def _merged_covered(sheet) -> set[tuple[int, int]]:
    """Cells inside a merged range other than its top-left one: blank, as a PDF shows them."""
    covered: set[tuple[int, int]] = set()
    for r0, r1, c0, c1 in sheet.merged_cells:
        covered.update((r, c) for r in range(r0, r1) for c in range(c0, c1) if (r, c) != (r0, c0))
    return covered


def _cell(book, sheet, r: int, c: int) -> SheetCell:
    import xlrd

    cell = sheet.cell(r, c)
    xf = book.xf_list[cell.xf_index] if cell.xf_index is not None else None
    number_format = book.format_map[xf.format_key].format_str if xf is not None and xf.format_key in book.format_map \
        else "General"
    indent = float(xf.alignment.indent_level) if xf is not None else 0.0
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        value: object = None
    elif cell.ctype == xlrd.XL_CELL_TEXT:
        value = cell.value or None
    elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
        value = bool(cell.value)
    elif cell.ctype == xlrd.XL_CELL_DATE:
        value = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
    else:  # a number: an integral double is an int, as openpyxl gives it
        value = int(cell.value) if float(cell.value).is_integer() else cell.value
    return SheetCell(value, number_format, indent)
