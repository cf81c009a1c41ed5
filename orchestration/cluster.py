"""``countybudget cluster``: the deployment of docker-compose.yml, run on 127.0.0.1 without Docker.

PostgreSQL and Redis (Debian packages) in a throwaway directory, then the
Airflow API server, scheduler, DAG processor and two Celery workers, each a
process of this repository's ``.venv``, configured from the environment of
compose's ``x-airflow-common`` (read from the file, interpolated like compose
does, its service addresses and container paths mapped to loopback ports and
this checkout). ``countybudget_nightly`` is triggered through the scheduler,
the run is awaited, its report printed, and every process started is stopped
by its process group, on failure and Ctrl-C too.

It lives in ``orchestration`` (not the testkit) because it is the product's own
deployment shape and prints the product's run report; like ``countybudget run``
it finds the offline mirror through the portal-environment entry point, never
by importing the harness.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from countybudget import paths

log = logging.getLogger(__name__)

COMPOSE_FILE = paths.REPO_ROOT / "docker-compose.yml"
DAG_ID = "countybudget_nightly"
CONTAINER_ROOT = "/opt/countybudget"  # where compose mounts the checkout
WORKERS = ("worker-1", "worker-2")  # the default: two, like the cluster


def worker_names(count: int) -> tuple[str, ...]:
    return tuple(f"worker-{i}" for i in range(1, count + 1))
# Compose variables the cluster sets, as an operator would in .env: Celery, and no
# schedule (a first sight of the DAG would otherwise start today's 02:00 run too).
COMPOSE_VARIABLES = {"AIRFLOW_EXECUTOR": "CeleryExecutor", "COUNTYBUDGET_SCHEDULE": "none"}
# Loopback-only settings, not compose's: a killed worker's task is declared dead
# after 30 s instead of 5 minutes.
LOCAL_SETTINGS = {
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "30",
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "5",
}
WORKER_NAME_VARIABLE = "COUNTYBUDGET_WORKER_NAME"
FINAL_RUN_STATES = ("success", "failed")


class ClusterError(RuntimeError):
    """A server of the cluster did not start, or the run did not finish in time."""


# ---------------------------------------------------------------- configuration


_VARIABLE = re.compile(r"\$\$|\$\{(\w+)(?::?-([^}]*))?\}")


def interpolate(value: str, variables: Mapping[str, str]) -> str:
    """Compose's ``${NAME}``, ``${NAME:-default}`` and ``$$`` in one value."""

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, default = match.group(1), match.group(2)
        return variables.get(name) or (default or "")

    return _VARIABLE.sub(substitute, value)


def compose_airflow_environment(variables: Mapping[str, str], compose_file: Path = COMPOSE_FILE) -> dict[str, str]:
    """The environment every Airflow service of compose gets, interpolated with ``variables``."""
    import yaml

    compose = yaml.safe_load(compose_file.read_text(encoding="utf-8"))
    environment = compose["x-airflow-common"]["environment"]
    return {name: interpolate(str(value), variables) for name, value in environment.items()}


@dataclass(frozen=True)
class Ports:
    postgres: int
    redis: int
    api: int

    @classmethod
    def free(cls) -> Ports:
        return cls(*(free_port() for _ in range(3)))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def loopback(value: str, ports: Ports, lake: Path) -> str:
    """A compose value with its service addresses and container paths made local."""
    for service, port in (("postgres:5432", ports.postgres), ("redis:6379", ports.redis),
                          ("airflow-api-server:8080", ports.api)):
        value = value.replace(f"@{service}/", f"@127.0.0.1:{port}/").replace(f"//{service}/", f"//127.0.0.1:{port}/")
    value = value.replace(f"{CONTAINER_ROOT}/data", str(lake))
    return value.replace(CONTAINER_ROOT, str(paths.REPO_ROOT))


def cluster_environment(home: Path, ports: Ports, lake: Path) -> dict[str, str]:
    """The full environment of the cluster's Airflow processes."""
    variables = {**os.environ, **COMPOSE_VARIABLES}
    compose = compose_airflow_environment(variables)
    env = {name: loopback(value, ports, lake) for name, value in compose.items()}
    return {
        **os.environ,
        **env,
        **LOCAL_SETTINGS,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
        "AIRFLOW__API__PORT": str(ports.api),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "COUNTYBUDGET_DATA": str(lake),
    }


def worker_hostname() -> str:
    """``[core] hostname_callable`` of a cluster worker: its name, so task instances say which ran them."""
    name = os.environ.get(WORKER_NAME_VARIABLE)
    if name:
        return name
    return socket.getfqdn()


# ---------------------------------------------------------------- processes


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log_file: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill_group(self, sig: int = signal.SIGKILL) -> None:
        """Signal the process and everything it started (its own session)."""
        try:
            os.killpg(self.pid, sig)
        except ProcessLookupError:
            pass

    def wait_or_kill(self, deadline: float) -> None:
        """Wait for the process until ``deadline`` (monotonic), then SIGKILL its group's leftovers."""
        try:
            self.popen.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log.warning("%s (pid %s) did not stop in time: killing it", self.name, self.pid)
        self.kill_group(signal.SIGKILL)  # leftovers of its group (task processes) go too
        self.popen.wait()


def stop_together(processes: list[Process], timeout: float = 20.0) -> None:
    """SIGTERM every process at once, then wait for them all, SIGKILL what is left after ``timeout``."""
    for process in processes:
        if process.alive():
            process.kill_group(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in processes:
        process.wait_or_kill(deadline)

    def tail(self, lines: int = 30) -> str:
        text = self.log_file.read_text(encoding="utf-8", errors="replace") if self.log_file.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parts[-3]))
    if not found:
        raise ClusterError("PostgreSQL is not installed (Debian package postgresql; scripts/cluster.sh installs it)")
    return found[-1].parent


def as_postgres_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the Debian package's ``postgres`` user."""
    if os.geteuid() != 0:
        return command
    return ["setpriv", "--reuid=postgres", "--regid=postgres", "--clear-groups", "--", *command]


def wait_for_port(port: int, process: Process, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.alive():
            raise ClusterError(f"{process.name} exited ({process.popen.returncode}):\n{process.tail()}")
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise ClusterError(f"{process.name} did not listen on 127.0.0.1:{port} within {timeout:.0f} s:\n{process.tail()}")


@dataclass
class Cluster:
    """The servers of one cluster; ``start()`` them, ``stop()`` every one (by process group)."""

    root: Path
    lake: Path
    workers: tuple[str, ...] = WORKERS
    ports: Ports = field(default_factory=Ports.free)
    processes: dict[str, Process] = field(default_factory=dict)
    killed: set[str] = field(default_factory=set)  # killed on purpose (a test's dead worker)

    @property
    def home(self) -> Path:
        return self.root / "airflow"

    @property
    def env(self) -> dict[str, str]:
        return cluster_environment(self.home, self.ports, self.lake)

    def spawn(self, name: str, command: list[str], env: Mapping[str, str] | None = None) -> Process:
        log_file = self.root / "logs" / f"{name}.log"
        log_file.parent.mkdir(parents=True, exist_ok=True)
        with log_file.open("ab") as out:
            popen = subprocess.Popen(
                command, env=dict(env or self.env), stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True, cwd=self.root,
            )
        process = Process(name, popen, log_file)
        self.processes[name] = process
        log.info("started %s (pid %s), log %s", name, popen.pid, log_file)
        return process

    def airflow(self, *args: str) -> list[str]:
        return [str(Path(sys.executable).with_name("airflow")), *args]

    # --- servers
    def start_postgres(self) -> None:
        data = self.root / "postgres"
        data.mkdir(mode=0o700)
        sockets = self.root / "postgres-socket"
        sockets.mkdir()
        if os.geteuid() == 0:
            shutil.chown(data, "postgres", "postgres")
            shutil.chown(sockets, "postgres", "postgres")
        bin_dir = postgres_bin()
        # trust on loopback: a throwaway server listening on 127.0.0.1 only, for this run
        subprocess.run(
            as_postgres_user([str(bin_dir / "initdb"), "-D", str(data), "-U", "airflow", "--auth=trust",
                              "--encoding=UTF8", "--no-instructions"]),
            check=True, stdout=subprocess.DEVNULL, cwd=self.root,
        )
        server = self.spawn("postgres", as_postgres_user([
            str(bin_dir / "postgres"), "-D", str(data), "-p", str(self.ports.postgres),
            "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={sockets}", "-c", "fsync=off",
            "-c", "max_connections=200",
        ]))
        wait_for_port(self.ports.postgres, server, 30)
        self._create_database()

    def _create_database(self) -> None:
        import psycopg2

        deadline = time.monotonic() + 20
        while True:
            try:
                con = psycopg2.connect(host="127.0.0.1", port=self.ports.postgres, user="airflow", dbname="postgres")
                break
            except psycopg2.OperationalError:  # accepting connections a moment after listening
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute("create database airflow")
        con.close()

    def start_redis(self) -> None:
        redis = shutil.which("redis-server")
        if not redis:
            raise ClusterError("redis-server is not installed (Debian package redis-server; scripts/cluster.sh installs it)")
        (self.root / "redis").mkdir()
        server = self.spawn("redis", [redis, "--port", str(self.ports.redis), "--bind", "127.0.0.1",
                                      "--save", "", "--appendonly", "no", "--dir", str(self.root / "redis")])
        wait_for_port(self.ports.redis, server, 20)

    def start_airflow(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        subprocess.run(self.airflow("db", "migrate"), env=self.env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, cwd=self.root)
        api = self.spawn("api-server", self.airflow("api-server", "--host", "127.0.0.1", "--port",
                                                    str(self.ports.api), "--workers", "1"))
        self.spawn("scheduler", self.airflow("scheduler"))
        self.spawn("dag-processor", self.airflow("dag-processor"))
        for name in self.workers:
            self.start_worker(name)
        wait_for_port(self.ports.api, api, 120)

    def start_worker(self, name: str) -> Process:
        env = {
            **self.env,
            WORKER_NAME_VARIABLE: name,
            "AIRFLOW__CORE__HOSTNAME_CALLABLE": f"{__name__}.worker_hostname",
        }
        # --skip-serve-logs: two workers on one machine would both serve logs on port 8793;
        # their logs are files under AIRFLOW_HOME that the API server reads directly.
        return self.spawn(name, self.airflow("celery", "worker", "--celery-hostname", f"{name}@%h",
                                             "--skip-serve-logs"), env)

    def start(self) -> Cluster:
        self.start_postgres()
        self.start_redis()
        self.start_airflow()
        return self

    def stop(self) -> None:
        # Airflow first (it holds connections to them), then the servers
        servers = ("postgres", "redis")
        stop_together([p for name, p in self.processes.items() if name not in servers])
        stop_together([p for name, p in self.processes.items() if name in servers])

    # --- the metadata database
    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        import psycopg2

        con = psycopg2.connect(host="127.0.0.1", port=self.ports.postgres, user="airflow", dbname="airflow")
        try:
            with con.cursor() as cur:
                cur.execute(sql, params)
                return list(cur.fetchall())
        finally:
            con.close()

    def check_alive(self) -> None:
        for process in self.processes.values():
            if not process.alive() and process.name not in self.killed:
                raise ClusterError(f"{process.name} exited ({process.popen.returncode}):\n{process.tail()}")

    def kill(self, name: str) -> None:
        """SIGKILL a process and its task processes, as a machine that dies would."""
        self.killed.add(name)
        self.processes[name].kill_group(signal.SIGKILL)
        self.processes[name].popen.wait()

    def wait_for_dag(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            if self.query("select 1 from serialized_dag where dag_id = %s", (DAG_ID,)):
                return
            time.sleep(1)
        raise ClusterError(f"the DAG processor did not serialize {DAG_ID} within {timeout:.0f} s:\n"
                           + self.processes["dag-processor"].tail())

    def trigger(self, conf: Mapping[str, Any]) -> str:
        """Trigger the nightly DAG (the scheduler then runs it on the workers); return the run id."""
        self.wait_for_dag()
        run_id = f"cluster__{datetime.now(timezone.utc):%Y%m%dT%H%M%S}"
        subprocess.run(self.airflow("dags", "trigger", DAG_ID, "--run-id", run_id, "--conf", json.dumps(conf)),
                       env=self.env, check=True, stdout=subprocess.DEVNULL, cwd=self.root)
        return run_id

    def run_state(self, run_id: str) -> str | None:
        rows = self.query("select state from dag_run where dag_id = %s and run_id = %s", (DAG_ID, run_id))
        return rows[0][0] if rows else None

    def wait_for_run(self, run_id: str, timeout: float = 900) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            state = self.run_state(run_id)
            if state in FINAL_RUN_STATES:
                return state
            time.sleep(2)
        raise ClusterError(f"run {run_id} did not finish within {timeout:.0f} s")

    def task_instances(self, run_id: str) -> list[dict[str, Any]]:
        """Every try of every task of the run (earlier tries from task_instance_history)."""
        columns = "task_id, map_index, try_number, state, hostname, start_date, end_date"
        rows = self.query(
            f"select {columns} from task_instance where dag_id = %s and run_id = %s "
            f"union all select {columns} from task_instance_history where dag_id = %s and run_id = %s",
            (DAG_ID, run_id, DAG_ID, run_id),
        )
        names = [c.strip() for c in columns.split(",")]
        return [dict(zip(names, row, strict=True)) for row in rows]


@contextmanager
def running_cluster(lake: Path, keep: bool = False, workers: tuple[str, ...] = WORKERS) -> Iterator[Cluster]:
    """A started cluster in a throwaway directory; everything stopped (and removed) on the way out."""
    root = Path(tempfile.mkdtemp(prefix="countybudget-cluster-"))
    root.chmod(0o755)  # PostgreSQL runs as its own user and must reach its directories
    cluster = Cluster(root=root, lake=lake, workers=workers)
    try:
        yield cluster.start()
    finally:
        cluster.stop()
        if not keep:
            shutil.rmtree(root, ignore_errors=True)


@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """A SIGTERM ends the run like Ctrl-C does: through the ``finally`` that stops the servers."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    # Ctrl-C too, even where SIGINT was ignored (a background job of a non-interactive shell)
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)


# ---------------------------------------------------------------- the command


def run_on_cluster(conf: Mapping[str, Any], mirror: bool = True, keep: bool = False,
                   timeout: float = 900, workers: tuple[str, ...] = WORKERS) -> dict[str, Any]:
    """Start the cluster, run the nightly DAG through its scheduler once, stop it; return the run report."""
    from orchestration.pipeline_cli import load_run_report, portal_environment

    lake = paths.data_dir()
    lake.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        stack.enter_context(stop_on_sigterm())
        # the mirror first: its registry and URL are compose variables the cluster's environment reads
        stack.enter_context(portal_environment(None, use_plugins=mirror and conf.get("crawl", True)))
        cluster = stack.enter_context(running_cluster(lake, keep=keep, workers=workers))
        run_id = cluster.trigger(conf)
        log.info("triggered %s run %s; waiting", DAG_ID, run_id)
        state = cluster.wait_for_run(run_id, timeout)
        report = load_run_report(run_id, state)
        report["cluster"] = {"workers": sorted({ti["hostname"] for ti in cluster.task_instances(run_id)
                                                 if ti["task_id"] == "parse" and ti["hostname"]})}
        return report


def _cluster(args: argparse.Namespace) -> int:
    from orchestration.report import format_summary

    conf = {"as_of": None, "reparse": args.reparse, "crawl": not args.no_crawl}
    try:
        report = run_on_cluster(conf, mirror=not args.no_mirror, keep=args.keep, timeout=args.timeout,
                                workers=worker_names(args.workers))
    except KeyboardInterrupt:
        print("countybudget cluster: interrupted; every process it started is stopped")
        return 130
    except ClusterError as exc:
        print(f"countybudget cluster: {exc}")
        return 1
    if "error" in report:
        print(f"countybudget cluster {report['run_id']}: {report['dag_run_state']}: {report['error']}")
        return 1
    print(format_summary(report))
    print(f"  parse tasks ran on: {', '.join(report['cluster']['workers']) or 'no parse task ran'}")
    print(f"  run report: {paths.reports_dir() / 'latest.json'}  (Airflow run state: {report['dag_run_state']})")
    return 0 if report["published"] else 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("cluster", help="run the nightly DAG once on a loopback Airflow cluster "
                                       "(PostgreSQL, Redis, API server, scheduler, DAG processor, 2 Celery workers)")
    p.add_argument("--reparse", action="store_true", help="re-parse every downloaded document")
    p.add_argument("--no-crawl", action="store_true", help="skip the crawl: parse/model/publish what is downloaded")
    p.add_argument("--no-mirror", action="store_true", help="crawl the configured registry, not the testkit's mirror")
    p.add_argument("--workers", type=int, default=len(WORKERS), help="Celery workers to start (default 2)")
    p.add_argument("--keep", action="store_true", help="keep the cluster's directory (logs, database) afterwards")
    p.add_argument("--timeout", type=float, default=900, help="seconds to wait for the run (default 900)")
    p.set_defaults(func=_cluster)
