"""The one file-type sniffer (``countybudget.sniff``): the crawler's and the parser's
answers, reconciled, and what the crawl manifest records of them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from countybudget.contracts import LANDING_TYPES
from countybudget.sniff import landing_type, sniff_bytes, sniff_file

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100


def docx_bytes() -> bytes:
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("平乡县人民政府办公室2024年部门预算")
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl

    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.active["A1"] = "支出功能分类科目编码"
    book.save(buffer)
    return buffer.getvalue()


def zip_bytes(**members: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (PDF, "pdf"),
        (b"junk\n%PDF-1.7\n", "pdf"),  # readers tolerate leading junk
        (b"\xef\xbb\xbf\r\n%PDF-1.7\n", "pdf"),
        (OLE + "Workbook".encode("utf-16-le"), "xls"),
        (OLE + "WordDocument".encode("utf-16-le"), "doc"),
        (OLE + "EncryptedPackage".encode("utf-16-le") + "Workbook".encode("utf-16-le"), "encrypted"),
        (OLE, "unknown"),
        ("<!DOCTYPE html><html><body>页面不存在</body></html>".encode(), "html"),
        (b"\xef\xbb\xbf\r\n<!DOCTYPE html><html><body>", "html"),
        (b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN"><html>', "html"),
        (b'<?xml version="1.0"?><feed><entry/></feed>', "unknown"),  # XML, not a web page
        (b"", "empty"),
        (b"\x00\x01garbage", "unknown"),
        (b"GIF89a...", "unknown"),
    ],
)
def test_magic_numbers_decide(content: bytes, kind: str) -> None:
    assert sniff_bytes(content) == kind


def test_office_files_are_told_apart_by_their_members_whatever_their_name(tmp_path: Path) -> None:
    for content, kind in ((docx_bytes(), "docx"), (xlsx_bytes(), "xlsx")):
        assert sniff_bytes(content) == kind  # the bytes alone
        assert sniff_bytes(content[:64], container=io.BytesIO(content)) == kind  # the head, and the open file
        disguised = tmp_path / f"report-{kind}.pdf"
        disguised.write_bytes(content)
        assert sniff_file(disguised) == kind


def test_a_zip_is_office_only_with_a_content_types_part() -> None:
    assert sniff_bytes(zip_bytes(**{"readme.txt": "hello"})) == "unknown"
    assert sniff_bytes(zip_bytes(**{"word/document.xml": "<w/>"})) == "unknown"


def test_a_truncated_office_download_is_judged_by_its_local_headers() -> None:
    content = docx_bytes()
    assert sniff_bytes(content[: len(content) // 2]) == "docx"
    content = xlsx_bytes()
    assert sniff_bytes(content[: len(content) // 2]) == "xlsx"


def test_the_manifest_records_the_answer_narrowed_to_the_landing_types() -> None:
    assert [landing_type(kind) for kind in LANDING_TYPES] == list(LANDING_TYPES)
    for kind in ("doc", "encrypted", "empty"):
        assert landing_type(kind) == "unknown"
