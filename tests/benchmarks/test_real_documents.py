"""The real-documents benchmark (benchmarks.real_documents): the whole chain on real PDFs.

The chain test runs on a small subset of ../shared/real (skipped without it): two
budget documents of two cities, a performance-target form (not a budget document)
and an HTML page saved as .pdf (unreadable)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from benchmarks.real_documents import city_of, expectations_of, format_report, run_real_benchmark, unplaced_amounts

SUBSET = (
    "001_上海__2026年上海市发展和改革局_部门预算.pdf",
    "005_广州__统计局_2026年部门预算.pdf",
    "005_广州__生态环境局_广州市生态环境局2026年部门整体预算绩效目标申报表.pdf.pdf",
    "004_重庆__2026年重庆市交通运输局部门预算.pdf",
)


def test_the_city_comes_from_the_file_name_else_the_region_else_the_unit() -> None:
    assert city_of("003_深圳__2026年深圳市公安局部门预算.pdf", "广东省", None) == "深圳"
    assert city_of("一个没有前缀的文件.pdf", "佛山市", "佛山市公安局") == "佛山"
    assert city_of("x.pdf", None, "泉州市民政局") == "泉州"
    assert city_of("x.pdf", None, None) == "unknown"


def test_reasons_are_read_as_the_expectations_that_gave_them() -> None:
    reasons = "[totals.row_total] a\n[codes.parent_printed] b\n[totals.row_total] c"
    assert expectations_of(reasons) == ["codes.parent_printed", "totals.row_total"]
    assert expectations_of(None) == []


def test_unplaced_amount_warnings_of_tables_are_counted(lake: Path) -> None:
    from parsers.lake import write_record

    record = {
        "sha256": "ef" * 32, "source": "x.pdf", "format": "pdf", "status": "ok", "error": None, "unit_name": None,
        "fiscal_year": 2026, "doc_type": "budget", "currency_unit": "万元", "n_pages": 3, "claims": [],
        "warnings": ["amount 9.00 unplaced on page 1"],  # a document warning: not a table's
        "tables": [{"kind": "expenditure_by_function", "title": "t", "unit": "万元", "pages": [2], "columns": ["total"],
                    "rows": [], "note": None,
                    "warnings": ["amount 12.30 on page 2 unplaced: it ended in no cell", "code inferred"]}],
    }
    write_record(record, datetime.now(timezone.utc))
    assert unplaced_amounts() == {"ef" * 32: 1}


@pytest.mark.slow
def test_the_benchmark_runs_the_whole_chain_and_reports_per_city(real_dir: Path, tmp_path: Path) -> None:
    missing = [name for name in SUBSET if not (real_dir / name).is_file()]
    if missing:
        pytest.skip(f"not in ../shared/real: {missing}")
    out = tmp_path / "real.json"
    report = run_real_benchmark(real_dir, files=SUBSET, out=out)
    assert all(stage["ok"] for stage in report["chain"].values()), report["chain"]
    assert report["files"] == 4
    o = report["overall"]
    assert o["budget_documents"] == 2
    assert o["fully_published"] + o["partial"] + o["withheld"] == 2
    assert o["tables_published"] + o["tables_withheld"] == o["tables"] > 15
    # every table withheld is counted under at least one reason
    assert sum(o["tables_withheld_by_reason"].values()) >= o["tables_withheld"]
    assert [d["file"] for d in report["not_budget"]] == [SUBSET[2]]
    # the parser's classifier agrees with the independent judgement: no budget called other
    assert report["classification"] == {"budgets_classified_other": [], "not_budget_classified_not_budget": 1,
                                        "not_budget_files": 1}
    assert [d["file"] for d in report["unreadable"]] == [SUBSET[3]]
    assert {"上海", "广州", "重庆"} <= set(report["per_city"])
    assert report["per_city"]["上海"]["budget_documents"] == 1 and report["per_city"]["重庆"]["budget_documents"] == 0
    assert report["per_city"]["上海"]["tables"] + report["per_city"]["广州"]["tables"] == o["tables"]
    assert re.fullmatch(r"\d+ of 2 real budget documents fully published \([\d.]+%\), \d+ of \d+ tables \([\d.]+%\)",
                        report["headline"])
    text = format_report(report)
    assert text.splitlines()[0] == report["headline"]
    # the rest listed with reasons
    for doc in report["not_fully_published"]:
        assert doc["document_reasons"] or all(t["withheld_by"] for t in doc["tables_withheld"])
    assert json.loads(out.read_text(encoding="utf-8"))["headline"] == report["headline"]
    assert report["function_table"]["pdfs_printing_function_table"] == 2


def test_a_conservation_warning_counts_every_amount_it_names(lake: Path) -> None:
    from parsers.lake import write_record

    record = {
        "sha256": "ab" * 32, "source": "y.pdf", "format": "pdf", "status": "ok", "error": None, "unit_name": None,
        "fiscal_year": 2026, "doc_type": "budget", "currency_unit": "万元", "n_pages": 3, "claims": [],
        "warnings": [],
        "tables": [{"kind": "expenditure_by_function", "title": "t", "unit": "万元", "pages": [2], "columns": ["total"],
                    "rows": [], "note": None,
                    "warnings": ["amount conservation: 3 amounts printed in the table (column 7 '项目支出') are in no "
                                 "row: 1.00 (p2, '合计'), 2.00 (p2, 'a'), 3.00 (p2, 'b')"]}],
    }
    write_record(record, datetime.now(timezone.utc))
    assert unplaced_amounts() == {"ab" * 32: 3}
