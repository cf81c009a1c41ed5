"""The quality gate end to end: raw layer → GX suites → warehouse rows, quarantine per table, data docs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

import quality_mutations as mutations
from quality_documents import clean_document
from quality_lake import QualityLake, parse_failure

from countybudget import paths
from countybudget.identities import check_document
from expectations.checkpoint import load_suite_files, run_quality
from testkit.ground_truth_lake import write_raw_document

DEFECTS = {
    # label: (document, suite.expectation meant to catch it, words its message must contain,
    #         what it withholds: the kind of the table withheld, or None for the whole document)
    "parent_not_sum_of_children": (mutations.parent_not_sum_of_children, "totals.parent_sum", ["20103", "960.10", "950.10"],
                                   "expenditure_by_function"),
    "invalid_function_code": (mutations.invalid_function_code, "codes.class_in_code_list", ["2990101", "类 299"],
                              "expenditure_by_function"),
    "unit_mislabelled": (mutations.unit_mislabelled, "units.unit_label", ["basic_expenditure_by_economic", "万元", "10^"],
                         None),
    "parse_failure": (parse_failure, "structure_documents.document_parsed", ["truncated PDF"], None),
    "ocr_low_confidence": (mutations.ocr_low_confidence, "structure_amounts.ocr_confidence",
                           ["20103", "basic", "read by OCR with confidence 0.31"], "expenditure_by_function"),
    "ocr_misread": (mutations.ocr_misread, "totals.ocr_identity", ["read by OCR", "likely misread"],
                    "expenditure_by_function"),
}
CLEAN_KINDS = [t["kind"] for t in clean_document()["tables"]]  # table_index -> kind of the clean document


@pytest.fixture(scope="module")
def checked(quality_env: Path) -> tuple[QualityLake, dict[str, Any]]:
    lake = QualityLake(quality_env)
    lake.add("clean", clean_document())
    lake.add("rounded", mutations.rounded_within_tolerance())
    lake.add("claim_mismatch", mutations.claim_mismatch())
    lake.add("six_decimals", mutations.in_ten_thousandths())
    lake.add("basic_as_parts", mutations.basic_printed_as_its_parts())
    lake.add("basic_parts_off", mutations.basic_parts_off())
    lake.add("six_decimals_off", mutations.in_ten_thousandths_a_cent_off())
    for label, (make, _, _, _) in DEFECTS.items():
        lake.add(label, make())
    for label, doc in [*mutations.amount_mutants(), *mutations.code_mutants()]:
        lake.add(label, doc)
    lake.add("region_unknown", clean_document())
    lake.add("region_unrecognised", clean_document())
    lake.add("economic_disagrees", mutations.economic_disagrees_with_function())
    lake.add("column_as_printed", mutations.column_kept_as_printed())
    lake.add("read_by_ocr", mutations.read_by_ocr())
    place_in_regions(
        {lake.shas["clean"]: "130532", lake.shas["region_unknown"]: "139999", lake.shas["region_unrecognised"]: None}
    )
    return lake, run_quality()


def place_in_regions(region_by_sha: dict[str, str | None]) -> None:
    """What the warehouse's intermediate.int_documents says about regions (as dbt would build it)."""
    paths.warehouse_path().parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(paths.warehouse_path()))
    try:
        con.execute("CREATE SCHEMA IF NOT EXISTS intermediate")
        con.execute(
            "CREATE OR REPLACE TABLE intermediate.int_documents "
            "(document_sha256 VARCHAR, unit_name VARCHAR, region_code VARCHAR, region_match VARCHAR)"
        )
        for sha, code in region_by_sha.items():
            con.execute(
                "INSERT INTO intermediate.int_documents VALUES (?, '平乡县人民政府办公室', ?, ?)",
                [sha, code, "matched" if code else "no_match"],
            )
    finally:
        con.close()


def results(sha256: str) -> list[dict[str, Any]]:
    con = duckdb.connect(str(paths.warehouse_path()), read_only=True)
    try:
        cur = con.execute("SELECT * FROM quality.expectation_results WHERE sha256 = ? ORDER BY suite, expectation", [sha256])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]
    finally:
        con.close()


def quarantined() -> dict[str, str]:
    con = duckdb.connect(str(paths.warehouse_path()), read_only=True)
    try:
        return dict(con.execute("SELECT sha256, reasons FROM quality.quarantined_documents").fetchall())
    finally:
        con.close()


def quarantined_tables() -> dict[tuple[str, int], tuple[str, str]]:
    """(sha256, table_index) -> (table_kind, reasons) of every table withheld."""
    con = duckdb.connect(str(paths.warehouse_path()), read_only=True)
    try:
        rows = con.execute("SELECT sha256, table_index, table_kind, reasons FROM quality.quarantined_tables").fetchall()
    finally:
        con.close()
    return {(sha, index): (kind, reasons) for sha, index, kind, reasons in rows}


def withheld_tables_of(sha256: str) -> dict[int, str]:
    return {index: kind for (sha, index), (kind, _) in quarantined_tables().items() if sha == sha256}


def caught(sha256: str) -> bool:
    """Withheld whole, or some of its tables withheld."""
    return sha256 in quarantined() or bool(withheld_tables_of(sha256))


def failures(sha256: str) -> dict[str, dict[str, Any]]:
    return {f"{r['suite']}.{r['expectation']}": r for r in results(sha256) if not r["passed"]}


def mutated_table(label_doc: dict[str, Any]) -> int:
    """The table a mutant differs from the clean document in."""
    clean = clean_document()
    [index] = [i for i, (a, b) in enumerate(zip(clean["tables"], label_doc["tables"])) if a != b]
    return index


def test_the_run_checked_every_document_without_errors(checked) -> None:
    lake, outcome = checked
    assert outcome.ok and not outcome.errors
    assert outcome.documents_checked == len(lake.shas) > 300
    assert (outcome.documents_passed + outcome.documents_partial + outcome.documents_quarantined
            == outcome.documents_checked)
    assert outcome.documents_partial > outcome.documents_quarantined  # most defects are one table's
    assert outcome.tables_checked == 5 * len(lake.shas) - 5  # the parse failure has no table


def test_the_clean_fixtures_satisfy_the_shared_identity_checks(checked) -> None:
    lake, _ = checked
    for label in ("clean", "rounded", "claim_mismatch"):
        assert check_document(lake.docs[label]) == [], label


def test_a_clean_document_passes_every_expectation(checked) -> None:
    lake, _ = checked
    rows = results(lake.shas["clean"])
    suites = load_suite_files()
    expected = sum(len(s["expectations"]) for s in suites.values() if s["meta"].get("scope") != "run")
    assert len(rows) == expected  # one row per document × expectation
    assert [r for r in rows if not r["passed"]] == []
    assert not caught(lake.shas["clean"])
    assert {r["table_index"] for r in rows} == {None}  # a pass names no table
    # the checks really looked at it: totals were compared row by row
    totals = [json.loads(r["observed"]) for r in rows if r["suite"] == "totals"]
    assert sum(o["rows_checked"] for o in totals) > 50


def test_a_scan_read_with_confidence_and_adding_up_publishes_whole(checked) -> None:
    lake, _ = checked
    assert failures(lake.shas["read_by_ocr"]) == {}
    assert not caught(lake.shas["read_by_ocr"])


def test_a_misread_scan_is_withheld_for_its_identity_and_for_being_read_by_ocr(checked) -> None:
    lake, _ = checked
    failed = failures(lake.shas["ocr_misread"])
    assert {"totals.row_total", "totals.ocr_identity"} <= set(failed)
    text_layer_twin = failures(lake.shas["amount expenditure_by_function row 2 (20103) total"])
    assert "totals.row_total" in text_layer_twin and "totals.ocr_identity" not in text_layer_twin


def test_a_difference_within_rounding_tolerance_passes(checked) -> None:
    lake, _ = checked
    assert failures(lake.shas["rounded"]) == {}


@pytest.mark.parametrize("label", list(DEFECTS))
def test_each_defect_is_withheld_by_its_expectation_table_or_document(checked, label: str) -> None:
    lake, outcome = checked
    _, expectation, words, withheld_kind = DEFECTS[label]
    sha = lake.shas[label]
    failed = failures(sha)
    assert expectation in failed, f"{label}: failed {sorted(failed)}"
    row = failed[expectation]
    assert row["severity"] == "block"
    for word in words:
        assert word in row["message"], (word, row["message"])
    if withheld_kind is None:  # a document-level failure withholds the whole document
        assert row["scope"] == "document"
        assert f"[{expectation}]" in quarantined()[sha]
        held = {q.sha256: q for q in outcome.quarantined}
        assert any(expectation in reason for reason in held[sha].reasons)
        return
    # a table's own failure withholds that table, with its reasons; the document is not withheld whole
    assert row["scope"] == "table" and CLEAN_KINDS[row["table_index"]] == withheld_kind
    assert sha not in quarantined()
    kind, reasons = quarantined_tables()[(sha, row["table_index"])]
    assert kind == withheld_kind and f"[{expectation}]" in reasons
    held = {(q.sha256, q.table_index): q for q in outcome.quarantined_tables}
    assert any(expectation in reason for reason in held[(sha, row["table_index"])].reasons)


def test_a_documents_other_tables_publish_when_one_is_withheld(checked) -> None:
    lake, _ = checked
    sha = lake.shas["parent_not_sum_of_children"]
    withheld = withheld_tables_of(sha)
    # the function table's own failure, and the expenditure summary it disagrees with now
    # (totals.function_within_summary is a cross-table check both take part in)
    assert sorted(withheld.values()) == ["expenditure_by_function", "expenditure_summary"]
    published = {kind for i, kind in enumerate(CLEAN_KINDS) if i not in withheld}
    assert published == {"income_expenditure_summary", "basic_expenditure_by_economic", "three_public_expenses"}
    row = failures(sha)["totals.function_within_summary"]
    assert (CLEAN_KINDS[row["table_index"]], CLEAN_KINDS[row["other_table_index"]]) == (
        "expenditure_by_function", "expenditure_summary")


def test_a_cross_table_failure_withholds_both_tables_and_names_them(checked) -> None:
    lake, _ = checked
    sha = lake.shas["economic_disagrees"]
    row = failures(sha)["units.basic_function_equals_economic"]
    assert row["scope"] == "table"
    pair = {CLEAN_KINDS[row["table_index"]], CLEAN_KINDS[row["other_table_index"]]}
    assert pair == {"expenditure_by_function", "basic_expenditure_by_economic"}
    withheld = withheld_tables_of(sha)
    assert set(withheld.values()) == pair  # the economic table's own sums hold: only the pair is withheld
    for index in (row["table_index"], row["other_table_index"]):
        assert "[units.basic_function_equals_economic]" in quarantined_tables()[(sha, index)][1]
    assert sha not in quarantined()


def test_figures_printed_to_six_decimals_are_checked_exactly(checked) -> None:
    """万元 to six decimals: no rounding to two on the way (a false failure), and
    three cents off is caught (not rounded away)."""
    lake, _ = checked
    assert {k: v for k, v in failures(lake.shas["six_decimals"]).items() if v["severity"] == "block"} == {}
    failed = failures(lake.shas["six_decimals_off"])
    assert "totals.row_total" in failed
    assert "0.080007" in failed["totals.row_total"]["message"] or "0.0800" in failed["totals.row_total"]["message"]


def test_parts_printed_without_their_group_are_checked_as_parts(checked) -> None:
    """人员经费 | 公用经费 without a 基本支出 column: 合计 = 人员 + 公用 + 项目 row by row,
    and 基本支出 by function (= 人员 + 公用) against the economic table."""
    lake, _ = checked
    assert check_document(lake.docs["basic_as_parts"]) == []
    blocking = {k for k, v in failures(lake.shas["basic_as_parts"]).items() if v["severity"] == "block"}
    assert blocking == set()
    failed = failures(lake.shas["basic_parts_off"])
    assert "totals.row_total" in failed
    assert "total 800.10 != personnel + public = 799.10" in failed["totals.row_total"]["message"]


def test_a_narrative_mismatch_is_a_warning_not_a_block(checked) -> None:
    lake, outcome = checked
    sha = lake.shas["claim_mismatch"]
    failed = failures(sha)
    assert set(failed) == {"claims.claim_matches_table"}
    row = failed["claims.claim_matches_table"]
    assert row["severity"] == "warn"
    assert "905.10" in row["message"] and "950.10" in row["message"]
    assert sha not in quarantined()
    assert outcome.warnings >= 1


def test_every_amount_changed_by_one_yuan_unit_is_caught_in_its_own_table(checked) -> None:
    lake, _ = checked
    held, tables = quarantined(), quarantined_tables()
    labels = [label for label in lake.shas if label.startswith("amount ")]
    assert len(labels) > 100
    missed = [label for label in labels if lake.shas[label] not in held
              and (lake.shas[label], mutated_table(lake.docs[label])) not in tables]
    assert missed == []


def test_every_code_changed_by_one_digit_is_caught_in_its_own_table(checked) -> None:
    lake, _ = checked
    held, tables = quarantined(), quarantined_tables()
    labels = [label for label in lake.shas if label.startswith("code ")]
    assert len(labels) > 150
    missed = [label for label in labels if lake.shas[label] not in held
              and (lake.shas[label], mutated_table(lake.docs[label])) not in tables]
    assert missed == []


def test_observed_values_name_the_two_figures(checked) -> None:
    lake, _ = checked
    row = failures(lake.shas["parent_not_sum_of_children"])["totals.parent_sum"]
    observed = json.loads(row["observed"])
    assert observed["rows_failed"] >= 1
    failing = {f["code"]: f for f in observed["failing_rows"]}
    assert failing["20103"]["figure_a"] == "960.10"
    assert failing["20103"]["figure_b"] == "950.10"
    assert failing["20103"]["table_kind"] == "expenditure_by_function"


def test_data_docs_are_rendered_under_the_quality_directory(checked) -> None:
    _, outcome = checked
    index = Path(outcome.data_docs)
    assert index.is_file() and index.is_relative_to(paths.quality_dir())
    assert "totals" in index.read_text(encoding="utf-8")


def test_fixing_a_document_and_rerunning_brings_it_back(checked) -> None:
    lake, _ = checked
    sha = lake.shas["parent_not_sum_of_children"]
    other = lake.shas["invalid_function_code"]
    whole = lake.shas["unit_mislabelled"]
    assert withheld_tables_of(sha)
    write_raw_document(clean_document(), sha)  # the parser (or the document) was fixed
    outcome = run_quality(only=[sha], build_docs=False)
    assert outcome.documents_checked == 1 and outcome.documents_quarantined == 0
    assert outcome.documents_partial == 0 and outcome.tables_withheld == 0
    assert not caught(sha)
    assert all(r["passed"] for r in results(sha))
    assert withheld_tables_of(other) and whole in quarantined()  # documents not re-checked keep their rows
    run_ids = {r["run_id"] for r in results(sha)}
    assert run_ids == {outcome.run_id}  # the old rows were replaced, not added to


def test_region_codes_are_checked_against_gbt2260(checked) -> None:
    lake, _ = checked
    unknown = failures(lake.shas["region_unknown"])
    assert set(unknown) == {"regions.region_code_in_gbt2260"}
    assert "139999" in unknown["regions.region_code_in_gbt2260"]["message"]
    assert lake.shas["region_unknown"] in quarantined()  # the document's region: withheld whole
    unrecognised = failures(lake.shas["region_unrecognised"])
    assert set(unrecognised) == {"regions.region_recognised"}
    assert unrecognised["regions.region_recognised"]["severity"] == "warn"
    assert lake.shas["region_unrecognised"] not in quarantined()
    clean = {r["expectation"]: json.loads(r["observed"]) for r in results(lake.shas["clean"]) if r["suite"] == "regions"}
    assert clean["region_code_in_gbt2260"]["rows_checked"] == 1


def test_a_staging_view_without_a_declared_column_stops_the_run(checked) -> None:
    lake, _ = checked
    con = duckdb.connect(str(paths.warehouse_path()))
    try:  # a staging view that lost every column but its key
        con.execute("CREATE SCHEMA IF NOT EXISTS staging")
        con.execute("CREATE OR REPLACE TABLE staging.stg_raw__documents (document_sha256 VARCHAR)")
    finally:
        con.close()
    try:
        outcome = run_quality(only=[lake.shas["clean"]], build_docs=False)
    finally:
        con = duckdb.connect(str(paths.warehouse_path()))
        con.execute("DROP SCHEMA staging CASCADE")
        con.close()
    assert not outcome.ok and outcome.error
    [error] = outcome.errors
    assert "structure_staging.staging_has_its_columns" in error
    assert "stg_raw__documents.parse_status" in error
    assert "stg_raw__documents.document_sha256" not in error.split("missing", 1)[1]


def test_a_column_kept_as_printed_is_listed_not_withheld(checked) -> None:
    lake, _ = checked
    sha = lake.shas["column_as_printed"]
    failed = failures(sha)
    assert set(failed) == {"structure_amounts.column_key_as_printed"}
    row = failed["structure_amounts.column_key_as_printed"]
    assert row["severity"] == "warn" and "col:人员经费" in row["message"]
    assert not caught(sha)
