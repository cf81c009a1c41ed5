"""Document assembly: the full contract record from each format, valid against the schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from parser_fixtures import ROWS, UNIT_NAME

from parsers.document import parse_document

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "parsers" / "parse_output.schema.json").read_text("utf-8"))


def validate(record: dict) -> None:
    jsonschema.Draft202012Validator(SCHEMA).validate(json.loads(json.dumps(record, ensure_ascii=False)))


def amounts_by_code(record: dict) -> dict:
    """(code or name) → amounts of every row of the expenditure-by-function tables."""
    return {
        (row["code"] or row["name"]): row["amounts"]
        for table in record["tables"]
        if table["kind"] == "expenditure_by_function"
        for row in table["rows"]
    }


@pytest.mark.parametrize("fixture", ["budget_xlsx", "budget_docx", "budget_pdf"])
def test_each_format_gives_the_full_record(fixture, request):
    record = parse_document(request.getfixturevalue(fixture))
    validate(record)
    assert record["status"] == "ok" and record["error"] is None
    assert record["format"] == {"budget_xlsx": "xlsx", "budget_docx": "docx", "budget_pdf": "pdf"}[fixture]
    assert record["unit_name"] == UNIT_NAME
    assert record["fiscal_year"] == 2024
    assert record["doc_type"] == "budget"
    assert record["currency_unit"] == "万元"
    assert record["n_pages"] == 2
    assert len(record["sha256"]) == 64
    by_code = amounts_by_code(record)
    for code, name, total, basic, project in ROWS:
        assert by_code[code or name] == {"total": total, "basic": basic, "project": project}


@pytest.mark.parametrize("fixture", ["budget_xlsx", "budget_docx", "budget_pdf"])
def test_narrative_figures_become_claims(fixture, request):
    claims = parse_document(request.getfixturevalue(fixture))["claims"]
    stated = [c for c in claims if c["subject"] == "一般公共服务支出"]
    assert stated, claims
    expected = {
        "text": None, "subject": "一般公共服务支出", "amount": "1166.60", "unit": "万元", "page": 2,
        "share": "100", "change": "195.96", "change_direction": "increase",
    }
    assert {k: v for k, v in (stated[0] | {"text": None}).items() if k in expected} == expected
    # ... and what it names: the function class row of the same document's tables, which agrees
    assert stated[0]["figure"] == "function_class" and stated[0]["resolved_amount"] == "1166.60"


def test_claims_from_a_seed_style_narrative():
    from parsers.claims import extract_claims

    page = ("2024年收支总预算1,173.61 万元。其中：基本支出 874.85 万元，占 74.54%；\n"
            "项目支出 298.76 万元，占 25.46%。公务接待费2.19万元，比上年减少\n1.29万元；会议费0万元，与上年持平。")
    claims = {c["subject"]: c for c in extract_claims([page])}
    assert claims["收支总预算"]["amount"] == "1173.61"
    assert (claims["基本支出"]["amount"], claims["基本支出"]["share"]) == ("874.85", "74.54")
    assert (claims["项目支出"]["amount"], claims["项目支出"]["share"]) == ("298.76", "25.46")
    assert (claims["公务接待费"]["change"], claims["公务接待费"]["change_direction"]) == ("1.29", "decrease")
    assert claims["会议费"]["change_direction"] == "flat"
    # the change amount is part of its claim, never a claim of its own
    assert all(c["amount"] != "1.29" for c in claims.values())


def test_claim_subjects_leave_out_headings_glued_to_the_sentence():
    from parsers.claims import extract_claims

    (claim,) = extract_claims(["一、部门预算收支增减变化情况2026年本部门收入预算7651.71万元，比上年减少458.14万元。"])
    assert (claim["subject"], claim["amount"], claim["change"]) == ("本部门收入预算", "7651.71", "458.14")


@pytest.mark.parametrize(
    "pages,expected",
    [
        (["2026年广州市卫生健康委员会部门预算\n目录"], ("广州市卫生健康委员会", 2026, "budget")),
        (["凤县人民政府办公室(本级)\n2024年单位预算公开说明"], ("凤县人民政府办公室(本级)", 2024, "budget")),
        (["濉溪县人民政府办公室（县政府外事办公室）2024年部门预算"], ("濉溪县人民政府办公室（县政府外事办公室）", 2024, "budget")),
        (["上海市2026年市级单位预算\n预算单位：上海市戒毒康复中心\n2026年1月"], ("上海市戒毒康复中心", 2026, "budget")),
        (["2023 年度 某某县财政局\n部门决算"], ("某某县财政局", 2023, "final_account")),
    ],
)
def test_metadata_from_title_variants(pages, expected):
    from parsers.metadata import extract_metadata

    meta = extract_metadata(pages, [])
    assert (meta["unit_name"], meta["fiscal_year"], meta["doc_type"]) == expected


def test_a_table_that_fails_interpretation_is_kept_raw(budget_xlsx, monkeypatch):
    import parsers.tables

    def broken(grid):
        raise RuntimeError("cannot make sense of this grid")

    monkeypatch.setattr(parsers.tables, "interpret_grid", broken)
    record = parse_document(budget_xlsx)
    validate(record)
    assert record["status"] == "ok"
    assert record["tables"][0]["kind"] == "unknown"
    assert record["tables"][0]["cells"][2][:2] == ["201", "一般公共服务支出"]
    assert any("could not be interpreted" in w for w in record["warnings"])


def test_records_of_real_pdfs_follow_the_schema(real_dir: Path):
    sample = sorted(real_dir.glob("001_*.pdf"))[:2] + sorted(real_dir.glob("014_*.pdf"))[:1]
    assert sample
    for path in sample:
        record = parse_document(path)
        validate(record)
        assert record["status"] == "ok", record["error"]
        assert any(t["kind"] == "expenditure_by_function" for t in record["tables"])
