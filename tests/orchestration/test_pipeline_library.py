"""The library the DAG tasks call: what to parse, the run journal, the run report."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path

import pytest

from countybudget import paths
from countybudget.results import StageResult
from orchestration import callbacks, pipeline
from orchestration.report import build_run_report, format_summary, write_run_report
from testkit.mirror.fixtures import minimal_pdf

RUN = "manual__2026-11-23T02:00:00+08:00"


def land(text: str, run_id: str = "crawl-1", outcome: str = "new") -> str:
    """Put a one-page PDF in landing and record its fetch in the manifest, as the crawler does."""
    from scrapers.manifest import write_rows

    body = minimal_pdf(text)
    sha = hashlib.sha256(body).hexdigest()
    target = paths.landing_file(sha, "pdf")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)
    row = {
        "run_id": run_id,
        "attempt_id": f"{run_id}-{sha[:8]}",
        "portal_id": "pingxiang",
        "url": f"http://127.0.0.1/{sha[:8]}.pdf",
        "fetched_at": datetime.now(timezone.utc),
        "outcome": outcome,
        "sha256": sha,
        "landing_path": str(target.relative_to(paths.data_dir())),
        "detected_type": "pdf",
    }
    write_rows([row], f"{run_id}-{sha[:8]}")
    return sha


def record_failed_fetch(run_id: str) -> None:
    from scrapers.manifest import write_rows

    write_rows(
        [{"run_id": run_id, "attempt_id": "x", "portal_id": "pingxiang", "url": "http://127.0.0.1/gone.pdf",
          "fetched_at": datetime.now(timezone.utc), "outcome": "failed", "error": "HTTP 404"}],
        f"{run_id}-failed",
    )


def shas(todo: list[dict[str, str]]) -> list[str]:
    return [d["sha256"] for d in todo]


def test_only_landed_documents_without_a_current_parse_are_planned(lake: Path) -> None:
    first, second = land("first document"), land("second document")
    record_failed_fetch("crawl-1")
    assert shas(pipeline.documents_to_parse()) == sorted([first, second])

    pipeline.parse_document({"sha256": first, "path": str(paths.landing_file(first, "pdf"))}, RUN)

    assert shas(pipeline.documents_to_parse()) == [second]
    assert shas(pipeline.documents_to_parse(reparse=True)) == sorted([first, second])


def test_a_new_parser_version_replans_everything(lake: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    only = land("a document")
    pipeline.parse_document({"sha256": only, "path": str(paths.landing_file(only, "pdf"))}, RUN)
    assert pipeline.documents_to_parse() == []

    from parsers import version

    monkeypatch.setattr(version, "PARSER_VERSION", version.PARSER_VERSION + "+improved")
    assert shas(pipeline.documents_to_parse()) == [only]


def test_nothing_landed_means_nothing_to_parse(lake: Path) -> None:
    assert pipeline.documents_to_parse() == []


def test_a_stage_that_raises_is_journaled_with_its_reason_and_reraised(lake: Path) -> None:
    def crash() -> dict:
        raise ValueError("table header not understood")

    with pytest.raises(ValueError):
        pipeline.run_stage(RUN, "parse", crash, key="ab" * 32)

    (entry,) = pipeline.read_journal(RUN)
    assert entry["status"] == "failed"
    assert entry["error"] == "ValueError: table header not understood"
    assert pipeline.journal_dir(RUN).name == "manual__2026-11-23T02_00_00_08_00"


def test_a_stage_reporting_failure_fails_its_task() -> None:
    with pytest.raises(pipeline.StageFailed, match="dbt build reported failure: dbt build exited with 1"):
        pipeline._require_success("dbt build", StageResult(error="dbt build exited with 1"))
    fine = StageResult()
    assert pipeline._require_success("dbt build", fine) is fine


def test_the_run_report_says_what_was_parsed_and_what_was_left_out(lake: Path) -> None:
    good = land("parsable text layer", run_id=pipeline.run_slug(RUN))
    crashing = land("crashes the parser", run_id=pipeline.run_slug(RUN))
    record_failed_fetch(pipeline.run_slug(RUN))
    pipeline.run_stage(RUN, "discover", lambda: {"reachable": True, "candidates": [{}, {}, {}]}, key="pingxiang")
    with pytest.raises(pipeline.PortalUnreachable):
        pipeline.run_stage(
            RUN, "discover", lambda: (_ for _ in ()).throw(pipeline.PortalUnreachable("HTTP 503")), key="fengxian"
        )
    pipeline.parse_document({"sha256": good, "path": str(paths.landing_file(good, "pdf"))}, RUN)
    with pytest.raises(RuntimeError):
        pipeline.run_stage(RUN, "parse", lambda: (_ for _ in ()).throw(RuntimeError("boom")), key=crashing)

    report = build_run_report(RUN)

    assert report["documents"]["discovered"] == 3
    assert report["documents"]["downloaded"] == 2
    assert report["documents"]["fetch_outcomes"] == {"failed": 1, "new": 2}
    assert report["documents"]["parse_tasks"] == 2
    assert report["left_out"]["portals"] == {"fengxian": "discover: PortalUnreachable: HTTP 503"}
    crashed = [d for d in report["left_out"]["not_parsed"] if d["status"] == "crashed"]
    assert crashed == [{"sha256": crashing, "status": "crashed", "reason": "RuntimeError: boom", "source_path": None}]
    assert report["published"] is False and report["documents"]["published"] == 0
    assert set(report["stage_seconds"]) == {"discover", "parse"}
    path = write_run_report(report)
    assert path.parent == paths.reports_dir() and (paths.reports_dir() / "latest.json").exists()
    summary = format_summary(report)
    assert "NOT published" in summary and "fengxian" in summary and crashing[:16] in summary


def test_a_failed_task_is_journaled_for_the_run_report(lake: Path) -> None:
    pipeline.record_failure(RUN, "crawl.discover", 3, "PortalUnreachable: portal suixi unreachable")
    pipeline.record_failure(RUN, "dbt_build", -1, "StageFailed: dbt build reported failure")

    report = build_run_report(RUN)

    assert sorted(t["task"] for t in report["left_out"]["failed_tasks"]) == ["crawl.discover[3]", "dbt_build"]


@pytest.mark.parametrize(
    "host, schema, port, url",
    [
        ("https://alerts.example.org/hooks/abc", None, None, "https://alerts.example.org/hooks/abc"),
        ("alerts.example.org", "http", 8080, "http://alerts.example.org:8080"),
        ("alerts.example.org", "hooks", None, "https://alerts.example.org"),
    ],
)
def test_the_webhook_url_comes_from_the_connection(host: str, schema: str | None, port: int | None, url: str) -> None:
    assert callbacks.webhook_url(host, schema, port) == url
