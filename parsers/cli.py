"""``countybudget parse`` and ``countybudget eval``.

``parse FILE...`` parses each file in its own child process (time and memory
limits), prints one JSON record per document with ``--json`` (JSON Lines,
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
    parse.set_defaults(func=_parse)

    evaluate = sub.add_parser("eval", help="score the parser against the corpus ground truth and real documents")
    evaluate.add_argument("--corpus", type=Path, default=None, help="corpus directory (default: the repository's corpus/)")
    evaluate.add_argument(
        "--real", type=Path, default=None,
        help="directory of real documents: run the whole chain on them in a temporary lake (parse, dbt, quality, "
             "marts) and report documents and tables published, per city")
    evaluate.add_argument("--only", nargs="*", default=None, metavar="FILE",
                          help="with --real: only these file names of the directory")
    evaluate.add_argument("--jobs", type=int, default=1, help="with --real: files parsed at once (default 1)")
    evaluate.add_argument("--keep-lake", type=Path, default=None,
                          help="with --real: build the lake here and keep it (default: a temporary one)")
    evaluate.add_argument("--reuse-lake", action="store_true",
                          help="with --keep-lake: do not parse again the files that lake already holds")
    evaluate.add_argument("--no-corpus", action="store_true", help="skip the corpus ground-truth score")
    evaluate.add_argument("--out", type=Path, default=None, help="also write the full report as JSON here")
    evaluate.set_defaults(func=_eval)


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
    from parsers.safety import parse_document_safely

    limits = _limits(args)
    failed = 0
    for path in args.files:
        record = parse_document_safely(path, limits=limits)
        if args.lake and record.get("sha256"):
            write_record(record)
        if record["status"] == "error":
            failed += 1
            print(f"{path}: error: {record['error']}", file=sys.stderr)
        elif record["status"] == "needs_ocr":
            print(f"{path}: needs_ocr: {record['error']}", file=sys.stderr)
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


def _eval(args: argparse.Namespace) -> int:
    from parsers.eval import evaluate_corpus, format_report

    report: dict = {}
    try:
        if args.real is not None:  # the measure of record: its headline is printed first
            from parsers.eval_real import format_report as format_real
            from parsers.eval_real import run_real_benchmark

            report["real"] = run_real_benchmark(args.real, files=args.only, jobs=args.jobs,
                                                keep_lake=args.keep_lake, reuse=args.reuse_lake)
            print(format_real(report["real"]), flush=True)
        if not args.no_corpus:
            report["corpus"] = evaluate_corpus(args.corpus)
    except (FileNotFoundError, ValueError) as exc:  # nothing to score is an answer, not a crash
        print(f"eval: {exc}", file=sys.stderr)
        return 2
    if "corpus" in report:
        print(format_report({"corpus": report["corpus"]}))
    if args.out:
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0
