"""The DAG's Airflow callbacks: what happens when a task fails (after its retries).

The failure is recorded in the run journal first (``orchestration.pipeline``),
so the run report names it, then sent to the webhook connection an Airflow
Variable names, if any.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from orchestration.pipeline import record_failure

log = logging.getLogger(__name__)

# Airflow Variable naming the connection to notify on task failure (an HTTP(S)
# webhook: chat bot, alert manager). Unset: failures are only recorded.
NOTIFY_CONN_VARIABLE = "countybudget_notify_conn_id"


def on_task_failure(context: Mapping[str, Any]) -> None:
    """Task failure callback: record the failure in the run journal, then notify if configured."""
    ti = context["ti"]
    error = f"{type(context.get('exception')).__name__}: {context.get('exception')}"
    record_failure(context["run_id"], ti.task_id, getattr(ti, "map_index", None), error)
    try:
        notify_failure(context["dag"].dag_id, context["run_id"], ti.task_id, error)
    except Exception:  # a broken alert channel must not hide the failure it reports
        log.exception("could not send the failure notification")


def notify_failure(dag_id: str, run_id: str, task_id: str, error: str) -> bool:
    """POST the failure as JSON to the webhook connection named by the Airflow Variable, if any."""
    import requests
    from airflow.sdk import Connection, Variable

    conn_id = Variable.get(NOTIFY_CONN_VARIABLE, default=None)
    if not conn_id:
        return False
    conn = Connection.get(conn_id)
    message = {"text": f"countybudget: {dag_id} {run_id}: task {task_id} failed: {error}"[:4000]}
    response = requests.post(webhook_url(conn.host, conn.schema, conn.port), json=message, timeout=10)
    response.raise_for_status()
    return True


def webhook_url(host: str, schema: str | None, port: int | None) -> str:
    """The connection's host is the whole webhook URL, or a bare host (then ``schema`` http/https, default https)."""
    if host.startswith(("http://", "https://")):
        return host
    scheme = schema if schema in ("http", "https") else "https"
    return f"{scheme}://{host}{f':{port}' if port else ''}"
