"""Budget / final account / other, from the document's text (parsers/classification.py):
one test per kind of non-budget file a portal posts, the disclosures that must never be
called ``other``, and what becomes of an ``other`` (status not_budget, in the raw layer,
never a disclosure)."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from countybudget import paths
from countybudget.contracts import PARSE_NOT_BUDGET
from parsers.classification import BUDGET, FINAL_ACCOUNT, OTHER, classify
from parsers.document import parse_document

REPO = Path(__file__).resolve().parents[2]

# the standard tables and headings of a disclosure, as a text layer prints them (letter-spaced, wrapped)
BUDGET_PAGES = [
    "平乡县人民政府办公室\n2024年部门预算",
    "目 录\n第一部分 部门概况\n一、部门主要职责\n二、机构设置\n第二部分 2024年部门预算表\n"
    "一、收支总表\n二、收入总表\n三、支出总表\n四、财政拨款收支总表\n五、一般公共预算支出表\n"
    "六、一般公共预算基本支出表\n七、一般公共预算“三公”经费支出表\n八、政府性基金预算支出表",
    "收 支 总 表\n单位：万元\n项目 本年预算 项目 本年预算\n一、一般公共预算拨款收入 1,166.60 一、一般公共服务支出 1,166.60",
]


def pages(*texts: str) -> list[str]:
    return list(texts)


# ------------------------------------------------------------------ disclosures stay disclosures


def test_a_budget_with_the_standard_tables_is_a_budget() -> None:
    verdict = classify(BUDGET_PAGES)
    assert verdict.kind == BUDGET and verdict.is_disclosure
    assert {"收支总表", "收入总表", "支出总表", "财政拨款收支总表", "三公经费", "说明"} <= set(verdict.families)


def test_a_final_account_is_a_final_account() -> None:
    final = [t.replace("预算表", "决算表").replace("部门预算", "部门决算").replace("收支总表", "收入支出决算总表")
             for t in BUDGET_PAGES]
    assert classify(final).kind == FINAL_ACCOUNT


def test_a_covering_notice_with_the_tables_attached_is_a_disclosure() -> None:
    """Structure wins over the notice's marks: the tables are the disclosure."""
    notice = "关于公开2024年部门预算的通知\n平办〔2024〕3号\n各科室：现将2024年部门预算公开如下。"
    assert classify([notice, *BUDGET_PAGES[1:]]).is_disclosure


def test_one_standard_table_posted_alone_is_a_disclosure() -> None:
    """Portals post each table as its own attachment: no title, one table the parser read."""
    table_only = ["一般公共预算支出表\n单位：万元\n科目编码 科目名称 合计 基本支出 项目支出\n201 一般公共服务支出 1166.60"]
    assert classify(table_only, ["expenditure_by_function"]).kind == BUDGET
    # and a 说明 of the budget, titled as one, with its headings but no table
    explanation = ["测试县财政局2024年部门预算说明\n一、部门主要职责\n……\n二、机构设置\n……"]
    assert classify(explanation).kind == BUDGET


# ------------------------------------------------------------------ one test per kind of other


def test_a_notice_with_a_document_number_is_other() -> None:
    notice = pages("泰州市财政局关于做好2026年部门预算编制工作的通知\n泰财预〔2026〕12号\n"
                   "各市（区）财政局：为做好2026年部门预算编制工作，现将有关事项通知如下：一、收支总表 ……")
    verdict = classify(notice)
    assert verdict.kind == OTHER
    assert "〔2026〕12号" in verdict.reason and "通知" in verdict.reason


def test_a_document_number_in_square_brackets_is_read_too() -> None:
    verdict = classify(["某县人民政府办公室文件\n某政办发[2025] 7 号\n关于印发某县预算管理办法的通知"])
    assert verdict.kind == OTHER and "[2025]7号" in verdict.reason


def test_a_regulation_or_work_procedure_is_other() -> None:
    for title in ("某市财政局预算绩效管理办法", "某县部门预算编制工作规程", "关于进一步深化预算管理制度改革的实施意见"):
        verdict = classify([f"{title}\n第一章 总则\n第一条 为规范部门预算管理……"])
        assert verdict.kind == OTHER, title


def test_a_performance_target_form_is_other() -> None:
    form = pages("广州市某局2026年部门整体预算绩效目标申报表\n部门名称：广州市某局\n单位：万元\n"
                 "年度绩效目标 一级指标 二级指标 三级指标 指标值\n产出指标 数量指标 ……\n"
                 "“三公”经费控制率 ≤100%")
    verdict = classify(form, ["performance_targets"])
    assert verdict.kind == OTHER and "performance-target form" in verdict.reason


def test_a_price_list_is_other() -> None:
    price_list = pages("福州市2026年执行最高付费标准中药饮片目录\n执行时间：2026年1-12月\n序号 饮片名称 规格 单价（元）\n"
                       "1 白芍 片 0.12\n2 当归 片 0.35")
    assert classify(price_list, ["unknown"]).kind == OTHER


def test_a_report_is_other() -> None:
    report = pages("2025年福州市物流业运行情况报告\n2025年，全市物流业业务收入1891.31亿元，比上年同期增长6.2%。\n"
                   "表1 2025年福州市物流业业务收入分季度情况\n单位：亿元、%")
    assert classify(report, ["unknown"]).kind == OTHER


def test_a_standard_is_other() -> None:
    standard = pages("ICS 03.160\nCCS A90\nSF\n中华人民共和国司法行政行业标准\nSF/T 0083—2020\n全国人民调解工作规范",
                     "前言\n本文件按照GB/T 1.1—2020的规定起草。\n1 范围\n本文件规定了人民调解工作的基本要求。")
    verdict = classify(standard)
    assert verdict.kind == OTHER and "标准" in verdict.reason


def test_classification_takes_page_texts_whoever_produced_them() -> None:
    """The hook for scans: OCR's page texts, with no tables read, classify like a text layer's."""
    assert classify(BUDGET_PAGES, table_kinds=()).kind == BUDGET
    assert classify(["", ""]).kind == OTHER


# ------------------------------------------------------------------ through the parser and the lake


@pytest.mark.parametrize("name", ["guangzhou-ecoenv-2026-performance-form.pdf", "guangzhou-govdata-2026-performance-form.pdf"])
def test_the_real_performance_forms_parse_as_not_budget(name: str) -> None:
    record = parse_document(REPO / "corpus" / "real" / name)
    assert record["status"] == PARSE_NOT_BUDGET
    assert record["error"].startswith("not a budget disclosure: a performance-target form")
    assert record["tables"] == [] and record["doc_type"] is None


def test_a_real_budget_of_the_corpus_is_no_other() -> None:
    record = parse_document(REPO / "corpus" / "real" / "guangzhou-statistics-2026-budget.pdf")
    assert record["status"] == "ok" and record["doc_type"] == BUDGET


def test_a_notice_reaches_the_raw_layer_as_not_budget_with_no_table(tmp_path: Path, monkeypatch) -> None:
    import docx

    from parsers.lake import parse_to_lake

    monkeypatch.setenv("COUNTYBUDGET_DATA", str(tmp_path / "data"))
    path = tmp_path / "notice.docx"
    document = docx.Document()
    document.add_paragraph("某县财政局关于2026年预算公开工作的通知")
    document.add_paragraph("某财〔2026〕5号")
    document.add_paragraph("各单位：请按下表报送公开进度。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "单位", "完成时间"
    table.cell(1, 0).text, table.cell(1, 1).text = "办公室", "3月31日"
    document.save(str(path))
    result = parse_to_lake(path)
    assert result.status == PARSE_NOT_BUDGET and not result.ok and "〔2026〕5号" in result.error
    assert result.n_tables == 0
    (row,) = pq.read_table(paths.raw_table_file("documents", result.sha256)).to_pylist()
    assert row["status"] == PARSE_NOT_BUDGET and row["error"] == result.error and row["n_tables"] == 0
    assert pq.read_table(paths.raw_table_file("tables", result.sha256)).num_rows == 0


def test_the_real_non_budget_files_are_not_budget(real_dir: Path) -> None:
    """Three of the seven non-budget PDFs of ../shared/real (the short ones; the four
    performance forms are the kind the corpus tests above cover): a standard, a price list, a report."""
    for name in ("005_广州__司法局_2026年部门预算.pdf", "017_福州__医疗保障局_福州市2026年执行最高付费标准中药饮片目录.pdf",
                 "017_福州__商务局_2025年福州市物流业运行情况报告.pdf"):
        record = parse_document(real_dir / name)
        assert record["status"] == PARSE_NOT_BUDGET, (name, record["error"])


def test_the_quality_gate_checks_no_non_disclosure(tmp_path: Path, monkeypatch) -> None:
    """Nothing of a not_budget file is published, so the checkpoint neither checks nor quarantines it."""
    import duckdb

    from expectations.batches import build_batches
    from parsers.document import empty_record
    from parsers.lake import write_record

    monkeypatch.setenv("COUNTYBUDGET_DATA", str(tmp_path / "data"))
    record = {**empty_record("notice.pdf", "0c" * 32, "pdf"), "status": PARSE_NOT_BUDGET,
              "error": "not a budget disclosure: a notice"}
    write_record(record)
    with duckdb.connect() as con:
        batches = build_batches(con)
    assert batches.documents == [] and batches.frames["documents"].empty


def test_the_run_report_lists_non_disclosures_apart_from_failures() -> None:
    from orchestration.report import format_summary, parse_outcomes

    journal = [
        {"stage": "parse", "key": "aa" * 32, "status": "ok", "result": {"status": "ok", "error": None}},
        {"stage": "parse", "key": "bb" * 32, "status": "ok",
         "result": {"status": PARSE_NOT_BUDGET, "error": "not a budget disclosure: a performance-target form"}},
        {"stage": "parse", "key": "cc" * 32, "status": "ok", "result": {"status": "error", "error": "zero-byte file"}},
    ]
    documents = {"bb" * 32: {"source_path": "landing/files/bb/form.pdf"}}
    parse = parse_outcomes(journal, documents)
    assert parse["by_status"] == {"ok": 1, PARSE_NOT_BUDGET: 1, "error": 1}
    assert [d["sha256"] for d in parse["not_parsed"]] == ["cc" * 32]
    assert parse["not_budget"] == [{"sha256": "bb" * 32, "status": PARSE_NOT_BUDGET,
                                    "reason": "not a budget disclosure: a performance-target form",
                                    "source_path": "landing/files/bb/form.pdf"}]
    report = {"run_id": "r", "published": True,
              "documents": {"discovered": 3, "downloaded": 3, "parsed": 1, "parse_tasks": 3, "not_parsed": 1,
                            "not_budget": 1, "quarantined": 0, "published": 1},
              "left_out": {"portals": {}, "not_parsed": parse["not_parsed"], "not_budget": parse["not_budget"],
                           "quarantined": [], "partial": [], "failed_tasks": []},
              "mart_rows": {}, "stage_seconds": {}, "serving_database": "s", "data_docs": None}
    summary = format_summary(report)
    assert "not budget disclosures 1" in summary
    assert "not a budget disclosure: bbbbbbbbbbbbbbbb landing/files/bb/form.pdf: not a budget disclosure: a performance" in summary
