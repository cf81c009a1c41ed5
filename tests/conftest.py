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
