"""Bad input: each gives a clear per-document error, never a crash, within the limits."""

from __future__ import annotations

import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from parsers.document import parse_document
from parsers.safety import ParseLimits, run_isolated
from testkit.handmade_pdf import assemble_pdf


def minimal_pdf(content: bytes, extra_objects: int = 0) -> bytes:
    """A valid one-page PDF whose page draws ``content`` (compressed), written by hand."""
    stream = zlib.compress(content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    return assemble_pdf(objects)


def assert_clear_error(record: dict, *words: str) -> None:
    assert record["status"] == "error", record
    assert record["tables"] == [] and record["claims"] == []
    reason = record["error"].lower()
    assert any(w.lower() in reason for w in words), record["error"]


def test_zero_byte_file(tmp_path: Path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    assert_clear_error(parse_document(empty), "zero-byte")


def test_html_page_saved_as_pdf(tmp_path: Path):
    page = tmp_path / "notice.pdf"
    page.write_text("<!DOCTYPE html>\n<html><head><title>预算公开</title></head><body>404</body></html>", "utf-8")
    record = parse_document(page)
    assert_clear_error(record, "html")
    assert record["format"] == "html"


def test_truncated_pdf(tmp_path: Path, budget_pdf: Path):
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(budget_pdf.read_bytes()[: budget_pdf.stat().st_size // 3])
    record = parse_document(cut)
    # a third of the file: no xref, no trailer. Exactly this error, not "any outcome but a crash"
    assert_clear_error(record, "corrupt or truncated PDF")
    assert record["format"] == "pdf" and record["n_pages"] is None


def test_corrupt_pdf(tmp_path: Path):
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    assert_clear_error(parse_document(junk), "corrupt", "truncated", "cannot read")


def test_corrupt_office_file(tmp_path: Path, budget_xlsx: Path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(budget_xlsx.read_bytes()[:4000])
    record = parse_document(broken)
    assert record["status"] == "error" and record["error"]


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is needed to encrypt the fixture")
def test_encrypted_pdf(tmp_path: Path, budget_pdf: Path):
    locked = tmp_path / "locked.pdf"
    subprocess.run(["qpdf", "--encrypt", "user-secret", "owner-secret", "256", "--", str(budget_pdf), str(locked)],
                   check=True)
    assert_clear_error(parse_document(locked), "encrypted", "password")


def test_pdf_without_text_layer_needs_ocr(tmp_path: Path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(minimal_pdf(b"0 0 0 rg 50 50 400 600 re f 1 1 1 rg 60 60 100 100 re f"))
    record = parse_document(scan)
    assert record["status"] == "needs_ocr"
    assert "ocr" in record["error"].lower()
    assert record["tables"] == []


def test_unknown_bytes(tmp_path: Path):
    blob = tmp_path / "budget.pdf"
    blob.write_bytes(b"GIF89a" + b"\x00" * 100)
    assert_clear_error(parse_document(blob), "unrecognised")


def test_missing_file(tmp_path: Path):
    assert_clear_error(parse_document(tmp_path / "nowhere.pdf"), "cannot read")


def test_decompression_bomb_hits_the_memory_limit(tmp_path: Path):
    bomb = tmp_path / "bomb.pdf"
    # 400 MB of drawing operators compress to well under a megabyte.
    bomb.write_bytes(minimal_pdf(b"0 0 m 1 1 l S\n" * (400 * 1024 * 1024 // 14)))
    run = run_isolated(bomb, limits=ParseLimits(timeout_s=120, memory_mb=150))
    assert run.record["status"] == "error"
    assert "memory" in run.record["error"].lower()


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is needed to build the long document")
def test_a_document_that_runs_too_long_is_stopped(tmp_path: Path, budget_pdf: Path):
    big = tmp_path / "big.pdf"
    subprocess.run(["qpdf", "--empty", "--pages", *[str(budget_pdf)] * 200, "--", str(big)], check=True)
    run = run_isolated(big, limits=ParseLimits(timeout_s=0.5, memory_mb=1024))
    assert run.record["status"] == "error"
    assert "timed out" in run.record["error"]
    assert run.seconds < 30  # the child was killed, not waited for


def test_real_html_pages_named_pdf_are_reported(real_dir: Path):
    """The real collection holds portal pages served under .pdf names."""
    from countybudget.sniff import sniff_file

    disguised = [p for p in sorted(real_dir.glob("*.pdf")) if sniff_file(p) == "html"]
    assert disguised, "expected the real collection's HTML pages saved as .pdf"
    for path in disguised:
        assert_clear_error(parse_document(path), "html")
