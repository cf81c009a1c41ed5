"""The run report: what one nightly run did, and what it left out and why.

Built from three places that survive failed tasks: the run journal
(``orchestration.pipeline``), the crawl manifest rows of this run, and the
warehouse (quarantine) / serving copy (rows per mart). Written as JSON to
``paths.reports_dir()/run-<run>.json`` (and ``latest.json``) and printed, and
as a page with charts beside it (``run-<run>.html``, ``orchestration.report_html``).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from countybudget import paths
from countybudget.contracts import PARSE_NOT_BUDGET
from orchestration.pipeline import read_journal, run_slug
from orchestration.report_html import portal_documents, write_run_page

# Stages in run order, as the journal names them.
STAGES = ("discover", "fetch", "plan_parse", "parse", "parse_summary", "warehouse_plan", "dbt_build", "quality",
          "dbt_marts", "publish")
PARSE_OK = "ok"


def _entries(journal: list[dict[str, Any]], stage: str) -> list[dict[str, Any]]:
    return [e for e in journal if e["stage"] == stage]


def stage_seconds(journal: list[dict[str, Any]]) -> dict[str, dict[str, float | int]]:
    """Per stage: wall time from the first task's start to the last task's end, and the tasks' summed time."""
    spans: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for e in journal:
        if e["stage"] not in STAGES or "seconds" not in e:
            continue
        end = datetime.fromisoformat(e["recorded_at"]).timestamp()
        spans[e["stage"]].append((end - float(e["seconds"]), end))
    return {
        stage: {
            "wall_seconds": round(max(end for _, end in spans[stage]) - min(start for start, _ in spans[stage]), 3),
            "task_seconds": round(sum(end - start for start, end in spans[stage]), 3),
            "tasks": len(spans[stage]),
            "start": round(min(start for start, _ in spans[stage]), 3),
            "end": round(max(end for _, end in spans[stage]), 3),
        }
        for stage in STAGES
        if stage in spans
    }


def _count_candidates(result: Mapping[str, Any]) -> int:
    for key in ("candidates", "documents", "attachments"):
        value = result.get(key)
        if isinstance(value, list):
            return len(value)
    for key in ("n_candidates", "count"):
        if isinstance(result.get(key), int):
            return int(result[key])
    return 0


def portal_outcomes(journal: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per portal: discovered candidates, and the error of whichever of its tasks failed."""
    portals: dict[str, dict[str, Any]] = {}
    for stage in ("discover", "fetch"):
        for e in _entries(journal, stage):
            portal = portals.setdefault(e["key"], {"status": "ok", "discovered": 0, "error": None})
            if e["status"] != "ok":
                portal.update(status="failed", error=f"{stage}: {e.get('error')}")
            elif stage == "discover":
                portal["discovered"] = _count_candidates(e.get("result") or {})
    return portals


def manifest_outcomes(run_id: str) -> dict[str, int]:
    """Fetch outcomes (new, unchanged, failed, …) of this run's rows in the crawl manifest."""
    from scrapers.manifest import read_manifest

    rows = read_manifest().select(["run_id", "outcome"]).to_pylist()
    return dict(sorted(Counter(r["outcome"] for r in rows if r["run_id"] == run_slug(run_id)).items()))


def raw_documents() -> dict[str, dict[str, Any]]:
    """sha256 → the raw ``documents`` row (status, error, unit, year, source) of every parsed document."""
    import duckdb

    documents = paths.raw_table_dir("documents")
    if not any(documents.glob("*.parquet")):
        return {}
    with duckdb.connect() as con:
        cursor = con.execute(  # the path is a bound parameter: a "'" in it must not end the SQL string
            """
            select sha256, status, error, unit_name, fiscal_year, doc_type, source_path, parser_version, n_tables
            from read_parquet(?, union_by_name = true)
            """,
            [f"{documents}/*.parquet"],
        )
        columns = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(columns, row)) for row in cursor.fetchall()}


def parse_outcomes(journal: list[dict[str, Any]], documents: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """This run's parse tasks: how many per status, every document that did not parse, with why,
    and every one that parsed and is not a budget disclosure (``not_budget``), with why."""
    statuses: Counter[str] = Counter()
    failures: list[dict[str, Any]] = []
    not_budget: list[dict[str, Any]] = []
    for e in _entries(journal, "parse"):
        if e["status"] != "ok":
            statuses["crashed"] += 1
            doc = documents.get(e["key"], {})
            failures.append(
                {"sha256": e["key"], "status": "crashed", "reason": e.get("error"), "source_path": doc.get("source_path")}
            )
            continue
        result = e.get("result") or {}
        status = str(result.get("status", "unknown"))
        statuses[status] += 1
        if status != PARSE_OK:
            sha = e["key"]
            doc = documents.get(sha, {})
            (not_budget if status == PARSE_NOT_BUDGET else failures).append(
                {
                    "sha256": sha,
                    "status": status,
                    "reason": result.get("error") or doc.get("error"),
                    "source_path": doc.get("source_path"),
                }
            )
    return {"tasks": sum(statuses.values()), "by_status": dict(statuses), "not_parsed": failures,
            "not_budget": not_budget}


def _find_relation(con: Any, table: str) -> str | None:
    row = con.execute(
        "select table_schema from information_schema.tables where table_name = ? order by table_schema limit 1",
        [table],
    ).fetchone()
    return f'"{row[0]}"."{table}"' if row else None


def quarantined_documents(documents: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Documents the quality checkpoint quarantined, with its reasons (from the build warehouse)."""
    import duckdb

    build = paths.warehouse_path()
    if not build.is_file():
        return []
    with duckdb.connect(str(build), read_only=True) as con:
        relation = _find_relation(con, "quarantined_documents")
        if relation is None:
            return []
        rows = con.execute(f"select sha256, reasons from {relation} order by sha256").fetchall()
    return [
        {
            "sha256": sha,
            "reasons": _reason_list(reasons),
            "unit_name": documents.get(sha, {}).get("unit_name"),
            "source_path": documents.get(sha, {}).get("source_path"),
        }
        for sha, reasons in rows
    ]


def withheld_tables(documents: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Documents the quality checkpoint published in part: per document, the tables it
    withheld (each with its reasons), from ``quality.quarantined_tables``. Documents
    withheld whole are left out here (``quarantined_documents`` lists them)."""
    import duckdb

    build = paths.warehouse_path()
    if not build.is_file():
        return []
    with duckdb.connect(str(build), read_only=True) as con:
        relation = _find_relation(con, "quarantined_tables")
        whole = _find_relation(con, "quarantined_documents")
        if relation is None:
            return []
        excluded = f"where sha256 not in (select sha256 from {whole})" if whole else ""
        rows = con.execute(
            f"select sha256, table_index, table_kind, reasons from {relation} {excluded} order by sha256, table_index"
        ).fetchall()
    by_document: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for sha, index, kind, reasons in rows:
        by_document[sha].append({"table_index": index, "table_kind": kind, "reasons": _reason_list(reasons)})
    return [
        {
            "sha256": sha,
            "unit_name": documents.get(sha, {}).get("unit_name"),
            "source_path": documents.get(sha, {}).get("source_path"),
            "n_tables": documents.get(sha, {}).get("n_tables"),
            "tables_withheld": tables,
        }
        for sha, tables in sorted(by_document.items())
    ]


def _reason_list(reasons: Any) -> list[str]:
    """The checkpoint stores reasons as text: a JSON list, or messages one per line."""
    if isinstance(reasons, list):
        return [str(r) for r in reasons]
    try:
        parsed = json.loads(reasons)
    except (TypeError, ValueError):
        return [line for line in str(reasons).splitlines() if line.strip()]
    return [str(r) for r in parsed] if isinstance(parsed, list) else [str(parsed)]


def claim_mismatches(limit: int = 50) -> dict[str, Any]:
    """Narrative figures that differ from the table figure they name (warn severity,
    never quarantine), from ``marts.mart_claim_checks`` of the build warehouse: counts
    per verdict and the first ``limit`` mismatches with both figures."""
    import duckdb

    build = paths.warehouse_path()
    if not build.is_file():
        return {"verdicts": {}, "changes_differ": 0, "differs": []}
    with duckdb.connect(str(build), read_only=True) as con:
        relation = _find_relation(con, "mart_claim_checks")
        if relation is None:
            return {"verdicts": {}, "changes_differ": 0, "differs": []}
        verdicts = dict(con.execute(f"select verdict, count(*) from {relation} group by 1 order by 1").fetchall())
        changes = con.execute(f"select count(*) from {relation} where change_verdict = 'differs'").fetchone()[0]
        rows = con.execute(
            f"""select document_sha256, unit_name, page_number, subject, claim_amount_text, claim_unit,
                       table_amount_text, table_unit, resolved_table_index, resolved_table_kind,
                       resolved_row_name, resolved_column_key, difference_yuan, unit_suspect
                from {relation} where verdict = 'differs'
                order by document_sha256, claim_index limit {int(limit)}""").fetchall()
    keys = ("sha256", "unit_name", "page", "subject", "claim_amount", "claim_unit", "table_amount", "table_unit",
            "table_index", "table_kind", "row_name", "column_key", "difference_yuan", "unit_suspect")
    return {"verdicts": verdicts, "changes_differ": changes,
            "differs": [dict(zip(keys, (str(v) if k == "difference_yuan" else v for k, v in zip(keys, row))))
                        for row in rows]}


def serving_mart_rows() -> dict[str, int]:
    import duckdb

    from orchestration.publish import mart_row_counts

    serving = paths.serving_path()
    if not serving.is_file():
        return {}
    with duckdb.connect(str(serving), read_only=True) as con:
        return mart_row_counts(con)


def data_docs_index() -> str | None:
    """The Great Expectations data docs page, wherever the checkpoint wrote it under the quality dir."""
    pages = sorted(paths.quality_dir().rglob("index.html"), key=lambda p: len(p.parts))
    return str(pages[0]) if pages else None


def warehouse_plan(journal: list[dict[str, Any]]) -> dict[str, Any]:
    """What the night decided to rebuild (orchestration.delta): ``unchanged`` on a no-op night."""
    entry = next((e for e in _entries(journal, "warehouse_plan") if e["status"] == "ok"), None)
    if entry is None:
        return {"planned": False, "unchanged": False}
    plan = entry["result"]
    return {
        "planned": True,
        "unchanged": not plan["rebuild"],
        "reason": plan["reason"],
        "documents_changed": plan["n_changed"],
        "documents_removed": plan["n_removed"],
        "documents_checked": None if plan["check_documents"] is None else len(plan["check_documents"]),
        "published_run": plan["published_run"],
    }


def build_run_report(run_id: str) -> dict[str, Any]:
    journal = read_journal(run_id)
    documents = raw_documents()
    portals = portal_outcomes(journal)
    parse = parse_outcomes(journal, documents)
    quarantined = quarantined_documents(documents)
    partial = withheld_tables(documents)
    published_entry = next((e for e in _entries(journal, "publish") if e["status"] == "ok"), None)
    warehouse = warehouse_plan(journal)
    serving_current = published_entry is not None or warehouse["unchanged"]  # a no-op night keeps the last copy
    quarantined_shas = {q["sha256"] for q in quarantined}
    partial_shas = {p["sha256"] for p in partial}
    fetched = manifest_outcomes(run_id)
    failed_tasks = [
        {"task": e["key"], "error": e.get("error")} for e in _entries(journal, "task_failure")
    ]
    return {
        "run_id": run_id,
        "published": published_entry is not None,
        "documents": {
            "discovered": sum(p["discovered"] for p in portals.values()),
            "downloaded": fetched.get("new", 0),
            "fetch_outcomes": fetched,
            "parsed": parse["by_status"].get(PARSE_OK, 0),
            "parse_tasks": parse["tasks"],
            "not_parsed": len(parse["not_parsed"]),
            "not_budget": len(parse["not_budget"]),  # read, and not a budget disclosure: never published
            "quarantined": len(quarantined),
            # published: every table reaches the marts; partial: some tables withheld, the others reach them
            "published": sum(
                1 for sha, d in documents.items()
                if d.get("status") == PARSE_OK and sha not in quarantined_shas and sha not in partial_shas
            )
            if serving_current
            else 0,
            "partial": len(partial) if serving_current else 0,
            "tables_withheld": sum(len(p["tables_withheld"]) for p in partial),
        },
        "left_out": {
            "portals": {pid: p["error"] for pid, p in sorted(portals.items()) if p["status"] != "ok"},
            "not_parsed": parse["not_parsed"],
            "not_budget": parse["not_budget"],
            "quarantined": quarantined,
            "partial": partial,
            "failed_tasks": failed_tasks,
        },
        "warehouse": warehouse,
        "portals": portals,
        "by_portal": portal_documents(),
        "mart_rows": serving_mart_rows(),
        "claim_checks": claim_mismatches(),
        "stage_seconds": stage_seconds(journal),
        "serving_database": str(paths.serving_path()),
        "build_database": str(paths.warehouse_path()),
        "data_docs": data_docs_index(),
    }


def write_run_report(report: Mapping[str, Any]) -> Path:
    out_dir = paths.reports_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, ensure_ascii=False, indent=2, default=str)
    path = out_dir / f"run-{run_slug(report['run_id'])}.json"
    path.write_text(text, encoding="utf-8")
    (out_dir / "latest.json").write_text(text, encoding="utf-8")
    write_run_page(report, path)  # the same report as a page with charts, beside it
    return path


def format_summary(report: Mapping[str, Any]) -> str:
    """The run report as an operator reads it at the end of ``countybudget run``."""
    d = report["documents"]
    warehouse = report.get("warehouse") or {}
    unchanged = bool(warehouse.get("unchanged"))
    lines = [
        f"countybudget run {report['run_id']}: "
        + ("published" if report["published"] else "nothing to rebuild" if unchanged else "NOT published"),
        f"  documents: discovered {d['discovered']}, downloaded {d['downloaded']}, parsed {d['parsed']}"
        f" (of {d['parse_tasks']} parse tasks), not parsed {d['not_parsed']},"
        f" not budget disclosures {d.get('not_budget', 0)}, quarantined {d['quarantined']},"
        f" published {d['published']} in full and {d.get('partial', 0)} in part"
        f" ({d.get('tables_withheld', 0)} tables withheld)",
    ]
    if warehouse.get("planned"):
        lines.append(f"  warehouse: {warehouse['reason']}")
    left = report["left_out"]
    for portal, error in left["portals"].items():
        lines.append(f"  portal left out: {portal}: {error}")
    for doc in left["not_parsed"]:
        lines.append(f"  not parsed: {doc['sha256'][:16]} [{doc['status']}] {doc['reason']}")
    for doc in left.get("not_budget", []):
        lines.append(f"  not a budget disclosure: {doc['sha256'][:16]} {doc.get('source_path') or ''}: {doc['reason']}")
    for doc in left["quarantined"]:
        label = doc.get("unit_name") or doc.get("source_path") or ""
        reasons = doc["reasons"]
        more = f" (+{len(reasons) - 1} more)" if len(reasons) > 1 else ""
        lines.append(f"  quarantined: {doc['sha256'][:16]} {label}: {reasons[0] if reasons else '?'}{more}")
    for doc in left.get("partial", []):
        label = doc.get("unit_name") or doc.get("source_path") or ""
        tables = doc["tables_withheld"]
        of = f" of {doc['n_tables']}" if doc.get("n_tables") else ""
        lines.append(f"  partial: {doc['sha256'][:16]} {label}: {len(tables)}{of} tables withheld")
        for table in tables:
            reasons = table["reasons"]
            more = f" (+{len(reasons) - 1} more)" if len(reasons) > 1 else ""
            lines.append(f"    table {table['table_index']}:{table['table_kind']}: {reasons[0] if reasons else '?'}{more}")
    for task in left["failed_tasks"]:
        lines.append(f"  failed task: {task['task']}: {task['error']}")
    claims = report.get("claim_checks") or {}
    if claims.get("verdicts"):
        v = claims["verdicts"]
        lines.append(f"  narrative claims (warnings): agrees {v.get('agrees', 0)}, differs {v.get('differs', 0)},"
                     f" unresolved {v.get('unresolved', 0)}; stated changes that differ {claims.get('changes_differ', 0)}")
        for c in claims.get("differs", [])[:10]:
            lines.append(f"    claim differs: {c['sha256'][:12]} p.{c['page']} {c['subject']}: {c['claim_amount']} {c['claim_unit']}"
                         f" vs table {c['table_index']}:{c['table_kind']} {c['row_name']} {c['table_amount']} {c['table_unit']}")
    lines.append("  rows per mart:")
    for mart, n in report["mart_rows"].items():
        lines.append(f"    {mart:<45} {n:>10}")
    lines.append("  time per stage (wall s / summed task s / tasks):")
    for stage, t in report["stage_seconds"].items():
        lines.append(f"    {stage:<15} {t['wall_seconds']:>9.2f} {t['task_seconds']:>9.2f} {t['tasks']:>5}")
    lines.append(f"  serving database (BI reads this): {report['serving_database']}")
    lines.append(f"  data docs: {report['data_docs'] or '(none written)'}")
    return "\n".join(lines)
