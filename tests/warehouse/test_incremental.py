"""A night's delta build (incremental models keyed by document hash, facts and marts by the
night's scope) gives the warehouse a full rebuild gives."""

from __future__ import annotations

import duckdb
import pytest

from countybudget import paths
from orchestration.warehouse import dbt_build
from testkit.ground_truth_lake import write_raw_document
from testkit.scale_corpus import generate_documents, write_scale_corpus

SCHEMAS = ("staging", "intermediate", "marts")
# the night's working set (its scope), empty after a full build: not part of the warehouse's answer
NIGHT_ONLY = {"intermediate.int_delta_scope"}
N_DOCUMENTS = 120


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


def night_build(delta: list[str]) -> None:
    """As the nightly DAG builds: everything but the marts, then the marts, both given the delta."""
    build(exclude="marts", delta_documents=delta)
    build(select="marts", delta_documents=delta)


def withhold_a_table(sha: str) -> None:
    """What the quality checkpoint writes for a table it withholds (the gate itself: tests/expectations)."""
    with duckdb.connect(str(paths.warehouse_path())) as con:
        table_index = con.execute(
            "select table_index from staging.stg_raw__tables where document_sha256 = ? "
            "and table_kind = 'expenditure_by_function'", [sha]).fetchone()[0]
        con.execute("insert into quality.quarantined_tables values (?, ?, 'expenditure_by_function', "
                    "'parent_sum: planted by the test', 'test')", [sha, table_index])


def in_facts(sha: str, snapshot: dict) -> bool:
    return any(sha in row for row in snapshot["marts.fct_expenditure_by_function"])


@pytest.fixture(scope="module")
def delta_and_full(tmp_path_factory: pytest.TempPathFactory) -> dict:
    data = tmp_path_factory.mktemp("incremental") / "data"
    with paths.environment(COUNTYBUDGET_DATA=str(data), COUNTYBUDGET_WAREHOUSE=None, COUNTYBUDGET_SERVING=None):
        corpus = list(generate_documents(N_DOCUMENTS))
        write_scale_corpus(N_DOCUMENTS)
        build(full_refresh=True)
        before = contents()
        existing = sorted(p.stem for p in paths.raw_table_dir("documents").glob("*.parquet"))
        # republished department-years: (the older version, the newer that supersedes it)
        versions = [(item.supersedes, item.sha256) for item in corpus if item.supersedes]
        assert len(versions) >= 2
        (revived_by_gone, gone), (revived_by_move, moved) = versions[:2]
        # the night: re-parses that read other figures (one of them the newer version of a
        # department-year, now read as another department's), documents gone (one of them a
        # newer version), the next year's new documents, and a table the checks now withhold
        reparsed = [sha for sha in existing[3:9] if sha not in {gone, revived_by_gone, revived_by_move}]
        reparsed = sorted({*reparsed, moved})
        for sha, item in zip(reparsed, generate_documents(len(reparsed), seed=7)):
            write_raw_document(item.doc, sha, "scale-corpus-2")
        plain_gone = next(sha for sha in existing[20:] if sha not in {*reparsed, revived_by_gone, revived_by_move})
        for sha in (gone, plain_gone):
            for table in paths.RAW_TABLES:
                paths.raw_table_file(table, sha).unlink()
        new = write_scale_corpus(25, years=(2026,))
        added = sorted(set(p.stem for p in paths.raw_table_dir("documents").glob("*.parquet")) - set(existing))
        rechecked = next(sha for sha in existing[40:] if in_facts(sha, before)
                         and sha not in {*reparsed, gone, plain_gone, revived_by_gone, revived_by_move})
        withhold_a_table(rechecked)
        night_build([*reparsed, gone, plain_gone, *added, rechecked])
        delta = contents()
        compiled = paths.data_dir() / "dbt" / "target" / "compiled" / "countybudget" / "models"
        compiled_amounts = (compiled / "intermediate" / "int_amounts_yuan.sql").read_text(encoding="utf-8")
        compiled_fact = (compiled / "marts" / "core" / "fct_expenditure_by_function.sql").read_text(encoding="utf-8")
        build(full_refresh=True)
        full = contents()
    return {"before": before, "delta": delta, "full": full, "gone": gone, "plain_gone": plain_gone,
            "reparsed": reparsed, "added": added, "new": new, "compiled": compiled_amounts,
            "compiled_fact": compiled_fact, "revived": (revived_by_gone, revived_by_move), "rechecked": rechecked,
            "n_documents": len(existing)}


def test_the_delta_build_read_only_the_nights_documents(delta_and_full: dict) -> None:
    assert "where document_sha256 in (" in delta_and_full["compiled"]
    assert delta_and_full["gone"] in delta_and_full["compiled"]


def test_the_facts_were_recomputed_for_the_nights_scope_only(delta_and_full: dict) -> None:
    assert "int_delta_scope" in delta_and_full["compiled_fact"]
    scope = {row[1] for row in delta_and_full["delta"]["intermediate.int_delta_scope"]}
    night = {*delta_and_full["reparsed"], delta_and_full["gone"], delta_and_full["plain_gone"],
             *delta_and_full["added"], delta_and_full["rechecked"]}
    assert night - {delta_and_full["gone"], delta_and_full["plain_gone"]} <= scope
    assert set(delta_and_full["revived"]) <= scope  # brought back by their department-year's newer version
    assert len(scope - set(delta_and_full["added"])) < delta_and_full["n_documents"] // 2


def test_the_night_changed_the_warehouse(delta_and_full: dict) -> None:
    before, delta = delta_and_full["before"], delta_and_full["delta"]
    assert len(delta_and_full["added"]) == delta_and_full["new"]["documents"] > 0
    assert delta["marts.dim_document"] != before["marts.dim_document"]
    # an older version is reported again when its newer one is gone or moved to another department-year
    for older in delta_and_full["revived"]:
        assert not in_facts(older, before) and in_facts(older, delta), older
    # a table the checks withheld tonight left the facts, though its document's raw rows did not change
    assert in_facts(delta_and_full["rechecked"], before) and not in_facts(delta_and_full["rechecked"], delta)
    for mart in ("mart_department_budget_summary", "mart_region_function_spending", "mart_three_public_by_region_year"):
        assert delta[f"marts.{mart}"] != before[f"marts.{mart}"], mart


@pytest.mark.parametrize("schema", SCHEMAS)
def test_full_refresh_gives_what_the_delta_build_gave(delta_and_full: dict, schema: str) -> None:
    delta, full = delta_and_full["delta"], delta_and_full["full"]
    names = sorted(n for n in full if n.startswith(schema + ".") and n not in NIGHT_ONLY)
    assert names and names == sorted(n for n in delta if n.startswith(schema + ".") and n not in NIGHT_ONLY)
    differing = [n for n in names if delta[n] != full[n]]
    assert differing == [], {n: (len(delta[n]), len(full[n])) for n in differing}


def test_a_gone_document_left_no_row(delta_and_full: dict) -> None:
    for gone in (delta_and_full["gone"], delta_and_full["plain_gone"]):
        assert any(gone in row for row in delta_and_full["before"]["staging.stg_raw__amounts"])
        for name, rows in delta_and_full["delta"].items():
            if name not in NIGHT_ONLY | {"staging.stg_landing__manifest"}:  # the crawl's record stays
                assert not any(gone in row for row in rows), name
