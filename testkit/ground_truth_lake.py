"""Write parse-output documents straight into the raw layer, as if parsed perfectly.

The corpus ground truth (``corpus/ground_truth/*.json``) has the parse-output
shape of docs/contracts.md §4; this module writes such a document into the
raw-layer Parquet tables of §5 with the parser's own row builder
(``parsers.lake``) and the contract's schemas (``countybudget.contracts``), and the catalogue postings into crawl-manifest rows (§6)
with the scrapers' writer (``scrapers.manifest``). That lets the warehouse be built and tested against the corpus
before (and independently of) the parser, and the scale corpus
(``testkit.scale_corpus``) reuses the same writer so both are shaped alike.

It also computes, from a parse-output document alone, the figures the marts
must reproduce (``expected_function_spending``), so a test can compare the
warehouse with its input to the cent.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from countybudget import paths
from countybudget.contracts import RAW_COMMIT_MARKER, RAW_SCHEMAS
from countybudget.money import to_yuan
from countybudget.table_kinds import TableKind
from testkit import CORPUS_DIR

GROUND_TRUTH_PARSER_VERSION = "ground-truth"

def raw_rows(doc: Mapping[str, Any], sha256: str, parser_version: str, parsed_at: datetime) -> dict[str, list[dict]]:
    """Flatten one parse-output document into rows of each raw table, exactly as
    the parser's writer does (``parsers.lake.record_rows``), recording who made it."""
    from parsers.lake import record_rows

    rows = record_rows({**doc, "sha256": sha256}, parsed_at)
    rows["documents"][0]["parser_version"] = parser_version
    return rows


def write_raw_document(
    doc: Mapping[str, Any],
    sha256: str,
    parser_version: str = GROUND_TRUTH_PARSER_VERSION,
    parsed_at: datetime | None = None,
) -> dict[str, int]:
    """Write (or overwrite) one document's raw-layer files; return rows per table."""
    rows = raw_rows(doc, sha256, parser_version, parsed_at or datetime.now(timezone.utc))
    counts: dict[str, int] = {}
    # as parsers.lake writes a parse: every file (empty ones too), the documents marker last
    paths.raw_table_file(RAW_COMMIT_MARKER, sha256).unlink(missing_ok=True)
    for table in sorted(rows, key=lambda t: t == RAW_COMMIT_MARKER):
        target = paths.raw_table_file(table, sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist(rows[table], schema=RAW_SCHEMAS[table]), target)
        counts[table] = len(rows[table])
    return counts


def plant_failing_table(doc: Mapping[str, Any], kind: str) -> tuple[dict[str, Any], int]:
    """A copy of ``doc`` whose first table of ``kind`` breaks its own identities, and that
    table's index: the first coded (else first) row's total figure, and only it, is 1.00
    more, so 合计 ≠ its parts and its parent ≠ Σ children. For testing the gate's
    per-table quarantine on a document whose other tables are right."""
    import copy

    planted = copy.deepcopy(dict(doc))
    index = next(i for i, t in enumerate(planted["tables"]) if t["kind"] == kind)
    rows = planted["tables"][index]["rows"]
    row = next((r for r in rows if r.get("code")), rows[0])
    key = next(k for k in ("total", "amount", *row["amounts"]) if row["amounts"].get(k) is not None)
    row["amounts"][key] = str(Decimal(row["amounts"][key]) + Decimal("1.00"))
    return planted, index


def write_manifest(rows: list[dict], name: str) -> Path:
    """Append one manifest file through the scrapers' writer (append-only, atomic)."""
    from scrapers.manifest import write_rows

    return write_rows(rows, name)


def failed_document(entry: Mapping[str, Any], reason: str) -> dict[str, Any]:
    """A parse-output stub for a document with no ground truth (unparseable by design)."""
    return {
        "schema_version": "1", "source": entry.get("file"), "format": entry.get("format"),
        "status": "error", "error": reason, "unit_name": entry.get("unit_name"),
        "fiscal_year": entry.get("fiscal_year"), "doc_type": entry.get("doc_type"),
        "currency_unit": None, "n_pages": None, "tables": [], "claims": [], "warnings": [],
    }


def _document_sha256(entry: Mapping[str, Any], doc: Mapping[str, Any], corpus_dir: Path) -> str:
    file = corpus_dir / entry["file"] if entry.get("file") else None
    if file is not None and file.is_file():
        return hashlib.sha256(file.read_bytes()).hexdigest()
    if doc.get("sha256"):
        return str(doc["sha256"])
    return hashlib.sha256(str(entry["id"]).encode()).hexdigest()


def _posting_rows(entry: Mapping[str, Any], sha256: str, run_id: str, fetched_at: datetime) -> list[dict]:
    rows = []
    for n, posting in enumerate(entry.get("postings") or []):
        published = posting.get("publish_date")
        if isinstance(published, str):
            published = date.fromisoformat(published)
        rows.append(
            {
                "run_id": run_id, "attempt_id": f"{run_id}-{entry['id']}-{n}", "portal_id": posting.get("portal"),
                # The mirror's URL is only known to a crawl; a ground-truth load names the corpus file.
                "url": posting.get("url") or f"corpus:{entry.get('file')}#posting-{n}",
                "detail_url": posting.get("detail_url"), "title": posting.get("title"),
                "publish_date": published, "fiscal_year": entry.get("fiscal_year"),
                "doc_type": entry.get("doc_type"), "unit_name": entry.get("unit_name"),
                "fetched_at": fetched_at, "http_status": 200, "outcome": "new" if n == 0 else "duplicate",
                "error": None, "etag": None, "last_modified": None, "size_bytes": None,
                "detected_type": entry.get("format"), "sha256": sha256, "landing_path": None,
            }
        )
    return rows


def load_ground_truth(corpus_dir: Path | None = None) -> dict[str, Any]:
    """Load every catalogued document's ground truth into the raw layer and manifest.

    Documents without ground truth (unparseable by design) are written with
    status ``error`` so the warehouse lists them without any figures.
    """
    corpus_dir = corpus_dir or CORPUS_DIR
    catalogue = yaml.safe_load((corpus_dir / "catalogue.yml").read_text(encoding="utf-8"))
    now = datetime.now(timezone.utc)
    manifest: list[dict] = []
    loaded, failed, errors = 0, 0, []
    sha256_by_id: dict[str, str] = {}
    for entry in catalogue.get("documents") or []:
        try:
            if entry.get("ground_truth"):
                doc = json.loads((corpus_dir / entry["ground_truth"]).read_text(encoding="utf-8"))
                loaded += 1
            else:
                doc = failed_document(entry, f"no ground truth (defects: {', '.join(entry.get('defects') or [])})")
                failed += 1
            sha256 = _document_sha256(entry, doc, corpus_dir)
            write_raw_document(doc, sha256, parsed_at=now)
            sha256_by_id[entry["id"]] = sha256
            manifest.extend(_posting_rows(entry, sha256, "ground-truth", now))
        except (OSError, ValueError, KeyError, json.JSONDecodeError) as exc:  # one bad entry never stops the rest
            errors.append({"id": entry.get("id"), "error": f"{type(exc).__name__}: {exc}"})
    if manifest:
        write_manifest(manifest, f"ground-truth-{now:%Y%m%dT%H%M%S%f}")
    return {"documents": loaded, "failed_by_design": failed, "postings": len(manifest), "errors": errors,
            "sha256_by_id": sha256_by_id}


def expected_function_spending(doc: Mapping[str, Any]) -> dict[tuple[str, str, str], Decimal]:
    """What ``fct_expenditure_by_function`` must hold for this document, in yuan.

    Keyed by (table kind, function code, expenditure type); rows with the same
    code in one table are summed, as the fact's grain does.
    """
    expected: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for table in doc.get("tables") or []:
        if table["kind"] not in FUNCTION_TABLE_KINDS:
            continue
        unit = table.get("unit") or doc.get("currency_unit")
        for row in table.get("rows") or []:
            if not row.get("code"):
                continue
            for expenditure_type, amount in expenditure_type_amounts(row.get("amounts") or {}).items():
                expected[(table["kind"], row["code"], expenditure_type)] += to_yuan(Decimal(amount), unit)
    return dict(expected)


FUNCTION_TABLE_KINDS = (
    TableKind.EXPENDITURE_BY_FUNCTION.value,
    TableKind.GOVERNMENT_FUND_EXPENDITURE.value,
    TableKind.STATE_CAPITAL_EXPENDITURE.value,
)


def expenditure_type_amounts(amounts: Mapping[str, Any]) -> dict[str, str]:
    """basic/project where printed; the total as ``unsplit`` when a row has neither."""
    split = {k: amounts[k] for k in ("basic", "project") if amounts.get(k) is not None}
    if split:
        return split
    return {"unsplit": amounts["total"]} if amounts.get("total") is not None else {}


