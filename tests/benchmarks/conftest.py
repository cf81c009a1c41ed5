"""Fixtures of the benchmark tests: the parser tests' small documents (tests/parsers/parser_fixtures.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "parsers"))

from parser_fixtures import budget_docx, budget_pdf, budget_xlsx, real_dir  # noqa: E402,F401 - fixtures
