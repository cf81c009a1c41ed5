"""The real-documents benchmark: the whole chain on real PDFs, as a new user runs it.

``countybudget eval --real DIR`` (and ``make bench``, as ``real_documents``)
parses every file of ``DIR`` into a temporary lake, then runs the nightly
order on it: ``dbt build --exclude marts`` → the quality checkpoint →
``dbt build --select marts``, and reads back what reached the marts. The
measure of record is the share of real **budget documents** fully published
(every table passed its checks) and the share of their **tables** published,
per city and overall, with the tables withheld counted by the expectation
that withheld them (docs/quality.md).

Which files are budget documents is decided from the document's own text,
independently of the parser being measured (``benchmarks.parse_eval.prints_function_table``:
a table by function with 基本支出 and 项目支出 columns, which every 部门预算 /
单位预算 prints); a file whose text does not show one (a performance-target
form, a price list, a report, a standard) is reported apart, and so is a file
that is not a readable document at all (an HTML page saved as ``.pdf``, a
scan without a text layer). A budget document the parser fails on stays in
the count, as withheld.

The city is read from the file name where the collection names it
(``<nn>_<city>__<original name>``, as ``../shared/real`` does), else from the
region the warehouse placed the document's unit in, else from a ``…市``
prefix of the unit name, else ``unknown``. Nothing is keyed on a city.

Amounts unplaced: the reader's amount-conservation check
(``parsers.conservation``) leaves table warnings (raw ``warnings`` with
``table_index`` not null) naming every amount printed in a table's region
that ended in no row, one warning per column with its count
(``parsers.conservation.unplaced_in_message``); the report sums the amounts
per city (other messages matching ``UNPLACED_AMOUNT`` count one each).

This module runs the chain; ``benchmarks.parse_eval`` keeps the corpus score and the
Python identity checks of the function table, which this report also carries
(``function_table``) from the same parse.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from countybudget import paths

log = logging.getLogger(__name__)

DOCUMENT_SUFFIXES = (".pdf", ".docx", ".xlsx")
# A table warning from the reader's amount-conservation check: an amount printed in the
# table's region that ended in no cell (docs/contracts.md §4 table `warnings`).
UNPLACED_AMOUNT = re.compile(r"unplaced|not placed|in no cell|未放入|未放置", re.IGNORECASE)
# <nn>_<city>__<original name>: how ../shared/real names its files
FILE_CITY = re.compile(r"^(?:\d+_)?(?P<city>[^_]+?)__")
UNIT_CITY = re.compile(r"^(?P<city>[\u4e00-\u9fff]{2,4}?)市")
BUDGET, NOT_BUDGET, UNREADABLE = "budget", "not_budget", "unreadable"
UNKNOWN_KIND = "unknown"


# ------------------------------------------------------------------ the chain


def default_real_dir() -> Path:
    return paths.REPO_ROOT.parent / "shared" / "real"


def real_files(directory: Path, names: Iterable[str] | None = None) -> list[Path]:
    files = sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES)
    if names is not None:
        wanted = set(names)
        files = [p for p in files if p.name in wanted]
    if not files:
        raise FileNotFoundError(f"no documents in {directory}")
    return files


def run_real_benchmark(
    real_dir: str | Path | None = None,
    files: Iterable[str] | None = None,
    out: str | Path | None = None,
    jobs: int = 1,
    keep_lake: str | Path | None = None,
    reuse: bool = False,
) -> dict[str, Any]:
    """Run the whole chain on the real documents of ``real_dir`` (or only the
    file names in ``files``) in a temporary lake and report what got through.

    ``keep_lake`` runs it in that directory instead (kept for inspection);
    with ``reuse``, files already parsed into that lake are not parsed again
    (the rest of the chain runs; the function-table scores, which need the
    parse records, are then left out). ``jobs`` parses that many files at
    once (each in its own child process).
    """
    directory = Path(real_dir) if real_dir else default_real_dir()
    chosen = real_files(directory, files)
    started = time.perf_counter()
    if keep_lake:
        target = Path(keep_lake).resolve()
        target.mkdir(parents=True, exist_ok=True)
        with _lake_at(target):
            report = _run_chain(chosen, jobs, reuse)
    else:
        with paths.temporary_lake(prefix="countybudget-real-"):
            report = _run_chain(chosen, jobs, False)
    report["directory"] = str(directory)
    report["seconds"]["total"] = round(time.perf_counter() - started, 1)
    if out:
        Path(out).write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return report


class _lake_at:
    """Point the lake at an existing directory for the duration (``--keep-lake``)."""

    def __init__(self, data: Path) -> None:
        self.data = data

    def __enter__(self) -> Path:
        import os

        names = ("COUNTYBUDGET_DATA", "COUNTYBUDGET_WAREHOUSE", "COUNTYBUDGET_SERVING")
        self.saved = {n: os.environ.get(n) for n in names}
        os.environ["COUNTYBUDGET_DATA"] = str(self.data)
        os.environ.pop("COUNTYBUDGET_WAREHOUSE", None)
        os.environ.pop("COUNTYBUDGET_SERVING", None)
        return self.data

    def __exit__(self, *exc: object) -> None:
        import os

        for name, value in self.saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _run_chain(files: list[Path], jobs: int, reuse: bool = False) -> dict[str, Any]:
    from orchestration.warehouse import dbt_build
    from expectations.checkpoint import run_quality

    timings: dict[str, float] = {}
    t = time.perf_counter()
    reused = records_in_lake(files) if reuse else {}
    parsed = parse_into_lake([f for f in files if f not in reused], jobs)
    parsed = sorted([*parsed, *reused.values()], key=lambda item: files.index(item["path"]))
    timings["parse"] = round(time.perf_counter() - t, 1)
    stages: dict[str, Any] = {}
    t = time.perf_counter()
    stages["dbt_build"] = _stage(dbt_build(exclude="marts"))
    timings["dbt_build"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    quality = run_quality(build_docs=False)
    stages["quality"] = {"ok": quality.ok, "errors": list(quality.errors)}
    timings["quality"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    stages["dbt_marts"] = _stage(dbt_build(select="marts"))
    timings["dbt_marts"] = round(time.perf_counter() - t, 1)
    documents = read_outcomes(parsed)
    report = summarise(documents)
    report["chain"] = stages
    report["seconds"] = timings
    report["function_table"] = None if reused else _function_table_scores(parsed)
    report["reused_from_lake"] = len(reused)
    return report


def _stage(result: Any) -> dict[str, Any]:
    """A dbt build's result (``orchestration.warehouse.DbtBuildResult``), as the report keeps it."""
    return {"ok": result.ok, "failed": [f["node"] for f in result.failed or ()],
            "log_tail": None if result.ok else (result.log_tail or "")[-2000:]}


def parse_into_lake(files: list[Path], jobs: int = 1) -> list[dict[str, Any]]:
    """Parse each file in its own child (the parser's limits) and write its raw rows."""
    from parsers.lake import write_record

    def one(path: Path) -> dict[str, Any]:
        from parsers.safety import run_isolated

        run = run_isolated(path)
        record = run.record
        if record.get("sha256"):
            write_record(record)
        log.info("%s: %s in %.1f s", path.name, record["status"], run.seconds)
        return {"path": path, "record": record, "seconds": run.seconds}

    if jobs > 1:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            return list(pool.map(one, files))
    return [one(path) for path in files]


def records_in_lake(files: list[Path]) -> dict[Path, dict[str, Any]]:
    """What the lake already holds of these files, as much of a parse record as the
    report reads (status, unit, and per table its kind, title and number of rows)."""
    import duckdb

    from parsers.document import file_sha256

    by_sha = {file_sha256(path): path for path in files}
    found = [sha for sha in by_sha if paths.raw_table_file("documents", sha).exists()]
    if not found:
        return {}
    con = duckdb.connect()
    try:
        documents = con.execute(
            "select sha256, status, error, unit_name, doc_type, format from read_parquet(?, union_by_name = true)",
            [[str(paths.raw_table_file("documents", sha)) for sha in found]],
        ).fetchall()
        table_files = [str(paths.raw_table_file("tables", sha)) for sha in found
                       if paths.raw_table_file("tables", sha).exists()]
        tables = con.execute(
            "select sha256, table_index, table_kind, title, n_rows from read_parquet(?, union_by_name = true) "
            "order by sha256, table_index", [table_files]).fetchall() if table_files else []
    finally:
        con.close()
    per_document: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for sha, _, kind, title, n_rows in tables:
        per_document[sha].append({"kind": kind, "title": title, "rows": [None] * (n_rows or 0)})
    return {
        by_sha[sha]: {
            "path": by_sha[sha], "seconds": 0.0,
            "record": {"sha256": sha, "source": str(by_sha[sha]), "status": status, "error": error,
                       "unit_name": unit, "doc_type": doc_type, "format": fmt, "tables": per_document.get(sha, [])},
        }
        for sha, status, error, unit, doc_type, fmt in documents
    }


def _function_table_scores(parsed: list[dict[str, Any]]) -> dict[str, Any]:
    """The Python identity checks of the function table (``benchmarks.parse_eval``), from the same parse."""
    from benchmarks.parse_eval import score_real_document

    scores = []
    for item in parsed:
        scored = score_real_document(item["path"].name, item["record"], item["seconds"])
        scored["prints_function_table"] = item["kind"] == BUDGET
        scores.append(scored)
    text_layer = [d for d in scores if d["has_text_layer"]]
    printing = [d for d in text_layer if d["prints_function_table"]]
    checked = sum(d["ebf_rows_checked"] for d in scores)
    ok = sum(d["ebf_rows_total_ok"] for d in scores)
    return {
        "pdfs_printing_function_table": len(printing),
        "found_in_those": sum(d["ebf_found"] for d in printing),
        "found_in_those_pct": _pct(sum(d["ebf_found"] for d in printing), len(printing)),
        "not_found_in_those": [d["file"] for d in printing if not d["ebf_found"]],
        "rows_checked": checked,
        "rows_total_ok": ok,
        "rows_total_ok_pct": _pct(ok, checked),
        "parent_sum_violations": sum(d["ebf_parent_sum_violations"] for d in scores),
    }


# ------------------------------------------------------------------ what reached the marts


def document_kind(path: Path, record: Mapping[str, Any]) -> str:
    """budget | not_budget | unreadable, from the document's own text (not the parser's reading)."""
    from benchmarks.parse_eval import prints_function_table

    read = record.get("status") in ("ok", NOT_BUDGET)  # not_budget: read, and classified no disclosure
    if path.suffix.lower() == ".pdf":
        try:
            prints = prints_function_table(path)
        except Exception:  # noqa: BLE001 - a file poppler cannot read has no text to judge
            prints = False
        if prints:
            return BUDGET  # whatever the parser's classifier said: a budget it called not_budget shows as withheld
        return NOT_BUDGET if read else UNREADABLE
    # DOCX / XLSX: no independent text reader here; judge by what the parser found
    if not read:
        return UNREADABLE
    kinds = {t.get("kind") for t in record.get("tables") or []}
    return BUDGET if "expenditure_by_function" in kinds or record.get("doc_type") == "budget" else NOT_BUDGET


def city_of(file_name: str, region: str | None, unit_name: str | None) -> str:
    match = FILE_CITY.match(file_name)
    if match:
        return match.group("city")
    if region:
        return region.removesuffix("市") if len(region) > 2 else region
    match = UNIT_CITY.match(unit_name or "")
    return match.group("city") if match else "unknown"


def expectations_of(reasons: str | None) -> list[str]:
    """The suite.expectation names of a reasons text (one ``[suite.expectation] …`` per line)."""
    names = re.findall(r"^\[([^\]]+)\]", reasons or "", flags=re.MULTILINE)
    return sorted(set(names))


def read_outcomes(parsed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per file: what it is, and per table whether it reached the marts and if not why."""
    import duckdb

    warehouse = paths.warehouse_path()
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        dim = {
            r[0]: r for r in con.execute(
                "select d.document_sha256, d.publication_status, d.n_tables_published, d.n_tables_withheld, "
                "d.unit_name, coalesce(p.region_name, r.region_name) "
                "from marts.dim_document d left join marts.dim_region r on r.region_code = d.region_code "
                "left join marts.dim_region p on p.region_code = r.prefecture_code"
            ).fetchall()
        }
        whole = dict(con.execute("select sha256, reasons from quality.quarantined_documents").fetchall())
        withheld: dict[str, dict[int, tuple[str | None, str]]] = defaultdict(dict)
        for sha, index, kind, reasons in con.execute(
            "select sha256, table_index, table_kind, reasons from quality.quarantined_tables"
        ).fetchall():
            withheld[sha][int(index)] = (kind, reasons)
    finally:
        con.close()
    unplaced = unplaced_amounts()

    documents = []
    for item in parsed:
        path, record = item["path"], item["record"]
        sha = record.get("sha256")
        item["kind"] = document_kind(path, record)
        row = dim.get(sha)
        status = row[1] if row else "withheld"
        tables = [
            {"table_index": i, "table_kind": t.get("kind"), "title": t.get("title"),
             "n_rows": len(t.get("rows") or t.get("cells") or [])}
            for i, t in enumerate(record.get("tables") or [])
        ]
        for table in tables:
            held = withheld.get(sha, {}).get(table["table_index"])
            if sha in whole:
                table["published"] = False
                table["withheld_by"] = ["document: " + e for e in expectations_of(whole[sha])] or ["document"]
            elif held:
                table["published"] = False
                table["withheld_by"] = expectations_of(held[1])
                table["first_reason"] = (held[1] or "").splitlines()[0] if held[1] else None
            else:
                table["published"] = True
                table["withheld_by"] = []
        documents.append({
            "file": path.name,
            "sha256": sha,
            "kind": item["kind"],
            "city": city_of(path.name, row[5] if row else None, (row[4] if row else None) or record.get("unit_name")),
            "parse_status": record.get("status"),
            "parse_error": record.get("error"),
            "unit_name": record.get("unit_name"),
            "publication_status": status,
            "document_reasons": expectations_of(whole.get(sha)) if sha in whole else [],
            "first_document_reason": (whole.get(sha) or "").splitlines()[0] if sha in whole else None,
            "tables": tables,
            "amounts_unplaced": unplaced.get(sha, 0),
            "seconds": round(item["seconds"], 2),
        })
    return documents


def unplaced_amounts() -> dict[str, int]:
    """The reader's amount-conservation warnings per document (table warnings of that kind)."""
    import duckdb

    files = sorted(paths.raw_table_dir("warnings").glob("*.parquet"))
    if not files:
        return {}
    rows = duckdb.execute(
        "select sha256, message from read_parquet(?, union_by_name = true) where table_index is not null",
        [[str(f) for f in files]],
    ).fetchall()
    from parsers.conservation import unplaced_in_message

    counts: Counter[str] = Counter()
    for sha, message in rows:
        # one conservation warning names every unplaced amount of a column: count the amounts
        n = unplaced_in_message(message or "")
        if n:
            counts[sha] += n
        elif message and UNPLACED_AMOUNT.search(message):
            counts[sha] += 1
    return dict(counts)


# ------------------------------------------------------------------ the report


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _totals(documents: list[dict[str, Any]]) -> dict[str, Any]:
    budget = [d for d in documents if d["kind"] == BUDGET]
    statuses = Counter(d["publication_status"] for d in budget)
    # tables the parser identified; a table of kind unknown carries raw cells only, is
    # checked by nothing and read by no mart: counted apart, not as published
    tables = [t for d in budget for t in d["tables"] if t["table_kind"] != UNKNOWN_KIND]
    unidentified = [t for d in budget for t in d["tables"] if t["table_kind"] == UNKNOWN_KIND]
    published = sum(t["published"] for t in tables)
    by_reason: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    for t in tables:
        if not t["published"]:
            by_kind[t["table_kind"] or "?"] += 1
            for reason in t["withheld_by"]:
                by_reason[reason] += 1
    return {
        "budget_documents": len(budget),
        "fully_published": statuses.get("published", 0),
        "fully_published_pct": _pct(statuses.get("published", 0), len(budget)),
        "partial": statuses.get("partial", 0),
        "withheld": statuses.get("withheld", 0),
        "tables": len(tables),
        "tables_published": published,
        "tables_published_pct": _pct(published, len(tables)),
        "tables_withheld": len(tables) - published,
        # a table withheld by several expectations counts under each
        "tables_withheld_by_reason": dict(by_reason.most_common()),
        "tables_withheld_by_kind": dict(by_kind.most_common()),
        "tables_unidentified": len(unidentified),
        "tables_unidentified_rows": sum(t["n_rows"] for t in unidentified),
        "amounts_unplaced": sum(d["amounts_unplaced"] for d in budget),
    }


def summarise(documents: list[dict[str, Any]]) -> dict[str, Any]:
    overall = _totals(documents)
    cities = sorted({d["city"] for d in documents})
    per_city = {city: _totals([d for d in documents if d["city"] == city]) for city in cities}
    return {
        "headline": headline(overall),
        "overall": overall,
        "per_city": per_city,
        "files": len(documents),
        "not_budget": [{"file": d["file"], "city": d["city"], "tables": [t["table_kind"] for t in d["tables"]],
                        "parse_status": d["parse_status"], "reason": d["parse_error"]}
                       for d in documents if d["kind"] == NOT_BUDGET],
        # the parser's classifier (parsers/classification.py) against the independent judgement above
        "classification": {
            "budgets_classified_other": sorted(d["file"] for d in documents
                                               if d["kind"] == BUDGET and d["parse_status"] == NOT_BUDGET),
            "not_budget_classified_not_budget": sum(1 for d in documents
                                                    if d["kind"] == NOT_BUDGET and d["parse_status"] == NOT_BUDGET),
            "not_budget_files": sum(1 for d in documents if d["kind"] == NOT_BUDGET),
        },
        "unreadable": [{"file": d["file"], "status": d["parse_status"], "reason": d["parse_error"]}
                       for d in documents if d["kind"] == UNREADABLE],
        "not_fully_published": [
            {
                "file": d["file"], "city": d["city"], "status": d["publication_status"],
                "document_reasons": d["document_reasons"], "first_document_reason": d["first_document_reason"],
                "parse_error": d["parse_error"],
                "tables_withheld": [
                    {"table_index": t["table_index"], "table_kind": t["table_kind"], "title": t["title"],
                     "withheld_by": t["withheld_by"], "first_reason": t.get("first_reason")}
                    for t in d["tables"] if not t["published"] and t["table_kind"] != UNKNOWN_KIND
                ] if not d["document_reasons"] else f"all {len(d['tables'])} (document withheld)",
            }
            for d in documents if d["kind"] == BUDGET and d["publication_status"] != "published"
        ],
        "per_document": documents,
    }


def headline(totals: Mapping[str, Any]) -> str:
    return (
        f"{totals['fully_published']} of {totals['budget_documents']} real budget documents fully published "
        f"({totals['fully_published_pct']}%), {totals['tables_published']} of {totals['tables']} tables "
        f"({totals['tables_published_pct']}%)"
    )


def format_report(report: Mapping[str, Any], details: bool = True) -> str:
    """The headline first, then per city, the reasons, and the documents not fully published."""
    o = report["overall"]
    lines = [report["headline"]]
    lines.append(
        f"  {o['partial']} partial, {o['withheld']} withheld whole; {o['tables_withheld']} tables withheld; "
        f"amounts unplaced (reader's conservation warnings): {o['amounts_unplaced']}; "
        f"{o['tables_unidentified']} tables of unidentified kind ({o['tables_unidentified_rows']} rows; no mart reads "
        f"them, not counted above); {len(report['not_budget'])} files not budget documents, "
        f"{len(report['unreadable'])} unreadable"
    )
    lines.append("  per city      docs  full  part  held  tables  published        unidentified  unplaced")
    for city, c in report["per_city"].items():
        if not c["budget_documents"]:
            continue
        lines.append(
            f"    {city:<8} {c['budget_documents']:>5} {c['fully_published']:>5} {c['partial']:>5} {c['withheld']:>5}"
            f" {c['tables']:>7} {c['tables_published']:>6} ({c['tables_published_pct']}%)"
            f" {c['tables_unidentified']:>12} {c['amounts_unplaced']:>9}"
        )
    if o["tables_withheld_by_reason"]:
        lines.append("  tables withheld by reason (a table can have several):")
        for reason, n in o["tables_withheld_by_reason"].items():
            lines.append(f"    {n:>5}  {reason}")
    classified = report.get("classification") or {}
    if classified:
        lines.append(
            f"  classifier: {classified['not_budget_classified_not_budget']} of {classified['not_budget_files']} "
            f"non-budget files not_budget; {len(classified['budgets_classified_other'])} budget documents classified "
            f"other{': ' + ', '.join(classified['budgets_classified_other']) if classified['budgets_classified_other'] else ''}"
        )
    for d in report["not_budget"]:
        lines.append(f"  not a budget document: {d['file']}" + (f" ({d['reason']})" if d.get("reason") else ""))
    for d in report["unreadable"]:
        lines.append(f"  unreadable: {d['file']}: {d['status']}: {d['reason']}")
    if details:
        for d in report["not_fully_published"]:
            if isinstance(d["tables_withheld"], str):
                why = d["first_document_reason"] or d["parse_error"] or ", ".join(d["document_reasons"])
                lines.append(f"  {d['status']}: {d['file']}: {why}")
                continue
            lines.append(f"  {d['status']}: {d['file']}:")
            for t in d["tables_withheld"]:
                lines.append(f"      table {t['table_index']}:{t['table_kind']} {', '.join(t['withheld_by'])}")
    ft = report.get("function_table")
    if ft:
        lines.append(
            f"  function table found in {ft['found_in_those']} of the {ft['pdfs_printing_function_table']} PDFs "
            f"whose text shows one ({ft['found_in_those_pct']}%); rows total = basic + project: "
            f"{ft['rows_total_ok']}/{ft['rows_checked']} ({ft['rows_total_ok_pct']}%)"
        )
    chain = report.get("chain") or {}
    broken = [name for name, stage in chain.items() if not stage.get("ok")]
    if broken:
        lines.append(f"  CHAIN STAGES FAILED: {', '.join(broken)} (see the JSON report)")
    return "\n".join(lines)
