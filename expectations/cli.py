"""``countybudget quality``: run the quality checkpoint over the raw layer.

Registration stays cheap: GX is imported only when the command runs.
"""

from __future__ import annotations

import argparse
import json


def _run(args: argparse.Namespace) -> int:
    from expectations.checkpoint import run_quality

    outcome = run_quality(only=args.document or None, build_docs=not args.no_docs)
    if args.json:
        print(json.dumps(outcome.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        print(
            f"{outcome.documents_checked} documents checked: {outcome.documents_passed} passed, "
            f"{outcome.documents_partial} partial ({outcome.tables_withheld} of {outcome.tables_checked} "
            f"tables withheld), {outcome.documents_quarantined} quarantined whole, {outcome.warnings} warnings "
            f"({outcome.seconds['total']} s)"
        )
        for held in outcome.quarantined:
            print(f"  quarantined {held.document}")
            for reason in held.reasons:
                print(f"    - {reason}")
        for table in outcome.quarantined_tables:
            print(f"  table withheld {table.document} table {table.table_index}:{table.table_kind}")
            for reason in table.reasons:
                print(f"    - {reason}")
        if outcome.data_docs:
            print(f"data docs: {outcome.data_docs}")
        for error in outcome.errors:
            print(f"  expectation error: {error}")
    # Quarantining documents is the gate working, not a failure; a crashed expectation is.
    return 0 if outcome.ok else 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "quality",
        help="run the Great Expectations suites, write results and quarantine to the warehouse, build data docs",
    )
    p.add_argument("--document", action="append", metavar="SHA256", help="check only this document (repeatable)")
    p.add_argument("--no-docs", action="store_true", help="skip rendering the GX data docs")
    p.add_argument("--json", action="store_true", help="print the full run summary as JSON")
    p.set_defaults(func=_run)
