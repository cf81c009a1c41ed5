"""Corpus ground truth → raw layer, as if parsed perfectly."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import yaml

from countybudget import paths
from testkit.ground_truth_lake import expected_function_spending, load_ground_truth, raw_rows
from testkit.scale_corpus import generate_documents


def write_corpus(root: Path, n: int) -> list[dict]:
    """A small corpus directory in the catalogue + ground-truth shape (docs/contracts.md §3-4)."""
    (root / "ground_truth").mkdir(parents=True)
    entries = []
    items = [item for item in generate_documents(n, seed=11) if item.doc["status"] == "ok"][:n]
    for i, item in enumerate(items):
        doc_id = f"doc-{i}"
        (root / "ground_truth" / f"{doc_id}.json").write_text(json.dumps(item.doc, ensure_ascii=False), encoding="utf-8")
        entries.append({
            "id": doc_id, "file": f"documents/{doc_id}.pdf", "format": "pdf", "unit_name": item.doc["unit_name"],
            "region_code": item.department.region_code, "fiscal_year": item.doc["fiscal_year"],
            "doc_type": item.doc["doc_type"], "layouts": [], "defects": [],
            "ground_truth": f"ground_truth/{doc_id}.json",
            "postings": [{"portal": "p1", "title": "t", "publish_date": "2024-02-05"}]
                        + ([{"portal": "p2", "title": "t", "publish_date": "2024-02-07"}] if i == 0 else []),
        })
    entries.append({
        "id": "broken", "file": "documents/broken.pdf", "format": "pdf", "unit_name": "平乡县人民政府办公室",
        "region_code": "130532", "fiscal_year": 2024, "doc_type": "budget", "layouts": [],
        "defects": ["zero_byte"], "ground_truth": None,
        "postings": [{"portal": "p1", "title": "t", "publish_date": "2024-02-05"}],
    })
    (root / "catalogue.yml").write_text(yaml.safe_dump({"documents": entries}, allow_unicode=True), encoding="utf-8")
    return entries


def test_load_ground_truth_writes_raw_layer_and_manifest(lake: Path, tmp_path: Path) -> None:
    entries = write_corpus(tmp_path / "corpus", 4)
    summary = load_ground_truth(tmp_path / "corpus")
    assert {k: v for k, v in summary.items() if k != "sha256_by_id"} == {
        "documents": 4, "failed_by_design": 1, "postings": 6, "errors": []}
    assert set(summary["sha256_by_id"]) == {e["id"] for e in entries}
    documents = pq.read_table(paths.raw_table_dir("documents")).to_pylist()
    assert sorted(d["status"] for d in documents) == ["error", "ok", "ok", "ok", "ok"]
    broken = next(d for d in documents if d["status"] == "error")
    assert "zero_byte" in broken["error"] and broken["unit_name"] == "平乡县人民政府办公室"
    manifest = pq.read_table(paths.manifest_dir()).to_pylist()
    assert {m["outcome"] for m in manifest} == {"new", "duplicate"}
    assert {m["unit_name"] for m in manifest} == {e["unit_name"] for e in entries}


def test_a_bad_catalogue_entry_is_recorded_and_does_not_stop_the_rest(lake: Path, tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus", 2)
    (tmp_path / "corpus" / "ground_truth" / "doc-1.json").write_text("{not json", encoding="utf-8")
    summary = load_ground_truth(tmp_path / "corpus")
    assert summary["documents"] == 1
    assert [e["id"] for e in summary["errors"]] == ["doc-1"]
    assert "JSONDecodeError" in summary["errors"][0]["error"]


def test_raw_rows_keep_printed_strings_and_skip_blank_cells() -> None:
    doc = {"status": "ok", "unit_name": "u", "fiscal_year": 2024, "doc_type": "budget", "currency_unit": "万元",
           "tables": [{"kind": "expenditure_by_function", "unit": "万元", "columns": ["total", "basic", "project"],
                       "rows": [{"code": "2010301", "name": "行政运行", "page": 5,
                                 "amounts": {"total": "449.30", "basic": "449.30", "project": None}}]}]}
    rows = raw_rows(doc, "abc", "v1", parsed_at=__import__("datetime").datetime(2024, 1, 1))
    assert [(r["column_key"], r["amount"]) for r in rows["amounts"]] == [("total", "449.30"), ("basic", "449.30")]
    assert rows["documents"][0]["n_tables"] == 1
    [table] = rows["tables"]  # one row per table, as the parser's writer makes it
    assert (table["sha256"], table["table_index"], table["table_kind"], table["n_rows"]) == (
        "abc", 0, "expenditure_by_function", 1)
    assert table["columns"] == '["total", "basic", "project"]' and table["pages"] == "[]"
    assert expected_function_spending(doc) == {("expenditure_by_function", "2010301", "basic"): Decimal("4493000.00")}


def test_a_planted_failing_table_breaks_its_own_identities_only() -> None:
    from testkit.ground_truth_lake import plant_failing_table
    from countybudget.identities import check_document

    doc = {"status": "ok", "unit_name": "u", "fiscal_year": 2024, "doc_type": "budget", "currency_unit": "万元",
           "tables": [
               {"kind": "three_public_expenses", "unit": "万元", "columns": ["amount"], "rows": [
                   {"code": None, "name": "合计", "item": "total", "amounts": {"amount": "1.00"}},
                   {"code": None, "name": "公务接待费", "item": "reception", "amounts": {"amount": "1.00"}}]},
               {"kind": "expenditure_by_function", "unit": "万元", "columns": ["total", "basic", "project"],
                "rows": [{"code": "201", "name": "一般公共服务支出", "amounts": {"total": "2.00", "basic": "2.00"}}]}]}
    planted, index = plant_failing_table(doc, "expenditure_by_function")
    assert index == 1 and doc["tables"][1]["rows"][0]["amounts"]["total"] == "2.00"  # the original is untouched
    assert planted["tables"][1]["rows"][0]["amounts"] == {"total": "3.00", "basic": "2.00"}
    assert planted["tables"][0] == doc["tables"][0]
    assert check_document(doc) == [] and check_document(planted) != []
