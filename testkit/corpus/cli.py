"""``countybudget corpus build`` and ``countybudget corpus check``."""

from __future__ import annotations

import argparse
from pathlib import Path

from testkit import CORPUS_DIR


def register(subparsers: argparse._SubParsersAction) -> None:
    corpus = subparsers.add_parser("corpus", help="build or check the generated document corpus")
    sub = corpus.add_subparsers(dest="corpus_command", metavar="ACTION", required=True)

    build = sub.add_parser("build", help="regenerate corpus/ (needs LibreOffice, qpdf, poppler)")
    build.add_argument("--out", type=Path, default=CORPUS_DIR, help="corpus directory (default: %(default)s)")
    build.add_argument("--only", nargs="*", default=None, metavar="ID",
                       help="rebuild only these documents (their catalogue entries are replaced)")
    build.set_defaults(func=run_build)

    check = sub.add_parser("check", help="verify documents against their ground truth and the identities")
    check.add_argument("--corpus", type=Path, default=CORPUS_DIR, help="corpus directory (default: %(default)s)")
    check.set_defaults(func=run_check)


def run_build(args: argparse.Namespace) -> int:
    from testkit.corpus.build import build_corpus

    entries = build_corpus(args.out, only=args.only)
    print(f"built {len(entries)} documents into {args.out}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from testkit.corpus.check import check_corpus

    reports = check_corpus(args.corpus)
    for report in reports:
        print(f"{'ok  ' if report.ok else 'FAIL'} {report.id}")
        for problem in report.problems:
            print(f"     {problem}")
    failed = sum(not r.ok for r in reports)
    print(f"{len(reports) - failed}/{len(reports)} documents ok")
    return 1 if failed or not reports else 0
