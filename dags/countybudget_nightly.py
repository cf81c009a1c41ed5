"""countybudget_nightly: crawl the county portals, parse, model, check and publish.

Thin TaskFlow file: it imports only ``orchestration``; every task calls one
function of ``orchestration.pipeline`` (library code, tested without Airflow),
the failure callback is ``orchestration.callbacks``. One mapped crawl group per portal and
one mapped parse task per new or changed document, so a portal that is down or
a document that crashes its parser fails only its own tasks; the rest of the
run still publishes, and the run report says what was left out.

Params: ``as_of`` (crawl as if on that date), ``reparse`` (re-parse every
landed document, after a parser improvement), ``crawl`` (false: skip the crawl
and only parse/model/publish what is already downloaded). Re-parse without
crawling: trigger with ``{"reparse": true, "crawl": false}``.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pendulum
from airflow.sdk import Asset, Param, dag, task, task_group

from orchestration.callbacks import on_task_failure
from orchestration.pipeline import raw_layer_uri, serving_uri

# Assets other DAGs can be scheduled on (``schedule=[RAW_LAYER]``).
RAW_LAYER = Asset(name="countybudget_raw_layer", uri=raw_layer_uri())
MARTS = Asset(name="countybudget_marts", uri=serving_uri())

# Retries back off exponentially: 1, 2, 4 … minutes, for portals and resources
# that come back. The local test run (``countybudget run``) sets it from the env.
RETRIES = int(os.environ.get("COUNTYBUDGET_TASK_RETRIES", "2"))
# Cron of the nightly run; "none": triggered runs only (the loopback cluster, orchestration.cluster).
SCHEDULE = os.environ.get("COUNTYBUDGET_SCHEDULE", "0 2 * * *")


@dag(
    dag_id="countybudget_nightly",
    schedule=None if SCHEDULE.strip().lower() in ("", "none") else SCHEDULE,
    start_date=pendulum.datetime(2024, 1, 1, tz="Asia/Shanghai"),
    catchup=False,
    max_active_runs=1,
    tags=["countybudget"],
    doc_md=__doc__,
    params={
        "as_of": Param(None, type=["null", "string"], format="date", description="crawl as of this date"),
        "reparse": Param(False, type="boolean", description="re-parse every landed document"),
        "crawl": Param(True, type="boolean", description="false: skip the crawl, use what is downloaded"),
    },
    default_args={
        "owner": "countybudget",
        "retries": RETRIES,
        "retry_delay": timedelta(minutes=1),
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": timedelta(minutes=30),
        "execution_timeout": timedelta(minutes=30),
        "on_failure_callback": on_task_failure,
    },
)
def countybudget_nightly():
    @task(execution_timeout=timedelta(minutes=1))
    def list_portals(params=None) -> list[str]:
        from orchestration.pipeline import portal_ids

        return portal_ids() if params["crawl"] else []

    @task_group(group_id="crawl")
    def crawl(portal_id: str):
        @task(execution_timeout=timedelta(minutes=20))
        def discover(portal_id: str, params=None, run_id=None) -> dict:
            from orchestration.pipeline import discover_portal

            return discover_portal(portal_id, run_id, as_of=params["as_of"])

        @task(execution_timeout=timedelta(hours=2))
        def fetch(discovered: dict, run_id=None) -> dict:
            from orchestration.pipeline import fetch_portal

            return fetch_portal(discovered, run_id)

        return fetch(discover(portal_id))

    @task(trigger_rule="all_done", retries=0)
    def plan_parse(params=None, run_id=None) -> list[dict]:
        from orchestration.pipeline import plan_parse

        return plan_parse(run_id, reparse=params["reparse"])

    # A parser crash is deterministic: one retry covers a killed worker, no more. The
    # timeout stays above the parser's own per-document limit (20 min with OCR), so a slow
    # scan ends as a recorded parse error, not as a task Airflow killed.
    @task(retries=min(RETRIES, 1), execution_timeout=timedelta(minutes=30))
    def parse(document: dict, run_id=None) -> dict:
        from orchestration.pipeline import parse_document

        return parse_document(document, run_id)

    @task(trigger_rule="all_done", outlets=[RAW_LAYER], retries=0)
    def parse_summary(results: list[dict], run_id=None) -> dict:
        from orchestration.pipeline import summarize_parse

        # One slice request: iterating the lazy XCom sequence reads item after item until one
        # is missing, and Airflow logs that last miss as "[error] XCom not found" on every run.
        return summarize_parse(results[:], run_id)

    # A no-op night (nothing new, re-parsed or gone, same code) skips dbt, GX and publish;
    # the report, whose trigger rule is all_done, still runs and says so.
    @task.short_circuit(ignore_downstream_trigger_rules=False, retries=0)
    def plan_warehouse(run_id=None) -> bool:
        from orchestration.pipeline import plan_warehouse

        return plan_warehouse(run_id)

    @task(execution_timeout=timedelta(hours=1))
    def dbt_build(run_id=None) -> dict:
        from orchestration.pipeline import build_models

        return build_models(run_id)

    @task(execution_timeout=timedelta(hours=1))
    def quality_checkpoint(run_id=None) -> dict:
        from orchestration.pipeline import check_quality

        return check_quality(run_id)

    @task(execution_timeout=timedelta(hours=1))
    def dbt_build_marts(run_id=None) -> dict:
        from orchestration.pipeline import build_marts

        return build_marts(run_id)

    @task(outlets=[MARTS], execution_timeout=timedelta(minutes=20))
    def publish(run_id=None) -> dict:
        from orchestration.pipeline import publish_serving

        return publish_serving(run_id)

    @task(trigger_rule="all_done", retries=0, execution_timeout=timedelta(minutes=10))
    def run_report(run_id=None) -> dict:
        import logging

        from orchestration.report import build_run_report, format_summary, write_run_report

        report = build_run_report(run_id)
        path = write_run_report(report)
        logging.getLogger("orchestration.report").info("%s", format_summary(report))
        if not report["published"] and not report["warehouse"].get("unchanged"):
            # The run failed as a whole: nothing new reached BI users.
            raise RuntimeError(f"the run did not publish; see {path}")
        return {"report": str(path), "documents": report["documents"]}

    crawled = crawl.expand(portal_id=list_portals())
    planned = plan_parse()
    crawled >> planned
    parsed = parse_summary(parse.expand(document=planned))
    published = publish()
    parsed >> plan_warehouse() >> dbt_build() >> quality_checkpoint() >> dbt_build_marts() >> published >> run_report()


countybudget_nightly()
