"""Legacy .xls (xlrd) and .doc (LibreOffice → .docx) give the same records as their
.xlsx / .docx twins (corpus/legacy/, written by testkit/corpus/legacy.py), and a bad
legacy file gets a clear error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from countybudget.sniff import sniff_file
from parsers.document import parse_document
from testkit import CORPUS_DIR
from testkit.corpus.legacy import TWIN_FORMATS, twin_path

ORIGINALS = sorted(p for p in (CORPUS_DIR / "documents").iterdir() if p.suffix in TWIN_FORMATS)
NEEDS_SOFFICE = pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")),
    reason="LibreOffice (soffice) is not installed: scripts/bootstrap.sh installs it (libreoffice-writer-nogui)",
)
# what differs between twins by construction: the file itself
FILE_KEYS = ("source", "sha256", "format")


def without_file_keys(record: dict) -> dict:
    return {k: v for k, v in record.items() if k not in FILE_KEYS}


def twin_params() -> list:
    params = []
    for original in ORIGINALS:
        marks = [NEEDS_SOFFICE] if original.suffix == ".docx" else []
        params.append(pytest.param(original, marks=marks, id=twin_path(original, CORPUS_DIR).name))
    return params


def test_the_corpus_has_a_legacy_twin_of_each_office_document() -> None:
    assert {p.suffix for p in ORIGINALS} == {".xlsx", ".docx"}
    for original in ORIGINALS:
        twin = twin_path(original, CORPUS_DIR)
        assert twin.is_file(), f"{twin} missing: countybudget corpus build writes it"
        assert sniff_file(twin) == TWIN_FORMATS[original.suffix][0].lstrip(".")


@pytest.mark.parametrize("original", twin_params())
def test_a_legacy_twin_parses_to_the_same_record(original: Path) -> None:
    twin = twin_path(original, CORPUS_DIR)
    expected, got = parse_document(original), parse_document(twin)
    assert got["status"] == "ok", got["error"]
    assert got["format"] == twin.suffix.lstrip(".")
    assert expected["tables"], "nothing to compare"
    assert without_file_keys(got) == without_file_keys(expected)


def test_an_xls_keeps_number_formats_merges_and_sheets_as_printed() -> None:
    from parsers.xls import read_xls
    from parsers.xlsx import read_xlsx

    original = next(p for p in ORIGINALS if p.suffix == ".xlsx")
    xlsx, xls = read_xlsx(original), read_xls(twin_path(original, CORPUS_DIR))
    assert xls.n_pages == xlsx.n_pages and xls.page_texts == xlsx.page_texts
    assert [g.cells for g in xls.grids] == [g.cells for g in xlsx.grids]  # "1,166.60" as printed, merged cells None
    assert [g.indents for g in xls.grids] == [g.indents for g in xlsx.grids]


def test_a_corrupt_xls_is_a_clear_error(tmp_path: Path) -> None:
    original = twin_path(next(p for p in ORIGINALS if p.suffix == ".xlsx"), CORPUS_DIR)
    data = bytearray(original.read_bytes())
    data[512:16384] = bytes(16384 - 512)  # the workbook stream's records zeroed; header and directory kept
    broken = tmp_path / "broken.xls"
    broken.write_bytes(bytes(data))
    record = parse_document(broken)
    assert record["status"] == "error" and record["error"].startswith("cannot read xls"), record["error"]


def test_a_doc_without_libreoffice_says_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    import parsers.doc

    monkeypatch.setattr(parsers.doc, "soffice_binary", lambda: None)
    original = next(p for p in ORIGINALS if p.suffix == ".docx")
    record = parse_document(twin_path(original, CORPUS_DIR))
    assert record["status"] == "error" and record["format"] == "doc"
    assert "needs LibreOffice" in record["error"]


@NEEDS_SOFFICE
def test_a_conversion_that_takes_too_long_is_stopped(tmp_path: Path) -> None:
    from parsers.doc import ConversionError, convert_to_docx

    original = next(p for p in ORIGINALS if p.suffix == ".docx")
    with pytest.raises(ConversionError, match="did not convert"):
        convert_to_docx(twin_path(original, CORPUS_DIR), tmp_path, timeout=0.05)


@NEEDS_SOFFICE
def test_a_doc_that_is_not_word_inside_is_a_clear_error(tmp_path: Path) -> None:
    """An OLE file whose directory names a WordDocument stream holding garbage."""
    original = twin_path(next(p for p in ORIGINALS if p.suffix == ".docx"), CORPUS_DIR)
    data = bytearray(original.read_bytes())
    data[2048:] = bytes(len(data) - 2048)  # keep the header sector and directory start, zero the rest
    broken = tmp_path / "broken.doc"
    broken.write_bytes(bytes(data))
    record = parse_document(broken)
    assert record["status"] == "error", record["status"]
    assert record["error"]


def _ole_entry(name: str) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    return (encoded.ljust(64, b"\x00") + len(encoded).to_bytes(2, "little")).ljust(128, b"\x00")


@pytest.mark.parametrize("size", [40_000, 3_000_000], ids=["small", "directory past the first MiB"])
def test_a_doc_whose_fonts_name_book_is_a_doc_not_an_xls(tmp_path: Path, size: int) -> None:
    """Only directory entries decide: a .doc's font table says "Book Antiqua" in UTF-16,
    and LibreOffice writes the directory at the end of the file."""
    magic = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    fonts = "Book Antiqua".encode("utf-16-le")
    directory = _ole_entry("Root Entry") + _ole_entry("WordDocument") + _ole_entry("1Table")
    body = (magic.ljust(512, b"\x00") + b"\x00" * 1024 + fonts).ljust(size - len(directory) - 256, b"\x00")
    body = body.ljust(-(-len(body) // 128) * 128, b"\x00")
    path = tmp_path / "fonts.doc"
    path.write_bytes(body + directory)
    assert sniff_file(path) == "doc"
    workbook = tmp_path / "book.xls"
    workbook.write_bytes(body.replace(fonts, b"\x00" * len(fonts)) + _ole_entry("Root Entry") + _ole_entry("Workbook"))
    assert sniff_file(workbook) == "xls"
