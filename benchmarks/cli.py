"""``countybudget eval`` and ``countybudget bench``: the benchmarks' commands.

Registered through the ``countybudget.commands`` entry point (pyproject.toml,
``orchestration.plugins``), so the product's command line offers them when
the benchmarks are installed and never imports them itself.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from benchmarks import runner


def register(sub: argparse._SubParsersAction) -> None:
    evaluate = sub.add_parser("eval", help="score the parser against the corpus ground truth and real documents")
    evaluate.add_argument("--corpus", type=Path, default=None, help="corpus directory (default: the repository's corpus/)")
    evaluate.add_argument(
        "--real", type=Path, default=None,
        help="directory of real documents: run the whole chain on them in a temporary lake (parse, dbt, quality, "
             "marts) and report documents and tables published, per city")
    evaluate.add_argument("--only", nargs="*", default=None, metavar="FILE",
                          help="with --real: only these file names of the directory")
    evaluate.add_argument("--jobs", type=int, default=1, help="files parsed at once, each in its own child (default 1)")
    evaluate.add_argument("--keep-lake", type=Path, default=None,
                          help="with --real: build the lake here and keep it (default: a temporary one)")
    evaluate.add_argument("--reuse-lake", action="store_true",
                          help="with --keep-lake: do not parse again the files that lake already holds")
    evaluate.add_argument("--no-corpus", action="store_true", help="skip the corpus ground-truth score")
    evaluate.add_argument("--out", type=Path, default=None, help="also write the full report as JSON here")
    evaluate.set_defaults(func=_eval)
    runner.register(sub)


def _eval(args: argparse.Namespace) -> int:
    from benchmarks.parse_eval import evaluate_corpus, format_report

    report: dict = {}
    try:
        if args.real is not None:  # the measure of record: its headline is printed first
            from benchmarks.real_documents import format_report as format_real
            from benchmarks.real_documents import run_real_benchmark

            report["real"] = run_real_benchmark(args.real, files=args.only, jobs=args.jobs,
                                                keep_lake=args.keep_lake, reuse=args.reuse_lake)
            print(format_real(report["real"]), flush=True)
        if not args.no_corpus:
            report["corpus"] = evaluate_corpus(args.corpus, jobs=args.jobs)
    except (FileNotFoundError, ValueError) as exc:  # nothing to score is an answer, not a crash
        print(f"eval: {exc}", file=sys.stderr)
        return 2
    if "corpus" in report:
        print(format_report({"corpus": report["corpus"]}))
    if args.out:
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0
