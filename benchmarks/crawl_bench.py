"""Crawl benchmark (``countybudget bench --only crawl``): the whole mirror, then again.

Starts the mirror on a free loopback port, crawls every verified portal into a
temporary lake, then crawls again with nothing changed. Reports wall time,
requests and bytes of both, and the attachment bytes the second crawl landed
(the target is zero: an unchanged portal costs conditional GETs only).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from countybudget.paths import temporary_lake
from testkit.demo import crawler_environment


def _crawl_figures(result: dict[str, Any]) -> dict[str, Any]:
    portals = result["portals"].values()
    outcomes: dict[str, int] = {}
    for summary in portals:
        for outcome, count in summary["outcomes"].items():
            outcomes[outcome] = outcomes.get(outcome, 0) + count
    return {
        "wall_seconds": result["seconds"],
        "requests": result["requests"],
        "bytes_received": result["bytes_received"],
        "attachment_bytes_landed": sum(s["bytes_landed"] for s in portals),
        "pages_seen": sum(s["pages_seen"] for s in portals),
        "candidates": sum(s["candidates"] for s in portals),
        "outcomes": outcomes,
        "unreachable": result["unreachable"],
    }


def run_crawl_benchmark(slow_seconds: float = 5.0) -> dict[str, Any]:
    """Full crawl of the mirror, then an incremental one; figures of both."""
    from testkit.mirror.server import MirrorServer
    from scrapers.api import crawl

    with MirrorServer(port=0, as_of=date.today(), slow_seconds=slow_seconds).start() as mirror:
        with temporary_lake("countybudget-crawl-bench-", **crawler_environment(mirror.base_url)):
            full = _crawl_figures(crawl(progress=False))
            full["mirror_requests_logged"] = len(mirror.request_log)
            mark = len(mirror.request_log)
            incremental = _crawl_figures(crawl(progress=False))
            incremental["mirror_statuses"] = _status_counts(mirror.request_log[mark:])
    return {
        "full": full,
        "incremental": incremental,
        "incremental_downloads_zero_attachment_bytes": incremental["attachment_bytes_landed"] == 0,
        "note": "bytes_received of the incremental crawl are robots.txt and the retries of documents that "
        "failed (truncated/slow fault postings), which are retried on every run by design",
    }


def _status_counts(log: list[tuple[str, str, int]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _method, _path, status in log:
        counts[str(status)] = counts.get(str(status), 0) + 1
    return counts
