"""The data contracts between the stages, defined once (docs/contracts.md §5, §6).

- ``RAW_SCHEMAS``: the raw layer the parsers write (one Parquet file per
  document per table) and the quality checks and dbt staging read, with its
  commit marker (``RAW_COMMIT_MARKER``, ``complete_documents``);
- ``MANIFEST_SCHEMA``: the crawl manifest the scrapers append to, with its
  fetch ``OUTCOMES`` and the ``LANDING_TYPES`` a landed file is recorded as.

Writers use the pyarrow schemas as they are; readers that speak SQL take the
column types from ``duckdb_columns``. tests/core/test_contracts.py checks that
the dbt staging models and docs/contracts.md list exactly these columns.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from countybudget import paths

_str = pa.string()
_int = pa.int32()

# ---------------------------------------------------------------- §4 parse status

# A document's parse status (the raw ``documents.status``, docs/contracts.md §4):
# ok: read; needs_ocr: no text layer; not_budget: read, and not a budget disclosure
# (a notice, a performance-target form, a report …: parsers/classification.py), so it
# stays in the landing zone and the manifest and never enters dim_document; error: unreadable.
PARSE_OK, PARSE_NEEDS_OCR, PARSE_NOT_BUDGET, PARSE_ERROR = "ok", "needs_ocr", "not_budget", "error"
PARSE_STATUSES: tuple[str, ...] = (PARSE_OK, PARSE_NEEDS_OCR, PARSE_NOT_BUDGET, PARSE_ERROR)

# ---------------------------------------------------------------- §5 the raw layer

# How a raw amount was read (``amounts.source``): from the file's own text (a PDF's
# text layer, an Office file's cells) or by OCR of a scanned page's image.
SOURCE_TEXT_LAYER, SOURCE_OCR = "text_layer", "ocr"
AMOUNT_SOURCES: tuple[str, ...] = (SOURCE_TEXT_LAYER, SOURCE_OCR)
# An OCR'd amount whose cell the engine read with less confidence than this is not
# trusted: the quality gate withholds its table (structure_amounts.ocr_confidence).
# The engine's score is a probability: under one half it doubts its reading more than
# it trusts it. Measured on the scanned twins (docs/ocr.md), right figures score down
# to 0.50 (a lone digit wrapped onto a cell's second line) and no misread one scored
# low, so a higher bar (0.90 was tried) only withheld right tables (3 of 7 of a final
# account at 150 dpi); misread figures are the identities' to catch (totals.ocr_identity).
OCR_MIN_CONFIDENCE = 0.5

RAW_SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema(
        [
            ("sha256", _str), ("source_path", _str), ("format", _str), ("status", _str), ("error", _str),
            ("unit_name", _str), ("fiscal_year", _int), ("doc_type", _str), ("currency_unit", _str),
            ("n_pages", _int), ("n_tables", _int), ("parser_version", _str),
            ("parsed_at", pa.timestamp("us", tz="UTC")),
            # the national template's tables and explanations it disclosed (parsers/disclosure.py), JSON
            ("disclosure", _str),
        ]
    ),
    "amounts": pa.schema(
        [
            ("sha256", _str), ("table_index", _int), ("table_kind", _str), ("table_title", _str), ("unit", _str),
            ("page", _int), ("row_index", _int), ("code", _str), ("name", _str), ("item", _str), ("side", _str),
            ("column_key", _str), ("amount", _str),
            # row structure (docs/contracts.md §4): role and depth in the printed hierarchy,
            # whether the code was printed or inferred from the name, a 单位编码 of unit-keyed
            # rows, and other classification codes printed on the same row (JSON object)
            ("row_role", _str), ("row_level", _int), ("code_source", _str), ("unit_code", _str),
            ("other_codes", _str),
            # how the figure was read (AMOUNT_SOURCES), and for OCR the engine's confidence
            # in its cell, 0-1 (a probability, not money); null for a text layer or an Office file
            ("source", _str), ("confidence", pa.float64()),
        ]
    ),
    "targets": pa.schema(
        [
            ("sha256", _str), ("table_index", _int), ("page", _int), ("row_index", _int), ("project_code", _str),
            ("project_name", _str), ("level1", _str), ("level2", _str), ("level3", _str), ("target", _str),
            # the project's funding lines (资金总额 / 财政拨款 / 其他资金 …): JSON {label: amount}, and their unit
            ("project_funds", _str), ("project_funds_unit", _str),
        ]
    ),
    "claims": pa.schema(
        [
            ("sha256", _str), ("claim_index", _int), ("page", _int), ("subject", _str), ("amount", _str),
            ("unit", _str), ("share", _str), ("change", _str), ("change_direction", _str), ("text", _str),
            # the stated change's unit and percentage, a code printed in brackets, and what the
            # claim names (parsers/claim_figures.py): the figure and where the tables print it
            ("change_unit", _str), ("change_percent", _str), ("code", _str), ("figure", _str),
            ("resolved_table_index", _int), ("resolved_row_index", _int), ("resolved_column_key", _str),
            ("resolved_amount", _str), ("resolved_unit", _str), ("resolved_page", _int), ("resolved_row_name", _str),
            ("resolved_n_terms", _int), ("resolved_prior_amount", _str), ("n_candidates", _int),
            ("resolution_note", _str),
            # the verdict (agrees / differs / unresolved), defined once by the parser
            # (parsers/claim_figures.py verdict): the warehouse and the GX claims batch read it
            ("verdict", _str), ("agrees_by_truncation", pa.bool_()), ("unresolved_class", _str),
        ]
    ),
    "warnings": pa.schema([("sha256", _str), ("warning_index", _int), ("message", _str), ("table_index", _int)]),
    # one row per parsed table, empty ones included (pages and columns as JSON text)
    "tables": pa.schema(
        [
            ("sha256", _str), ("table_index", _int), ("table_kind", _str), ("title", _str), ("unit", _str),
            ("unit_source", _str), ("pages", _str), ("columns", _str), ("n_rows", _int), ("note", _str),
        ]
    ),
}
# A claim's verdict, and why an unresolved one is unresolved (raw/claims ``verdict`` and
# ``unresolved_class``, decided by parsers/claim_figures.py). The first three classes are
# figures no table of the document prints: reported apart, never a warning.
CLAIM_VERDICTS: tuple[str, ...] = ("agrees", "differs", "unresolved")
UNRESOLVED_CLASSES: tuple[str, ...] = ("narrative_only", "no_table", "not_printed", "no_row", "no_figure")
NOT_PRINTABLE_CLASSES: tuple[str, ...] = UNRESOLVED_CLASSES[:3]
# the claim columns after the ten the extractor fills: the parser's resolution of each claim
CLAIM_RESOLUTION_COLUMNS: tuple[str, ...] = tuple(RAW_SCHEMAS["claims"].names[10:])
assert tuple(RAW_SCHEMAS) == paths.RAW_TABLES, "raw tables and their schemas must match countybudget.paths"

# A document's raw files are committed as a set: its ``documents`` file is the
# commit marker, removed first and written last by every writer (parsers.lake,
# the test kit's ground-truth writer), so a marker only ever stands beside the
# complete set of files of one parse. A document without it counts as unparsed.
RAW_COMMIT_MARKER = "documents"


def complete_documents() -> set[str]:
    """sha256 of every document whose commit marker stands beside all its other raw files."""
    stems = {
        table: {p.name[: -len(".parquet")] for p in _parquet_files(paths.raw_table_dir(table))}
        for table in paths.RAW_TABLES
    }
    return set.intersection(*stems.values())


def _parquet_files(directory: Path) -> list[Path]:
    try:
        return [p for p in directory.iterdir() if p.name.endswith(".parquet") and not p.name.startswith(".")]
    except FileNotFoundError:
        return []

# ---------------------------------------------------------------- §6 the crawl manifest

OUTCOMES = ("new", "duplicate", "unchanged", "not_modified", "failed", "robots_disallowed", "too_large")
GOOD_OUTCOMES = ("new", "duplicate", "unchanged", "not_modified")  # the rows that name a landed file

# What a landed file is recorded as (``detected_type``): the file-type sniffer's
# answer (``countybudget.sniff``) narrowed to what the crawl tells apart.
LANDING_TYPES = ("pdf", "docx", "xlsx", "xls", "html", "unknown")

MANIFEST_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("attempt_id", pa.string()),
        ("portal_id", pa.string()),
        ("url", pa.string()),
        ("detail_url", pa.string()),
        ("title", pa.string()),
        ("publish_date", pa.date32()),
        ("fiscal_year", pa.int32()),
        ("doc_type", pa.string()),
        ("unit_name", pa.string()),
        ("fetched_at", pa.timestamp("us", tz="UTC")),
        ("http_status", pa.int32()),
        ("outcome", pa.string()),
        ("error", pa.string()),
        ("etag", pa.string()),
        ("last_modified", pa.string()),
        ("size_bytes", pa.int64()),
        ("detected_type", pa.string()),
        ("sha256", pa.string()),
        ("landing_path", pa.string()),
    ]
)
MANIFEST_COLUMNS = tuple(MANIFEST_SCHEMA.names)

# ---------------------------------------------------------------- SQL readers

_DUCKDB_TYPES = {
    pa.string(): "VARCHAR",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.float64(): "DOUBLE",
    pa.date32(): "DATE",
    pa.timestamp("us", tz="UTC"): "TIMESTAMPTZ",
    pa.bool_(): "BOOLEAN",
}


def duckdb_columns(schema: pa.Schema) -> dict[str, str]:
    """Column name → DuckDB type of a contract schema, in contract order."""
    return {field.name: _DUCKDB_TYPES[field.type] for field in schema}
