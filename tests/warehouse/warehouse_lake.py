"""The warehouse tests' shared lake: what is in it and how it is built.

dbt builds take tens of seconds on the shared machine, so one lake is built
once per session, in the nightly order, and every build test reads it:
an empty first run → the generated scale corpus (and the corpus ground truth,
once the corpus exists) → ``dbt build --exclude marts`` → a quarantine written
as the quality checkpoint would (one document withheld whole, one document's
economic-class table withheld alone), and one document re-parsed with its
unit's name spelled differently → ``dbt build --select +snap_departments marts``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import pytest

from countybudget import paths
from orchestration.warehouse import dbt_build
from testkit import CORPUS_DIR
from testkit.ground_truth_lake import write_raw_document
from testkit.scale_corpus import ScaleDocument, generate_documents, write_scale_corpus

N_DOCUMENTS = 120  # includes a parse failure (every 100th), republications and double postings
SEED = 5
FACT_TABLES = ("fct_expenditure_by_function", "fct_basic_expenditure_by_economic", "fct_income_by_source",
               "fct_three_public_expenses", "fct_project_performance_targets")
CORPUS_CATALOGUE = CORPUS_DIR / "catalogue.yml"


@dataclass
class BuiltLake:
    data: Path
    scale: list[ScaleDocument]
    quarantined: str
    partial: tuple[str, int]  # (sha256, table_index) of the one table withheld alone
    corpus: dict[str, Any] | None  # load_ground_truth() summary, None before the corpus exists
    builds: dict[str, dict]
    renamed: tuple[str, str]  # (department name, the printed spelling a later parse gave it)
    not_budget: str = ""  # sha256 of a file the parser read and classified not a budget disclosure

    @property
    def warehouse(self) -> Path:
        return self.data / "warehouse.duckdb"


@contextmanager
def lake_env(data: Path) -> Iterator[None]:
    """COUNTYBUDGET_DATA → this lake, only while the block runs (other tests keep theirs)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COUNTYBUDGET_DATA", str(data))
        mp.delenv("COUNTYBUDGET_WAREHOUSE", raising=False)
        yield


def _fact_row_counts() -> dict[str, int]:
    with duckdb.connect(str(paths.warehouse_path()), read_only=True) as con:
        return {t: con.execute(f"select count(*) from marts.{t}").fetchone()[0] for t in (*FACT_TABLES, "dim_document")}


def build_lake(data: Path) -> BuiltLake:
    """Build the shared lake under ``data`` in the nightly order."""
    data.mkdir(parents=True, exist_ok=True)
    scale = list(generate_documents(N_DOCUMENTS, SEED))
    superseded = {item.supersedes for item in scale}
    quarantined = next(i.sha256 for i in scale[5:] if i.doc["status"] == "ok" and i.sha256 not in superseded)
    partial_doc = next(i for i in scale[6:] if i.doc["status"] == "ok" and i.sha256 not in superseded | {quarantined})
    economic = next(n for n, t in enumerate(partial_doc.doc["tables"]) if t["kind"] == "basic_expenditure_by_economic")
    partial = (partial_doc.sha256, economic)
    with lake_env(data):
        # an empty lake (no Parquet yet, no quality tables): every model must still build
        first_run = dbt_build(skip_tests=True).to_dict()
        first_run["rows"] = _fact_row_counts() if first_run["ok"] else None
        write_scale_corpus(N_DOCUMENTS, SEED)
        not_budget = write_not_budget_document()
        corpus = None
        if CORPUS_CATALOGUE.exists():
            from testkit.ground_truth_lake import load_ground_truth

            corpus = load_ground_truth()
        before_marts = dbt_build(exclude="marts").to_dict()
        renamed = reprint_unit_name(scale)
        with duckdb.connect(str(paths.warehouse_path())) as con:  # what expectations.checkpoint writes
            con.execute("insert into quality.quarantined_documents values (?, ?)", [quarantined, "test: parent_sum"])
            con.execute("insert into quality.quarantined_tables values (?, ?, ?, ?, ?)",
                        [*partial, "basic_expenditure_by_economic", "[totals.class_sum] test", "test"])
            con.execute(  # the result the quarantine came from (read by the dbt test on the marts)
                "insert into quality.expectation_results (run_id, sha256, suite, expectation, severity, passed, "
                "observed, message, checked_at, table_index, other_table_index, scope) "
                "values ('test', ?, 'totals', 'class_sum', 'block', false, '{}', 'test', now(), ?, null, 'table')",
                list(partial))
        # the marts, and the department snapshot again so it records the new spelling
        marts = dbt_build(select=["+snap_departments", "marts"]).to_dict()
    builds = {"first_run": first_run, "before_marts": before_marts, "marts": marts}
    return BuiltLake(data, scale, quarantined, partial, corpus, builds, renamed, not_budget)


NOT_BUDGET_SHA = "0b" * 32


def write_not_budget_document() -> str:
    """A notice the parser read and classified not a budget disclosure (parsers/classification.py)."""
    from parsers.document import empty_record

    record = {**empty_record("notice.pdf", NOT_BUDGET_SHA, "pdf"), "status": "not_budget", "n_pages": 2,
              "unit_name": "测试县财政局", "fiscal_year": 2026,
              "error": "not a budget disclosure: a notice, regulation or report (文号 测财〔2026〕1号)"}
    write_raw_document(record, NOT_BUDGET_SHA, "scale-corpus", datetime.now(timezone.utc))
    return NOT_BUDGET_SHA


def reprint_unit_name(scale: list[ScaleDocument]) -> tuple[str, str]:
    """Re-parse a department's latest document with its name printed differently
    (a stray space, as PDF extraction gives): same department, new printed spelling."""
    latest = max((i for i in scale if i.doc["status"] == "ok"), key=lambda i: (i.doc["fiscal_year"], i.sha256))
    name = latest.department.unit_name
    spelled = name[:3] + " " + name[3:]
    write_raw_document({**latest.doc, "unit_name": spelled}, latest.sha256, "scale-corpus", datetime.now(timezone.utc))
    return name, spelled
