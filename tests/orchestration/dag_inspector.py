"""Load the DAG folder with Airflow's DagBag and print what the scheduler would see, as JSON.

Run in its own process (``python dag_inspector.py DAGS_FOLDER``) with
AIRFLOW_HOME set by the caller, so importing Airflow never touches the
test process or the user's home.
"""

from __future__ import annotations

import json
import sys

from airflow.dag_processing.dagbag import DagBag


def describe_task(task) -> dict:
    timeout = task.execution_timeout
    delay = task.retry_delay
    group = task.task_group
    return {
        "type": type(task).__name__,
        "upstream": sorted(task.upstream_task_ids),
        "trigger_rule": str(task.trigger_rule.value if hasattr(task.trigger_rule, "value") else task.trigger_rule),
        "retries": task.retries,
        "retry_delay_seconds": delay.total_seconds() if delay else None,
        "retry_exponential_backoff": task.retry_exponential_backoff,
        "execution_timeout_seconds": timeout.total_seconds() if timeout else None,
        "mapped": bool(getattr(task, "is_mapped", False)) or type(task).__name__.endswith("MappedOperator"),
        "in_mapped_group": bool(group is not None and type(group).__name__ == "MappedTaskGroup"),
        "outlets": [getattr(o, "name", str(o)) for o in (task.outlets or [])],
        "on_failure_callback": [getattr(cb, "__qualname__", str(cb)) for cb in _as_list(task.on_failure_callback)],
    }


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def main(folder: str) -> None:
    bag = DagBag(dag_folder=folder)
    out = {"import_errors": {str(k): str(v) for k, v in bag.import_errors.items()}, "dags": {}}
    for dag_id, dag in bag.dags.items():
        timetable = dag.timetable
        out["dags"][dag_id] = {
            "cron": getattr(timetable, "_expression", None) or getattr(timetable, "expression", None),
            "timezone": str(dag.timezone.name if hasattr(dag.timezone, "name") else dag.timezone),
            "catchup": dag.catchup,
            "max_active_runs": dag.max_active_runs,
            "params": sorted(dag.params.keys()),
            "tasks": {t.task_id: describe_task(t) for t in dag.tasks},
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
