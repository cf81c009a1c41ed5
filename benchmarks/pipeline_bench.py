"""Benchmark of the nightly run: a full run over the corpus, then a run with nothing new.

Each run is a real ``countybudget run`` (mirror on 127.0.0.1, Airflow
``dag.test()``, dbt, GX, publish) in a fresh process against a fresh lake
under ``data/bench/pipeline/``; times per stage come from its run report.

Also measures the two ways of running dbt from Airflow on the same lake: one
``dbt build`` invocation (what the DAG does) against one invocation per model
with its tests (what astronomer-cosmos's local execution mode does: a task,
hence a dbt process, per node), see docs/operations.md.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from countybudget import paths


def bench_lake() -> Path:
    return paths.data_dir() / "bench" / "pipeline"


def timed_run(lake: Path, *extra: str) -> dict[str, Any]:
    """One ``countybudget run`` in its own process; its wall time and run report."""
    env = {**os.environ, "COUNTYBUDGET_DATA": str(lake), "COUNTYBUDGET_TASK_RETRIES": "0"}
    env.pop("COUNTYBUDGET_WAREHOUSE", None)
    env.pop("COUNTYBUDGET_SERVING", None)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "run", *extra], env=env, capture_output=True, text=True, check=False
    )
    wall = round(time.perf_counter() - started, 2)
    latest = lake / "reports" / "latest.json"
    report = json.loads(latest.read_text(encoding="utf-8")) if latest.exists() else {}
    stages = report.get("stage_seconds", {})
    spans = [(t["start"], t["end"]) for t in stages.values() if "start" in t]
    return {
        "exit_code": done.returncode,
        "wall_seconds": wall,
        # first task's start to last stage's end: the night itself, without process and Airflow start-up
        "dag_seconds": round(max(e for _, e in spans) - min(s for s, _ in spans), 2) if spans else None,
        "crawl_seconds": _crawl_seconds(stages),
        "warehouse": report.get("warehouse"),
        "stage_wall_seconds": {s: t["wall_seconds"] for s, t in report.get("stage_seconds", {}).items()},
        "documents": report.get("documents"),
        "published": report.get("published"),
        "mart_rows_total": sum((report.get("mart_rows") or {}).values()),
        "error_tail": done.stdout[-1500:] if done.returncode else None,
    }


def _crawl_seconds(stages: dict[str, Any]) -> float | None:
    """Wall time of the crawl: the first discover's start to the last fetch's end."""
    crawl = [stages[s] for s in ("discover", "fetch") if s in stages and "start" in stages[s]]
    return round(max(t["end"] for t in crawl) - min(t["start"] for t in crawl), 2) if crawl else None


def compare_dbt_strategies(lake: Path) -> dict[str, Any]:
    """One ``dbt build`` against one ``dbt build --select <model>`` per model (cosmos-style), same lake."""
    from orchestration.warehouse import run_dbt

    previous = os.environ.get("COUNTYBUDGET_DATA")
    os.environ["COUNTYBUDGET_DATA"] = str(lake)
    try:
        listed = run_dbt(["ls", "--resource-type", "model", "--output", "name", "--quiet"])
        models = [line.strip() for line in listed.stdout.splitlines() if line.strip()]
        started = time.perf_counter()
        whole = run_dbt(["build"])
        one_invocation = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        failures = sum(run_dbt(["build", "--select", model]).returncode != 0 for model in models)
        per_model = round(time.perf_counter() - started, 2)
    finally:
        if previous is None:
            os.environ.pop("COUNTYBUDGET_DATA", None)
        else:
            os.environ["COUNTYBUDGET_DATA"] = previous
    return {
        "models": len(models),
        "one_invocation_seconds": one_invocation,
        "one_invocation_ok": whole.returncode == 0,
        "per_model_invocations_seconds": per_model,
        "per_model_failures": failures,
    }


def run_pipeline_benchmark(compare_dbt: bool = True) -> dict[str, Any]:
    lake = bench_lake()
    shutil.rmtree(lake, ignore_errors=True)
    lake.mkdir(parents=True)
    full = timed_run(lake)
    incremental = timed_run(lake)
    result: dict[str, Any] = {"lake": str(lake), "full_run": full, "incremental_nothing_new": incremental}
    if incremental["dag_seconds"] is not None and incremental["crawl_seconds"] is not None:
        # issue 15's target: a no-op night costs at most the crawl and 5 s
        beyond = round(incremental["dag_seconds"] - incremental["crawl_seconds"], 2)
        result["no_op_night"] = {"crawl_seconds": incremental["crawl_seconds"], "dag_seconds": incremental["dag_seconds"],
                                 "beyond_crawl_seconds": beyond, "target_beyond_crawl_seconds": 5.0,
                                 "skipped_warehouse": bool((incremental["warehouse"] or {}).get("unchanged")),
                                 "within_target": beyond <= 5.0}
    if compare_dbt and full["exit_code"] == 0:
        result["dbt_strategies"] = compare_dbt_strategies(lake)
    return result


if __name__ == "__main__":
    print(json.dumps(run_pipeline_benchmark(), ensure_ascii=False, indent=2))
