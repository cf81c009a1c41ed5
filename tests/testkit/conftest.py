"""Fixtures for the mirror tests: a small catalogue of real files in a temporary
folder (so the tests do not depend on the generated corpus being there), a
mirror serving it, and the link-following client of mirror_helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
import yaml
from mirror_helpers import AS_OF, LATE_DATE, SLOW_SECONDS, CrawlResult, crawl

from testkit.mirror.fixtures import minimal_pdf
from testkit.mirror.server import MirrorServer


def _write_docx(path: Path, text: str) -> None:
    document = docx.Document()
    document.add_paragraph(text)
    document.save(path)


def _write_xlsx(path: Path, text: str) -> None:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = text
    workbook.save(path)


def _document(doc_id: str, fmt: str, unit: str, region: str, postings: list[tuple[str, str, date]]) -> dict:
    return {
        "id": doc_id,
        "file": f"documents/{doc_id}.{fmt}",
        "format": fmt,
        "unit_name": unit,
        "region_code": region,
        "fiscal_year": 2024,
        "doc_type": "budget",
        "layouts": [],
        "defects": ["duplicate_posting"] if len(postings) > 1 else [],
        "ground_truth": None,
        "postings": [{"portal": p, "title": t, "publish_date": d} for p, t, d in postings],
    }


@pytest.fixture(scope="session")
def small_catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalogue of real PDF/DOCX/XLSX/HTML files on every county portal,
    with one duplicate posting across two portals, one posting after AS_OF and
    two broken entries (missing file, unknown portal)."""
    root = tmp_path_factory.mktemp("corpus")
    (root / "documents").mkdir()
    documents = [
        _document(f"pingxiang-unit{i}-2024-budget", "pdf", f"平乡县单位{i}", "130532",
                  [("pingxiang", f"平乡县单位{i}2024年部门预算公开", date(2024, 2, 1 + i))])
        for i in range(1, 6)
    ]
    documents += [
        _document("pingxiang-late-2025-budget", "pdf", "平乡县教育局", "130532",
                  [("pingxiang", "平乡县教育局2025年部门预算公开", LATE_DATE)]),
        _document("huainan-govoffice-2024-budget", "docx", "淮南市人民政府办公室", "340400",
                  [("huainan", "淮南市人民政府办公室2024年部门预算", date(2024, 2, 8))]),
        _document("yongqiao-govoffice-2024-budget", "pdf", "埇桥区人民政府办公室", "341302",
                  [("yongqiao", "埇桥区人民政府办公室2024年部门预算公开", date(2024, 2, 6)),
                   ("suixi", "埇桥区人民政府办公室2024年部门预算（转载）", date(2024, 2, 9))]),
        _document("suixi-govoffice-2024-budget", "xlsx", "濉溪县人民政府办公室", "340621",
                  [("suixi", "濉溪县人民政府办公室2024年部门预算", date(2024, 2, 7))]),
        _document("fengxian-govoffice-2024-budget", "xlsx", "凤县人民政府办公室", "610330",
                  [("fengxian", "凤县人民政府办公室2024年部门预算公开", date(2024, 2, 1))]),
        _document("fengxian-finance-2024-budget", "pdf", "凤县财政局", "610330",
                  [("fengxian", "凤县财政局2024年部门预算公开", date(2024, 2, 2))]),
        _document("suixi-notice-2024", "html", "濉溪县财政局", "340621",
                  [("suixi", "濉溪县财政局关于做好2024年度决算工作的通知", date(2024, 3, 1))]),
        _document("broken-missing-file", "pdf", "平乡县某局", "130532",
                  [("pingxiang", "平乡县某局2024年部门预算", date(2024, 2, 3))]),
        _document("broken-unknown-portal", "pdf", "某县某局", "999999",
                  [("nowhere", "某县某局2024年部门预算", date(2024, 2, 3))]),
    ]
    for entry in documents:
        path = root / entry["file"]
        text = f"countybudget mirror test document {entry['id']}"
        if entry["id"] == "broken-missing-file":
            continue
        if entry["format"] == "pdf":
            path.write_bytes(minimal_pdf(text))
        elif entry["format"] == "docx":
            _write_docx(path, text)
        elif entry["format"] == "xlsx":
            _write_xlsx(path, text)
        else:
            path.write_text(f"<html><body><p>{text}</p><p>各乡镇财政所：请按时报送决算。</p></body></html>",
                            encoding="utf-8")
    catalogue = root / "catalogue.yml"
    catalogue.write_text(yaml.safe_dump({"documents": documents}, allow_unicode=True), encoding="utf-8")
    return catalogue


@pytest.fixture()
def small_mirror(small_catalogue: Path) -> Iterator[MirrorServer]:
    with MirrorServer(port=0, as_of=AS_OF, slow_seconds=SLOW_SECONDS, catalogue=small_catalogue).start() as server:
        yield server


@pytest.fixture()
def crawl_portal() -> Callable[[MirrorServer, str], CrawlResult]:
    return crawl
