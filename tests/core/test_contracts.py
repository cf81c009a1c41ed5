"""The raw layer and the manifest are defined once (``countybudget.contracts``):
the writers use the schemas, and everything else that lists their columns
(the dbt staging models, the quality checks' reader, docs/contracts.md) agrees."""

from __future__ import annotations

import re

import pytest

from countybudget import paths
from countybudget.contracts import MANIFEST_SCHEMA, RAW_SCHEMAS, duckdb_columns
from expectations import sources
from scrapers import manifest

STAGING = paths.DBT_PROJECT_DIR / "models" / "staging"
CONTRACTS_DOC = paths.REPO_ROOT / "docs" / "contracts.md"


def staged_columns(source: str, table: str) -> list[str]:
    """The column list a staging model passes to ``raw_source(source, table, [...])``."""
    model = STAGING / f"stg_{source}__{table}.sql"
    match = re.search(rf"raw_source\('{source}', '{table}', \[(?P<cols>[^\]]*)\]\)", model.read_text(encoding="utf-8"))
    assert match, f"{model.name} does not read its source through raw_source(...)"
    return re.findall(r"'(\w+)'", match.group("cols"))


def documented_section(number: int) -> str:
    text = CONTRACTS_DOC.read_text(encoding="utf-8")
    return text.split(f"\n## {number}. ")[1].split("\n## ")[0]


def documented_raw_columns() -> dict[str, list[str]]:
    """§5's table: ``| table | columns |``, columns comma-separated with types in parentheses."""
    rows = re.findall(r"^\| (\w+) \| (.+) \|$", documented_section(5), re.MULTILINE)
    return {table: [c.strip().split()[0] for c in cols.split(",")] for table, cols in rows if table != "table"}


def documented_manifest_columns() -> list[str]:
    """§6's paragraph listing the columns, ``run_id, attempt_id, …`` up to ``landing_path.``"""
    block = documented_section(6).split("fetch attempt of an attachment:")[1].split("`landing_path` is relative")[0]
    block = re.sub(r"\([^)]*\)", "", block.replace("\n", " "))
    return [c.strip().rstrip(".") for c in block.split(",") if c.strip()]


@pytest.mark.parametrize("table", list(RAW_SCHEMAS))
def test_dbt_staging_reads_exactly_the_raw_layer_columns(table: str) -> None:
    assert staged_columns("raw", table) == RAW_SCHEMAS[table].names


def test_dbt_staging_reads_exactly_the_manifest_columns() -> None:
    assert staged_columns("landing", "manifest") == MANIFEST_SCHEMA.names


def test_docs_contracts_list_exactly_the_raw_layer_and_manifest_columns() -> None:
    assert documented_raw_columns() == {table: schema.names for table, schema in RAW_SCHEMAS.items()}
    assert documented_manifest_columns() == MANIFEST_SCHEMA.names


def test_the_writers_and_the_reader_use_the_contract() -> None:
    assert manifest.SCHEMA is MANIFEST_SCHEMA
    for table, schema in RAW_SCHEMAS.items():
        assert list(sources.RAW_COLUMNS[table]) == schema.names
    assert duckdb_columns(RAW_SCHEMAS["documents"])["parsed_at"] == "TIMESTAMPTZ"
    assert duckdb_columns(RAW_SCHEMAS["amounts"])["table_index"] == "INTEGER"
