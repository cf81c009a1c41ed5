"""Producer twins: every real PDF re-rendered by another producer must read the same.

Documents from other cities come from other office software. The nearest thing here
is to re-render each PDF of ``../shared/real`` through cairo (``pdftocairo -pdf``,
poppler-utils): the same pages drawn with re-embedded fonts, other object order and
path construction, some glyphs as paths (Type 3). Each twin is parsed beside its
original and their amounts compared table kind by table kind (kind, code, row, column,
amount). A twin on which cairo dropped text (it does, for some fonts) can differ
only by what it no longer prints; the report lists every difference.

    .venv/bin/python -m benchmarks.producer_twins [DIR] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.parse_identity import default_real_dir


def amounts_by_kind(record: dict[str, Any]) -> Counter:
    out: Counter = Counter()
    for table in record.get("tables") or []:
        for row in table.get("rows") or []:
            for column, value in (row.get("amounts") or {}).items():
                if value is not None:
                    out[(table["kind"], row.get("code"), row.get("name"), column, value)] += 1
    return out


def compare_twin(original: Path, twin: Path) -> dict[str, Any]:
    from parsers.document import parse_document

    a, b = parse_document(original), parse_document(twin)
    ca, cb = amounts_by_kind(a), amounts_by_kind(b)
    kinds_a = Counter(t["kind"] for t in a.get("tables") or [])
    kinds_b = Counter(t["kind"] for t in b.get("tables") or [])
    return {
        "document": original.name,
        "status": [a["status"], b["status"]],
        "amounts": sum(ca.values()),
        "same": a["status"] == b["status"] and ca == cb,
        "n_only_original": sum((ca - cb).values()),
        "n_only_twin": sum((cb - ca).values()),
        "only_original": [list(k) for k in (ca - cb)][:5],
        "only_twin": [list(k) for k in (cb - ca)][:5],
        "kinds_only_original": dict(kinds_a - kinds_b),
        "kinds_only_twin": dict(kinds_b - kinds_a),
    }


def run_producer_twins(directory: Path | None = None, limit: int | None = None) -> dict[str, Any]:
    directory = directory or default_real_dir()
    if shutil.which("pdftocairo") is None:
        return {"error": "pdftocairo (poppler-utils) is not installed"}
    pdfs = sorted(directory.glob("*.pdf"))[:limit]
    if not pdfs:
        return {"error": f"no PDF under {directory}"}
    started = time.perf_counter()
    results = []
    with tempfile.TemporaryDirectory(prefix="producer-twins-") as tmp:
        for pdf in pdfs:
            twin = Path(tmp) / pdf.name
            done = subprocess.run(["pdftocairo", "-pdf", str(pdf), str(twin)], capture_output=True, timeout=600)
            if done.returncode != 0 or not twin.exists():
                results.append({"document": pdf.name, "same": False, "error": done.stderr.decode(errors="replace")[-300:]})
                continue
            results.append(compare_twin(pdf, twin))
    same = [r for r in results if r["same"]]
    return {
        "documents": len(results),
        "same_amounts": len(same),
        "amounts_compared": sum(r.get("amounts", 0) for r in results),
        "amounts_only_in_original": sum(r.get("n_only_original", 0) for r in results),
        "amounts_only_in_twin": sum(r.get("n_only_twin", 0) for r in results),
        "differing": [r for r in results if not r["same"]],
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("directory", nargs="?", type=Path, default=None)
    p.add_argument("--limit", type=int, default=None)
    args = p.parse_args(argv)
    report = run_producer_twins(args.directory, args.limit)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0 if "error" not in report else 1


if __name__ == "__main__":
    sys.exit(main())
