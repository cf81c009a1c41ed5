"""The raw layer: one row per amount cell, one file per raw table per document, re-parse replaces."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq
from parser_fixtures import ROWS

from countybudget import paths
from countybudget.contracts import RAW_SCHEMAS
from parsers.lake import parse_to_lake
from parsers.version import PARSER_VERSION


def raw(table: str) -> list[dict]:
    """Every row of one raw table, read back with DuckDB as the staging models do."""
    pattern = str(paths.raw_table_dir(table) / "*.parquet")
    relation = duckdb.sql(f"select * from read_parquet('{pattern}')")
    return [dict(zip(relation.columns, values)) for values in relation.fetchall()]


def test_parse_to_lake_writes_one_row_per_amount_cell(lake: Path, budget_xlsx: Path):
    outcome = parse_to_lake(budget_xlsx)
    assert outcome.status == "ok"
    printed = [(code, key, value) for code, _, *amounts in ROWS
               for key, value in zip(("total", "basic", "project"), amounts) if value is not None]
    rows = raw("amounts")
    assert outcome.n_amounts == len(rows) == len(printed)
    assert sorted((r["code"] or "", r["column_key"], r["amount"]) for r in rows) == sorted(
        (code or "", key, value) for code, key, value in printed
    )
    assert {r["table_kind"] for r in rows} == {"expenditure_by_function"}
    assert {r["unit"] for r in rows} == {"万元"}
    assert {r["sha256"] for r in rows} == {outcome.sha256}
    (document,) = raw("documents")
    assert document["parser_version"] == PARSER_VERSION
    assert (document["unit_name"], document["fiscal_year"], document["n_tables"]) == ("测试县人民政府办公室", 2024, 1)
    (claim,) = raw("claims")
    assert (claim["subject"], claim["amount"], claim["share"]) == ("一般公共服务支出", "1166.60", "100")


def test_every_raw_file_has_the_contract_schema(lake: Path, budget_docx: Path):
    sha = parse_to_lake(budget_docx).sha256
    for table, schema in RAW_SCHEMAS.items():
        written = pq.read_schema(paths.raw_table_file(table, sha))
        assert written.names == schema.names
        assert written.remove_metadata().equals(schema)


def test_reparsing_replaces_rows_never_duplicates(lake: Path, budget_xlsx: Path):
    first = parse_to_lake(budget_xlsx)
    second = parse_to_lake(budget_xlsx)
    assert first.sha256 == second.sha256
    assert len(raw("amounts")) == first.n_amounts
    assert len(raw("documents")) == 1
    assert not list(paths.raw_dir().rglob("*.tmp"))


def test_a_failed_document_is_recorded_with_its_reason(lake: Path, tmp_path: Path):
    page = tmp_path / "page.pdf"
    page.write_text("<html><body>not found</body></html>", "utf-8")
    outcome = parse_to_lake(page)
    assert outcome.status == "error"
    (document,) = raw("documents")
    assert document["status"] == "error" and "HTML" in document["error"]
    assert raw("amounts") == []


def test_given_hash_is_used_as_the_document_key(lake: Path, budget_docx: Path):
    landing_hash = "ab" * 32
    parse_to_lake(budget_docx, sha256=landing_hash)
    assert paths.raw_table_file("amounts", landing_hash).exists()


def test_the_tables_table_lists_every_parsed_table_empty_ones_included(lake: Path):
    from datetime import datetime, timezone

    from parsers.lake import write_record

    record = {
        "sha256": "cd" * 32, "source": "x.pdf", "format": "pdf", "status": "ok", "error": None,
        "unit_name": "测试县财政局", "fiscal_year": 2024, "doc_type": "budget", "currency_unit": "万元", "n_pages": 9,
        "claims": [], "warnings": [],
        "tables": [
            {"kind": "expenditure_by_function", "title": "一般公共预算支出表", "unit": "万元", "unit_source": "printed",
             "pages": [5, 6], "columns": ["total", "basic", "project", "col:备注"], "note": None,
             "rows": [{"code": "201", "name": "一般公共服务支出", "page": 5, "amounts": {"total": "1.00", "basic": "1.00"}}]},
            {"kind": "government_fund_expenditure", "title": "政府性基金预算支出表", "unit": None, "unit_source": "inferred",
             "pages": [7], "columns": ["total"], "rows": [], "note": "本表无数据"},
        ],
    }
    counts = write_record(record, datetime.now(timezone.utc))
    assert counts["tables"] == 2
    rows = sorted(raw("tables"), key=lambda r: r["table_index"])
    assert [(r["table_index"], r["table_kind"], r["n_rows"], r["note"]) for r in rows] == [
        (0, "expenditure_by_function", 1, None), (1, "government_fund_expenditure", 0, "本表无数据")]
    assert rows[0]["pages"] == "[5, 6]" and rows[0]["columns"] == '["total", "basic", "project", "col:备注"]'
    assert (rows[0]["unit"], rows[0]["unit_source"], rows[1]["unit_source"]) == ("万元", "printed", "inferred")
    # the empty table has no amount rows, only its row here
    assert {r["table_index"] for r in raw("amounts")} == {0}


def test_a_figure_printed_on_a_later_page_of_its_row_keeps_that_page():
    """A row continued over a page break (amount_pages): each amount row of the raw
    layer carries the page its figure is printed on."""
    from datetime import datetime, timezone

    from parsers.lake import record_rows

    record = {"sha256": "d" * 64, "tables": [{"kind": "three_public_expenses", "title": "三公", "unit": "万元", "rows": [
        {"code": None, "name": "某单位/总计", "item": None, "page": 7, "amount_pages": {"general_budget": 8},
         "amounts": {"col:2025年/一般公共预算": "1.00", "general_budget": "2.00"}}]}]}
    rows = record_rows(record, datetime.now(timezone.utc))["amounts"]
    assert {r["column_key"]: r["page"] for r in rows} == {"col:2025年/一般公共预算": 7, "general_budget": 8}
