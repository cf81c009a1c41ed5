"""The parser's internal interface between format readers and table interpretation.

Format readers (PDF, DOCX, XLSX) turn a document into ``Grid``s: the cells of
one logical table as text, row by row, with the page each row came from, plus
the title and unit line printed above it. ``parsers.tables.interpret_grid``
turns a Grid into a typed table dict of the parse-output contract
(docs/contracts.md §4). Readers return a ``ReadResult``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RegionWord:
    """A word printed inside a table's region, where the page shows it."""

    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass
class Grid:
    """One logical table as cell text (continuations over pages already joined)."""

    cells: list[list[str | None]]  # rows of cell text, header rows included, as printed
    row_pages: list[int]  # 1-based page of each row (same length as cells)
    title: str | None = None  # e.g. "部门预算一般公共预算财政拨款支出表"
    unit_text: str | None = None  # e.g. "单位：万元" as printed near the table
    context: list[str] = field(default_factory=list)  # other text lines above the table (unit name, year, 表3)
    header_rows: int | None = None  # number of header rows if the reader knows it (DOCX/XLSX may)
    # Left offset of each cell's text from its cell's left edge, in ems of the
    # table's body text (0 = flush left, 1 = one character indented; None where
    # unknown). Same shape as ``cells``. It carries the printed hierarchy of
    # name-only and summary tables (indented sub-items), which text alone loses.
    indents: list[list[float | None]] | None = None
    # Text printed inside the table's region that the reader put in no cell,
    # as (page, text). The interpreter warns about every amount among it, so no
    # printed figure vanishes without a word (amount conservation).
    stray_text: list[tuple[int, str]] = field(default_factory=list)
    # The words carrying digits printed inside the table's region on the page
    # (PDF only; None where the format has no page geometry): the independent
    # side of the amount-conservation check (parsers/conservation.py).
    region_words: list[RegionWord] | None = None
    # Per cell, the OCR engine's confidence in its text (the least of its
    # characters'), same shape as ``cells``; None for a grid read from a text
    # layer or an Office file (nothing to doubt there).
    confidences: list[list[float | None]] | None = None
    # Cells whose OCR text was read as a figure by taking letters for the digits
    # they resemble (l → 1, O → 0), with the text as recognised: the table's
    # identities confirm or doubt each (parsers/ocr_cells.py).
    read_as: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass
class ReadResult:
    """What a format reader found in one document."""

    grids: list[Grid]
    page_texts: list[str]  # full text of each page (narrative, metadata), 1-based order
    n_pages: int
    warnings: list[str] = field(default_factory=list)
    needs_ocr: bool = False  # True when the document has no text layer (and no OCR engine read it)
    ocr_pages: list[int] = field(default_factory=list)  # 1-based pages read by OCR
