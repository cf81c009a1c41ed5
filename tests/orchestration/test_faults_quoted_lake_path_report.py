"""A lake whose path contains a quote (issue 17, "also"): the run report and
the parse planner bind the path as a parameter instead of pasting it into SQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration import pipeline, report
from parsers.document import parse_document
from parsers.lake import write_record
from testkit import CORPUS_DIR

DOCUMENT = CORPUS_DIR / "documents" / "pingxiang-govoffice-2024-budget.pdf"


@pytest.mark.parametrize("name", ["o'brien's lake", "data'); drop table x; --", 'double " quote'])
def test_the_report_and_the_planner_read_a_lake_under_a_quoted_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    data = tmp_path / name / "data"
    data.mkdir(parents=True)
    monkeypatch.setenv("COUNTYBUDGET_DATA", str(data))
    monkeypatch.delenv("COUNTYBUDGET_WAREHOUSE", raising=False)
    record = parse_document(DOCUMENT)
    write_record(record)

    documents = report.raw_documents()
    versions = pipeline.parsed_versions()

    assert set(documents) == {record["sha256"]}
    assert documents[record["sha256"]]["status"] == "ok"
    assert set(versions) == {record["sha256"]}
