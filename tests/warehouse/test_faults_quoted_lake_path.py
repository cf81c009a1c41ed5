"""dbt reads a lake whose path contains a quote (issue 17, "also").

The sources paste the lake path into ``read_parquet('…')``; with a ``'`` in it
the glob was cut at the quote, matched no file, and every staging model built
silently empty. The path is now a SQL literal with the quote doubled."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from countybudget import paths
from testkit.scale_corpus import write_scale_corpus
from orchestration.warehouse import dbt_build


def test_staging_reads_every_raw_row_under_a_quoted_lake_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "county's lake" / "data"
    data.mkdir(parents=True)
    monkeypatch.setenv("COUNTYBUDGET_DATA", str(data))
    monkeypatch.delenv("COUNTYBUDGET_WAREHOUSE", raising=False)
    write_scale_corpus(5, seed=1)
    raw = {table: sum(pq.read_metadata(p).num_rows for p in paths.raw_table_dir(table).glob("*.parquet"))
           for table in ("documents", "amounts")}
    assert raw["amounts"] > 0

    result = dbt_build(exclude="marts", skip_tests=True)

    assert result.ok, result.log_tail
    with duckdb.connect(str(paths.warehouse_path()), read_only=True) as con:
        built = {table: con.execute(f"select count(*) from staging.stg_raw__{table}").fetchone()[0]
                 for table in ("documents", "amounts")}
    assert built == raw
