"""Column roles end to end on hand-made PDFs (tests/parsers/fixtures/pdf_build_columns.py):
reader → interpretation → identities, in two layouts where roles are easy to misread."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from countybudget import identities
from parsers.document import parse_document

FIXTURES = Path(__file__).resolve().parent / "fixtures"
_spec = importlib.util.spec_from_file_location("pdf_build_columns", FIXTURES / "pdf_build_columns.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)
PROJECT_ROWS = build.PROJECT_ROWS


def tables_of(name: str, kind: str) -> list[dict]:
    record = parse_document(FIXTURES / name)
    assert record["status"] == "ok", record["error"]
    return [t for t in record["tables"] if t["kind"] == kind]


def test_project_table_by_source_with_a_wrapped_description() -> None:
    [table] = tables_of("pdf_columns_project.pdf", "project_expenditure")
    assert table["columns"] == [
        "total", "fiscal_appropriation", "general_budget", "government_fund", "state_capital",
        "fiscal_special_account", "other"]
    got = [(r["name"], r["amounts"]["total"], r["amounts"]["other"]) for r in table["rows"]]
    want = [(name, figures[0].replace(",", ""), figures[6]) for name, *figures, _ in PROJECT_ROWS]
    assert got == want  # names without the description; the 其他资金 figure in its column
    assert identities.check_document({"tables": [table]}) == []


def test_three_public_items_as_columns_with_a_running_cost_column() -> None:
    [table] = tables_of("pdf_columns_three_public.pdf", "three_public_expenses")
    items = {r["item"]: r["amounts"].get("amount") for r in table["rows"] if r["item"]}
    assert items == {"total": "27.00", "overseas": "20.00", "reception": "7.00",
                     "vehicle_purchase": None, "vehicle_operation": None}
    assert [r["amounts"]["amount"] for r in table["rows"] if r["name"].startswith("机关运行")] == ["902.68"]
    assert identities.check_document({"tables": [table]}) == []


@pytest.mark.parametrize("name", ["pdf_columns_project.pdf", "pdf_columns_three_public.pdf"])
def test_fixtures_are_current(name: str, tmp_path: Path) -> None:
    """The committed PDFs are what the builder writes (so the data above describes them)."""
    out = {"pdf_columns_project.pdf": build.project_pdf, "pdf_columns_three_public.pdf": build.three_public_pdf}[name](
        tmp_path / name)
    assert out.read_bytes() == (FIXTURES / name).read_bytes()
