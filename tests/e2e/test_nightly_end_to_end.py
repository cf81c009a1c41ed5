"""The nightly run end to end: real mirror, real Airflow (``dag.test()``), dbt, GX, publish.

Two ``countybudget run`` processes against one fresh lake, with the mirror of
the repository corpus served by this test process:

1. as of an early date, with one portal down: everything else must publish
   and the report must name the portal it left out;
2. as of today, portal back up, while a BI reader process queries the serving
   copy throughout: only the documents new since run 1 are parsed, the marts
   match the corpus ground truth and the quarantine is exactly the defective
   documents;
3. the same night again: nothing new, so dbt, GX and publish are skipped, the
   serving copy stays as it was, and the output holds no warning or error.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from countybudget import paths
from orchestration.pipeline import run_slug
from testkit import CORPUS_DIR
from testkit.demo import crawler_environment

pytestmark = pytest.mark.slow

# The BI reader process of the publish tests (tests/orchestration).
READER_SCRIPT = Path(__file__).parents[1] / "orchestration" / "serving_reader.py"

# Defects a document carries in the catalogue that the pipeline cannot be expected
# to hold back: a duplicate posting is the same file twice, deduplicated by the crawl.
NOT_CONTENT_DEFECTS = {"duplicate_posting"}


class AlertReceiver:
    """A webhook on 127.0.0.1 that keeps every JSON body POSTed to it (the failure notifications)."""

    def __init__(self) -> None:
        received: list[dict] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - stdlib name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                received.append(json.loads(body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
                pass

        self.received = received
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/countybudget"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def run_countybudget(lake: Path, mirror_url: str, alerts_url: str, *args: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "COUNTYBUDGET_DATA": str(lake),
        **crawler_environment(mirror_url),
        "COUNTYBUDGET_TASK_RETRIES": "0",  # a down portal fails at once instead of backing off for minutes
        # Failure notifications configured the Airflow way: a Variable naming a connection.
        "AIRFLOW_VAR_COUNTYBUDGET_NOTIFY_CONN_ID": "countybudget_alerts",
        "AIRFLOW_CONN_COUNTYBUDGET_ALERTS": json.dumps({"conn_type": "http", "host": alerts_url}),
    }
    env.pop("COUNTYBUDGET_WAREHOUSE", None)
    env.pop("COUNTYBUDGET_SERVING", None)
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "run", "--no-mirror", "--retries", "0", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    report_path = lake / "reports" / "latest.json"
    assert report_path.exists(), f"no run report; exit {done.returncode}\n{done.stdout[-4000:]}\n{done.stderr[-3000:]}"
    report = json.loads(report_path.read_text(encoding="utf-8"))
    report["exit_code"] = done.returncode
    report["stdout_tail"] = done.stdout[-3000:]
    report["output"] = done.stdout + done.stderr
    return report


def served_counts(lake: Path) -> dict[str, int]:
    from orchestration.publish import mart_row_counts

    with duckdb.connect(str(lake / "serving" / "countybudget.duckdb"), read_only=True) as con:
        return mart_row_counts(con)


def early_date_and_down_portal(server) -> tuple[date, str]:
    """A date by which about half the corpus documents are published, and a portal to take down.

    The portal taken down is one with documents by then if two portals have
    some (so the other still publishes), else any other portal.
    """
    everything = date.today() + timedelta(days=3650)
    dates = sorted(
        {p.publish_date for pid in server.site.portals for p in server.site.visible(pid, everything) if p.document_id}
    )
    assert len(dates) >= 2, "the mirror serves corpus documents on fewer than two dates: nothing is new later"
    early = dates[(len(dates) - 1) // 2]
    with_documents = [pid for pid in server.site.portals if any(p.document_id for p in server.site.visible(pid, early))]
    assert with_documents, "no corpus document is published by the early date"
    others = [pid for pid in server.site.portals if pid != with_documents[-1]]
    return early, (with_documents[0] if len(with_documents) >= 2 else others[0])


@pytest.fixture(scope="module")
def nightly(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from testkit.mirror.server import MirrorServer

    lake = tmp_path_factory.mktemp("nightly") / "data"
    lake.mkdir()
    server = MirrorServer(port=0).start()
    alerts = AlertReceiver()
    try:
        early, down = early_date_and_down_portal(server)
        server.set_as_of(early)
        server.set_portal_down(down)
        first = run_countybudget(lake, server.base_url, alerts.url, "--as-of", early.isoformat())
        first_alerts = list(alerts.received)
        first_counts = served_counts(lake) if first["published"] else {}

        server.set_portal_down(down, down=False)
        server.set_as_of(date.today())
        stop = lake.parent / "stop-reader"
        reader = subprocess.Popen(
            [sys.executable, str(READER_SCRIPT), str(lake / "serving" / "countybudget.duckdb"), str(stop)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            second = run_countybudget(lake, server.base_url, alerts.url, "--as-of", date.today().isoformat())
        finally:
            stop.touch()
            out, err = reader.communicate(timeout=120)
        assert reader.returncode == 0, err
        # 3. the same night again: nothing new, so a no-op night.
        third = run_countybudget(lake, server.base_url, alerts.url, "--as-of", date.today().isoformat())
        return {
            "lake": lake,
            "down": down,
            "first": first,
            "first_counts": first_counts,
            "first_alerts": first_alerts,
            "second": second,
            "second_counts": served_counts(lake) if second["published"] else {},
            "reader": json.loads(out),
            "third": third,
            "third_counts": served_counts(lake),
        }
    finally:
        server.stop()
        alerts.stop()


def parsed_shas(lake: Path, run_id: str) -> set[str]:
    directory = lake / "reports" / "runs" / run_slug(run_id)
    return {p.name.removeprefix("parse--").removesuffix(".json") for p in directory.glob("parse--*.json")}


def landed_new_shas(lake: Path, run_id: str) -> set[str]:
    rows = duckdb.sql(
        f"select distinct sha256 from read_parquet('{lake}/landing/manifest/*.parquet', union_by_name = true) "
        "where run_id = ? and outcome = 'new'",
        params=[run_slug(run_id)],
    ).fetchall()
    return {sha for (sha,) in rows}


def test_a_portal_down_leaves_out_only_that_portal(nightly: dict) -> None:
    first, down = nightly["first"], nightly["down"]
    assert first["published"], first["stdout_tail"]
    assert first["exit_code"] == 0
    assert list(first["left_out"]["portals"]) == [down]
    assert "unreachable" in first["left_out"]["portals"][down]
    assert all(p["status"] == "ok" for pid, p in first["portals"].items() if pid != down)
    assert first["documents"]["downloaded"] > 0 and first["documents"]["published"] > 0
    assert sum(nightly["first_counts"].values()) > 0
    assert [t["task"].split("[")[0] for t in first["left_out"]["failed_tasks"]] == ["crawl.discover"]


def test_the_failed_task_was_notified_through_the_configured_connection(nightly: dict) -> None:
    messages = [alert["text"] for alert in nightly["first_alerts"]]
    assert len(messages) == 1, messages
    assert "task crawl.discover failed" in messages[0] and nightly["down"] in messages[0]


def test_the_second_run_parses_only_what_is_new(nightly: dict) -> None:
    lake, first, second = nightly["lake"], nightly["first"], nightly["second"]
    assert second["published"], second["stdout_tail"]
    parsed_first = parsed_shas(lake, first["run_id"])
    parsed_second = parsed_shas(lake, second["run_id"])
    assert parsed_second, "the mirror moved forward but nothing new was parsed"
    assert parsed_second == landed_new_shas(lake, second["run_id"]) - parsed_first
    assert not parsed_first & parsed_second
    assert second["documents"]["published"] > first["documents"]["published"]


def test_the_run_report_has_every_section_an_operator_needs(nightly: dict) -> None:
    report = nightly["second"]
    for key in ("discovered", "downloaded", "parsed", "quarantined", "published", "partial", "tables_withheld"):
        assert isinstance(report["documents"][key], int), key
    assert report["mart_rows"] == nightly["second_counts"]
    assert {"discover", "fetch", "parse", "dbt_build", "quality", "dbt_marts", "publish"} <= set(report["stage_seconds"])
    assert report["serving_database"].endswith("serving/countybudget.duckdb")
    assert report["data_docs"] and Path(report["data_docs"]).is_file()


def test_a_night_with_nothing_new_changes_nothing_and_prints_no_warning(nightly: dict) -> None:
    third = nightly["third"]
    assert third["exit_code"] == 0, third["stdout_tail"]
    assert third["warehouse"].get("unchanged"), third["warehouse"]
    assert third["documents"]["parsed"] == 0
    assert nightly["third_counts"] == nightly["second_counts"]
    # Data findings (quarantined files, claims) are printed as data, not as log warnings or errors.
    noise = [line for line in third["output"].splitlines()
             if any(word in line for word in ("[warning", "[error", "WARNING", "ERROR", "Traceback"))]
    assert noise == []


def test_bi_readers_saw_only_complete_published_warehouses_throughout(nightly: dict) -> None:
    seen = nightly["reader"]
    assert seen["errors"] == []
    assert len(seen["observations"]) > 10
    published = [nightly["first_counts"], nightly["second_counts"]]
    assert nightly["first_counts"] != nightly["second_counts"]
    for observed in seen["observations"]:
        assert observed in published
    assert seen["observations"][-1] == nightly["second_counts"]


# ---------------------------------------------------------------- against the corpus ground truth


def catalogue_documents() -> list[dict[str, Any]]:
    catalogue = CORPUS_DIR / "catalogue.yml"
    if not catalogue.exists():
        pytest.skip("corpus/catalogue.yml not generated (countybudget corpus build)")
    documents = yaml.safe_load(catalogue.read_text(encoding="utf-8"))["documents"]
    for doc in documents:
        doc["sha256"] = hashlib.sha256((CORPUS_DIR / doc["file"]).read_bytes()).hexdigest()
    return documents


def crawled_shas(lake: Path) -> set[str]:
    rows = duckdb.sql(
        f"select distinct sha256 from read_parquet('{lake}/landing/manifest/*.parquet', union_by_name = true) "
        "where sha256 is not null"
    ).fetchall()
    return {sha for (sha,) in rows}


def test_the_quarantine_is_exactly_the_defective_documents(nightly: dict) -> None:
    crawled = crawled_shas(nightly["lake"])
    defective = {
        d["sha256"]
        for d in catalogue_documents()
        if d["sha256"] in crawled and set(d.get("defects") or []) - NOT_CONTENT_DEFECTS
    }
    assert defective, "the corpus served no defective documents: nothing to check"
    why: dict[str, list[str]] = {}
    for report in (nightly["first"], nightly["second"]):
        for q in report["left_out"]["quarantined"]:
            why[q["sha256"]] = q["reasons"]
        for p in report["left_out"]["partial"]:  # withheld in part: the defective tables
            why[p["sha256"]] = [r for t in p["tables_withheld"] for r in t["reasons"]]
        for d in report["left_out"]["not_parsed"]:
            why[d["sha256"]] = [f"not parsed: {d['reason']}"]
    by_sha = {d["sha256"]: d for d in catalogue_documents()}
    held_back = set(why) & set(by_sha)
    wrongly_held = {by_sha[sha]["id"]: why[sha][:3] for sha in held_back - defective}
    let_through = {by_sha[sha]["id"]: by_sha[sha]["defects"] for sha in defective - held_back}
    assert (wrongly_held, let_through) == ({}, {}), "clean documents held back / defective documents published"


def test_published_figures_match_the_ground_truth_to_the_cent(nightly: dict) -> None:
    from testkit.ground_truth_lake import expected_function_spending

    scopes = yaml.safe_load((paths.DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"][
        "function_fact_scopes"
    ]
    clean = [
        d
        for d in catalogue_documents()
        if d.get("ground_truth") and not d.get("defects") and d["sha256"] in crawled_shas(nightly["lake"])
    ]
    assert clean, "no clean corpus document was crawled: nothing to compare"
    with duckdb.connect(str(nightly["lake"] / "serving" / "countybudget.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select document_sha256, budget_scope, function_code, expenditure_type, amount_yuan "
            "from marts.fct_expenditure_by_function"
        ).fetchall()
    published: dict[str, dict[tuple[str, str, str], Decimal]] = defaultdict(dict)
    for sha, scope, code, expenditure_type, amount in rows:
        published[sha][(scope, code, expenditure_type)] = Decimal(amount)
    mismatched = []
    for doc in clean:
        truth = json.loads((CORPUS_DIR / doc["ground_truth"]).read_text(encoding="utf-8"))
        expected = {
            (scopes[kind], code, expenditure_type): amount
            for (kind, code, expenditure_type), amount in expected_function_spending(truth).items()
        }
        if published.get(doc["sha256"], {}) != expected:
            mismatched.append(doc["id"])
    assert mismatched == [], f"{len(mismatched)} of {len(clean)} clean documents differ from the ground truth"
