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


def test_a_code_printed_once_per_sub_unit_counts_each_row_as_a_rounded_term() -> None:
    """Two units each print 22102 = 2210201 + 2210203 within their rounding; summed
    over the units the difference is 0.02, which four rounded rows allow."""
    from countybudget.identities import check_parent_sums

    def row(code: str, total: str) -> dict:
        return {"code": code, "name": code, "item": None, "amounts": {"total": total}}

    table = {"kind": "expenditure_by_function", "columns": ["total"], "rows": [
        row("22102", "382.16"), row("2210201", "108.60"), row("2210203", "273.55"),
        row("22102", "306.46"), row("2210201", "93.49"), row("2210203", "212.96"),
    ]}
    assert check_parent_sums({"tables": [table]}) == []
    table["rows"][1]["amounts"]["total"] = "108.58"
    assert [v.code for v in check_parent_sums({"tables": [table]})] == ["22102"]
