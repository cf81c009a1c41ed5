"""DOCX and XLSX readers: grids as printed, merged cells, number formats, type sniffing."""

from __future__ import annotations

from decimal import Decimal

from pathlib import Path

import pytest
from parser_fixtures import HEADER_BOTTOM, HEADER_TOP, ROWS, TABLE_TITLE, TITLE_LINE, UNIT_LINE

from countybudget.sniff import sniff_bytes, sniff_file
from parsers.docx import read_docx
from parsers.tables import interpret_grid
from parsers.xlsx import format_number, read_xlsx


def printed_rows() -> list[list[str | None]]:
    """The data rows as Excel's #,##0.00 prints them."""
    return [[code, name, *(None if a is None else f"{Decimal(a):,.2f}" for a in amounts)] for code, name, *amounts in ROWS]


@pytest.mark.parametrize("reader,fixture", [(read_xlsx, "budget_xlsx"), (read_docx, "budget_docx")])
def test_office_readers_give_the_table_as_printed(reader, fixture, request):
    result = reader(request.getfixturevalue(fixture))
    grid = result.grids[0]
    assert grid.title == TABLE_TITLE
    assert grid.unit_text == UNIT_LINE
    assert TITLE_LINE in grid.context
    # merged cells keep their text in the top-left cell only, as a PDF shows them
    assert grid.cells[0] == HEADER_TOP
    assert grid.cells[1] == HEADER_BOTTOM
    assert grid.cells[2:] == printed_rows()
    assert len(grid.row_pages) == len(grid.cells)


def test_docx_and_xlsx_give_the_same_tables(budget_xlsx, budget_docx):
    from_xlsx = [interpret_grid(g) for g in read_xlsx(budget_xlsx).grids]
    from_docx = [interpret_grid(g) for g in read_docx(budget_docx).grids]
    for table in from_xlsx + from_docx:
        table.pop("pages")  # a sheet is a page in XLSX; DOCX counts page breaks
        for row in table.get("rows") or []:
            row.pop("page", None)
    assert from_xlsx == from_docx


def test_docx_pages_follow_page_breaks(budget_docx):
    result = read_docx(budget_docx)
    assert result.n_pages == 2
    assert "1166.60万元" in result.page_texts[1]
    assert result.grids[0].row_pages == [1] * len(result.grids[0].cells)


def test_xlsx_sheets_are_pages_and_narrative_sheets_give_text(budget_xlsx):
    result = read_xlsx(budget_xlsx)
    assert result.n_pages == 2
    assert "占100%" in result.page_texts[1]


@pytest.mark.parametrize(
    "value,number_format,printed",
    [
        (449.3, "0.00", "449.30"),
        (1166.6, "#,##0.00", "1,166.60"),
        (123456789.125, "0.00", "123456789.13"),  # Excel rounds halves away from zero
        (0, "#,##0.00;-#,##0.00;;@", None),  # empty zero section prints nothing
        (0, '0.00;-0.00;"-"', "-"),
        (-5.5, "#,##0.00;-#,##0.00", "-5.50"),
        (100.0, "General", "100"),
        (0.1 + 0.2, "General", "0.30000000000000004"),  # General shows the stored double
        (0.7520, "0.00%", "75.20%"),
    ],
)
def test_numbers_render_as_excel_prints_them(value, number_format, printed):
    assert format_number(value, number_format) == printed


def test_sniff_trusts_bytes_not_names(tmp_path: Path, budget_xlsx, budget_docx, budget_pdf):
    disguised = tmp_path / "report.pdf"
    disguised.write_bytes(budget_xlsx.read_bytes())
    assert sniff_file(disguised) == "xlsx"
    assert sniff_file(budget_docx) == "docx"
    assert sniff_file(budget_pdf) == "pdf"
    assert sniff_bytes(b"") == "empty"
    assert sniff_bytes(b"\xef\xbb\xbf\r\n<!DOCTYPE html><html><body>") == "html"
    assert sniff_bytes(b"junk\n%PDF-1.7\n") == "pdf"
    assert sniff_bytes(b"GIF89a...") == "unknown"
    not_office = tmp_path / "plain.zip"
    import zipfile

    with zipfile.ZipFile(not_office, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert sniff_file(not_office) == "unknown"
