"""Write parse-output documents straight into the raw layer, as if parsed perfectly.

The corpus ground truth (``corpus/ground_truth/*.json``) has the parse-output
shape of docs/contracts.md §4; this module flattens such a document into the
raw-layer Parquet tables of §5 and the catalogue postings into crawl-manifest
rows (§6). That lets the warehouse be built and tested against the corpus
before (and independently of) the parser, and the scale corpus
(``countybudget.scale_corpus``) reuses the same writer so both are shaped alike.

It also computes, from a parse-output document alone, the figures the marts
must reproduce (``expected_function_spending``), so a test can compare the
warehouse with its input to the cent.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from countybudget import paths
from countybudget.money import to_yuan
from countybudget.table_kinds import TableKind

GROUND_TRUTH_PARSER_VERSION = "ground-truth"

_S = pa.string()
_I = pa.int64()
_TS = pa.timestamp("us", tz="UTC")

# The raw layer, docs/contracts.md §5 (all amounts are decimal strings).
RAW_SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema(
        [("sha256", _S), ("source_path", _S), ("format", _S), ("status", _S), ("error", _S),
         ("unit_name", _S), ("fiscal_year", _I), ("doc_type", _S), ("currency_unit", _S),
         ("n_pages", _I), ("n_tables", _I), ("parser_version", _S), ("parsed_at", _TS)]
    ),
    "amounts": pa.schema(
        [("sha256", _S), ("table_index", _I), ("table_kind", _S), ("table_title", _S), ("unit", _S),
         ("page", _I), ("row_index", _I), ("code", _S), ("name", _S), ("item", _S), ("side", _S),
         ("column_key", _S), ("amount", _S)]
    ),
    "targets": pa.schema(
        [("sha256", _S), ("table_index", _I), ("page", _I), ("row_index", _I), ("project_code", _S),
         ("project_name", _S), ("level1", _S), ("level2", _S), ("level3", _S), ("target", _S)]
    ),
    "claims": pa.schema(
        [("sha256", _S), ("claim_index", _I), ("page", _I), ("subject", _S), ("amount", _S),
         ("unit", _S), ("share", _S), ("change", _S), ("change_direction", _S), ("text", _S)]
    ),
    "warnings": pa.schema([("sha256", _S), ("warning_index", _I), ("message", _S)]),
}

# The crawl manifest, docs/contracts.md §6.
MANIFEST_SCHEMA = pa.schema(
    [("run_id", _S), ("attempt_id", _S), ("portal_id", _S), ("url", _S), ("detail_url", _S),
     ("title", _S), ("publish_date", pa.date32()), ("fiscal_year", _I), ("doc_type", _S),
     ("unit_name", _S), ("fetched_at", _TS), ("http_status", _I), ("outcome", _S), ("error", _S),
     ("etag", _S), ("last_modified", _S), ("size_bytes", _I), ("detected_type", _S),
     ("sha256", _S), ("landing_path", _S)]
)

_TEXT_KINDS = {TableKind.PERFORMANCE_TARGETS.value, TableKind.UNKNOWN.value}


def raw_rows(doc: Mapping[str, Any], sha256: str, parser_version: str, parsed_at: datetime) -> dict[str, list[dict]]:
    """Flatten one parse-output document into rows of each raw table."""
    tables = doc.get("tables") or []
    rows: dict[str, list[dict]] = {name: [] for name in RAW_SCHEMAS}
    rows["documents"].append(
        {
            "sha256": sha256,
            "source_path": doc.get("source"),
            "format": doc.get("format"),
            "status": doc.get("status", "ok"),
            "error": doc.get("error"),
            "unit_name": doc.get("unit_name"),
            "fiscal_year": doc.get("fiscal_year"),
            "doc_type": doc.get("doc_type"),
            "currency_unit": doc.get("currency_unit"),
            "n_pages": doc.get("n_pages"),
            "n_tables": len(tables),
            "parser_version": parser_version,
            "parsed_at": parsed_at,
        }
    )
    for table_index, table in enumerate(tables):
        kind = table["kind"]
        if kind == TableKind.PERFORMANCE_TARGETS.value:
            rows["targets"].extend(_target_rows(sha256, table_index, table))
        elif kind not in _TEXT_KINDS:
            rows["amounts"].extend(_amount_rows(sha256, table_index, table))
    for claim_index, claim in enumerate(doc.get("claims") or []):
        rows["claims"].append(
            {"sha256": sha256, "claim_index": claim_index,
             **{k: claim.get(k) for k in ("page", "subject", "amount", "unit", "share", "change",
                                          "change_direction", "text")}}
        )
    for warning_index, message in enumerate(doc.get("warnings") or []):
        rows["warnings"].append({"sha256": sha256, "warning_index": warning_index, "message": message})
    return rows


def _amount_rows(sha256: str, table_index: int, table: Mapping[str, Any]) -> Iterable[dict]:
    # Blank cells (null) are not amount cells: the raw layer holds printed figures only.
    for row_index, row in enumerate(table.get("rows") or []):
        for column_key, amount in (row.get("amounts") or {}).items():
            if amount is None:
                continue
            yield {
                "sha256": sha256, "table_index": table_index, "table_kind": table["kind"],
                "table_title": table.get("title"), "unit": table.get("unit"), "page": row.get("page"),
                "row_index": row_index, "code": row.get("code"), "name": row.get("name"),
                "item": row.get("item"), "side": row.get("side"), "column_key": column_key,
                "amount": str(amount),
            }


def _target_rows(sha256: str, table_index: int, table: Mapping[str, Any]) -> Iterable[dict]:
    for row_index, row in enumerate(table.get("rows") or []):
        yield {
            "sha256": sha256, "table_index": table_index, "page": row.get("page"), "row_index": row_index,
            **{k: row.get(k) for k in ("project_code", "project_name", "level1", "level2", "level3", "target")},
        }


def write_raw_document(
    doc: Mapping[str, Any],
    sha256: str,
    parser_version: str = GROUND_TRUTH_PARSER_VERSION,
    parsed_at: datetime | None = None,
) -> dict[str, int]:
    """Write (or overwrite) one document's raw-layer files; return rows per table."""
    rows = raw_rows(doc, sha256, parser_version, parsed_at or datetime.now(timezone.utc))
    counts: dict[str, int] = {}
    for table, table_rows in rows.items():
        target = paths.raw_table_file(table, sha256)
        if not table_rows:
            target.unlink(missing_ok=True)  # re-parse replaces: no stale rows from an older parse
            counts[table] = 0
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist(table_rows, schema=RAW_SCHEMAS[table]), target)
        counts[table] = len(table_rows)
    return counts


def write_manifest(rows: list[dict], name: str) -> Path:
    """Append one manifest file (the manifest is append-only: never rewrite an old file)."""
    target = paths.manifest_dir() / f"{name}.parquet"
    target.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=MANIFEST_SCHEMA), target)
    return target


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
    corpus_dir = corpus_dir or paths.CORPUS_DIR
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


