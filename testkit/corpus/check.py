"""Check the committed corpus against its own ground truth.

Uses only the committed files and pure-Python readers (pdfplumber,
python-docx, openpyxl), never the generator's tools, so tests can run it:

- every clean document's ground truth satisfies every identity;
- every table-defect document violates exactly the identity its defect names;
- file defects are what they claim (empty, truncated, no text layer, posted twice);
- every document opens with its reader, and in PDFs each ground-truth row's
  code (or name) is printed on the page the ground truth gives.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from countybudget import identities
from testkit import CORPUS_DIR

UNPARSEABLE = frozenset({"truncated_pdf", "zero_byte", "no_text_layer"})


@dataclass
class DocumentReport:
    id: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def load_catalogue(corpus_dir: Path = CORPUS_DIR) -> list[dict[str, Any]]:
    data = yaml.safe_load((corpus_dir / "catalogue.yml").read_text(encoding="utf-8"))
    return list(data["documents"])


def load_truth(entry: dict[str, Any], corpus_dir: Path = CORPUS_DIR) -> dict[str, Any] | None:
    if not entry.get("ground_truth"):
        return None
    return json.loads((corpus_dir / entry["ground_truth"]).read_text(encoding="utf-8"))


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_page_texts(path: Path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [compact(page.extract_text() or "") for page in pdf.pages]


def row_marker(row: dict[str, Any], narrow: bool) -> str:
    """Text that must be on the row's page: its code, else the start of its name.

    Narrow tables wrap codes after four characters and names after two, so
    only that much is expected to be contiguous in their text layer.
    """
    code_len, name_len = (4, 2) if narrow else (7, 4)
    if row.get("code"):
        return str(row["code"])[:code_len]
    if row.get("project_code"):
        return compact(str(row["level3"]))[:name_len]
    return compact(str(row.get("name") or ""))[:name_len]


def check_pages(path: Path, truth: dict[str, Any]) -> list[str]:
    pages = pdf_page_texts(path)
    problems = []
    if truth.get("n_pages") != len(pages):
        problems.append(f"n_pages {truth.get('n_pages')} but the PDF has {len(pages)}")
    narrow = "narrow_wrapped" in truth.get("layouts", [])
    for t_index, table in enumerate(truth["tables"]):
        row_pages = [r.get("page") or 0 for r in table["rows"]]
        if row_pages != sorted(row_pages):
            problems.append(f"table {t_index} ({table['kind']}): row pages go backwards {row_pages}")
        if table["rows"] and table["pages"] != sorted(set(row_pages)):
            problems.append(f"table {t_index} ({table['kind']}): pages {table['pages']} != its rows' pages")
        for row in table["rows"]:
            marker, page = row_marker(row, narrow), row.get("page")
            if not marker:
                continue
            if page is None or not 1 <= page <= len(pages) or marker not in pages[page - 1]:
                problems.append(f"table {t_index} ({table['kind']}): {marker!r} not printed on page {page}")
    for claim in truth.get("claims", []):
        page = claim.get("page")
        head = compact(claim["text"])[:6]
        if page is None or not 1 <= page <= len(pages) or head not in pages[page - 1]:
            problems.append(f"claim {claim['text']!r} not on page {page}")
    return problems


def check_opens(path: Path, fmt: str) -> list[str]:
    """The document opens with the reader the parsers use."""
    try:
        if fmt == "pdf":
            import pdfplumber

            with pdfplumber.open(path) as pdf:
                if not pdf.pages:
                    return ["PDF has no pages"]
        elif fmt == "docx":
            import docx

            if not docx.Document(str(path)).tables:
                return ["DOCX has no tables"]
        elif fmt == "xlsx":
            import openpyxl

            wb = openpyxl.load_workbook(path, read_only=True)
            if not wb.sheetnames:
                return ["XLSX has no sheets"]
            wb.close()
    except Exception as exc:  # noqa: BLE001 - any failure to open is the finding
        return [f"does not open as {fmt}: {type(exc).__name__}: {exc}"]
    return []


def check_file_defect(kind: str, path: Path, entry: dict[str, Any]) -> list[str]:
    data = path.read_bytes()
    if kind == "zero_byte":
        return [] if not data else [f"zero_byte file has {len(data)} bytes"]
    if kind == "truncated_pdf":
        if not data.startswith(b"%PDF") or b"%%EOF" in data[-1024:]:
            return ["truncated_pdf is not a PDF cut short"]
        return []
    if kind == "no_text_layer":
        texts = pdf_page_texts(path)
        if not texts or any(texts):
            return ["no_text_layer PDF has a text layer (or no pages)"]
        return []
    if kind == "duplicate_posting":
        return [] if len(entry.get("postings", [])) >= 2 else ["duplicate_posting with fewer than 2 postings"]
    return []


def check_identities(truth: dict[str, Any], defects: list[str]) -> list[str]:
    """The ground truth violates exactly the identities its defects name (``countybudget.identities``)."""
    expected = {identities.DEFECT_IDENTITY[k] for k in defects if k in identities.DEFECT_IDENTITY}
    found = {v.identity for v in identities.check_document(truth)}
    if found != expected:
        return [f"identities violated: {sorted(found)}, expected exactly {sorted(expected)}"]
    return []


def check_entry(entry: dict[str, Any], corpus_dir: Path = CORPUS_DIR) -> DocumentReport:
    report = DocumentReport(entry["id"])
    path = corpus_dir / entry["file"]
    if not path.exists():
        report.problems.append(f"missing file {entry['file']}")
        return report
    if entry.get("sha256") and hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
        report.problems.append("sha256 differs from the catalogue")
    defects = list(entry.get("defects") or [])
    for kind in defects:
        report.problems += check_file_defect(kind, path, entry)
    if UNPARSEABLE.intersection(defects):
        if entry.get("ground_truth"):
            report.problems.append("an unparseable document must have ground_truth: null")
        return report
    report.problems += check_opens(path, entry["format"])
    truth = load_truth(entry, corpus_dir)
    if truth is None:
        report.problems.append("ground truth missing")
        return report
    if sorted(d["kind"] for d in truth.get("defects", [])) != sorted(defects):
        report.problems.append("catalogue and ground-truth defects differ")
    report.problems += check_identities(truth, defects)
    if entry["format"] == "pdf":
        report.problems += check_pages(path, truth)
    return report


def check_corpus(corpus_dir: Path = CORPUS_DIR) -> list[DocumentReport]:
    return [check_entry(entry, corpus_dir) for entry in load_catalogue(corpus_dir)]
