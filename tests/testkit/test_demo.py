"""The demo ``make run`` is: the testkit's mirror, found by ``countybudget run`` through an entry point."""

from __future__ import annotations

import os

import requests

from orchestration import pipeline_cli, plugins
from scrapers.registry import load_registry
from testkit import DEFAULT_MIRROR_URL, MIRROR_REGISTRY
from testkit.demo import mirror_portals


def test_the_mirror_registry_defaults_to_the_port_the_demo_listens_on() -> None:
    assert f"${{COUNTYBUDGET_MIRROR_URL:-{DEFAULT_MIRROR_URL}}}/" in MIRROR_REGISTRY.read_text(encoding="utf-8")


def test_the_demo_serves_the_mirror_and_points_the_crawler_at_it_for_its_duration(monkeypatch) -> None:
    monkeypatch.delenv("COUNTYBUDGET_PORTAL_REGISTRY", raising=False)
    monkeypatch.setenv("COUNTYBUDGET_MIRROR_URL", "http://127.0.0.1:1")
    with mirror_portals() as base_url:
        assert os.environ["COUNTYBUDGET_MIRROR_URL"] == base_url
        registry = load_registry()  # the file the environment names: the mirror's
        assert registry["pingxiang"].base_url.startswith(base_url)
        assert requests.get(registry["pingxiang"].list.url, timeout=10).status_code == 200
    assert os.environ["COUNTYBUDGET_MIRROR_URL"] == "http://127.0.0.1:1"
    assert "COUNTYBUDGET_PORTAL_REGISTRY" not in os.environ


def test_countybudget_run_finds_the_demo_through_the_entry_point() -> None:
    assert [name for name, _ in plugins.load(plugins.PORTAL_ENVIRONMENTS)] == ["mirror"]
    assert dict(plugins.load(plugins.PORTAL_ENVIRONMENTS))["mirror"] is mirror_portals
    # --no-mirror (or a run without a crawl) leaves the registry as configured
    with pipeline_cli.portal_environment(None, use_plugins=False):
        assert "COUNTYBUDGET_PORTAL_REGISTRY" not in os.environ or os.environ["COUNTYBUDGET_PORTAL_REGISTRY"] != str(
            MIRROR_REGISTRY
        )
