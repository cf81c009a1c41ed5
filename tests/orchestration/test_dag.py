"""The DAG folder imports cleanly and the nightly DAG has the shape the runbook describes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from countybudget import paths

INSPECTOR = Path(__file__).with_name("dag_inspector.py")
DAGS_FOLDER = paths.REPO_ROOT / "dags"


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """What Airflow's DagBag loads from dags/, inspected in a process with its own AIRFLOW_HOME."""
    home = tmp_path_factory.mktemp("airflow_home")
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "COUNTYBUDGET_DATA": str(home / "data"),
    }
    done = subprocess.run(
        [sys.executable, str(INSPECTOR), str(DAGS_FOLDER)], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def nightly(dagbag: dict) -> dict:
    return dagbag["dags"]["countybudget_nightly"]


def test_the_dag_folder_imports_without_errors(dagbag: dict) -> None:
    assert dagbag["import_errors"] == {}
    assert "countybudget_nightly" in dagbag["dags"]


def test_runs_at_two_in_the_morning_beijing_time_one_at_a_time_without_catchup(nightly: dict) -> None:
    assert nightly["cron"] == "0 2 * * *"
    assert nightly["timezone"] == "Asia/Shanghai"
    assert nightly["catchup"] is False
    assert nightly["max_active_runs"] == 1
    assert {"as_of", "reparse", "crawl"} <= set(nightly["params"])


def upstream_chain(tasks: dict, last: str) -> list[str]:
    """Follow single upstreams back from ``last``: the spine of the DAG."""
    chain = [last]
    while tasks[chain[-1]]["upstream"]:
        (parent,) = tasks[chain[-1]]["upstream"]
        chain.append(parent)
    return chain[::-1]


def test_stages_run_in_the_contract_order(nightly: dict) -> None:
    assert upstream_chain(nightly["tasks"], "run_report") == [
        "list_portals",
        "crawl.discover",
        "crawl.fetch",
        "plan_parse",
        "parse",
        "parse_summary",
        "plan_warehouse",
        "dbt_build",
        "quality_checkpoint",
        "dbt_build_marts",
        "publish",
        "run_report",
    ]


def test_one_crawl_per_portal_and_one_parse_per_document(nightly: dict) -> None:
    tasks = nightly["tasks"]
    assert tasks["crawl.discover"]["in_mapped_group"] and tasks["crawl.fetch"]["in_mapped_group"]
    assert tasks["parse"]["mapped"]
    for single in ("plan_parse", "dbt_build", "quality_checkpoint", "dbt_build_marts", "publish", "run_report"):
        assert not tasks[single]["mapped"] and not tasks[single]["in_mapped_group"], single


def test_a_failed_portal_or_document_does_not_stop_the_rest(nightly: dict) -> None:
    tasks = nightly["tasks"]
    # These run once their upstream is done, whether some mapped instances failed or not.
    assert tasks["plan_parse"]["trigger_rule"] == "all_done"
    assert tasks["parse_summary"]["trigger_rule"] == "all_done"
    assert tasks["run_report"]["trigger_rule"] == "all_done"
    # Publishing needs everything before it to have succeeded: never a half-checked warehouse.
    assert tasks["publish"]["trigger_rule"] == "all_success"


def test_every_task_has_a_timeout_and_records_its_failure(nightly: dict) -> None:
    for task_id, task in nightly["tasks"].items():
        assert task["execution_timeout_seconds"] and task["execution_timeout_seconds"] > 0, task_id
        assert task["on_failure_callback"] == ["on_task_failure"], task_id


def test_retries_back_off_exponentially(nightly: dict) -> None:
    tasks = nightly["tasks"]
    for task_id in ("crawl.discover", "crawl.fetch", "dbt_build", "quality_checkpoint", "publish"):
        assert tasks[task_id]["retries"] >= 1, task_id
        assert tasks[task_id]["retry_exponential_backoff"] > 1, task_id
        assert tasks[task_id]["retry_delay_seconds"] > 0, task_id


def test_assets_for_the_raw_layer_and_the_marts(nightly: dict) -> None:
    outlets = {task_id: t["outlets"] for task_id, t in nightly["tasks"].items() if t["outlets"]}
    assert outlets == {"parse_summary": ["countybudget_raw_layer"], "publish": ["countybudget_marts"]}
