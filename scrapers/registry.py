"""The portal registry (``scrapers/portals.yml``): what to crawl and how.

One YAML file describes every portal. It is validated on load (JSON Schema,
then a few semantic checks) and turned into frozen ``Portal`` objects; a bad
entry raises ``RegistryError`` naming the entry and the field.

``${VAR}`` / ``${VAR:-default}`` in string values are expanded from the
environment (the testkit's mirror registry follows ``COUNTYBUDGET_MIRROR_URL``).
A registry may take its ``defaults`` from another file (``defaults_from``,
relative to itself) and override some of them.

Which file is read: ``paths.portal_registry()`` (``COUNTYBUDGET_PORTAL_REGISTRY``,
else the deployment's ``scrapers/portals.yml``, which lists real portals only).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import jsonschema
import yaml

from countybudget import paths

USER_AGENT = "countybudget-crawler/0.1 (+https://github.com/countybudget/countybudget; open budget data research)"

_ENV_REF = re.compile(r"\$\{(?P<name>[A-Z_][A-Z0-9_]*)(?::-(?P<default>[^}]*))?\}")


class RegistryError(ValueError):
    """The registry file, or one of its entries, is invalid."""


@dataclass(frozen=True)
class Politeness:
    min_interval_seconds: float = 1.0  # between two requests to the same host
    timeout_seconds: float = 20.0  # connect and read timeout of one request
    # wall clock of one whole response (headers and body): a server that drips
    # bytes never trips the per-read timeout, so the request as a whole has a deadline
    deadline_seconds: float = 600.0
    # once ``timeout_seconds`` have passed, a response slower than this on average is given up
    min_bytes_per_second: float = 1024.0
    max_retries: int = 3  # extra attempts on 5xx / connection errors
    backoff_seconds: float = 1.0  # first retry delay; doubles on every retry
    max_file_bytes: int = 100 * 1024 * 1024
    max_page_bytes: int = 5 * 1024 * 1024


@dataclass(frozen=True)
class ListRule:
    """Where the list pages are and how they paginate."""

    url: str  # first page, absolute
    page_url: str | None  # template for later pages with ``{n}``, absolute
    first_page_number: int  # ``n`` of the second list page
    max_pages: int  # hard bound on pagination
    next_link_text: str | None = None  # if set, a page without a link with this text is the last


@dataclass(frozen=True)
class LinkRule:
    """How to pick links on a page: a CSS selector for the anchors, then a regex."""

    selector: str  # CSS selector of candidate anchors
    pattern: re.Pattern[str]  # searched in the absolute, percent-decoded URL
    text_pattern: re.Pattern[str] | None = None  # or in the link text (names hidden behind servlets)


@dataclass(frozen=True)
class KeywordRules:
    """Which titles are budget disclosures (预算/决算 of a 部门/单位) and which are noise."""

    doc_type_any: tuple[str, ...] = ("预算", "决算")
    scope_any: tuple[str, ...] = ("部门", "单位")
    exclude_any: tuple[str, ...] = ()


@dataclass(frozen=True)
class Portal:
    id: str
    name: str
    region_code: str
    base_url: str
    allowed_hosts: frozenset[str]  # normalised ``host:port``
    verified: bool  # False: written from public knowledge, never reached from here
    list: ListRule
    detail: LinkRule
    attachment: LinkRule
    keywords: KeywordRules
    encoding: str | None  # used when neither the header nor the page says
    politeness: Politeness = field(default_factory=Politeness)
    notes: str = ""

    @property
    def host(self) -> str:
        return netloc_key(self.base_url)


def netloc_key(url: str) -> str:
    """``host:port`` of a URL, with the scheme's default port made explicit."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower(), 0)
    return f"{host}:{port}"


_POLITENESS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "min_interval_seconds": {"type": "number", "minimum": 0},
        "timeout_seconds": {"type": "number", "exclusiveMinimum": 0},
        "deadline_seconds": {"type": "number", "exclusiveMinimum": 0},
        "min_bytes_per_second": {"type": "number", "minimum": 0},
        "max_retries": {"type": "integer", "minimum": 0, "maximum": 10},
        "backoff_seconds": {"type": "number", "minimum": 0},
        "max_file_bytes": {"type": "integer", "minimum": 1},
        "max_page_bytes": {"type": "integer", "minimum": 1},
    },
}
_LINK_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["pattern"],
    "properties": {
        "selector": {"type": "string", "minLength": 1},
        "pattern": {"type": "string", "minLength": 1},
        "text_pattern": {"type": "string", "minLength": 1},
    },
}
_STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}}
REGISTRY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["portals"],
    "properties": {
        "defaults_from": {"type": "string", "minLength": 1},
        "defaults": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "politeness": _POLITENESS_SCHEMA,
                "keywords": {"$ref": "#/$defs/keywords"},
            },
        },
        "portals": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/portal"}},
    },
    "$defs": {
        "keywords": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"doc_type_any": _STRINGS, "scope_any": _STRINGS, "exclude_any": _STRINGS},
        },
        "portal": {
            "type": "object",
            "additionalProperties": False,
            "required": ["id", "name", "region_code", "base_url", "verified", "list", "detail", "attachment"],
            "properties": {
                "id": {"type": "string", "pattern": "^[a-z][a-z0-9_-]{1,40}$"},
                "name": {"type": "string", "minLength": 1},
                "region_code": {"type": "string", "pattern": "^[1-8][0-9]{5}$"},
                "base_url": {"type": "string", "pattern": "^(https?://|\\$\\{)"},
                "allowed_hosts": _STRINGS,
                "verified": {"type": "boolean"},
                "encoding": {"type": "string", "minLength": 1},
                "notes": {"type": "string"},
                "list": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["url"],
                    "properties": {
                        "url": {"type": "string", "minLength": 1},
                        "page_url": {"type": "string", "pattern": "\\{n\\}"},
                        "first_page_number": {"type": "integer", "minimum": 0},
                        "max_pages": {"type": "integer", "minimum": 1, "maximum": 500},
                        "next_link_text": {"type": "string", "minLength": 1},
                    },
                },
                "detail": _LINK_SCHEMA,
                "attachment": _LINK_SCHEMA,
                "keywords": {"$ref": "#/$defs/keywords"},
                "politeness": _POLITENESS_SCHEMA,
            },
        },
    },
}


def expand_env(value: str, env: Mapping[str, str]) -> str:
    """Replace ``${VAR}`` and ``${VAR:-default}``; an unset variable without a default is an error."""

    def sub(match: re.Match[str]) -> str:
        name, default = match.group("name"), match.group("default")
        if name in env and env[name]:
            return env[name]
        if default is not None:
            return default
        raise RegistryError(f"environment variable {name} is not set (used in {value!r})")

    return _ENV_REF.sub(sub, value)


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise RegistryError(f"{where}: invalid regular expression {pattern!r}: {exc}") from exc


def _link_rule(raw: Mapping[str, Any], where: str) -> LinkRule:
    text = raw.get("text_pattern")
    return LinkRule(
        selector=raw.get("selector", "a[href]"),
        pattern=_compile(raw["pattern"], f"{where}.pattern"),
        text_pattern=_compile(text, f"{where}.text_pattern") if text else None,
    )


def _base_url(raw: str, env: Mapping[str, str], where: str) -> str:
    url = expand_env(raw, env)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RegistryError(f"{where}.base_url: {url!r} is not an http(s) URL with a host")
    return url if url.endswith("/") else url + "/"


def _allowed_hosts(raw: list[str] | None, base_url: str) -> frozenset[str]:
    """The base URL's host is always allowed; entries are ``host`` or ``host:port``."""
    scheme = urlsplit(base_url).scheme
    hosts = {netloc_key(base_url)}
    for entry in raw or ():
        hosts.add(netloc_key(f"{scheme}://{entry}/"))
    return frozenset(hosts)


def _portal(raw: Mapping[str, Any], defaults: Mapping[str, Any], env: Mapping[str, str]) -> Portal:
    where = f"portal {raw['id']!r}"
    base = _base_url(raw["base_url"], env, where)
    lst = raw["list"]
    page_url = lst.get("page_url")
    keywords = {**defaults.get("keywords", {}), **raw.get("keywords", {})}
    politeness = {**defaults.get("politeness", {}), **raw.get("politeness", {})}
    list_rule = ListRule(
        url=urljoin(base, expand_env(lst["url"], env)),
        page_url=urljoin(base, expand_env(page_url, env)) if page_url else None,
        first_page_number=lst.get("first_page_number", 2),
        max_pages=lst.get("max_pages", 20),
        next_link_text=lst.get("next_link_text"),
    )
    portal = Portal(
        id=raw["id"],
        name=raw["name"],
        region_code=raw["region_code"],
        base_url=base,
        allowed_hosts=_allowed_hosts(raw.get("allowed_hosts"), base),
        verified=raw["verified"],
        list=list_rule,
        detail=_link_rule(raw["detail"], f"{where}.detail"),
        attachment=_link_rule(raw["attachment"], f"{where}.attachment"),
        keywords=KeywordRules(**{k: tuple(v) for k, v in keywords.items()}),
        encoding=raw.get("encoding"),
        politeness=Politeness(**politeness),
        notes=raw.get("notes", ""),
    )
    for url in filter(None, (list_rule.url, list_rule.page_url)):
        if netloc_key(url.replace("{n}", "1")) not in portal.allowed_hosts:
            raise RegistryError(f"{where}.list: {url!r} is outside the portal's allowed hosts")
    return portal


def parse_registry(document: Any, env: Mapping[str, str] | None = None) -> dict[str, Portal]:
    """Validate a loaded registry document and build its portals, keyed by id."""
    env = os.environ if env is None else env
    validator = jsonschema.Draft202012Validator(REGISTRY_SCHEMA)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        location = "/".join(str(p) for p in first.absolute_path) or "(top level)"
        raise RegistryError(f"invalid portal registry at {location}: {first.message}")
    defaults = document.get("defaults", {})
    portals: dict[str, Portal] = {}
    for raw in document["portals"]:
        if raw["id"] in portals:
            raise RegistryError(f"portal {raw['id']!r} is defined twice")
        portals[raw["id"]] = _portal(raw, defaults, env)
    return portals


def _read_document(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RegistryError(f"cannot read portal registry {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise RegistryError(f"portal registry {path} is not valid YAML: {exc}") from exc


def _with_inherited_defaults(document: Any, path: Path) -> Any:
    """The document with the ``defaults`` of its ``defaults_from`` file under its own."""
    if not isinstance(document, dict) or not document.get("defaults_from"):
        return document
    parent = _read_document((path.parent / document["defaults_from"]).resolve())
    inherited = (parent.get("defaults") if isinstance(parent, dict) else None) or {}
    own = document.get("defaults") or {}
    merged = {key: {**inherited.get(key, {}), **own.get(key, {})} for key in {*inherited, *own}}
    return {**{k: v for k, v in document.items() if k != "defaults_from"}, "defaults": merged}


def load_registry(path: Path | None = None, env: Mapping[str, str] | None = None) -> dict[str, Portal]:
    """Read, validate and build the registry (default: ``paths.portal_registry()``)."""
    path = Path(path or paths.portal_registry())
    return parse_registry(_with_inherited_defaults(_read_document(path), path), env)


def with_politeness(portal: Portal, **changes: Any) -> Portal:
    """A copy of the portal with some politeness settings changed (tests, benchmarks)."""
    return replace(portal, politeness=replace(portal.politeness, **changes))
