"""Truncated PDFs give the one error they should, wherever they are cut (issue 17):
the reason names a corrupt or truncated PDF, in the isolated parse as well."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.document import parse_document
from parsers.safety import parse_document_safely
from testkit import CORPUS_DIR

SOURCES = [CORPUS_DIR / "documents" / "pingxiang-govoffice-2024-budget.pdf",
           Path(__file__).with_name("fixtures") / "budget_small.pdf"]


@pytest.mark.parametrize("fraction", [0.01, 0.1, 0.33, 0.5, 0.9, 0.99])
@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_a_truncated_pdf_is_a_corrupt_or_truncated_pdf(tmp_path: Path, source: Path, fraction: float) -> None:
    data = source.read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: int(len(data) * fraction)])

    for record in (parse_document(cut), parse_document_safely(cut)):
        assert record["status"] == "error", record
        assert record["format"] == "pdf"
        assert record["error"].startswith("corrupt or truncated PDF: "), record["error"]
        assert record["tables"] == [] and record["claims"] == [] and record["n_pages"] is None
