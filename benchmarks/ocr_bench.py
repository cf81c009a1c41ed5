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

# The default sample: a final account with all nine standard tables, 12 pages
# per dpi (about 12 minutes for both dpi here, most of `make bench`'s added time).
SAMPLE = ("suixi-health-2023-final-account",)


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
               "peak_rss_mb": run.peak_rss_mb, **score,
               "confidence": confidence_against_truth(twin["ground_truth"].get("tables") or [],
                                                      record.get("tables") or [])}
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
        for key, value in doc["confidence"].items():
            if isinstance(value, int):
                bucket.setdefault("confidence", {}).setdefault(key, 0)
                bucket["confidence"][key] += value
    for bucket in per_dpi.values():
        cells = bucket["amount_cells"]
        bucket["amount_cells_exact_pct"] = round(100 * bucket["amount_cells_exact"] / cells, 2) if cells else None
        bucket["pages_per_s"] = round(bucket["pages"] / bucket["seconds"], 3) if bucket["seconds"] else None
        bucket["seconds"] = round(bucket["seconds"], 1)
    return {"per_dpi": {f"{dpi}dpi": b for dpi, b in sorted(per_dpi.items())}, "documents": documents,
            "target_amount_cells_exact_pct": 99.5}


def confidence_against_truth(truth_tables: list[dict], parsed_tables: list[dict]) -> dict[str, Any]:
    """How the gate's confidence rule (countybudget.contracts.OCR_MIN_CONFIDENCE) sorts
    the OCR'd figures against the ground truth: right figures it would withhold, wrong
    ones it would let through (the identities still catch most of those), and tables
    it would withhold for confidence. Measured here so the threshold is chosen by
    evidence, not by taste."""
    from benchmarks.parse_eval import amount_cells, row_keys
    from countybudget.contracts import OCR_MIN_CONFIDENCE

    truth_by_kind: dict[str, dict] = {}
    for t in truth_tables:
        truth_by_kind.setdefault(t.get("kind"), {}).update(amount_cells(t) if "rows" in t else {})
    out = {"cells": 0, "right_unsure": 0, "right_sure": 0, "wrong_unsure": 0, "wrong_sure": 0,
           "tables": 0, "tables_unsure": 0}
    wrong_examples: list[dict[str, Any]] = []
    lowest_right: list[float] = []
    for table in parsed_tables:
        if "rows" not in table:
            continue
        cells = amount_cells(table)
        truth = truth_by_kind.get(table.get("kind"), {})
        unsure_table = False
        for key, row in zip(row_keys(table), table["rows"]):
            for column, confidence in (row.get("confidence") or {}).items():
                got = cells.get((key, column))
                if got is None:
                    continue
                out["cells"] += 1
                sure = confidence >= OCR_MIN_CONFIDENCE
                unsure_table |= not sure
                right = truth.get((key, column)) == got
                out[f"{'right' if right else 'wrong'}_{'sure' if sure else 'unsure'}"] += 1
                if right:
                    lowest_right.append(confidence)
                elif len(wrong_examples) < 5:
                    wrong_examples.append({"row": list(key[:4]), "column": column, "got": got,
                                           "expected": truth.get((key, column)), "confidence": confidence})
        if any(row.get("confidence") for row in table["rows"]):
            out["tables"] += 1
            out["tables_unsure"] += unsure_table
    return {**out, "min_confidence": OCR_MIN_CONFIDENCE, "lowest_right": sorted(lowest_right)[:5],
            "wrong_examples": wrong_examples}


if __name__ == "__main__":  # python -m benchmarks.ocr_bench [id ...]
    import json
    import sys

    logging.basicConfig(level=logging.INFO)
    print(json.dumps(run_ocr_benchmark(sys.argv[1:] or None), ensure_ascii=False, indent=2, default=str))


# ------------------------------------------------------------------ engine comparison

_AMOUNT_RE = r"\d[\d,]*\.\d{2}"


def compare_engines(pages: tuple[tuple[str, int], ...] = (("suixi-health-2023-final-account", 3),
                                                           ("suixi-health-2023-final-account", 6),
                                                           ("yongqiao-govoffice-2023-budget", 5)),
                    dpi: int = 200) -> dict[str, Any]:
    """RapidOCR against Tesseract (chi_sim) on a few scanned-twin pages: share of
    the page's printed amounts (from the original's text layer) each engine reads
    exactly, and seconds per page. Tesseract is not a dependency: where its
    binary or chi_sim is missing it is reported as such."""
    import re
    import shutil
    import subprocess
    import tempfile
    import time
    from collections import Counter

    import pdfplumber
    import pypdfium2 as pdfium

    from parsers.ocr import _engine, deskew
    from testkit import CORPUS_DIR
    from testkit.corpus.scan import scan_twin

    def amounts(text: str) -> Counter:
        return Counter(re.findall(_AMOUNT_RE, text.replace(" ", "")))

    def rapid(image) -> str:  # noqa: ANN001
        result, _ = _engine()(image)
        return "\n".join(item[1] for item in result or [])

    def tesseract(image) -> str:  # noqa: ANN001
        import cv2

        with tempfile.TemporaryDirectory() as tmp:
            cv2.imwrite(f"{tmp}/page.png", image)
            done = subprocess.run(["tesseract", f"{tmp}/page.png", "-", "-l", "chi_sim", "--psm", "6"],
                                  capture_output=True, text=True, check=True)
        return done.stdout

    engines = {"rapidocr": rapid}
    has_tesseract = shutil.which("tesseract") and "chi_sim" in subprocess.run(
        ["tesseract", "--list-langs"], capture_output=True, text=True).stdout
    if has_tesseract:
        engines["tesseract_chi_sim"] = tesseract
    totals = {name: {"amounts": 0, "exact": 0, "seconds": 0.0} for name in engines}
    with tempfile.TemporaryDirectory() as tmp:
        for doc_id, number in pages:
            source = CORPUS_DIR / "documents" / f"{doc_id}.pdf"
            with pdfplumber.open(str(source)) as pdf:
                truth = amounts(pdf.pages[number - 1].extract_text() or "")
            twin = scan_twin(source, Path(tmp) / f"{doc_id}-{number}.pdf", dpi, pages=[number])
            scan = pdfium.PdfDocument(str(twin))
            image = scan[0].render(scale=dpi / 72, grayscale=True).to_numpy()
            scan.close()
            image = deskew(image if image.ndim == 2 else image[:, :, 0].copy(), dpi)
            for name, read in engines.items():
                started = time.perf_counter()
                got = amounts(read(image))
                totals[name]["seconds"] += time.perf_counter() - started
                totals[name]["amounts"] += sum(truth.values())
                totals[name]["exact"] += sum((truth & got).values())
                totals[name].setdefault("missed_examples", []).extend(list((truth - got).elements())[:3])
    for t in totals.values():
        t["exact_pct"] = round(100 * t["exact"] / t["amounts"], 1) if t["amounts"] else None
        t["seconds_per_page"] = round(t["seconds"] / len(pages), 1)
        del t["seconds"]
    if not has_tesseract:
        totals["tesseract_chi_sim"] = {"skipped": "tesseract with chi_sim is not installed"}
    return {"pages": len(pages), "dpi": dpi, "engines": totals}
