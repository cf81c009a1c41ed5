"""``countybudget run``: the nightly DAG, once, with real Airflow, on this machine.

Points a local Airflow at the lake (``AIRFLOW_HOME`` under ``data/airflow/``,
SQLite metadata, the repository's ``dags/``), migrates its database once, runs
``countybudget_nightly`` with ``dag.test()`` in this process and prints the run
report. Nothing in the user's home directory is touched.

The crawl reads the configured portal registry (``paths.portal_registry()``).
When a portal environment is installed (``orchestration.plugins``: the
testkit's offline mirror) and not declined with ``--no-mirror``, the DAG runs
inside it: that is the demo ``make run`` shows.

Also ``countybudget publish`` (see ``orchestration.publish``).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
from contextlib import AbstractContextManager, nullcontext
from datetime import date
from pathlib import Path
from typing import Any

from countybudget import paths
from orchestration import plugins
from orchestration.publish import register_publish

log = logging.getLogger(__name__)

DAG_ID = "countybudget_nightly"
DAG_FILE = paths.REPO_ROOT / "dags" / f"{DAG_ID}.py"


def airflow_home() -> Path:
    return paths.data_dir() / "airflow"


def airflow_env(home: Path) -> dict[str, str]:
    """Airflow configuration for a local run: everything under ``home``, nothing from ``~/airflow``."""
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAG_FILE.parent),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
        # One parse task per document: the default cap (1024) is below a county's yearly output.
        "AIRFLOW__CORE__MAX_MAP_LENGTH": "100000",
    }


def configure_airflow(home: Path) -> None:
    """Point this process (and its children) at the local Airflow; must happen before ``import airflow``."""
    if "airflow" in sys.modules and os.environ.get("AIRFLOW_HOME") != str(home):
        raise RuntimeError("airflow was imported before its home was configured; run in a fresh process")
    home.mkdir(parents=True, exist_ok=True)
    os.environ.update(airflow_env(home))


def migrate_metadata_db(home: Path) -> None:
    """``airflow db migrate`` once per Airflow version (a few seconds; idempotent anyway)."""
    from importlib.metadata import version

    stamp = home / f".migrated-{version('apache-airflow')}"
    if stamp.exists() and (home / "airflow.db").exists():
        return
    log.info("migrating the Airflow metadata database in %s", home)
    subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        env=os.environ.copy(),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    stamp.touch()


def load_dag() -> Any:
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=DAG_FILE)
    if bag.import_errors:
        raise RuntimeError(f"the DAG does not import: {bag.import_errors}")
    return bag.dags[DAG_ID]


class TransientNoTasksFilter(logging.Filter):
    """Hold back ``dag.test()``'s "No tasks to run" while the run is still moving.

    ``dag.test()`` is not the scheduler: each pass of its loop first marks what became
    skipped (a parse mapped over no documents, the warehouse tasks after a no-op plan) and
    only finds the tasks that this made runnable on the next pass, logging "No tasks to
    run" in between — on every night with nothing new, about nothing. A real stall repeats
    the same unrunnable set pass after pass (one per second): after ``stall_passes`` of
    those, the warning is let through, and every one after it.
    """

    MESSAGE = "No tasks to run"

    def __init__(self, stall_passes: int = 30) -> None:
        super().__init__()
        self.stall_passes = stall_passes
        self._last: frozenset[str] | None = None
        self._repeats = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.msg, str) or not record.msg.startswith(self.MESSAGE):
            return True
        unrunnable = frozenset(map(str, record.args[0])) if record.args and isinstance(record.args, tuple) \
            and isinstance(record.args[0], (set, frozenset)) else frozenset()
        self._repeats = self._repeats + 1 if unrunnable == self._last else 1
        self._last = unrunnable
        return self._repeats >= self.stall_passes


DAG_TEST_LOGGER = "airflow.sdk.definitions.dag"


def run_dag_once(conf: dict[str, Any]) -> tuple[str, str]:
    """Run the DAG once with ``dag.test()``; return (run id, final state)."""
    dag = load_dag()
    transient = TransientNoTasksFilter()
    logger = logging.getLogger(DAG_TEST_LOGGER)
    logger.addFilter(transient)
    try:
        run = dag.test(run_conf=conf)
    finally:
        logger.removeFilter(transient)
    return run.run_id, str(run.state)


def portal_environment(as_of: date | None, use_plugins: bool = True) -> AbstractContextManager[Any]:
    """Where the crawl finds its portals: the first installed portal environment
    (the testkit's mirror), else the configured registry as it is."""
    if use_plugins:
        for name, factory in plugins.load(plugins.PORTAL_ENVIRONMENTS):
            log.info("portals: %s", name)
            return factory(as_of)
    return nullcontext()


def run_pipeline(
    as_of: date | None = None,
    reparse: bool = False,
    crawl: bool = True,
    mirror: bool = True,
    retries: int | None = None,
) -> dict[str, Any]:
    """Run the nightly DAG once; return its run report (also written under ``data/reports/``).

    ``mirror``: run inside an installed portal environment (the testkit's
    mirror) if there is one; it only matters when the run crawls."""
    home = airflow_home()
    configure_airflow(home)
    if retries is not None:
        os.environ["COUNTYBUDGET_TASK_RETRIES"] = str(retries)
    migrate_metadata_db(home)
    with portal_environment(as_of, use_plugins=mirror and crawl):
        conf = {"as_of": as_of.isoformat() if as_of else None, "reparse": reparse, "crawl": crawl}
        run_id, state = run_dag_once(conf)
    return load_run_report(run_id, state)


def load_run_report(run_id: str, state: str) -> dict[str, Any]:
    from orchestration.pipeline import run_slug

    path = paths.reports_dir() / f"run-{run_slug(run_id)}.json"
    if not path.exists():
        # The report task itself did not run: say so rather than print a stale report.
        return {"run_id": run_id, "dag_run_state": state, "error": f"no run report at {path}"}
    report = json.loads(path.read_text(encoding="utf-8"))
    report["dag_run_state"] = state
    return report


def _run(args: argparse.Namespace) -> int:
    from orchestration.report import format_summary

    if not args.verbose:
        os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")
    report = run_pipeline(
        as_of=args.as_of,
        reparse=args.reparse,
        crawl=not args.no_crawl,
        mirror=not args.no_mirror,
        retries=args.retries,
    )
    if "error" in report:
        print(f"countybudget run {report['run_id']}: {report['dag_run_state']}: {report['error']}")
        return 1
    print(format_summary(report))
    print(f"  run report: {paths.reports_dir() / 'latest.json'}  (Airflow run state: {report['dag_run_state']})")
    return 0 if report["published"] or (report.get("warehouse") or {}).get("unchanged") else 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="run the nightly DAG once with real Airflow (against the testkit's mirror if installed)")
    p.add_argument("--as-of", type=date.fromisoformat, default=None, help="crawl as if on this date (YYYY-MM-DD)")
    p.add_argument("--reparse", action="store_true", help="re-parse every downloaded document")
    p.add_argument("--no-crawl", action="store_true", help="skip the crawl: parse/model/publish what is downloaded")
    p.add_argument("--no-mirror", action="store_true",
                   help="do not start the testkit's mirror: crawl the configured registry (COUNTYBUDGET_PORTAL_REGISTRY)")
    p.add_argument("--retries", type=int, default=None, help="task retries (default: the DAG's, 2)")
    p.set_defaults(func=_run)
    register_publish(sub)
