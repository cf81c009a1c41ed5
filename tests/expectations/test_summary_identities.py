"""The gate's SQL for the summary identities agrees with countybudget.identities.

Summary tables in the layouts of tests/parsers/summary_layouts.py are parsed
(so they carry the parser's row ``role`` / ``level``), written to a lake and
checked by the totals batch SQL (expectations.batches); the failing checks must
be exactly the violations ``identities.check_document`` finds, for the clean
tables (none) and for broken copies of them (the ones broken). The same tables
without roles (the name rule, as the corpus ground truth has it) are checked too.
"""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path
from typing import Any

import duckdb
import pytest

from quality_lake import sha_of

from countybudget import identities
from expectations.batches import build_batches
from parsers.tables import interpret_grid
from testkit.ground_truth_lake import write_raw_document

_spec = importlib.util.spec_from_file_location(
    "summary_layouts", Path(__file__).parents[1] / "parsers" / "summary_layouts.py")
L = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(L)

SUMMARY_IDENTITIES = ("summary_items_sum", "income_equals_expenditure", "row_total", "parent_sum")
LAYOUTS = {
    "footer": L.footer_halves, "heading": L.heading_halves, "carry_first": L.carry_first_halves,
    "stacked": L.stacked_halves,
    "total_only": L.total_only_halves, "heji": L.heji_totals, "indented": L.indented_halves,
    "unit_coded": L.unit_coded_income, "unit_named": L.unit_named_income, "unit_function": L.unit_function_expenditure,
}


def _set(table: dict, name: str, column: str, value: str, side: str | None = None) -> dict:
    table = copy.deepcopy(table)
    row = next(r for r in table["rows"] if r["name"] == name and (side is None or r["side"] == side))
    row["amounts"][column] = value
    return table


def _strip_roles(table: dict) -> dict:
    table = copy.deepcopy(table)
    for r in table["rows"]:
        r.pop("role", None)
        r.pop("level", None)
    return table


def documents() -> dict[str, dict[str, Any]]:
    tables = {label: interpret_grid(make()) for label, make in LAYOUTS.items()}
    docs = {label: L.document(t, name=label) for label, t in tables.items()}
    broken = {
        "footer_item": _set(tables["footer"], "三、单位资金", "amount", "65.00"),
        "footer_carry": _set(tables["footer"], "结转下年", "amount", "12.00"),
        "heading_child": _set(tables["heading"], "（三）社会保障和就业支出", "amount", "125.00"),
        "heading_total": _set(tables["heading"], "支出总计", "amount", "531.00"),
        "heji_carry": _set(tables["heji"], "上年结转结余", "amount", "7000.00"),
        "carry_first_child": _set(tables["carry_first"], "（二）政府性基金预算拨款", "amount", "11.00"),
        "total_only_part": _set(tables["total_only"], "一、一般公共服务支出", "project", "3947700"),
        "unit_coded_part": _set(tables["unit_coded"], "示例市实验中学", "business", "61.00"),
        "unit_function_child": _set(tables["unit_function"], "行政运行", "total", "101.00"),
        # the name rule: 本年收入合计 ≠ 本年支出合计 and sub-lines counted twice
        "footer_no_roles": _strip_roles(tables["footer"]),
        "heji_no_roles": _strip_roles(tables["heji"]),
        "stacked_no_roles": _strip_roles(tables["stacked"]),
    }
    docs.update({label: L.document(t, name=label) for label, t in broken.items()})
    return docs


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("summary_sql") / "data"
    data.mkdir()
    docs = documents()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COUNTYBUDGET_DATA", str(data))
        mp.delenv("COUNTYBUDGET_WAREHOUSE", raising=False)
        for label, doc in docs.items():
            write_raw_document(doc, sha_of("summary:" + label))
        con = duckdb.connect()
        try:
            totals = build_batches(con).frames["totals"]
        finally:
            con.close()
    return docs, totals


def sql_failures(totals, label: str) -> set[tuple[str, int]]:
    rows = totals[(totals["sha256"] == sha_of("summary:" + label)) & (totals["excess_thousandths"] > 0)]
    return {(r.identity, int(r.table_index)) for r in rows.itertuples() if r.identity in SUMMARY_IDENTITIES}


def python_failures(doc: dict) -> set[tuple[str, int]]:
    return {(v.identity, int(v.table.split(":")[0])) for v in identities.check_document(doc)
            if v.identity in SUMMARY_IDENTITIES}


@pytest.mark.parametrize("label", list(documents()))
def test_the_sql_and_the_python_identities_agree(checked, label: str) -> None:
    docs, totals = checked
    assert sql_failures(totals, label) == python_failures(docs[label])


def test_the_clean_layouts_pass_and_the_broken_ones_fail(checked) -> None:
    docs, totals = checked
    for label in LAYOUTS:
        assert sql_failures(totals, label) == set(), label
    expected = {
        "footer_item": {"summary_items_sum"},
        "footer_carry": {"summary_items_sum", "income_equals_expenditure"},
        "heading_child": {"summary_items_sum"},
        "heading_total": {"income_equals_expenditure", "summary_items_sum"},
        "heji_carry": {"summary_items_sum", "income_equals_expenditure"},
        "carry_first_child": {"summary_items_sum"},
        "total_only_part": {"row_total", "summary_items_sum"},
        "unit_coded_part": {"row_total"},
        "unit_function_child": {"row_total", "parent_sum"},
        "footer_no_roles": {"summary_items_sum", "income_equals_expenditure"},
        "heji_no_roles": {"income_equals_expenditure"},
        "stacked_no_roles": set(),
    }
    for label, identities_expected in expected.items():
        assert {i for i, _ in sql_failures(totals, label)} == identities_expected, label


def test_the_checks_looked_at_every_half(checked) -> None:
    docs, totals = checked
    footer = totals[totals["sha256"] == sha_of("summary:footer")]
    sums = footer[footer["identity"] == "summary_items_sum"]
    assert set(sums["code"]) == {"income", "expenditure"}
    assert len(sums) == 4  # a subtotal and a total on each side
    balance = footer[footer["identity"] == "income_equals_expenditure"]
    assert sorted(balance["label_a"]) == ["收入总计", "本年收入合计 + carry-overs"]
