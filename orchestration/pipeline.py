"""The nightly run as library code: what each DAG task does, without Airflow.

The DAG (``dags/countybudget_nightly.py``) is a thin TaskFlow file; it imports
only this package (its failure callback is ``orchestration.callbacks``). Every task
calls one function here, which calls one stage function of docs/contracts.md
§7, times it and writes what happened to the *run journal*: one JSON file per
task under ``paths.reports_dir()/runs/<run>/``. The run report is built from
the journal, the crawl manifest and the warehouse, not from XComs, so it sees
tasks that failed (their failure callback writes to the journal too).

Stage modules are imported inside the functions: the DAG folder must import
in a second even while a stage is broken or not yet built.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from countybudget import paths
from countybudget.results import StageResult

R = TypeVar("R")  # a StageResult, or the dict of an orchestration-only step

log = logging.getLogger(__name__)

def raw_layer_uri() -> str:
    """The raw layer as an Airflow Asset URI (the DAG's parse outlet)."""
    return paths.raw_dir().as_uri()


def serving_uri() -> str:
    """The serving copy as an Airflow Asset URI (the DAG's publish outlet)."""
    return paths.serving_path().as_uri()


# dbt node selection of the marts, docs/contracts.md §7: staging and
# intermediate models build before the quality checkpoint, marts after it.
MARTS_SELECTOR = "marts"


class StageFailed(RuntimeError):
    """A stage reported failure in its result; the task fails so its dependants do not run."""


class PortalUnreachable(RuntimeError):
    """Discovery could not read a portal's list pages: its tasks fail (and retry), the others go on."""


# ---------------------------------------------------------------- run journal


def run_slug(run_id: str) -> str:
    """A run id usable as a directory and manifest key (Airflow run ids contain ':' and '+')."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id).strip("_") or "run"


def journal_dir(run_id: str) -> Path:
    return paths.reports_dir() / "runs" / run_slug(run_id)


def _entry_name(stage: str, key: str | None) -> str:
    return run_slug(f"{stage}--{key}" if key else stage) + ".json"


def record(run_id: str, stage: str, entry: Mapping[str, Any], key: str | None = None) -> Path:
    """Write one journal entry (one per task instance: reruns overwrite their own)."""
    directory = journal_dir(run_id)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / _entry_name(stage, key)
    body = {"stage": stage, "key": key, "recorded_at": datetime.now(timezone.utc).isoformat(), **entry}
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(body, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    tmp.replace(path)
    return path


def read_journal(run_id: str) -> list[dict[str, Any]]:
    directory = journal_dir(run_id)
    if not directory.is_dir():
        return []
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.json"))]


def run_stage(run_id: str, stage: str, call: Callable[[], R], key: str | None = None) -> R:
    """Call one stage function, journal its result (its ``to_dict()``) and time, or its error; re-raise errors."""
    started = time.perf_counter()
    try:
        result = call()
    except Exception as exc:
        record(
            run_id,
            stage,
            {
                "status": "failed",
                "seconds": round(time.perf_counter() - started, 3),
                "error": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc(limit=8),
            },
            key,
        )
        raise
    seconds = round(time.perf_counter() - started, 3)
    journaled = result.to_dict() if isinstance(result, StageResult) else result
    record(run_id, stage, {"status": "ok", "seconds": seconds, "result": journaled}, key)
    return result


# ---------------------------------------------------------------- crawl


def portal_ids() -> list[str]:
    """The portals the nightly run crawls: every verified portal of the registry (``paths.portal_registry()``)."""
    from scrapers.api import select_portals

    return [portal.id for portal in select_portals()]


def discover_portal(portal_id: str, run_id: str, as_of: str | None = None) -> dict[str, Any]:
    """Candidates of one portal (as XCom: the result's ``to_dict()``); raises
    ``PortalUnreachable`` (after journaling it) if it is down."""
    from scrapers import api

    def discover() -> api.DiscoverResult:
        found = api.discover(portal_id, as_of=date.fromisoformat(as_of) if as_of else None)
        if not found.ok:
            raise PortalUnreachable(f"portal {portal_id} unreachable: {found.error}")
        return found

    return run_stage(run_id, "discover", discover, key=portal_id).to_dict()


def fetch_portal(discovered: Mapping[str, Any], run_id: str) -> dict[str, Any]:
    """Download one portal's candidates into landing; one manifest row per attempt, keyed by this run."""
    from scrapers import api

    portal_id = discovered["portal_id"]
    result = run_stage(
        run_id, "fetch", lambda: api.fetch(portal_id, list(discovered["candidates"]), run_slug(run_id)), key=portal_id
    )
    # The per-file list can be thousands long; the journal keeps it, XCom needs only the counts.
    return {"portal_id": portal_id, "outcomes": result.outcomes, "failures": list(result.failures)}


# ---------------------------------------------------------------- parse


def current_parser_version() -> str | None:
    """The parser version raw rows must carry to count as parsed (None: any version counts)."""
    try:
        from parsers import version
    except ImportError:
        return None
    return version.PARSER_VERSION


def landed_documents() -> dict[str, Path]:
    """sha256 → landing file of every document the crawler has ever stored (from the manifest)."""
    from scrapers.manifest import GOOD_OUTCOMES, read_manifest  # good outcomes name a landed file

    landed: dict[str, Path] = {}
    for row in read_manifest().select(["sha256", "landing_path", "outcome"]).to_pylist():
        if row["outcome"] in GOOD_OUTCOMES and row["sha256"] and row["landing_path"]:
            landed.setdefault(row["sha256"], _lake_path(row["landing_path"]))
    return dict(sorted(landed.items()))


def _lake_path(landing_path: str) -> Path:
    path = Path(landing_path)
    return path if path.is_absolute() else paths.data_dir() / path


def parsed_versions() -> dict[str, str | None]:
    """sha256 → parser_version of every document in the raw layer."""
    import duckdb

    documents = paths.raw_table_dir("documents")
    if not any(documents.glob("*.parquet")):
        return {}
    with duckdb.connect() as con:  # the path is a bound parameter: a "'" in it must not end the SQL string
        rows = con.execute(
            "select sha256, parser_version from read_parquet(?, union_by_name = true)", [f"{documents}/*.parquet"]
        ).fetchall()
    from countybudget.contracts import complete_documents

    complete = complete_documents()  # a marker without all its files: a parse that crashed midway
    return {sha: version for sha, version in rows if sha in complete}


def documents_to_parse(reparse: bool = False) -> list[dict[str, str]]:
    """Landed documents with no raw row of the current parser version (all of them with ``reparse``)."""
    landed = landed_documents()
    if reparse:
        todo = sorted(landed)
    else:
        version = current_parser_version()
        parsed = parsed_versions()
        todo = [
            sha
            for sha in sorted(landed)
            if sha not in parsed or (version is not None and parsed[sha] != version)
        ]
    return [{"sha256": sha, "path": str(landed[sha])} for sha in todo]


def plan_parse(run_id: str, reparse: bool = False) -> list[dict[str, str]]:
    todo = run_stage(
        run_id,
        "plan_parse",
        lambda: {"reparse": reparse, "documents": documents_to_parse(reparse)},
    )
    return todo["documents"]


def parse_document(document: Mapping[str, str], run_id: str) -> dict[str, Any]:
    """Parse one landed document into its own raw files (so any number can run in parallel)."""
    from parsers.lake import parse_to_lake

    sha = document["sha256"]
    result = run_stage(
        run_id, "parse", lambda: parse_to_lake(Path(document["path"]), sha256=sha), key=sha
    )
    return {"sha256": sha, "status": result.status, "error": result.error}


def summarize_parse(results: Iterable[Mapping[str, Any]], run_id: str) -> dict[str, Any]:
    """What the parse tasks that finished produced (failed tasks are in the journal, not here)."""

    def summarize() -> dict[str, Any]:
        statuses: dict[str, int] = {}
        for r in results:
            statuses[str(r.get("status"))] = statuses.get(str(r.get("status")), 0) + 1
        return {"statuses": statuses, "parsed": sum(statuses.values())}

    return run_stage(run_id, "parse_summary", summarize)


# ---------------------------------------------------------------- model, check, publish


def _require_success(stage: str, result: StageResult) -> StageResult:
    """A stage result that is not ``ok`` fails its task, so its dependants do not run."""
    if not result.ok:
        detail = json.dumps(result.to_dict(), ensure_ascii=False, default=str)[:2000]
        raise StageFailed(f"{stage} reported failure: {result.error}: {detail}")
    return result


def plan_warehouse(run_id: str) -> bool:
    """Decide what this night rebuilds (``orchestration.delta``); False: a no-op night, skip dbt, GX and publish.

    The plan is journaled (``warehouse_plan``): the quality task reads which documents to
    check from it, and the run report says why the warehouse was or was not rebuilt.
    """
    from orchestration import delta

    def plan() -> dict[str, Any]:
        night, inputs = delta.plan_from_lake(run_id)
        if night.rebuild:
            delta.record_pending_inputs(inputs)
        return night.to_dict()

    return bool(run_stage(run_id, "warehouse_plan", plan)["rebuild"])


def _night_plan(run_id: str) -> dict[str, Any] | None:
    entry = next((e for e in read_journal(run_id) if e["stage"] == "warehouse_plan" and e.get("status") == "ok"), None)
    return entry["result"] if entry else None


def planned_check_documents(run_id: str) -> list[str] | None:
    """The documents this night's plan has GX check (None: every document, also when no plan was made)."""
    plan = _night_plan(run_id)
    documents = plan.get("check_documents") if plan else None
    return None if documents is None else list(documents)


def planned_dbt_delta(run_id: str) -> dict[str, Any]:
    """How this night's dbt builds treat the incremental models: ``delta_documents`` when the plan is
    a delta, ``full_refresh`` when it is a full build (code changed, first build), neither without a
    plan (every document's rows replaced in place). The delta is the documents new, re-parsed or
    gone, and those GX checks tonight (their verdicts may change what reaches the facts)."""
    plan = _night_plan(run_id)
    if plan is None:
        return {}
    if plan.get("check_documents") is None:
        return {"full_refresh": True}
    return {"delta_documents": sorted({*plan["changed"], *plan["removed"], *plan["check_documents"]})}


def build_models(run_id: str) -> dict[str, Any]:
    """dbt build of everything before the marts (staging, intermediate) and their tests."""
    from orchestration.warehouse import dbt_build

    how = planned_dbt_delta(run_id)
    return run_stage(
        run_id, "dbt_build", lambda: _require_success("dbt build", dbt_build(exclude=MARTS_SELECTOR, **how))
    ).to_dict()


# Documents per GX checkpoint run (a full check of a big raw layer runs in batches of this many).
QUALITY_BATCH_DOCUMENTS = int(os.environ.get("COUNTYBUDGET_QUALITY_BATCH_DOCUMENTS", "2000"))


def _raw_documents() -> list[str]:
    from orchestration.delta import document_digests

    return list(document_digests())


def _merged_quality(results: list[Any]) -> Any:
    """One result for a check run in batches: counts added up, lists joined, the last batch's run id and docs."""
    import dataclasses

    last = results[-1]
    summed = {name: sum(getattr(r, name) for r in results) for name in (
        "documents_checked", "documents_passed", "documents_partial", "documents_quarantined", "tables_checked",
        "tables_withheld", "warnings", "results_written")}
    joined = {name: tuple(x for r in results for x in getattr(r, name)) for name in (
        "quarantined", "quarantined_tables", "errors")}
    seconds = {"batches": len(results), "total": round(sum(r.seconds.get("total", 0) for r in results), 2)}
    return dataclasses.replace(last, **summed, **joined, warning_messages=last.warning_messages,
                               expectations=max(r.expectations for r in results), seconds=seconds)


def check_quality(run_id: str) -> dict[str, Any]:
    """The GX checkpoint: records expectation results and quarantines failing documents."""
    from expectations.checkpoint import run_quality

    only = planned_check_documents(run_id)

    def check() -> StageResult:
        documents = only if only is not None else _raw_documents()
        if len(documents) <= QUALITY_BATCH_DOCUMENTS:
            result = run_quality() if only is None else run_quality(only=only, others_keep_verdicts=True)
            return _require_success("quality checkpoint", result)
        # GX holds a batch's rows in memory (about 0.7 GB per 1,000 documents): check in batches,
        # each replacing the verdicts of its own documents; the data docs once, with the last
        batches = [documents[i:i + QUALITY_BATCH_DOCUMENTS] for i in range(0, len(documents), QUALITY_BATCH_DOCUMENTS)]
        results = [
            _require_success("quality checkpoint", run_quality(
                only=batch, others_keep_verdicts=True, build_docs=n == len(batches) - 1))
            for n, batch in enumerate(batches)
        ]
        return _merged_quality(results)

    return run_stage(run_id, "quality", check).to_dict()


def build_marts(run_id: str) -> dict[str, Any]:
    """dbt build of the marts after the checkpoint: on a delta night, the facts and analyst marts of
    the night's documents and their department- and region-years only (macros/delta.sql)."""
    from orchestration.warehouse import dbt_build

    how = planned_dbt_delta(run_id)
    return run_stage(
        run_id, "dbt_marts", lambda: _require_success("dbt build marts", dbt_build(select=MARTS_SELECTOR, **how))
    ).to_dict()


def publish_serving(run_id: str) -> dict[str, Any]:
    from orchestration import delta
    from orchestration.publish import publish

    delta.forget_published_inputs()  # until this publish succeeds, the serving copy's inputs are unknown
    result = run_stage(run_id, "publish", publish)
    if result.ok:
        delta.promote_pending_inputs()
    return result.to_dict()


def record_failure(run_id: str, task_id: str, map_index: int | None, error: str) -> Path:
    """What the DAG's failure callback records for a task that failed (after its retries)."""
    key = task_id if map_index in (None, -1) else f"{task_id}[{map_index}]"
    return record(run_id, "task_failure", {"status": "failed", "task_id": task_id, "error": error}, key=key)
