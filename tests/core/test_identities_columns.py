"""Row-total rules as they apply to the columns a table prints (identities.row_total_rules)."""

from __future__ import annotations

from countybudget.identities import ROW_TOTAL_RULES, check_row_totals, row_total_rules
from countybudget.table_kinds import COLUMN_KEYS


def test_every_rule_names_keys_of_its_kind() -> None:
    for kind, rules in ROW_TOTAL_RULES.items():
        for total, parts in rules:
            assert {total, *parts} <= set(COLUMN_KEYS[kind]), kind


def test_a_group_printed_is_checked_as_a_group_and_against_its_parts() -> None:
    assert row_total_rules("expenditure_by_function", ["total", "basic", "personnel", "public", "project"]) == [
        ("total", ("basic", "project")),
        ("basic", ("personnel", "public")),
    ]


def test_parts_printed_without_their_group_replace_it() -> None:
    assert row_total_rules("expenditure_by_function", ["total", "personnel", "public", "project"]) == [
        ("total", ("personnel", "public", "project")),
    ]
    assert row_total_rules("project_expenditure", ["total", "general_budget", "government_fund", "other"]) == [
        ("total", ("general_budget", "government_fund", "other")),
    ]
    assert row_total_rules(
        "project_expenditure", ["total", "fiscal_appropriation", "general_budget", "fiscal_special_account", "other"]
    ) == [
        ("total", ("fiscal_appropriation", "fiscal_special_account", "other")),
        ("fiscal_appropriation", ("general_budget",)),
    ]


def test_a_rule_without_its_total_or_any_part_does_not_apply() -> None:
    assert row_total_rules("expenditure_by_function", ["basic", "project"]) == []
    assert row_total_rules("basic_expenditure_by_economic", ["total"]) == []
    assert row_total_rules("basic_expenditure_by_economic", ["total", "personnel", "public"]) == [
        ("total", ("personnel", "public"))]


def _table(kind: str, columns: list[str], amounts: dict[str, str]) -> dict:
    return {"kind": kind, "columns": columns,
            "rows": [{"code": "2010301", "name": "行政运行", "item": None, "amounts": amounts}]}


def test_check_uses_the_resolved_rules() -> None:
    ok = _table("expenditure_by_function", ["total", "personnel", "public", "project"],
                {"total": "10.00", "personnel": "6.00", "public": "3.00", "project": "1.00"})
    assert check_row_totals({"tables": [ok]}) == []
    bad = _table("expenditure_by_function", ["total", "personnel", "public", "project"],
                 {"total": "10.00", "personnel": "6.00", "public": "2.00", "project": "1.00"})
    [v] = check_row_totals({"tables": [bad]})
    assert (v.column, v.expected, v.actual) == ("total", "9.00", "10.00")


def test_unmapped_columns_take_no_part() -> None:
    table = _table("expenditure_by_function", ["total", "basic", "project", "col:扣除基建项目后预算数"],
                   {"total": "10.00", "basic": "9.00", "project": "1.00", "col:扣除基建项目后预算数": "4.00"})
    assert check_row_totals({"tables": [table]}) == []
