"""A table read by OCR: each figure's confidence, and digit/separator confusions
corrected only where the table's own identities confirm (parsers/ocr_cells.py).

The grids are what the PDF reader hands over for an OCR'd page (cell text plus
the engine's per-cell confidence); interpretation, alignment and the identity
checks are the real ones. The OCR of a real scanned page is in test_ocr.py."""

from __future__ import annotations

import pytest

from countybudget.identities import check_document
from parsers.document import assemble_record
from parsers.lake import record_rows
from parsers.model import Grid, ReadResult
from parsers.ocr_cells import (
    CORRECTION_PREFIX,
    DOUBT_PREFIX,
    digits_for_letters,
    mark_letter_digits,
    separator_reading,
)

HEADER = ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]


def _function_grid(rows: list[list[str | None]], confidence: float = 0.99) -> Grid:
    cells = [HEADER, *rows]
    confidences = [[confidence if c else None for c in r] for r in cells]
    return Grid(cells=cells, row_pages=[1] * len(cells), title="一般公共预算财政拨款支出表", unit_text="单位：万元",
                confidences=confidences)


def _record(grid: Grid) -> dict:
    mark_letter_digits(grid)  # as the PDF reader does for a grid of OCR'd pages
    result = ReadResult(grids=[grid], page_texts=["2023年示例局部门预算\n一般公共预算财政拨款支出表"], n_pages=1,
                        ocr_pages=[1])
    return assemble_record("scan.pdf", "0" * 64, "pdf", result)


def _table(record: dict) -> dict:
    return next(t for t in record["tables"] if t["kind"] == "expenditure_by_function")


GOOD = [
    [None, "合计", "1,623.35", "1,400.00", "223.35"],
    ["201", "一般公共服务支出", "1,623.35", "1,400.00", "223.35"],
    ["2010301", "行政运行", "1,623.35", "1,400.00", "223.35"],
]


def test_every_figure_of_an_ocrd_table_carries_its_cells_confidence_into_the_raw_layer() -> None:
    grid = _function_grid(GOOD)
    grid.confidences[2][4] = 0.62  # the engine was unsure of 223.35 in the 201 row
    table = _table(_record(grid))
    assert table["rows"][1]["confidence"] == {"total": 0.99, "basic": 0.99, "project": 0.62}
    rows = [r for r in record_rows({"sha256": "0" * 64, "tables": [table]}, None)["amounts"]]
    assert {(r["code"], r["column_key"]): (r["source"], r["confidence"]) for r in rows}[("201", "project")] == ("ocr", 0.62)
    assert {r["source"] for r in rows} == {"ocr"}


def test_a_table_from_a_text_layer_is_unchanged_and_says_so_in_the_raw_layer() -> None:
    grid = _function_grid(GOOD)
    grid.confidences = None  # what every text-layer and Office reader hands over
    table = _table(_record(grid))
    assert all("confidence" not in r for r in table["rows"])
    assert not any(w.startswith(("OCR", CORRECTION_PREFIX)) for w in table.get("warnings", []))
    rows = record_rows({"sha256": "0" * 64, "tables": [table]}, None)["amounts"]
    assert {(r["source"], r["confidence"]) for r in rows} == {("text_layer", None)}


def test_the_confusable_readings_of_a_figure() -> None:
    assert separator_reading("1166，60") == "1166.60"
    assert separator_reading("1，166，60") == "1166.60"  # the last separator, followed by no group of three
    assert separator_reading("1,166.60") is None and separator_reading("1,166") is None  # right as read
    assert separator_reading("950.10") is None
    assert digits_for_letters("1l66.6O") == "1166.60"
    assert digits_for_letters("I,4OO.00") == "1,400.00"
    assert digits_for_letters("1166.60") is None  # nothing to correct
    assert digits_for_letters("Old") is None and digits_for_letters("2010l") is None  # a word; a code


def test_a_separator_read_for_the_point_is_corrected_where_the_row_total_confirms() -> None:
    rows = [list(r) for r in GOOD]
    rows[2][4] = "223，35"  # as read, 22335 万元: 合计 1623.35 != 1400.00 + 22335
    table = _table(_record(_function_grid(rows)))
    row = next(r for r in table["rows"] if r["code"] == "2010301")
    assert row["amounts"]["project"] == "223.35"
    assert row["confidence"]["project"] == 0.99  # confirmed: the engine's own confidence stands
    assert check_document({"tables": [table]}) == []
    [note] = [w for w in table["warnings"] if w.startswith(CORRECTION_PREFIX)]
    assert "'223，35' read as 223.35" in note and "2010301" in note and "row_total" in note


def test_letters_read_for_digits_are_corrected_where_the_identities_confirm() -> None:
    rows = [list(r) for r in GOOD]
    rows[1][3] = "1,4OO.0O"
    table = _table(_record(_function_grid(rows)))
    row = next(r for r in table["rows"] if r["code"] == "201")
    assert row["amounts"]["basic"] == "1400.00"
    assert any(w.startswith(CORRECTION_PREFIX) and "'1,4OO.0O'" in w for w in table["warnings"])
    assert check_document({"tables": [table]}) == []


def test_a_correction_the_identities_do_not_confirm_is_not_applied_and_counts_as_unsure() -> None:
    # 223，35 in a row whose total does not include it either way: the identities cannot tell
    rows = [list(r) for r in GOOD] + [["2010302", "一般行政管理事务", "5.00", "5.00", "223，35"]]
    table = _table(_record(_function_grid(rows)))
    row = next(r for r in table["rows"] if r["code"] == "2010302")
    assert row["amounts"]["project"] == "22335"  # as read: no identity says otherwise
    assert row["confidence"]["project"] == 0.0  # so the gate withholds the table
    assert any(w.startswith(DOUBT_PREFIX) and "'223，35'" in w for w in table["warnings"])


@pytest.mark.parametrize("confidence", [0.99, 0.5])
def test_an_ocr_figure_no_cell_accounts_for_counts_as_unsure(confidence: float) -> None:
    grid = _function_grid(GOOD, confidence)
    table = _table(_record(grid))
    table["rows"][0]["amounts"]["total"] = "9.99"  # a figure the grid does not print
    from parsers.ocr_cells import annotate_table

    for row in table["rows"]:
        row.pop("confidence", None)
    annotate_table(grid, table)
    assert table["rows"][0]["confidence"]["total"] == 0.0
    assert table["rows"][1]["confidence"]["total"] == confidence


def test_a_stroke_read_as_one_more_decimal_is_dropped_where_the_identities_confirm() -> None:
    from parsers.ocr_cells import extra_digit_reading

    assert extra_digit_reading("1,331.622", 2) == "1331.62"
    assert extra_digit_reading("1331.62", 2) is None and extra_digit_reading("1331.622", None) is None
    rows = [list(r) for r in GOOD]
    rows[2][3] = "1,400.002"  # a tick beside the figure read as a third decimal
    table = _table(_record(_function_grid(rows)))
    row = next(r for r in table["rows"] if r["code"] == "2010301")
    assert row["amounts"]["basic"] == "1400.00"
    assert check_document({"tables": [table]}) == []
    assert any(w.startswith(CORRECTION_PREFIX) and "'1,400.002' read as 1400.00" in w for w in table["warnings"])
