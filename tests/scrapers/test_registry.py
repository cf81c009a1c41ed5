"""The portal registries: the deployment's (real portals only) and the testkit mirror's are valid, bad entries fail clearly."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from countybudget import paths
from scrapers.api import UnverifiedPortalError, select_portals
from scrapers.registry import RegistryError, load_registry, parse_registry
from testkit import DEFAULT_MIRROR_URL, MIRROR_REGISTRY

MIRROR_PORTALS = {"pingxiang", "huainan", "yongqiao", "suixi", "fengxian", "guangzhou"}
ENV = {"COUNTYBUDGET_MIRROR_URL": "http://127.0.0.1:9999"}
REAL_PUBLISHERS = {"平乡县人民政府", "凤县人民政府", "埇桥区人民政府", "濉溪县人民政府", "淮南市人民政府", "广州市人民政府"}


@pytest.fixture()
def document() -> dict:
    """The mirror's registry document (its entries carry every optional field)."""
    return yaml.safe_load(MIRROR_REGISTRY.read_text(encoding="utf-8"))


def test_the_deployment_registry_holds_only_real_portals_all_unverified(monkeypatch) -> None:
    monkeypatch.delenv("COUNTYBUDGET_PORTAL_REGISTRY", raising=False)
    assert paths.portal_registry() == paths.PORTAL_REGISTRY
    registry = load_registry(env={})
    assert {p.name for p in registry.values()} == REAL_PUBLISHERS
    for portal in registry.values():
        assert not portal.verified
        assert "127.0.0.1" not in portal.base_url and "${" not in paths.PORTAL_REGISTRY.read_text(encoding="utf-8")
    # so the nightly run crawls nothing unless a portal is verified or asked for by name
    assert select_portals(None, registry=registry) == []


def test_the_mirror_registry_is_the_testkit_s_and_every_portal_in_it_is_the_mirror() -> None:
    registry = load_registry(MIRROR_REGISTRY, env=ENV)
    assert {pid for pid, p in registry.items() if p.verified} == MIRROR_PORTALS == set(registry)
    for portal in registry.values():  # loopback only, at the configured address
        assert portal.base_url.startswith("http://127.0.0.1:9999/")
        assert portal.allowed_hosts == frozenset({"127.0.0.1:9999"})


def test_the_mirror_registry_takes_the_deployment_defaults() -> None:
    deployment = yaml.safe_load(paths.PORTAL_REGISTRY.read_text(encoding="utf-8"))["defaults"]
    registry = load_registry(MIRROR_REGISTRY, env=ENV)
    assert registry["pingxiang"].keywords.exclude_any == tuple(deployment["keywords"]["exclude_any"])
    # its own politeness (relaxed for loopback) wins over the inherited defaults
    assert registry["pingxiang"].politeness.min_interval_seconds == 0.0
    assert registry["pingxiang"].politeness.max_file_bytes == deployment["politeness"]["max_file_bytes"]


def test_the_registry_file_follows_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("COUNTYBUDGET_PORTAL_REGISTRY", str(MIRROR_REGISTRY))
    assert set(load_registry(env=ENV)) == MIRROR_PORTALS


def test_mirror_url_defaults_to_the_mirror_port() -> None:
    registry = load_registry(MIRROR_REGISTRY, env={})
    assert registry["pingxiang"].list.url == f"{DEFAULT_MIRROR_URL}/pingxiang/zwgk/czyjs/index.html"
    assert registry["pingxiang"].list.page_url.endswith("/index_{n}.html")


def test_unverified_portals_are_refused_unless_asked_for_explicitly() -> None:
    registry = {**load_registry(MIRROR_REGISTRY, env=ENV), **load_registry(paths.PORTAL_REGISTRY, env={})}
    assert {p.id for p in select_portals(None, registry=registry)} == MIRROR_PORTALS
    with pytest.raises(UnverifiedPortalError, match="unverified"):
        select_portals(["guangzhou-gov"], registry=registry)
    assert [p.id for p in select_portals(["guangzhou-gov"], allow_unverified=True, registry=registry)] == ["guangzhou-gov"]
    with pytest.raises(RegistryError, match="unknown portal 'nowhere'"):
        select_portals(["nowhere"], registry=registry)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["portals"][0].pop("region_code"), "'region_code' is a required property"),
        (lambda d: d["portals"][0].update(region_code="13053"), "portals/0/region_code"),
        (lambda d: d["portals"][0]["detail"].update(pattern="([unclosed"), "invalid regular expression"),
        (lambda d: d["portals"][0]["list"].update(url="http://evil.example/list.html"), "outside the portal's allowed hosts"),
        (lambda d: d["portals"][1].update(id=d["portals"][0]["id"]), "defined twice"),
        (lambda d: d["portals"][0].update(colour="red"), "Additional properties"),
        (lambda d: d["portals"][0]["politeness"].update(timeout_seconds=0), "timeout_seconds"),
        (lambda d: d["portals"][0].update(base_url="${NOT_SET_ANYWHERE}/x/"), "NOT_SET_ANYWHERE is not set"),
        (lambda d: d["portals"][0]["list"].update(page_url="index_.html"), "page_url"),
    ],
)
def test_a_bad_entry_is_rejected_with_a_clear_error(document: dict, mutate, message: str) -> None:
    broken = copy.deepcopy(document)
    mutate(broken)
    with pytest.raises(RegistryError, match=message.replace("(", r"\(").replace("[", r"\[")):
        parse_registry(broken, env=ENV)


def test_an_unreadable_registry_file_is_a_registry_error(tmp_path: Path) -> None:
    bad = tmp_path / "portals.yml"
    bad.write_text("portals: [unclosed", encoding="utf-8")
    with pytest.raises(RegistryError, match="not valid YAML"):
        load_registry(bad)
    with pytest.raises(RegistryError, match="cannot read"):
        load_registry(tmp_path / "missing.yml")
