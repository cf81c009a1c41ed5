"""A document's raw files are committed as a set (issue 17, fault 3).

A real process writing one real parse record to the raw layer is killed with
SIGKILL before each of its file-system steps in turn; after every kill the
planner must either parse the document again or find exactly the complete,
new set of its files. Never a document marked parsed with amounts missing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from countybudget import paths
from orchestration import pipeline
from parsers.document import parse_document
from parsers.lake import write_record
from scrapers import manifest
from testkit import CORPUS_DIR

DOCUMENT = CORPUS_DIR / "documents" / "pingxiang-govoffice-2024-budget.pdf"
WRITE = "import json, sys; from parsers.lake import write_record; write_record(json.load(open(sys.argv[1])))"
# steps of one write: remove the marker; per file: write aside, rename. A kill at
# N_STEPS comes right after the last one (the write is complete).
N_STEPS = 1 + 2 * len(paths.RAW_TABLES)


@pytest.fixture(scope="module")
def parsed() -> dict:
    record = parse_document(DOCUMENT)
    assert record["status"] == "ok" and record["tables"]
    return record


def _land(sha256: str) -> None:
    """One manifest row naming the document, as the crawler writes it."""
    with manifest.ManifestWriter("crawl-test", "pingxiang") as writer:
        writer.append({
            "run_id": "crawl-test", "attempt_id": manifest.new_attempt_id(), "portal_id": "pingxiang",
            "url": "http://127.0.0.1/P0201.pdf", "detail_url": "http://127.0.0.1/t.html", "title": "预算",
            "publish_date": date(2024, 2, 5), "fiscal_year": 2024, "doc_type": "budget", "unit_name": None,
            "fetched_at": datetime.now(timezone.utc), "http_status": 200, "outcome": "new", "error": None,
            "etag": None, "last_modified": None, "size_bytes": DOCUMENT.stat().st_size, "detected_type": "pdf",
            "sha256": sha256, "landing_path": str(DOCUMENT),
        })


def _write_killed_at(record: dict, step: int | None, tmp: Path) -> int:
    source = tmp / "record.json"
    source.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "COUNTYBUDGET_TEST_KILL_AT_RAW_STEP": str(step)} if step is not None else dict(os.environ)
    return subprocess.run([sys.executable, "-c", WRITE, str(source)], env=env, timeout=120).returncode


def _amount_rows(sha256: str) -> int:
    path = paths.raw_table_file("amounts", sha256)
    return pq.read_metadata(path).num_rows if path.exists() else -1


def _planned(sha256: str) -> bool:
    return sha256 in {d["sha256"] for d in pipeline.documents_to_parse()}


@pytest.mark.parametrize("step", range(N_STEPS + 1))
def test_a_first_parse_killed_at_any_step_is_parsed_again(lake: Path, parsed: dict, step: int, tmp_path: Path) -> None:
    sha = parsed["sha256"]
    _land(sha)

    code = _write_killed_at(parsed, step, tmp_path)

    assert code == -9, "the writer was not killed at this step"
    if step < N_STEPS:
        assert _planned(sha), f"killed before step {step}: the document is not parsed again"
    else:
        assert not _planned(sha)
        assert _amount_rows(sha) > 0


@pytest.mark.parametrize("step", range(N_STEPS + 1))
def test_a_reparse_killed_at_any_step_never_leaves_a_mixed_set_marked_parsed(
    lake: Path, parsed: dict, step: int, tmp_path: Path
) -> None:
    """Re-parsing with the same parser version (``--reparse``) over a complete older parse."""
    sha = parsed["sha256"]
    _land(sha)
    older = {**parsed, "tables": parsed["tables"][:1], "claims": [], "warnings": ["older parse"]}
    write_record(older)
    old_rows = _amount_rows(sha)
    assert not _planned(sha)

    code = _write_killed_at(parsed, step, tmp_path)

    new_rows = sum(1 for t in parsed["tables"] if t.get("kind") != "performance_targets"
                   for r in t.get("rows") or [] for v in (r.get("amounts") or {}).values() if v is not None)
    assert new_rows != old_rows
    assert code == -9, "the writer was not killed at this step"
    if 0 < step < N_STEPS:
        assert _planned(sha), f"killed before step {step}: a half-replaced document counts as parsed"
    if not _planned(sha):  # counted as parsed: then all its files are of one parse, the old or the new
        (doc,) = pq.read_table(paths.raw_table_file("documents", sha)).to_pylist()
        warnings = pq.read_table(paths.raw_table_file("warnings", sha)).to_pylist()
        state = (doc["n_tables"], _amount_rows(sha), [w["message"] for w in warnings][:1] == ["older parse"])
        assert state in ((1, old_rows, True), (len(parsed["tables"]), new_rows, False)), state
    if step == N_STEPS:
        assert not _planned(sha) and _amount_rows(sha) == new_rows
