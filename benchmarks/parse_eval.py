"""How right the parser is.

``evaluate_corpus`` scores parse records against the corpus ground truth
(same shape, docs/contracts.md §4): amount cells exact, rows missing, rows
invented, per document and overall, the headline number being the share of
amount cells exact over the clean documents. ``evaluate_real`` has no ground
truth, so it checks the identities a correct reading satisfies on real PDFs:
is the expenditure-by-function table found, and does every row's total equal
basic + project (``countybudget.identities``). Every document that cannot be
read is listed with its reason.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from countybudget import paths
from countybudget.table_kinds import TableKind
from testkit import CORPUS_DIR

# Table kinds whose rows are compared cell by cell.
_TEXT_KINDS = {TableKind.PERFORMANCE_TARGETS.value, TableKind.UNKNOWN.value}
_EBF = TableKind.EXPENDITURE_BY_FUNCTION.value
log = logging.getLogger(__name__)
_MAX_EXAMPLES = 5

RowKey = tuple[str, str, str, str, int]


# ------------------------------------------------------------------ corpus


def evaluate_corpus(corpus_dir: str | Path | None = None, jobs: int = 1) -> dict[str, Any]:
    """Parse every catalogued corpus document (``jobs`` at once) and score it against its ground truth."""
    import yaml

    from parsers.safety import parse_many

    corpus = Path(corpus_dir) if corpus_dir else CORPUS_DIR
    catalogue_path = corpus / "catalogue.yml"
    if not catalogue_path.exists():
        raise FileNotFoundError(f"no corpus catalogue at {catalogue_path}: build the corpus first (countybudget corpus build)")
    entries = (yaml.safe_load(catalogue_path.read_text(encoding="utf-8")) or {}).get("documents") or []
    if not entries:
        raise ValueError(f"{catalogue_path} lists no documents")
    documents: list[dict[str, Any]] = []
    runs = parse_many([corpus / entry["file"] for entry in entries], jobs)
    for entry, run in zip(entries, runs):
        truth = None
        if entry.get("ground_truth"):
            truth = json.loads((corpus / entry["ground_truth"]).read_text(encoding="utf-8"))
        documents.append(score_corpus_document(entry, truth, run.record, run.seconds))
        log.info("%s: %s in %.1f s", entry.get("id"), run.record["status"], run.seconds)
    return summarise_corpus(documents)


def score_corpus_document(entry: dict[str, Any], truth: dict[str, Any] | None, parsed: dict[str, Any], seconds: float) -> dict[str, Any]:
    """One document's score; unparseable-by-design documents are checked to fail clearly."""
    result: dict[str, Any] = {
        "id": entry.get("id"),
        "file": entry.get("file"),
        "format": entry.get("format"),
        "defects": [d if isinstance(d, str) else d.get("kind") for d in entry.get("defects") or []],
        "status": parsed["status"],
        "error": parsed["error"],
        "seconds": seconds,
    }
    if truth is None:
        # e.g. zero_byte / truncated_pdf: the parser must say why, not invent tables.
        result["expected_failure"] = True
        result["failed_clearly"] = parsed["status"] in ("error", "needs_ocr") and bool(parsed["error"])
        return result
    result.update(score_tables(truth.get("tables") or [], parsed.get("tables") or []))
    result["metadata"] = {
        key: parsed.get(key) == truth.get(key) for key in ("unit_name", "fiscal_year", "doc_type", "currency_unit")
        if truth.get(key) is not None
    }
    return result


def score_tables(truth_tables: list[dict], parsed_tables: list[dict]) -> dict[str, Any]:
    """Amount cells exact, rows missing and invented, matching each ground-truth
    table to the unmatched parsed table of the same kind that agrees best."""
    cells_total = cells_exact = rows_total = rows_missing = rows_invented = 0
    targets_total = targets_exact = 0
    tables_missing: list[str] = []
    mismatches: list[dict[str, Any]] = []
    used: set[int] = set()
    for t_index, truth in enumerate(truth_tables):
        kind = truth.get("kind")
        if kind == TableKind.UNKNOWN.value:
            continue
        if kind == TableKind.PERFORMANCE_TARGETS.value:
            match = _best_match(truth, parsed_tables, used, _target_cells)
            truth_targets = _target_cells(truth)
            parsed_targets = _target_cells(parsed_tables[match]) if match is not None else {}
            targets_total += len(truth_targets)
            targets_exact += sum(1 for k, v in truth_targets.items() if parsed_targets.get(k) == v)
            continue
        truth_cells = amount_cells(truth)
        match = _best_match(truth, parsed_tables, used, amount_cells)
        parsed_cells = amount_cells(parsed_tables[match]) if match is not None else {}
        if match is None:
            tables_missing.append(f"{t_index}:{kind} {truth.get('title') or ''}".strip())
        truth_rows = {k[0] for k in truth_cells} | set(row_keys(truth))
        parsed_rows = {k[0] for k in parsed_cells} | (set(row_keys(parsed_tables[match])) if match is not None else set())
        rows_total += len(truth_rows)
        rows_missing += len(truth_rows - parsed_rows)
        rows_invented += len(parsed_rows - truth_rows)
        for key, value in truth_cells.items():
            cells_total += 1
            got = parsed_cells.get(key)
            if got == value:
                cells_exact += 1
            elif len(mismatches) < _MAX_EXAMPLES:
                mismatches.append({"table": f"{t_index}:{kind}", "row": list(key[0][:4]), "column": key[1],
                                   "expected": value, "got": got})
    for p_index, parsed in enumerate(parsed_tables):
        if p_index not in used and parsed.get("kind") not in _TEXT_KINDS:
            rows_invented += len(set(row_keys(parsed)))
    return {
        "amount_cells": cells_total,
        "amount_cells_exact": cells_exact,
        "rows": rows_total,
        "rows_missing": rows_missing,
        "rows_invented": rows_invented,
        "target_rows": targets_total,
        "target_rows_exact": targets_exact,
        "tables_missing": tables_missing,
        "mismatch_examples": mismatches,
    }


def _norm(text: Any) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split())


def row_keys(table: dict) -> list[RowKey]:
    """A key per row: code, item, side and name, plus the occurrence number so
    two rows with the same code (sub-units) stay apart."""
    seen: Counter[tuple[str, str, str, str]] = Counter()
    keys: list[RowKey] = []
    for row in table.get("rows") or []:
        base = (_norm(row.get("code")), _norm(row.get("item")), _norm(row.get("side")),
                "" if row.get("code") or row.get("item") else _norm(row.get("name")))
        keys.append((*base, seen[base]))
        seen[base] += 1
    return keys


def amount_cells(table: dict) -> dict[tuple[RowKey, str], str]:
    """Every printed amount of a table, keyed by (row key, column key)."""
    from countybudget.money import normalise_amount_text

    cells: dict[tuple[RowKey, str], str] = {}
    for key, row in zip(row_keys(table), table.get("rows") or []):
        for column, value in (row.get("amounts") or {}).items():
            if value is None:
                continue
            try:
                cells[(key, column)] = normalise_amount_text(str(value)) or str(value)
            except ValueError:
                cells[(key, column)] = str(value)
    return cells


def _target_cells(table: dict) -> dict[tuple[str, ...], str]:
    cells: dict[tuple[str, ...], str] = {}
    seen: Counter[tuple[str, ...]] = Counter()
    for row in table.get("rows") or []:
        base = tuple(_norm(row.get(k)) for k in ("project_code", "project_name", "level1", "level2", "level3"))
        cells[(*base, str(seen[base]))] = _norm(row.get("target"))
        seen[base] += 1
    return cells


def _best_match(truth: dict, parsed_tables: list[dict], used: set[int], cells_of) -> int | None:
    truth_cells = cells_of(truth)
    best, best_score = None, -1
    for index, parsed in enumerate(parsed_tables):
        if index in used or parsed.get("kind") != truth.get("kind"):
            continue
        parsed_cells = cells_of(parsed)
        score = sum(1 for k, v in truth_cells.items() if parsed_cells.get(k) == v)
        if score > best_score:
            best, best_score = index, score
    if best is not None:
        used.add(best)
    return best


def summarise_corpus(documents: list[dict[str, Any]]) -> dict[str, Any]:
    scored = [d for d in documents if not d.get("expected_failure")]
    clean = [d for d in scored if not d["defects"]]

    def share(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 3) if whole else None

    def totals(docs: Iterable[dict[str, Any]]) -> dict[str, Any]:
        docs = list(docs)
        cells = sum(d["amount_cells"] for d in docs)
        exact = sum(d["amount_cells_exact"] for d in docs)
        targets = sum(d["target_rows"] for d in docs)
        return {
            "documents": len(docs),
            "amount_cells": cells,
            "amount_cells_exact": exact,
            "amount_cells_exact_pct": share(exact, cells),
            "rows": sum(d["rows"] for d in docs),
            "rows_missing": sum(d["rows_missing"] for d in docs),
            "rows_invented": sum(d["rows_invented"] for d in docs),
            "target_rows": targets,
            "target_rows_exact_pct": share(sum(d["target_rows_exact"] for d in docs), targets),
        }

    metadata = Counter()
    metadata_total = Counter()
    for d in scored:
        for key, ok in d.get("metadata", {}).items():
            metadata_total[key] += 1
            metadata[key] += int(ok)
    expected_failures = [d for d in documents if d.get("expected_failure")]
    return {
        "clean": totals(clean),
        "all_with_ground_truth": totals(scored),
        "metadata_exact_pct": {k: share(metadata[k], n) for k, n in metadata_total.items()},
        "expected_failures": len(expected_failures),
        "expected_failures_reported_clearly": sum(1 for d in expected_failures if d["failed_clearly"]),
        "unreadable": [
            {"file": d["file"], "status": d["status"], "reason": d["error"]}
            for d in documents if d["status"] != "ok"
        ],
        "documents": documents,
    }


# ------------------------------------------------------------------ real PDFs


def evaluate_real(real_dir: str | Path | None = None) -> dict[str, Any]:
    """Identity checks on real PDFs without ground truth (see module docstring)."""
    from parsers.safety import run_isolated

    directory = Path(real_dir) if real_dir else paths.REPO_ROOT.parent / "shared" / "real"
    files = sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in (".pdf", ".docx", ".xlsx"))
    if not files:
        raise FileNotFoundError(f"no documents in {directory}")
    documents = []
    for path in files:
        run = run_isolated(path)
        scored = score_real_document(path.name, run.record, run.seconds)
        scored["prints_function_table"] = run.record["status"] == "ok" and prints_function_table(path)
        documents.append(scored)
        log.info("%s: %s in %.1f s", path.name, run.record["status"], run.seconds)
    return summarise_real(documents, directory)


def score_real_document(name: str, record: dict[str, Any], seconds: float) -> dict[str, Any]:
    from countybudget.identities import check_parent_sums, check_row_totals

    all_ebf = [t for t in record.get("tables") or [] if t.get("kind") == _EBF]
    ebf_tables = [t for t in all_ebf if t.get("rows")]
    only_ebf = {**record, "tables": ebf_tables}
    rows_checked = sum(_row_total_checkable(row) for t in ebf_tables for row in t["rows"])
    row_violations = check_row_totals(only_ebf)
    return {
        "file": name,
        "format": record.get("format"),
        "status": record["status"],
        "error": record["error"],
        "n_pages": record.get("n_pages"),
        "n_tables": len(record.get("tables") or []),
        "kinds": dict(Counter(t.get("kind") for t in record.get("tables") or [])),
        "has_text_layer": record.get("format") == "pdf" and record["status"] == "ok",
        # found = identified by its title/header; a unit without general-budget
        # spending prints it empty, so rows are counted apart
        "ebf_found": bool(all_ebf),
        "ebf_found_with_rows": bool(ebf_tables),
        "ebf_rows_checked": rows_checked,
        "ebf_rows_total_ok": rows_checked - len(row_violations),
        "ebf_parent_sum_violations": len(check_parent_sums(only_ebf)),
        **_code_coverage(ebf_tables),
        "row_total_examples": [v.detail for v in row_violations[:3]],
        "seconds": seconds,
    }


def _code_coverage(tables: list[dict]) -> dict[str, Any]:
    """Function-table rows with a code (printed or inferred), and the rows named
    like a classification entry that have none (unit rows, 合计 are not counted)."""
    from countybudget import code_lists

    lists = code_lists.load()
    coded = [r for t in tables for r in t["rows"] if r.get("code")]
    uncoded = [r["name"] for t in tables for r in t["rows"]
               if not r.get("code") and r.get("name") and lists.named(r["name"], "function")]
    return {"ebf_rows_coded": len(coded), "ebf_rows_inferred": sum(r.get("code_source") == "inferred" for r in coded),
            "ebf_rows_uncoded": uncoded}


def _row_total_checkable(row: dict) -> bool:
    amounts = row.get("amounts") or {}
    return amounts.get("total") is not None and (amounts.get("basic") is not None or amounts.get("project") is not None)


def prints_function_table(path: Path) -> bool:
    """Whether the document's own text shows a table by function with basic and
    project columns (科目编码/功能分类 + 基本支出 + 项目支出), read independently
    of the parser (poppler's pdftotext when installed, else pdfplumber), so the
    found rate is not judged by the parser it judges. Appendices such as price
    lists, reports, standards and performance forms do not."""
    text = _plain_text(path)
    return "基本支出" in text and "项目支出" in text and any(w in text for w in ("功能分类", "科目编码", "科目名称"))


def _plain_text(path: Path) -> str:
    import shutil
    import subprocess

    if shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", "-q", str(path), "-"], capture_output=True, timeout=300)
        text = done.stdout.decode("utf-8", errors="replace")
    else:
        import pdfplumber

        with pdfplumber.open(path) as pdf:
            text = "".join(page.extract_text() or "" for page in pdf.pages)
    return "".join(text.split())


def summarise_real(documents: list[dict[str, Any]], directory: Path) -> dict[str, Any]:
    text_layer = [d for d in documents if d["has_text_layer"]]
    disclosures = [d for d in text_layer if d["prints_function_table"]]
    checked = sum(d["ebf_rows_checked"] for d in documents)
    ok = sum(d["ebf_rows_total_ok"] for d in documents)

    def pct(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 2) if whole else None

    return {
        "directory": str(directory),
        "documents": len(documents),
        "text_layer_pdfs": len(text_layer),
        "ebf_found": sum(d["ebf_found"] for d in text_layer),
        "ebf_found_pct": pct(sum(d["ebf_found"] for d in text_layer), len(text_layer)),
        "ebf_found_with_rows": sum(d["ebf_found_with_rows"] for d in text_layer),
        "ebf_found_empty": [d["file"] for d in text_layer if d["ebf_found"] and not d["ebf_found_with_rows"]],
        "pdfs_printing_function_table": len(disclosures),
        "ebf_found_in_those_pct": pct(sum(d["ebf_found"] for d in disclosures), len(disclosures)),
        "not_printing_function_table": [d["file"] for d in text_layer if not d["prints_function_table"]],
        "ebf_rows_checked": checked,
        "ebf_rows_total_ok": ok,
        "ebf_rows_total_ok_pct": pct(ok, checked),
        "ebf_parent_sum_violations": sum(d["ebf_parent_sum_violations"] for d in documents),
        # found with codes: rows and every row named as a classification entry has a code
        "ebf_found_with_codes": sum(d["ebf_found_with_rows"] and not d.get("ebf_rows_uncoded") for d in disclosures),
        "ebf_found_with_codes_pct": pct(sum(d["ebf_found_with_rows"] and not d.get("ebf_rows_uncoded")
                                            for d in disclosures), len(disclosures)),
        "ebf_rows_inferred": sum(d.get("ebf_rows_inferred", 0) for d in documents),
        "ebf_not_found": [d["file"] for d in text_layer if not d["ebf_found"]],
        "unreadable": [{"file": d["file"], "status": d["status"], "reason": d["error"]}
                       for d in documents if d["status"] != "ok"],
        "pages": sum(d["n_pages"] or 0 for d in documents),
        "seconds": round(sum(d["seconds"] for d in documents), 2),
        "per_document": documents,
    }


# ------------------------------------------------------------------ report


def format_report(report: dict[str, Any]) -> str:
    """A short human-readable summary (the JSON report has every document)."""
    lines: list[str] = []
    corpus = report.get("corpus")
    if corpus:
        c = corpus["clean"]
        lines.append(f"corpus, clean documents: {c['documents']} docs, amount cells exact "
                     f"{c['amount_cells_exact']}/{c['amount_cells']} = {c['amount_cells_exact_pct']}%, "
                     f"rows missing {c['rows_missing']}, rows invented {c['rows_invented']} (of {c['rows']})")
        a = corpus["all_with_ground_truth"]
        lines.append(f"corpus, all with ground truth: {a['documents']} docs, exact {a['amount_cells_exact_pct']}%")
        lines.append(f"metadata exact %: {corpus['metadata_exact_pct']}")
        lines.append(f"unparseable by design: {corpus['expected_failures']}, reported clearly: "
                     f"{corpus['expected_failures_reported_clearly']}")
        for d in corpus["documents"]:
            if not d.get("expected_failure") and d["amount_cells"] != d["amount_cells_exact"]:
                lines.append(f"  {d['id']}: {d['amount_cells_exact']}/{d['amount_cells']} exact, "
                             f"missing {d['rows_missing']}, invented {d['rows_invented']}")
    real = report.get("real")
    if real:
        lines.append(f"real: {real['documents']} files, {real['text_layer_pdfs']} PDFs with a text layer; "
                     f"expenditure_by_function found in {real['ebf_found']} = {real['ebf_found_pct']}% "
                     f"({real['ebf_found_in_those_pct']}% of the {real['pdfs_printing_function_table']} whose text shows "
                     f"such a table); "
                     f"rows total = basic + project: {real['ebf_rows_total_ok']}/{real['ebf_rows_checked']} "
                     f"= {real['ebf_rows_total_ok_pct']}%")
        lines.append(f"  with codes (printed or inferred) on every classification row: {real['ebf_found_with_codes']} "
                     f"= {real['ebf_found_with_codes_pct']}% of those {real['pdfs_printing_function_table']}; "
                     f"{real['ebf_rows_inferred']} rows with inferred codes")
        for d in real["per_document"]:
            if d.get("ebf_rows_uncoded"):
                lines.append(f"  rows without a code: {d['file']}: {d['ebf_rows_uncoded'][:5]}")
        for name in real["ebf_found_empty"]:
            lines.append(f"  expenditure_by_function found without rows (printed empty?): {name}")
        for name in real["ebf_not_found"]:
            shown = "" if name in real["not_printing_function_table"] else " (its text shows one)"
            lines.append(f"  no expenditure_by_function: {name}{shown}")
        for u in real["unreadable"]:
            lines.append(f"  unreadable: {u['file']}: {u['status']}: {u['reason']}")
    return "\n".join(lines)

