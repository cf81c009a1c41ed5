"""The committed corpus through the checkpoint: every clean document passes, every
deliberately defective one is withheld (the defective table, or the whole document
for a document-level defect) by the expectation meant for it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import duckdb
import pytest
import yaml

from countybudget import paths
from expectations.checkpoint import run_quality
from testkit import CORPUS_DIR
from testkit.ground_truth_lake import load_ground_truth

# corpus defect kind -> the expectations meant to catch it
MEANT_FOR: dict[str, tuple[str, ...]] = {
    "parent_not_sum_of_children": ("totals.parent_sum",),
    "invalid_function_code": ("codes.function_code_format", "codes.class_in_code_list", "codes.code_in_code_list"),
    "unit_mislabelled": ("units.unit_label",),
    "truncated_pdf": ("structure_documents.document_parsed",),
    "zero_byte": ("structure_documents.document_parsed",),
    "no_text_layer": ("structure_documents.document_parsed",),
}
NOT_A_CONTENT_DEFECT = {"duplicate_posting"}  # the same clean file posted twice: dbt deduplicates it

CATALOGUE = CORPUS_DIR / "catalogue.yml"
pytestmark = pytest.mark.skipif(not CATALOGUE.exists(), reason="corpus not generated")


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    data = tmp_path_factory.mktemp("corpus") / "data"
    data.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COUNTYBUDGET_DATA", str(data))
        mp.delenv("COUNTYBUDGET_WAREHOUSE", raising=False)
        loaded = load_ground_truth()
        outcome = run_quality(build_docs=False)
        con = duckdb.connect(str(paths.warehouse_path()), read_only=True)
        try:
            failed = con.execute(
                "SELECT sha256, suite || '.' || expectation, severity, message FROM quality.expectation_results "
                "WHERE NOT passed"
            ).fetchall()
            whole = dict(con.execute("SELECT sha256, reasons FROM quality.quarantined_documents").fetchall())
            tables = con.execute("SELECT sha256, table_index, reasons FROM quality.quarantined_tables").fetchall()
        finally:
            con.close()
        entries = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))["documents"]
        held = dict(whole)  # withheld whole or in part
        for sha, _, reasons in tables:
            held[sha] = held.get(sha, "") + reasons
        yield {"loaded": loaded, "outcome": outcome, "failed": failed, "held": held, "whole": whole,
               "tables": {(sha, index) for sha, index, _ in tables}, "entries": entries}


def ground_truth_defects(entry: dict[str, Any]) -> list[dict[str, Any]]:
    import json

    if not entry.get("ground_truth"):
        return []
    doc = json.loads((CORPUS_DIR / entry["ground_truth"]).read_text(encoding="utf-8"))
    return doc.get("defects") or []


def test_the_whole_corpus_was_checked(corpus_run) -> None:
    entries, outcome = corpus_run["entries"], corpus_run["outcome"]
    assert outcome.ok and not outcome.errors
    assert outcome.documents_checked == len(entries) >= 10


def test_every_clean_document_passes_every_blocking_expectation(corpus_run) -> None:
    sha_by_id = corpus_run["loaded"]["sha256_by_id"]
    clean = [e for e in corpus_run["entries"] if set(e.get("defects") or []) <= NOT_A_CONTENT_DEFECT]
    assert len(clean) >= 8
    for entry in clean:
        sha = sha_by_id[entry["id"]]
        blocking = [(x, m) for s, x, sev, m in corpus_run["failed"] if s == sha and sev == "block"]
        assert blocking == [], entry["id"]
        assert sha not in corpus_run["held"]


def test_every_defective_document_is_quarantined_by_the_expectation_meant_for_it(corpus_run) -> None:
    sha_by_id = corpus_run["loaded"]["sha256_by_id"]
    defective = [e for e in corpus_run["entries"] if set(e.get("defects") or []) - NOT_A_CONTENT_DEFECT]
    assert len(defective) >= 6
    for entry in defective:
        sha = sha_by_id[entry["id"]]
        assert sha in corpus_run["held"], entry["id"]
        failures = {x: m for s, x, sev, m in corpus_run["failed"] if s == sha and sev == "block"}
        for kind in set(entry["defects"]) - NOT_A_CONTENT_DEFECT:
            meant = [x for x in MEANT_FOR[kind] if x in failures]
            assert meant, (entry["id"], kind, sorted(failures))
            message = failures[meant[0]]
            for defect in ground_truth_defects(entry):
                if defect["kind"] != kind:
                    continue
                # the message names the table and the code the ground truth flags
                if defect.get("code"):
                    assert defect["code"] in message, (message, defect)
                if defect.get("table"):
                    assert defect["table"] in message, (message, defect)
            if kind in ("truncated_pdf", "zero_byte", "no_text_layer"):
                assert "not parsed" in message


@pytest.mark.slow
def test_the_marts_leave_quarantined_documents_out_and_mart_quarantine_lists_them(corpus_run) -> None:
    """The nightly order's second half: dbt reads the quarantine the checkpoint wrote."""
    from orchestration.warehouse import dbt_build

    # models only (the warehouse's own tests are the warehouse stage's business)
    build = dbt_build(
        select=["+mart_quarantine", "+fct_expenditure_by_function"],
        exclude=["resource_type:test", "resource_type:unit_test"],
    )
    statuses = {}
    for line in build.log_tail.splitlines():
        if "mart_quarantine" in line and ("OK created" in line or "ERROR" in line):
            statuses["mart_quarantine"] = "ERROR" not in line
    con = duckdb.connect(str(paths.warehouse_path()), read_only=True)
    try:
        listed = con.execute(
            "SELECT withheld, document_sha256, table_index, failed_expectations FROM marts.mart_quarantine").fetchall()
        fact_tables = set(con.execute(
            "SELECT DISTINCT document_sha256, table_index FROM marts.fct_expenditure_by_function").fetchall())
    finally:
        con.close()
    whole, tables = corpus_run["whole"], corpus_run["tables"]
    assert statuses.get("mart_quarantine", True), build.log_tail[-2000:]
    assert {sha for kind, sha, _, _ in listed if kind == "document"} == set(whole)
    assert {(sha, index) for kind, sha, index, _ in listed if kind == "table"} == tables
    for _, _, _, expectations in listed:
        assert expectations and all("." in e for e in expectations)
    in_facts = {sha for sha, _ in fact_tables}
    assert in_facts, "clean documents reach the facts"
    assert not in_facts & set(whole), "no document withheld whole reaches the facts"
    assert not fact_tables & tables, "no withheld table reaches the facts"
