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
class QualityResult(StageResult):
    """One checkpoint run. Quarantining documents is the gate working, not a failure;
    ``error`` is set when expectations crashed, since that leaves documents unchecked."""

    run_id: str
    documents_checked: int
    documents_passed: int
    documents_quarantined: int
    quarantined: tuple[QuarantinedDocument, ...]
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
            warning_messages=tuple(outcome.get("warning_messages") or ()),
            suites_skipped=tuple(outcome.get("suites_skipped") or ()),
        )
        return cls(**values)
