"""DOCX reader: every Word table as a Grid, with the paragraphs above it as
title / unit line / context.

Cells are read from the XML grid, so a cell spanning columns (``gridSpan``)
or continuing a vertical merge (``vMerge``) leaves None in the positions it
covers, as a PDF table shows them. DOCX has no fixed pages; page numbers
come from the page breaks the file records (rendered ones when the writing
program saved them, else explicit breaks).
"""

from __future__ import annotations

from pathlib import Path

from parsers.model import Grid, ReadResult
from parsers.office import clean_cell, grid_from_lines_and_rows, leading_space_ems

# How many paragraphs above a table can belong to its title block.
_LINES_ABOVE = 6


def read_docx(path: str | Path) -> ReadResult:
    """Read the body of a DOCX document: tables as Grids, all text as page texts."""
    import docx  # deferred: keeps ``countybudget --help`` fast
    from docx.table import Table

    document = docx.Document(str(path))
    body = document.element.body
    pager = _Pager(uses_rendered_breaks=_has(body, "w:lastRenderedPageBreak"))
    grids: list[Grid] = []
    page_lines: dict[int, list[str]] = {}
    recent_lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            rows, row_pages, indents = _table_rows(block, pager)
            for row, page in zip(rows, row_pages):
                page_lines.setdefault(page, []).append(" ".join(c for c in row if c))
            if any(any(r) for r in rows):
                grids.append(grid_from_lines_and_rows(recent_lines[-_LINES_ABOVE:], rows, row_pages, indents=indents))
            recent_lines = []
        else:
            pager.advance(block._p)
            text = clean_cell(block.text)
            if text:
                page_lines.setdefault(pager.page, []).append(text)
                recent_lines.append(text)
    n_pages = max([pager.page, *page_lines])
    page_texts = ["\n".join(page_lines.get(p, [])) for p in range(1, n_pages + 1)]
    return ReadResult(grids=grids, page_texts=page_texts, n_pages=n_pages)


class _Pager:
    """Follows page breaks through the body in reading order."""

    def __init__(self, uses_rendered_breaks: bool) -> None:
        self.page = 1
        self.rendered = uses_rendered_breaks

    def advance(self, element) -> None:
        """Count the page breaks at the start of or inside ``element``."""
        if self.rendered:
            self.page += sum(1 for _ in element.iter(_qn("w:lastRenderedPageBreak")))
            return
        if _has(element, "w:pageBreakBefore"):
            self.page += 1
        self.page += sum(1 for br in element.iter(_qn("w:br")) if br.get(_qn("w:type")) == "page")
        # A section break in a paragraph's properties starts the next section on a new page.
        self.page += sum(1 for _ in element.iter(_qn("w:sectPr")))


def _table_rows(table, pager: _Pager) -> tuple[list[list[str | None]], list[int], list[list[float | None]]]:
    from docx.text.paragraph import Paragraph

    rows: list[list[str | None]] = []
    row_pages: list[int] = []
    indents: list[list[float | None]] = []
    for tr in table._tbl.tr_lst:
        pager.advance(tr)
        cells: list[str | None] = [None] * _grid_before(tr)
        row_indents: list[float | None] = [None] * len(cells)
        for tc in tr.tc_lst:
            span = tc.grid_span
            indent = None
            if tc.vMerge == "continue":
                text = None
            else:
                paragraphs = [(p, Paragraph(p, None).text) for p in tc.iter(_qn("w:p"))]
                text = clean_cell("\n".join(t for _, t in paragraphs))
                first = next(((p, t) for p, t in paragraphs if t.strip()), None)
                if text is not None and first is not None:
                    indent = paragraph_indent(*first)
            cells.append(text)
            cells.extend([None] * (span - 1))
            row_indents.append(indent)
            row_indents.extend([None] * (span - 1))
        rows.append(cells)
        row_pages.append(pager.page)
        indents.append(row_indents)
    width = max((len(r) for r in rows), default=0)
    return (
        [r + [None] * (width - len(r)) for r in rows],
        row_pages,
        [r + [None] * (width - len(r)) for r in indents],
    )


DEFAULT_FONT_PT = 10.5  # 五号, the body size of Chinese office documents


def paragraph_indent(p, text: str) -> float:
    """A cell paragraph's indent in ems (``Grid.indents``): its left and first-line
    indent (in characters where Word records them so, else in twips over
    the run's font size) plus its leading spaces. Indents inherited from a
    style are not followed."""
    indent = leading_space_ems(text)
    ppr = p.find(_qn("w:pPr"))
    ind = ppr.find(_qn("w:ind")) if ppr is not None else None
    if ind is None:
        return indent
    def val(name: str) -> float | None:
        v = ind.get(_qn(f"w:{name}"))
        try:
            return float(v) if v is not None else None
        except ValueError:
            return None
    chars = [val("leftChars"), val("startChars")]
    first_chars, hanging_chars = val("firstLineChars"), val("hangingChars")
    if any(c is not None for c in chars) or first_chars is not None or hanging_chars is not None:
        left = next((c for c in chars if c is not None), 0.0)
        return indent + max(left + (first_chars or 0.0) - (hanging_chars or 0.0), 0.0) / 100
    twips = next((v for v in (val("left"), val("start")) if v is not None), 0.0)
    twips += (val("firstLine") or 0.0) - (val("hanging") or 0.0)
    return indent + max(twips, 0.0) / 20 / _font_pt(p)


def _font_pt(p) -> float:
    for sz in p.iter(_qn("w:sz")):
        try:
            return float(sz.get(_qn("w:val"))) / 2 or DEFAULT_FONT_PT
        except (TypeError, ValueError):
            continue
    return DEFAULT_FONT_PT


def _grid_before(tr) -> int:
    trPr = tr.trPr
    if trPr is None:
        return 0
    gb = trPr.find(_qn("w:gridBefore"))
    return int(gb.get(_qn("w:val"), "0")) if gb is not None else 0


def _has(element, tag: str) -> bool:
    return next(element.iter(_qn(tag)), None) is not None


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)
