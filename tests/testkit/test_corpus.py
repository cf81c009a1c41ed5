"""The committed corpus: coverage the issue asks for, identities, readers, pages.

These tests read only committed files (corpus/) with the parsers' own readers;
they never need LibreOffice or the generator's other tools.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest

from countybudget import identities
from countybudget.table_kinds import TABLE_KINDS, TableKind
from testkit import CORPUS_DIR
from testkit.corpus import check

CATALOGUE = check.load_catalogue()
WITH_TRUTH = [e for e in CATALOGUE if e.get("ground_truth")]
CLEAN = [e for e in WITH_TRUTH if not set(e["defects"]) & set(identities.DEFECT_IDENTITY)]
STANDARD_KINDS = {
    TableKind.INCOME_EXPENDITURE_SUMMARY.value, TableKind.INCOME_SUMMARY.value, TableKind.EXPENDITURE_SUMMARY.value,
    TableKind.FISCAL_APPROPRIATION_SUMMARY.value, TableKind.EXPENDITURE_BY_FUNCTION.value,
    TableKind.BASIC_EXPENDITURE_BY_ECONOMIC.value, TableKind.GOVERNMENT_FUND_EXPENDITURE.value,
    TableKind.STATE_CAPITAL_EXPENDITURE.value, TableKind.THREE_PUBLIC_EXPENSES.value,
}


def truth_of(entry: dict[str, Any]) -> dict[str, Any]:
    truth = check.load_truth(entry)
    assert truth is not None
    return truth


def test_the_corpus_covers_what_the_issue_asks_for() -> None:
    assert len(CATALOGUE) >= 10
    assert len({e["unit_name"] for e in CATALOGUE}) >= 8
    assert len({e["region_code"] for e in CATALOGUE}) >= 4
    assert len({e["province"] for e in CATALOGUE}) >= 3
    years: dict[str, set[int]] = defaultdict(set)
    types: dict[tuple[str, int], set[str]] = defaultdict(set)
    for e in WITH_TRUTH:
        years[e["unit_name"]].add(e["fiscal_year"])
        types[(e["unit_name"], e["fiscal_year"])].add(e["doc_type"])
    assert any(len(y) >= 2 for y in years.values()), "no department with two fiscal years"
    assert any(t == {"budget", "final_account"} for t in types.values()), "no budget + final account pair"
    assert {"pdf", "docx", "xlsx"} <= {e["format"] for e in CATALOGUE}
    all_defects = {d for e in CATALOGUE for d in e["defects"]}
    assert all_defects >= {"parent_not_sum_of_children", "invalid_function_code", "unit_mislabelled",
                           "truncated_pdf", "zero_byte", "no_text_layer", "duplicate_posting"}
    layouts = {lay for e in CATALOGUE for lay in e["layouts"]}
    assert layouts >= {"narrow_wrapped", "repeated_headers", "thousands_separators", "yuan_unit", "split_codes",
                       "landscape", "two_halves_summary", "final_account", "several_units"}


def test_catalogue_entries_follow_the_contract() -> None:
    ids = [e["id"] for e in CATALOGUE]
    assert len(ids) == len(set(ids))
    portals = {"pingxiang", "huainan", "yongqiao", "suixi", "fengxian"}
    for e in CATALOGUE:
        assert (CORPUS_DIR / e["file"]).exists(), e["id"]
        assert e["doc_type"] in ("budget", "final_account")
        assert e["postings"], e["id"]
        for posting in e["postings"]:
            assert posting["portal"] in portals
            month = int(posting["publish_date"][5:7])
            year = int(posting["publish_date"][:4])
            if e["doc_type"] == "budget":
                assert (year, month <= 3) == (e["fiscal_year"], True), e["id"]
            else:
                assert (year, 8 <= month <= 9) == (e["fiscal_year"] + 1, True), e["id"]
    dates = sorted(p["publish_date"] for e in CATALOGUE for p in e["postings"])
    assert dates[0] < "2024-01-31" < dates[-1], "an --as-of in the middle must hide some postings"


@pytest.mark.parametrize("entry", CLEAN, ids=[e["id"] for e in CLEAN])
def test_clean_ground_truth_satisfies_every_identity(entry: dict[str, Any]) -> None:
    truth = truth_of(entry)
    assert truth["tables"], "an empty ground truth would pass vacuously"
    assert identities.check_document(truth) == []


@pytest.mark.parametrize("entry", WITH_TRUTH, ids=[e["id"] for e in WITH_TRUTH])
def test_ground_truth_has_the_standard_tables(entry: dict[str, Any]) -> None:
    truth = truth_of(entry)
    kinds = [t["kind"] for t in truth["tables"]]
    assert set(kinds) <= set(TABLE_KINDS)
    assert STANDARD_KINDS <= set(kinds)
    for table in truth["tables"]:
        if not table["rows"]:
            assert table["note"], f"empty {table['kind']} table without its note"
        for row in table["rows"]:
            for value in (row.get("amounts") or {}).values():
                assert value is None or ("," not in value and Decimal(value) >= 0)
    if entry["doc_type"] == "budget":
        assert TableKind.PROJECT_EXPENDITURE.value in kinds
        assert TableKind.PERFORMANCE_TARGETS.value in kinds
    if entry["doc_type"] == "final_account":
        three = next(t for t in truth["tables"] if t["kind"] == TableKind.THREE_PUBLIC_EXPENSES.value)
        assert three["columns"] == ["budget", "actual"]


@pytest.mark.parametrize("entry", [e for e in WITH_TRUTH if e["format"] != "xlsx"],
                         ids=[e["id"] for e in WITH_TRUTH if e["format"] != "xlsx"])
def test_narrative_claims_repeat_the_table_figures(entry: dict[str, Any]) -> None:
    truth = truth_of(entry)
    claims = {c["subject"]: c for c in truth["claims"]}
    assert claims, "documents with a narrative carry claims"
    summary = next(t for t in truth["tables"] if t["kind"] == TableKind.INCOME_EXPENDITURE_SUMMARY.value)
    total = next(r for r in summary["rows"] if r["side"] == "income" and r["name"] == "收入总计")
    total_wan = Decimal(total["amounts"]["amount"]) / (10000 if truth["currency_unit"] == "元" else 1)
    word = "决算" if truth["doc_type"] == "final_account" else "预算"
    assert Decimal(claims[f"收支总{word}"]["amount"]) == total_wan.quantize(Decimal("0.01"))
    basic = Decimal(claims["基本支出"]["amount"])
    project = Decimal(claims["项目支出"]["amount"])
    assert abs(basic + project - total_wan) <= Decimal("0.01")


def test_seed_documents_carry_the_real_seed_figures() -> None:
    def amount(doc_id: str, kind: str, code: str | None, column: str, name: str | None = None) -> str:
        truth = truth_of(next(e for e in CATALOGUE if e["id"] == doc_id))
        table = next(t for t in truth["tables"] if t["kind"] == kind)
        row = next(r for r in table["rows"] if r["code"] == code and (name is None or r["name"] == name))
        return row["amounts"][column]

    fn = TableKind.EXPENDITURE_BY_FUNCTION.value
    assert amount("pingxiang-govoffice-2024-budget", fn, None, "total") == "1166.60"  # seed 002
    assert amount("pingxiang-govoffice-2024-budget", fn, "2010301", "basic") == "449.30"
    assert amount("yongqiao-govoffice-2023-budget", fn, None, "project") == "615.00"  # seed 003
    assert amount("fengxian-govoffice-2024-budget", fn, "201", "total") == "4967678.00"  # seed 001, 元
    assert amount("suixi-govoffice-2024-budget", fn, "2210201", "total") == "63.22"  # seed 000
    eco = TableKind.BASIC_EXPENDITURE_BY_ECONOMIC.value
    assert amount("pingxiang-govoffice-2024-budget", eco, None, "personnel") == "625.60"


@pytest.mark.parametrize("entry", CATALOGUE, ids=[e["id"] for e in CATALOGUE])
def test_every_document_checks_out(entry: dict[str, Any]) -> None:
    """Opens with its reader, pages right, defects exactly as flagged (see corpus.check)."""
    report = check.check_entry(entry)
    assert report.problems == []


def test_a_wrong_page_number_is_caught() -> None:
    entry = next(e for e in CLEAN if e["format"] == "pdf")
    truth = truth_of(entry)
    table = next(t for t in truth["tables"] if t["kind"] == TableKind.EXPENDITURE_BY_FUNCTION.value)
    table["rows"][-1]["page"] = 1  # the narrative's first page never prints table rows
    assert check.check_pages(CORPUS_DIR / entry["file"], truth)
