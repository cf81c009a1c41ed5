"""Fixtures of the pipeline tests: hand-made warehouses and a BI reader process."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

READER_SCRIPT = Path(__file__).with_name("serving_reader.py")


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
    stamp_as_checked(database, "tests/pipeline make_build")  # publish requires a checked build
    return {"marts.fct_amounts": n_amounts, "marts.dim_unit": n_units}


@dataclass
class Reader:
    process: subprocess.Popen
    stop_file: Path

    def stop(self) -> dict:
        self.stop_file.touch()
        out, err = self.process.communicate(timeout=60)
        assert self.process.returncode == 0, err
        return json.loads(out)


@pytest.fixture()
def serving_reader(tmp_path: Path) -> Iterator:
    """Start a reader process on a serving path; call ``.stop()`` to get what it saw."""
    readers: list[Reader] = []

    def start(serving: Path, hold: bool = False) -> Reader:
        stop_file = tmp_path / f"stop-reader-{len(readers)}"
        process = subprocess.Popen(
            [sys.executable, str(READER_SCRIPT), str(serving), str(stop_file)] + (["--hold"] if hold else []),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        reader = Reader(process, stop_file)
        readers.append(reader)
        return reader

    yield start
    for reader in readers:
        if reader.process.poll() is None:
            reader.stop_file.touch()
            reader.process.wait(timeout=60)
