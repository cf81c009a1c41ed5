"""Where the quality checks read from: the raw layer, through DuckDB.

The suites check what the parsers wrote (docs/contracts.md §5), read straight
from the raw Parquet, not the dbt staging models: amounts there are the decimal
strings *as printed*, so the rounding tolerance can use the step each figure
was printed with (12.3 vs 12.30), which a DECIMAL(18,2) column no longer knows.
The official code lists come from the dbt seeds (the one place they are kept).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import duckdb

from countybudget import paths
from countybudget.contracts import RAW_SCHEMAS, duckdb_columns

# Column types of the raw tables (docs/contracts.md §5, ``countybudget.contracts``).
# A lake with no file for a table yet gets an empty table of this shape.
RAW_COLUMNS: dict[str, dict[str, str]] = {table: duckdb_columns(schema) for table, schema in RAW_SCHEMAS.items()}

# Seed files of the dbt project that hold the official code lists.
SEED_DIR = paths.DBT_PROJECT_DIR / "seeds"


def raw_files(table: str, only: Iterable[str] | None = None) -> list[str]:
    directory = paths.raw_table_dir(table)
    if only is not None:
        return [str(p) for p in (paths.raw_table_file(table, sha) for sha in only) if p.exists()]
    return sorted(str(p) for p in directory.glob("*.parquet")) if directory.exists() else []


def load_raw_table(con: duckdb.DuckDBPyConnection, table: str, only: Iterable[str] | None = None) -> int:
    """Create ``raw_<table>`` in ``con`` from the lake; returns its row count.

    Columns are selected by name and cast to the contract's types; a contract
    column missing from every file comes through as NULL (the structure suite
    reports it), so one malformed file never stops the load.
    """
    columns = RAW_COLUMNS[table]
    files = raw_files(table, only)
    if files:
        # one pass over the files: load as written, then add what is missing and cast
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE raw_{table}_as_written AS "
            f"SELECT * FROM read_parquet(?, union_by_name = true)",
            [files],
        )
        present = {r[0] for r in con.execute(f"DESCRIBE raw_{table}_as_written").fetchall()}
        select = ", ".join(
            f"TRY_CAST({name} AS {sql_type}) AS {name}" if name in present
            else f"CAST(NULL AS {sql_type}) AS {name}"
            for name, sql_type in columns.items()
        )
        con.execute(f"CREATE OR REPLACE TEMP TABLE raw_{table} AS SELECT {select} FROM raw_{table}_as_written")
        con.execute(f"DROP TABLE raw_{table}_as_written")
    else:
        cols = ", ".join(f"{n} {t}" for n, t in columns.items())
        con.execute(f"CREATE OR REPLACE TEMP TABLE raw_{table} ({cols})")
    return con.execute(f"SELECT count(*) FROM raw_{table}").fetchall()[0][0]


# ------------------------------------------------------------ code lists


def find_seed(stem_words: tuple[str, ...]) -> Path | None:
    """The seed CSV whose name contains all these words (seed names are the
    dbt engineer's; matching on words keeps us robust to a rename)."""
    if not SEED_DIR.exists():
        return None
    for path in sorted(SEED_DIR.rglob("*.csv")):
        if all(word in path.stem for word in stem_words):
            return path
    return None


def read_seed_rows(path: Path | None) -> list[dict[str, str]]:
    if path is None:
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [dict(row) for row in csv.DictReader(handle)]
