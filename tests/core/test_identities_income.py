"""Income tables with and without a 本年收入小计 column (Guangzhou prints none)."""

from __future__ import annotations

import copy

from countybudget.identities import check_row_totals


def income_doc(columns: list[str], amounts: dict[str, str]) -> dict:
    row = {"code": None, "name": "合计", "item": None, "side": None, "page": 8, "amounts": amounts}
    table = {"kind": "income_summary", "title": "收入总体情况表", "unit": "万元", "pages": [8],
             "columns": columns, "rows": [row]}
    return {"sha256": "0" * 64, "unit_name": "广州市统计局", "tables": [table]}


WITHOUT_SUBTOTAL = income_doc(
    ["total", "fiscal_appropriation", "other", "carryover"],
    {"total": "9483.72", "fiscal_appropriation": "9433.72", "other": "50.00", "carryover": "0.00"},
)
WITH_SUBTOTAL = income_doc(
    ["total", "current_year_subtotal", "fiscal_appropriation", "other", "carryover"],
    {"total": "9493.72", "current_year_subtotal": "9483.72", "fiscal_appropriation": "9433.72",
     "other": "50.00", "carryover": "10.00"},
)


def test_total_is_the_sources_plus_carryover_without_a_subtotal_column() -> None:
    assert check_row_totals(WITHOUT_SUBTOTAL) == []


def test_total_and_subtotal_both_hold_with_a_subtotal_column() -> None:
    assert check_row_totals(WITH_SUBTOTAL) == []


def test_a_wrong_total_is_caught_either_way() -> None:
    for doc in (WITHOUT_SUBTOTAL, WITH_SUBTOTAL):
        broken = copy.deepcopy(doc)
        broken["tables"][0]["rows"][0]["amounts"]["total"] = "9500.00"
        violations = check_row_totals(broken)
        assert [v.identity for v in violations] == ["row_total"]


def test_a_wrong_subtotal_is_caught() -> None:
    broken = copy.deepcopy(WITH_SUBTOTAL)
    broken["tables"][0]["rows"][0]["amounts"]["current_year_subtotal"] = "9480.00"
    assert {v.column for v in check_row_totals(broken)} == {"current_year_subtotal"}
