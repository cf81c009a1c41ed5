"""One nightly run (``countybudget run`` against the offline mirror, in a fresh lake),
built once per session and read by the report-page and Superset tests."""

from __future__ import annotations

import json

import pytest
from bi_lake import NightlyLake, run_nightly

from testkit.mirror.server import MirrorServer


@pytest.fixture(scope="session")
def nightly_lake(tmp_path_factory: pytest.TempPathFactory) -> NightlyLake:
    data = tmp_path_factory.mktemp("bi") / "data"
    data.mkdir()
    server = MirrorServer(port=0).start()
    try:
        done = run_nightly(data, server.base_url)
    finally:
        server.stop()
    latest = data / "reports" / "latest.json"
    assert done.returncode == 0 and latest.exists(), f"exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return NightlyLake(data=data, serving=data / "serving" / "countybudget.duckdb",
                       report=json.loads(latest.read_text(encoding="utf-8")), stdout=done.stdout)
