"""The two audit marts on the planted documents (corpus/planted/, built by
testkit/corpus/planted.py): the same clean document once as it is and
once per planted narrative error or omission, each parsed by the real parser
and built by real dbt (its tests on both marts included). Each planted defect
is caught by the check meant for it, and the clean document raises none."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
import yaml
from warehouse_lake import lake_env

from orchestration.warehouse import dbt_build
from parsers.lake import parse_to_lake

PLANTED = Path(__file__).resolve().parents[2] / "corpus" / "planted"


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], list[dict]]:
    entries = yaml.safe_load((PLANTED / "planted.yml").read_text(encoding="utf-8"))["documents"]
    data = tmp_path_factory.mktemp("planted") / "data"
    data.mkdir()
    shas = {}
    with lake_env(data):
        for entry in entries:
            result = parse_to_lake(PLANTED / entry["file"])
            assert result.status == "ok", result
            shas[result.sha256] = entry["planted"]
        for build in (dbt_build(exclude="marts"), dbt_build(select=["+snap_departments", "marts"])):
            assert build.ok, build.failed
    warehouse = data / "warehouse.duckdb"

    def rows(sql: str) -> list[dict]:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            cursor = con.execute(sql)
            names = [d[0] for d in cursor.description]
            out = [dict(zip(names, r)) for r in cursor.fetchall()]
        for row in out:
            row["planted"] = shas.get(row.get("document_sha256"))
        return out

    return rows


def _by_planted(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in rows:
        out.setdefault(row["planted"], []).append(row)
    return out


def test_narrative_errors_are_caught_and_the_clean_document_raises_none(audit) -> None:
    checks = _by_planted(audit("select * from marts.mart_claim_checks"))
    assert set(checks) == {"clean", "wrong-figure", "wrong-unit", "wrong-change-percent", "missing-table",
                           "empty-table-without-note", "missing-three-public-explanation"}
    flagged = {planted: sorted((r["subject"], r["verdict"], r["unit_suspect"], r["change_percent_verdict"])
                               for r in rows if r["verdict"] == "differs" or r["unit_suspect"]
                               or r["change_percent_verdict"] == "differs")
               for planted, rows in checks.items()}
    assert flagged["wrong-figure"] == [("基本支出", "differs", False, None)]
    assert flagged["wrong-unit"] == [("公务接待费", "differs", True, None)]
    (percent,) = flagged["wrong-change-percent"]
    assert percent[1:] == ("agrees", False, "differs")
    for planted in ("clean", "missing-table", "empty-table-without-note", "missing-three-public-explanation"):
        assert flagged[planted] == [], planted
    # every variant states its change as a percentage, and the clean one agrees with its amounts
    assert [r["change_percent_verdict"] for r in checks["clean"] if r["change_percent_verdict"]] == ["agrees"]
    # both figures of a mismatch are shown
    wrong = next(r for r in checks["wrong-figure"] if r["verdict"] == "differs")
    assert (wrong["claim_amount_text"], wrong["table_amount_text"], str(wrong["difference_yuan"])) == (
        "683.24", "673.24", "100000.00")


def test_omissions_are_caught_and_the_clean_document_is_complete(audit) -> None:
    docs = {r["planted"]: r for r in audit("select * from marts.mart_disclosure_completeness")}
    clean = docs["clean"]
    assert (clean["n_tables_missing"], clean["n_tables_empty_without_note"], clean["n_explanations_missing"]) == (0, 0, 0)
    assert float(clean["completeness_score"]) == 100.0
    assert docs["missing-table"]["t_fiscal_appropriation_summary"] == "missing"
    assert docs["empty-table-without-note"]["t_government_fund_expenditure"] == "empty_without_note"
    assert docs["missing-three-public-explanation"]["e_three_public"] == "missing"
    for planted, doc in docs.items():
        lost = (doc["n_tables_missing"], doc["n_tables_empty_without_note"], doc["n_explanations_missing"])
        expected = {"missing-table": (1, 0, 0), "empty-table-without-note": (0, 1, 0),
                    "missing-three-public-explanation": (0, 0, 1)}.get(planted, (0, 0, 0))
        assert lost == expected, planted
        assert (doc["completeness_score"] < clean["completeness_score"]) == (expected != (0, 0, 0)), planted


def test_the_region_roll_up_ranks_the_documents(audit) -> None:
    (region,) = audit("select * from marts.mart_disclosure_completeness_by_region_year")
    assert (region["region_code"], region["n_documents"], region["rank_in_year"]) == ("130532", 7, 1)
    assert region["n_documents_missing_a_table"] == 1 and region["n_documents_without_three_public_explanation"] == 1


def test_corpus_ground_truth_claims_and_the_previous_year_document(built_lake, query) -> None:
    """Over the corpus ground truth in the shared lake: every claim agrees except the
    document whose economic table is in 元 under a 万元 label (unit_suspect), and the
    埇桥区 2024 changes are checked against its 2023 document."""
    if built_lake.corpus is None:
        pytest.skip("the corpus is not built")
    corpus_shas = sorted(built_lake.corpus["sha256_by_id"].values())
    rows = query("select unit_name, subject, verdict, unit_suspect, change_prior_document_verdict "
                 "from marts.mart_claim_checks where document_sha256 in (select unnest(?))", [corpus_shas])
    assert rows
    assert sorted((u, s) for u, s, v, _, _ in rows if v == "differs") == [("淮南市财政局", "人员经费"),
                                                                          ("淮南市财政局", "公用经费")]
    assert all(suspect for _, _, v, suspect, _ in rows if v == "differs")
    prior = sorted((u, s, c) for u, s, _, _, c in rows if c is not None)
    assert prior == [("埇桥区人民政府办公室", "“三公”经费", "agrees"), ("埇桥区人民政府办公室", "收支总预算", "agrees")]
