"""The layout of the data lake, defined once.

Every stage reads and writes through these functions, so moving the lake (or
pointing a test at a temporary one) is one environment variable:
``COUNTYBUDGET_DATA`` (default ``./data`` under the repository).

    data/
      landing/
        files/<sha256[:2]>/<sha256>.<ext>   original files, content-addressed, never modified
        manifest/*.parquet                  one row per fetch attempt (append-only, one file per run chunk)
        state/                              crawler state (conditional-GET validators, retry queue)
      raw/
        documents/<sha256>.parquet          one row per parsed document
        amounts/<sha256>.parquet            one row per amount cell
        targets/<sha256>.parquet            one row per performance-target indicator
        claims/<sha256>.parquet             one row per figure stated in the narrative
        warnings/<sha256>.parquet           one row per parser warning
        tables/<sha256>.parquet             one row per parsed table, empty ones included
      warehouse.duckdb                      the dbt build (one writer: the nightly run)
      serving/countybudget.duckdb           the published copy BI tools read
      quality/                              GX results and data docs (HTML)
      reports/                              run reports
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

RAW_TABLES = ("documents", "amounts", "targets", "claims", "warnings", "tables")


def data_dir() -> Path:
    return Path(os.environ.get("COUNTYBUDGET_DATA", REPO_ROOT / "data")).resolve()


@contextmanager
def environment(**variables: str | None) -> Iterator[None]:
    """Set these environment variables (None: unset) in this process and its
    children for the duration; restore them afterwards."""
    saved = {name: os.environ.get(name) for name in variables}
    try:
        _set_environment(variables)
        yield
    finally:
        _set_environment(saved)


def _set_environment(variables: dict[str, str | None]) -> None:
    for name, value in variables.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@contextmanager
def temporary_lake(prefix: str = "countybudget-lake-", **env: str) -> Iterator[Path]:
    """Point the lake (plus any ``env`` variables) at a fresh temporary
    directory for the duration; the environment is restored and the directory
    removed afterwards. Benchmarks use it so they never touch ``data/``."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        data = root / "data"
        data.mkdir()
        with environment(COUNTYBUDGET_DATA=str(data), COUNTYBUDGET_WAREHOUSE=None, COUNTYBUDGET_SERVING=None, **env):
            yield data
    finally:
        shutil.rmtree(root, ignore_errors=True)


def landing_dir() -> Path:
    return data_dir() / "landing"


def landing_files_dir() -> Path:
    return landing_dir() / "files"


def landing_file(sha256: str, ext: str) -> Path:
    """Where the original file with this hash lives (ext without the dot)."""
    return landing_files_dir() / sha256[:2] / f"{sha256}.{ext}"


def manifest_dir() -> Path:
    return landing_dir() / "manifest"


def crawler_state_dir() -> Path:
    return landing_dir() / "state"


def raw_dir() -> Path:
    return data_dir() / "raw"


def raw_table_dir(table: str) -> Path:
    if table not in RAW_TABLES:
        raise ValueError(f"unknown raw table {table!r}; expected one of {RAW_TABLES}")
    return raw_dir() / table


def raw_table_file(table: str, sha256: str) -> Path:
    """One Parquet file per document per raw table: re-parsing replaces it."""
    return raw_table_dir(table) / f"{sha256}.parquet"


def warehouse_path() -> Path:
    return Path(os.environ.get("COUNTYBUDGET_WAREHOUSE", data_dir() / "warehouse.duckdb")).resolve()


def serving_path() -> Path:
    return Path(
        os.environ.get("COUNTYBUDGET_SERVING", data_dir() / "serving" / "countybudget.duckdb")
    ).resolve()


def quality_dir() -> Path:
    return data_dir() / "quality"


def reports_dir() -> Path:
    return data_dir() / "reports"


# Committed inputs (part of the repository, not of the lake).
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"
# The deployment's portal registry: real portals only. Point
# ``COUNTYBUDGET_PORTAL_REGISTRY`` at another file to crawl other portals
# (the testkit's demo points it at the offline mirror's registry).
PORTAL_REGISTRY = REPO_ROOT / "scrapers" / "portals.yml"


def portal_registry() -> Path:
    """The registry file the crawler reads: ``COUNTYBUDGET_PORTAL_REGISTRY``, else ``PORTAL_REGISTRY``."""
    return Path(os.environ.get("COUNTYBUDGET_PORTAL_REGISTRY") or PORTAL_REGISTRY).resolve()


# The classification code lists (支出功能分类, 部门 / 政府预算支出经济分类) are kept
# once, as dbt seeds; the parser and the quality gate read the same files
# through ``countybudget.code_lists`` (docs/code-lists.md).
CODE_LIST_DIR = DBT_PROJECT_DIR / "seeds"
FUNCTION_CODE_LIST = CODE_LIST_DIR / "function_classes_curated.csv"
ECONOMIC_CODE_LIST = CODE_LIST_DIR / "economic_classes_curated.csv"
