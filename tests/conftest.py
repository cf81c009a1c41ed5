"""Shared fixtures. Stage-specific fixtures live in each tests/<stage>/conftest.py."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture()
def lake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty data lake: every stage writes under this directory."""
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("COUNTYBUDGET_DATA", str(data))
    monkeypatch.delenv("COUNTYBUDGET_WAREHOUSE", raising=False)
    monkeypatch.delenv("COUNTYBUDGET_SERVING", raising=False)
    return data


@pytest.fixture()
def mirror(monkeypatch: pytest.MonkeyPatch):
    """The offline portal mirror (docs/mirror.md), started on a free port of
    127.0.0.1 with the repository corpus, as of today; the crawler is pointed
    at it (``COUNTYBUDGET_MIRROR_URL``, and ``COUNTYBUDGET_PORTAL_REGISTRY`` =
    the testkit's mirror registry). Tests may move it with ``set_as_of`` /
    ``set_portal_down``."""
    from testkit.demo import crawler_environment
    from testkit.mirror.server import MirrorServer

    server = MirrorServer(port=0).start()
    for name, value in crawler_environment(server.base_url).items():
        monkeypatch.setenv(name, value)
    try:
        yield server
    finally:
        server.stop()
