"""The dbt project's vocabularies stay the ones defined once in Python."""

from __future__ import annotations

import csv

import yaml

from countybudget import paths
import json

from countybudget.contracts import AMOUNT_SOURCES, OCR_MIN_CONFIDENCE, PARSE_STATUSES
from countybudget.identities import ECONOMIC_CODED_KINDS, FUNCTION_CODED_KINDS
from countybudget.table_kinds import COLUMN_KEYS, DOC_TYPES, TABLE_KINDS, THREE_PUBLIC_ITEMS
from testkit.ground_truth_lake import FUNCTION_TABLE_KINDS


def project_vars() -> dict:
    return yaml.safe_load((paths.DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


def test_dbt_vars_equal_the_python_vocabularies() -> None:
    dbt_vars = project_vars()
    assert tuple(dbt_vars["table_kinds"]) == TABLE_KINDS
    assert tuple(dbt_vars["three_public_items"]) == THREE_PUBLIC_ITEMS
    assert tuple(dbt_vars["doc_types"]) == DOC_TYPES
    assert tuple(dbt_vars["parse_statuses"]) == PARSE_STATUSES
    assert tuple(dbt_vars["amount_sources"]) == AMOUNT_SOURCES
    assert tuple(dbt_vars["function_fact_scopes"]) == FUNCTION_TABLE_KINDS
    assert FUNCTION_CODED_KINDS <= set(dbt_vars["function_coded_table_kinds"]) <= set(TABLE_KINDS)
    assert set(dbt_vars["economic_coded_table_kinds"]) == ECONOMIC_CODED_KINDS


def test_structure_suite_vocabularies_equal_the_python_ones() -> None:
    """The GX suite lists the kinds and kind.column keys literally: they must not drift."""
    suite = json.loads((paths.REPO_ROOT / "expectations" / "suites" / "structure_amounts.json").read_text(encoding="utf-8"))
    value_sets = {e["meta"]["name"]: e["kwargs"].get("value_set") for e in suite["expectations"]}
    assert set(value_sets["table_kind_known"]) == set(TABLE_KINDS)
    assert set(value_sets["column_key_known"]) == {f"{k}.{c}" for k, cs in COLUMN_KEYS.items() for c in cs}
    ocr = next(e for e in suite["expectations"] if e["meta"]["name"] == "ocr_confidence")
    assert ocr["kwargs"]["min_value"] == OCR_MIN_CONFIDENCE
    assert ocr["kwargs"]["row_condition"]["parameter"] == AMOUNT_SOURCES[1]


def test_curated_code_seeds_are_prefix_consistent() -> None:
    for seed in ("function_classes_curated.csv", "economic_classes_curated.csv"):
        with (paths.DBT_PROJECT_DIR / "seeds" / seed).open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        codes = {r["code"] for r in rows}
        assert len(codes) == len(rows) > 50
        for r in rows:
            assert (r["level"], len(r["code"])) in {("类", 3), ("款", 5), ("项", 7)}
            assert r["name"] and r["first_seen"] and int(r["n_documents_seen"]) >= 1  # seen, and where
            if r["level"] != "类":
                assert r["parent_code"] == r["code"][:-2] and r["parent_code"] in codes
            else:
                assert any(c.startswith(r["code"]) and len(c) == 5 for c in codes)  # a 类 with a printed 款


def test_region_seed_is_the_shared_reference_list() -> None:
    with (paths.DBT_PROJECT_DIR / "seeds" / "region_codes_2024.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    levels = [r["level"] for r in rows]
    assert (levels.count("province"), levels.count("prefecture"), levels.count("county")) == (34, 333, 2846)
    assert {"code": "130532", "name": "平乡县", "level": "county", "parent_code": "130500"} in rows
