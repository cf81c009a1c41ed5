"""Small budget documents built in code, the same content as XLSX and as DOCX,
so the format readers can be checked against each other and against what
was written. (The PDF twin is committed under fixtures/, made from the XLSX
with LibreOffice: see make_pdf_fixture.)
"""

from __future__ import annotations

from decimal import Decimal

import subprocess
from pathlib import Path

import pytest

UNIT_NAME = "测试县人民政府办公室"
TITLE_LINE = f"{UNIT_NAME}2024年部门预算"
TABLE_TITLE = "一般公共预算支出表"
UNIT_LINE = "单位：万元"
HEADER_TOP = ["科目编码", "科目名称", "本年预算", None, None]
HEADER_BOTTOM = [None, None, "合计", "基本支出", "项目支出"]
# code, name, total, basic, project (None = blank cell); totals add up.
ROWS: list[tuple[str | None, str, str, str | None, str | None]] = [
    ("201", "一般公共服务支出", "1166.60", "950.10", "216.50"),
    ("20103", "政府办公厅（室）及相关机构事务", "1166.60", "950.10", "216.50"),
    ("2010301", "行政运行", "950.10", "950.10", None),
    ("2010302", "一般行政管理事务", "216.50", None, "216.50"),
    (None, "合计", "1166.60", "950.10", "216.50"),
]
NARRATIVE = "一般公共服务支出1166.60万元，占100%，比2023年预算增加195.96万元。"

DATA_DIR = Path(__file__).parent / "fixtures"
PDF_FIXTURE = DATA_DIR / "budget_small.pdf"


def build_xlsx(path: Path) -> Path:
    """The budget table as an Excel sheet: merged title and header cells, a
    unit line, amounts as numbers with a two-decimal format."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "表1"
    sheet.append([TITLE_LINE])
    sheet.merge_cells("A1:E1")
    sheet.append([TABLE_TITLE])
    sheet.merge_cells("A2:E2")
    sheet.append([None, None, None, None, UNIT_LINE])
    sheet.append(HEADER_TOP)
    sheet.append(HEADER_BOTTOM)
    sheet.merge_cells("A4:A5")
    sheet.merge_cells("B4:B5")
    sheet.merge_cells("C4:E4")
    for code, name, *amounts in ROWS:
        sheet.append([code, name, *(float(a) if a is not None else None for a in amounts)])
        for cell in sheet[sheet.max_row][2:]:
            cell.number_format = "#,##0.00"
    narrative = workbook.create_sheet("说明")
    narrative.append([NARRATIVE])
    sheet.column_dimensions["B"].width = 34
    workbook.save(path)
    return path


def build_docx(path: Path) -> Path:
    """The same table in Word, with the title and unit line as paragraphs."""
    import docx

    document = docx.Document()
    document.add_paragraph(TITLE_LINE)
    document.add_paragraph(TABLE_TITLE)
    document.add_paragraph(UNIT_LINE)
    table = document.add_table(rows=2 + len(ROWS), cols=5)
    table.cell(0, 0).merge(table.cell(1, 0)).text = HEADER_TOP[0]
    table.cell(0, 1).merge(table.cell(1, 1)).text = HEADER_TOP[1]
    table.cell(0, 2).merge(table.cell(0, 4)).text = HEADER_TOP[2]
    for col in (2, 3, 4):
        table.cell(1, col).text = HEADER_BOTTOM[col]
    for r, (code, name, *amounts) in enumerate(ROWS, start=2):
        for c, value in enumerate([code, name, *(_with_separator(a) for a in amounts)]):
            if value is not None:
                table.cell(r, c).text = value
    document.add_page_break()
    document.add_paragraph(NARRATIVE)
    document.save(path)
    return path


def _with_separator(amount: str | None) -> str | None:
    """As Excel's #,##0.00 prints it, so both formats print the same text."""
    return None if amount is None else f"{Decimal(amount):,.2f}"


def make_pdf_fixture() -> Path:
    """Regenerate fixtures/budget_small.pdf from the XLSX with LibreOffice."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    source = build_xlsx(DATA_DIR / "budget_small.xlsx")
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(DATA_DIR), str(source)],
                   check=True, capture_output=True, timeout=180)
    source.unlink()
    return PDF_FIXTURE


if __name__ == "__main__":
    print(make_pdf_fixture())


# ---------------------------------------------------------------- pytest fixtures


@pytest.fixture()
def budget_xlsx(tmp_path: Path) -> Path:
    return build_xlsx(tmp_path / "budget.xlsx")


@pytest.fixture()
def budget_docx(tmp_path: Path) -> Path:
    return build_docx(tmp_path / "budget.docx")


@pytest.fixture()
def budget_pdf() -> Path:
    return PDF_FIXTURE


@pytest.fixture()
def real_dir() -> Path:
    """The real PDFs beside the clone (../shared/real); tests using it skip without it."""
    directory = Path(__file__).resolve().parents[2].parent / "shared" / "real"
    if not directory.is_dir():
        pytest.skip("../shared/real is not available")
    return directory


def load_fixture_module(name: str):
    """A builder under tests/parsers/fixtures/ (pdf_build, …), loaded by path: the
    fixtures folder is data beside the tests, not a package."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, Path(__file__).parent / "fixtures" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
