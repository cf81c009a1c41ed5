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
    127.0.0.1 with the repository corpus, as of today; ``COUNTYBUDGET_MIRROR_URL``
    points at it. Tests may move it with ``set_as_of`` / ``set_portal_down``."""
    from countybudget.mirror.server import MirrorServer

    server = MirrorServer(port=0).start()
    monkeypatch.setenv("COUNTYBUDGET_MIRROR_URL", server.base_url)
    try:
        yield server
    finally:
        server.stop()
