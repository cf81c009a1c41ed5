"""Amount conservation: every amount printed in a table's region ends in
exactly one cell of the output table, or the table says which did not.

Two steps, so a warning says where a figure was lost:

1. **reader**: the words with digits printed in the table's region
   (``Grid.region_words``: a ruled table's frame and the text of its lines
   outside the frame, an unruled table's lines, the note under it; taken
   from the glyphs the reader already has, no second layout pass) against
   the numbers of the grid's cells, page by page. A number wrapped over
   lines (``950.`` / ``10``) matches by joining vertically adjacent pieces;
   one cut by a column border or run into another cell does not: it is
   ``not read into a cell of its own`` (``outside its cells`` when it is
   ``Grid.stray_text``). DOCX and XLSX have no page geometry: their cells
   (and stray text) are what the file prints, so only step 2 applies.
2. **interpretation**: output rows are aligned with grid rows (same page,
   the row's amounts among the grid row's numbers, its name in the row's
   text; rows come out in grid order) and each grid cell's number must be an
   amount of its row: a dropped column, a skipped row, a header row that
   swallowed a data row show, named by column header and row label. Row by
   row, not one bag of values per page, so a dropped 216.50 is found even
   where another column prints 216.50 too.

A word is a number when it is one by itself (``1,166.60``, ``(12.00)``,
``.60``); numbers inside words (``2024年``, ``表3``, ``1.人员经费``) are
text. A number with decimals or thousands groups must be an amount. A bare
integer may also be a code or code part (``2010301``; ``201`` ``03`` ``01``
printed as 类 | 款 | 项), a serial number, a 栏次 or a year: it is accounted
for when it is an amount of its row, a code or a number in an output row's
text, in the header, title or note, or in a column of serial numbers or of
codes. In ``performance_targets`` and ``unknown`` tables numbers are free
text (``≥95%``, ``4,360万元``): found in the output's text they are placed
(an ``unknown`` table keeps its raw cells, so nothing in it is lost).

Warnings (table ``warnings``, prefix ``UNPLACED_PREFIX``) are grouped by
column; ``unplaced_count(record)`` counts the amounts per document for the
benchmark, ``unplaced_by_stage`` splits reader from interpretation, and
``python -m parsers.conservation FILE… [-v]`` prints both per document.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass

from countybudget.money import normalise_amount_text
from parsers.model import Grid, RegionWord

UNPLACED_PREFIX = "amount conservation: "
_UNPLACED_RE = re.compile(r"^amount conservation: (\d+) amount")
_NUMBER_IN_TEXT_RE = re.compile(r"\d+(?:[.,，]\d+)*")
_PURE_RE = re.compile(r"^[-+]?[(（]?[-+]?(\d[\d,，]*(\.\d*)?|\.\d+)[)）]?$")
MAX_LISTED = 12  # amounts named per warning; the count covers them all


@dataclass(frozen=True)
class Printed:
    """One number as printed: a word of the page (reader side) or a grid cell."""

    page: int | None
    text: str  # as printed
    value: str  # normalised decimal string
    strong: bool  # has a decimal point or thousands separator: must be an amount
    x0: float | None = None
    x1: float | None = None
    top: float | None = None
    bottom: float | None = None
    row: int | None = None  # grid row and column, for a number read into a cell
    col: int | None = None


@dataclass
class Unplaced:
    number: Printed
    where: str  # what the warning says about where it was printed


@dataclass
class Report:
    printed: int  # numbers printed in the region (or in the cells, for office formats)
    unplaced: list[Unplaced]


@functools.lru_cache(maxsize=65536)  # pure; a document prints the same figures in words, cells and parts
def amount_value(text: str) -> str | None:
    """The normalised decimal string of a word that is a number by itself, else None."""
    s = unicodedata.normalize("NFKC", text).strip()
    if not s or not _PURE_RE.match(s) or not re.search(r"\d", s):
        return None
    s = s.replace("（", "(").replace("）", ")")
    try:
        value = normalise_amount_text(s)
    except ValueError:
        return None
    if value is None:
        return None
    return value[:-1] if value.endswith(".") else value.lstrip("+")


def _is_strong(text: str) -> bool:
    """Decimals or thousands groups: a money figure, not a code, year or list marker ("1.")."""
    return bool(re.search(r"\.\d|\d[,，]\d{3}", text))


def region_numbers(grid: Grid) -> list[Printed]:
    """The numbers printed in the region, word by word (PDF)."""
    out: list[Printed] = []
    for w in grid.region_words or []:
        value = amount_value(w.text)
        if value is not None:  # numbers inside words (2024年, 表3, 1.人员经费) are text, not amounts
            out.append(Printed(w.page, w.text, value, _is_strong(w.text), w.x0, w.x1, w.top, w.bottom))
    return out


def cell_numbers(grid: Grid) -> list[list[Printed]]:
    """Per grid row, the numbers its cells hold (a cell that is one number, or
    numbers set apart by spaces in an office cell)."""
    out: list[list[Printed]] = []
    for i, (row, page) in enumerate(zip(grid.cells, grid.row_pages)):
        numbers: list[Printed] = []
        for j, cell in enumerate(row):
            if not cell:
                continue
            text = str(cell).strip()
            parts = [text] if amount_value(text) is not None else text.split()
            for part in parts:
                value = amount_value(part)
                if value is not None:
                    numbers.append(Printed(page, part, value, _is_strong(part), row=i, col=j))
        out.append(numbers)
    return out


# ------------------------------------------------------------ the reader


def reader_losses(grid: Grid, cells: list[list[Printed]], free_text: bool = False) -> list[Unplaced]:
    """Numbers printed in the region that reached no cell of the grid (or
    reached one only as a piece: a number cut by a column border, two
    numbers run together). In a table of free text (targets, unknown) a
    number inside a cell's text ("4,360万元", "95.5%") is where it belongs."""
    pool: dict[int | None, Counter] = defaultdict(Counter)
    texts: dict[int | None, list[str]] = defaultdict(list)
    every_cell: list[str] = []
    for row, page in zip(grid.cells, grid.row_pages):
        texts[page].extend(_norm(c) for c in row if c)
        every_cell.extend(_norm(c) for c in row if c)
    for numbers in cells:
        for n in numbers:
            pool[n.page][n.value] += 1
    context = "\n".join(_norm(t) for t in [grid.title, grid.unit_text, *grid.context] if t)
    # numbers with a decimal point first, then the pieces of wrapped numbers
    # ("381.1" / "6"), then bare integers: a piece "6" must not be taken for
    # the 栏次 cell "6" while its number waits for it
    printed = region_numbers(grid)
    leftover = [p for p in printed if p.strong and not _take(pool, p)] + [p for p in printed if not p.strong]
    leftover = _join_wrapped(leftover, pool)
    leftover = [p for p in leftover if p.strong or not _take(pool, p)]
    out: list[Unplaced] = []
    for p in leftover:
        if free_text and any(_norm(p.text) in t for t in texts[p.page]):
            continue
        # an integer inside a cell's text: a code glued to its name, a year of
        # the header (repeated on every page, kept once), 表3
        if not p.strong and (any(p.text in t for t in every_cell) or p.text in context):
            continue
        stray = any(page == p.page and p.text in text for page, text in grid.stray_text)
        out.append(Unplaced(p, "outside its cells" if stray else "not read into a cell of its own"))
    return out


def _take(pool: dict[int | None, Counter], p: Printed) -> bool:
    if pool[p.page][p.value] > 0:
        pool[p.page][p.value] -= 1
        return True
    return False


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _join_wrapped(leftover: list[Printed], pool: dict[int | None, Counter]) -> list[Printed]:
    """Pieces of one number wrapped over lines ("950." / "10", "1,166" / ".60"):
    vertically adjacent leftovers in one column whose joined text is a cell's
    number not yet matched."""
    if len(leftover) < 2:
        return leftover
    used: set[int] = set()
    order = sorted(range(len(leftover)), key=lambda i: (leftover[i].page or 0, leftover[i].top or 0.0, leftover[i].x0 or 0.0))
    for a_pos, i in enumerate(order):
        if i in used:
            continue
        chain = [i]
        text = leftover[i].text
        for j in order[a_pos + 1 :]:
            if j in used or len(chain) >= 4:
                continue
            last, cand = leftover[chain[-1]], leftover[j]
            if not _stacked(last, cand):
                continue
            joined = text + cand.text
            value = amount_value(joined)
            counter = pool[last.page]
            if value is not None and counter[value] > 0:
                counter[value] -= 1
                used.update(chain + [j])
                break
            if value is not None or amount_value(joined + "0") is not None:
                chain.append(j)
                text = joined
    return [p for k, p in enumerate(leftover) if k not in used]


def _stacked(a: Printed, b: Printed) -> bool:
    if a.page != b.page:
        return False
    if None in (a.x0, a.x1, a.top, a.bottom, b.x0, b.x1, b.top, b.bottom):
        return True
    height = max(a.bottom - a.top, b.bottom - b.top, 1.0)
    overlap = min(a.x1, b.x1) - max(a.x0, b.x0)
    return overlap > -0.5 * height and 0 <= b.top - a.top <= 2.5 * height


# ------------------------------------------------------------ the interpreter


def _values_by_page(out: dict, pageless: bool) -> list[tuple[int | None, list[tuple[str, str]]]]:
    """An output row's (column key, amount value) pairs grouped by the page each is
    printed on: its ``page``, or ``amount_pages`` for figures of a row continued
    over a page break."""
    row_page = None if pageless else out.get("page")
    other = {} if pageless else (out.get("amount_pages") or {})
    groups: dict[int | None, list[tuple[str, str]]] = {}
    for key, a in (out.get("amounts") or {}).items():
        if a is None or not (v := amount_value(str(a))):
            continue
        groups.setdefault(other.get(key, row_page), []).append((key, v))
    return list(groups.items())


@dataclass
class Alignment:
    """Which grid cell each output amount was read from, and what no output row holds."""

    placed: dict[tuple[int, str], Printed]  # (output row index, column key) -> the grid cell's number
    remaining: list[list[Printed]]  # per grid row, its numbers in no output row
    texts: dict[int | None, set[str]]  # numbers in the output rows' text fields, per page
    blob: dict[int | None, list[str]]  # the output rows' text, per page (free-text tables)
    pageless: bool


def align(grid: Grid, table: dict, cells: list[list[Printed]] | None = None) -> Alignment:
    """Output rows aligned with grid rows (same page, the row's amounts among the
    grid row's numbers, its name in the row's text; rows come out in grid order,
    a summary's halves and 三公 items as columns give several rows per grid row);
    what an output row holds is taken from its grid row first, then from any row
    of its page. The one alignment both conservation and OCR confidence use."""
    cells = cell_numbers(grid) if cells is None else cells
    rows = table.get("rows") or []
    remaining = [list(numbers) for numbers in cells]
    haves = [Counter(n.value for n in numbers) for numbers in cells]
    row_text = [_norm("".join(str(c) for c in r if c)) for r in grid.cells]
    by_page: dict[int | None, list[int]] = defaultdict(list)
    for i, page in enumerate(grid.row_pages):
        by_page[page].append(i)
    pageless = any(r.get("page") is None for r in rows)
    texts: dict[int | None, set[str]] = defaultdict(set)
    blob: dict[int | None, list[str]] = defaultdict(list)
    free_text = table.get("kind") == "performance_targets"
    placed: dict[tuple[int, str], Printed] = {}
    left_over: list[tuple[int | None, int, str, str]] = []
    pointer = 0
    for r, out in enumerate(rows):
        page = None if pageless else out.get("page")
        fields = _text_fields(out)
        for f in fields:
            texts[page].update(_numbers_in_text(f))
            if f.isdigit():
                texts[page].update(_code_parts(f))
        if free_text:
            blob[page].extend(_norm(f) for f in fields)
        for page, pairs in _values_by_page(out, pageless):
            values = [v for _, v in pairs]
            candidates = list(range(len(grid.cells))) if page is None else by_page.get(page, [])
            name = _norm(out.get("name"))
            need = Counter(values)
            near = [i for i in candidates if pointer - 20 <= i <= pointer + 80]  # rows come out in order
            best, best_key = _best_row(near, need, haves, name, row_text, pointer)
            if best_key is None or best_key[0] < len(values):
                best, best_key = _best_row(candidates, need, haves, name, row_text, pointer)
            if best is None or best_key[0] == 0:
                left_over.extend((page, r, key, v) for key, v in pairs)
                continue
            pointer = best
            for key, v in pairs:
                k = next((k for k, n in enumerate(remaining[best]) if n.value == v), None)
                if k is None:
                    left_over.append((page, r, key, v))
                else:
                    placed[(r, key)] = remaining[best].pop(k)
                    haves[best][v] -= 1
    for page, r, key, v in left_over:  # an amount the row alignment could not place: any row of its page
        for i in (range(len(grid.cells)) if page is None else by_page.get(page, [])):
            k = next((k for k, n in enumerate(remaining[i]) if n.value == v), None)
            if k is not None:
                placed[(r, key)] = remaining[i].pop(k)
                break
    return Alignment(placed, remaining, texts, blob, pageless)


def interpretation_losses(grid: Grid, table: dict, cells: list[list[Printed]]) -> list[Unplaced]:
    """Numbers of the grid's cells that are in no output row (``align``): a
    dropped column, a skipped row, a header row that swallowed a data row."""
    if "cells" in table:
        return []  # an unknown table keeps its raw cells: everything is in the output
    aligned = align(grid, table, cells)
    remaining, texts, blob, pageless = aligned.remaining, aligned.texts, aligned.blob, aligned.pageless
    free_text = table.get("kind") == "performance_targets"
    exempt = _exempt_numbers(grid)
    page_blob = {page: "\n".join(v) for page, v in blob.items()}
    # a column whose integers are codes of the output rows is a code column:
    # the code of a row that is in no output row is not an amount (its amounts are named)
    as_text: Counter = Counter()
    integers: Counter = Counter()
    for numbers in cells:
        for n in numbers:
            if not n.strong:
                integers[n.col] += 1
                as_text[n.col] += n.value in texts.get(None if pageless else n.page, ())
    code_cols = {j for j, k in integers.items() if as_text[j] * 2 >= k}
    out_list: list[Unplaced] = []
    for i, numbers in enumerate(remaining):
        for n in numbers:
            page = None if pageless else n.page
            if free_text and _norm(n.text) in page_blob.get(page, ""):
                continue  # a target value, as free text ("≥95%", "12345热线")
            if not n.strong and (n.value in texts.get(page, ()) or n.value in exempt or (i, n.col) in exempt
                                 or n.col in code_cols):
                continue
            out_list.append(Unplaced(n, _cell_where(grid, n)))
    return out_list


def _best_row(candidates, need: Counter, haves: list[Counter], name: str, row_text: list[str], pointer: int):
    best, best_key = None, None
    for i in candidates:
        have = haves[i]
        contained = sum(min(c, have[v]) for v, c in need.items())
        key = (contained, bool(name) and name in row_text[i], i >= pointer, -abs(i - pointer))
        if best_key is None or key > best_key:
            best, best_key = i, key
    return best, best_key


def _text_fields(row: dict) -> list[str]:
    keys = ("code", "name", "unit_code", "item", "project_code", "project_name", "level1", "level2", "level3", "target")
    fields = [row.get(k) for k in keys] + list((row.get("other_codes") or {}).values())
    fields += list((row.get("project_funds") or {}).values())
    return [str(f) for f in fields if f]


def _exempt_numbers(grid: Grid) -> set:
    """Integers that are not amounts: in the header (栏次 1 2 3, years), the
    title block, and the cells of serial-number columns (序号, 行次)."""
    out: set = set()
    for text in [grid.title, grid.unit_text, *grid.context]:
        out.update(_numbers_in_text(text or ""))
    for i in _header_like_rows(grid):
        for cell in grid.cells[i]:
            out.update(_numbers_in_text(cell or ""))
    for j in _serial_columns(grid):
        out.update((i, j) for i in range(len(grid.cells)))
    return out


def _cell_where(grid: Grid, n: Printed) -> str:
    header = _column_header(grid, n.col) if n.col is not None else ""
    label = _row_label(grid, n.row) if n.row is not None else ""
    where = f"column {n.col + 1}{f' {header!r}' if header else ''}" if n.col is not None else "a cell"
    return f"{where}, row {label!r}" if label else where


def _row_label(grid: Grid, i: int) -> str:
    for c in grid.cells[i]:
        if c and amount_value(str(c)) is None:
            return _norm(c)[:20]
    return ""


def _numbers_in_text(text: str) -> set[str]:
    out: set[str] = set()
    for m in _NUMBER_IN_TEXT_RE.finditer(unicodedata.normalize("NFKC", text)):
        v = amount_value(m.group(0))
        if v is not None:
            out.add(v)
    return out


def _code_parts(code: str) -> set[str]:
    """The pieces a classification code is printed in: 类 201, 款 03, 项 01
    (2010301); 30101 → 301, 01; any prefix (the 款 code 20103)."""
    parts = {code[:k] for k in range(3, len(code) + 1)}
    if len(code) >= 5:
        parts.add(code[3:5])
    if len(code) >= 7:
        parts.add(code[5:7])
    parts.update(str(int(p)) for p in list(parts) if p.isdigit())  # "03" printed as 3
    return parts


def _header_like_rows(grid: Grid) -> list[int]:
    """Rows above the first row carrying a decimal amount (header, 栏次)."""
    out: list[int] = []
    for i, row in enumerate(grid.cells):
        if any(c and amount_value(c) is not None and ("." in c or "," in c) for c in row):
            break
        out.append(i)
    return out


def _serial_columns(grid: Grid) -> list[int]:
    """Columns of serial numbers 1, 2, 3 … (序号, 行次), and 栏次 rows' numbers."""
    width = max((len(r) for r in grid.cells), default=0)
    out: list[int] = []
    header = _header_like_rows(grid)
    for j in range(width):
        if any(j < len(grid.cells[i]) and re.search(r"序号|行次|栏次|编号", _norm(grid.cells[i][j])) for i in header):
            out.append(j)  # headed as a serial number
            continue
        values = [r[j] for r in grid.cells if j < len(r) and r[j]]
        nums = [int(v) for v in values if re.fullmatch(r"\d{1,4}", v)]
        if len(nums) >= 3 and len(nums) >= 0.8 * len(values):
            steps = sum(1 for a, b in zip(nums, nums[1:]) if b == a + 1)
            if steps >= 0.8 * (len(nums) - 1):
                out.append(j)
    return out


# ------------------------------------------------------------ warnings


def check(grid: Grid, table: dict) -> Report:
    """Compare what the table's region prints with what the output table holds."""
    cells = cell_numbers(grid)
    unplaced: list[Unplaced] = []
    if grid.region_words is not None:
        free_text = "cells" in table or table.get("kind") in ("unknown", "performance_targets")
        unplaced += reader_losses(grid, cells, free_text)
        printed = len(region_numbers(grid))
    else:
        printed = sum(len(n) for n in cells)
    unplaced += interpretation_losses(grid, table, cells)
    for page, text in ([] if grid.region_words is not None else grid.stray_text):
        for part in text.split():
            value = amount_value(part)
            if value is not None and _is_strong(part):
                unplaced.append(Unplaced(Printed(page, part, value, True), "outside its cells"))
    return Report(printed, unplaced)


def conservation_warnings(grid: Grid, table: dict) -> list[str]:
    """Table warnings naming every printed amount that is in no row of ``table``."""
    report = check(grid, table)
    groups: dict[str, list[Unplaced]] = defaultdict(list)
    for u in report.unplaced:
        column = u.where.split(", row ")[0]
        groups[column].append(u)
    out = []
    for where, items in groups.items():
        shown = []
        for u in items[:MAX_LISTED]:
            n = u.number
            row = u.where.split(", row ", 1)[1] if ", row " in u.where else None
            place = ", ".join(x for x in (f"p{n.page}" if n.page is not None else None, row) if x)
            shown.append(f"{n.text} ({place})" if place else n.text)
        more = f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else ""
        k = len(items)
        out.append(f"{UNPLACED_PREFIX}{k} amount{'s' if k != 1 else ''} printed in the table ({where}) "
                   f"{'are' if k != 1 else 'is'} in no row: {', '.join(shown)}{more}")
    return out


def _column_header(grid: Grid, j: int) -> str:
    words = []
    for i in _header_like_rows(grid)[:4]:
        row = grid.cells[i]
        if j < len(row) and row[j]:
            words.append(_norm(str(row[j])))
    return "/".join(words)[:30]


UNRECOGNISED_PREFIX = "not recognised as a standard table: "


def unrecognised_table_warning(table: dict) -> str | None:
    """A warning for an ``unknown`` table that prints money figures: they are kept as raw
    cells only and reach no mart, so a researcher must be told rather than find a table
    missing (a standard table whose title the reader lost lands here too)."""
    if table.get("kind") != "unknown":
        return None
    amounts = [c for row in table.get("cells") or [] for c in row
               if c and amount_value(str(c)) is not None and _is_strong(str(c))]
    if not amounts:
        return None
    k = len(amounts)
    return (f"{UNRECOGNISED_PREFIX}{k} amount{'s' if k != 1 else ''} printed in it "
            f"{'are' if k != 1 else 'is'} kept as raw cells only, in no fact (pages {table.get('pages')})")


def add_conservation_warnings(grid: Grid, table: dict) -> None:
    """Append the conservation warnings to ``table["warnings"]`` (the hook interpretation calls)."""
    warnings = conservation_warnings(grid, table)
    unrecognised = unrecognised_table_warning(table)
    if unrecognised:
        warnings.append(unrecognised)
    if warnings:
        table.setdefault("warnings", []).extend(warnings)


def unplaced_in_message(message: str) -> int:
    m = _UNPLACED_RE.match(message or "")
    return int(m.group(1)) if m else 0


def unplaced_count(record: dict) -> int:
    """Printed amounts in no row, over a parse record's tables (the benchmark's count)."""
    return sum(unplaced_in_message(w) for t in record.get("tables") or [] for w in t.get("warnings") or [])


READER_WHERE = ("(not read into a cell of its own)", "(outside its cells)")


def unplaced_by_stage(record: dict) -> dict[str, int]:
    """The count split by where the amount was lost: ``reader`` (printed in the
    region, in no cell of its own) or ``interpretation`` (in a cell, in no row)."""
    out = {"reader": 0, "interpretation": 0}
    for t in record.get("tables") or []:
        for w in t.get("warnings") or []:
            n = unplaced_in_message(w)
            if n:
                out["reader" if any(m in w for m in READER_WHERE) else "interpretation"] += n
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json
    import sys

    from parsers.document import parse_document

    ap = argparse.ArgumentParser(description="count printed amounts that end in no row, per document")
    ap.add_argument("files", nargs="+")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every conservation warning")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    total = {"reader": 0, "interpretation": 0}
    for f in args.files:
        record = parse_document(f)
        stages = unplaced_by_stage(record)
        for k, v in stages.items():
            total[k] += v
        if args.json:
            print(json.dumps({"source": f, "status": record["status"], "unplaced": sum(stages.values()), **stages,
                              "tables": len(record["tables"])}, ensure_ascii=False), flush=True)
        else:
            print(f"{sum(stages.values()):6d} {stages['reader']:5d} {stages['interpretation']:6d}  "
                  f"{record['status']:9s} {f}", flush=True)
        if args.verbose:
            for k, t in enumerate(record["tables"]):
                for w in t.get("warnings") or []:
                    if unplaced_in_message(w):
                        print(f"        table {k} {t['kind']} {t.get('title')!r}: {w}")
    print(f"{sum(total.values()):6d} {total['reader']:5d} {total['interpretation']:6d}  "
          "total unplaced (all, reader, interpretation)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
