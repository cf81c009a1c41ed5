"""What the quality checkpoint returns (docs/contracts.md §7)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from countybudget.results import StageResult


@dataclass(frozen=True, kw_only=True)
class QuarantinedDocument:
    sha256: str
    document: str  # "unit year doc_type (sha…)", for messages
    reasons: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class QuarantinedTable:
    """A table withheld: a blocking check of its own, or a cross-table check it takes part in, failed."""

    sha256: str
    document: str
    table_index: int
    table_kind: str | None
    reasons: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class QualityResult(StageResult):
    """One checkpoint run. Withholding tables and documents is the gate working, not a failure;
    ``error`` is set when expectations crashed, since that leaves documents unchecked.

    Documents are ``passed`` (every table publishes), ``partial`` (some tables
    withheld, the others publish) or ``quarantined`` (withheld whole)."""

    run_id: str
    documents_checked: int
    documents_passed: int
    documents_partial: int = 0
    documents_quarantined: int
    tables_checked: int = 0
    tables_withheld: int = 0  # the tables of documents withheld whole included
    quarantined: tuple[QuarantinedDocument, ...]
    quarantined_tables: tuple[QuarantinedTable, ...] = ()
    warnings: int
    warning_messages: tuple[str, ...]
    expectations: int
    results_written: int
    errors: tuple[str, ...]  # the expectations that crashed, with their errors
    suites_skipped: tuple[str, ...]
    data_docs: str | None
    code_lists: str
    warehouse: str
    seconds: dict[str, Any]

    @classmethod
    def from_outcome(cls, outcome: Mapping[str, Any]) -> QualityResult:
        """From the checkpoint's summary of a run (the field names are its keys)."""
        values = {f.name: outcome[f.name] for f in fields(cls) if f.name in outcome}
        errors = tuple(outcome.get("errors") or ())
        values.update(
            errors=errors,
            error=f"{len(errors)} expectation(s) crashed: {errors[0]}" if errors else None,
            quarantined=tuple(
                QuarantinedDocument(sha256=q["sha256"], document=q["document"], reasons=tuple(q["reasons"]))
                for q in outcome.get("quarantined") or ()
            ),
            quarantined_tables=tuple(
                QuarantinedTable(sha256=q["sha256"], document=q["document"], table_index=q["table_index"],
                                 table_kind=q["table_kind"], reasons=tuple(q["reasons"]))
                for q in outcome.get("quarantined_tables") or ()
            ),
            warning_messages=tuple(outcome.get("warning_messages") or ()),
            suites_skipped=tuple(outcome.get("suites_skipped") or ()),
        )
        return cls(**values)
