"""The quality benchmark: checkpoint time against dbt build time.

Target (issue 6): the checkpoint over the whole corpus takes no more than the
dbt build itself. Both run the way the nightly run does, as separate
processes over the same lake: ``dbt build`` through
``orchestration.warehouse.dbt_build`` and ``countybudget quality`` as a
subprocess (so GX's import is counted, as dbt's is). Measured on the corpus
ground truth and on a generated scale corpus, each in a temporary lake.

Python writes no bytecode cache in some environments (PYTHONDONTWRITEBYTECODE);
``scripts/bootstrap.sh`` therefore byte-compiles the virtualenv once, so both
tools start from compiled bytecode as a deployed service does. Each is timed
twice on the same lake: ``cold`` (first run) and ``warm``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from countybudget.paths import temporary_lake
from testkit import CORPUS_DIR

SCALE_DOCUMENTS = 1000


def run_checkpoint_process() -> dict[str, Any]:
    """``countybudget quality --json`` in its own process; wall time and its summary."""
    started = time.perf_counter()
    process = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "quality", "--json"],
        capture_output=True, text=True, check=False, env=dict(os.environ),
    )
    seconds = round(time.perf_counter() - started, 2)
    if process.returncode != 0:
        raise RuntimeError(f"countybudget quality failed: {process.stderr[-2000:]}")
    summary = json.loads(process.stdout[process.stdout.index("{"):])
    return {
        "seconds": seconds,
        "documents": summary["documents_checked"],
        "quarantined": summary["documents_quarantined"],
        "warnings": summary["warnings"],
        "inside": summary["seconds"],
    }


def run_dbt_build() -> dict[str, Any]:
    from orchestration.warehouse import dbt_build

    outcome = dbt_build()
    return {"seconds": outcome.seconds, "ok": outcome.ok, "counts": outcome.counts}


def compare(load: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Load a lake, then time dbt build and the checkpoint, cold and warm."""
    with temporary_lake("countybudget-quality-bench-"):
        loaded = load()
        dbt_cold = run_dbt_build()
        quality_cold = run_checkpoint_process()
        dbt_warm = run_dbt_build()
        quality_warm = run_checkpoint_process()
    return {
        "loaded": loaded,
        "dbt_build_seconds": {"cold": dbt_cold["seconds"], "warm": dbt_warm["seconds"]},
        "dbt_ok": dbt_cold["ok"] and dbt_warm["ok"],
        "checkpoint_seconds": {"cold": quality_cold["seconds"], "warm": quality_warm["seconds"]},
        "checkpoint_inside": quality_warm["inside"],
        "documents": quality_warm["documents"],
        "quarantined": quality_warm["quarantined"],
        "warnings": quality_warm["warnings"],
        "ratio_warm": round(quality_warm["seconds"] / dbt_warm["seconds"], 2) if dbt_warm["seconds"] else None,
        "target_met": quality_warm["seconds"] <= dbt_warm["seconds"],
    }


def load_corpus() -> dict[str, Any]:
    from testkit.ground_truth_lake import load_ground_truth

    if not (CORPUS_DIR / "catalogue.yml").exists():
        raise FileNotFoundError(f"no corpus catalogue at {CORPUS_DIR / 'catalogue.yml'}")
    return load_ground_truth()


def load_scale(n_documents: int) -> Callable[[], dict[str, Any]]:
    def load() -> dict[str, Any]:
        from testkit.scale_corpus import write_scale_corpus

        written = write_scale_corpus(n_documents)
        return {"documents": written["documents"], "amount_cells": written["rows"]["amounts"]}

    return load


def run_quality_benchmark(scale_documents: int = SCALE_DOCUMENTS) -> dict[str, Any]:
    """Checkpoint time vs dbt build time on the corpus and on a scale corpus."""
    results: dict[str, Any] = {"target": "checkpoint seconds <= dbt build seconds (warm)"}
    for name, load in (("corpus", load_corpus), (f"scale_{scale_documents}", load_scale(scale_documents))):
        try:
            results[name] = compare(load)
        except Exception as exc:  # one failing lake must not hide the other's numbers
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
    return results


if __name__ == "__main__":
    print(json.dumps(run_quality_benchmark(int(sys.argv[1]) if len(sys.argv) > 1 else SCALE_DOCUMENTS),
                     ensure_ascii=False, indent=2))
