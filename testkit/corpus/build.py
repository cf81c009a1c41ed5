"""Build the committed corpus: documents, ground truth and catalogue.

``build_corpus(out_dir)`` renders every document of ``specs.all_documents()``
(XLSX/DOCX → LibreOffice → PDF), applies the deliberate defects, writes
``ground_truth/<id>.json`` in the parse-output shape (docs/contracts.md §4)
and ``catalogue.yml`` (§3). It needs LibreOffice, qpdf and poppler; nothing
else in countybudget does.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import shutil
import subprocess
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from countybudget.table_kinds import TableKind
from testkit.corpus import render
from testkit.corpus.legacy import build_legacy_twins
from testkit.corpus.narrative import Paragraph, narrative
from testkit.corpus.specs import DocumentSpec, all_documents
from testkit.corpus.tables import PrintedTable, standard_tables

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
UNPARSEABLE_DEFECTS = frozenset({"truncated_pdf", "zero_byte", "no_text_layer"})


# ------------------------------------------------------------------ table defects


def find_table(tables: list[PrintedTable], kind: str) -> PrintedTable:
    return next(t for t in tables if t.kind == kind)


def inflate_a_parent(tables: list[PrintedTable], spec: DocumentSpec) -> dict[str, Any]:
    """parent_not_sum_of_children: a 款 line printed larger than its 项 lines add up to."""
    table = find_table(tables, TableKind.EXPENDITURE_BY_FUNCTION.value)
    row = next(r for r in table.rows if r.truths and r.truths[0]["code"] and len(r.truths[0]["code"]) == 5)
    truth = row.truths[0]
    delta = Decimal("1000.00") if spec.budget.currency == "元" else Decimal("0.10")
    for key in ("total", "basic"):
        old = Decimal(truth["amounts"][key])
        truth["amounts"][key] = f"{old + delta:.2f}"
        index = next(i for i, c in enumerate(row.cells) if c.replace(",", "") == f"{old:.2f}")
        row.cells[index] = f"{old + delta:,.2f}" if "," in row.cells[index] or spec.layout.thousands else f"{old + delta:.2f}"
    return {"kind": "parent_not_sum_of_children", "table": table.kind, "code": truth["code"],
            "detail": f"款 {truth['code']} printed {delta} above the sum of its 项 lines (total and basic)"}


def mislabel_units(tables: list[PrintedTable], spec: DocumentSpec) -> dict[str, Any]:
    """unit_mislabelled: the economic-class table printed in 元 under a 万元 label."""
    table = find_table(tables, TableKind.BASIC_EXPENDITURE_BY_ECONOMIC.value)
    for row in table.rows:
        for truth in row.truths:
            truth["amounts"] = {k: (None if v is None else f"{Decimal(v) * 10000:.2f}")
                                for k, v in truth["amounts"].items()}
        row.cells = [_times_10000(c) for c in row.cells]
    return {"kind": "unit_mislabelled", "table": table.kind, "code": None,
            "detail": "figures in 元 under the label 单位：万元 (10000 × the 万元 figures)"}


def _times_10000(cell: str) -> str:
    if not render._is_figure(cell):
        return cell
    value = Decimal(cell.replace(",", "")) * 10000
    return f"{value:,.2f}" if "," in cell else f"{value:.2f}"


def mistype_a_code(tables: list[PrintedTable], spec: DocumentSpec) -> dict[str, Any]:
    """invalid_function_code: 2210201 printed with a digit missing (221020), under a 款 with one 项."""
    table = find_table(tables, TableKind.EXPENDITURE_BY_FUNCTION.value)
    row = next(r for r in table.rows if r.truths and r.truths[0]["code"] == "2210201")
    row.truths[0]["code"] = "221020"
    row.cells[row.cells.index("2210201")] = "221020"
    return {"kind": "invalid_function_code", "table": table.kind, "code": "221020",
            "detail": "住房公积金 printed as 221020 (6 digits) instead of 2210201"}


TABLE_DEFECTS = {
    "parent_not_sum_of_children": inflate_a_parent,
    "unit_mislabelled": mislabel_units,
    "invalid_function_code": mistype_a_code,
}

# ------------------------------------------------------------------ file defects


def truncate(path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 11 // 20])
    return {"kind": "truncated_pdf", "table": None, "code": None,
            "detail": f"file cut after {len(data) * 11 // 20} of {len(data)} bytes (no xref, no %%EOF)"}


def empty(path: Path) -> dict[str, Any]:
    path.write_bytes(b"")
    return {"kind": "zero_byte", "table": None, "code": None, "detail": "the portal serves an empty file"}


def scan(path: Path) -> dict[str, Any]:
    """Replace the PDF by page images only, as a scanner would produce."""
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="cb-scan-") as tmp:
        subprocess.run(["pdftoppm", "-r", "72", "-gray", "-jpeg", "-jpegopt", "quality=55", str(path),
                        f"{tmp}/page"], check=True, capture_output=True)
        images = [Image.open(p).convert("L") for p in sorted(Path(tmp).glob("page*.jpg"))]
        buffer = io.BytesIO()
        fixed = time.gmtime(1704067200)  # 2024-01-01 UTC: reproducible bytes
        images[0].save(buffer, "PDF", resolution=72.0, save_all=True, append_images=images[1:],
                       creationDate=fixed, modDate=fixed, title=path.stem)
    path.write_bytes(buffer.getvalue())
    return {"kind": "no_text_layer", "table": None, "code": None,
            "detail": f"{len(images)} scanned page images, no text layer"}


FILE_DEFECTS = {"truncated_pdf": truncate, "zero_byte": empty, "no_text_layer": scan}

# ------------------------------------------------------------------ rendering


def render_pdf(spec: DocumentSpec, tables: list[PrintedTable], paragraphs: list[Paragraph],
               out_dir: Path, work: Path) -> tuple[Path, int]:
    budget = spec.budget
    workbook = out_dir / "sources" / f"{budget.id}.xlsx"
    plans = render.write_workbook(tables, workbook, budget.department)
    tables_pdf = render.soffice_to_pdf(workbook, work / "tables")
    planned = sum(p.n_pages for p in plans)
    actual = render.pdf_page_count(tables_pdf)
    if actual != planned:
        raise render.RenderError(f"{budget.id}: LibreOffice made {actual} table pages, planned {planned}")
    parts, offset = [], 0
    if paragraphs:
        narrative_docx = out_dir / "sources" / f"{budget.id}-narrative.docx"
        render.write_docx(narrative_docx, paragraphs)
        narrative_pdf = render.soffice_to_pdf(narrative_docx, work / "narrative")
        parts.append(narrative_pdf)
        offset = render.pdf_page_count(narrative_pdf)
    parts.append(tables_pdf)
    start = offset
    for table, plan in zip(tables, plans):
        for row in table.rows:
            for truth in row.truths:
                truth["page"] += start
        start += plan.n_pages
    target = out_dir / "documents" / f"{budget.id}.pdf"
    render.merge_pdfs(parts, target)
    if paragraphs:
        render.locate_claims(target, paragraphs)
    return target, render.pdf_page_count(target)


def render_xlsx(spec: DocumentSpec, tables: list[PrintedTable], out_dir: Path) -> tuple[Path, int]:
    """An XLSX attachment: the page of a row is the 1-based number of its sheet."""
    target = out_dir / "documents" / f"{spec.budget.id}.xlsx"
    render.write_workbook(tables, target, spec.budget.department, numeric=True)
    for sheet, table in enumerate(tables, start=1):
        for row in table.rows:
            for truth in row.truths:
                truth["page"] = sheet
    return target, len(tables)


def render_docx(spec: DocumentSpec, tables: list[PrintedTable], paragraphs: list[Paragraph],
                out_dir: Path) -> tuple[Path, int | None]:
    """A DOCX attachment has no fixed pages: pages in its ground truth are null."""
    target = out_dir / "documents" / f"{spec.budget.id}.docx"
    render.write_docx(target, paragraphs, tables)
    return target, None


# ------------------------------------------------------------------ truth and catalogue


def ground_truth(spec: DocumentSpec, path: Path, out_dir: Path, n_pages: int | None,
                 tables: list[PrintedTable], paragraphs: list[Paragraph],
                 defects: list[dict[str, Any]]) -> dict[str, Any]:
    budget = spec.budget
    return {
        "schema_version": SCHEMA_VERSION,
        "id": budget.id,
        "source": path.relative_to(out_dir).as_posix(),
        "sha256": sha256_of(path),
        "format": spec.format,
        "status": "ok",
        "error": None,
        "unit_name": budget.department,
        "region_code": budget.region_code,
        "fiscal_year": budget.fiscal_year,
        "doc_type": budget.doc_type,
        "currency_unit": budget.currency,
        "n_pages": n_pages,
        "tables": [t.truth() for t in tables],
        "claims": [c for p in paragraphs for c in p.claims],
        "warnings": [],
        "layouts": spec.layouts,
        "defects": defects,
        "figures_from": budget.source_note,
    }


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def catalogue_entry(spec: DocumentSpec, path: Path, out_dir: Path, has_truth: bool) -> dict[str, Any]:
    budget = spec.budget
    return {
        "id": budget.id,
        "file": path.relative_to(out_dir).as_posix(),
        "format": spec.format,
        "unit_name": budget.department,
        "region_code": budget.region_code,
        "province": budget.province,
        "fiscal_year": budget.fiscal_year,
        "doc_type": budget.doc_type,
        "layouts": spec.layouts,
        "defects": spec.defects,
        "ground_truth": f"ground_truth/{budget.id}.json" if has_truth else None,
        "sha256": sha256_of(path),
        "postings": [{"portal": p.portal, "title": p.title, "publish_date": p.publish_date.isoformat()}
                     for p in spec.postings],
    }


def build_document(spec: DocumentSpec, out_dir: Path, work: Path) -> dict[str, Any]:
    budget = spec.budget
    budget.validate()
    tables = standard_tables(budget, spec.layout)
    defects = [TABLE_DEFECTS[k](tables, spec) for k in spec.defects if k in TABLE_DEFECTS]
    paragraphs = narrative(budget) if spec.narrative else []
    if spec.format == "pdf":
        path, n_pages = render_pdf(spec, tables, paragraphs, out_dir, work)
    elif spec.format == "xlsx":
        path, n_pages = render_xlsx(spec, tables, out_dir)
    else:
        path, n_pages = render_docx(spec, tables, paragraphs, out_dir)
    defects += [FILE_DEFECTS[k](path) for k in spec.defects if k in FILE_DEFECTS]
    if "duplicate_posting" in spec.defects:
        defects.append({"kind": "duplicate_posting", "table": None, "code": None,
                        "detail": f"posted {len(spec.postings)} times: " + "; ".join(p.title for p in spec.postings)})
    has_truth = not UNPARSEABLE_DEFECTS.intersection(spec.defects)
    if has_truth:
        truth = ground_truth(spec, path, out_dir, n_pages, tables, paragraphs, defects)
        target = out_dir / "ground_truth" / f"{budget.id}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    entry = catalogue_entry(spec, path, out_dir, has_truth)
    entry["defect_details"] = defects
    return entry


CATALOGUE_HEADER = """\
# The countybudget corpus: generated disclosures with ground truth.
# Written by `countybudget corpus build` (countybudget/corpus/); see docs/corpus.md.
# Shape: docs/contracts.md §3. Do not edit by hand: change specs.py and rebuild.
"""


def build_corpus(out_dir: Path, only: list[str] | None = None) -> list[dict[str, Any]]:
    """Render every document (or only the given ids) and write their catalogue entries."""
    out_dir = out_dir.resolve()
    specs = [s for s in all_documents() if not only or s.budget.id in only]
    entries = []
    with tempfile.TemporaryDirectory(prefix="cb-corpus-") as tmp:
        for spec in specs:
            log.info("building %s", spec.budget.id)
            work = Path(tmp) / spec.budget.id
            entries.append(build_document(spec, out_dir, work))
            shutil.rmtree(work, ignore_errors=True)
    # the .xls / .doc twins of the Office documents (testkit/corpus/legacy.py)
    build_legacy_twins(out_dir, [out_dir / e["file"] for e in entries])
    catalogue = out_dir / "catalogue.yml"
    documents = [{k: v for k, v in e.items() if k != "defect_details"} for e in entries]
    if only and catalogue.exists():  # keep the other entries, in their order
        rebuilt = {e["id"]: e for e in documents}
        existing = yaml.safe_load(catalogue.read_text(encoding="utf-8"))["documents"]
        documents = [rebuilt.pop(e["id"], e) for e in existing] + list(rebuilt.values())
    catalogue.write_text(CATALOGUE_HEADER + yaml.safe_dump({"documents": documents}, allow_unicode=True,
                                                           sort_keys=False, width=120), encoding="utf-8")
    return entries
