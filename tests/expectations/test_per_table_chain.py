"""Per-table quarantine end to end, in the nightly order on a lake built here:
ground-truth documents (one clean, others with a planted failing table, one with a
document-level defect) → dbt build --exclude marts → checkpoint → dbt build --select
marts. A failing table is withheld with its reasons and its document's other tables
publish; the marts, dim_document, mart_quarantine, the analyst marts and the run
report all say so; and the dbt test catches a withheld table that leaks into a mart."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import duckdb
import pytest

import quality_mutations as mutations
from quality_documents import clean_document
from quality_lake import sha_of

from countybudget import paths
from testkit.ground_truth_lake import plant_failing_table, write_raw_document

pytestmark = pytest.mark.slow

KINDS = [t["kind"] for t in clean_document()["tables"]]


def named(doc: dict[str, Any], unit_name: str) -> dict[str, Any]:
    return {**doc, "unit_name": unit_name}


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from orchestration.warehouse import dbt_build
    from expectations.checkpoint import run_quality

    data = tmp_path_factory.mktemp("per_table") / "data"
    data.mkdir()
    economic_broken, economic = plant_failing_table(clean_document(), "basic_expenditure_by_economic")
    function_broken, function = plant_failing_table(clean_document(), "expenditure_by_function")
    docs = {
        "clean": named(clean_document(), "平乡县人民政府办公室"),
        "economic": named(economic_broken, "平乡县财政局"),  # its own table only
        "function": named(function_broken, "平乡县教育局"),  # its own table and the summary it disagrees with
        "whole": named(mutations.unit_mislabelled(), "平乡县民政局"),  # a document-level check: withheld whole
    }
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COUNTYBUDGET_DATA", str(data))
        mp.delenv("COUNTYBUDGET_WAREHOUSE", raising=False)
        shas = {label: sha_of(f"per-table {label}") for label in docs}
        for label, doc in docs.items():
            write_raw_document(doc, shas[label])
        before = dbt_build(exclude="marts")
        quality = run_quality(build_docs=False)
        marts = dbt_build(select="marts")
        yield {"shas": shas, "before": before, "quality": quality, "marts": marts,
               "economic": economic, "function": function, "data": data}


def query(sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(paths.warehouse_path()), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_the_chain_builds_and_its_tests_pass(chain) -> None:
    for name in ("before", "marts"):
        assert chain[name].ok, (name, chain[name].failed, chain[name].log_tail[-3000:])
    q = chain["quality"]
    assert q.ok and (q.documents_passed, q.documents_partial, q.documents_quarantined) == (1, 2, 1)
    assert q.tables_checked == 20 and q.tables_withheld == 1 + 2 + 5


def test_dim_document_says_published_partial_or_withheld(chain) -> None:
    shas = chain["shas"]
    rows = {sha: rest for sha, *rest in query(
        "select document_sha256, publication_status, n_tables_published, n_tables_withheld, withheld_table_kinds, "
        "is_reportable from marts.dim_document")}
    assert rows[shas["clean"]] == ["published", 5, 0, [], True]
    assert rows[shas["economic"]] == ["partial", 4, 1, ["basic_expenditure_by_economic"], True]
    assert rows[shas["function"]] == ["partial", 3, 2, ["expenditure_by_function", "expenditure_summary"], True]
    assert rows[shas["whole"]][:3] == ["withheld", 0, 5] and rows[shas["whole"]][4] is False


def test_withheld_tables_reach_no_fact_and_the_others_do(chain) -> None:
    shas = chain["shas"]
    facts = {(fact, sha, index) for fact, sha, index in query("""
        select 'function', document_sha256, table_index from marts.fct_expenditure_by_function
        union select 'economic', document_sha256, table_index from marts.fct_basic_expenditure_by_economic
        union select 'three_public', document_sha256, table_index from marts.fct_three_public_expenses""")}
    three_public = KINDS.index("three_public_expenses")
    assert ("economic", shas["economic"], chain["economic"]) not in facts
    assert ("function", shas["economic"], chain["function"]) in facts  # the same document's good table
    assert ("function", shas["function"], chain["function"]) not in facts
    assert ("economic", shas["function"], chain["economic"]) in facts
    assert ("three_public", shas["function"], three_public) in facts
    assert not {f for f in facts if f[1] == shas["whole"]}
    assert {f[1] for f in facts} == {shas["clean"], shas["economic"], shas["function"]}


def test_mart_quarantine_lists_every_table_and_document_withheld_with_its_reasons(chain) -> None:
    shas = chain["shas"]
    rows = {(w, sha, index): (kind, expectations, reasons) for w, sha, index, kind, expectations, reasons in query(
        "select withheld, document_sha256, table_index, table_kind, failed_expectations, reasons "
        "from marts.mart_quarantine")}
    kind, expectations, reasons = rows[("table", shas["economic"], chain["economic"])]
    assert kind == "basic_expenditure_by_economic" and "totals.row_total" in expectations
    assert all(r.startswith("[") and "basic_expenditure_by_economic" in r for r in reasons)
    summary = KINDS.index("expenditure_summary")
    assert rows[("table", shas["function"], summary)][1] == ["totals.function_within_summary"]
    assert rows[("document", shas["whole"], None)][1] == ["units.unit_label"]
    assert not [key for key in rows if key[1] == shas["clean"]]


def test_analyst_marts_never_show_a_partial_figure_as_complete(chain) -> None:
    shas = chain["shas"]
    summary = {sha: rest for sha, *rest in query(
        "select document_sha256, is_complete, withheld_parts, total_yuan, personnel_yuan, three_public_yuan "
        "from marts.mart_department_budget_summary")}
    assert summary[shas["clean"]][:2] == [True, []]
    complete, parts, total, personnel, three_public = summary[shas["economic"]]
    assert (complete, parts, personnel) == (False, ["personnel", "public"], None) and total is not None
    complete, parts, total, personnel, three_public = summary[shas["function"]]
    assert (complete, parts, total) == (False, ["total", "basic", "project"], None)
    assert personnel is not None and three_public is not None
    assert shas["whole"] not in summary
    # the region's sums leave out the function table withheld and the document withheld whole, and say so
    regions = query("select distinct n_documents_withheld, is_complete from marts.mart_region_function_spending")
    assert regions == [(2, False)]
    assert query("select n_documents, n_documents_withheld, is_complete from marts.mart_three_public_by_region_year") \
        == [(3, 1, False)]


def test_the_run_report_shows_partial_documents(chain) -> None:
    from orchestration.report import quarantined_documents, raw_documents, withheld_tables

    documents = raw_documents()
    partial = {p["sha256"]: p for p in withheld_tables(documents)}
    shas = chain["shas"]
    assert set(partial) == {shas["economic"], shas["function"]}
    assert [t["table_kind"] for t in partial[shas["economic"]]["tables_withheld"]] == ["basic_expenditure_by_economic"]
    assert partial[shas["economic"]]["n_tables"] == 5
    assert all(t["reasons"] for p in partial.values() for t in p["tables_withheld"])
    assert [q["sha256"] for q in quarantined_documents(documents)] == [shas["whole"]]


def test_the_dbt_test_catches_a_withheld_table_that_reaches_a_mart(chain) -> None:
    """Lose the quarantine row of a withheld table (as a broken gate would): the marts now
    carry its figures, and the test reading the checkpoint's own results fails."""
    from orchestration.warehouse import dbt_build

    sha, index = chain["shas"]["economic"], chain["economic"]
    with duckdb.connect(str(paths.warehouse_path())) as con:
        saved = con.execute("select * from quality.quarantined_tables where sha256 = ? and table_index = ?",
                            [sha, index]).fetchall()
        con.execute("delete from quality.quarantined_tables where sha256 = ? and table_index = ?", [sha, index])
    try:
        leaked = dbt_build(select="marts")
    finally:
        with duckdb.connect(str(paths.warehouse_path())) as con:
            con.executemany("insert into quality.quarantined_tables values (?, ?, ?, ?, ?)", saved)
    failed = {f["node"].split(".")[-1] for f in leaked.failed}
    assert "nothing_failing_a_blocking_check_reaches_a_mart" in failed, leaked.failed
