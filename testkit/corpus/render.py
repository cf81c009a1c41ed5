"""Lay printed tables and narratives out as XLSX / DOCX, and convert them to PDF
with LibreOffice headless, the way finance offices export their documents.

Pagination is decided here, not guessed afterwards: every sheet gets explicit
row heights (enough lines for its wrapped cells) and manual page breaks well
inside the printable height, so the page of every row is known; the build then
checks that the PDF has exactly the planned number of pages.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from testkit.corpus.narrative import Paragraph
from testkit.corpus.tables import PrintedTable

FONT = "Noto Sans CJK SC"
BODY_PT = 9
LINE_PT = 12.0  # height of one text line at BODY_PT
POINTS_PER_WIDTH_UNIT = 7.0  # one Excel width unit as LibreOffice prints it (measured on its PDFs)
MARGIN_IN = 0.4
PAGE_PT = {"portrait": (595.0, 842.0), "landscape": (842.0, 595.0)}
FILL = 0.8  # use at most this share of the printable height, so LibreOffice never breaks on its own


class RenderError(RuntimeError):
    """The layout engine did not produce what was planned."""


@dataclass
class SheetPlan:
    n_pages: int
    landscape: bool


def display_units(text: str) -> float:
    """Width of text in Excel width units at BODY_PT (a CJK character is BODY_PT wide)."""
    return sum(1.35 if ord(ch) > 0x2E7F else 0.8 for ch in text)


def lines_needed(text: str, width: float) -> int:
    if not text:
        return 1
    capacity = max(width - 0.6, 1.0)
    return max(1, math.ceil(display_units(text) / capacity))


def printable(landscape: bool) -> tuple[float, float]:
    w, h = PAGE_PT["landscape" if landscape else "portrait"]
    margin = MARGIN_IN * 72
    return w - 2 * margin, h - 2 * margin


def table_width_pt(widths: list[float]) -> float:
    return sum(w * POINTS_PER_WIDTH_UNIT for w in widths)


def fit_orientation(table: PrintedTable) -> None:
    """Turn a table that is too wide for portrait to landscape; shrink it if still too wide."""
    if table_width_pt(table.widths) > printable(False)[0]:
        table.landscape = True
    available = printable(table.landscape)[0] * 0.96
    width = table_width_pt(table.widths)
    if width > available:
        scale = available / width
        table.widths = [round(w * scale, 1) for w in table.widths]


# ------------------------------------------------------------------ XLSX


def header_grid(table: PrintedTable) -> list[tuple[int, int, int, int, str]]:
    """(row, col, rowspan, colspan, text) of every header cell, placing spans like HTML does."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, header_row in enumerate(table.header):
        c = 0
        for cell in header_row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell.rowspan, cell.colspan, cell.text))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return placed


def write_sheet(ws, table: PrintedTable, department: str, numeric: bool) -> SheetPlan:  # noqa: ANN001
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break

    fit_orientation(table)
    n_cols = len(table.widths)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    font = Font(name=FONT, size=BODY_PT)
    bold = Font(name=FONT, size=BODY_PT, bold=True)
    wrap = Alignment(wrap_text=True, vertical="center")
    centre = Alignment(wrap_text=True, vertical="center", horizontal="center")
    right = Alignment(wrap_text=True, vertical="center", horizontal="right")
    for i, width in enumerate(table.widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width

    # row 1 title, row 2 unit line, then headers, then body
    ws.cell(1, 1, table.title).font = Font(name=FONT, size=14, bold=True)
    ws.cell(1, 1).alignment = centre
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n_cols)
    title_lines = math.ceil(sum(2.0 if ord(ch) > 0x2E7F else 1.1 for ch in table.title) / sum(table.widths))
    ws.row_dimensions[1].height = 22 * title_lines + 4
    ws.cell(2, 1, f"单位名称：{department}").font = font
    if n_cols > 2:
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=max(1, n_cols - 2))
    if table.unit:
        ws.cell(2, n_cols, f"单位：{table.unit}").font = font
        ws.cell(2, n_cols).alignment = right
    ws.row_dimensions[2].height = LINE_PT * 1.6
    ws.cell(2, 1).alignment = Alignment(vertical="center")

    first_header = 3
    header_lines = [1] * len(table.header)
    for r, c, rowspan, colspan, text in header_grid(table):
        row, col = first_header + r, 1 + c
        cell = ws.cell(row, col, text)
        cell.font, cell.alignment = bold, centre
        width = sum(table.widths[c:c + colspan])
        header_lines[r] = max(header_lines[r], math.ceil(lines_needed(text, width) / rowspan))
        if rowspan > 1 or colspan > 1:
            ws.merge_cells(start_row=row, start_column=col, end_row=row + rowspan - 1, end_column=col + colspan - 1)
    for r in range(len(table.header)):
        for c in range(n_cols):
            ws.cell(first_header + r, 1 + c).border = border
        ws.row_dimensions[first_header + r].height = header_lines[r] * LINE_PT + 4
    first_body = first_header + len(table.header)
    repeat_pt = ws.row_dimensions[2].height + sum(h * LINE_PT + 4 for h in header_lines)
    ws.print_title_rows = f"2:{first_body - 1}"

    available = printable(table.landscape)[1] * FILL
    used = ws.row_dimensions[1].height + repeat_pt
    page = 1
    for i, printed in enumerate(table.rows):
        row = first_body + i
        lines = max(lines_needed(text, table.widths[c]) for c, text in enumerate(printed.cells))
        height = lines * LINE_PT + 4
        if used + height > available:
            ws.row_breaks.append(Break(id=row - 1))
            page += 1
            used = repeat_pt
        used += height
        ws.row_dimensions[row].height = height
        for c, text in enumerate(printed.cells):
            value: object = text
            if numeric and c >= 1 and _is_figure(text):
                value = Decimal(text.replace(",", ""))
            cell = ws.cell(row, 1 + c, value)
            cell.font = bold if printed.bold else font
            cell.border = border
            cell.alignment = right if _is_figure(text) else wrap
            if numeric and isinstance(value, Decimal):
                cell.number_format = "#,##0.00"
        for truth in printed.truths:
            truth["page"] = page
    if table.note:
        note_row = first_body + len(table.rows)
        ws.cell(note_row, 1, table.note).font = font
        ws.merge_cells(start_row=note_row, start_column=1, end_row=note_row, end_column=n_cols)
        ws.row_dimensions[note_row].height = LINE_PT * 2
    ws.page_setup.orientation = "landscape" if table.landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_margins.left = ws.page_margins.right = MARGIN_IN
    ws.page_margins.top = ws.page_margins.bottom = MARGIN_IN
    ws.page_margins.header = ws.page_margins.footer = 0
    ws.print_options.horizontalCentered = True
    return SheetPlan(page, table.landscape)


_FIGURE = re.compile(r"^-?[\d,]*\d\.\d\d$")  # amounts print with two decimals; serial numbers do not


def _is_figure(text: str) -> bool:
    return bool(_FIGURE.match(text))


def write_workbook(tables: list[PrintedTable], path: Path, department: str, numeric: bool = False) -> list[SheetPlan]:
    """One sheet per table, named 表1, 表2 … like the seeds' table index."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    plans = []
    for i, table in enumerate(tables, start=1):
        plans.append(write_sheet(wb.create_sheet(f"表{i}"), table, department, numeric))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    make_reproducible(path)
    return plans


FIXED_TIMESTAMP = "2024-01-01T00:00:00Z"
_CORE_DATES = re.compile(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def make_reproducible(path: Path) -> None:
    """Rewrite an OOXML zip with fixed entry times and document dates, so a rebuild
    of unchanged content gives the same bytes (and the same sha256)."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        entries = [(info.filename, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = _CORE_DATES.sub(rf"\g<1>{FIXED_TIMESTAMP}\g<2>", data.decode("utf-8")).encode("utf-8")
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data,
                             compress_type=zipfile.ZIP_DEFLATED)


# ------------------------------------------------------------------ DOCX


def _docx_font(run, size: float | None = None, bold: bool = False) -> None:  # noqa: ANN001
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = FONT
    run._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    if size:
        run.font.size = Pt(size)
    run.bold = bold


def write_paragraphs(doc, paragraphs: list[Paragraph]) -> None:  # noqa: ANN001
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    for para in paragraphs:
        p = doc.add_paragraph()
        run = p.add_run(para.text)
        _docx_font(run, 14 if para.heading else 11, bold=para.heading)
        if para.heading:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def write_docx_table(doc, table: PrintedTable) -> None:  # noqa: ANN001
    """A Word table: title paragraph, unit line, header rows (merged), body."""
    title = doc.add_paragraph()
    _docx_font(title.add_run(table.title), 12, bold=True)
    if table.unit:
        _docx_font(doc.add_paragraph().add_run(f"单位：{table.unit}"), 9)
    n_cols = len(table.widths)
    grid = doc.add_table(rows=len(table.header) + len(table.rows), cols=n_cols)
    grid.style = "Table Grid"
    for r, c, rowspan, colspan, text in header_grid(table):
        cell = grid.cell(r, c)
        if rowspan > 1 or colspan > 1:
            cell = cell.merge(grid.cell(r + rowspan - 1, c + colspan - 1))
        cell.text = ""
        _docx_font(cell.paragraphs[0].add_run(text), 9, bold=True)
    for i, printed in enumerate(table.rows):
        for c, text in enumerate(printed.cells):
            _docx_font(grid.cell(len(table.header) + i, c).paragraphs[0].add_run(text), 9, bold=printed.bold)
    if table.note:
        _docx_font(doc.add_paragraph().add_run(table.note), 9)


def write_docx(path: Path, paragraphs: list[Paragraph], tables: list[PrintedTable] = ()) -> None:  # type: ignore[assignment]
    from docx import Document

    doc = Document()
    write_paragraphs(doc, paragraphs)
    for table in tables:
        write_docx_table(doc, table)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    make_reproducible(path)


# ------------------------------------------------------------------ PDF


def soffice_to_pdf(source: Path, out_dir: Path) -> Path:
    """Convert with LibreOffice headless, in a private profile so parallel users do not collide."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise RenderError("LibreOffice (soffice) is needed to rebuild the corpus PDFs")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cb-soffice-") as profile:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
             "--outdir", str(out_dir), str(source)],
            check=True, capture_output=True, timeout=300,
        )
    pdf = out_dir / (source.stem + ".pdf")
    if not pdf.exists():
        raise RenderError(f"LibreOffice produced no PDF for {source}")
    return pdf


def merge_pdfs(parts: list[Path], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["qpdf", "--deterministic-id", "--empty", "--pages", *map(str, parts), "--", str(out)],
                   check=True, capture_output=True)


def pdf_page_count(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def locate_claims(pdf_path: Path, paragraphs: list[Paragraph]) -> None:
    """Set each claim's page to the page whose text layer contains it."""
    import pdfplumber

    with pdfplumber.open(pdf_path) as pdf:
        pages = [compact(p.extract_text() or "") for p in pdf.pages]
    for para in paragraphs:
        for c in para.claims:
            needle = compact(c["text"])
            hits = [i for i, text in enumerate(pages, start=1) if needle in text]
            if not hits:  # the claim runs over a page break: find where it starts
                head = needle[: max(6, len(needle) // 2)]
                hits = [i for i, text in enumerate(pages, start=1) if head in text]
            if not hits:
                raise RenderError(f"claim not found in {pdf_path.name}: {c['text']}")
            c["page"] = hits[0]
