"""End to end against the real mirror on 127.0.0.1: discovery, every fault,
incremental re-crawls, duplicate postings, ``--as-of``, an unreachable portal.

Expectations come from the mirror's own site model (what it publishes, which
posting carries which fault) and the corpus catalogues, never from constants
about the crawler's output.
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from countybudget import paths
from orchestration import cli
from scrapers import api, manifest, store
from scrapers.cli import print_summary
from scrapers.registry import load_registry, with_politeness
from scrapers.urls import canonical_url
from testkit import CORPUS_DIR


def _catalogue() -> dict[str, dict]:
    """document id → its catalogue entry (docs/contracts.md §3)."""
    entries: dict[str, dict] = {}
    for catalogue in (CORPUS_DIR / "catalogue.yml", CORPUS_DIR / "real" / "catalogue.yml"):
        if catalogue.exists():
            for doc in yaml.safe_load(catalogue.read_text(encoding="utf-8"))["documents"]:
                entries[doc["id"]] = doc
    return entries


def _catalogue_doc_types() -> dict[str, str | None]:
    """document id → doc_type (null for documents that are not budget disclosures)."""
    return {doc_id: doc.get("doc_type") for doc_id, doc in _catalogue().items()}


def _document_of_url(mirror, portal_id: str) -> dict[str, str]:
    """canonical attachment URL → catalogue id of the document served there."""
    found = {}
    for posting in mirror.postings(portal_id):
        if posting.kind == "document":
            for index in range(len(posting.attachments)):
                found[canonical_url(mirror.attachment_url(posting, index))] = posting.document_id
    return found


def _expected_attachments(mirror, portal_id: str) -> dict[str, str]:
    """canonical URL → what should happen to it: 'good', or the fault it carries."""
    doc_types = _catalogue_doc_types()
    expected: dict[str, str] = {}
    for posting in mirror.postings(portal_id):
        if posting.kind == "fault":
            expected[canonical_url(mirror.attachment_url(posting, 0))] = posting.fault
        elif posting.kind == "document" and doc_types.get(posting.document_id):
            if posting.attachments:
                for index in range(len(posting.attachments)):
                    expected[canonical_url(mirror.attachment_url(posting, index))] = "good"
            else:  # tables in the page itself
                expected[canonical_url(mirror.detail_url(posting))] = "good"
    return expected


def _rows(run_id: str) -> list[dict]:
    return [r for r in manifest.read_manifest().to_pylist() if r["run_id"] == run_id]


def _paths_requested(mirror, since: int = 0) -> list[tuple[str, int]]:
    return [(urlsplit(path).path, status) for _method, path, status in mirror.request_log[since:]]


def test_a_full_crawl_lands_every_disclosure_and_records_every_fault(mirror, lake: Path) -> None:
    result = api.crawl(progress=False)
    assert result["unreachable"] == []
    rows = _rows(result["run_id"])
    assert rows, "the mirror published nothing the crawler found"
    by_url = {r["url"]: r for r in rows}
    assert set(result["portals"]) == {p.id for p in api.select_portals()}
    for portal_id in result["portals"]:
        for url, expectation in _expected_attachments(mirror, portal_id).items():
            row = by_url.get(url)
            assert row is not None, f"{portal_id}: {url} ({expectation}) was not attempted"
            if expectation == "good" or expectation == "error_then_ok":
                assert row["outcome"] in ("new", "duplicate"), row
            else:
                assert row["outcome"] == "failed", row
                reason = {"not_found": "HTTP 404", "slow": "timeout", "truncated": "truncated"}[expectation]
                assert reason in row["error"], row
    # one manifest row per HTTP attempt: the 500-then-200 posting has two failed rows, then its file
    retry_url = next(u for pid in result["portals"] for u, e in _expected_attachments(mirror, pid).items() if e == "error_then_ok")
    attempts = [r for r in rows if r["url"] == retry_url]
    assert [(r["outcome"], r["http_status"]) for r in attempts] == [("failed", 500), ("failed", 500), ("new", 200)]
    assert all("retrying" in r["error"] for r in attempts[:2])

    # nothing but disclosures was fetched: every attempt is an expected URL
    expected_all = {u for pid in result["portals"] for u in _expected_attachments(mirror, pid)}
    assert {r["url"] for r in rows} <= expected_all

    # every landed file is whole and named by its hash; the type comes from the bytes
    for row in rows:
        if row["outcome"] in manifest.GOOD_OUTCOMES:
            landed = paths.data_dir() / row["landing_path"]
            assert store.verify_landed_file(landed)
            assert landed.suffix == "." + {"unknown": "bin"}.get(row["detected_type"], row["detected_type"])
    assert not list(store.tmp_dir().glob("*.part"))

    # classification from titles agrees with the catalogue; the type comes from the bytes
    # (the Hanweb servlet lies about extensions), an empty file is no PDF whatever its name
    catalogue = _catalogue()
    checked = 0
    for portal_id in result["portals"]:
        for url, doc_id in _document_of_url(mirror, portal_id).items():
            doc, row = catalogue[doc_id], by_url.get(url)
            if not doc.get("doc_type") or row is None:
                continue
            assert (row["doc_type"], row["fiscal_year"]) == (doc["doc_type"], doc["fiscal_year"]), row["title"]
            assert row["unit_name"], row["title"]
            if doc.get("ground_truth"):  # real titles abbreviate (中共广州市委宣传部 for 中国共产党广州市委员会宣传部)
                assert doc["unit_name"].startswith(row["unit_name"]), row["title"]  # (本级) is not in the title
            expected_type = "unknown" if "zero_byte" in doc.get("defects", []) else doc["format"]
            assert row["detected_type"] == expected_type, row["title"]
            checked += 1
    assert checked >= 5

    # the GBK portal's titles are read as Chinese, not mojibake
    yongqiao_titles = {p.title for p in mirror.postings("yongqiao")}
    yongqiao = result["portals"]["yongqiao"]
    seen_titles = {r["title"] for r in rows if r["portal_id"] == "yongqiao"} | {s["title"] for s in yongqiao["skipped"]}
    assert seen_titles == yongqiao_titles

    # politeness: robots.txt was read, its disallowed paths and noise never requested
    requested = _paths_requested(mirror)
    assert ("/robots.txt", 200) in requested
    assert not [p for p, _ in requested if p.startswith(("/pingxiang/zwgk/czyjs/internal/", "/fengxian/module/search/"))]
    noise = [mirror.detail_url(p) for pid in result["portals"] for p in mirror.postings(pid) if p.kind == "noise"]
    assert noise and not {urlsplit(u).path for u in noise} & {p for p, _ in requested}
    # every request went to the mirror, none elsewhere (the slow one is logged by the mirror only later)
    assert set(result["requests_by_host"]) == {urlsplit(mirror.base_url).netloc}
    assert result["requests"] >= len(mirror.request_log) > 0


def test_the_same_file_posted_twice_is_stored_once_and_both_postings_are_recorded(mirror, lake: Path) -> None:
    result = api.crawl(["guangzhou"], progress=False)
    rows = [r for r in _rows(result["run_id"]) if r["outcome"] in ("new", "duplicate")]
    by_hash = Counter(r["sha256"] for r in rows)
    twice = [sha for sha, n in by_hash.items() if n == 2]
    assert len(twice) == 1
    pair = [r for r in rows if r["sha256"] == twice[0]]
    assert {r["outcome"] for r in pair} == {"new", "duplicate"}
    assert len({r["url"] for r in pair}) == 2 and len({r["title"] for r in pair}) == 2
    assert len(list(paths.landing_files_dir().rglob(f"{twice[0]}.*"))) == 1


def test_a_second_crawl_of_an_unchanged_portal_downloads_nothing_and_says_so(mirror, lake: Path) -> None:
    first = api.crawl(["guangzhou", "huainan"], progress=False)
    assert sum(s["outcomes"]["new"] for s in first["portals"].values()) > 0
    files_before = sorted(paths.landing_files_dir().rglob("*.*"))
    mark = len(mirror.request_log)
    second = api.crawl(["guangzhou", "huainan"], progress=False)
    for summary in second["portals"].values():
        assert summary["outcomes"]["new"] == summary["outcomes"]["duplicate"] == 0
        assert summary["outcomes"]["not_modified"] == summary["candidates"] > 0
        assert summary["bytes_landed"] == 0
    # every page and attachment was answered 304: no bytes of any document moved
    statuses = Counter(status for path, status in _paths_requested(mirror, mark) if path != "/robots.txt")
    assert set(statuses) == {304}
    assert sorted(paths.landing_files_dir().rglob("*.*")) == files_before
    out = io.StringIO()
    print_summary(second, out)
    assert out.getvalue().count("nothing new") == 2


def test_after_new_postings_only_those_are_fetched(mirror, lake: Path) -> None:
    published = sorted(p.publish_date for p in mirror.postings("guangzhou") if p.kind == "document")
    cutoff = published[len(published) // 2]
    mirror.set_as_of(cutoff)
    early = api.crawl(["guangzhou"], progress=False)
    early_urls = {r["url"] for r in _rows(early["run_id"])}
    assert early_urls
    mirror.set_as_of(date.today())
    mark = len(mirror.request_log)
    later = api.crawl(["guangzhou"], progress=False)
    rows = _rows(later["run_id"])
    fresh = {r["url"] for r in rows if r["outcome"] in ("new", "duplicate")}
    assert fresh and not fresh & early_urls
    assert {r["outcome"] for r in rows if r["url"] in early_urls} == {"not_modified"}
    downloaded = {canonical_url(mirror.base_url + path) for path, status in _paths_requested(mirror, mark) if status == 200}
    assert not downloaded & early_urls  # the old attachments were not downloaded again


def test_as_of_on_the_crawler_skips_later_postings(mirror, lake: Path) -> None:
    published = sorted(p.publish_date for p in mirror.postings("guangzhou") if p.kind == "document")
    cutoff = published[0]
    result = api.crawl(["guangzhou"], as_of=cutoff, progress=False)
    rows = _rows(result["run_id"])
    assert rows and all(r["publish_date"] <= cutoff for r in rows)
    assert any("after" in s["reason"] for s in result["portals"]["guangzhou"]["skipped"])


def test_failures_are_retried_on_the_next_run(mirror, lake: Path) -> None:
    first = api.crawl(["pingxiang", "huainan"], progress=False)
    first_rows = _rows(first["run_id"])
    good = {r["url"] for r in first_rows if r["outcome"] in manifest.GOOD_OUTCOMES}
    failed = {r["url"] for r in first_rows if r["outcome"] == "failed"} - good
    assert failed
    second = api.crawl(["pingxiang", "huainan"], progress=False)
    again = {r["url"]: r for r in _rows(second["run_id"])}
    assert failed <= set(again)
    assert all(again[u]["outcome"] == "failed" and again[u]["error"] for u in failed)


def test_a_file_over_the_size_limit_is_recorded_and_the_rest_continue(mirror, lake: Path) -> None:
    registry = load_registry()
    sizes = sorted(len(a.read()) for p in mirror.postings("guangzhou") for a in p.attachments)
    limit = sizes[len(sizes) // 2]
    registry["guangzhou"] = with_politeness(registry["guangzhou"], max_file_bytes=limit)
    result = api.crawl(["guangzhou"], progress=False, registry=registry)
    rows = _rows(result["run_id"])
    too_large = [r for r in rows if r["outcome"] == "too_large"]
    assert too_large and all(str(limit) in r["error"] for r in too_large)
    assert [r for r in rows if r["outcome"] in ("new", "duplicate")]
    assert all(r["size_bytes"] <= limit for r in rows if r["outcome"] in ("new", "duplicate"))


def test_an_unreachable_portal_fails_the_command_but_not_the_other_portals(mirror, lake: Path, capsys) -> None:
    mirror.set_portal_down("huainan")
    code = cli.main(["crawl", "--portal", "huainan", "--portal", "guangzhou"])
    out = capsys.readouterr().out
    assert code == 1
    assert "huainan: UNREACHABLE" in out and "503" in out
    assert "guangzhou:" in out
    assert any(r["portal_id"] == "guangzhou" and r["outcome"] == "new" for r in manifest.read_manifest().to_pylist())
    mirror.set_portal_down("huainan", False)
    assert cli.main(["crawl", "--portal", "huainan"]) == 0


def test_the_command_refuses_an_unverified_portal(lake: Path, capsys) -> None:
    assert cli.main(["crawl", "--portal", "guangzhou-gov"]) == 2
    assert "unverified" in capsys.readouterr().err


def test_discover_and_fetch_stage_functions_are_json_friendly(mirror, lake: Path) -> None:
    import json

    found = api.discover("huainan", as_of=(date.today() + timedelta(days=1)).isoformat())
    assert found.reachable and found.candidates
    as_xcom = json.loads(json.dumps(found.to_dict()))  # what the DAG passes from discover to fetch
    assert as_xcom["ok"] and len(as_xcom["candidates"]) == len(found.candidates)
    fetched = api.fetch("huainan", as_xcom["candidates"], manifest.new_run_id())
    json.dumps(fetched.to_dict())
    assert fetched.ok and fetched.attempts == len(found.candidates)
    assert sum(fetched.outcomes.values()) == len(found.candidates)
