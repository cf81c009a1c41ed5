"""A real XLSX (or DOCX) under a wrong name is read by the type its bytes say
(issue 17, fault 6): portals serve workbooks as ``.xls`` and attachments as
``.pdf``; the landing store names files by sniffed type, but ``countybudget
parse FILE`` and re-parses of old landings see the name as given."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from parsers.document import parse_document
from parsers.safety import parse_document_safely
from testkit import CORPUS_DIR

XLSX = sorted((CORPUS_DIR / "documents").glob("*.xlsx"))
DOCX = sorted((CORPUS_DIR / "documents").glob("*.docx"))


def _amounts(record: dict) -> list:
    return [(t["kind"], r.get("code"), r.get("amounts")) for t in record["tables"] for r in t.get("rows") or []]


@pytest.mark.parametrize("suffix", [".xls", ".pdf", ".bin", ""])
def test_an_xlsx_under_any_name_is_read_as_xlsx(tmp_path: Path, suffix: str) -> None:
    assert XLSX, "the corpus has an XLSX document"
    original = parse_document(XLSX[0])
    assert original["status"] == "ok" and original["tables"]
    misnamed = tmp_path / f"P020240205{suffix}"
    shutil.copyfile(XLSX[0], misnamed)

    record = parse_document_safely(misnamed)

    assert record["status"] == "ok", record["error"]
    assert record["format"] == "xlsx"
    assert _amounts(record) == _amounts(original)


@pytest.mark.parametrize("suffix", [".doc", ".pdf"])
def test_a_docx_under_another_name_is_read_as_docx(tmp_path: Path, suffix: str) -> None:
    assert DOCX, "the corpus has a DOCX document"
    original = parse_document(DOCX[0])
    misnamed = tmp_path / f"P020240205{suffix}"
    shutil.copyfile(DOCX[0], misnamed)

    record = parse_document_safely(misnamed)

    assert record["status"] == original["status"] == "ok", record["error"]
    assert record["format"] == "docx"
    assert _amounts(record) == _amounts(original)
