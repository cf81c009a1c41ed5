"""Fixtures for the warehouse tests: one lake built once per session (dbt builds
take tens of seconds on the shared machine), read by every build test."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pytest
from warehouse_lake import BuiltLake, build_lake


@pytest.fixture(scope="session")
def built_lake(tmp_path_factory: pytest.TempPathFactory) -> BuiltLake:
    return build_lake(tmp_path_factory.mktemp("warehouse") / "data")


@pytest.fixture(scope="session")
def query(built_lake: BuiltLake) -> Callable[..., list[tuple]]:
    """Query the built warehouse read-only, so a test never changes what it checks."""

    def read(sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(built_lake.warehouse), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    return read
