"""The PDF reader on small PDFs printed by LibreOffice from Excel sheets
(tests/parsers/fixtures/pdf_build.py holds their data): wrapped cells, codes
split over 类 | 款 | 项, tables over pages, two-halves summaries, 三公 items as
columns, an empty table with its note, and a scan without text."""

from __future__ import annotations

from pathlib import Path

import pytest

from countybudget.money import normalise_amount_text
from parser_fixtures import load_fixture_module
from parsers.pdf import read_pdf
from parsers.tables import interpret_grid

FIXTURES = Path(__file__).parent / "fixtures"


build = load_fixture_module("pdf_build")


def tables_of(name: str) -> list[dict]:
    result = read_pdf(FIXTURES / name)
    assert not result.needs_ocr
    return [interpret_grid(g) for g in result.grids]


def only(tables: list[dict], kind: str) -> dict:
    found = [t for t in tables if t["kind"] == kind]
    assert len(found) == 1, [t["kind"] for t in tables]
    return found[0]


def expected_amount(text: str | None) -> str | None:
    return None if text is None else normalise_amount_text(text)


@pytest.mark.parametrize(
    "fixture",
    ["pdf_wrapped.pdf", "pdf_plain.pdf", "pdf_unruled_wrapped.pdf", "pdf_handmade_curves.pdf", "pdf_handmade_unruled.pdf"],
)
def test_function_table_rows_match_the_sheet(fixture: str) -> None:
    table = only(tables_of(fixture), "expenditure_by_function")
    assert table["unit"] == "万元"
    assert table["title"] == "一般公共预算支出表"
    assert table["columns"] == ["total", "basic", "project"]
    got = [(r["code"], r["name"], r["amounts"]) for r in table["rows"]]
    want = [
        (code, name, {"total": expected_amount(t), "basic": expected_amount(b), "project": expected_amount(p)})
        for code, name, t, b, p in build.FUNCTION_ROWS
    ]
    assert got == want


def test_wrapped_table_runs_over_two_pages() -> None:
    table = only(tables_of("pdf_wrapped.pdf"), "expenditure_by_function")
    assert table["pages"] == [1, 2]
    assert {r["page"] for r in table["rows"]} == {1, 2}


def test_split_code_columns_give_full_codes_and_repeated_headers_are_dropped() -> None:
    tables = tables_of("pdf_split_codes.pdf")
    table = only(tables, "expenditure_summary")
    assert table["unit"] == "元"
    assert len(table["pages"]) >= 2  # the fixture is long enough to need a second page
    coded = [r for r in table["rows"] if r["code"] is not None]
    assert [r["code"] for r in coded] == [code for code, *_ in build.SPLIT_ROWS]
    for row, (_, name, total, basic, project) in zip(coded, build.SPLIT_ROWS):
        assert row["name"] == name
        assert row["amounts"] == {
            "total": expected_amount(total),
            "basic": expected_amount(basic),
            "project": expected_amount(project),
        }
    names = [r["name"] for r in table["rows"]]
    assert "类" not in names and "功能分类科目名称" not in names


def test_two_halves_summary_gives_income_and_expenditure_rows() -> None:
    table = only(tables_of("pdf_summary.pdf"), "income_expenditure_summary")
    income = [(r["name"], r["amounts"]["amount"]) for r in table["rows"] if r["side"] == "income"]
    expenditure = [(r["name"], r["amounts"]["amount"]) for r in table["rows"] if r["side"] == "expenditure"]
    assert income == [(a, expected_amount(b)) for a, b, _, _ in build.SUMMARY_ROWS if a]
    assert expenditure == [(c, expected_amount(d)) for _, _, c, d in build.SUMMARY_ROWS]
    assert table["columns"] == ["amount"]


def test_three_public_items_printed_as_columns_become_rows() -> None:
    table = only(tables_of("pdf_three_public.pdf"), "three_public_expenses")
    got = {r["item"]: r["amounts"]["amount"] for r in table["rows"]}
    want = {item: amount for item, (_, amount) in zip(build.THREE_PUBLIC_ITEMS, build.THREE_PUBLIC_COLUMNS)}
    assert got == want


def test_empty_table_keeps_its_note() -> None:
    table = only(tables_of("pdf_empty_note.pdf"), "government_fund_expenditure")
    assert table["note"] is not None and "本表无数据" in table["note"]
    assert all(v is None for r in table["rows"] for v in r["amounts"].values())


def test_scan_without_text_layer_needs_ocr() -> None:
    result = read_pdf(FIXTURES / "pdf_scanned.pdf")
    assert result.needs_ocr
    assert result.grids == []
    assert result.n_pages == 1
    assert any("OCR" in w for w in result.warnings)


def test_a_page_that_fails_is_a_warning_and_the_others_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    import parsers.pdf as pdf_module

    real_page_glyphs = pdf_module.page_glyphs

    def failing_on_page_two(page):
        if page.page_number == 2:
            raise ValueError("bad content stream")
        return real_page_glyphs(page)

    monkeypatch.setattr(pdf_module, "page_glyphs", failing_on_page_two)
    result = read_pdf(FIXTURES / "pdf_wrapped.pdf")
    assert result.n_pages == 2
    assert any(w.startswith("page 2: unreadable") and "bad content stream" in w for w in result.warnings)
    table = only([interpret_grid(g) for g in result.grids], "expenditure_by_function")
    assert table["pages"] == [1]


def test_a_document_with_no_readable_page_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    import parsers.pdf as pdf_module

    def always_failing(page):
        raise ValueError("bad content stream")

    monkeypatch.setattr(pdf_module, "page_glyphs", always_failing)
    with pytest.raises(ValueError, match="bad content stream"):
        read_pdf(FIXTURES / "pdf_plain.pdf")
