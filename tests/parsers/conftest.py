"""Fixtures of the parser tests: small documents built per test (see parser_fixtures)."""

from __future__ import annotations

from pathlib import Path

import pytest
from parser_fixtures import PDF_FIXTURE, build_docx, build_xlsx


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
