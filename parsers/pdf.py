"""PDF reader: reconstruct every table's grid from glyphs, ruling lines and
column alignment.

Each page is read once (its characters and its ruling segments: lines,
thin or stroked rectangles, straight pieces of paths); there is no per-cell
cropping, so full parsing runs at about the speed of plain text extraction.

- *Ruled* tables: connected rulings form a frame. Horizontal rulings give
  the rows; the vertical rulings crossing each row give its cells (a cell
  spanning columns puts its text in the first column it covers; a "border"
  that text runs across is an invisible cell edge and is ignored). Text
  wrapped inside a cell is rejoined in reading order: ``2010``/``301`` →
  ``2010301``, ``950.``/``10`` → ``950.10``. A band whose numbers cannot be
  one wrapped number holds several rows (only its outline is drawn) and is
  read as an unruled table.
- *Unruled* tables: columns come from the alignment of amounts and words;
  each row is anchored on the line(s) carrying its amounts, and the pieces
  of wrapped cells join the nearest anchor (see ``unruled_rows``).
- Title and ``单位：…`` come from the text blocks above the table (or drawn
  inside its border), a note such as ``注：本表无数据`` from the line below.
- Tables continued over pages are joined when the next page opens with a
  table without a new title whose header (if any) repeats; repeated header
  rows and ``栏次`` rows are dropped, a row broken by the page break is
  rejoined, and running headers/footers and page numbers (page furniture)
  never become rows.
- A page with (almost) no text over an image, or whose text is unmapped
  ``(cid:…)`` glyphs, is read by OCR (parsers/ocr.py: glyphs and rulings from
  its image, then the same reconstruction); a good text layer never is. A
  document still without text (no OCR engine, a scan under 100 dpi) is
  reported as ``needs_ocr``. A page that cannot be
  read is a warning; the other pages are still read.

All thresholds are relative to the font size; nothing keys on page
coordinates, titles or a particular office program.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from countybudget.money import UNIT_LABEL_RE as UNIT_RE
from parsers.layout import (
    Frame,
    column_of,
    Glyph,
    Ruling,
    TextLine,
    Word,
    CellSpan,
    cell_texts_and_lefts,
    column_bounds_from_text,
    em_size,
    find_frames,
    group_lines,
    is_amount_token,
    median_size,
    split_words,
    is_digit_glyph,
)
from parsers import ocr
from parsers.ocr_cells import mark_letter_digits
from parsers.codes import NUMBERING
from parsers.model import Grid, ReadResult, RegionWord

PAGE_NUMBER_RE = re.compile(r"^[-—–_\s]*(第\s*)?[0-9]+\s*(页)?(\s*[/／]\s*(共\s*)?[0-9]+\s*页?)?[-—–_\s]*$")
NOTE_RE = re.compile(r"^(注|备注|说明)\s*[0-9一二三四五六七八九十]*\s*[:：.、]")
HEADER_WORD_RE = re.compile(r"项目|科目|名称|编码|代码|合计|支出|收入|预算|金额|栏次|序号|单位|经费|指标")
EMPTY_NOTE_RE = re.compile(r"本表无数据|无数据|空表|本表为空")
TITLE_HINT_RE = re.compile(r"表\s*[0-9一二三四五六七八九十]*\s*(（[^）]*）|\([^)]*\))?\s*$|^(附表|表)\s*[0-9]")
STUB_RE = re.compile(r"^(部门|单位|编制单位|预算单位|部门名称|单位名称|填报单位)\s*[:：]")

# How wide a line with a single word must be (share of page width) to count
# as running narrative text rather than a table row.
NARRATIVE_WIDTH = 0.55
# A gap between two words this many font sizes wide separates table cells.
CELL_GAP = 1.5
# Share of pages a margin line must repeat on to count as a running header/footer.
FURNITURE_SHARE = 0.5
MARGIN = 0.1


@dataclass
class PageTable:
    """One table (or the part of a table) found on one page."""

    page: int
    rows: list[list[str]]
    row_tops: list[float]
    bounds: list[float]  # x boundaries between columns
    title: str | None
    unit_text: str | None
    context: list[str]
    first_on_page: bool
    last_on_page: bool = False
    # Per cell, where its text starts: for a row of a ruled table (``ruled``
    # True) the offset from the cell's own left border, else the page x; the
    # Grid's indents are made from these once the pages are joined.
    lefts: list[list[CellSpan | None]] = field(default_factory=list)
    ruled: list[bool] = field(default_factory=list)
    em: float = 10.0  # one character of the table's body text
    stray: list[str] = field(default_factory=list)  # text in the region that is in no cell
    words: list[RegionWord] = field(default_factory=list)  # words with digits printed in the region

    def __post_init__(self) -> None:
        if not self.lefts:
            self.lefts = [[None] * len(r) for r in self.rows]
        if not self.ruled:
            self.ruled = [False] * len(self.rows)


@dataclass
class PageText:
    number: int
    text: str
    margin_lines: list[str] = field(default_factory=list)


def read_pdf(path: str | Path) -> ReadResult:
    """Read a PDF: tables as Grids, text per page; no text layer → needs_ocr."""
    from parsers.pdfium_page import open_pages  # deferred: keeps ``countybudget --help`` fast

    page_tables: list[PageTable] = []
    pages: list[PageText] = []
    glyph_counts: list[int] = []
    unmapped = 0  # glyphs of fonts without a Unicode map, read as "(cid:123)"
    warnings: list[str] = []
    first_error: Exception | None = None
    ocr_pages: list[int] = []  # pages read by OCR (no usable text layer)
    scans: list = []  # the pypdfium2 document, opened once if a page needs OCR
    coarse: list[int] = []  # dpi of scanned pages too coarse to OCR
    with open_pages(path) as document_pages:  # PDFium where it reads a page as pdfplumber would
        for number, page in enumerate(document_pages, start=1):
            try:
                glyphs = page_glyphs(page)
                # the page's glyphs are scanned once, and only a page without usable text asks for the engine
                unusable = ocr.text_layer_unusable(glyphs) and ocr.ocr_available()
                images = ocr.page_images(_scan_document(path, scans), number - 1) if unusable else []
                if unusable and ocr.page_needs_ocr(glyphs, bool(images)):
                    native = ocr.scan_dpi(images)
                    if ocr.too_coarse(native):
                        coarse.append(round(native or 0))
                        rulings = []
                    else:
                        glyphs, rulings = ocr_page(path, number, ocr.render_dpi(native), scans)
                        ocr_pages.append(number)
                else:
                    rulings = page_rulings(page, median_size(glyphs))
                tables, text, margin = read_page(number, glyphs, rulings, float(page.width), float(page.height))
            except MemoryError:
                raise
            except Exception as exc:  # one broken page must not lose the others
                first_error = first_error or exc
                warnings.append(f"page {number}: unreadable ({type(exc).__name__}: {str(exc)[:120]})")
                glyphs, tables, text, margin = [], [], "", []
            finally:
                page.close()  # drop pdfminer's layout of the page: memory stays flat
            page_tables.extend(tables)
            pages.append(PageText(number, text, margin))
            glyph_counts.append(len(glyphs))
            unmapped += sum(1 for g in glyphs if g.text.startswith("(cid:"))
    for scan in scans:
        scan.close()
    n_pages = len(pages)
    if first_error is not None and len(warnings) == n_pages:
        raise first_error  # not one page could be read: the document is broken
    no_text = sum(1 for c in glyph_counts if c >= 20) <= n_pages * 0.1 and sum(glyph_counts) < 20 * n_pages
    if n_pages and (no_text or unmapped > 0.5 * sum(glyph_counts)):
        if coarse:
            reason = (f"no text layer: the pages are images scanned at {min(coarse)} dpi, below the "
                      f"{ocr.MIN_SCAN_DPI} dpi OCR reads figures reliably at; OCR needs a finer scan")
        elif ocr_pages:
            reason = "no text layer: the pages are images and OCR found no text on them"
        elif no_text:
            reason = "no text layer: the pages are images (scanned); OCR is needed"
        else:
            reason = "unreadable text layer: its fonts have no Unicode map; OCR is needed"
        return ReadResult(grids=[], page_texts=[p.text for p in pages], n_pages=n_pages, warnings=[*warnings, reason], needs_ocr=True)
    furniture = running_furniture(pages)
    for t in page_tables:
        drop_furniture_rows(t, furniture)
    page_tables = [t for t in page_tables if t.rows]
    grids = join_continuations(page_tables)
    for grid in grids:
        if ocr_pages and set(grid.row_pages) & set(ocr_pages):
            ocr.repair_grid_text(grid.cells, grid.indents)
            mark_letter_digits(grid)
    if ocr_pages:
        warnings.append(f"read by OCR (no usable text layer): pages {_page_ranges(ocr_pages)}")
    return ReadResult(grids=grids, page_texts=[p.text for p in pages], n_pages=n_pages, warnings=warnings,
                      ocr_pages=ocr_pages)


def _scan_document(path: str | Path, scans: list):  # noqa: ANN202
    """The pypdfium2 document for OCR, opened once per read."""
    import pypdfium2

    if not scans:
        scans.append(pypdfium2.PdfDocument(str(path)))
    return scans[0]


def ocr_page(path: str | Path, number: int, dpi: int, scans: list) -> tuple[list[Glyph], list[Ruling]]:
    """Glyphs and rulings of a page without a usable text layer, by OCR of its image."""
    return ocr.read_pdf_page(_scan_document(path, scans), number - 1, dpi)


def _page_ranges(numbers: list[int]) -> str:
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in spans)


def char_boxes(page) -> list[tuple[str, float, float, float, float]]:
    """The page's characters as (text, x0, x1, top, bottom): a PDFium page keeps
    them so; a pdfplumber page's dicts are read once."""
    boxes = getattr(page, "char_boxes", None)
    if boxes is None:
        boxes = [(c["text"], c["x0"], c["x1"], c["top"], c["bottom"]) for c in page.chars]
    return boxes


def page_glyphs(page) -> list[Glyph]:
    out: list[Glyph] = []
    folded = _FOLDED
    for text, x0, x1, top, bottom in char_boxes(page):
        shown = folded.get(text)
        if shown is None:
            shown = folded[text] = _glyph_text(text)
        if shown:
            out.append(Glyph(shown, x0, x1, top, bottom))
    return out


_FOLDED: dict[str, str] = {}  # a character's text as read, per character printed (a few thousand)


def _glyph_text(text: str) -> str:
    """What a printed character reads as; "" for whitespace (no glyph)."""
    if not text or text.isspace():
        return ""
    return unicodedata.normalize("NFKC", text) if _is_fullwidth(text) else text


def _is_fullwidth(text: str) -> bool:
    # full-width digits and ASCII punctuation (０-９ ， ． －) read as their plain forms;
    # Chinese punctuation such as （ ） ： stays as printed.
    return all(0xFF01 <= ord(ch) <= 0xFF5E and ch not in "（）：；，" for ch in text)


def page_rulings(page, font_size: float) -> list[Ruling]:
    """Ruling segments: drawn lines, stroked rectangles, and thin filled
    rectangles (how Excel and WPS draw borders). Wider filled rectangles are
    cell backgrounds (often white, one per cell), not rulings."""
    min_len = max(font_size * 0.8, 3.0)
    thin = max(font_size * 0.25, 2.5)
    rulings: list[Ruling] = []

    def add(vertical: bool, pos: float, start: float, end: float) -> None:
        if end - start >= min_len:
            rulings.append(Ruling(vertical, pos, start, end))

    for ln in page.lines:
        if abs(ln["x1"] - ln["x0"]) >= abs(ln["bottom"] - ln["top"]):
            add(False, (ln["top"] + ln["bottom"]) / 2, ln["x0"], ln["x1"])
        else:
            add(True, (ln["x0"] + ln["x1"]) / 2, ln["top"], ln["bottom"])
    for curve in page.curves:  # polylines (several borders in one path) come as curves
        for (x0, y0), (x1, y1) in _straight_segments(curve.get("path") or []):
            if abs(x1 - x0) <= 0.5:
                add(True, x0, min(y0, y1), max(y0, y1))
            elif abs(y1 - y0) <= 0.5:
                add(False, y0, min(x0, x1), max(x0, x1))
    for r in page.rects:
        x0, x1, top, bottom = r["x0"], r["x1"], r["top"], r["bottom"]
        if x1 - x0 <= thin and bottom - top > thin:
            add(True, (x0 + x1) / 2, top, bottom)
        elif bottom - top <= thin and x1 - x0 > thin:
            add(False, (top + bottom) / 2, x0, x1)
        elif r.get("stroke"):
            add(False, top, x0, x1)
            add(False, bottom, x0, x1)
            add(True, x0, top, bottom)
            add(True, x1, top, bottom)
    return _outside_glyphs(rulings, page, limit=font_size * 2.5)


def _outside_glyphs(rulings: list[Ruling], page, limit: float) -> list[Ruling]:
    """Drop the segments that lie inside one printed character's box: strokes of a glyph
    drawn as paths (a Type 3 font, or a PDF re-rendered by cairo), not borders — a border
    runs between characters, and a glyph's stroke as a ruling pulls a title into its table.
    Only segments shorter than ``limit`` (a glyph's size) are looked at."""
    short = [i for i, r in enumerate(rulings) if r.end - r.start <= limit]
    if not short:
        return rulings
    chars = char_boxes(page)
    if not chars:
        return rulings
    bucket = max(limit, 1.0)
    boxes: dict[int, list[tuple[float, float, float, float]]] = defaultdict(list)
    for text, x0, x1, top, bottom in chars:
        if (text or "").strip():
            for b in range(int(top // bucket), int(bottom // bucket) + 1):
                boxes[b].append((x0, top, x1, bottom))
    pad = 0.5
    inside: set[int] = set()
    for i in short:
        r = rulings[i]
        x0, x1, y0, y1 = (r.pos, r.pos, r.start, r.end) if r.vertical else (r.start, r.end, r.pos, r.pos)
        for bx0, btop, bx1, bbottom in boxes.get(int(y0 // bucket), ()):
            if bx0 - pad <= x0 and x1 <= bx1 + pad and btop - pad <= y0 and y1 <= bbottom + pad:
                inside.add(i)
                break
    return [r for i, r in enumerate(rulings) if i not in inside] if inside else rulings


def _straight_segments(path: list[tuple]) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The straight pieces ("l" and closing "h") of a path given as (op, *points)."""
    segments = []
    current = start = None
    for op, *pts in path:
        if op == "m" and pts:
            current = start = pts[-1]
        elif op == "l" and pts and current is not None:
            segments.append((current, pts[-1]))
            current = pts[-1]
        elif op == "h" and current is not None and start is not None:
            segments.append((current, start))
            current = start
        elif pts:
            current = pts[-1]
    return segments


def read_page(
    number: int, glyphs: list[Glyph], rulings: list[Ruling], width: float, height: float
) -> tuple[list[PageTable], str, list[str]]:
    """The tables of one page, its text, and its margin lines (furniture candidates)."""
    lines = group_lines(glyphs)
    text = "\n".join(" ".join(w.text for w in ln.words) for ln in lines)
    margin = [
        _furniture_key(" ".join(w.text for w in ln.words))
        for ln in lines
        if ln.bottom < height * MARGIN or ln.top > height * (1 - MARGIN)
    ]
    size = median_size(glyphs)
    frames = [f for f in find_frames(rulings, tol=max(size * 0.2, 1.5)) if _frame_has_text(f, glyphs)]
    tables = ruled_tables(number, lines, frames, size) + unruled_tables(number, lines, frames, size, width, height)
    tables.sort(key=lambda t: t.row_tops[0] if t.row_tops else 0.0)
    for i, t in enumerate(tables):
        t.first_on_page = i == 0
        t.last_on_page = i == len(tables) - 1
    return tables, text, margin


def _frame_has_text(frame: Frame, glyphs: list[Glyph]) -> bool:
    return len(frame.inside(glyphs)) >= 2


def _furniture_key(text: str) -> str:
    return re.sub(r"[0-9\s]+", "#", text)


# ---------------------------------------------------------------- ruled tables


def ruled_tables(number: int, lines: list[TextLine], frames: list[Frame], size: float) -> list[PageTable]:
    tables: list[PageTable] = []
    previous_bottom = 0.0
    for k, frame in enumerate(frames):
        inside = [g for ln in lines for g in frame.inside(ln.glyphs)]
        above = [
            ln for ln in lines
            if previous_bottom - 1 <= ln.top and ln.top < frame.top and not _in_any(ln, frames)
        ]
        previous_bottom = frame.bottom
        preamble, rows, tops, bounds, lefts, ruled = frame_rows(frame, inside, size)
        if not rows:
            continue
        title, unit_text, context = title_block(above + preamble)
        next_top = frames[k + 1].top if k + 1 < len(frames) else float("inf")
        note = note_below(lines, frame.bottom, next_top, frames)
        if note is not None:
            rows.append([note.text] + [""] * len(bounds))
            tops.append(note.top)
            lefts.append([None] * (len(bounds) + 1))
            ruled.append(False)
        stray, words = _frame_region(number, frame, frames, lines, note)
        tables.append(
            PageTable(number, rows, tops, bounds, title, unit_text, context, False,
                      lefts=lefts, ruled=ruled, em=em_size(inside, size), stray=stray, words=words)
        )
    return tables


def _frame_region(
    number: int, frame: Frame, frames: list[Frame], lines: list[TextLine], note: TextLine | None
) -> tuple[list[str], list[RegionWord]]:
    """What a ruled table's region holds besides its cells: the text of its
    lines that runs outside every frame (a line counts as the frame's when
    most of it is inside, so those glyphs reach no cell), and every word with
    digits printed in it (the frame, those lines, the note under it)."""
    stray: list[str] = []
    words: list[RegionWord] = []
    for ln in lines:
        if ln.bottom < frame.top - 2 or ln.top > frame.bottom + 2:
            if ln is note:
                words.extend(_region_words(number, ln.words))
            continue
        owned = len(frame.inside(ln.glyphs)) * 2 > len(ln.glyphs)
        outside = [g for g in ln.glyphs if not any(f.contains(g) for f in frames)]
        if owned and outside:
            stray.extend(w.text for w in split_words(outside))
        words.extend(_region_words(number, [
            w for w in ln.words
            if _word_in(w, frame) or (owned and not any(_word_in(w, f) for f in frames))
        ]))
    return stray, words


def _word_in(w: Word, frame: Frame, pad: float = 1.0) -> bool:
    xc, yc = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
    return frame.x0 - pad <= xc <= frame.x1 + pad and frame.top - pad <= yc <= frame.bottom + pad


def _region_words(number: int, words: list[Word]) -> list[RegionWord]:
    return [RegionWord(number, w.text, w.x0, w.x1, w.top, w.bottom) for w in words if any(c.isdigit() for c in w.text)]


def note_below(lines: list[TextLine], bottom: float, limit: float, frames: list[Frame]) -> TextLine | None:
    """The note printed right under a table (注：本表无数据 …), if any."""
    for ln in lines:
        if ln.top >= bottom - 1 and ln.bottom <= limit and not _in_any(ln, frames):
            return ln if NOTE_RE.match(ln.text) or EMPTY_NOTE_RE.search(ln.text) else None
    return None


def _in_any(line: TextLine, frames: list[Frame]) -> bool:
    return any(len(f.inside(line.glyphs)) * 2 > len(line.glyphs) for f in frames)


def frame_rows(
    frame: Frame, glyphs: list[Glyph], size: float
) -> tuple[list[TextLine], list[list[str]], list[float], list[float], list[list[CellSpan | None]], list[bool]]:
    """Cell text of a ruled frame: horizontal rulings give the rows; the
    vertical rulings crossing each row give its cells (a cell spanning
    columns puts its text in the first column it covers). Title and unit
    lines drawn inside the frame come back as preamble; a band that holds
    several full rows (only its outline is drawn) is split by text line.
    Also returns where each cell's text starts: the offset from the cell's
    left border, or the page x where the columns are not drawn (``ruled``)."""
    tol = max(size * 0.3, 1.5)
    inner_y = [y for y in frame.ys if frame.top + tol < y < frame.bottom - tol]
    band_edges = [frame.top, *inner_y, frame.bottom]
    bands: list[list[Glyph]] = [[] for _ in range(len(inner_y) + 1)]
    for g in glyphs:
        bands[bisect_right(inner_y, g.yc)].append(g)
    band_lines = {k: group_lines(b) for k, b in enumerate(bands) if b}
    columns = [x for x in frame.xs if frame.x0 + tol < x < frame.x1 - tol]
    drawn_columns = len(columns) >= 2
    if not drawn_columns:
        columns = column_bounds_from_text([ln for bl in band_lines.values() for ln in bl])
    preamble: list[TextLine] = []
    rows: list[list[str]] = []
    tops: list[float] = []
    lefts: list[list[CellSpan | None]] = []
    ruled: list[bool] = []
    bands_of: list[int | None] = []  # the band a row fills alone, None for a band of several rows
    for k, lines in band_lines.items():
        local = columns
        if drawn_columns:
            crossing = frame.xs_across(band_edges[k], band_edges[k + 1], tol)
            local = [x for x in crossing if frame.x0 + tol < x < frame.x1 - tol]
            local = [x for x in local if not _overflowed(x, lines, size)]
        if not rows and _is_preamble_band(lines, local, drawn_columns):
            preamble.extend(lines)
            continue
        if len(lines) > 1 and band_holds_several_rows(lines, local):
            band_rows, band_tops, band_lefts = unruled_rows(lines, local, size)
        else:
            # columns seen only in the text's alignment cut no word (a centred
            # header over two columns stays whole), as in unruled tables
            texts, xs = cell_texts_and_lefts(lines, local, by_word=not drawn_columns)
            band_rows, band_tops, band_lefts = [texts], [lines[0].top], [xs]
        for r, xs in zip(band_rows, band_lefts):
            cells, offsets = _spread(r, xs, local, columns, frame.x0, tol, drawn_columns)
            rows.append(cells)
            lefts.append(offsets)
            ruled.append(drawn_columns)
            bands_of.append(k if len(band_rows) == 1 else None)
        tops.extend(band_tops)
    if drawn_columns:
        _join_merged_header_cells(frame, band_edges, columns, tol, rows, tops, lefts, ruled, bands_of)
    return preamble, rows, tops, columns, lefts, ruled


def _join_merged_header_cells(
    frame: Frame, band_edges: list[float], columns: list[float], tol: float,
    rows: list[list[str]], tops: list[float], lefts: list, ruled: list[bool], bands_of: list[int | None],
) -> None:
    """A header cell merged over two or more rows has no ruling under its
    upper part: text wrapped inside it ("财政专" / "户拨款") that the rows'
    rulings elsewhere cut in two is one cell, read into its topmost row.
    Only header rows (above the first row of figures) are joined."""
    edges = [frame.x0, *columns, frame.x1]
    first_body = next((i for i, r in enumerate(rows) if _is_body_row(r)), len(rows))
    owner: list[int | None] = [None] * (len(columns) + 1)
    for i in range(first_body):
        k = bands_of[i]
        prev = bands_of[i - 1] if i else None
        for j in range(len(columns) + 1):
            if k is None or prev is None or k != prev + 1:
                owner[j] = i
                continue
            if frame.drawn_across(band_edges[k], edges[j], edges[j + 1], tol):
                owner[j] = i  # a ruling under the cell above: a new cell starts here
                continue
            up = owner[j]  # the cell goes on: its text joins the first row of it that has text
            if up is not None and rows[up][j] and rows[i][j]:
                rows[up][j] = rows[up][j] + rows[i][j]
                rows[i][j] = ""
            elif rows[i][j] and (up is None or not rows[up][j]):
                owner[j] = i
    keep = [i for i, r in enumerate(rows) if any(r) or i >= first_body]
    if len(keep) < len(rows):
        for seq in (rows, tops, lefts, ruled, bands_of):
            seq[:] = [seq[i] for i in keep]


def _is_preamble_band(lines: list[TextLine], local: list[float], drawn_columns: bool) -> bool:
    """A title, table number or unit line drawn inside the table's border."""
    if any(is_amount_token(w.text) for ln in lines for w in ln.words if not UNIT_RE.search(ln.text)):
        return False
    if any(UNIT_RE.search(ln.text) or STUB_RE.match(ln.text) for ln in lines):
        return True
    return drawn_columns and not local


def _spread(
    row: list[str], xs: list[CellSpan | None], local: list[float], columns: list[float], x0: float, tol: float,
    drawn: bool,
) -> tuple[list[str], list[CellSpan | None]]:
    """Cells of a row with its own borders, placed in the table's columns,
    and where each cell's text lies (its start from its left border where drawn)."""
    borders = [x0, *local]
    offsets = [None if x is None else (x.shifted(b) if drawn else x) for x, b in zip(xs, borders)]
    if local is columns:
        return row, offsets
    out = [""] * (len(columns) + 1)
    out_offsets: list[CellSpan | None] = [None] * (len(columns) + 1)
    for left, text, off in zip(borders, row, offsets):
        if text:
            j = column_of(left + tol, columns)
            out[j] = out[j] + text
            out_offsets[j] = off if out_offsets[j] is None else out_offsets[j].joined(off)
    return out, out_offsets


def _overflowed(x: float, lines: list[TextLine], size: float) -> bool:
    """Text never runs across a real border: a "border" that a glyph straddles,
    or that falls between two glyphs set without a gap, is an invisible cell
    edge the text overflows."""
    for ln in lines:
        for a, b in zip(ln.glyphs, ln.glyphs[1:]):
            if a.x0 < x < a.x1 and min(x - a.x0, a.x1 - x) > 0.25 * (a.x1 - a.x0):
                return True
            # (an amount right-aligned against the border of a text cell
            # that starts flush left is two cells, not one run of text)
            if a.x1 <= x <= b.x0 and b.x0 - a.x1 < 0.1 * size and is_digit_glyph(a) == is_digit_glyph(b):
                return True
    return False


def band_holds_several_rows(lines: list[TextLine], bounds: list[float]) -> bool:
    """True when the amounts of one ruled band cannot be one wrapped cell:
    the pieces of some column, read in order, do not make one number
    ("950.1" + "0" does, "950.10" + "733.60" does not)."""
    pieces: dict[int, list[str]] = {}
    for ln in lines:
        for w in ln.words:
            if is_amount_token(w.text):
                pieces.setdefault(column_of((w.x0 + w.x1) / 2, bounds), []).append(w.text)
    return any(len(p) > 1 and not is_single_number("".join(p)) for p in pieces.values())


def is_single_number(text: str) -> bool:
    """A number as printed: digits with at most one decimal point and, if
    thousands separators are used, groups of three."""
    s = text.replace("，", ",")
    m = re.fullmatch(r"[-+]?(\d+(?:,\d{3})*|\d*)(\.\d+)?", s)
    if not m or not re.search(r"\d", s):
        return False
    head = m.group(1)
    return "," not in head or re.fullmatch(r"\d{1,3}(,\d{3})+", head) is not None


# -------------------------------------------------------------- unruled tables


def unruled_tables(
    number: int, lines: list[TextLine], frames: list[Frame], size: float, width: float, height: float
) -> list[PageTable]:
    """Tables without ruling lines: runs of text lines laid out in columns."""
    free = [ln for ln in lines if not _in_any(ln, frames)]
    tables: list[PageTable] = []
    i = 0
    block_start = 0
    while i < len(free):
        if not _is_tabular(free[i], size, width):
            i += 1
            continue
        j = i
        while j < len(free) and not _ends_table(free[j], size, width):
            j += 1
        run = free[i:j]
        above = free[block_start:i]
        heading_seen = any(UNIT_RE.search(ln.text) or TITLE_HINT_RE.search(ln.text) for ln in above)
        top_of_page = all(ln.top < height * 0.2 or PAGE_NUMBER_RE.match(ln.text) for ln in above) if above else True
        amount_lines = sum(1 for ln in run if any(is_amount_token(w.text) for w in ln.words))
        if amount_lines >= 1 and (heading_seen or top_of_page) and _has_columns(run, size):
            continuation = not heading_seen
            if continuation:
                # a page that opens mid-table: its first lines may be pieces of a wrapped row
                # (lines in the top margin are running headers, not table text)
                lead = [ln for ln in above if not PAGE_NUMBER_RE.match(ln.text) and ln.top > height * MARGIN]
                if len(lead) <= 3:
                    run, above = lead + run, []
            bounds = column_bounds_from_text(run)
            rows, tops, lefts = unruled_rows(run, bounds, size, continuation)
            title, unit_text, context = title_block(above)
            words = _region_words(number, [w for ln in run for w in ln.words])
            if j < len(free) and (NOTE_RE.match(free[j].text) or EMPTY_NOTE_RE.search(free[j].text)):
                rows.append([free[j].text] + [""] * len(bounds))
                tops.append(free[j].top)
                lefts.append([None] * (len(bounds) + 1))
                words.extend(_region_words(number, free[j].words))
            em = em_size([g for ln in run for g in ln.glyphs], size)
            tables.append(PageTable(number, rows, tops, bounds, title, unit_text, context, False,
                                    lefts=lefts, em=em, words=words))
        i = max(j, i + 1)
        block_start = i
    return tables


def _line_words_gapped(line: TextLine, size: float) -> bool:
    return any(b.x0 - a.x1 >= CELL_GAP * size for a, b in zip(line.words, line.words[1:]))


def _is_tabular(line: TextLine, size: float, width: float) -> bool:
    if UNIT_RE.search(line.text) or STUB_RE.match(line.text):
        return False
    if _line_words_gapped(line, size):
        return True
    # narrow columns leave small gaps, but a line of several words with a number is a row
    return len(line.words) >= 2 and any(is_amount_token(w.text) for w in line.words)


def _ends_table(line: TextLine, size: float, width: float) -> bool:
    text = line.text
    if NOTE_RE.match(text):
        return True
    if len(line.words) == 1 and (line.x1 - line.x0) > NARRATIVE_WIDTH * width:
        return True
    return bool(UNIT_RE.search(text)) or bool(TITLE_HINT_RE.search(text) and not _line_words_gapped(line, size))


def _has_columns(run: list[TextLine], size: float) -> bool:
    return sum(1 for ln in run if _line_words_gapped(ln, size)) >= 1


def unruled_rows(
    lines: list[TextLine], bounds: list[float], size: float, continuation: bool = False
) -> tuple[list[list[str]], list[float], list[list[CellSpan | None]]]:
    """Rows of a table without row rulings.

    Each row has an anchor: the line(s) carrying its amounts (a number
    wrapped over lines, "1,166" / ".60", keeps its pieces together), or a line
    that plainly starts a row (合计, 一、…, a code and a name). Every other
    line is a piece of a wrapped cell and joins the nearest anchor, above or
    below, since offices centre a row's single-line cells beside its wrapped
    ones. Lines above the first anchor are header rows, except on a page
    that continues a table, where those not worded like a header are the
    first row's pieces.
    """
    if not lines:
        return [], [], []
    money_cols = _money_columns(lines, bounds)
    decimals = _typical_decimals(lines)
    pieces = [_money_pieces(ln, bounds, money_cols) for ln in lines]
    anchors: list[list[int]] = []  # line indices of each anchor
    open_pieces: dict[int, str] = {}
    for i in range(len(lines)):
        if not pieces[i]:
            continue
        if anchors and _continues_number(open_pieces, pieces[i], decimals):
            anchors[-1].append(i)
            for col, text in pieces[i].items():
                open_pieces[col] = open_pieces.get(col, "") + text
        else:
            anchors.append([i])
            open_pieces = dict(pieces[i])
    inside = {i for a in anchors for i in range(a[0], a[-1] + 1)}
    anchors += [[i] for i, ln in enumerate(lines) if i not in inside and not pieces[i] and _starts_row(ln)]
    anchors.sort()
    members: list[list[int]] = [list(a) for a in anchors]
    spans = [(lines[a[0]].top, lines[a[-1]].bottom) for a in anchors]
    anchored = {i for a in anchors for i in a}
    header = [i for i in range(anchors[0][0]) if i not in anchored]
    if continuation:
        first = anchors[0][0]
        while header and not HEADER_WORD_RE.search(lines[header[-1]].text):
            members[0].append(header.pop())
        header = [i for i in header if i < first]
    for i in range(anchors[0][0], len(lines)):
        if i in anchored or i in members[0]:
            continue
        members[_nearest_span(lines[i], spans)].append(i)
    rows: list[list[str]] = []
    lefts: list[list[CellSpan | None]] = []
    tops = [lines[i].top for i in header]
    for i in header:
        texts, xs = cell_texts_and_lefts([lines[i]], bounds, by_word=True)
        rows.append(texts)
        lefts.append(xs)
    for group in members:
        group.sort()
        texts, xs = cell_texts_and_lefts([lines[i] for i in group], bounds, by_word=True)
        rows.append(texts)
        lefts.append(xs)
        tops.append(lines[group[0]].top)
    return rows, tops, lefts


def _money_columns(lines: list[TextLine], bounds: list[float]) -> set[int]:
    """Columns whose numbers carry a decimal point or thousands separator (not code columns)."""
    return {
        column_of((w.x0 + w.x1) / 2, bounds)
        for ln in lines
        for w in ln.words
        if is_amount_token(w.text) and ("." in w.text or "," in w.text)
    }


def _money_pieces(line: TextLine, bounds: list[float], money_cols: set[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for w in line.words:
        if is_amount_token(w.text):
            col = column_of((w.x0 + w.x1) / 2, bounds)
            if col in money_cols:
                out[col] = out.get(col, "") + w.text
    return out


def _typical_decimals(lines: list[TextLine]) -> int:
    # the most decimals printed: a number cut short by wrapping shows fewer
    places = [len(w.text.split(".")[-1]) for ln in lines for w in ln.words if is_amount_token(w.text) and "." in w.text]
    return min(max(places), 4) if places else 2


def _continues_number(previous: dict[int, str], current: dict[int, str], decimals: int) -> bool:
    """The amounts of ``current`` are the tails of numbers wrapped from the
    line above ("950.1" / "0", "1,166" / ".60"), not a new row's figures."""
    shared = [c for c in current if c in previous]
    if not shared:
        return False
    if any(_complete(previous[c], decimals) and _complete(current[c], decimals) and not _broken(previous[c], current[c], decimals) for c in shared):
        return False
    return any(_broken(previous[c], current[c], decimals) for c in shared)


def _complete(text: str, decimals: int) -> bool:
    return is_single_number(text) and ("." not in text or len(text.split(".")[-1]) == decimals)


def _broken(first: str, second: str, decimals: int) -> bool:
    if first.endswith((".", ",")) or second.startswith((".", ",")):
        return True
    if "." in first and len(first.split(".")[-1]) < decimals:
        return is_single_number(first + second)
    if "," in first and len(first.split(",")[-1]) < 3:
        return is_single_number(first + second)
    return False


def _nearest_span(line: TextLine, spans: list[tuple[float, float]]) -> int:
    centre = (line.top + line.bottom) / 2

    def distance(span: tuple[float, float]) -> float:
        top, bottom = span
        return 0.0 if top <= centre <= bottom else min(abs(centre - top), abs(centre - bottom))

    # distances equal to a hundredth of a point are a tie, broken towards the upper span: a
    # line midway between two rows must not go to one or the other by float noise (pdfminer
    # and PDFium place the same glyph a few 1e-14 apart)
    return min(range(len(spans)), key=lambda k: (round(distance(spans[k]), 2), k))


_ROW_START_RE = re.compile(
    r"^([一二三四五六七八九十]+[、.]|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[、.．]\D|合计|总计|小计|本年|其中)"
)


def _starts_row(line: TextLine) -> bool:
    """A line without amounts that plainly opens a row: a list marker or a total.
    (A code is no proof: "501 退休" is the tail of a wrapped code and name.)"""
    return bool(_ROW_START_RE.match(line.text))


# ------------------------------------------------------------ title, furniture


def title_block(lines: list[TextLine]) -> tuple[str | None, str | None, list[str]]:
    """Title, unit line and other context from the lines printed above a table.

    Words are first joined into text blocks: a word continues the block
    right above it when they overlap horizontally and sit closer than a line
    apart, so a title or a ``单位：`` / ``万元`` wrapped in a narrow cell reads whole.
    """
    texts = [b.replace(" ", "") for b in text_blocks(lines)]
    unit_text = None
    for t in texts:
        m = UNIT_RE.search(unicodedata.normalize("NFKC", t))
        if m:
            unit_text = m.group(0)
    title = None
    for t in reversed(texts):
        if UNIT_RE.search(t) or STUB_RE.match(t) or PAGE_NUMBER_RE.match(t):
            continue
        if "表" in t and not re.fullmatch(r"(附表|表|公开)?[0-9０-９一二三四五六七八九十\-]+表?", t):
            title = t
            break
    context = [t for t in texts if t != title and t]
    return title, unit_text, context[-6:]


def _block_complete(block: list[Word]) -> bool:
    """A title (…表, …表（…）) or a whole unit line does not continue on the next line."""
    text = "".join(w.text for w in block)
    stub = STUB_RE.match(text)
    return bool(re.search(r"表\s*([（(][^）)]*[）)])?$", text) or UNIT_RE.search(text) or (stub and text[stub.end() :]))


def text_blocks(lines: list[TextLine]) -> list[str]:
    """Words of consecutive lines joined into blocks (wrapped titles and unit lines)."""
    blocks: list[list[Word]] = []
    # a word's size in ems: an OCR'd word's box is its ink only, shorter than the em
    # a text layer gives (a wrapped title's lines then seem further apart than they are)
    heights = {id(w): (w.bottom - w.top) * ocr.em_per_height(ln.glyphs) for ln in lines for w in ln.words}
    for ln in lines:
        for w in ln.words:
            for block in reversed(blocks):
                last = block[-1]
                overlap = min(last.x1, w.x1) - max(last.x0, w.x0)
                narrower = min(last.x1 - last.x0, w.x1 - w.x0)
                h1, h2 = heights[id(last)], heights[id(w)]
                same_size = abs(h1 - h2) <= 0.2 * max(h1, h2)
                if _block_complete(block) or STUB_RE.match(w.text) or UNIT_RE.search(w.text):
                    continue
                if same_size and overlap >= 0.5 * narrower and -0.2 * h1 <= w.top - last.bottom <= 0.8 * h1:
                    block.append(w)
                    break
            else:
                blocks.append([w])
    blocks.sort(key=lambda b: (b[-1].bottom, b[0].x0))
    return ["".join(w.text for w in b) for b in blocks]


def running_furniture(pages: list[PageText]) -> set[str]:
    """Margin lines repeated on at least half the pages: running headers and footers."""
    counts = Counter(key for p in pages for key in set(p.margin_lines))
    need = max(3, FURNITURE_SHARE * len(pages))
    return {k for k, c in counts.items() if c >= need and not UNIT_RE.search(k)}


def drop_furniture_rows(table: PageTable, furniture: set[str]) -> None:
    """Drop running headers, footers and page numbers caught in a table; their
    words leave the table's region too (they are the page's, not the table's)."""
    keep = [
        i for i, row in enumerate(table.rows)
        if any(row) and not _is_furniture_row(row, furniture)
    ]
    kept_rows = set(keep)
    dropped = [table.rows[i] for i in range(len(table.rows)) if i not in kept_rows]
    table.rows = [table.rows[i] for i in keep]
    table.row_tops = [table.row_tops[i] for i in keep]
    table.lefts = [table.lefts[i] for i in keep]
    table.ruled = [table.ruled[i] for i in keep]
    table.context = [c for c in table.context if _furniture_key(c) not in furniture]
    if dropped:
        texts = Counter(_norm(c) for row in dropped for c in row if c)
        kept: list[RegionWord] = []
        for w in table.words:
            key = _norm(w.text)
            if texts.get(key):
                texts[key] -= 1
            else:
                kept.append(w)
        table.words = kept


def _is_furniture_row(row: list[str], furniture: set[str]) -> bool:
    cells = [c for c in row if c]
    joined = "".join(cells)
    if len(cells) == 1 and PAGE_NUMBER_RE.match(joined):
        return True
    return _furniture_key(" ".join(cells)) in furniture or _furniture_key(joined) in furniture


# ------------------------------------------------------- joining over pages


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _is_body_row(row: list[str]) -> bool:
    return any(c and is_amount_token(c) and not _is_column_number(row) for c in row[1:]) or bool(
        row and row[0] and re.match(r"^[\[【(（]?\d{3}", row[0])
    )


def _is_column_number(row: list[str]) -> bool:
    """A 栏次 row (1 2 3 … numbering the columns) is header, not body."""
    cells = [c for c in row if c]
    if any("栏次" in c for c in cells):
        return True
    nums = [c for c in cells if re.fullmatch(r"\d{1,2}", c)]
    return len(nums) >= 3 and len(nums) >= len(cells) - 2 and [int(n) for n in nums] == sorted(int(n) for n in nums)


def header_texts(rows: list[list[str]]) -> set[str]:
    out: set[str] = set()
    for row in rows:
        if _is_body_row(row):
            break
        out.add(_norm("".join(row)))
    return out


def join_continuations(tables: list[PageTable]) -> list[Grid]:
    """Join tables continued over pages into Grids, each continuation's repeated
    header dropped: repeated as it was printed, or with its cells grouped into
    other rows (``_regrouped_header_rows``: a scan's merged cell read in another
    row, a text layer's header repeated without its spanning row — 广州's
    项目支出表 repeat 支出项目类别（资金使用单位） on every page)."""
    grids: list[Grid] = []
    current: PageTable | None = None
    acc = _Joined()
    headers: set[str] = set()
    header_cells: set[str] = set()
    for t in tables:
        if current is not None and continues(current, acc.pages[-1] if acc.pages else current.page, t,
                                             acc.cells[-1] if acc.cells else None):
            rows, lefts = remap_columns(t.rows, t.bounds, current.bounds, t.lefts)
            skip = len(rows) - len(drop_repeated_header(rows, headers, header_cells))
            rows, lefts, ruled = rows[skip:], lefts[skip:], t.ruled[skip:]
            if rows and acc.cells and is_wrap_fragment(rows[0], acc.cells[-1]):
                acc.cells[-1] = [_cat(a, b) for a, b in zip(acc.cells[-1], rows[0])]
                rows, lefts, ruled = rows[1:], lefts[1:], ruled[1:]
            acc.add(t, rows, lefts, ruled)
            current.last_on_page = t.last_on_page
            if current.unit_text is None and t.unit_text:  # printed over a later page of the table
                current.unit_text = t.unit_text
            continue
        if current is not None:
            grids.append(_grid(current, acc))
        current = t
        acc = _Joined()
        acc.add(t, [list(r) for r in t.rows], t.lefts, t.ruled)
        headers = header_texts(t.rows)
        header_cells = header_cells_of(t.rows)
    if current is not None:
        grids.append(_grid(current, acc))
    return grids


@dataclass
class _Joined:
    """The rows of one logical table gathered over its pages."""

    cells: list[list[str]] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    lefts: list[list[CellSpan | None]] = field(default_factory=list)
    ruled: list[bool] = field(default_factory=list)
    ems: list[float] = field(default_factory=list)
    stray: list[tuple[int, str]] = field(default_factory=list)
    words: list[RegionWord] = field(default_factory=list)

    def add(self, t: PageTable, rows, lefts, ruled) -> None:
        self.cells.extend(rows)
        self.pages.extend([t.page] * len(rows))
        self.lefts.extend(lefts)
        self.ruled.extend(ruled)
        self.ems.extend([t.em] * len(rows))
        self.stray.extend((t.page, text) for text in t.stray)
        self.words.extend(t.words)


def continues(previous: PageTable, last_page: int, t: PageTable, last_row: list[str] | None = None) -> bool:
    """A table is the continuation of the previous one when it opens the next
    page, the previous one closed its page, and no new title starts it."""
    if t.page != last_page + 1 or not t.first_on_page or not previous.last_on_page:
        return False
    if t.title and _norm(t.title) != _norm(previous.title):
        return False
    if not t.title and previous.title and not _repeats_header(t.rows, header_texts(previous.rows), last_row):
        return False
    return abs(len(t.bounds) - len(previous.bounds)) <= 2 or bool(t.title)


def _repeats_header(rows: list[list[str]], headers: set[str], last_row: list[str] | None = None) -> bool:
    """A page that opens with header rows continues a table only if they repeat its header.
    A first line that is the tail of the previous page's last row (cells wrapped over the
    page break) is body."""
    leading = []
    for n, row in enumerate(rows):
        if _is_body_row(row) or _is_short_fragment(row) or _is_numbered_line(row):
            break
        if n == 0 and last_row is not None and len(row) == len(last_row) and is_wrap_fragment(row, last_row):
            break
        leading.append(row)
    return (not leading or any(_norm("".join(r)) in headers or _is_column_number(r) for r in leading)
            or _same_header_words(leading, headers))


def _same_header_words(leading: list[list[str]], headers: set[str]) -> bool:
    """The header repeated with its words wrapped at other places (其他资金 | 其他资 / 金):
    the same characters, nearly all of them, in the leading rows as in the header."""
    if not headers:
        return False
    mine = Counter(_norm("".join(c for row in leading for c in row if c)))
    theirs = Counter("".join(headers))
    shared = sum((mine & theirs).values())
    return shared >= 8 and shared >= 0.9 * max(sum(mine.values()), sum(theirs.values()))


def remap_columns(
    rows: list[list[str]], bounds: list[float], target: list[float], lefts: list[list[CellSpan | None]] | None = None
) -> tuple[list[list[str]], list[list[CellSpan | None]]]:
    """Put a continuation's cells into the columns of the table it continues
    (by x position: unruled pages may find a different number of columns).
    A cell goes where its text lies (a right-aligned amount by its digits,
    not by the middle of a column whose edges the page guessed from text);
    a cell without a known position by its column's centre."""
    if lefts is None:
        lefts = [[None] * len(r) for r in rows]
    if len(bounds) == len(target) and all(abs(a - b) < 20 for a, b in zip(bounds, target)):
        return rows, lefts
    n = len(target) + 1
    centres = _column_centres(bounds)
    out: list[list[str]] = []
    out_lefts: list[list[CellSpan | None]] = []
    for row, xs in zip(rows, lefts):
        new = [""] * n
        new_xs: list[CellSpan | None] = [None] * n
        for i, text in enumerate(row):
            if text:
                span = xs[i] if i < len(xs) else None
                j = column_of(span.centre if span is not None else centres[i], target)
                new[j] = _cat(new[j], text)
                new_xs[j] = span if new_xs[j] is None else new_xs[j].joined(span)
        out.append(new)
        out_lefts.append(new_xs)
    return out, out_lefts


def _column_centres(bounds: list[float]) -> list[float]:
    if not bounds:
        return [0.0]
    step = (bounds[-1] - bounds[0]) / max(len(bounds) - 1, 1) if len(bounds) > 1 else 50.0
    edges = [bounds[0] - step, *bounds, bounds[-1] + step]
    return [(a + b) / 2 for a, b in zip(edges, edges[1:])]


def drop_repeated_header(rows: list[list[str]], headers: set[str], header_cells: set[str] | None = None) -> list[list[str]]:
    i = 0
    while i < len(rows) and not _is_body_row(rows[i]) and (_norm("".join(rows[i])) in headers or _is_column_number(rows[i])):
        i += 1
    return rows[i + _regrouped_header_rows(rows[i:], header_cells or set()):]


# A run of leading rows is the header repeated only if it names this many of its cells.
REPEATED_HEADER_CELLS = 3


def header_cells_of(rows: list[list[str]]) -> set[str]:
    """Every cell text of a table's header rows (those above its first body row)."""
    out: set[str] = set()
    for row in rows:
        if _is_body_row(row):
            break
        out.update(_norm(c) for c in row if c)
    return out


def _regrouped_header_rows(rows: list[list[str]], header_cells: set[str]) -> int:
    """How many leading rows are the table's header repeated with its cells grouped
    into rows differently (a cell merged over two header rows falls in the upper
    row on one page and the lower on the next: 功能分类科目 | 基本支出 … over
    序号 科目编码 … on the first page, 功能分类科目 over 序号 科目编码 … 基本支出 on
    the next): rows that are not body and hold nothing but cells of the
    header, naming at least ``REPEATED_HEADER_CELLS`` of them together."""
    n = 0
    named: set[str] = set()
    while n < len(rows) and not _is_body_row(rows[n]):
        cells = {_norm(c) for c in rows[n] if c}
        if not cells or not cells <= header_cells:
            break
        named |= cells
        n += 1
    return n if len(named) >= REPEATED_HEADER_CELLS else 0


def _is_numbered_line(row: list[str]) -> bool:
    """A line opening with item numbering (（十九）…, 3. …) is a table line, not a header:
    a summary continued on the next page may open with an item that prints no amount."""
    first = next((c for c in row if c), "")
    return any(pattern.match(first) for pattern, _ in NUMBERING)


def _is_short_fragment(row: list[str]) -> bool:
    """A lone short piece of text: the tail of a wrapped cell, not a header row."""
    filled = [c for c in row if c]
    return len(filled) == 1 and len(filled[0]) <= 6 and not is_amount_token(filled[0])


def is_wrap_fragment(row: list[str], previous: list[str]) -> bool:
    """Cells broken by the page break: short text only, each in a column the previous
    row fills with text (改造项目 | 缮 under 高中教学楼门窗及卫生间 | 其他建筑物、构筑物修).
    A lone piece may be longer: a unit's name wrapped mid-word (无锡市社会保 | 险基金管理中心)."""
    filled = [i for i, c in enumerate(row) if c]
    if not filled or len(filled) > 3 or _is_body_row(row):
        return False
    longest = LONE_FRAGMENT_CHARS if len(filled) == 1 else FRAGMENT_CHARS
    return all(
        i < len(previous)
        and bool(previous[i])
        and not is_amount_token(previous[i])  # a word is no tail of an amount (收入 under 471,452,100)
        and not is_amount_token(row[i])
        and not _ROW_START_RE.match(row[i])
        and len(row[i]) <= longest
        for i in filled
    )


FRAGMENT_CHARS = 6  # each of several wrapped cells' tails
LONE_FRAGMENT_CHARS = 12  # one wrapped cell's tail


def _cat(a: str | None, b: str | None) -> str:
    return (a or "") + (b or "")


def _grid(t: PageTable, acc: _Joined) -> Grid:
    rows = [[c if c else None for c in row] for row in acc.cells]
    return Grid(
        cells=rows, row_pages=list(acc.pages), title=t.title, unit_text=t.unit_text, context=list(t.context),
        indents=grid_indents(acc.cells, acc.lefts, acc.ruled, acc.ems), stray_text=list(acc.stray),
        region_words=list(acc.words), confidences=cell_confidences(acc.cells, acc.lefts),
    )


def cell_confidences(cells: list[list[str]], lefts: list[list[CellSpan | None]]) -> list[list[float | None]] | None:
    """Each cell's OCR confidence (``Grid.confidences``); None for a table read
    wholly from a text layer, whose grid stays as it always was."""
    def confidence(row: list[str], spans: list[CellSpan | None], j: int) -> float | None:
        span = spans[j] if j < len(spans) else None
        return span.confidence if span is not None and j < len(row) and row[j] else None

    width = max((len(r) for r in cells), default=0)
    out = [[confidence(row, spans, j) for j in range(width)] for row, spans in zip(cells, lefts)]
    return out if any(c is not None for row in out for c in row) else None


# Cell padding beyond this share of an em is taken for indentation, not padding.
MAX_PADDING_EM = 0.5


def grid_indents(
    cells: list[list[str]], lefts: list[list[CellSpan | None]], ruled: list[bool], ems: list[float]
) -> list[list[float | None]]:
    """Each cell's indent in ems of the body text (``Grid.indents``).

    Ruled rows: the offset from the cell's left border, less the column's
    padding (its smallest offset, at most half an em). Unruled rows have no
    border: the offset from the leftmost start of the column's body text
    over all pages of the table. Header rows are not used for either base
    (centred headers would raise it)."""
    width = max((len(r) for r in cells), default=0)
    body = [i for i, r in enumerate(cells) if _is_body_row(r)] or list(range(len(cells)))
    pad: list[float | None] = [None] * width
    base: list[float | None] = [None] * width
    for i in body:
        for j, span in enumerate(lefts[i][:width]):
            if span is None or j >= len(cells[i]) or not cells[i][j]:
                continue
            x = span.start
            if ruled[i]:
                pad[j] = x if pad[j] is None else min(pad[j], x)
            else:
                base[j] = x if base[j] is None else min(base[j], x)
    out: list[list[float | None]] = []
    for i, row in enumerate(cells):
        em = ems[i] if ems[i] > 0 else 10.0
        indents: list[float | None] = []
        for j in range(width):
            span = lefts[i][j] if j < len(lefts[i]) else None
            if span is None or j >= len(row) or not row[j]:
                indents.append(None)
                continue
            x = span.start
            if ruled[i]:
                origin = min(max(pad[j] or 0.0, 0.0), MAX_PADDING_EM * em)
            else:
                origin = base[j] if base[j] is not None else x
            indents.append(round(max(x - origin, 0.0) / em, 1))
        out.append(indents)
    return out
