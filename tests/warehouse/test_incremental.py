"""A night's delta build (incremental models keyed by document hash) gives the warehouse a full rebuild gives."""

from __future__ import annotations

import duckdb
import pytest

from countybudget import paths
from orchestration.warehouse import dbt_build
from testkit.ground_truth_lake import write_raw_document
from testkit.scale_corpus import generate_documents, write_scale_corpus

SCHEMAS = ("staging", "intermediate", "marts")


def relations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.execute(
        "select table_schema, table_name from information_schema.tables where table_schema in ? "
        "order by 1, 2", [list(SCHEMAS)]).fetchall()


def contents() -> dict[str, list[tuple]]:
    """Every row of every staging, intermediate and mart relation, sorted (as text: exact, comparable)."""
    with duckdb.connect(str(paths.warehouse_path()), read_only=True) as con:
        out = {}
        for schema, table in relations(con):
            rows = con.execute(f'select * from "{schema}"."{table}"').fetchall()
            out[f"{schema}.{table}"] = sorted(tuple(str(v) for v in row) for row in rows)
        return out


def build(**how) -> None:
    result = dbt_build(skip_tests=True, **how)
    assert result.ok, result.log_tail


@pytest.fixture(scope="module")
def delta_and_full(tmp_path_factory: pytest.TempPathFactory) -> dict:
    data = tmp_path_factory.mktemp("incremental") / "data"
    with paths.environment(COUNTYBUDGET_DATA=str(data), COUNTYBUDGET_WAREHOUSE=None, COUNTYBUDGET_SERVING=None):
        write_scale_corpus(120)
        build(full_refresh=True)
        before = contents()
        existing = sorted(p.stem for p in paths.raw_table_dir("documents").glob("*.parquet"))
        # the night: a re-parse that reads other figures, a document gone, the next year's new documents
        reparsed = existing[3:9]
        for sha, item in zip(reparsed, generate_documents(len(reparsed), seed=7)):
            write_raw_document(item.doc, sha, "scale-corpus-2")
        gone = existing[20]
        for table in paths.RAW_TABLES:
            paths.raw_table_file(table, gone).unlink()
        new = write_scale_corpus(25, years=(2026,))
        added = sorted(set(p.stem for p in paths.raw_table_dir("documents").glob("*.parquet")) - set(existing))
        build(delta_documents=[*reparsed, gone, *added])
        delta = contents()
        compiled = (paths.data_dir() / "dbt" / "target" / "compiled" / "countybudget" / "models" / "intermediate"
                    / "int_amounts_yuan.sql").read_text(encoding="utf-8")
        build(full_refresh=True)
        full = contents()
    return {"before": before, "delta": delta, "full": full, "gone": gone, "reparsed": reparsed,
            "added": added, "new": new, "compiled": compiled}


def test_the_delta_build_read_only_the_nights_documents(delta_and_full: dict) -> None:
    assert "where document_sha256 in (" in delta_and_full["compiled"]
    assert delta_and_full["gone"] in delta_and_full["compiled"]


def test_the_night_changed_the_warehouse(delta_and_full: dict) -> None:
    assert len(delta_and_full["added"]) == delta_and_full["new"]["documents"] > 0
    assert delta_and_full["delta"]["marts.dim_document"] != delta_and_full["before"]["marts.dim_document"]


@pytest.mark.parametrize("schema", SCHEMAS)
def test_full_refresh_gives_what_the_delta_build_gave(delta_and_full: dict, schema: str) -> None:
    delta, full = delta_and_full["delta"], delta_and_full["full"]
    names = sorted(n for n in full if n.startswith(schema + "."))
    assert names and names == sorted(n for n in delta if n.startswith(schema + "."))
    differing = [n for n in names if delta[n] != full[n]]
    assert differing == [], {n: (len(delta[n]), len(full[n])) for n in differing}


def test_a_gone_document_left_no_row(delta_and_full: dict) -> None:
    gone = delta_and_full["gone"]
    assert any(gone in row for row in delta_and_full["before"]["staging.stg_raw__amounts"])
    assert not any(gone in row for row in delta_and_full["delta"]["staging.stg_raw__amounts"])

