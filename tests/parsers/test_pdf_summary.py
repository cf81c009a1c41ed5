"""Summary tables through the PDF reader: a LibreOffice print of a 收支总表 with its
hierarchy and carry-overs, and of a 收入总表 keyed by unit code
(tests/parsers/fixtures/pdf_build.py, ``_sheet_summary_hierarchy``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from countybudget import identities
from countybudget.money import normalise_amount_text
from parsers.pdf import read_pdf
from parsers.tables import interpret_grid

FIXTURES = Path(__file__).parent / "fixtures"
_spec = importlib.util.spec_from_file_location("pdf_build", FIXTURES / "pdf_build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)


def tables() -> list[dict]:
    result = read_pdf(FIXTURES / "pdf_summary_hierarchy.pdf")
    return [interpret_grid(g) for g in result.grids]


def test_the_hierarchy_and_roles_of_a_printed_summary() -> None:
    found = tables()
    table = next(t for t in found if t["kind"] == "income_expenditure_summary")
    income = [r for r in table["rows"] if r["side"] == "income"]
    assert [r["name"] for r in income] == [a for a, *_ in build.SUMMARY_HIERARCHY_ROWS if a]
    assert [(r["level"], r["role"]) for r in income] == build.SUMMARY_HIERARCHY_INCOME
    assert [r["amounts"]["amount"] for r in income] == [
        normalise_amount_text(b) for a, b, *_ in build.SUMMARY_HIERARCHY_ROWS if a]
    spending = [r for r in table["rows"] if r["side"] == "expenditure"]
    tops = [r["name"] for r in spending if r["level"] == 0 and r["role"] == "item"]
    assert tops == ["一、一般公共服务支出", "二、社会保障和就业支出", "三、住房保障支出", "结转下年"]
    doc = {"id": "pdf", "tables": found}
    assert [v for v in identities.check_document(doc) if v.table.endswith("summary")] == []


def test_a_printed_unit_coded_income_summary() -> None:
    table = next(t for t in tables() if t["kind"] == "income_summary")
    rows = table["rows"]
    assert [(r["code"], r.get("unit_code"), r["name"]) for r in rows] == [
        (None, code, name) for code, name, *_ in build.INCOME_UNIT_ROWS]
    assert [r["role"] for r in rows] == ["total", "subtotal", "item", "item"]
    assert table["columns"] == ["total", "current_year_subtotal", "general_budget", "government_fund", "business",
                                "carryover"]
    assert identities.check_document({"id": "pdf", "tables": [table]}) == []
