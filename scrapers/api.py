"""Stage functions of the crawl (docs/contracts.md §7): what the DAG and the CLI call.

    discover(portal_id, as_of=None) -> DiscoverResult   candidates of one portal
    fetch(portal_id, candidates, run_id) -> FetchResult  download them, one manifest row each
    crawl(portal_ids=None, as_of=None) -> dict           both, for every selected portal

The results are ``countybudget.results.StageResult`` s (``to_dict()`` is their
JSON form). One bad document is one ``failed`` row with its reason; only a
portal whose list cannot be read at all is reported as unreachable (the
discover result's ``error``).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from tqdm import tqdm

from countybudget import paths
from countybudget.results import StageResult, jsonable
from scrapers import manifest, store
from scrapers.crawl_lock import CrawlInProgress, crawl_lock
from scrapers.discover import Candidate, PortalUnreachable, Skipped, discover_portal
from scrapers.fetch import FetchFailure, HttpClient, Validators
from scrapers.registry import Portal, RegistryError, load_registry
from scrapers.urls import HostGuard

log = logging.getLogger(__name__)


class UnverifiedPortalError(RegistryError):
    """An unverified portal was selected without ``allow_unverified``."""


@dataclass(frozen=True, kw_only=True)
class DiscoverResult(StageResult):
    """The candidates of one portal; ``error``: why its list could not be read (unreachable)."""

    portal_id: str
    list_pages: int = 0
    detail_pages: int = 0
    pages_seen: int = 0
    postings: int = 0
    candidates: tuple[Candidate, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    errors: tuple[Skipped, ...] = ()  # pages that failed (the portal as a whole was read)

    @property
    def reachable(self) -> bool:
        return self.ok


@dataclass(frozen=True, kw_only=True)
class FetchResult(StageResult):
    """One portal's candidates fetched: the final outcome of each (failed files are retried next run)."""

    portal_id: str
    run_id: str
    attempts: int
    retried_attempts: int
    outcomes: dict[str, int]  # every manifest outcome, with its count
    bytes_landed: int
    files: tuple[dict[str, Any], ...]
    failures: tuple[dict[str, Any], ...]


# ---------------------------------------------------------------- selection


def select_portals(
    portal_ids: Iterable[str] | None = None,
    allow_unverified: bool = False,
    registry: dict[str, Portal] | None = None,
) -> list[Portal]:
    """The portals to crawl: the named ones, or every verified one."""
    registry = registry if registry is not None else load_registry()
    if not portal_ids:
        return [p for p in registry.values() if p.verified]
    chosen = []
    for portal_id in portal_ids:
        if portal_id not in registry:
            raise RegistryError(f"unknown portal {portal_id!r}; known: {', '.join(sorted(registry))}")
        portal = registry[portal_id]
        if not portal.verified and not allow_unverified:
            raise UnverifiedPortalError(
                f"portal {portal_id!r} is unverified (never reached from here); pass --allow-unverified (allow_unverified=True) to crawl it"
            )
        chosen.append(portal)
    return chosen


def _as_date(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def prepare_lake() -> dict[str, int]:
    """Clean up after interrupted runs: publish orphan journals, drop orphan temp files."""
    return {
        "recovered_journals": manifest.recover_orphan_journals(),
        "removed_tmp_files": store.remove_orphan_tmp_files(),
    }


# ---------------------------------------------------------------- discover


def discover_one(client: HttpClient, portal: Portal, as_of: date | None) -> DiscoverResult:
    try:
        found = discover_portal(client, portal, as_of)
    except PortalUnreachable as exc:
        return DiscoverResult(portal_id=portal.id, error=str(exc))
    return DiscoverResult(
        portal_id=found.portal_id, list_pages=found.list_pages, detail_pages=found.detail_pages,
        pages_seen=found.pages_seen, postings=found.postings, candidates=tuple(found.candidates),
        skipped=tuple(found.skipped), errors=tuple(found.errors),
    )


def discover(portal_id: str, as_of: date | str | None = None, allow_unverified: bool = False) -> DiscoverResult:
    """Candidates (attachments) of one portal, published on or before ``as_of``."""
    (portal,) = select_portals([portal_id], allow_unverified)
    client = HttpClient()
    try:
        return discover_one(client, portal, _as_date(as_of))
    finally:
        client.close()


# ---------------------------------------------------------------- fetch


def _candidate_fields(candidate: Candidate) -> dict[str, Any]:
    return {
        "portal_id": candidate.portal_id,
        "url": candidate.url,
        "detail_url": candidate.detail_url,
        "title": candidate.title,
        "publish_date": _as_date(candidate.publish_date),
        "fiscal_year": candidate.fiscal_year,
        "doc_type": candidate.doc_type,
        "unit_name": candidate.unit_name,
    }


def _previous_copy(known: dict[str, dict[str, Any]], url: str) -> dict[str, Any] | None:
    """The last good copy of a URL, if its file is still in landing."""
    previous = known.get(url)
    if previous and previous.get("landing_path") and (paths.data_dir() / previous["landing_path"]).exists():
        return previous
    return None


def fetch_candidate(
    client: HttpClient,
    portal: Portal,
    guard: HostGuard,
    candidate: Candidate,
    known: dict[str, dict[str, Any]],
    record_retry: Callable[[dict[str, Any]], None] = lambda _row: None,
) -> dict[str, Any]:
    """Download one attachment into landing; the manifest row describing what happened.

    Attempts that failed and were retried (a 500, a broken connection) are
    passed to ``record_retry`` as rows of their own, before the final one."""
    fields = _candidate_fields(candidate)

    def on_retry(reason: str, http_status: int | None) -> None:
        record_retry({**fields, "attempt_id": manifest.new_attempt_id(), "fetched_at": _now(), "outcome": "failed",
                      "http_status": http_status, "error": f"{reason}; retrying"})

    row: dict[str, Any] = {**fields, "attempt_id": manifest.new_attempt_id()}
    previous = _previous_copy(known, candidate.url)
    validators = Validators(previous.get("etag"), previous.get("last_modified")) if previous else None
    with store.LandingWriter() as writer:
        try:
            got = client.get(candidate.url, portal.politeness, guard, writer, validators, on_retry=on_retry)
        except FetchFailure as exc:
            return {**row, "fetched_at": _now(), "outcome": exc.outcome, "error": exc.reason, "http_status": exc.http_status}
        row.update(fetched_at=_now(), http_status=got.status, etag=got.etag, last_modified=got.last_modified)
        if got.status == 304 and previous:
            return _not_modified_row(row, previous)
        if not 200 <= got.status < 300:
            return {**row, "outcome": "failed", "error": f"HTTP {got.status}"}
        try:
            landed = writer.commit()
        except OSError as exc:
            return {**row, "outcome": "failed", "error": f"could not land the file: {exc}"}
    return _landed_row(row, landed, previous, candidate, got.retries)


def _not_modified_row(row: dict[str, Any], previous: dict[str, Any]) -> dict[str, Any]:
    """A 304: the file is the one landed before."""
    kept = {k: previous[k] for k in ("size_bytes", "detected_type", "sha256", "landing_path")}
    return {**row, **kept, "outcome": "not_modified",
            "etag": row["etag"] or previous.get("etag"), "last_modified": row["last_modified"] or previous.get("last_modified")}


def _landed_row(
    row: dict[str, Any], landed: store.Landed, previous: dict[str, Any] | None, candidate: Candidate, retries: int
) -> dict[str, Any]:
    """A 200: new bytes, bytes already landed from another posting, or the same bytes as last time."""
    if previous and previous["sha256"] == landed.sha256:
        outcome = "unchanged"
    elif landed.already_present:
        outcome = "duplicate"
    else:
        outcome = "new"
    return {**row, "outcome": outcome, "size_bytes": landed.size_bytes, "detected_type": landed.detected_type,
            "sha256": landed.sha256, "landing_path": store.landing_path_text(landed.path),
            "error": _landing_note(candidate, landed.detected_type, retries)}


def _landing_note(candidate: Candidate, detected_type: str, retries: int) -> str | None:
    """Worth knowing about a file that did land (the error column of a good row)."""
    notes = []
    if retries:
        notes.append(f"succeeded after {retries} retries")
    if detected_type == "html" and candidate.url != candidate.detail_url:
        notes.append("the attachment link served an HTML page, not a file")
    return "; ".join(notes) or None


def _now() -> datetime:
    return datetime.now(timezone.utc)


def fetch_with_client(
    client: HttpClient, portal: Portal, candidates: list[Candidate], run_id: str, progress: bool | None = None
) -> FetchResult:
    guard = HostGuard.for_portal(portal)
    known = manifest.known_copies(portal.id)
    rows: list[dict[str, Any]] = []  # the final attempt of each candidate
    retried = 0
    with manifest.ManifestWriter(run_id, portal.id) as journal:

        def record_retry(retry_row: dict[str, Any]) -> None:
            nonlocal retried
            journal.append({**retry_row, "run_id": run_id})
            retried += 1

        bar = tqdm(candidates, desc=portal.id, unit="file", disable=None if progress is None else not progress, leave=False)
        for candidate in bar:
            row = {**fetch_candidate(client, portal, guard, candidate, known, record_retry), "run_id": run_id}
            journal.append(row)
            rows.append(row)
            if row["outcome"] in manifest.GOOD_OUTCOMES:
                known[candidate.url] = row  # a second posting of the same URL in this run is then a 304
    return summarise_fetch(portal.id, run_id, rows, retried)


def summarise_fetch(portal_id: str, run_id: str, rows: list[dict[str, Any]], retried: int = 0) -> FetchResult:
    """Counts of the final outcome of each candidate (retried attempts are counted apart)."""
    counts = Counter(row["outcome"] for row in rows)
    return FetchResult(
        portal_id=portal_id,
        run_id=run_id,
        attempts=len(rows),
        retried_attempts=retried,
        outcomes={outcome: counts.get(outcome, 0) for outcome in manifest.OUTCOMES},
        bytes_landed=sum(r.get("size_bytes") or 0 for r in rows if r["outcome"] in ("new", "duplicate", "unchanged")),
        files=tuple(
            {"url": r["url"], "outcome": r["outcome"], "sha256": r.get("sha256"), "landing_path": r.get("landing_path"),
             "detected_type": r.get("detected_type"), "error": r.get("error"), "http_status": r.get("http_status")}
            for r in rows
        ),
        failures=tuple({"url": r["url"], "outcome": r["outcome"], "reason": r.get("error")} for r in rows
                       if r["outcome"] not in manifest.GOOD_OUTCOMES),
    )


def fetch(
    portal_id: str, candidates: list[dict[str, Any]], run_id: str, allow_unverified: bool = False, wait: bool = True
) -> FetchResult:
    """Download the candidates of ``discover`` (dicts) and record every attempt in the manifest.

    Holds the crawl lock shared and the portal's exclusively (fetches of other portals run side by side)."""
    (portal,) = select_portals([portal_id], allow_unverified)
    with crawl_lock(portal_id, wait=wait):
        prepare_lake()
        client = HttpClient()
        try:
            return fetch_with_client(client, portal, [Candidate(**c) for c in candidates], run_id)
        finally:
            client.close()


# ---------------------------------------------------------------- crawl


def crawl(
    portal_ids: Iterable[str] | None = None,
    as_of: date | str | None = None,
    allow_unverified: bool = False,
    progress: bool | None = None,
    registry: dict[str, Portal] | None = None,
    wait: bool = False,
) -> dict[str, Any]:
    """Discover and fetch every selected portal with one polite client; a summary per portal.

    One crawl at a time: raises ``CrawlInProgress`` if another holds the lock, unless ``wait``."""
    portals = select_portals(portal_ids, allow_unverified, registry)
    with crawl_lock(wait=wait):
        return _crawl_locked(portals, as_of, progress)


def _crawl_locked(portals: list[Portal], as_of: date | str | None, progress: bool | None) -> dict[str, Any]:
    cutoff = _as_date(as_of)
    run_id = manifest.new_run_id()
    started = time.perf_counter()
    housekeeping = prepare_lake()
    client = HttpClient()
    summaries: dict[str, Any] = {}
    try:
        for portal in portals:
            summaries[portal.id] = crawl_portal(client, portal, cutoff, run_id, progress)
    finally:
        client.close()
    return {
        "run_id": run_id,
        "as_of": cutoff.isoformat() if cutoff else None,
        "seconds": round(time.perf_counter() - started, 3),
        "requests": client.stats.requests,
        "bytes_received": client.stats.bytes_received,
        "requests_by_host": dict(client.stats.by_host),
        "housekeeping": housekeeping,
        "unreachable": [pid for pid, s in summaries.items() if not s["reachable"]],
        "portals": summaries,
    }


def crawl_portal(client: HttpClient, portal: Portal, as_of: date | None, run_id: str, progress: bool | None) -> dict[str, Any]:
    requests_before, bytes_before = client.stats.requests, client.stats.bytes_received
    found = discover_one(client, portal, as_of)
    summary: dict[str, Any] = {
        "reachable": found.reachable,
        "error": found.error,
        "pages_seen": found.pages_seen,
        "list_pages": found.list_pages,
        "detail_pages": found.detail_pages,
        "postings": found.postings,
        "candidates": len(found.candidates),
        "skipped": jsonable(found.skipped),
        "discovery_errors": jsonable(found.errors),
    }
    if found.reachable:
        fetched = fetch_with_client(client, portal, list(found.candidates), run_id, progress)
        summary.update(outcomes=fetched.outcomes, failures=list(fetched.failures), files=list(fetched.files),
                       bytes_landed=fetched.bytes_landed)
    else:
        summary.update(outcomes={o: 0 for o in manifest.OUTCOMES}, failures=[], files=[], bytes_landed=0)
    summary["requests"] = client.stats.requests - requests_before
    summary["bytes_received"] = client.stats.bytes_received - bytes_before
    return summary


__all__ = [
    "DiscoverResult", "FetchResult", "crawl", "discover", "fetch", "select_portals", "CrawlInProgress",
    "UnverifiedPortalError",
]
