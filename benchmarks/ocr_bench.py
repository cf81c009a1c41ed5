"""OCR accuracy and speed on the scanned twins of the corpus.

Each clean corpus PDF has a scanned twin per dpi (testkit/corpus/scan.py:
150 and 200 dpi, greyscale, slightly turned, blurred, JPEG) with the same
ground truth; the twin is parsed like any document (isolated, with the
limits of the pipeline) and scored by the text corpus's scorer
(``benchmarks.parse_eval.score_tables``): amount cells exact, rows missing and
invented, per dpi, with pages per second and the parse's peak memory.

OCR is slow on 2 cores (seconds per page), so by default the benchmark twins
a sample of the corpus (``SAMPLE``); ``COUNTYBUDGET_OCR_BENCH_DOCS=all`` (or a
comma-separated list of ids) scores every clean PDF. Twins are cached under
``data/cache/scans/`` and rebuilt only when their source or the scan changes.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from countybudget import paths

log = logging.getLogger(__name__)

# The default sample: two documents with every standard table between them
# (a final account and a budget), 27 pages per dpi.
SAMPLE = ("suixi-health-2023-final-account", "yongqiao-govoffice-2024-budget")


def _selected() -> list[str] | None:
    chosen = os.environ.get("COUNTYBUDGET_OCR_BENCH_DOCS", "").strip()
    if chosen == "all":
        return None
    return [c.strip() for c in chosen.split(",") if c.strip()] or list(SAMPLE)


def run_ocr_benchmark(only: list[str] | None = None, dpis: tuple[int, ...] | None = None,
                      cache_dir: Path | None = None) -> dict[str, Any]:
    from benchmarks.parse_eval import score_tables
    from parsers import ocr
    from parsers.safety import ParseLimits, run_isolated
    from testkit.corpus.scan import DPIS, build_twins

    if not ocr.ocr_available():
        return {"skipped": "the OCR engine (rapidocr-onnxruntime) is not installed: run scripts/bootstrap.sh"}
    cache = cache_dir or paths.data_dir() / "cache" / "scans"
    twins = build_twins(cache, dpis or DPIS, only=only if only is not None else _selected())
    limits = ParseLimits(timeout_s=3600.0)  # a whole scanned document, on a shared 2-core machine
    per_dpi: dict[int, dict[str, Any]] = {}
    documents: list[dict[str, Any]] = []
    for twin in twins:
        run = run_isolated(twin["path"], limits=limits)
        record = run.record
        score = score_tables(twin["ground_truth"].get("tables") or [], record.get("tables") or [])
        doc = {"id": twin["id"], "dpi": twin["dpi"], "status": record["status"], "error": record.get("error"),
               "pages": record.get("n_pages") or 0, "seconds": round(run.seconds, 1),
               "peak_rss_mb": run.peak_rss_mb, **score}
        documents.append(doc)
        log.info("%s: %s/%s cells exact in %.0f s", twin["id"], score["amount_cells_exact"], score["amount_cells"],
                 run.seconds)
        bucket = per_dpi.setdefault(twin["dpi"], {"documents": 0, "pages": 0, "seconds": 0.0, "amount_cells": 0,
                                                  "amount_cells_exact": 0, "rows": 0, "rows_missing": 0,
                                                  "rows_invented": 0, "peak_rss_mb": 0.0})
        bucket["documents"] += 1
        bucket["pages"] += doc["pages"]
        bucket["seconds"] += run.seconds
        for key in ("amount_cells", "amount_cells_exact", "rows", "rows_missing", "rows_invented"):
            bucket[key] += score[key]
        bucket["peak_rss_mb"] = max(bucket["peak_rss_mb"], run.peak_rss_mb or 0.0)
    for bucket in per_dpi.values():
        cells = bucket["amount_cells"]
        bucket["amount_cells_exact_pct"] = round(100 * bucket["amount_cells_exact"] / cells, 2) if cells else None
        bucket["pages_per_s"] = round(bucket["pages"] / bucket["seconds"], 3) if bucket["seconds"] else None
        bucket["seconds"] = round(bucket["seconds"], 1)
    return {"per_dpi": {f"{dpi}dpi": b for dpi, b in sorted(per_dpi.items())}, "documents": documents,
            "target_amount_cells_exact_pct": 99.5}


if __name__ == "__main__":  # python -m benchmarks.ocr_bench [id ...]
    import json
    import sys

    logging.basicConfig(level=logging.INFO)
    print(json.dumps(run_ocr_benchmark(sys.argv[1:] or None), ensure_ascii=False, indent=2, default=str))
