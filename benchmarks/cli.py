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
    evaluate.add_argument("--real", type=Path, default=None, help="directory of real PDFs to check by identities")
    evaluate.add_argument("--no-corpus", action="store_true", help="skip the corpus ground-truth score")
    evaluate.add_argument("--out", type=Path, default=None, help="also write the full report as JSON here")
    evaluate.set_defaults(func=_eval)
    runner.register(sub)


def _eval(args: argparse.Namespace) -> int:
    from benchmarks.parse_eval import evaluate_corpus, evaluate_real, format_report

    report: dict = {}
    try:
        if not args.no_corpus:
            report["corpus"] = evaluate_corpus(args.corpus)
        if args.real is not None:
            report["real"] = evaluate_real(args.real)
    except (FileNotFoundError, ValueError) as exc:  # nothing to score is an answer, not a crash
        print(f"eval: {exc}", file=sys.stderr)
        return 2
    print(format_report(report))
    if args.out:
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0
