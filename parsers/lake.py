"""Parse records → the raw layer: one Parquet file per document per raw table
(docs/contracts.md §5: schemas from ``countybudget.contracts``, paths from
``countybudget.paths``).

Every parse writes all six files of the document, empty ones included, and
each replaces the previous file atomically (write aside, then rename), so
re-parsing a document replaces its rows and never duplicates them, and a
reader never sees half a file.

The ``documents`` file is the document's commit marker: a parse first removes
it, then writes the other four, and writes it last. A crash at any point
(kill -9 between two files) leaves the document without a marker, so planning
(``countybudget.contracts.complete_documents``) parses it again; a marker only ever stands beside the
complete set of files it was written with. Amounts stay decimal strings as printed; dbt
staging casts them to DECIMAL(18,2).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from countybudget import paths
from countybudget.contracts import (
    CLAIM_RESOLUTION_COLUMNS,
    RAW_COMMIT_MARKER,
    RAW_SCHEMAS,
    SOURCE_OCR,
    SOURCE_TEXT_LAYER,
)
from countybudget.results import StageResult
from countybudget.table_kinds import TableKind
from parsers.version import PARSER_VERSION

@dataclass(frozen=True, kw_only=True)
class ParseResult(StageResult):
    """One document parsed into the lake: its parse ``status`` (``countybudget.contracts.PARSE_STATUSES``: ok | needs_ocr | not_budget | error),
    ``error`` the reason it did not parse, and the raw rows written."""

    sha256: str
    source: str
    status: str
    n_tables: int
    n_amounts: int
    n_targets: int
    n_claims: int
    n_warnings: int
    seconds: float


def parse_to_lake(path: str | Path, sha256: str | None = None) -> ParseResult:
    """Parse one file (isolated, within the per-document limits) and write its
    raw rows (docs/contracts.md §7)."""
    from parsers.safety import parse_document_safely

    started = time.perf_counter()
    record = parse_document_safely(path, sha256=sha256)
    counts = write_record(record)
    return ParseResult(
        sha256=record["sha256"],
        source=record["source"],
        status=record["status"],
        # ok exactly when the document parsed; otherwise always a reason
        error=None if record["status"] == "ok" else (record["error"] or f"status {record['status']}"),
        n_tables=len(record["tables"]),
        # n_tables is the record's own count (the raw tables table has one row per table too)
        **{f"n_{table}": n for table, n in counts.items() if table not in ("documents", "tables")},
        seconds=round(time.perf_counter() - started, 3),
    )


def write_record(record: dict[str, Any], parsed_at: datetime | None = None) -> dict[str, int]:
    """Write (replace) the raw files of one parse record (one per raw table); returns row counts."""
    sha256 = record.get("sha256")
    if not sha256:
        raise ValueError(f"cannot write {record.get('source')!r} to the lake: it has no sha256 (unreadable file)")
    rows = record_rows(record, parsed_at or datetime.now(timezone.utc))
    marker = paths.raw_table_file(RAW_COMMIT_MARKER, sha256)
    _crash_point("invalidate")
    marker.unlink(missing_ok=True)  # from here until the last step, the document counts as unparsed
    for table in (t for t in paths.RAW_TABLES if t != RAW_COMMIT_MARKER):
        _write_atomically(pa.Table.from_pylist(rows[table], schema=RAW_SCHEMAS[table]), paths.raw_table_file(table, sha256))
    _write_atomically(pa.Table.from_pylist(rows[RAW_COMMIT_MARKER], schema=RAW_SCHEMAS[RAW_COMMIT_MARKER]), marker)
    _crash_point("committed")
    return {table: len(table_rows) for table, table_rows in rows.items()}


# Fault injection for the crash tests (tests/parsers/test_faults_raw_commit.py): with
# COUNTYBUDGET_TEST_KILL_AT_RAW_STEP=k, the process SIGKILLs itself before its k-th
# file-system step of a write (0 = removing the marker, then per file: temp written,
# renamed). Unset (always, outside those tests) it costs one dictionary lookup.
_KILL_AT_ENV = "COUNTYBUDGET_TEST_KILL_AT_RAW_STEP"
_steps_taken = 0


def _crash_point(_step: str) -> None:
    global _steps_taken
    kill_at = os.environ.get(_KILL_AT_ENV)
    if kill_at is not None and int(kill_at) == _steps_taken:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)
    _steps_taken += 1


def record_rows(record: dict[str, Any], parsed_at: datetime) -> dict[str, list[dict[str, Any]]]:
    """The rows of each raw table for one parse record."""
    sha256 = record["sha256"]
    amounts: list[dict[str, Any]] = []
    targets: list[dict[str, Any]] = []
    for table_index, table in enumerate(record.get("tables") or []):
        if table.get("kind") == TableKind.PERFORMANCE_TARGETS.value:
            targets.extend(_target_rows(sha256, table_index, table))
        else:
            amounts.extend(_amount_rows(sha256, table_index, table))
    source_claims = record.get("claims") or []
    if source_claims and not any("verdict" in c for c in source_claims):
        # a record made elsewhere (ground truth, an older parse): say what its claims name and their verdict
        from parsers.claim_figures import resolve_claims

        source_claims = resolve_claims({**record, "claims": [dict(c) for c in source_claims]})
    claims = [
        {
            "sha256": sha256, "claim_index": i, "page": c.get("page"), "subject": c.get("subject"),
            "amount": c.get("amount"), "unit": c.get("unit"), "share": c.get("share"), "change": c.get("change"),
            "change_direction": c.get("change_direction"), "text": c.get("text"),
            **{key: c.get(key) for key in CLAIM_RESOLUTION_COLUMNS},
        }
        for i, c in enumerate(source_claims)
    ]
    warnings = [{"sha256": sha256, "warning_index": i, "message": w, "table_index": None}
                for i, w in enumerate(record.get("warnings") or [])]
    for table_index, table in enumerate(record.get("tables") or []):
        warnings.extend(
            {"sha256": sha256, "warning_index": len(warnings), "message": w, "table_index": table_index}
            for w in table.get("warnings") or []
        )
    document = {
        "sha256": sha256, "source_path": record.get("source"), "format": record.get("format"),
        "status": record.get("status"), "error": record.get("error"), "unit_name": record.get("unit_name"),
        "fiscal_year": record.get("fiscal_year"), "doc_type": record.get("doc_type"),
        "currency_unit": record.get("currency_unit"), "n_pages": record.get("n_pages"),
        "n_tables": len(record.get("tables") or []), "parser_version": PARSER_VERSION, "parsed_at": parsed_at,
        "disclosure": _disclosure_json(record),
    }
    tables = [_table_row(sha256, table_index, table) for table_index, table in enumerate(record.get("tables") or [])]
    return {"documents": [document], "amounts": amounts, "targets": targets, "claims": claims, "warnings": warnings,
            "tables": tables}


def _table_row(sha256: str, table_index: int, table: dict[str, Any]) -> dict[str, Any]:
    """The table itself (docs/contracts.md §5 ``tables``): one row even when it prints no figure."""
    return {
        "sha256": sha256, "table_index": table_index, "table_kind": table.get("kind"), "title": table.get("title"),
        "unit": table.get("unit"), "unit_source": table.get("unit_source"),
        "pages": json.dumps(list(table.get("pages") or [])),
        "columns": json.dumps(list(table.get("columns") or []), ensure_ascii=False),
        "n_rows": len(table.get("rows") or table.get("cells") or []), "note": table.get("note"),
    }


def _disclosure_json(record: dict[str, Any]) -> str | None:
    """The record's disclosure items as JSON; a record made elsewhere (ground truth)
    is assessed from its tables alone (explanations unknown)."""
    if record.get("status") != "ok":
        return None
    items = record.get("disclosure")
    if items is None:
        from parsers.disclosure import assess

        items = assess(record, None)
    return json.dumps(items, ensure_ascii=False, sort_keys=True)


def _amount_rows(sha256: str, table_index: int, table: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per printed (non-blank) amount cell; blank cells carry no figure."""
    out: list[dict[str, Any]] = []
    for row_index, row in enumerate(table.get("rows") or []):
        for column_key, amount in (row.get("amounts") or {}).items():
            if amount is None:
                continue
            out.append(
                {
                    "sha256": sha256, "table_index": table_index, "table_kind": table.get("kind"),
                    "table_title": table.get("title"), "unit": table.get("unit"),
                    "page": (row.get("amount_pages") or {}).get(column_key, row.get("page")),
                    "row_index": row_index, "code": row.get("code"), "name": row.get("name"),
                    "item": row.get("item"), "side": row.get("side"), "column_key": column_key,
                    "amount": str(amount),
                    "row_role": row.get("role"), "row_level": row.get("level"),
                    "code_source": row.get("code_source"), "unit_code": row.get("unit_code"),
                    "other_codes": json.dumps(row["other_codes"], ensure_ascii=False, sort_keys=True)
                    if row.get("other_codes") else None,
                    **_reading(row, column_key),
                }
            )
    return out


def _reading(row: dict[str, Any], column_key: str) -> dict[str, Any]:
    """How the figure was read: OCR where the row has its confidence (parsers/ocr_cells.py)."""
    confidence = (row.get("confidence") or {}).get(column_key)
    if confidence is None:
        return {"source": SOURCE_TEXT_LAYER, "confidence": None}
    return {"source": SOURCE_OCR, "confidence": float(confidence)}


def _target_rows(sha256: str, table_index: int, table: dict[str, Any]) -> list[dict[str, Any]]:
    keys = ("project_code", "project_name", "level1", "level2", "level3", "target")
    return [
        {"sha256": sha256, "table_index": table_index, "page": row.get("page"), "row_index": row_index,
         **{k: row.get(k) for k in keys},
         "project_funds": json.dumps(row["project_funds"], ensure_ascii=False) if row.get("project_funds") else None,
         "project_funds_unit": row.get("project_funds_unit")}
        for row_index, row in enumerate(table.get("rows") or [])
    ]


def _write_atomically(table: pa.Table, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    _crash_point(f"write {target}")
    pq.write_table(table, temporary)
    _crash_point(f"rename {target}")
    os.replace(temporary, target)
