"""One document → one parse-output record (docs/contracts.md §4, docs/parse-output.md).

``parse_document`` sniffs the real type, runs the format's reader, interprets
each table grid, then adds metadata, narrative claims and warnings. It never
raises: whatever goes wrong becomes ``status: "error"`` with a reason a person
can act on, so one bad file never stops a batch.
"""

from __future__ import annotations

import hashlib
import logging
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from parsers.version import SCHEMA_VERSION
from parsers.model import ReadResult

log = logging.getLogger(__name__)

Reader = Callable[[Path], ReadResult]

# Why a file of this sniffed type is not parsed.
_UNREADABLE_TYPES: dict[str, str] = {
    "empty": "zero-byte file: nothing to parse",
    "html": "not a budget document file: an HTML page (often a portal page saved under a .pdf name)",
    "encrypted": "encrypted (password-protected) Office document",
    "unknown": "unrecognised file type: not a PDF, DOCX, XLSX, DOC or XLS",
}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def empty_record(source: str, sha256: str | None, fmt: str | None) -> dict[str, Any]:
    """A record with every contract field present and nothing found yet."""
    return {
        "schema_version": SCHEMA_VERSION,
        "source": source,
        "sha256": sha256,
        "format": fmt,
        "status": "ok",
        "error": None,
        "unit_name": None,
        "fiscal_year": None,
        "doc_type": None,
        "currency_unit": None,
        "n_pages": None,
        "tables": [],
        "claims": [],
        "warnings": [],
    }


def error_record(source: str, sha256: str | None, fmt: str | None, reason: str) -> dict[str, Any]:
    record = empty_record(source, sha256, fmt)
    record.update(status="error", error=reason)
    return record


def parse_document(path: str | Path, sha256: str | None = None) -> dict[str, Any]:
    """Parse one file into its contract record; never raises (see module docstring)."""
    path = Path(path)
    source = str(path)
    try:
        sha256 = sha256 or file_sha256(path)
    except OSError as exc:
        return error_record(source, sha256, None, f"cannot read file: {exc.strerror or exc}")
    fmt: str | None = None
    try:
        from countybudget.sniff import sniff_file

        fmt = sniff_file(path)
        if fmt in _UNREADABLE_TYPES:
            shown = "html" if fmt == "html" else None
            return error_record(source, sha256, shown, _UNREADABLE_TYPES[fmt])
        result = _reader_for(fmt)(path)
        if fmt == "pdf" and not result.n_pages:
            # pdfminer walks a page tree that loops (Kids pointing back at an ancestor) to no page at all
            return error_record(source, sha256, fmt, "corrupt PDF: its page tree yields no page "
                                "(empty, or it loops back on itself)")
    except MemoryError:
        return error_record(source, sha256, fmt, "ran out of memory while reading the document")
    except Exception as exc:  # a reader failing on hostile input is an outcome, not a crash
        log.debug("reader failed on %s", source, exc_info=True)
        return error_record(source, sha256, fmt, describe_read_error(fmt, exc))
    return assemble_record(source, sha256, fmt, result)


def _reader_for(fmt: str) -> Reader:
    if fmt == "pdf":
        from parsers.pdf import read_pdf

        return read_pdf
    if fmt == "docx":
        from parsers.docx import read_docx

        return read_docx
    if fmt == "xlsx":
        from parsers.xlsx import read_xlsx

        return read_xlsx
    if fmt == "xls":  # legacy Excel: xlrd, through the XLSX row logic
        from parsers.xls import read_xls

        return read_xls
    if fmt == "doc":  # legacy Word: LibreOffice to .docx, then the DOCX reader
        from parsers.doc import read_doc

        return read_doc
    raise ValueError(f"no reader for {fmt!r}")


def describe_read_error(fmt: str | None, exc: BaseException) -> str:
    """A reason a person can act on, from whatever the reader raised (wrappers
    such as pdfplumber's PdfminerException are looked through)."""
    chain = _exception_chain(exc)
    names = " ".join(type(e).__name__ for e in chain)
    text = " | ".join(dict.fromkeys(str(e).strip() for e in chain if str(e).strip())) or names
    lowered = f"{names} {text}".lower()
    if "password" in lowered or "encrypt" in lowered:
        return f"encrypted {fmt or 'document'}: cannot be opened without its password ({names})"
    if "allocate" in lowered or "memoryerror" in lowered:
        return f"ran out of memory while reading the {fmt or 'document'} (per-document memory limit): {text}"
    if fmt == "pdf" and any(m in lowered for m in ("pdfsyntax", "no /root", "pseof", "unexpected eof", "pdfnovalidxref",
                                                     "xref", "trailer", "startxref")):
        return f"corrupt or truncated PDF: {text} ({names})"
    if fmt in ("docx", "xlsx") and any(isinstance(e, (zipfile.BadZipFile, KeyError, EOFError)) for e in chain):
        return f"corrupt or truncated {fmt.upper()} (broken ZIP container): {text}"
    return f"cannot read {fmt or 'file'}: {names}: {text}"[:500]


def _exception_chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain and len(chain) < 5:
        chain.append(current)
        wrapped = current.args[0] if current.args and isinstance(current.args[0], BaseException) else None
        current = wrapped or current.__cause__ or current.__context__
    return chain


def assemble_record(source: str, sha256: str, fmt: str, result: ReadResult) -> dict[str, Any]:
    """Interpret every grid and add metadata, claims and warnings."""
    from parsers.claims import extract_claims
    from parsers.conservation import add_conservation_warnings
    from parsers.metadata import extract_metadata
    from parsers.tables import interpret_grid
    from parsers.units import infer_units

    record = empty_record(source, sha256, fmt)
    record["n_pages"] = result.n_pages
    warnings = list(result.warnings)
    if result.needs_ocr:
        record.update(status="needs_ocr", error="no text layer (a scanned document): OCR is needed to read it")
        record["warnings"] = warnings
        return record
    tables: list[dict[str, Any]] = []
    for index, grid in enumerate(result.grids):
        try:
            table = interpret_grid(grid)
        except Exception as exc:  # one odd table must not lose the rest of the document
            warnings.append(f"table {index} (title {grid.title!r}, pages {sorted(set(grid.row_pages))}): "
                            f"could not be interpreted: {type(exc).__name__}: {exc}")
            table = _raw_table(grid)
        try:
            add_conservation_warnings(grid, table)  # every printed amount in a row, or named
        except Exception as exc:
            table.setdefault("warnings", []).append(f"amount conservation could not be checked: {type(exc).__name__}: {exc}")
        if grid.confidences is not None:  # read by OCR: how sure of each figure, and what its identities corrected
            from parsers.ocr_cells import annotate_table, distrust_table

            try:
                annotate_table(grid, table)
            except Exception as exc:  # unchecked OCR figures must not publish as sure ones
                distrust_table(table, f"OCR confidence could not be attached: {type(exc).__name__}: {exc}")
        tables.append(table)
    infer_units(tables)  # a table without its own 单位： line takes the document's unit, marked inferred
    record["tables"] = tables
    record.update(extract_metadata(result.page_texts, [t.get("unit") for t in tables]))
    if not classify_record(record, result.page_texts):  # not a disclosure: nothing more to read
        record["warnings"] = [*warnings, *record["warnings"]]
        return record
    try:
        record["claims"] = extract_claims(result.page_texts)
        from parsers.claim_figures import resolve_claims

        resolve_claims(record)  # what each claim names, and where the tables print it
    except Exception as exc:
        warnings.append(f"claims could not be extracted: {type(exc).__name__}: {exc}")
    try:
        from parsers.disclosure import assess

        record["disclosure"] = assess(record, result.page_texts)  # the template items it disclosed
    except Exception as exc:
        warnings.append(f"disclosure items could not be assessed: {type(exc).__name__}: {exc}")
    if not tables:
        warnings.append("no tables found")
    record["warnings"] = warnings
    return record


def classify_record(record: dict[str, Any], page_texts: list[str]) -> bool:
    """Classify the record from its page texts (whoever produced them: a text layer,
    Office cells, OCR) and the tables read (parsers/classification.py). A disclosure
    keeps its reading, with its doc_type where the metadata found none; anything else
    becomes ``not_budget`` with the reason, and its tables are not kept: it is no
    disclosure, so nothing of it may reach the warehouse as one. Returns whether the
    document is a disclosure."""
    from parsers.classification import classify

    tables = record["tables"]
    verdict = classify(page_texts, [t.get("kind") for t in tables], record.get("doc_type"))
    if verdict.is_disclosure:
        record["doc_type"] = record.get("doc_type") or verdict.kind
        return True
    record.update(status="not_budget", error=verdict.reason, doc_type=None, tables=[], claims=[])
    record.pop("disclosure", None)
    if tables:
        record["warnings"] = [f"{len(tables)} tables read and not kept: not a budget disclosure"]
    return False


def _raw_table(grid) -> dict[str, Any]:
    """An ``unknown`` table keeping the raw cells, for a grid that failed interpretation."""
    return {
        "kind": "unknown",
        "title": grid.title,
        "unit": None,
        "pages": sorted(set(grid.row_pages)),
        "columns": [],
        "cells": [list(r) for r in grid.cells],
        "note": None,
    }
