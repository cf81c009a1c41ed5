"""The model stage: run the dbt project (``dbt_project/``) against the lake.

``dbt_build`` runs ``dbt build`` as a subprocess of the virtualenv's dbt, with
the project and its in-project ``profiles.yml``, and the lake's paths passed as
environment variables (``countybudget/paths.py`` stays the only place that
knows where files live), and the identities' rules (tolerance, total row) as
dbt vars (``countybudget.identities.dbt_vars``: defined once, in Python). dbt's target and log folders go under the lake, so
builds of two lakes (a test and the nightly run) never share state.

    countybudget build                       # everything
    countybudget build --exclude marts       # before the quality checkpoint
    countybudget build --select marts        # after it
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from countybudget import build_stamp, identities, paths
from countybudget.results import StageResult

THREADS_ENV = "COUNTYBUDGET_DBT_THREADS"
# dbt commands that take no --vars
_NO_VARS = frozenset({"clean", "debug", "deps", "init"})


def dbt_executable() -> str:
    """The dbt next to this interpreter (the project's virtualenv), else dbt on PATH."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def dbt_environment(threads: int | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["COUNTYBUDGET_DATA"] = str(paths.data_dir())
    env["COUNTYBUDGET_WAREHOUSE"] = str(paths.warehouse_path())
    env.setdefault(THREADS_ENV, str(threads or 2))
    if threads:
        env[THREADS_ENV] = str(threads)
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")  # no network: the machine is offline
    return env


def dbt_state_dir() -> Path:
    """dbt's target/ and logs/ for this lake (kept out of the repository)."""
    return paths.data_dir() / "dbt"


def dbt_command(args: list[str], extra_vars: dict[str, Any] | None = None) -> list[str]:
    """The dbt command line for ``args``: this project, this lake, the identities' vars (and ``extra_vars``)."""
    state = dbt_state_dir()
    command = [
        dbt_executable(), *args,
        "--project-dir", str(paths.DBT_PROJECT_DIR),
        "--profiles-dir", str(paths.DBT_PROJECT_DIR),
        "--target-path", str(state / "target"),
        "--log-path", str(state / "logs"),
    ]
    if not args or args[0] not in _NO_VARS:
        command += ["--vars", json.dumps({**identities.dbt_vars(), **(extra_vars or {})}, ensure_ascii=False)]
    return command


def delta_documents_file() -> Path:
    """Where a delta build's documents are listed for dbt (var ``delta_documents_file``, macros/delta.sql)."""
    return dbt_state_dir() / "delta_documents.txt"


def run_dbt(
    args: list[str], threads: int | None = None, extra_vars: dict[str, Any] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run one dbt command against the lake; returns the finished process."""
    paths.warehouse_path().parent.mkdir(parents=True, exist_ok=True)
    command = dbt_command(args, extra_vars)
    return subprocess.run(command, env=dbt_environment(threads), capture_output=True, text=True, check=False)


def _run_results(target_dir: Path) -> dict[str, Any]:
    run_results = target_dir / "run_results.json"
    return json.loads(run_results.read_text(encoding="utf-8")) if run_results.exists() else {}


def _node_results(run_results: dict[str, Any]) -> list[dict[str, Any]]:
    results = run_results.get("results") or []
    return [
        {"node": r["unique_id"], "status": r["status"], "seconds": round(r.get("execution_time") or 0, 3),
         "message": r.get("message"), "failures": r.get("failures")}
        for r in results
    ]


@dataclass(frozen=True, kw_only=True)
class DbtBuildResult(StageResult):
    """A ``dbt build``: ``error`` unless dbt exited 0; ``failed`` the nodes that errored or whose tests failed."""

    returncode: int
    seconds: float  # wall clock, including dbt's start-up and project parsing
    execution_seconds: float | None
    warehouse: str
    counts: dict[str, int]  # nodes per status
    failed: tuple[dict[str, Any], ...]
    log_tail: str


@build_stamp.recorded(build_stamp.dbt_step, lambda result: result.ok)
def dbt_build(
    select: str | list[str] | None = None,
    exclude: str | list[str] | None = None,
    threads: int | None = None,
    skip_tests: bool = False,
    full_refresh: bool = False,
    delta_documents: list[str] | tuple[str, ...] | None = None,
) -> DbtBuildResult:
    """Run ``dbt build`` (seeds, models, snapshot, tests) and summarise it.

    ``skip_tests`` builds without data and unit tests (for a quick rebuild;
    the nightly run never skips them). The incremental models (per-document raw rows,
    dbt_project.yml) rebuild from scratch with ``full_refresh``; with ``delta_documents``
    they replace only those documents' rows (new, re-parsed or gone since the last build);
    with neither, they replace every document's rows in place.
    """
    args = ["build"]
    if full_refresh:
        args.append("--full-refresh")
    extra_vars = None
    if delta_documents is not None and not full_refresh:
        listed = delta_documents_file()
        listed.parent.mkdir(parents=True, exist_ok=True)
        listed.write_text("".join(f"{sha}\n" for sha in delta_documents), encoding="utf-8")
        extra_vars = {"delta_documents_file": str(listed)}
    for flag, value in (("--select", select), ("--exclude", exclude)):
        if value:
            args += [flag, *([value] if isinstance(value, str) else value)]
    if skip_tests:
        args += ["--exclude-resource-type", "test", "unit_test"]
    target_dir = dbt_state_dir() / "target"
    (target_dir / "run_results.json").unlink(missing_ok=True)  # never report an earlier run's results
    started = time.perf_counter()
    process = run_dbt(args, threads, extra_vars)
    seconds = round(time.perf_counter() - started, 2)
    run_results = _run_results(target_dir)
    nodes = _node_results(run_results)
    counts: dict[str, int] = {}
    for node in nodes:
        counts[node["status"]] = counts.get(node["status"], 0) + 1
    failed = [n for n in nodes if n["status"] in ("error", "fail", "runtime error")]
    error = None
    if process.returncode != 0:
        names = ", ".join(n["node"] for n in failed[:5]) + (f" (+{len(failed) - 5} more)" if len(failed) > 5 else "")
        error = f"dbt build exited with {process.returncode}" + (f"; failed: {names}" if failed else "")
    return DbtBuildResult(
        error=error,
        returncode=process.returncode,
        seconds=seconds,
        execution_seconds=round(run_results["elapsed_time"], 2) if "elapsed_time" in run_results else None,
        warehouse=str(paths.warehouse_path()),
        counts=counts,
        failed=tuple(failed),
        log_tail=process.stdout[-4000:] + process.stderr[-2000:],
    )


def _build_command(args: argparse.Namespace) -> int:
    result = dbt_build(args.select, args.exclude, args.threads, skip_tests=args.skip_tests,
                       full_refresh=args.full_refresh)
    summary = {k: v for k, v in result.to_dict().items() if k != "log_tail"}
    if not result.ok:
        print(result.log_tail, file=sys.stderr)
    print(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
    return 0 if result.ok else 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help="build the warehouse: dbt build (staging, intermediate, snapshot, marts, tests)")
    p.add_argument("--select", nargs="*", help="dbt selectors, e.g. marts or +fct_expenditure_by_function")
    p.add_argument("--exclude", nargs="*", help="dbt selectors to leave out, e.g. marts")
    p.add_argument("--threads", type=int, default=None, help=f"dbt threads (default ${THREADS_ENV} or 2)")
    p.add_argument("--skip-tests", action="store_true", help="build without data and unit tests")
    p.add_argument("--full-refresh", action="store_true",
                   help="rebuild the incremental models (per-document raw rows) from scratch")
    p.set_defaults(func=_build_command)
