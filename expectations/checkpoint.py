"""The quality checkpoint: run the versioned GX suites, quarantine what fails.

``run_quality()`` (docs/contracts.md §7) runs after ``dbt build --exclude
marts``:

1. builds the batches (``expectations.batches``: DuckDB SQL over the raw layer
   into pandas DataFrames, GX's pandas datasource);
2. validates each with its suite from ``expectations/suites/<name>.json``
   through a real GX Checkpoint in a file context under
   ``paths.quality_dir()``, which also renders the data docs (HTML) there;
3. turns the failing rows into results per document × expectation (one per
   failing table, or pair of tables for a cross-table check) and writes them,
   replacing the previous rows of the documents checked, to
   ``quality.expectation_results``, ``quality.quarantined_tables`` (tables
   with a blocking failure of their own or of a cross-table check they take
   part in) and ``quality.quarantined_documents`` (documents withheld whole:
   a document-level check failed) in the warehouse; the marts leave withheld
   tables and documents out, and a document's other tables still publish.
   Nothing is deleted from the lake: fixing the document or the parser and
   re-running brings it back.

Each expectation's severity is GX's own (``critical`` blocks, ``warning`` only
lists); what a blocking failure withholds is its ``meta.withholds``
(``table``: the failing row's table and, for a cross-table check, the other
table it names; ``document``: the whole document), defaulting to the suite's
``meta.withholds``. Its message, tolerance and reason live in ``meta`` too.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import shutil
import string
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import uuid4

import duckdb
import pandas as pd

from countybudget import build_stamp, paths
from expectations.batches import BATCH_NAMES, Batches, build_batches, region_codes, staging_columns_declared
from expectations.results import QualityResult

log = logging.getLogger(__name__)

SUITES_DIR = paths.EXPECTATIONS_DIR / "suites"
INDEX_COLUMNS = ["row_id", "sha256"]  # what GX reports of each failing row
# Every failing row's index (the gate needs them all), but not GX's copies of the failing values
# (unexpected_list, partial counts) nor its pandas query text: the warehouse keeps the failing rows
# themselves (``observed``), and GX's copies were a third of a clean check's validation time where
# warn-level checks fail on many rows.
RESULT_FORMAT: dict[str, Any] = {
    "result_format": "COMPLETE", "unexpected_index_column_names": INDEX_COLUMNS,
    "exclude_unexpected_values": True, "return_unexpected_index_query": False,
}
MAX_OBSERVED_ROWS = 20  # failing rows kept per document × expectation (the count is always exact)
DATA_DOCS_SITE = "local_site"


@dataclass
class Outcome:
    """One expectation evaluated over one batch."""

    suite: str
    expectation: str
    severity: str  # block | warn
    description: str
    message: str  # template, filled from the failing row
    success: bool
    failing_rows: list[int]  # positions in the batch frame
    checked_rows: pd.Series  # rows in scope per sha256
    error: str | None = None
    withholds: str = "document"  # what a blocking failure withholds: document | table


@dataclass
class DocumentResult:
    """One expectation's result for one document, or for one failing table (pair) of it."""

    sha256: str
    suite: str
    expectation: str
    severity: str
    passed: bool
    observed: dict[str, Any]
    message: str
    table_index: int | None = None  # the failing table (None: the document as a whole, or passed)
    other_table_index: int | None = None  # the other table of a cross-table check
    scope: str = "document"  # what a blocking failure withholds: document | table

    @property
    def withholds_tables(self) -> bool:
        return self.scope == "table" and self.table_index is not None


@dataclass
class Quarantine:
    """What the run withholds: whole documents, and tables of the others."""

    documents: dict[str, list[str]] = field(default_factory=dict)  # sha256 -> reasons
    tables: dict[tuple[str, int], list[str]] = field(default_factory=dict)  # (sha256, table_index) -> reasons

    def documents_partial(self) -> set[str]:
        return {sha for sha, _ in self.tables} - set(self.documents)


@dataclass
class RunSummary:
    run_id: str
    documents: list[str]
    results: list[DocumentResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


# ------------------------------------------------------------ suites and context


def load_suite_files(directory: Path = SUITES_DIR) -> dict[str, dict[str, Any]]:
    """The versioned suite files, by suite name."""
    suites = {}
    for path in sorted(directory.glob("*.json")):
        suite = json.loads(path.read_text(encoding="utf-8"))
        suites[suite["name"]] = suite
    missing = {s["meta"]["batch"] for s in suites.values()} - set(BATCH_NAMES)
    if missing:
        raise ValueError(f"suites name batches that do not exist: {sorted(missing)}")
    return suites


def gx_context():
    """A file-backed GX context under the lake's quality directory."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    logging.getLogger("great_expectations").setLevel(logging.WARNING)  # its INFO is per-config-save noise
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    root = paths.quality_dir()
    root.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(root))
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def forget_previous_runs(root: Path) -> None:
    """Keep the data docs to the latest run: the warehouse keeps the history.

    GX re-renders every stored validation result on each build, so letting
    them pile up night after night would make the docs slower and slower.
    """
    uncommitted = root / "gx" / "uncommitted"
    for stale in (uncommitted / "validations", uncommitted / "data_docs" / DATA_DOCS_SITE / "validations"):
        if stale.is_dir():
            shutil.rmtree(stale)


def data_docs_index(context) -> Path:
    site = context.get_docs_sites_urls(site_name=DATA_DOCS_SITE)
    url = site[0]["site_url"] if site else ""
    return Path(url.removeprefix("file://")) if url else paths.quality_dir()


# ------------------------------------------------------------ validation


def with_row_ids(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reset_index(drop=True)
    frame.insert(0, "row_id", range(len(frame)))
    return frame


SEVERITIES = {"critical": "block", "warning": "warn", "info": "warn"}  # GX severity -> the gate's word

_COMPARE = {
    "==": lambda c, v: c == v, "!=": lambda c, v: c != v, ">": lambda c, v: c > v,
    ">=": lambda c, v: c >= v, "<": lambda c, v: c < v, "<=": lambda c, v: c <= v,
}


def condition_mask(frame: pd.DataFrame, condition: Mapping[str, Any]) -> pd.Series:
    """Evaluate a GX row condition (as written in a suite file) over a frame."""
    kind = condition.get("type")
    if kind == "comparison":
        column = frame[condition["column"]["name"]]
        return _COMPARE[condition["operator"]](column, condition["parameter"]).fillna(False).astype(bool)
    if kind in ("and", "or"):
        masks = [condition_mask(frame, c) for c in condition["conditions"]]
        combined = masks[0]
        for mask in masks[1:]:
            combined = (combined & mask) if kind == "and" else (combined | mask)
        return combined
    raise ValueError(f"row condition not understood: {condition}")


def rows_in_scope(frame: pd.DataFrame, kwargs: Mapping[str, Any]) -> pd.Series:
    """How many rows of each document an expectation looks at."""
    if "sha256" not in frame.columns:  # a run-level batch: no documents in it
        return pd.Series(dtype=int)
    condition = kwargs.get("row_condition")
    scoped = frame[condition_mask(frame, condition)] if condition else frame
    return scoped.groupby("sha256").size() if len(scoped) else pd.Series(dtype=int)


def raised_exception(info: Any) -> str | None:
    """The message of an exception GX caught while evaluating an expectation, if any."""
    if not isinstance(info, Mapping):
        return None
    if "raised_exception" in info:
        return str(info.get("exception_message")) if info.get("raised_exception") else None
    # keyed by metric when several metrics were computed
    messages = [raised_exception(v) for v in info.values()]
    return "; ".join(m for m in messages if m) or None


def failing_row_ids(index_rows: list[Any]) -> list[int]:
    """The ``row_id`` of every failing row GX names: one dict per row, or (values excluded) one dict of lists."""
    ids: set[int] = set()
    for entry in index_rows:
        if isinstance(entry, dict):
            value = entry.get("row_id")
            if isinstance(value, list):
                ids.update(int(v) for v in value)
            elif value is not None:
                ids.add(int(value))
    return sorted(ids)


def validate_suite(
    context, suite_doc: dict[str, Any], frame: pd.DataFrame, parameters: Mapping[str, Any] | None = None
) -> list[Outcome]:
    """Run one suite over its batch through a GX Checkpoint; one Outcome per expectation."""
    import great_expectations as gx

    name = suite_doc["name"]
    suite = context.suites.add_or_update(
        gx.ExpectationSuite(name=name, expectations=suite_doc["expectations"], meta=suite_doc.get("meta"))
    )
    source = context.data_sources.add_or_update_pandas("raw_layer")
    asset = next((a for a in source.assets if a.name == name), None) or source.add_dataframe_asset(name)
    batch_definition = next(
        (b for b in asset.batch_definitions if b.name == "whole_batch"), None
    ) or asset.add_batch_definition_whole_dataframe("whole_batch")
    validation = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=name, data=batch_definition, suite=suite)
    )
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=f"quality_{name}",
            validation_definitions=[validation],
            result_format=RESULT_FORMAT,
        )
    )
    result = checkpoint.run(batch_parameters={"dataframe": frame}, expectation_parameters=dict(parameters or {}))
    # GX turns a row_condition into its own object; scope rows by the suite file's declaration.
    declared = {e["meta"]["name"]: e["kwargs"] for e in suite_doc["expectations"]}
    suite_withholds = suite_doc["meta"].get("withholds", "document")
    outcomes: list[Outcome] = []
    for validation_result in result.run_results.values():
        for er in validation_result.results:
            config = er.expectation_config
            meta = config.meta or {}
            index_rows = er.result.get("unexpected_index_list") or []
            exception = raised_exception(er.exception_info)
            if not er.success and not index_rows and exception is None and suite_doc["meta"].get("scope") != "run":
                # a failure that names no row cannot be pinned on documents: report it, never pass it silently
                exception = f"failed without naming failing rows (observed {er.result.get('observed_value')!r})"
            outcomes.append(
                Outcome(
                    suite=name,
                    expectation=meta.get("name", config.type),
                    severity=SEVERITIES[str(getattr(config.severity, "value", config.severity) or "critical")],
                    description=meta.get("description", config.type),
                    message=meta.get("message", config.type),
                    success=bool(er.success),
                    failing_rows=failing_row_ids(index_rows),
                    checked_rows=rows_in_scope(frame, declared.get(meta.get("name"), {})),
                    error=exception,
                    withholds=meta.get("withholds", suite_withholds),
                )
            )
    return outcomes


def run_level_failure(outcome: Outcome, frame: pd.DataFrame, parameters: Mapping[str, Any]) -> str:
    """A check of the warehouse as a whole failed: say what is missing."""
    detail = outcome.error or ""
    if outcome.expectation == "staging_has_its_columns":
        present = set(frame["relation_column"])
        detail = f"missing {sorted(set(parameters['staging_columns_declared']) - present)}"
    return f"{outcome.suite}.{outcome.expectation}: {outcome.description}: {detail}"


# ------------------------------------------------------------ per-document results


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def plain(value: Any) -> Any:
    """A JSON-friendly copy of a cell (Decimal as its exact string)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.isoformat()
    return value


@functools.cache
def template_fields(template: str) -> tuple[str, ...]:
    """The row columns a message template names (``{figure_a}``, ``{code!r}``, ``{x[0]}``: ``figure_a``, …)."""
    names = (field for _, field, _, _ in string.Formatter().parse(template) if field)
    return tuple(dict.fromkeys(name.split(".")[0].split("[")[0] for name in names))


def fill_message(template: str, row: Mapping[str, Any]) -> str:
    # only the columns the template names: a check row has a score of them, a message three or four
    values = _Blank()
    for key in template_fields(template):
        if key in row:
            value = plain(row[key])
            values[key] = "" if value is None else value
    return string.Formatter().vformat(template, (), values)


def table_of(row: Mapping[str, Any], column: str) -> int | None:
    """A failing row's table index (batches name it ``table_index`` / ``other_table_index``)."""
    value = plain(row.get(column))
    return None if value is None else int(value)


def _table_pair_order(group: tuple[tuple[int | None, int | None], Any]) -> tuple:
    """Failing rows' (table, other table) groups in order, tables before none; one
    expectation may fail within one table and across two (totals.ocr_identity)."""
    (table_index, other_table_index), _ = group
    return (table_index is None, table_index or 0, other_table_index is not None, other_table_index or 0)


def document_results(
    outcome: Outcome, frame: pd.DataFrame, documents: Iterable[str], labels: Mapping[str, str]
) -> list[DocumentResult]:
    """Spread one expectation's outcome over the documents of the run.

    A document that passes gets one result; one that fails gets one result
    per failing table (or pair of tables, for a cross-table check), so the
    gate can withhold exactly those tables. A failing row that names no table
    is a failure of the document as a whole.
    """
    failing: dict[str, dict[tuple[int | None, int | None], list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    # the failing rows in one slice: row by row (``frame.iloc[i]``) was most of a clean check's time
    # where a warn-level expectation fails on many rows (codes outside the curated lists)
    for row in frame.iloc[outcome.failing_rows].to_dict("records"):
        row["document"] = labels.get(str(row["sha256"]), str(row["sha256"]))  # named in every message
        failing[str(row["sha256"])][(table_of(row, "table_index"), table_of(row, "other_table_index"))].append(row)
    results = []
    checked_rows = outcome.checked_rows.to_dict()  # a dict lookup per document, not a Series.get
    for sha in documents:
        checked = int(checked_rows.get(sha, 0))
        groups = failing.get(sha) or {(None, None): []}
        for (table_index, other_table_index), rows in sorted(groups.items(), key=_table_pair_order):
            observed: dict[str, Any] = {"rows_checked": checked, "rows_failed": len(rows)}
            if rows:
                observed["failing_rows"] = [
                    {k: plain(v) for k, v in r.items() if k not in ("row_id", "document")}
                    for r in rows[:MAX_OBSERVED_ROWS]
                ]
            results.append(
                DocumentResult(
                    sha256=sha, suite=outcome.suite, expectation=outcome.expectation, severity=outcome.severity,
                    passed=not rows,
                    observed=observed,
                    message="\n".join(fill_message(outcome.message, r) for r in rows) if rows else "",
                    table_index=table_index, other_table_index=other_table_index, scope=outcome.withholds,
                )
            )
    return results


def quarantine(results: Iterable[DocumentResult]) -> Quarantine:
    """What the blocking failures withhold, with every reason.

    A table-scoped failure withholds its table and, for a cross-table check,
    the other table it names: neither of the two figures can be trusted
    until they agree. A document-scoped failure (the document did not parse,
    its unit or structure is wrong), or a failure that names no table,
    withholds the whole document. A document's table failures are kept even
    when the document is withheld whole, so every reason is listed.
    """
    held = Quarantine(documents=defaultdict(list), tables=defaultdict(list))
    for r in results:
        if r.passed or r.severity != "block":
            continue
        lines = [f"[{r.suite}.{r.expectation}] {line}" for line in r.message.splitlines()]
        if r.withholds_tables:
            held.tables[(r.sha256, r.table_index)].extend(lines)
            if r.other_table_index is not None and r.other_table_index != r.table_index:
                held.tables[(r.sha256, r.other_table_index)].extend(lines)
        else:
            held.documents[r.sha256].extend(lines)
    return Quarantine(documents=dict(held.documents), tables=dict(held.tables))


# ------------------------------------------------------------ the warehouse


RESULTS_DDL = """
CREATE SCHEMA IF NOT EXISTS quality;
CREATE TABLE IF NOT EXISTS quality.expectation_results (
    run_id VARCHAR, sha256 VARCHAR, suite VARCHAR, expectation VARCHAR, severity VARCHAR,
    passed BOOLEAN, observed JSON, message VARCHAR, checked_at TIMESTAMPTZ,
    table_index INTEGER, other_table_index INTEGER, scope VARCHAR);
-- a warehouse written before results were per table: add the columns
ALTER TABLE quality.expectation_results ADD COLUMN IF NOT EXISTS table_index INTEGER;
ALTER TABLE quality.expectation_results ADD COLUMN IF NOT EXISTS other_table_index INTEGER;
ALTER TABLE quality.expectation_results ADD COLUMN IF NOT EXISTS scope VARCHAR;
CREATE TABLE IF NOT EXISTS quality.quarantined_documents (sha256 VARCHAR, reasons VARCHAR);
CREATE TABLE IF NOT EXISTS quality.quarantined_tables (
    sha256 VARCHAR, table_index INTEGER, table_kind VARCHAR, reasons VARCHAR, run_id VARCHAR);
"""
# The dbt on-run-start hook (dbt_project/macros/create_quality_tables.sql) creates the same tables empty.
RESULT_COLUMNS = [
    "run_id", "sha256", "suite", "expectation", "severity", "passed", "observed", "message", "checked_at",
    "table_index", "other_table_index", "scope",
]


def write_results(
    summary: RunSummary, quarantined: Quarantine, checked_at: datetime, table_kinds: Mapping[tuple[str, int], str]
) -> None:
    """Replace the rows of the documents checked, in one transaction."""
    target = paths.warehouse_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    results = pd.DataFrame(
        [
            {
                "run_id": summary.run_id, "sha256": r.sha256, "suite": r.suite, "expectation": r.expectation,
                "severity": r.severity, "passed": r.passed,
                "observed": json.dumps(r.observed, ensure_ascii=False, default=str),
                "message": r.message, "checked_at": checked_at,
                "table_index": r.table_index, "other_table_index": r.other_table_index, "scope": r.scope,
            }
            for r in summary.results
        ],
        columns=RESULT_COLUMNS,
    ).astype({"table_index": "Int64", "other_table_index": "Int64"})
    held = pd.DataFrame(
        [{"sha256": sha, "reasons": "\n".join(reasons)} for sha, reasons in sorted(quarantined.documents.items())],
        columns=["sha256", "reasons"],
    )
    held_tables = pd.DataFrame(  # noqa: F841 - read by DuckDB
        [
            {"sha256": sha, "table_index": index, "table_kind": table_kinds.get((sha, index)),
             "reasons": "\n".join(reasons), "run_id": summary.run_id}
            for (sha, index), reasons in sorted(quarantined.tables.items())
        ],
        columns=["sha256", "table_index", "table_kind", "reasons", "run_id"],
    ).astype({"table_index": "Int64", "table_kind": object})
    checked = pd.DataFrame({"sha256": summary.documents}, dtype=object)  # noqa: F841 - read by DuckDB
    con = duckdb.connect(str(target))
    try:
        con.execute(RESULTS_DDL)
        con.execute("BEGIN")
        con.execute("DELETE FROM quality.expectation_results WHERE sha256 IN (SELECT sha256 FROM checked)")
        con.execute("DELETE FROM quality.quarantined_documents WHERE sha256 IN (SELECT sha256 FROM checked)")
        con.execute("DELETE FROM quality.quarantined_tables WHERE sha256 IN (SELECT sha256 FROM checked)")
        con.execute(
            "INSERT INTO quality.expectation_results BY NAME SELECT run_id, sha256, suite, expectation, severity, "
            "passed, CAST(observed AS JSON) AS observed, message, checked_at, "
            "CAST(table_index AS INTEGER) AS table_index, CAST(other_table_index AS INTEGER) AS other_table_index, "
            "scope FROM results"
        )
        con.execute("INSERT INTO quality.quarantined_documents SELECT sha256, reasons FROM held")
        con.execute(
            "INSERT INTO quality.quarantined_tables BY NAME SELECT sha256, CAST(table_index AS INTEGER) AS table_index, "
            "CAST(table_kind AS VARCHAR) AS table_kind, reasons, run_id FROM held_tables"
        )
        con.execute("COMMIT")
    finally:
        con.close()


# ------------------------------------------------------------ the stage function


@build_stamp.recorded(build_stamp.quality_step, lambda result: result.ok)  # publish needs it
def run_quality(
    only: Iterable[str] | None = None, build_docs: bool = True, others_keep_verdicts: bool = False
) -> QualityResult:
    """Check every document of the raw layer (or ``only`` these sha256).

    ``others_keep_verdicts``: ``only`` is every document whose raw rows changed since the
    build's quality tables were written, so the other documents keep their verdicts there
    (the nightly delta; the build stamp then counts this as a check of the whole build).

    Returns counts of documents passed and quarantined (with reasons), the
    number of warnings, where the data docs are, and timings.
    """
    started = time.perf_counter()
    checked_at = datetime.now(timezone.utc)
    run_id = f"quality-{checked_at:%Y%m%dT%H%M%S}-{uuid4().hex[:6]}"
    con = duckdb.connect()
    try:
        batches: Batches = build_batches(con, only)
    finally:
        con.close()
    built = time.perf_counter()

    summary = RunSummary(run_id=run_id, documents=batches.documents)
    forget_previous_runs(paths.quality_dir())
    context = gx_context()
    # values the suite files leave to the run ({"$PARAMETER": …}): reference lists kept in the dbt seeds
    parameters = {"gbt2260_region_codes": region_codes(), "staging_columns_declared": staging_columns_declared()}
    suite_seconds: dict[str, float] = {}
    skipped: list[str] = []
    for suite_name, suite_doc in load_suite_files().items():
        suite_started = time.perf_counter()
        frame = with_row_ids(batches.frames[suite_doc["meta"]["batch"]])
        run_level = suite_doc["meta"].get("scope") == "run"
        if run_level and frame.empty:
            skipped.append(suite_name)  # nothing built yet to check
            continue
        outcomes = validate_suite(context, suite_doc, frame, parameters)
        suite_seconds[suite_name] = round(time.perf_counter() - suite_started, 2)
        if run_level:
            summary.errors += [run_level_failure(o, frame, parameters) for o in outcomes if not o.success]
            continue
        for outcome in outcomes:
            if outcome.error:
                # A crashed expectation says nothing about the documents: report it, quarantine nobody for it.
                summary.errors.append(f"{outcome.suite}.{outcome.expectation}: {outcome.error}")
                continue
            summary.results.extend(document_results(outcome, frame, batches.documents, batches.labels))
    validated = time.perf_counter()

    held = quarantine(summary.results)
    write_results(summary, held, checked_at, batches.table_kinds)
    docs_path = None
    if build_docs:
        context.build_data_docs(site_names=[DATA_DOCS_SITE])
        docs_path = str(data_docs_index(context))
    warnings = [r for r in summary.results if not r.passed and r.severity == "warn"]
    partial = held.documents_partial()
    tables_by_document = defaultdict(int)
    for sha, _ in batches.table_kinds:
        tables_by_document[sha] += 1
    n_tables = sum(tables_by_document.values())
    n_tables_withheld = sum(tables_by_document[sha] for sha in held.documents) + sum(
        1 for sha, index in held.tables if sha not in held.documents and (sha, index) in batches.table_kinds)
    outcome = {
        "run_id": run_id,
        "documents_checked": len(batches.documents),
        # passed: every table publishes; partial: some tables withheld; quarantined: withheld whole
        "documents_passed": len(batches.documents) - len(held.documents) - len(partial),
        "documents_partial": len(partial),
        "documents_quarantined": len(held.documents),
        "tables_checked": n_tables,
        "tables_withheld": n_tables_withheld,
        "quarantined": [
            {"sha256": sha, "document": batches.labels.get(sha, sha), "reasons": reasons}
            for sha, reasons in sorted(held.documents.items())
        ],
        "quarantined_tables": [
            {"sha256": sha, "document": batches.labels.get(sha, sha), "table_index": index,
             "table_kind": batches.table_kinds.get((sha, index)), "reasons": reasons}
            for (sha, index), reasons in sorted(held.tables.items())
        ],
        "warnings": len(warnings),
        "warning_messages": [w.message for w in warnings][:50],
        "expectations": len({(r.suite, r.expectation) for r in summary.results}),
        "results_written": len(summary.results),
        "errors": summary.errors,
        "suites_skipped": skipped,
        "data_docs": docs_path,
        "code_lists": batches.code_lists,
        "warehouse": str(paths.warehouse_path()),
        "seconds": {
            "batches": round(built - started, 2),
            "validation": round(validated - built, 2),
            "per_suite": suite_seconds,
            "total": round(time.perf_counter() - started, 2),
        },
    }
    log.info(
        "quality %s: %d documents, %d passed, %d partial (%d of %d tables withheld), %d quarantined, %d warnings",
        run_id, outcome["documents_checked"], outcome["documents_passed"], outcome["documents_partial"],
        outcome["tables_withheld"], outcome["tables_checked"], outcome["documents_quarantined"], outcome["warnings"],
    )
    return QualityResult.from_outcome(outcome)  # not ok when an expectation crashed: documents went unchecked
