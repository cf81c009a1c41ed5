"""The evaluation scores what it should: exact cells, missing and invented rows,
clear failures; and the benchmark helpers measure the same pages both ways."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest
import yaml
from parser_fixtures import ROWS, UNIT_NAME

from benchmarks.parse_eval import evaluate_corpus, score_real_document, score_tables


def truth_table() -> dict:
    return {
        "kind": "expenditure_by_function", "title": "一般公共预算支出表", "unit": "万元", "pages": [1],
        "columns": ["total", "basic", "project"], "note": None,
        "rows": [{"code": code, "name": name, "item": None, "side": None, "page": 1,
                  "amounts": {"total": total, "basic": basic, "project": project}}
                 for code, name, total, basic, project in ROWS],
    }


def test_score_counts_exact_cells_missing_and_invented_rows():
    truth = truth_table()
    parsed = copy.deepcopy(truth)
    parsed["rows"][2]["amounts"]["total"] = "950.01"  # one misread cell
    del parsed["rows"][3]  # one row lost (2 printed cells)
    parsed["rows"].append({"code": "2010350", "name": "事业运行", "amounts": {"total": "1.00"}})  # one invented
    score = score_tables([truth], [parsed])
    printed = sum(a is not None for *_, t, b, p in ROWS for a in (t, b, p))
    assert score["amount_cells"] == printed
    assert score["amount_cells_exact"] == printed - 1 - 2
    assert (score["rows"], score["rows_missing"], score["rows_invented"]) == (len(ROWS), 1, 1)
    assert score["mismatch_examples"][0]["expected"] == "950.10"


def test_thousands_separators_and_a_missing_table():
    truth = truth_table()
    parsed = copy.deepcopy(truth)
    parsed["rows"][0]["amounts"]["total"] = "1,166.60"  # printed with a separator: same amount
    assert score_tables([truth], [parsed])["amount_cells_exact"] == score_tables([truth], [truth])["amount_cells"]
    missing = score_tables([truth], [])
    assert missing["amount_cells_exact"] == 0 and missing["rows_missing"] == len(ROWS)
    assert missing["tables_missing"]


def test_evaluate_corpus_end_to_end(tmp_path: Path, budget_xlsx: Path, budget_docx: Path):
    documents = tmp_path / "documents"
    documents.mkdir()
    shutil.copy(budget_xlsx, documents / "a.xlsx")
    shutil.copy(budget_docx, documents / "b.docx")
    (documents / "c.pdf").write_bytes(b"")
    (tmp_path / "ground_truth").mkdir()
    truth = {"schema_version": "1", "unit_name": UNIT_NAME, "fiscal_year": 2024, "doc_type": "budget",
             "currency_unit": "万元", "tables": [truth_table()], "defects": []}
    (tmp_path / "ground_truth" / "a.json").write_text(json.dumps(truth, ensure_ascii=False), "utf-8")
    catalogue = {"documents": [
        {"id": "a", "file": "documents/a.xlsx", "format": "xlsx", "defects": [], "ground_truth": "ground_truth/a.json"},
        {"id": "b", "file": "documents/b.docx", "format": "docx", "defects": [], "ground_truth": "ground_truth/a.json"},
        {"id": "c", "file": "documents/c.pdf", "format": "pdf", "defects": ["zero_byte"], "ground_truth": None},
    ]}
    (tmp_path / "catalogue.yml").write_text(yaml.safe_dump(catalogue, allow_unicode=True), "utf-8")
    report = evaluate_corpus(tmp_path)
    clean = report["clean"]
    assert clean["documents"] == 2
    assert clean["amount_cells"] > 0
    assert clean["amount_cells_exact"] == clean["amount_cells"]
    assert clean["rows_missing"] == clean["rows_invented"] == 0
    assert report["metadata_exact_pct"]["unit_name"] == 100.0
    assert report["expected_failures"] == report["expected_failures_reported_clearly"] == 1
    assert report["unreadable"] == [{"file": "documents/c.pdf", "status": "error",
                                     "reason": "zero-byte file: nothing to parse"}]


def test_evaluate_corpus_refuses_an_empty_corpus(tmp_path: Path):
    with pytest.raises(FileNotFoundError):
        evaluate_corpus(tmp_path)


def test_real_document_row_identity():
    table = truth_table()
    table["rows"][2]["amounts"]["basic"] = "905.10"  # total 950.10 != 905.10 + blank
    record = {"status": "ok", "error": None, "format": "pdf", "n_pages": 2, "tables": [table], "claims": []}
    score = score_real_document("x.pdf", record, 0.1)
    assert score["ebf_found"] and score["ebf_found_with_rows"] and score["has_text_layer"]
    assert score["ebf_rows_checked"] == len(ROWS)
    assert score["ebf_rows_total_ok"] == len(ROWS) - 1
    empty = {**record, "tables": [{**table, "rows": []}]}
    assert score_real_document("y.pdf", empty, 0.1)["ebf_found_with_rows"] is False
    assert score_real_document("z.pdf", {**record, "tables": []}, 0.1)["ebf_found"] is False


def test_benchmark_helpers_read_the_same_pages(tmp_path: Path, budget_pdf: Path):
    from benchmarks.parse_bench import build_big_pdf, measure_throughput, naive_pdfplumber

    if shutil.which("qpdf") is None:
        pytest.skip("qpdf not installed")
    big = build_big_pdf(budget_pdf, 5, tmp_path / "big.pdf")
    assert naive_pdfplumber(big) == 5
    result = measure_throughput([big])
    assert result["pages"] == 5 and result["per_document"][0]["status"] == "ok"
    assert result["ratio"] is not None


def test_function_table_presence_is_judged_from_the_text(tmp_path: Path, budget_pdf: Path):
    from benchmarks.parse_eval import prints_function_table, summarise_real

    assert prints_function_table(budget_pdf)
    from test_bad_input import minimal_pdf

    blank = tmp_path / "blank.pdf"
    blank.write_bytes(minimal_pdf(b"0 0 m 10 10 l S"))
    assert not prints_function_table(blank)
    found = {"file": "a.pdf", "has_text_layer": True, "prints_function_table": True, "ebf_found": True,
             "ebf_found_with_rows": True,
             "ebf_rows_checked": 4, "ebf_rows_total_ok": 4, "ebf_parent_sum_violations": 0, "status": "ok",
             "error": None, "n_pages": 3, "seconds": 1.0}
    appendix = {**found, "file": "b.pdf", "prints_function_table": False, "ebf_found": False, "ebf_found_with_rows": False,
                "ebf_rows_checked": 0, "ebf_rows_total_ok": 0}
    summary = summarise_real([found, appendix], tmp_path)
    assert (summary["ebf_found_pct"], summary["ebf_found_in_those_pct"]) == (50.0, 100.0)
    assert summary["not_printing_function_table"] == ["b.pdf"]
