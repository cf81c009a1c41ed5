"""The summary tables read from their structure (parsers/summary.py), one test per
layout class met in real documents; fixtures in tests/parsers/summary_layouts.py."""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

import pytest

from countybudget import identities
from parsers.model import Grid
from parsers.summary import code_column_meaning, header_columns, key_columns, INCOME_SUMMARY_KEYS
from parsers.tables import interpret_grid
from countybudget.table_kinds import COLUMN_KEYS

_spec = importlib.util.spec_from_file_location("summary_layouts", Path(__file__).parent / "summary_layouts.py")
L = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(L)


def lines(table: dict, side: str) -> list[tuple[str, str, int]]:
    return [(r["name"], r["role"], r["level"]) for r in table["rows"] if r["side"] == side]


def violations(*tables: dict) -> list[identities.Violation]:
    return identities.check_document(L.document(*tables))


def without_roles(table: dict) -> dict:
    """The same table as a reader without row structure would give it (name rule)."""
    stripped = copy.deepcopy(table)
    for r in stripped["rows"]:
        r.pop("role", None)
        r.pop("level", None)
    return stripped


# ------------------------------------------------------------ two halves


def test_footer_halves_read_their_outline_roles_and_carry_overs() -> None:
    table = interpret_grid(L.footer_halves())
    assert table["kind"] == "income_expenditure_summary"
    assert table["columns"] == ["amount"]
    assert lines(table, "income") == [
        ("一、财政拨款", "item", 0), ("1.一般公共预算拨款", "item", 1), ("2.政府性基金预算拨款", "item", 1),
        ("3.国有资本经营预算拨款", "item", 1), ("二、财政专户管理资金", "item", 0), ("三、单位资金", "item", 0),
        ("1.事业收入", "item", 1), ("2.其他收入", "item", 1), ("本年收入合计", "subtotal", 0),
        ("上年结余、结转", "item", 0), ("1.财政拨款结余、结转", "item", 1), ("2.非财政拨款结余、结转", "item", 1),
        ("收入总计", "total", 0),
    ]
    spending = lines(table, "expenditure")
    assert spending[:3] == [("一、一般公共服务支出", "item", 0), ("统计信息事务", "item", 1), ("行政运行", "item", 1)]
    assert ("二、社会保障和就业支出", "item", 0) in spending
    assert spending[-3:] == [("本年支出合计", "subtotal", 0), ("结转下年", "item", 0), ("支出总计", "total", 0)]
    assert not table.get("warnings")
    # the note under the table is no line of it
    assert all("注" not in (r["name"] or "") for r in table["rows"])
    # every sum holds; 本年收入合计 960 and 本年支出合计 990 differ by what the carry-overs move
    assert violations(table) == []


def test_the_name_rule_alone_sums_the_sub_lines_twice() -> None:
    """Without the levels, 1./2. sub-lines and unnumbered sub-items count as items (the
    baseline's summary_items_sum failures: lines summing to 2× or 3× the subtotal)."""
    table = interpret_grid(L.footer_halves())
    found = {(v.identity, v.code) for v in violations(without_roles(table))}
    assert ("summary_items_sum", "income") in found and ("summary_items_sum", "expenditure") in found
    assert any(i == "income_equals_expenditure" for i, _ in found)  # 960 ≠ 990 under the name rule


def test_heading_halves_sum_the_lines_under_the_heading() -> None:
    table = interpret_grid(L.heading_halves())
    assert table["kind"] == "fiscal_appropriation_summary"
    assert lines(table, "income") == [
        ("一、本年收入", "subtotal", 0), ("（一）一般公共预算拨款", "item", 1), ("（二）政府性基金预算拨款", "item", 1),
        ("（三）国有资本经营预算拨款", "item", 1), ("二、上年结转", "item", 0), ("（一）一般公共预算拨款", "item", 1),
        ("（二）政府性基金预算拨款", "item", 1), ("收入总计", "total", 0),
    ]
    assert lines(table, "expenditure")[-2:] == [("二、年终结转结余", "item", 0), ("支出总计", "total", 0)]
    assert violations(table) == []
    # a heading's own figure out of line with its sub-lines is found
    broken = copy.deepcopy(table)
    next(r for r in broken["rows"] if r["name"] == "（一）一般公共预算拨款")["amounts"]["amount"] = "440.00"
    found = [v for v in violations(broken) if v.identity == "summary_items_sum"]
    assert [(v.code, v.actual, v.expected) for v in found] == [("income", "500.00", "490.00")]


def test_a_carry_over_printed_above_a_heading_subtotal() -> None:
    table = interpret_grid(L.carry_first_halves())
    assert lines(table, "income") == [
        ("一、上年结转", "item", 0), ("二、本年收入", "subtotal", 0), ("（一）一般公共预算拨款", "item", 1),
        ("（二）政府性基金预算拨款", "item", 1), ("收入总计", "total", 0)]
    assert violations(table) == []


def test_stacked_halves_are_split_at_the_expenditure_heading() -> None:
    table = interpret_grid(L.stacked_halves())
    assert [r["side"] for r in table["rows"]] == ["income"] * 3 + ["expenditure"] * 3
    assert [r["name"] for r in table["rows"]][:3] == ["一、一般公共预算拨款收入", "二、事业收入", "收入总计"]
    assert [r["role"] for r in table["rows"]] == ["item", "item", "total"] * 2
    assert violations(table) == []


def test_an_expenditure_half_split_into_columns_keeps_every_column() -> None:
    table = interpret_grid(L.total_only_halves())
    assert table["unit"] == "元"
    assert table["columns"] == ["amount", "personnel", "public", "project"]
    spending = [r for r in table["rows"] if r["side"] == "expenditure"]
    assert spending[0]["amounts"] == {"amount": "21825649", "personnel": "10394833", "public": "7483036",
                                      "project": "3947780"}
    assert lines(table, "income")[1] == ("1、一般公共预算", "item", 1)
    assert [r["role"] for r in table["rows"] if r["name"] in ("收入总计", "支出总计")] == ["total", "total"]
    assert violations(table) == []  # 合计 = 人员经费 + 公用经费 + 项目支出 on every line, halves balance
    broken = copy.deepcopy(table)
    spending = [r for r in broken["rows"] if r["side"] == "expenditure"]
    spending[0]["amounts"]["public"] = "7483000"
    # the line's 合计 ≠ its parts, and the 公用经费 column no longer adds up to 支出总计
    assert sorted((v.identity, v.column) for v in violations(broken)) == [
        ("row_total", "amount"), ("summary_items_sum", "public")]


def test_totals_named_heji_after_the_carry_overs_are_the_totals() -> None:
    table = interpret_grid(L.heji_totals())
    income = lines(table, "income")
    assert income[-3:] == [("本年收入合计", "subtotal", 0), ("上年结转结余", "item", 0), ("收入合计", "total", 0)]
    # 本年收入合计 53764.88 ≠ 本年支出合计 61764.88: the 8000.00 carried over pays the difference
    assert violations(table) == []
    broken = copy.deepcopy(table)
    next(r for r in broken["rows"] if r["name"] == "上年结转结余")["amounts"]["amount"] = "7000.00"
    found = {v.identity for v in violations(broken)}
    assert found == {"summary_items_sum", "income_equals_expenditure"}


def test_indentation_places_unnumbered_lines() -> None:
    table = interpret_grid(L.indented_halves())
    assert [lv for _, _, lv in lines(table, "expenditure")] == [0, 1, 2, 2, 0, 1, 2, 0]
    assert violations(table) == []
    # without the reader's indents no reading adds up: the table says so, and the gate will hold it
    flat = L.indented_halves()
    flat.indents = None
    unread = interpret_grid(flat)
    assert any("expenditure half" in w for w in unread.get("warnings") or [])
    assert any(v.identity == "summary_items_sum" for v in violations(unread))


def test_the_reading_under_which_the_identities_hold_is_chosen() -> None:
    """Unnumbered top-level lines after numbered ones: the outline reads them as
    sub-lines, the sums say they are items (the flat reading)."""
    cells = [["收入", None, "支出", None], ["项目", "预算数", "项目", "预算数"],
             ["一、财政拨款收入", "100.00", "一、一般公共服务支出", "120.00"],
             ["事业收入", "20.00", None, None],
             ["本年收入合计", "120.00", "本年支出合计", "120.00"]]
    table = interpret_grid(Grid(cells=cells, row_pages=[1] * len(cells), title="收支总表"))
    assert lines(table, "income")[:2] == [("一、财政拨款收入", "item", 0), ("事业收入", "item", 0)]
    assert violations(table) == []


def test_a_half_that_adds_up_under_no_reading_keeps_its_literal_reading_and_says_so() -> None:
    grid = L.footer_halves()
    grid.cells[2][1] = "950.00"  # 一、财政拨款 printed 950.00 against its parts 900.00 and 本年收入合计 960.00
    table = interpret_grid(grid)
    assert lines(table, "income")[1] == ("1.一般公共预算拨款", "item", 1)
    assert any("income half" in w and "960.00" in w for w in table["warnings"])
    found = [v for v in violations(table) if v.identity == "summary_items_sum"]
    assert [(v.code, v.actual) for v in found] == [("income", "960.00")]


# ------------------------------------------------------------ keyed summaries


def test_unit_coded_income_summary_has_unit_codes_not_function_codes() -> None:
    table = interpret_grid(L.unit_coded_income())
    assert table["kind"] == "income_summary"
    rows = table["rows"]
    assert [(r["code"], r.get("unit_code"), r["name"], r["role"], r["level"]) for r in rows] == [
        (None, None, "合计", "total", 0),
        (None, "305", "示例市教育局", "subtotal", 0),
        (None, "305001", "示例市教育局（本级）", "item", 1),
        (None, "305002", "示例市实验中学", "item", 1),
    ]
    assert table["columns"] == [
        "total", "current_year_subtotal", "general_budget", "government_fund", "fiscal_special_account", "business",
        "other", "carryover", "col:上年结转结余/一般公共预算", "col:上年结转结余/单位资金"]
    assert rows[0]["amounts"]["carryover"] == "100.00"
    assert rows[0]["amounts"]["col:上年结转结余/一般公共预算"] == "70.00"  # kept, under its printed header
    assert "general_budget" in rows[0]["amounts"] and rows[0]["amounts"]["general_budget"] == "800.00"
    assert violations(table) == []  # no function-code check sees 305001, and 合计 = 本年 + 结转 on every row


def test_a_code_column_means_what_its_header_and_values_say() -> None:
    assert code_column_meaning("单位代码", ["305", "305001"]) == "unit"
    assert code_column_meaning("部门编码", ["114001"]) == "unit"
    assert code_column_meaning("科目编码", ["201", "20101", "2010101"]) == "function"
    assert code_column_meaning("功能分类科目编码", ["201"]) == "function"
    # a bare 编码 header: unit codes extend their department's code by three digits
    assert code_column_meaning("编码", ["313", "313001", "313002"]) == "unit"
    assert code_column_meaning("编码", ["201", "20103", "2010301", "2010302"]) == "function"
    # not digit count: a 6-digit value that is no function code under a known 类
    assert code_column_meaning("编码", ["114001", "114002"]) == "unit"


def test_a_unit_code_printed_in_front_of_the_unit_name() -> None:
    cells = [["单位名称", "合计", "一般公共预算拨款收入"],
             ["合计", "10.00", "10.00"],
             ["114001 示例区财政局（本级）", "6.00", "6.00"],
             ["114002 示例区财政投资评审中心", "4.00", "4.00"]]
    table = interpret_grid(Grid(cells=cells, row_pages=[1] * 4, title="收入总表", unit_text="单位：万元"))
    assert [(r["code"], r.get("unit_code"), r["name"]) for r in table["rows"][1:]] == [
        (None, "114001", "示例区财政局（本级）"), (None, "114002", "示例区财政投资评审中心")]
    assert violations(table) == []


def test_unit_named_income_summary_group_headers_and_wrapped_labels() -> None:
    table = interpret_grid(L.unit_named_income())
    assert table["columns"] == ["total", "general_budget", "government_fund", "state_capital", "fiscal_special_account",
                                "business", "superior_subsidy", "other", "carryover"]
    rows = table["rows"]
    assert [(r["name"], r["role"], r["level"]) for r in rows] == [
        ("示例市人力资源和社会保障局", "total", 0), ("示例市人力资源和社会保障局（本级）", "item", 1),
        ("示例市公共就业服务中心", "item", 1)]
    assert all(r["code"] is None and r.get("unit_code") is None for r in rows)
    assert violations(table) == []


def test_unit_rows_over_function_rows_and_a_column_outside_the_total() -> None:
    table = interpret_grid(L.unit_function_expenditure())
    rows = table["rows"]
    assert [(r["code"], r["role"]) for r in rows[:3]] == [(None, "total"), (None, "subtotal"), ("211", "item")]
    assert rows[2]["code_source"] == "printed"
    # 事业单位经营支出 is inside 基本支出 + 项目支出 here: kept under its header, the table says why
    assert "operating" not in table["columns"] and "col:事业单位经营支出" in table["columns"]
    assert any("事业单位经营支出" in w for w in table["warnings"])
    assert "col:2026年政府采购项目/小计" in table["columns"]
    assert violations(table) == []
    # the function codes are summed per unit block
    assert [len(b) for b in identities.unit_blocks(table)] == [1, 5, 4]


def test_function_coded_income_summary_with_split_codes() -> None:
    cells = [["项目", None, None, None, "收入预算", None, None],
             ["功能分类科目编码", None, None, None, None, None, "事业单位"],
             ["类", "款", "项", "功能分类科目名称", "合计", "财政拨款收入", "经营收入"],
             ["201", None, None, "一般公共服务支出", "30", "20", "10"],
             ["201", "05", None, "统计信息事务", "30", "20", "10"],
             ["201", "05", "50", "事业运行", "30", "20", "10"],
             ["合计", None, None, None, "30", "20", "10"]]
    table = interpret_grid(Grid(cells=cells, row_pages=[1] * len(cells), title="2026年预算单位收入预算总表",
                                unit_text="单位：元"))
    assert [(r["code"], r["role"]) for r in table["rows"]] == [
        ("201", "item"), ("20105", "item"), ("2010550", "item"), (None, "total")]
    assert table["columns"] == ["total", "fiscal_appropriation", "operating"]
    assert violations(table) == []


def test_a_group_column_printed_with_its_parts_is_not_summed_twice() -> None:
    cells = [[None, None, "财政拨款", None, None, None, None],
             ["单位名称", "合计", "小计", "一般公共预算", "政府性基金预算", "事业收入", "上年结转结余"],
             ["示例局", "110.00", "90.00", "80.00", "10.00", "15.00", "5.00"]]
    table = interpret_grid(Grid(cells=cells, row_pages=[1] * 3, title="收入总表", unit_text="单位：万元"))
    assert table["columns"] == ["total", "fiscal_appropriation", "general_budget", "government_fund", "business",
                                "carryover"]
    # 合计 sums 财政拨款 小计 (not also its parts), and 小计 is checked against its parts
    assert identities.rule_parts("income_summary", "total", table["columns"]) == [
        "fiscal_appropriation", "business", "carryover"]
    assert identities.rule_parts("income_summary", "fiscal_appropriation", table["columns"]) == [
        "general_budget", "government_fund"]
    assert violations(table) == []
    broken = copy.deepcopy(table)
    broken["rows"][0]["amounts"]["government_fund"] = "11.00"
    assert [(v.identity, v.column) for v in violations(broken)] == [("row_total", "fiscal_appropriation")]


def test_header_columns_groups_and_wraps() -> None:
    header = [[None, "本年收入", None, None, "上年结余"], ["合计", "财政拨款", None, "财政专户管理", "、结转"],
              [None, "一般公共预算", "政府性基金", "资金", None]]
    cols = header_columns(header, 5)
    assert [(c.own, c.group) for c in cols] == [
        ("合计", ""), ("一般公共预算", "本年收入/财政拨款"), ("政府性基金", "本年收入/财政拨款"),
        ("财政专户管理资金", "本年收入"), ("上年结余、结转", "")]
    keys = key_columns(dict(enumerate(cols)), INCOME_SUMMARY_KEYS, COLUMN_KEYS["income_summary"], "total")
    assert keys == {0: "total", 1: "general_budget", 2: "government_fund", 3: "fiscal_special_account", 4: "carryover"}


@pytest.mark.parametrize("make", [L.footer_halves, L.heading_halves, L.carry_first_halves, L.stacked_halves, L.total_only_halves,
                                  L.heji_totals, L.indented_halves, L.unit_coded_income, L.unit_named_income,
                                  L.unit_function_expenditure])
def test_no_printed_amount_is_lost(make) -> None:
    """Every amount printed in the body ends in some row's amounts."""
    from parsers.tables import amount_of, _header_row_count

    grid = make()
    table = interpret_grid(grid)
    codes = {r.get(k) for r in table["rows"] for k in ("code", "unit_code") if r.get(k)}
    n = _header_row_count([[c for c in r] for r in grid.cells])
    printed = sorted(amount_of(c) for r in grid.cells[n:] for c in r
                     if c and amount_of(c) is not None and c not in codes)
    kept = sorted(v for r in table["rows"] for v in r["amounts"].values() if v is not None)
    assert kept == printed


def test_a_half_printing_function_codes_keeps_them_and_ranks_them() -> None:
    cells = [["收入", None, "支出", None, None],
             ["项目", "预算数", "科目编码", "科目名称", "预算数"],
             ["一、一般公共预算拨款", "100.00", "201", "一般公共服务支出", "100.00"],
             [None, None, "20103", "政府办公厅（室）及相关机构事务", "100.00"],
             [None, None, "2010301", "行政运行", "100.00"],
             ["收入总计", "100.00", None, "支出总计", "100.00"]]
    table = interpret_grid(Grid(cells=cells, row_pages=[1] * len(cells), title="财政拨款收支总表"))
    spending = [(r["code"], r["name"], r["level"]) for r in table["rows"] if r["side"] == "expenditure"]
    assert spending == [("201", "一般公共服务支出", 0), ("20103", "政府办公厅（室）及相关机构事务", 1),
                        ("2010301", "行政运行", 2), (None, "支出总计", 0)]
    assert violations(table) == []


def test_the_line_figure_is_this_years_column() -> None:
    cells = [["收入", None, None, "支出", None, None],
             ["项目", "2025年预算数", "2026年预算数", "项目", "2025年预算数", "2026年预算数"],
             ["一、财政拨款收入", "90.00", "100.00", "一、一般公共服务支出", "90.00", "100.00"],
             ["收入总计", "90.00", "100.00", "支出总计", "90.00", "100.00"]]
    table = interpret_grid(Grid(cells=cells, row_pages=[1] * len(cells), title="收支总表"))
    assert table["columns"] == ["col:收入/2025年预算数", "amount", "col:支出/2025年预算数"]
    assert table["rows"][0]["amounts"] == {"col:收入/2025年预算数": "90.00", "amount": "100.00"}
    assert violations(table) == []


def test_an_expenditure_summary_printed_with_names_only_gets_its_codes_inferred() -> None:
    cells = [["科目名称", "合计", "基本支出", "项目支出"],
             ["合计", "30.00", "20.00", "10.00"],
             ["一般公共服务支出", "30.00", "20.00", "10.00"],
             ["政府办公厅（室）及相关机构事务", "30.00", "20.00", "10.00"],
             ["行政运行", "20.00", "20.00", None],
             ["一般行政管理事务", "10.00", None, "10.00"]]
    indents = [[None] * 4, [0.0, None, None, None], [0.0, None, None, None], [1.0, None, None, None],
               [2.0, None, None, None], [2.0, None, None, None]]
    table = interpret_grid(Grid(cells=cells, row_pages=[1] * len(cells), title="支出总表", unit_text="单位：万元",
                                indents=indents))
    assert [(r["code"], r.get("code_source")) for r in table["rows"]] == [
        (None, None), ("201", "inferred"), ("20103", "inferred"), ("2010301", "inferred"), ("2010302", "inferred")]
    assert violations(table) == []
