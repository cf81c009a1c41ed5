"""Fixtures of the parser tests: small documents built per test (see parser_fixtures)."""

from __future__ import annotations

from parser_fixtures import budget_docx, budget_pdf, budget_xlsx, real_dir  # noqa: F401 - fixtures
