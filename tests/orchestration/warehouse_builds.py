"""A hand-made build warehouse for the publish tests."""

from __future__ import annotations

from pathlib import Path


def make_build(database: Path, n_amounts: int, n_units: int = 3) -> dict[str, int]:
    """Write a small warehouse with a ``marts`` schema; return its expected mart row counts."""
    import duckdb

    from countybudget.build_stamp import stamp_as_checked

    database.unlink(missing_ok=True)
    with duckdb.connect(str(database)) as con:
        con.execute("create schema marts")
        con.execute("create schema staging")
        con.execute(
            "create table marts.fct_amounts as select i as amount_id, "
            "cast(i * 1.25 as decimal(18,2)) as amount_yuan from range(?) t(i)",
            [n_amounts],
        )
        con.execute("create table marts.dim_unit as select i as unit_id from range(?) t(i)", [n_units])
        con.execute("create table staging.stg_amounts as select 1 as x")  # not a mart: not counted
    stamp_as_checked(database, "tests/orchestration make_build")  # publish requires a checked build
    return {"marts.fct_amounts": n_amounts, "marts.dim_unit": n_units}
