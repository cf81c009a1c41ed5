"""The portal registry: the committed file is valid, bad entries fail clearly."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from countybudget import paths
from scrapers.api import UnverifiedPortalError, select_portals
from scrapers.registry import RegistryError, load_registry, parse_registry

MIRROR_PORTALS = {"pingxiang", "huainan", "yongqiao", "suixi", "fengxian", "guangzhou"}
ENV = {"COUNTYBUDGET_MIRROR_URL": "http://127.0.0.1:9999"}


@pytest.fixture()
def document() -> dict:
    return yaml.safe_load(paths.PORTAL_REGISTRY.read_text(encoding="utf-8"))


def test_the_committed_registry_has_every_mirror_portal_verified_and_the_real_ones_unverified() -> None:
    registry = load_registry(env=ENV)
    verified = {pid for pid, p in registry.items() if p.verified}
    assert verified == MIRROR_PORTALS
    unverified = {p.name for p in registry.values() if not p.verified}
    assert {"平乡县人民政府", "凤县人民政府", "埇桥区人民政府", "濉溪县人民政府", "淮南市人民政府", "广州市人民政府"} <= unverified
    for portal in registry.values():
        if portal.verified:  # the mirror: loopback only, at the configured address
            assert portal.base_url.startswith("http://127.0.0.1:9999/")
            assert portal.allowed_hosts == frozenset({"127.0.0.1:9999"})
        else:
            assert "127.0.0.1" not in portal.base_url


def test_mirror_url_defaults_to_the_mirror_port(monkeypatch) -> None:
    registry = load_registry(env={})
    assert registry["pingxiang"].list.url == "http://127.0.0.1:8765/pingxiang/zwgk/czyjs/index.html"
    assert registry["pingxiang"].list.page_url.endswith("/index_{n}.html")


def test_unverified_portals_are_refused_unless_asked_for_explicitly() -> None:
    registry = load_registry(env=ENV)
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
