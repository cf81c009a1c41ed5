"""``make cluster`` for real: the nightly DAG through the scheduler of a loopback Celery cluster.

One cluster (PostgreSQL, Redis, API server, scheduler, DAG processor, two
Celery workers: ``orchestration.cluster``) runs ``countybudget_nightly`` on a
fresh lake against the mirror served by this test. Once both workers have
parsed a document, the worker running a parse task is SIGKILLed (with its task
process), as a machine that dies would be. Then ``countybudget run``
(``dag.test()``, as ``make run``) runs on a second fresh lake against the same
mirror, and the two published serving copies are compared mart by mart.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from countybudget import paths
from orchestration.cluster import WORKERS, Cluster, running_cluster
from orchestration.pipeline_cli import load_run_report
from testkit.demo import crawler_environment
from testkit.mirror.server import MirrorServer

# One cluster run, a killed worker's retry (30 s to declare it dead, 1 min retry delay) and a make run:
# about 10 minutes on the shared 2-core machine, more than the default per-test timeout.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(2400)]

WAREHOUSE_WRITERS = ("dbt_build", "quality_checkpoint", "dbt_build_marts", "publish")


def run_and_kill_a_worker(cluster: Cluster, timeout: float = 900) -> tuple[str, str, dict[str, Any] | None]:
    """Trigger the run; SIGKILL the worker of a running parse task once both workers parsed one.

    Returns (run id, final state, the parse try that was running when its worker died)."""
    run_id = cluster.trigger({"as_of": None, "reparse": False, "crawl": True})
    deadline = time.monotonic() + timeout
    victim: dict[str, Any] | None = None
    while time.monotonic() < deadline:
        cluster.check_alive()
        state = cluster.run_state(run_id)
        if state in ("success", "failed"):
            return run_id, state, victim
        if victim is None:
            parses = [ti for ti in cluster.task_instances(run_id) if ti["task_id"] == "parse"]
            parsed_on = {ti["hostname"] for ti in parses if ti["state"] == "success"}
            running = [ti for ti in parses if ti["state"] == "running" and ti["hostname"] in WORKERS]
            if parsed_on >= set(WORKERS) and running:
                candidate = running[0]
                health = worker_health(cluster, candidate["hostname"])
                if still_running(cluster, run_id, candidate):  # else the parse ended meanwhile: try the next one
                    victim = candidate
                    cluster.kill(victim["hostname"])
                    victim["health_mid_task"] = health
                    victim["health_killed"] = worker_health(cluster, victim["hostname"])
        time.sleep(0.5)
    raise AssertionError(f"run {run_id} did not finish within {timeout:.0f} s")


def worker_health(cluster: Cluster, worker: str) -> tuple[int, str]:
    """compose's worker healthcheck (orchestration.worker_health) run against one worker: (exit code, why)."""
    node = f"{worker}@{socket.gethostname()}"
    done = subprocess.run([sys.executable, "-m", "orchestration.worker_health", "--node", node,
                           "--pid", str(cluster.processes[worker].pid)],
                          env=cluster.env, capture_output=True, text=True, timeout=120)
    return done.returncode, (done.stdout + done.stderr).strip()[-500:]


def still_running(cluster: Cluster, run_id: str, ti: dict[str, Any]) -> bool:
    key = ("task_id", "map_index", "try_number", "hostname")
    return any(all(other[k] == ti[k] for k in key) and other["state"] == "running"
               for other in cluster.task_instances(run_id))


def make_run(lake: Path, mirror_url: str) -> dict[str, Any]:
    env = {**os.environ, "COUNTYBUDGET_DATA": str(lake), **crawler_environment(mirror_url)}
    env.pop("COUNTYBUDGET_WAREHOUSE", None)
    env.pop("COUNTYBUDGET_SERVING", None)
    done = subprocess.run([sys.executable, "-m", "orchestration.cli", "run", "--no-mirror"],
                          env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"make run failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return {"lake": lake}


@pytest.fixture(scope="module")
def cluster_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    # PostgreSQL and Redis from Debian, as `make cluster` installs them on a fresh machine
    subprocess.run([str(paths.REPO_ROOT / "scripts" / "cluster.sh"), "--install-only"], check=True, timeout=600)
    mirror = MirrorServer(port=0).start()
    try:
        lake = tmp_path_factory.mktemp("cluster-lake")
        lake_env = {"COUNTYBUDGET_DATA": str(lake), "COUNTYBUDGET_WAREHOUSE": None, "COUNTYBUDGET_SERVING": None}
        with paths.environment(**lake_env, **crawler_environment(mirror.base_url)):
            with running_cluster(lake) as cluster:
                run_id, state, victim = run_and_kill_a_worker(cluster)
                task_instances = cluster.task_instances(run_id)
            report = load_run_report(run_id, state)  # read from this lake's reports/
        reference = make_run(tmp_path_factory.mktemp("make-run-lake"), mirror.base_url)
    finally:
        mirror.stop()
    return {"lake": lake, "state": state, "victim": victim, "tis": task_instances, "report": report,
            "reference_lake": reference["lake"]}


def test_the_run_publishes_through_the_scheduler(cluster_run: dict[str, Any]) -> None:
    assert cluster_run["state"] == "success"
    assert cluster_run["report"]["published"], cluster_run["report"]
    assert cluster_run["report"]["left_out"]["failed_tasks"] == []  # the killed parse's retry succeeded


def test_parse_tasks_ran_on_both_workers(cluster_run: dict[str, Any]) -> None:
    parsed_on = {ti["hostname"] for ti in cluster_run["tis"] if ti["task_id"] == "parse" and ti["state"] == "success"}
    assert parsed_on == set(WORKERS)


def test_a_killed_workers_parse_is_retried_on_the_other(cluster_run: dict[str, Any]) -> None:
    victim = cluster_run["victim"]
    assert victim is not None, "no parse task was running once both workers had parsed one"
    tries = sorted((ti for ti in cluster_run["tis"] if ti["task_id"] == "parse" and ti["map_index"] == victim["map_index"]),
                   key=lambda ti: ti["try_number"])
    assert [ti["try_number"] for ti in tries] == [victim["try_number"], victim["try_number"] + 1]
    killed, retried = tries
    assert killed["hostname"] == victim["hostname"] and killed["state"] in ("failed", "up_for_retry")
    assert retried["state"] == "success"
    assert retried["hostname"] != victim["hostname"] and retried["hostname"] in WORKERS


def test_the_worker_healthcheck_reads_a_busy_worker_healthy_and_a_dead_one_not(cluster_run: dict[str, Any]) -> None:
    victim = cluster_run["victim"]
    assert victim is not None, "no worker was killed"
    code, why = victim["health_mid_task"]
    assert code == 0, why  # busy with a parse: a solo worker answers no ping, yet it is healthy
    code, why = victim["health_killed"]
    assert code == 1 and "gone" in why, why


def test_the_warehouse_is_written_by_one_task_at_a_time(cluster_run: dict[str, Any]) -> None:
    writers = sorted((ti for ti in cluster_run["tis"] if ti["task_id"] in WAREHOUSE_WRITERS),
                     key=lambda ti: ti["start_date"])
    assert [ti["task_id"] for ti in writers] == list(WAREHOUSE_WRITERS)  # one try each, in this order
    for earlier, later in zip(writers, writers[1:]):
        assert earlier["end_date"] <= later["start_date"], f"{earlier['task_id']} overlaps {later['task_id']}"


def comparable(value: Any, lake: Path) -> Any:
    """A mart value as it must agree between two runs: when it was processed and in which
    lake directory are the run's own (parsed_at, landing paths), everything else is content."""
    if isinstance(value, datetime):
        return "<processed at>"
    if isinstance(value, str):
        return value.replace(str(lake), "<lake>")
    if isinstance(value, list):
        return [comparable(v, lake) for v in value]
    return value


def mart_contents(lake: Path) -> dict[str, list[tuple[Any, ...]]]:
    with duckdb.connect(str(lake / "serving" / "countybudget.duckdb"), read_only=True) as con:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
        return {
            t: sorted((tuple(comparable(v, lake) for v in row) for row in con.execute(f'select * from marts."{t}"').fetchall()),
                      key=repr)
            for t in tables
        }


def test_the_published_marts_equal_those_of_make_run(cluster_run: dict[str, Any]) -> None:
    on_cluster = mart_contents(cluster_run["lake"])
    by_make_run = mart_contents(cluster_run["reference_lake"])
    assert on_cluster.keys() == by_make_run.keys()
    assert sum(map(len, on_cluster.values())) > 1000
    differing = [t for t in on_cluster if on_cluster[t] != by_make_run[t]]
    assert not differing, differing
