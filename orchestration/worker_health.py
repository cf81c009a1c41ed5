"""Is a Celery worker alive? compose's worker healthcheck; ``make cluster``'s test checks it mid-task.

Compose runs workers with the solo pool (docker-compose.yml says why), and a solo worker
runs each task inside its own loop, so while it runs one it does not answer
``celery inspect ping``: a ping-only healthcheck reads a busy worker as dead. A worker
is healthy when it answers a ping, or when it is running a task — its process has a
live task process as a child (Airflow's task runner titles it ``airflow worker -- <ti>``).
A worker that neither answers nor runs a task is not healthy.

    python -m orchestration.worker_health [--node celery@host] [--pid PID]
"""

from __future__ import annotations

import argparse
import socket
import sys

import psutil

TASK_PROCESS_TITLE = "airflow worker --"  # airflow.sdk.execution_time.task_runner's setproctitle


def answers_ping(node: str, timeout: float = 5.0) -> bool:
    from airflow.providers.celery.executors.celery_executor import app

    replies = app.control.ping(destination=[node], timeout=timeout) or []
    return any(node in reply for reply in replies)


def _command_line(process: psutil.Process) -> str:
    try:
        return " ".join(process.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return ""


def runs_a_task(worker_pid: int) -> bool:
    """The worker process has a live task process as a child."""
    try:
        children = psutil.Process(worker_pid).children()
    except psutil.NoSuchProcess:
        return False
    return any(_command_line(child).startswith(TASK_PROCESS_TITLE) for child in children)


def worker_pids() -> list[int]:
    """The ``airflow celery worker`` processes on this host (a container holds one)."""
    found = []
    for process in psutil.process_iter():
        words = _command_line(process).split()
        if "celery" in words and "worker" in words and "--" not in words:
            found.append(process.pid)
    return found


def is_healthy(node: str, worker_pid: int | None = None, timeout: float = 5.0) -> tuple[bool, str]:
    """(healthy, why) for the worker named ``node`` whose process is ``worker_pid`` (default: found)."""
    if worker_pid is not None and not psutil.pid_exists(worker_pid):
        return False, f"worker process {worker_pid} is gone"
    # The task first: it is read from /proc at once, the ping waits up to ``timeout``.
    busy = [pid for pid in ([worker_pid] if worker_pid is not None else worker_pids()) if runs_a_task(pid)]
    if busy:
        return True, f"{node} is running a task (process {busy[0]})"
    if answers_ping(node, timeout):
        return True, f"{node} answers a ping"
    return False, f"{node} neither answers a ping within {timeout:g} s nor runs a task"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--node", default=f"celery@{socket.gethostname()}", help="the worker's Celery node name")
    parser.add_argument("--pid", type=int, default=None, help="the worker's process (default: found on this host)")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds to wait for the ping")
    args = parser.parse_args(argv)
    healthy, why = is_healthy(args.node, args.pid, args.timeout)
    print(why)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
