"""The warehouse benchmark: ``dbt build`` time and warehouse size, on the corpus and at scale.

Two temporary lakes, each built from scratch by the real dbt project:

- the corpus: its ground truth loaded as if parsed perfectly (``ground_truth_lake``);
  skipped, with the reason, while ``corpus/catalogue.yml`` does not exist yet;
- the scale corpus: ``SCALE_DOCUMENTS`` generated documents (about 1.1 million
  amount cells), target under ``SCALE_TARGET_SECONDS`` on the 2-core machine.

Run through ``make bench`` (``countybudget bench --only dbt``). Timings are wall
clock on a shared machine, so they are reported here, never asserted in tests.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from countybudget import paths
from countybudget.paths import temporary_lake
from testkit import CORPUS_DIR

SCALE_DOCUMENTS = int(os.environ.get("COUNTYBUDGET_BENCH_SCALE_DOCUMENTS", "5000"))
SCALE_TARGET_SECONDS = 300


def _row_counts() -> dict[str, int]:
    import duckdb

    tables = ("fct_expenditure_by_function", "fct_basic_expenditure_by_economic", "fct_three_public_expenses",
              "dim_document", "mart_department_budget_summary")
    with duckdb.connect(str(paths.warehouse_path()), read_only=True) as con:
        counts = {t: con.execute(f"select count(*) from marts.{t}").fetchone()[0] for t in tables}
        counts["amount_cells"] = con.execute("select count(*) from intermediate.int_amounts_yuan").fetchone()[0]
    return counts


def build_and_measure(load: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Load a lake, run a full ``dbt build`` on it, and report time, size and row counts."""
    from orchestration.warehouse import dbt_build

    started = time.perf_counter()
    loaded = load()
    load_seconds = round(time.perf_counter() - started, 2)
    result = dbt_build()
    warehouse = paths.warehouse_path()
    return {
        "loaded": {k: v for k, v in loaded.items() if k != "sha256_by_id"},
        "load_seconds": load_seconds,
        "dbt_build_seconds": result.seconds,
        "dbt_execution_seconds": result.execution_seconds,  # without dbt start-up and parsing
        "dbt_ok": result.ok,
        "dbt_counts": result.counts,
        "dbt_failed": [f["node"] for f in result.failed],
        "warehouse_bytes": warehouse.stat().st_size if warehouse.exists() else None,
        "warehouse_mib": round(warehouse.stat().st_size / 2**20, 1) if warehouse.exists() else None,
        "rows": _row_counts() if result.ok else None,
    }


def bench_corpus() -> dict[str, Any]:
    catalogue = CORPUS_DIR / "catalogue.yml"
    if not catalogue.exists():
        return {"skipped": f"{catalogue} does not exist yet (the corpus is built by `countybudget corpus build`)"}
    from testkit.ground_truth_lake import load_ground_truth

    with temporary_lake("cb-bench-corpus-"):
        return build_and_measure(load_ground_truth)


def bench_scale(n_documents: int = SCALE_DOCUMENTS) -> dict[str, Any]:
    from testkit.scale_corpus import write_scale_corpus

    with temporary_lake("cb-bench-scale-"):
        measured = build_and_measure(lambda: write_scale_corpus(n_documents))
    measured["target_seconds"] = SCALE_TARGET_SECONDS
    measured["within_target"] = bool(measured["dbt_ok"] and measured["dbt_build_seconds"] < SCALE_TARGET_SECONDS)
    return measured


def run_dbt_benchmark() -> dict[str, Any]:
    return {"corpus": bench_corpus(), "scale": bench_scale()}


if __name__ == "__main__":
    import json
    import sys

    n = int(sys.argv[1]) if len(sys.argv) > 1 else SCALE_DOCUMENTS
    print(json.dumps({"corpus": bench_corpus(), "scale": bench_scale(n)}, ensure_ascii=False, indent=2, default=str))
