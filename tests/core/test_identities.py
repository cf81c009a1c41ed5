"""The identity checks, on figures from seed 003 (埇桥区人民政府办公室 2023)."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from countybudget import identities


def row(code: str | None, name: str, **amounts: str | None) -> dict[str, Any]:
    return {"code": code, "name": name, "item": None, "side": None, "page": 1, "amounts": amounts}


def seed_003_document() -> dict[str, Any]:
    by_function = [
        row(None, "合计", total="1623.35", basic="1008.35", project="615.00"),
        row("201", "一般公共服务支出", total="1375.37", basic="760.37", project="615.00"),
        row("20103", "政府办公厅（室）及相关机构事务", total="1375.37", basic="760.37", project="615.00"),
        row("2010301", "行政运行", total="1375.37", basic="760.37", project="615.00"),
        row("208", "社会保障和就业支出", total="127.73", basic="127.73", project=None),
        row("20805", "行政事业单位养老支出", total="127.73", basic="127.73", project=None),
        row("2080505", "机关事业单位基本养老保险缴费支出", total="85.16", basic="85.16", project=None),
        row("2080506", "机关事业单位职业年金缴费支出", total="42.58", basic="42.58", project=None),
        row("210", "卫生健康支出", total="35.87", basic="35.87", project=None),
        row("21011", "行政事业单位医疗", total="35.87", basic="35.87", project=None),
        row("2101101", "行政单位医疗", total="25.26", basic="25.26", project=None),
        row("2101103", "公务员医疗补助", total="10.61", basic="10.61", project=None),
        row("221", "住房保障支出", total="84.37", basic="84.37", project=None),
        row("22102", "住房改革支出", total="84.37", basic="84.37", project=None),
        row("2210201", "住房公积金", total="63.87", basic="63.87", project=None),
        row("2210202", "提租补贴", total="20.51", basic="20.51", project=None),
    ]
    # the seed's economic table repeats codes (30102 twice): they count together
    by_economic = [
        row(None, "合计", total="1008.35", personnel="858.63", public="149.72"),
        row("301", "工资福利支出", total="774.24", personnel="774.24", public=None),
        row("30101", "基本工资", total="249.19", personnel="249.19", public=None),
        row("30102", "津贴补贴", total="15.97", personnel="15.97", public=None),
        row("30102", "津贴补贴", total="93.49", personnel="93.49", public=None),
        row("30103", "奖金", total="153.09", personnel="153.09", public=None),
        row("30107", "绩效工资", total="36.46", personnel="36.46", public=None),
        row("30108", "机关事业单位基本养老保险缴费", total="85.16", personnel="85.16", public=None),
        row("30109", "职业年金缴费", total="42.58", personnel="42.58", public=None),
        row("30110", "职工基本医疗保险缴费", total="25.26", personnel="25.26", public=None),
        row("30111", "公务员医疗补助缴费", total="7.89", personnel="7.89", public=None),
        row("30112", "其他社会保障缴费", total="1.28", personnel="1.28", public=None),
        row("30113", "住房公积金", total="63.87", personnel="63.87", public=None),
        row("302", "商品和服务支出", total="149.72", personnel=None, public="149.72"),
        row("30201", "办公费", total="149.72", personnel=None, public="149.72"),
        row("303", "对个人和家庭的补助", total="84.39", personnel="84.39", public=None),
        row("30302", "退休费", total="84.39", personnel="84.39", public=None),
    ]
    summary = [
        {**row(None, "本年收入合计", amount="1623.35"), "side": "income"},
        {**row(None, "收入总计", amount="1623.35"), "side": "income"},
        {**row(None, "本年支出合计", amount="1623.35"), "side": "expenditure"},
        {**row(None, "支出总计", amount="1623.35"), "side": "expenditure"},
    ]
    three_public = [
        {**row(None, "合计", amount="12.40"), "item": "total"},
        {**row(None, "因公出国（境）费", amount="0.00"), "item": "overseas"},
        {**row(None, "公务用车购置费", amount=None), "item": "vehicle_purchase"},
        {**row(None, "公务用车运行维护费", amount="8.10"), "item": "vehicle_operation"},
        {**row(None, "公务接待费", amount="4.30"), "item": "reception"},
    ]

    def table(kind: str, columns: list[str], rows: list[dict[str, Any]]) -> dict[str, Any]:
        return {"kind": kind, "title": kind, "unit": "万元", "pages": [1], "columns": columns,
                "rows": rows, "note": None}

    return {
        "id": "yongqiao-govoffice-2023-budget",
        "tables": [
            table("income_expenditure_summary", ["amount"], summary),
            table("expenditure_by_function", ["total", "basic", "project"], by_function),
            table("basic_expenditure_by_economic", ["total", "personnel", "public"], by_economic),
            table("three_public_expenses", ["amount"], three_public),
        ],
    }


def set_amount(doc: dict[str, Any], table: int, code: str, column: str, value: str) -> None:
    for r in doc["tables"][table]["rows"]:
        if r["code"] == code:
            r["amounts"][column] = value
            return
    raise KeyError(code)


def identities_of(doc: dict[str, Any]) -> list[str]:
    return [v.identity for v in identities.check_document(doc)]


def test_the_seed_figures_satisfy_every_identity() -> None:
    assert identities.check_document(seed_003_document()) == []


def test_a_parent_that_is_not_the_sum_of_its_children_is_reported_with_both_figures() -> None:
    doc = seed_003_document()
    set_amount(doc, 1, "2080506", "total", "42.68")
    set_amount(doc, 1, "2080506", "basic", "42.68")
    found = [v for v in identities.check_document(doc) if v.identity == "parent_sum"]
    assert {(v.code, v.column) for v in found} == {("20805", "total"), ("20805", "basic")}
    total = next(v for v in found if v.column == "total")
    assert (total.expected, total.actual) == ("127.84", "127.73")
    assert total.table == "1:expenditure_by_function"
    assert total.document == "yongqiao-govoffice-2023-budget"


def test_rounding_within_half_a_cent_per_term_is_accepted() -> None:
    doc = seed_003_document()
    set_amount(doc, 1, "20805", "total", "127.74")  # children 85.16 + 42.58 = 127.74 exactly
    set_amount(doc, 1, "208", "total", "127.73")  # one child 127.74: 0.01 > 1 x 0.005
    assert "parent_sum" in identities_of(doc)
    doc = seed_003_document()
    set_amount(doc, 2, "30201", "total", "149.71")
    set_amount(doc, 2, "30201", "public", "149.71")
    # 302 has one child: 0.01 off is beyond rounding; three rows at 30107/30112 sum exactly
    assert "parent_sum" in identities_of(doc)


def test_row_total_must_equal_basic_plus_project() -> None:
    doc = seed_003_document()
    set_amount(doc, 1, "2010301", "project", "614.00")
    found = [v for v in identities.check_document(doc) if v.identity == "row_total"]
    assert [(v.code, v.expected, v.actual) for v in found] == [("2010301", "1374.37", "1375.37")]


def test_class_rows_must_sum_to_the_table_total() -> None:
    doc = seed_003_document()
    doc["tables"][1]["rows"][0]["amounts"].update(total="1624.35", basic="1009.35")
    assert "class_sum" in identities_of(doc)


def test_income_total_must_equal_expenditure_total() -> None:
    doc = seed_003_document()
    doc["tables"][0]["rows"][1]["amounts"]["amount"] = "1600.00"
    found = [v for v in identities.check_document(doc) if v.identity == "income_equals_expenditure"]
    assert [(v.expected, v.actual) for v in found] == [("1600.00", "1623.35")]


def test_basic_by_function_must_equal_basic_by_economic_class_across_units() -> None:
    doc = seed_003_document()
    economic = doc["tables"][2]
    economic["unit"] = "元"
    for r in economic["rows"]:
        r["amounts"] = {k: (None if v is None else str((Decimal(v) * 10000).quantize(Decimal("0.01")))) for k, v in r["amounts"].items()}
    assert identities.check_document(doc) == []  # 元 against 万元 compares in yuan
    economic["unit"] = "万元"  # the same figures labelled 万元: a unit mislabel
    assert identities_of(doc) == ["unit_label"]
    economic["unit"] = "元"
    # Two rounded figures of different tables may differ by one step of the coarser one
    # (a cent of 万元 = 100 元), as the quality gate and dbt allow too; two cents may not.
    economic["rows"][0]["amounts"]["total"] = "10083400.00"
    assert "basic_function_equals_economic" not in identities_of(doc)
    economic["rows"][0]["amounts"]["total"] = "10083300.00"
    assert "basic_function_equals_economic" in identities_of(doc)
    assert "unit_label" not in identities_of(doc)


def test_three_public_items_must_sum_to_the_total() -> None:
    doc = seed_003_document()
    doc["tables"][3]["rows"][4]["amounts"]["amount"] = "4.20"
    found = [v for v in identities.check_document(doc) if v.identity == "three_public_sum"]
    assert [(v.expected, v.actual) for v in found] == [("12.30", "12.40")]


def test_invalid_function_codes_are_reported_alone() -> None:
    doc = seed_003_document()
    for r in doc["tables"][1]["rows"]:
        if r["code"] and r["code"].startswith("221"):
            r["code"] = "226" + r["code"][3:]
    found = identities.check_document(doc)
    assert {v.identity for v in found} == {"function_code"}
    assert sorted(v.code for v in found) == ["226", "22602", "2260201", "2260202"]
    assert identities.function_code_problem("201030A") is not None
    assert identities.function_code_problem("2010301") is None


def test_a_broken_document_does_not_mutate_its_input() -> None:
    doc = seed_003_document()
    before = copy.deepcopy(doc)
    identities.check_document(doc)
    assert doc == before


def test_unreadable_amounts_are_skipped_not_fatal() -> None:
    doc = seed_003_document()
    set_amount(doc, 1, "2080506", "total", "42.5 8")  # a stray space from a wrapped cell still reads
    set_amount(doc, 1, "2080505", "basic", "n/a")
    found = identities.check_document(doc)
    assert "row_total" not in {v.identity for v in found if v.code == "2080506"}
    assert all(v.code != "2080505" or v.column != "basic" for v in found)
