"""What a table read by OCR carries beyond its figures: how sure the engine was
of each one, and the readings its own identities corrected.

- **Confidence**: each amount of an OCR'd table gets the engine's confidence in
  the grid cell it was read from (the least of the cell's characters), as
  ``row["confidence"][column key]``. The cell is found by the same alignment
  of output rows with grid rows that amount conservation uses
  (``parsers.conservation.align``). Tables read from a text layer get nothing:
  their records stay exactly as they were.
- **Confusions**: the recogniser mistakes a few characters for others in
  figures: ``，`` for ``.`` (``1166，60``, which would otherwise read as
  116660), ``O`` for ``0``, ``l`` / ``I`` / ``|`` for ``1``. Such a reading is
  corrected **only where the table's identities (countybudget.identities)
  confirm it**: fewer of them fail with the correction than without. A
  confirmed correction is applied and named in a table warning (it reaches the
  raw layer's warnings). One the identities do not confirm is left as it is
  with confidence 0, so the quality gate withholds the table for a doubtful
  figure rather than publish a guess.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from countybudget.identities import check_document
from countybudget.money import normalise_amount_text
from parsers.conservation import Printed, align
from parsers.model import Grid

CORRECTION_PREFIX = "OCR correction: "
DOUBT_PREFIX = "OCR reading in doubt: "

# Letters the recogniser reads for digits inside a figure.
_LETTER_DIGITS = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "i": "1"})
_FIGURE_WITH_LETTERS_RE = re.compile(r"^-?[\dOoDlIi|]+([.,][\dOoDlIi|]+)*$")
_GROUPED_RE = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def digits_for_letters(text: str) -> str | None:
    """``1l66.6O`` → ``1166.60``: a cell that is a figure but for letters the
    recogniser confuses with digits (no more letters than digits, a decimal point); None
    for anything else (a word, a code with letters, a figure as it is)."""
    s = unicodedata.normalize("NFKC", text).strip()
    if not _FIGURE_WITH_LETTERS_RE.match(s) or s.translate(_LETTER_DIGITS) == s:
        return None
    digits = sum(c.isdigit() for c in s)
    letters = sum(c.isalpha() or c == "|" for c in s)
    if "." not in s or digits < 2 or letters > digits:  # a figure with a few letters in it, not a word
        return None
    return s.translate(_LETTER_DIGITS)


def separator_reading(text: str) -> str | None:
    """``1166，60`` → ``1166.60``: a figure without a decimal point whose
    separators cannot be thousands separators (groups of three); the last one
    is read as the point. None where the separators are right or absent."""
    s = unicodedata.normalize("NFKC", text).strip()
    if "," not in s or "." in s or _GROUPED_RE.match(s):
        return None
    head, _, tail = s.rpartition(",")
    if not tail.isdigit() or not re.fullmatch(r"-?[\d,]+", head):
        return None
    return normalise_amount_text(head.replace(",", "") + "." + tail)


def extra_digit_reading(text: str, decimals: int | None) -> str | None:
    """``1331.622`` in a table whose figures all print 2 decimals → ``1331.62``:
    a stroke beside the figure (the numeral of the next cell's item, a border's
    tick) read as one more digit. None where the figure has the table's decimals."""
    if decimals is None:
        return None
    s = unicodedata.normalize("NFKC", text).strip()
    m = re.fullmatch(r"-?[\d,]+\.(\d+)", s)
    if not m or len(m.group(1)) != decimals + 1:
        return None
    return normalise_amount_text(s[:-1])


def typical_decimals(table: dict[str, Any]) -> int | None:
    """The decimals the table's figures print, where all but one (or one in ten) agree
    on it, over at least 3 figures; None where they do not."""
    counts: dict[int, int] = {}
    for row in table.get("rows") or []:
        for value in (row.get("amounts") or {}).values():
            if value is not None:
                n = len(value.partition(".")[2])
                counts[n] = counts.get(n, 0) + 1
    if not counts:
        return None
    common, n = max(counts.items(), key=lambda kv: kv[1])
    others = sum(counts.values()) - n  # the figures in question, at most one in ten (or one)
    return common if n >= 3 and others <= max(1, 0.1 * sum(counts.values())) else None


def mark_letter_digits(grid: Grid) -> None:
    """Read figures with confused letters as digits before interpretation (so the
    figure lands in its column), keeping the text as read in ``grid.read_as``:
    the identities judge the reading after interpretation (``annotate_table``)."""
    if grid.confidences is None:
        return
    for i, row in enumerate(grid.cells):
        for j, cell in enumerate(row):
            fixed = digits_for_letters(cell) if cell else None
            if fixed is not None:
                grid.read_as[(i, j)] = str(cell)
                row[j] = fixed


def annotate_table(grid: Grid, table: dict[str, Any]) -> None:
    """Confidence per amount and identity-confirmed corrections, for a table read
    (partly) by OCR; a table read from a text layer is left untouched."""
    if grid.confidences is None or "rows" not in table:
        return
    rows = table["rows"]
    placed = align(grid, table).placed
    for r, row in enumerate(rows):
        for key, value in (row.get("amounts") or {}).items():
            if value is None:
                continue
            cell = placed.get((r, key))
            # a figure no cell of the grid accounts for has no reading to trust: 0
            confidence = _cell_confidence(grid, cell) if cell is not None else 0.0
            if confidence is not None:  # None: a cell of a page with a text layer
                row.setdefault("confidence", {})[key] = round(confidence, 4)
    decimals = typical_decimals(table)
    for (r, key), cell in sorted(placed.items(), key=lambda item: item[0]):
        _judge_reading(grid, table, r, key, cell, decimals)


def distrust_table(table: dict[str, Any], reason: str) -> None:
    """Every figure of the table counts as unsure (confidence 0), with the reason."""
    for row in table.get("rows") or []:
        for key, value in (row.get("amounts") or {}).items():
            if value is not None:
                row.setdefault("confidence", {})[key] = 0.0
    table.setdefault("warnings", []).append(reason)


def _cell_confidence(grid: Grid, cell: Printed) -> float | None:
    if grid.confidences is None or cell.row is None or cell.col is None:
        return None
    row = grid.confidences[cell.row] if cell.row < len(grid.confidences) else []
    return row[cell.col] if cell.col < len(row) else None


def _judge_reading(grid: Grid, table: dict[str, Any], r: int, key: str, cell: Printed,
                   decimals: int | None = None) -> None:
    """Keep the reading the identities support; doubt one they cannot settle."""
    row = table["rows"][r]
    as_read_text = grid.read_as.get((cell.row, cell.col)) if cell.row is not None else None
    if as_read_text is not None:  # letters read as digits: as read, the cell held no figure
        corrected, as_read = row["amounts"][key], None
    else:
        corrected = separator_reading(cell.text) or extra_digit_reading(cell.text, decimals)
        if corrected is None:
            return
        as_read_text, as_read = cell.text, row["amounts"][key]
    failing = _failing_with(table, r, key, as_read)
    holding = _failing_with(table, r, key, corrected)
    where = f"row {row.get('code') or row.get('name')!r}, column {key}, p{cell.page}"
    warnings = table.setdefault("warnings", [])
    if len(holding) < len(failing):
        row["amounts"][key] = corrected
        fixed = ", ".join(sorted(failing - holding))
        warnings.append(f"{CORRECTION_PREFIX}{as_read_text!r} read as {corrected} ({where}): "
                        f"the table's identities ({fixed}) hold only with it")
        return
    row["amounts"][key] = as_read if as_read is not None else corrected
    row.setdefault("confidence", {})[key] = 0.0
    warnings.append(f"{DOUBT_PREFIX}{as_read_text!r} ({where}) may be {corrected}; the table's identities "
                    f"do not say which, so it counts as unsure")


def _failing_with(table: dict[str, Any], r: int, key: str, value: str | None) -> set[str]:
    """The identities of ``table`` that fail with ``value`` in row ``r``, column ``key``."""
    trial = _with_amount(table, r, key, value)
    return {f"{v.identity} {v.code or ''} {v.column or ''}".strip() for v in check_document({"tables": [trial]})}


def _with_amount(table: dict[str, Any], r: int, key: str, value: str | None) -> dict[str, Any]:
    rows = list(table["rows"])
    amounts = dict(rows[r].get("amounts") or {})
    amounts[key] = value
    rows[r] = {**rows[r], "amounts": amounts}
    return {**table, "rows": rows}

