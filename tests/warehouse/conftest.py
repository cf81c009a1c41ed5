"""Fixtures for the warehouse tests: one real dbt build of a generated lake, shared by a module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from countybudget import paths


@pytest.fixture(scope="module")
def module_lake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh lake for a whole test module (dbt builds are too slow to repeat per test)."""
    data = tmp_path_factory.mktemp("lake") / "data"
    data.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COUNTYBUDGET_DATA", str(data))
        mp.delenv("COUNTYBUDGET_WAREHOUSE", raising=False)
        mp.delenv("COUNTYBUDGET_SERVING", raising=False)
        yield data


def read_warehouse(sql: str, params: list | None = None) -> list[tuple]:
    """Query the lake's warehouse read-only, so a test never changes what it checks."""
    with duckdb.connect(str(paths.warehouse_path()), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="module")
def query():
    return read_warehouse
