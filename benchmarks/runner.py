"""``countybudget bench``: every speed, memory and accuracy target in one report.

Each stage owns its benchmark function; this module only runs them in order,
prints what they measured and writes ``data/reports/bench.json``. Targets live
here, not in unit tests, because timings on a shared 2-core machine are noisy.
"""

from __future__ import annotations

import argparse
import importlib
import json
import time
import traceback
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from countybudget import paths

# (name, "module:function", what it measures)
BENCHMARKS: tuple[tuple[str, str, str], ...] = (
    ("crawl", "benchmarks.crawl_bench:run_crawl_benchmark", "full crawl of the mirror, then an incremental one"),
    ("parse_accuracy", "benchmarks.parse_eval:evaluate_corpus", "amount cells exact against the corpus ground truth"),
    ("ocr", "benchmarks.ocr_bench:run_ocr_benchmark",
     "scanned twins (150/200 dpi) read by OCR: amount cells exact, rows missing/invented, pages/s, peak memory"),
    ("real_documents", "benchmarks.real_documents:run_real_benchmark",
     "the whole chain on ../shared/real: budget documents fully published, tables published / withheld by reason, per city"),
    ("producer_twins", "benchmarks.producer_twins:run_producer_twins",
     "every real PDF re-rendered by cairo reads the same amounts, table kind by table kind"),
    ("parse_speed", "benchmarks.parse_bench:run_parser_benchmark", "pages/s against naive pdfplumber, peak memory on 300 pages"),
    ("dbt", "benchmarks.dbt_bench:run_dbt_benchmark", "dbt build on the corpus and on a 5,000-document scale corpus"),
    ("quality", "benchmarks.quality_bench:run_quality_benchmark", "GX checkpoint time against dbt build time"),
    ("pipeline", "benchmarks.pipeline_bench:run_pipeline_benchmark", "full nightly run and a no-op incremental run, per stage"),
    ("scale", "benchmarks.scale_bench:run_scale_benchmark",
     "a night of 1,000 new + 100 re-parsed documents on 5,000- and 50,000-document warehouses (cached bases)"),
)


def _load(target: str) -> Callable[[], dict[str, Any]]:
    module_name, func_name = target.split(":")
    return getattr(importlib.import_module(module_name), func_name)


def run_benchmarks(only: list[str] | None = None) -> dict[str, Any]:
    results: dict[str, Any] = {"started_at": datetime.now(timezone.utc).isoformat()}
    for name, target, what in BENCHMARKS:
        if only and name not in only:
            continue
        print(f"== {name}: {what}", flush=True)
        started = time.perf_counter()
        try:
            outcome = _load(target)()
            status = "ok"
        except Exception as exc:  # one failing benchmark must not hide the others
            outcome = {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
            status = "error"
        elapsed = round(time.perf_counter() - started, 2)
        results[name] = {"status": status, "seconds": elapsed, "result": outcome}
        print(json.dumps(outcome, ensure_ascii=False, indent=2, default=str), flush=True)
    out = paths.reports_dir() / "bench.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    print(f"benchmark report: {out}")
    return results


def _run(args: argparse.Namespace) -> int:
    results = run_benchmarks(args.only)
    failed = [name for name, r in results.items() if isinstance(r, dict) and r.get("status") == "error"]
    return 1 if failed else 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="run every benchmark (speed, memory, accuracy) and write data/reports/bench.json")
    p.add_argument("--only", nargs="*", choices=[b[0] for b in BENCHMARKS], help="run only these benchmarks")
    p.set_defaults(func=_run)
