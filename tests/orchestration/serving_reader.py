"""A BI reader in its own process: queries the serving database read-only until told to stop.

Run as ``python serving_reader.py SERVING STOP_FILE [--hold]``. Prints one
JSON object: the mart row counts of every observation and every error. By
default each observation opens a fresh connection (a BI query); with
``--hold`` one connection stays open throughout (a BI session). DuckDB shares
one database instance per path within a process, so the two behaviours need
two processes. A test compares the
observations with the snapshots it published: a half-built warehouse would
show counts that match none of them.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb

from orchestration.publish import mart_row_counts


def main(serving: Path, stop_file: Path, hold: bool) -> None:
    observations: list[dict[str, int]] = []
    errors: list[str] = []
    held: duckdb.DuckDBPyConnection | None = None

    def observe() -> None:
        nonlocal held
        if not serving.exists():
            return
        try:
            if hold:
                held = held or duckdb.connect(str(serving), read_only=True)
                observations.append(mart_row_counts(held))
            else:
                with duckdb.connect(str(serving), read_only=True) as con:
                    observations.append(mart_row_counts(con))
        except Exception as exc:  # every failure is a finding, reported to the test
            errors.append(f"{type(exc).__name__}: {exc}")

    while not stop_file.exists():
        observe()
        time.sleep(0.01)
    # one more after the stop: the test stops the reader after its last publish, and on a
    # loaded machine the loop may not have come round since (the last observation must be it)
    observe()
    print(json.dumps({"observations": observations, "errors": errors}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), hold="--hold" in sys.argv[3:])
