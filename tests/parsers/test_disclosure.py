"""Disclosure completeness items (parsers/disclosure.py) on small hand-made records."""

from __future__ import annotations

from parsers.disclosure import ITEMS, assess, table_status


def _table(kind: str, amounts: dict | None, note: str | None = None, unit: str | None = "万元") -> dict:
    rows = [] if amounts is None else [{"name": "合计", "amounts": amounts}]
    return {"kind": kind, "title": kind, "unit": unit, "pages": [1], "rows": rows, "note": note}


def test_table_statuses() -> None:
    assert table_status(_table("income_summary", {"total": "12.30"})) == "present"
    assert table_status(_table("government_fund_expenditure", {"total": None})) == "empty_without_note"
    assert table_status(_table("government_fund_expenditure", {"total": "0.00"}, "注：本表本年无发生额。")) == "empty_with_note"
    assert table_status(_table("state_capital_expenditure", None, "注：本部门无国有资本经营预算支出，故本表无数据。")) == "empty_with_note"
    # a bare "注：无。" does not say why the table is empty
    assert table_status(_table("state_capital_expenditure", None, "注：无。")) == "empty_without_note"


def test_assess_reads_tables_explanations_and_labels() -> None:
    record = {"unit_name": "某县某局", "tables": [
        _table("income_expenditure_summary", {"amount": "100.00"}),
        _table("three_public_expenses", {"amount": "3.00"}),
        _table("government_fund_expenditure", {"total": None}, "注：本部门无政府性基金预算，故本表无数据。", unit=None),
    ]}
    pages = ["部门：某县某局 单位：万元 收支总表",
             "“三公”经费3.00万元，比上年减少1.00万元，主要原因是厉行节约。机关运行经费安排20.00万元。"
             "本部门无政府采购预算。截至上年底，本部门固定资产12.00万元。名词解释：基本支出……"]
    items = assess(record, pages)
    assert set(items) == set(ITEMS)
    assert items["t_income_expenditure_summary"] == "present"
    assert items["t_income_summary"] == "missing"
    assert items["t_government_fund_expenditure"] == "empty_with_note"
    assert [items[k] for k in ("e_three_public", "e_operation_cost", "e_procurement", "e_assets", "e_glossary")] == [
        "given"] * 5
    assert items["e_performance"] == "missing"
    assert items["l_units"] == "2/3"
    # without page text the explanations are unknown, not missing
    assert assess(record, None)["e_three_public"] is None
