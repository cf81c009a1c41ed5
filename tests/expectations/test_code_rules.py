"""The codes batch (expectations/batches.py codes_sql) on hand-made raw rows: what
the gate says of a code the curated lists do not hold (docs/quality.md, Code lists)."""

from __future__ import annotations

import json
import re

import duckdb
import pandas as pd
import pytest

from expectations import batches
from expectations.checkpoint import load_suite_files


def codes_frame(rows: list[tuple]) -> list[dict]:
    """rows: (table_index, table_kind, row_index, code, name, other_codes)."""
    con = duckdb.connect()
    con.execute("CREATE TEMP TABLE raw_documents (sha256 VARCHAR, source_path VARCHAR, unit_name VARCHAR, "
                "fiscal_year INTEGER, doc_type VARCHAR)")
    con.execute("INSERT INTO raw_documents VALUES ('d', 'x.pdf', '某局', 2026, 'budget')")
    con.execute("CREATE TEMP TABLE raw_amounts (sha256 VARCHAR, table_index INTEGER, table_kind VARCHAR, "
                "row_index INTEGER, code VARCHAR, name VARCHAR, code_source VARCHAR, other_codes VARCHAR)")
    for t, kind, r, code, name, other in rows:
        con.execute("INSERT INTO raw_amounts VALUES ('d', ?, ?, ?, ?, ?, 'printed', ?)",
                    [t, kind, r, code, name, json.dumps(other, ensure_ascii=False) if other else None])
    batches.load_code_list(con)
    con.execute("CREATE TEMP VIEW doc_labels AS SELECT sha256, unit_name AS document, fiscal_year FROM raw_documents")
    frame = batches.query_frame(con, batches.codes_sql())
    return frame.to_dict("records")


EBF = "expenditure_by_function"


def by_code(rows: list[dict]) -> dict[str, dict]:
    return {r["code"]: r for r in rows}


def test_a_table_printing_only_items_is_not_held_to_parent_printed() -> None:
    rows = by_code(codes_frame([(0, EBF, 0, "2010301", "行政运行", None), (0, EBF, 1, "2080505", "机关事业单位基本养老保险缴费支出", None)]))
    assert rows["2010301"]["parent_printed"] is None and rows["2080505"]["parent_printed"] is None
    assert rows["2010301"]["in_list"] and rows["2010301"]["class_known"]


def test_an_orphan_in_a_table_that_prints_the_parent_level_fails() -> None:
    rows = by_code(codes_frame([
        (0, EBF, 0, "201", "一般公共服务支出", None), (0, EBF, 1, "20103", "政府办公厅（室）及相关机构事务", None),
        (0, EBF, 2, "2010301", "行政运行", None), (0, EBF, 3, "2010601", "行政运行", None),
    ]))
    assert rows["2010301"]["parent_printed"] is True
    assert rows["2010601"]["parent_printed"] is False  # 20106 is not printed, though 款 are


def test_an_unlisted_subclass_under_a_known_class_is_known_but_not_listed() -> None:
    rows = by_code(codes_frame([(0, EBF, 0, "201", "一般公共服务支出", None), (0, EBF, 1, "20102", "政协事务", None)]))
    assert rows["20102"]["class_known"] and not rows["20102"]["in_list"]
    assert pd.isna(rows["20102"]["other_code"])  # its own name: a warning, not a block


def test_an_unlisted_subclass_printed_with_a_listed_siblings_name_is_a_wrong_digit() -> None:
    rows = by_code(codes_frame([(0, EBF, 0, "201", "一般公共服务支出", None),
                                (0, EBF, 1, "20102", "政府办公厅(室)及相关机构事务", None)]))
    assert rows["20102"]["other_code"] == "20103"


def test_classes_known_by_structure_and_unknown() -> None:
    rows = by_code(codes_frame([
        (0, EBF, 0, "202", "外交支出", None), (0, EBF, 1, "309", "某市人力资源和社会保障局", None),
        (1, "basic_expenditure_by_economic", 0, "50101", "工资奖金津补贴", None),
        (1, "basic_expenditure_by_economic", 1, "512", "债务还本支出", None),
    ]))
    assert rows["202"]["class_known"] and not rows["202"]["in_list"]  # a 类 no document here printed
    assert not rows["309"]["class_known"]  # a unit code: no function 类
    assert rows["50101"]["class_known"] and not rows["50101"]["in_list"]
    assert rows["512"]["in_list"] and rows["512"]["official_name"] == "债务还本支出"


def test_other_codes_are_checked_in_their_own_family() -> None:
    rows = codes_frame([
        (1, "basic_expenditure_by_economic", 0, "301", "工资福利支出", None),
        (1, "basic_expenditure_by_economic", 1, "30101", "基本工资", {"economic_government": "50101"}),
        (1, "basic_expenditure_by_economic", 2, "30102", "津贴补贴", {"economic_government": "599999"}),
    ])
    other = [r for r in rows if r["code_column"] == "other_codes.economic_government"]
    assert {r["code"] for r in other} == {"50101", "599999"}
    fifty = next(r for r in other if r["code"] == "50101")
    assert fifty["parent_printed"] is None  # no 政府 类 printed in that column: not held to it
    assert fifty["class_known"] and fifty["family"] == "economic"


@pytest.mark.parametrize("code, ok", [("201", True), ("20103", True), ("2010399", True), ("2010350", True),
                                      ("201030", False), ("22000", False), ("2010300", False), ("3010301", False),
                                      ("20103011", False)])
def test_function_code_format(code: str, ok: bool) -> None:
    suite = load_suite_files()["codes"]
    regex = next(e for e in suite["expectations"] if e["meta"]["name"] == "function_code_format")["kwargs"]["regex"]
    assert bool(re.match(regex, code)) is ok


def test_severities_of_the_code_rules() -> None:
    suite = load_suite_files()["codes"]
    severity = {e["meta"]["name"]: e["severity"] for e in suite["expectations"]}
    assert severity["class_in_code_list"] == "critical"
    assert severity["code_named_as_another"] == "critical"
    assert severity["parent_printed"] == "critical"
    assert severity["code_in_code_list"] == "warning"  # a well-formed unseen code under a known 类
    assert severity["item_name_matches_code_list"] == "warning"
