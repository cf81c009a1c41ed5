"""A lake of hand-made documents for the quality tests, each under its own sha256."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from testkit.ground_truth_lake import failed_document, write_raw_document


def sha_of(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


@dataclass
class QualityLake:
    root: Path
    docs: dict[str, dict[str, Any]] = field(default_factory=dict)  # label -> document
    shas: dict[str, str] = field(default_factory=dict)  # label -> sha256

    def add(self, label: str, doc: dict[str, Any]) -> str:
        sha = sha_of(label)
        write_raw_document(doc, sha)
        self.docs[label], self.shas[label] = doc, sha
        return sha


def parse_failure() -> dict[str, Any]:
    entry = {"file": "documents/x.pdf", "format": "pdf", "unit_name": "凤县财政局", "fiscal_year": 2024,
             "doc_type": "budget"}
    return failed_document(entry, "truncated PDF: startxref not found")
