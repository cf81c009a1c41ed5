"""``countybudget parse`` (``countybudget eval``, the parser's score, is a benchmark: ``benchmarks.cli``).

``parse FILE...`` parses each file in its own child process (time and memory
limits; ``--jobs N`` children at once, one per core by default, output in
the order of the files), prints one JSON record per document with ``--json`` (JSON Lines,
docs/parse-output.md) or a one-line summary otherwise, reports every failed
document on stderr with its reason, and with ``--lake`` also writes the raw
layer. A bad file never stops the batch; the exit code is 1 when any
document failed. Imports are deferred so ``countybudget --help`` stays fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    parse = sub.add_parser("parse", help="parse budget documents (PDF/DOCX/XLSX) into tables, claims and warnings")
    parse.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parse.add_argument("--json", action="store_true", help="print one JSON record per document (JSON Lines)")
    parse.add_argument("--lake", action="store_true", help="also write the records to the raw layer (Parquet)")
    parse.add_argument("--timeout", type=float, default=None, help="per-document wall-time limit in seconds")
    parse.add_argument("--memory-mb", type=int, default=None, help="per-document memory limit in MB")
    parse.add_argument("--jobs", type=int, default=None,
                       help="documents parsed at once, each in its own child (default: one per core)")
    parse.set_defaults(func=_parse)


def _limits(args: argparse.Namespace):
    from parsers.safety import ParseLimits

    limits = ParseLimits()
    if args.timeout is not None:
        limits.timeout_s = args.timeout
    if args.memory_mb is not None:
        limits.memory_mb = args.memory_mb
    return limits


def _parse(args: argparse.Namespace) -> int:
    from parsers.lake import write_record
    from parsers.safety import default_jobs, parse_many

    limits = _limits(args)
    jobs = args.jobs if args.jobs is not None else default_jobs()
    failed = 0
    for path, run in zip(args.files, parse_many(list(args.files), max(1, jobs), limits)):
        record = run.record
        if args.lake and record.get("sha256"):
            write_record(record)
        if record["status"] == "error":
            failed += 1
            print(f"{path}: error: {record['error']}", file=sys.stderr)
        elif record["status"] in ("needs_ocr", "not_budget"):
            print(f"{path}: {record['status']}: {record['error']}", file=sys.stderr)
        if args.json:
            print(json.dumps(record, ensure_ascii=False), flush=True)
        else:
            print(_summary(record), flush=True)
    return 1 if failed else 0


def _summary(record: dict) -> str:
    kinds: dict[str, int] = {}
    for table in record["tables"]:
        kinds[table["kind"]] = kinds.get(table["kind"], 0) + 1
    shown = ", ".join(f"{k}×{n}" if n > 1 else k for k, n in kinds.items()) or "no tables"
    return (
        f"{record['source']}: {record['status']} | {record.get('unit_name') or '?'} {record.get('fiscal_year') or '?'} "
        f"{record.get('doc_type') or '?'} | {record.get('n_pages') or 0} pages | {shown} | "
        f"{len(record['claims'])} claims | {len(record['warnings'])} warnings"
    )
