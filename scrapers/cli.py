"""``countybudget crawl [--portal ID ...] [--as-of DATE]``.

Prints a summary per portal; exits 1 only if a whole portal could not be
reached (individual failed documents are recorded and retried next run),
2 for a bad registry or an unknown / unverified portal, and 3 when another
crawl is running (``--wait`` waits for it instead).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any, TextIO


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("crawl", help="discover and download new budget disclosures from the portals")
    p.add_argument("--portal", dest="portals", action="append", metavar="ID",
                   help="crawl only this portal (repeatable); default: every verified portal")
    p.add_argument("--as-of", type=date.fromisoformat, metavar="YYYY-MM-DD",
                   help="only postings published on or before this date")
    p.add_argument("--allow-unverified", action="store_true",
                   help="allow crawling portals marked verified: false (live sites)")
    p.add_argument("--json", action="store_true", help="print the full result as JSON")
    p.add_argument("--wait", action="store_true", help="if another crawl is running, wait for it instead of exiting")
    p.set_defaults(func=run_crawl)


def run_crawl(args: argparse.Namespace) -> int:
    from scrapers.api import CrawlInProgress, crawl  # imported here: `countybudget --help` stays instant
    from scrapers.registry import RegistryError

    try:
        result = crawl(args.portals, args.as_of, allow_unverified=args.allow_unverified, wait=args.wait)
    except RegistryError as exc:
        print(f"crawl: {exc}", file=sys.stderr)
        return 2
    except CrawlInProgress as exc:
        print(f"crawl: {exc}", file=sys.stderr)
        return 3
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    else:
        print_summary(result, sys.stdout)
    return 1 if result["unreachable"] else 0


def print_summary(result: dict[str, Any], out: TextIO) -> None:
    print(f"crawl {result['run_id']}" + (f" as of {result['as_of']}" if result["as_of"] else ""), file=out)
    for portal_id, s in result["portals"].items():
        if not s["reachable"]:
            print(f"  {portal_id}: UNREACHABLE — {s['error']}", file=out)
            continue
        o = s["outcomes"]
        unchanged = o["unchanged"] + o["not_modified"]
        failed = o["failed"] + o["too_large"] + o["robots_disallowed"]
        print(
            f"  {portal_id}: {s['list_pages']} list + {s['detail_pages']} detail pages, {s['postings']} postings,"
            f" {s['candidates']} candidates"
            f" → {o['new']} new, {o['duplicate']} duplicate, {unchanged} unchanged, {failed} failed"
            f" ({s['requests']} requests, {s['bytes_received']} bytes)",
            file=out,
        )
        if o["new"] == 0 and o["duplicate"] == 0 and failed == 0:
            print("    nothing new", file=out)
        for failure in s["failures"]:
            print(f"    failed [{failure['outcome']}] {failure['url']}: {failure['reason']}", file=out)
        for error in s["discovery_errors"]:
            print(f"    page error {error['url']}: {error['reason']}", file=out)
    print(
        f"total: {result['requests']} requests, {result['bytes_received']} bytes in {result['seconds']} s",
        file=out,
    )
