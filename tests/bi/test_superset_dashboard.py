"""Superset for real on the marts of one nightly run: its own environment, provisioned
from bi/superset/, served by gunicorn on 127.0.0.1; the dashboard opened in headless
Chromium, every figure it shows compared with SQL on the serving copy; and queries
through Superset running across publishes never fail nor see a half-built warehouse.

The screenshot is kept at tests/artifacts/superset-dashboard.png (printed).
"""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from bi_lake import NightlyLake

from countybudget import paths
from orchestration.publish import publish

pytestmark = pytest.mark.slow

SUPERSET_DIR = paths.REPO_ROOT / "bi" / "superset"
sys.path.insert(0, str(SUPERSET_DIR))
from provision import Superset  # noqa: E402 - bi/superset is a folder of scripts, not a package
from serve import SupersetServer, ensure_chromium, superset_bin  # noqa: E402

ARTIFACTS = paths.REPO_ROOT / "tests" / "artifacts"
SPEC_CHARTS = 8  # charts in bi/superset/dashboard.yml


@pytest.fixture(scope="module")
def superset(nightly_lake: NightlyLake):
    # a password beginning with "-" (as a generated one may) must not be taken for an option
    with SupersetServer(nightly_lake.serving, password="-pw-" + secrets.token_urlsafe(9)) as server:
        print(f"\nSuperset ready in {server.provisioned['seconds_to_ready']} s at {server.url}")
        yield server


def marts(lake: NightlyLake, sql: str) -> list[tuple]:
    with duckdb.connect(str(lake.serving), read_only=True) as con:
        return con.execute(sql).fetchall()


def amount(text: str) -> Decimal | None:
    """A figure as the dashboard prints it (",.2f"; N/A for NULL)."""
    return None if text in ("N/A", "", "∅", "null") else Decimal(text.replace(",", ""))


@pytest.fixture(scope="module")
def shown(superset: SupersetServer) -> dict[str, dict[str, Any]]:
    ensure_chromium()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / "superset-dashboard.png"
    done = subprocess.run(
        [superset_bin("python"), str(SUPERSET_DIR / "browser_check.py"), "--url", superset.url,
         "--screenshot", str(screenshot), "--expected-charts", str(SPEC_CHARTS), f"--password={superset.password}"],
        capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    print(f"\ndashboard screenshot: {screenshot}")
    assert screenshot.stat().st_size > 10_000
    by_id = json.loads(done.stdout.strip().splitlines()[-1])["charts"]
    ids = {str(chart_id): key for key, chart_id in superset.provisioned["charts"].items()}
    return {ids[chart_id]: chart for chart_id, chart in by_id.items()}


def test_every_chart_renders_without_error(shown: dict[str, dict[str, Any]]) -> None:
    assert len(shown) == SPEC_CHARTS
    assert {k: c["error"] for k, c in shown.items() if c["error"]} == {}
    assert shown["spending_by_class_region"]["canvas"] >= 1, "the bar chart drew nothing"


def test_big_numbers_equal_the_marts(shown: dict[str, dict[str, Any]], nightly_lake: NightlyLake) -> None:
    ((spending,),) = marts(nightly_lake, "select sum(total_yuan) from marts.mart_region_function_spending "
                                         "where doc_type = 'budget'")
    assert amount(shown["spending_total"]["big_number"]) == spending and spending > 0
    ((documents, tables),) = marts(nightly_lake, """
        select count(distinct document_sha256) filter (where withheld = 'document'),
               count(*) filter (where withheld = 'table') from marts.mart_quarantine""")
    assert int(shown["documents_withheld"]["big_number"]) == documents >= 1
    assert int(shown["tables_withheld"]["big_number"]) == tables


def test_spending_by_region_and_class_equals_the_mart_to_the_cent(shown: dict[str, dict[str, Any]],
                                                                   nightly_lake: NightlyLake) -> None:
    table = shown["spending_table"]
    assert table["header"] == ["region_name", "fiscal_year", "doc_type", "function_class", "spending_yuan"]
    on_screen = Counter((r[0], int(r[1]), r[2], r[3], amount(r[4])) for r in table["rows"])
    expected = Counter(marts(nightly_lake, """
        select coalesce(r.region_name, m.region_code), m.fiscal_year, m.doc_type,
               m.class_code || ' ' || m.class_name, sum(m.total_yuan)
        from marts.mart_region_function_spending m left join marts.dim_region r using (region_code)
        group by all"""))
    assert on_screen == expected and len(on_screen) >= 5


def test_year_on_year_change_equals_the_mart(shown: dict[str, dict[str, Any]], nightly_lake: NightlyLake) -> None:
    on_screen = Counter((r[0], int(r[1]), r[2], r[3], amount(r[4]), amount(r[5]), amount(r[6]))
                        for r in shown["year_on_year"]["rows"])
    expected = Counter(marts(nightly_lake, """
        select coalesce(r.region_name, m.region_code), m.fiscal_year, m.doc_type,
               m.class_code || ' ' || m.class_name, m.previous_year_total_yuan, m.total_yuan,
               cast(m.change_percent as decimal(18, 2))
        from marts.mart_region_function_spending m left join marts.dim_region r using (region_code)
        where m.previous_year_total_yuan is not null"""))
    assert on_screen == expected and on_screen


def test_three_public_by_region_equals_the_mart(shown: dict[str, dict[str, Any]], nightly_lake: NightlyLake) -> None:
    on_screen = Counter((r[0], int(r[1]), r[2], amount(r[3]), amount(r[4])) for r in shown["three_public"]["rows"])
    expected = Counter(marts(nightly_lake, """
        select coalesce(r.region_name, t.region_code), t.fiscal_year, t.doc_type,
               sum(t.planned_total_yuan), sum(t.actual_total_yuan)
        from marts.mart_three_public_by_region_year t left join marts.dim_region r using (region_code)
        group by all"""))
    assert on_screen == expected and on_screen


def test_the_quarantine_lists_every_withheld_item_with_its_reasons(shown: dict[str, dict[str, Any]],
                                                                   nightly_lake: NightlyLake) -> None:
    on_screen = Counter((r[0], r[5], r[6]) for r in shown["quarantine"]["rows"])
    expected = Counter((w, " | ".join(reasons), url) for w, reasons, url in marts(nightly_lake, """
        select q.withheld, q.reasons, d.attachment_url
        from marts.mart_quarantine q left join marts.dim_document d using (document_sha256)"""))
    assert on_screen == expected and on_screen


def spending_query(superset: SupersetServer) -> dict[str, Any]:
    """What the dashboard's big number asks Superset for (POST /api/v1/chart/data)."""
    return {
        "datasource": {"id": superset.provisioned["datasets"]["spending_by_region_class"], "type": "table"},
        "force": True,
        "queries": [{"columns": [], "row_limit": 1, "filters": [{"col": "doc_type", "op": "==", "val": "budget"}],
                     "metrics": [{"expressionType": "SIMPLE", "aggregate": "SUM",
                                  "column": {"column_name": "total_yuan"}, "label": "spending_yuan"}]}],
        "result_format": "json", "result_type": "full",
    }


def test_queries_through_publishes_never_fail_nor_see_a_half_built_warehouse(
        superset: SupersetServer, nightly_lake: NightlyLake, tmp_path: Path) -> None:
    serving = nightly_lake.serving
    original = tmp_path / "a.duckdb"
    shutil.copyfile(serving, original)
    changed = tmp_path / "b.duckdb"
    shutil.copyfile(serving, changed)
    with duckdb.connect(str(changed)) as con:  # another build: one figure 1.00 元 higher
        con.execute("""update marts.mart_region_function_spending set total_yuan = total_yuan + 1
                       where region_function_spending_key = (select min(region_function_spending_key)
                       from marts.mart_region_function_spending where doc_type = 'budget')""")
        con.execute("checkpoint")
    ((before,),) = marts(nightly_lake, "select sum(total_yuan) from marts.mart_region_function_spending "
                                       "where doc_type = 'budget'")
    allowed = {before, before + 1}

    client = Superset(superset.url, "admin", superset.password)
    body = spending_query(superset)
    answers: list[Any] = []
    failures: list[str] = []
    publishing = threading.Event()
    publishing.set()

    def read() -> None:
        deadline = time.monotonic() + 120  # bounded, whatever happens to the publisher
        while publishing.is_set() and time.monotonic() < deadline:
            response = client.http.post(f"{superset.url}/api/v1/chart/data", json=body, timeout=60)
            if response.status_code != 200:
                failures.append(f"HTTP {response.status_code}: {response.text[:500]}")
                continue
            answers.append(response.json()["result"][0]["data"][0]["spending_yuan"])

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for build in (changed, original, changed, original, changed, original):
            time.sleep(1.5)
            publish(build=build, serving=serving, allow_unchecked=True, allow_emptied=True)
        time.sleep(1.5)
    finally:
        publishing.clear()
        reader.join()
    assert failures == []
    seen = {Decimal(str(a)).quantize(Decimal("0.01")) for a in answers}
    assert seen <= allowed, f"an answer from neither build: {seen - allowed}"
    assert seen == allowed, f"Superset did not see both builds in {len(answers)} queries: {seen}"
    ((after,),) = marts(nightly_lake, "select sum(total_yuan) from marts.mart_region_function_spending "
                                      "where doc_type = 'budget'")
    assert after == before, "the original build is served again"
