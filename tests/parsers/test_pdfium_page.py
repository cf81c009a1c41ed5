"""PDFium pages (parsers/pdfium_page.py) give what pdfplumber gives: the same
characters at the same places and the same rulings, on corpus pages and a real
PDF; pages PDFium cannot read the same way fall back to pdfplumber; the switch
``COUNTYBUDGET_PDFIUM=0`` reads every page with pdfplumber; ``parse --jobs 2``
writes the same records and lake as ``--jobs 1``."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from countybudget import paths
from parsers.layout import median_size
from parsers.pdf import page_glyphs, page_rulings
from parsers.pdfium_page import ENV_SWITCH, PdfiumPage, open_pages
from testkit import CORPUS_DIR

TOLERANCE = 0.001  # points: PDFium's float32 against pdfminer's float64


def corpus_pdfs(n: int = 3) -> list[Path]:
    pdfs = sorted((CORPUS_DIR / "documents").glob("*.pdf"))
    if not pdfs:
        pytest.skip("corpus not built")
    return pdfs[:n]


def real_pdf() -> Path:
    from benchmarks.parse_identity import default_real_dir

    directory = default_real_dir()
    pdfs = sorted(directory.glob("*.pdf")) if directory.is_dir() else []
    if not pdfs:
        pytest.skip("../shared/real is not available")
    return pdfs[0]


def both_readings(path: Path, monkeypatch: pytest.MonkeyPatch, max_pages: int = 6):
    monkeypatch.setenv(ENV_SWITCH, "0")
    with open_pages(path) as pages:
        plumber = [_reading(p) for _, p in zip(range(max_pages), pages)]
    monkeypatch.setenv(ENV_SWITCH, "1")
    with open_pages(path) as pages:
        pdfium = [_reading(p) for _, p in zip(range(max_pages), pages)]
    return plumber, pdfium


def _reading(page):
    glyphs = page_glyphs(page)
    rulings = page_rulings(page, median_size(glyphs))
    return type(page) is PdfiumPage, glyphs, rulings


def assert_same_page(plumber, pdfium) -> None:
    _, glyphs_a, rulings_a = plumber
    _, glyphs_b, rulings_b = pdfium
    assert Counter(g.text for g in glyphs_a) == Counter(g.text for g in glyphs_b)
    key = lambda g: (g.text, round(g.top, 1), round(g.x0, 1))  # noqa: E731
    for a, b in zip(sorted(glyphs_a, key=key), sorted(glyphs_b, key=key)):
        assert a.text == b.text
        assert max(abs(a.x0 - b.x0), abs(a.x1 - b.x1), abs(a.top - b.top), abs(a.bottom - b.bottom)) < TOLERANCE, (a, b)
    assert len(rulings_a) == len(rulings_b)
    rkey = lambda r: (r.vertical, round(r.pos, 1), round(r.start, 1))  # noqa: E731
    for a, b in zip(sorted(rulings_a, key=rkey), sorted(rulings_b, key=rkey)):
        assert a.vertical == b.vertical
        assert max(abs(a.pos - b.pos), abs(a.start - b.start), abs(a.end - b.end)) < TOLERANCE, (a, b)


def test_pdfium_reads_corpus_pages_as_pdfplumber(monkeypatch: pytest.MonkeyPatch):
    read_by_pdfium = 0
    for path in corpus_pdfs():
        plumber, pdfium = both_readings(path, monkeypatch)
        assert len(plumber) == len(pdfium)
        for a, b in zip(plumber, pdfium):
            assert not a[0]  # the switch off: every page is pdfplumber's
            read_by_pdfium += b[0]
            assert_same_page(a, b)
    assert read_by_pdfium > 0


def test_pdfium_reads_a_real_pdf_as_pdfplumber(monkeypatch: pytest.MonkeyPatch):
    plumber, pdfium = both_readings(real_pdf(), monkeypatch, max_pages=8)
    assert any(b[0] for b in pdfium)
    for a, b in zip(plumber, pdfium):
        assert_same_page(a, b)


def test_a_rotated_page_falls_back_to_pdfplumber(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import pypdfium2 as pdfium

    source = corpus_pdfs(1)[0]
    rotated = tmp_path / "rotated.pdf"
    document = pdfium.PdfDocument(str(source))
    document[0].set_rotation(90)
    document.save(str(rotated))
    document.close()
    monkeypatch.setenv(ENV_SWITCH, "1")
    with open_pages(rotated) as pages:
        kinds = [type(p) is PdfiumPage for p in pages]
    assert kinds[0] is False  # PDFium's coordinates would be unrotated: pdfplumber reads it
    assert all(kinds[1:])


def countybudget(*args: str, data: Path) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "COUNTYBUDGET_DATA": str(data)}
    return subprocess.run([sys.executable, "-m", "orchestration.cli", *args], capture_output=True, text=True,
                          env=env, cwd=paths.REPO_ROOT, timeout=600)


def test_parse_with_two_jobs_gives_the_same_lake_as_one(tmp_path: Path):
    files = [str(p) for p in corpus_pdfs(3)]
    outputs = {}
    for jobs in (1, 2):
        data = tmp_path / f"data-{jobs}"
        data.mkdir()
        done = countybudget("parse", *files, "--json", "--lake", "--jobs", str(jobs), data=data)
        assert done.returncode == 0, done.stderr
        records = [json.loads(line) for line in done.stdout.splitlines()]
        assert [r["source"] for r in records] == files  # in the order given
        lake = sorted(str(p.relative_to(data)) for p in (data / "raw").rglob("*.parquet"))
        outputs[jobs] = (records, lake)
    assert outputs[1] == outputs[2]
    assert outputs[1][1]


def test_a_hyphen_ending_a_line_is_read(monkeypatch: pytest.MonkeyPatch):
    """PDFium marks a hyphen that ends a line (0x02, 0xFFFE in its bulk text); it is still a '-'."""
    from benchmarks.parse_identity import default_real_dir

    path = default_real_dir() / "003_深圳__2026年深圳市人力资源和社会保障局部门预算.pdf"
    if not path.is_file():
        pytest.skip("the real PDF with a line-ending hyphen is not available")
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        page = pdf.pages[39]
        expected = Counter(g.text for g in page_glyphs(page))
    monkeypatch.setenv(ENV_SWITCH, "1")
    with open_pages(path) as pages:
        for number, page in enumerate(pages):
            if number == 39:
                assert type(page) is PdfiumPage
                got = Counter(g.text for g in page_glyphs(page))
                break
    assert got["-"] == expected["-"] > 0
    assert got == expected
