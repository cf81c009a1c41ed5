"""One lake for the whole quality test module: every document a test needs is
written under its own sha256 and the checkpoint runs once over all of them
(GX start-up dominates a run, so one run checks hundreds of documents)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from countybudget.ground_truth_lake import failed_document, write_raw_document
from quality.documents import clean_document, copy_of


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


@pytest.fixture(scope="session")
def quality_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    data = tmp_path_factory.mktemp("quality") / "data"
    data.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COUNTYBUDGET_DATA", str(data))
        mp.delenv("COUNTYBUDGET_WAREHOUSE", raising=False)
        yield data


def parse_failure() -> dict[str, Any]:
    entry = {"file": "documents/x.pdf", "format": "pdf", "unit_name": "凤县财政局", "fiscal_year": 2024,
             "doc_type": "budget"}
    return failed_document(entry, "truncated PDF: startxref not found")


__all__ = ["QualityLake", "clean_document", "copy_of", "parse_failure", "sha_of"]
