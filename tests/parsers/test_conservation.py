"""Amount conservation (parsers/conservation.py) on Grid-level fixtures built
in code, format-independent: what the region prints against what the output
table holds, and the warnings that name what is in no row."""

from __future__ import annotations

from parsers.conservation import UNPLACED_PREFIX, check, conservation_warnings, unplaced_count
from parsers.model import Grid, RegionWord
from parsers.tables import interpret_grid
from parsers.units import infer_units

HEADER = ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]
BODY = [
    [None, "合计", "1,166.60", "950.10", "216.50"],
    ["2010301", "行政运行", "733.60", "733.60", None],
    ["2010302", "一般行政管理事务", "433.00", "216.50", "216.50"],
]


def _row(code, name, total, basic, project, page=1):
    return {"code": code, "name": name, "item": None, "side": None, "page": page,
            "amounts": {"total": total, "basic": basic, "project": project}}


def _table(rows):
    return {"kind": "expenditure_by_function", "title": "t", "unit": "万元", "pages": [1],
            "columns": ["total", "basic", "project"], "rows": rows, "note": None}


def _words(cells, page=1):
    """Region words for a grid as a reader would see them: one word per cell, rows 20pt apart."""
    out = []
    for i, row in enumerate(cells):
        for j, c in enumerate(row):
            if c and any(ch.isdigit() for ch in c):
                out.append(RegionWord(page, c, 100.0 * j, 100.0 * j + 40, 20.0 * i, 20.0 * i + 9))
    return out


def _grid(cells, words=True, **kw) -> Grid:
    return Grid(cells=cells, row_pages=[1] * len(cells), title="一般公共预算支出表", unit_text="单位：万元",
                region_words=_words(cells) if words else None, **kw)


FULL = [
    _row(None, "合计", "1166.60", "950.10", "216.50"),
    _row("2010301", "行政运行", "733.60", "733.60", None),
    _row("2010302", "一般行政管理事务", "433.00", "216.50", "216.50"),
]


def test_every_amount_placed_gives_no_warning() -> None:
    grid = _grid([HEADER, *BODY])
    assert check(grid, _table(FULL)).unplaced == []
    assert conservation_warnings(grid, _table(FULL)) == []


def test_a_dropped_column_is_named_with_its_header_and_rows() -> None:
    grid = _grid([HEADER, *BODY])
    rows = [dict(r, amounts={"total": r["amounts"]["total"], "basic": r["amounts"]["basic"]}) for r in FULL]
    warnings = conservation_warnings(grid, _table(rows))
    assert len(warnings) == 1
    w = warnings[0]
    assert w.startswith(f"{UNPLACED_PREFIX}2 amounts") and "项目支出" in w
    assert "216.50 (p1, '合计')" in w and "216.50 (p1, '一般行政管理事务')" in w


def test_a_skipped_row_is_named() -> None:
    grid = _grid([HEADER, *BODY])
    report = check(grid, _table(FULL[:2]))
    assert sorted(u.number.text for u in report.unplaced) == ["216.50", "216.50", "433.00"]
    assert all("一般行政管理事务" in u.where for u in report.unplaced)


def test_equal_amounts_elsewhere_do_not_hide_a_loss() -> None:
    """The dropped 项目支出 216.50 of the last row equals its 基本支出: the row
    alignment still finds one 216.50 of that row in no output row."""
    grid = _grid([HEADER, *BODY])
    rows = [FULL[0], FULL[1], _row("2010302", "一般行政管理事务", "433.00", "216.50", None)]
    report = check(grid, _table(rows))
    assert [(u.number.text, u.number.row) for u in report.unplaced] == [("216.50", 3)]


def test_codes_split_over_columns_serials_and_column_numbers_are_not_amounts() -> None:
    cells = [
        ["序号", "类", "款", "项", "科目名称", "合计"],
        ["栏次", "1", "2", "3", "4", "5"],
        ["1", "201", "03", "01", "行政运行", "733.60"],
        ["2", "201", "03", "02", "一般行政管理事务", "433.00"],
        ["3", "208", "05", "05", "机关事业单位基本养老保险缴费支出", "12.00"],
    ]
    rows = [
        {"code": "2010301", "name": "行政运行", "page": 1, "amounts": {"total": "733.60"}},
        {"code": "2010302", "name": "一般行政管理事务", "page": 1, "amounts": {"total": "433.00"}},
        {"code": "2080505", "name": "机关事业单位基本养老保险缴费支出", "page": 1, "amounts": {"total": "12.00"}},
    ]
    assert check(_grid(cells), _table(rows)).unplaced == []


def test_an_integer_amount_in_a_dropped_column_is_found() -> None:
    cells = [["科目名称", "合计", "人数"], ["行政运行", "733.60", "12"], ["一般行政管理事务", "433.00", "7"]]
    rows = [{"code": None, "name": "行政运行", "page": 1, "amounts": {"total": "733.60"}},
            {"code": None, "name": "一般行政管理事务", "page": 1, "amounts": {"total": "433.00"}}]
    report = check(_grid(cells), _table(rows))
    assert sorted(u.number.text for u in report.unplaced) == ["12", "7"]


def test_a_number_wrapped_over_lines_is_one_amount() -> None:
    cells = [HEADER, [None, "合计", "950.10", "950.10", None]]
    grid = _grid(cells, words=False)
    grid.region_words = [
        RegionWord(1, "950.", 200, 240, 20, 29), RegionWord(1, "10", 220, 240, 31, 40),  # wrapped in its cell
        RegionWord(1, "950.10", 300, 354, 20, 29),
    ]
    rows = [_row(None, "合计", "950.10", "950.10", None)]
    assert check(grid, _table(rows)).unplaced == []


def test_two_amounts_run_into_one_cell_are_reader_losses() -> None:
    cells = [HEADER, [None, "合计", "950.10216.50", None, None]]
    grid = _grid(cells, words=False)
    grid.region_words = [RegionWord(1, "950.10", 200, 254, 20, 29), RegionWord(1, "216.50", 256, 310, 20, 29)]
    report = check(grid, _table([_row(None, "合计", None, None, None)]))
    assert sorted(u.number.text for u in report.unplaced) == ["216.50", "950.10"]
    assert all(u.where == "not read into a cell of its own" for u in report.unplaced)


def test_office_grids_without_page_geometry_use_their_cells() -> None:
    grid = Grid(cells=[HEADER, *BODY], row_pages=[1] * 4, title="一般公共预算支出表", unit_text="单位：万元",
                stray_text=[(1, "备注 9.99")])
    rows = [dict(r, page=None) for r in FULL]
    report = check(grid, _table(rows))
    assert [(u.number.text, u.where) for u in report.unplaced] == [("9.99", "outside its cells")]


def test_interpreted_grid_end_to_end_and_the_document_count() -> None:
    grid = _grid([HEADER, *BODY])
    table = interpret_grid(grid)
    assert conservation_warnings(grid, table) == []
    table["warnings"] = ["amount conservation: 3 amounts printed in the table (column 6) are in no row: …", "other"]
    assert unplaced_count({"tables": [table, {"warnings": []}]}) == 3


def test_target_tables_place_their_values_as_text() -> None:
    cells = [["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "培训人次", "≥120人次"],
             ["产出指标", "质量指标", "合格率", "95.5%"]]
    table = {"kind": "performance_targets", "title": "t", "unit": None, "pages": [1], "columns": [], "note": None,
             "rows": [{"project_code": None, "project_name": None, "level1": "产出指标", "level2": "数量指标",
                       "level3": "培训人次", "target": "≥120人次", "page": 1},
                      {"project_code": None, "project_name": None, "level1": "产出指标", "level2": "质量指标",
                       "level3": "合格率", "target": "95.5%", "page": 1}]}
    assert check(_grid(cells), table).unplaced == []


# ------------------------------------------------------------------ units


def _t(kind: str, unit: str | None, amounts: bool = True) -> dict:
    return {"kind": kind, "unit": unit, "rows": [{"amounts": {"total": "1.00" if amounts else None}}]}


def test_a_table_without_a_unit_line_takes_the_documents_unit() -> None:
    tables = [_t("income_expenditure_summary", "元"), _t("income_summary", None), _t("expenditure_summary", "元")]
    infer_units(tables)
    assert [(t["unit"], t["unit_source"]) for t in tables] == [("元", "printed"), ("元", "inferred"), ("元", "printed")]


def test_with_mixed_units_the_nearest_table_before_decides() -> None:
    tables = [_t("income_summary", "元"), _t("expenditure_summary", None), _t("three_public_expenses", "万元"),
              _t("project_expenditure", None)]
    infer_units(tables)
    assert [t["unit"] for t in tables] == ["元", "元", "万元", "万元"]
    assert tables[1]["unit_source"] == tables[3]["unit_source"] == "inferred"


def test_tables_without_amounts_or_any_printed_unit_stay_unknown() -> None:
    empty = _t("income_summary", None, amounts=False)
    alone = [_t("income_summary", None)]
    infer_units([empty, _t("expenditure_summary", "万元")])
    infer_units(alone)
    assert empty["unit"] is None and "unit_source" not in empty
    assert alone[0]["unit"] is None and "unit_source" not in alone[0]
