"""interpret_grid on Grids as any reader (PDF, DOCX, XLSX) produces them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from countybudget import identities
from countybudget.table_kinds import COLUMN_KEYS, TABLE_KINDS, THREE_PUBLIC_ITEMS
from parsers.model import Grid
from parsers.tables import interpret_grid, is_column_number_row


def grid(cells: list[list[str | None]], title: str | None = None, unit_text: str | None = None, **kw) -> Grid:
    return Grid(cells=cells, row_pages=[1] * len(cells), title=title, unit_text=unit_text, **kw)


FUNCTION_HEADER = ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]


def test_function_table_rows_codes_and_exact_amounts() -> None:
    table = interpret_grid(
        grid(
            [
                FUNCTION_HEADER,
                [None, "合计", "1,623.35", "1,400.00", "223.35"],
                ["201", "一般公共服务支出", "1,623.35", "1,400.00", "223.35"],
                ["2010301", "行政运行", "１４００.００", "1400.00", "-"],
            ],
            title="一般公共预算财政拨款支出表",
            unit_text="单位：万元",
        )
    )
    assert table["kind"] == "expenditure_by_function"
    assert table["unit"] == "万元"
    assert table["columns"] == ["total", "basic", "project"]
    rows = table["rows"]
    assert [r["code"] for r in rows] == [None, "201", "2010301"]
    assert rows[0]["name"] == "合计"
    assert rows[1]["amounts"] == {"total": "1623.35", "basic": "1400.00", "project": "223.35"}
    assert rows[2]["amounts"] == {"total": "1400.00", "basic": "1400.00", "project": None}
    for r in rows:  # amounts stay exact decimal strings
        assert all(v is None or Decimal(v) == Decimal(v).normalize() or "." in v for v in r["amounts"].values())


def test_code_printed_in_front_of_the_name() -> None:
    table = interpret_grid(
        grid(
            [
                ["功能科目名称", "小计", "基本支出", "项目支出"],
                ["合计", "9.00", "8.00", "1.00"],
                ["[201]一般公共服务支出", "9.00", "8.00", "1.00"],
                ["2010501 行政运行", "8.00", "8.00", "0.00"],
            ],
            title="一般公共预算支出情况表（按功能分类科目）",
        )
    )
    assert [(r["code"], r["name"]) for r in table["rows"]] == [
        (None, "合计"),
        ("201", "一般公共服务支出"),
        ("2010501", "行政运行"),
    ]


def test_split_code_columns_merge_into_full_codes() -> None:
    table = interpret_grid(
        grid(
            [
                ["功能分类科目编码", None, None, "功能分类科目名称", "合计", "基本支出", "项目支出"],
                ["类", "款", "项", None, None, None, None],
                ["208", None, None, "社会保障和就业支出", "100", "100", None],
                ["208", "05", None, "行政事业单位养老支出", "100", "100", None],
                [None, None, "01", "行政单位离退休", "60", "60", None],  # 类/款 printed once
                ["208", "05", "05", "机关事业单位基本养老保险缴费支出", "40", "40", None],
            ],
            title="2026年预算单位一般公共预算支出功能分类预算表",
            unit_text="单位：元",
        )
    )
    assert [r["code"] for r in table["rows"]] == ["208", "20805", "2080501", "2080505"]
    assert table["unit"] == "元"


def test_column_number_rows_are_dropped() -> None:
    assert is_column_number_row(["栏次", "1", "2", "3", "4"])
    assert is_column_number_row([None, "1", "2", "3"])
    assert not is_column_number_row(["合计", "1", "2"])
    table = interpret_grid(
        grid(
            [FUNCTION_HEADER, ["栏次", None, "1", "2", "3"], ["201", "一般公共服务支出", "3.00", "2.00", "1.00"]],
            title="一般公共预算支出表",
        )
    )
    assert [r["code"] for r in table["rows"]] == ["201"]


def test_two_halves_summary_rows_carry_their_side() -> None:
    table = interpret_grid(
        grid(
            [
                ["收入", None, "支出", None],
                ["项目", "预算数", "项目", "预算数"],
                ["一、一般公共预算拨款收入", "1166.60", "一、一般公共服务支出", "950.10"],
                [None, None, "二、住房保障支出", "216.50"],
                ["收入总计", "1166.60", "支出总计", "1166.60"],
            ],
            title="部门收支总表",
        )
    )
    assert table["kind"] == "income_expenditure_summary"
    sides = [(r["side"], r["name"], r["amounts"]["amount"]) for r in table["rows"]]
    assert sides == [
        ("income", "一、一般公共预算拨款收入", "1166.60"),
        ("expenditure", "一、一般公共服务支出", "950.10"),
        ("expenditure", "二、住房保障支出", "216.50"),
        ("income", "收入总计", "1166.60"),
        ("expenditure", "支出总计", "1166.60"),
    ]


def test_serial_number_column_is_not_an_amount() -> None:
    table = interpret_grid(
        grid(
            [
                ["序号", "项目", "预算数", "项目", "预算数"],
                ["1", "一、财政拨款收入", "10.00", "一、一般公共服务支出", "10.00"],
                ["2", "二、事业收入", None, "二、教育支出", None],
                ["3", "收入总计", "10.00", "支出总计", "10.00"],
            ],
            title="收支总表",
        )
    )
    assert {r["side"] for r in table["rows"]} == {"income", "expenditure"}
    assert all(set(r["amounts"]) == {"amount"} for r in table["rows"])


def test_three_public_rows_keyed_by_item() -> None:
    table = interpret_grid(
        grid(
            [
                ["项目", "合计", "一般公共预算", "政府性基金预算"],
                ["行政经费", "839.21", "839.21", "0.00"],
                ["“三公”经费", "19.86", "19.86", "0.00"],
                ["其中：（一）因公出国（境）支出", "5.00", "5.00", "0.00"],
                ["（二）公务用车购置及运行维护支出", "6.70", "6.70", "0.00"],
                ["1.公务用车购置费", "0.00", "0.00", "0.00"],
                ["2.公务用车运行维护费", "6.70", "6.70", "0.00"],
                ["（三）公务接待费支出", "8.16", "8.16", "0.00"],
            ],
            title="财政拨款安排的行政经费及“三公”经费预算表",
        )
    )
    assert table["kind"] == "three_public_expenses"
    got = {r["item"]: r["amounts"]["amount"] for r in table["rows"] if r["item"]}
    # 公务用车购置及运行维护 is no item, nor is 行政经费: both stay rows (item null), no figure is dropped
    not_items = [r for r in table["rows"] if r["item"] is None]
    assert [(r["name"], r["amounts"]["amount"]) for r in not_items] == [
        ("行政经费", "839.21"), ("（二）公务用车购置及运行维护支出", "6.70")]
    assert got == {
        "total": "19.86",
        "overseas": "5.00",
        "vehicle_purchase": "0.00",
        "vehicle_operation": "6.70",
        "reception": "8.16",
    }
    assert set(got) <= set(THREE_PUBLIC_ITEMS)


def test_performance_targets_inherit_merged_levels() -> None:
    table = interpret_grid(
        grid(
            [
                ["项目名称", "信息化运维", None, None],
                ["一级指标", "二级指标", "三级指标", "指标值"],
                ["产出指标", "数量指标", "运维系统数", "≥12个"],
                [None, None, "巡检次数", "12次"],
                [None, "质量指标", "系统可用率", "≥99%"],
                ["效益指标", "社会效益指标", "服务满意度", "≥90%"],
            ],
            title="项目支出绩效目标表",
        )
    )
    assert table["kind"] == "performance_targets"
    rows = [(r["project_name"], r["level1"], r["level2"], r["level3"], r["target"]) for r in table["rows"]]
    assert rows == [
        ("信息化运维", "产出指标", "数量指标", "运维系统数", "≥12个"),
        ("信息化运维", "产出指标", "数量指标", "巡检次数", "12次"),
        ("信息化运维", "产出指标", "质量指标", "系统可用率", "≥99%"),
        ("信息化运维", "效益指标", "社会效益指标", "服务满意度", "≥90%"),
    ]


def test_a_project_forms_funding_lines_are_kept_with_their_unit() -> None:
    """The form of each project prints its funding above the indicators (资金总额 /
    专项资金情况（万元） 财政拨款 / 其他资金): figures of the document, kept per project;
    the next project's form in the same table has its own."""
    form = lambda name, total, other: [  # noqa: E731
        ["项目名称", name, None, None, None],
        ["主管部门", "某局", None, "实施单位", "某支队"],
        [None, "资金总额", None, total, None],
        ["专项资金情况（万元）", "财政拨款", None, total, None],
        [None, "其他资金", None, other, None],
        [None, "一级指标", "二级指标", "三级指标", "指标值"],
        [None, "产出指标", "数量指标", "聘用人员数量", "≤10人"],
    ]
    table = interpret_grid(grid(form("警务辅助人员经费", "44.47", "0.00") + form("加班补贴", "56.23", "1.50"),
                                title="项目支出绩效目标表", unit_text=None))
    assert table["kind"] == "performance_targets"
    got = [(r["project_name"], r["level3"], r["project_funds"], r["project_funds_unit"]) for r in table["rows"]]
    assert got == [
        ("警务辅助人员经费", "聘用人员数量", {"资金总额": "44.47", "财政拨款": "44.47", "其他资金": "0.00"}, "万元"),
        ("加班补贴", "聘用人员数量", {"资金总额": "56.23", "财政拨款": "56.23", "其他资金": "1.50"}, "万元"),
    ]


def test_empty_table_note() -> None:
    table = interpret_grid(
        grid(
            [FUNCTION_HEADER, [None, "合计", None, None, None], ["注：本单位无政府性基金预算支出，本表无数据。", None, None, None, None]],
            title="政府性基金预算支出表",
        )
    )
    assert table["kind"] == "government_fund_expenditure"
    assert "本表无数据" in table["note"]
    assert [r["name"] for r in table["rows"]] == ["合计"]


def test_unknown_table_keeps_raw_cells() -> None:
    cells = [["车辆", "数量"], ["一般公务用车", "3"]]
    table = interpret_grid(grid(cells, title="国有资产占用情况表"))
    assert table["kind"] == "unknown"
    assert table["cells"] == cells
    assert "rows" not in table


def test_unit_found_in_a_header_cell() -> None:
    table = interpret_grid(
        grid([["单位：元", None, None], FUNCTION_HEADER[1:4], ["合计", "5", "5"]], title="一般公共预算支出表")
    )
    assert table["unit"] == "元"


@pytest.mark.parametrize(
    "title, kind",
    [
        ("部门收支总表", "income_expenditure_summary"),
        ("2026年预算单位收入预算总表", "income_summary"),
        ("本年支出总体情况表", "expenditure_summary"),
        ("财政拨款收支总表", "fiscal_appropriation_summary"),
        ("一般公共预算基本支出表", "basic_expenditure_by_economic"),
        ("政府性基金预算支出表", "government_fund_expenditure"),
        ("国有资本经营预算支出表", "state_capital_expenditure"),
        ("项目支出表", "project_expenditure"),
        ("政府采购支出表", "government_procurement"),
        ("一般公共预算机关运行经费支出预算表", "office_operating_expenses"),
        ("2026年单位“三公”经费和机关运行经费预算表", "three_public_expenses"),
    ],
)
def test_kind_from_title(title: str, kind: str) -> None:
    table = interpret_grid(grid([["项目", "合计"], ["合计", "1.00"]], title=title))
    assert table["kind"] == kind
    assert kind in TABLE_KINDS
    assert set(table["columns"]) <= set(COLUMN_KEYS[kind])


def test_office_operating_expenses_by_economic_class() -> None:
    """The 机关运行经费支出表: one figure per economic code, its hierarchy checked like
    every economic table's (302 = Σ 302xx)."""
    table = interpret_grid(grid([
        ["科目编码", "科目名称", "机关运行经费支出"],
        ["合计", None, "135.29"],
        ["302", "商品和服务支出", "135.29"],
        ["30201", "办公费", "39.15"],
        ["30239", "其他交通费用", "96.14"],
    ], title="一般公共预算机关运行经费支出预算表"))
    assert table["kind"] == "office_operating_expenses" and table["columns"] == ["total"]
    assert [(r["code"], r["amounts"]["total"]) for r in table["rows"]] == [
        (None, "135.29"), ("302", "135.29"), ("30201", "39.15"), ("30239", "96.14")]
    assert identities.check_document({"id": "t", "tables": [table]}) == []
    table["rows"][3]["amounts"]["total"] = "97.14"
    assert identities.check_document({"id": "t", "tables": [table]})  # the parent is no longer the sum of its children


def test_group_header_does_not_name_its_sub_columns() -> None:
    """基本支出 printed over 人员经费 | 公用经费: neither sub-column is the basic
    total; they are its parts (合计 = 人员 + 公用 + 项目 holds)."""
    table = interpret_grid(
        grid(
            [
                ["功能分类科目编码", None, "财政拨款支出", None, None, None],
                [None, None, None, "基本支出", None, None],
                ["科目编码", "科目名称", "合计", "人员经费", "公用经费", "项目支出"],
                ["201", "一般公共服务支出", "10.00", "6.00", "3.00", "1.00"],
            ],
            title="2026年预算单位财政拨款支出预算表",
        )
    )
    assert table["kind"] == "expenditure_by_function"
    assert table["rows"][0]["amounts"] == {"total": "10.00", "personnel": "6.00", "public": "3.00", "project": "1.00"}


def test_wrapped_or_generic_labels_use_the_words_above() -> None:
    table = interpret_grid(
        grid(
            [
                ["科目编码", "科目名称", "合计", "基本支", "项目支"],
                [None, None, None, "出", "出"],
                ["201", "一般公共服务支出", "10.00", "9.00", "1.00"],
            ],
            title="一般公共预算支出表",
        )
    )
    assert table["rows"][0]["amounts"] == {"total": "10.00", "basic": "9.00", "project": "1.00"}


def test_total_printed_across_split_code_columns_is_a_row() -> None:
    table = interpret_grid(
        grid(
            [
                ["功能分类科目编码", None, None, "功能分类科目名称", "合计", "基本支出", "项目支出"],
                ["类", "款", "项", None, None, None, None],
                ["合计", None, None, None, None, None, None],
            ],
            title="2026年预算单位一般公共预算支出功能分类预算表",
        )
    )
    assert [(r["code"], r["name"], r["amounts"]) for r in table["rows"]] == [
        (None, "合计", {"total": None, "basic": None, "project": None})
    ]


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

CELL_TEXT = st.one_of(
    st.none(),
    st.sampled_from(["合计", "类", "款", "项", "科目编码", "基本支出", "项目支出", "栏次", "-", "201", "20103", "因公出国（境）费",
                     "一级指标", "三级指标", "指标值", "项目名称", "注：本表无数据", "1,234.50", ".60", "1", "2"]),
    st.text(max_size=6),
)


@settings(max_examples=150, deadline=None)
@given(
    cells=st.lists(st.lists(CELL_TEXT, min_size=0, max_size=7), min_size=0, max_size=8),
    title=st.one_of(st.none(), st.sampled_from(["收支总表", "一般公共预算支出表", "“三公”经费支出表", "绩效目标表", "项目支出表"])),
)
def test_any_grid_gives_a_table_and_never_raises(cells: list[list[str | None]], title: str | None) -> None:
    table = interpret_grid(Grid(cells=cells, row_pages=[1] * len(cells), title=title))
    assert table["kind"] in TABLE_KINDS
    assert ("cells" in table) == (table["kind"] == "unknown")
    for row in table.get("rows", []):
        for value in (row.get("amounts") or {}).values():
            assert value is None or Decimal(value) is not None


def test_an_untitled_table_whose_rows_are_the_three_public_items_is_the_three_public_table() -> None:
    # as a 150 dpi scan reads it: the title misread past recognition, header 项目 | 预算数
    rows = [["项目", "预算数"], ["“三公”经费合计", "80000.00"], ["1.因公出国（境）费", "0.00"],
            ["2.公务用车购置及运行维护费", "60000.00"], ["（1）公务用车购置费", "0.00"],
            ["（2）公务用车运行维护费", "60000.00"], ["3.公务接待费", "20000.00"]]
    table = interpret_grid(grid(rows, unit_text="单位：元"))
    assert table["kind"] == "three_public_expenses"
    assert {r["item"] for r in table["rows"]} >= {"total", "overseas", "vehicle_purchase", "reception"}
    # naming one or two of the items is not enough (a 项目支出 line, a note)
    assert interpret_grid(grid([rows[0], rows[1], rows[3], rows[4]]))["kind"] != "three_public_expenses"
