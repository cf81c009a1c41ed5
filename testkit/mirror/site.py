"""What each portal of the mirror publishes: the site model.

Built from the mirror's own ``sites.yml`` (portal shapes, noise notices, fault
postings) and the corpus catalogues (docs/contracts.md §3). Nothing here knows
about URLs or HTML; ``cms.py`` and ``render.py`` do.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from testkit import CORPUS_DIR
from testkit.mirror.fixtures import minimal_pdf

log = logging.getLogger(__name__)

SITES_FILE = Path(__file__).with_name("sites.yml")

# Attachment faults a fault posting can carry (docs/mirror.md).
FAULTS = ("not_found", "slow", "error_then_ok", "truncated")
EXTRA_POSTING_KINDS = ("noise", "fault", "disallowed")

ATTACHMENT_FORMATS = ("pdf", "docx", "xlsx", "xls", "doc")


def default_catalogues() -> list[Path]:
    """The repository corpus: generated documents plus the real PDFs."""
    return [CORPUS_DIR / "catalogue.yml", CORPUS_DIR / "real" / "catalogue.yml"]


@dataclass(frozen=True)
class Attachment:
    name: str  # file name as shown in the link text, e.g. 平乡县…2024年部门预算.pdf
    format: str  # pdf | docx | xlsx | xls | doc
    source: Path | None = None  # a committed file served as is
    generated_text: str | None = None  # or a generated one-line PDF with this text
    fault: str | None = None  # one of FAULTS

    def read(self) -> bytes:
        if self.source is not None:
            return _read_file(self.source)
        return minimal_pdf(self.generated_text or "countybudget mirror fixture")


@lru_cache(maxsize=256)
def _read_file(path: Path) -> bytes:
    return path.read_bytes()


@dataclass(frozen=True)
class Posting:
    """One item a portal lists: a detail page with its attachments."""

    portal: str
    key: str  # stable within the portal; every generated id derives from it
    kind: str  # document | noise | fault | disallowed
    title: str
    publish_date: date
    attachments: tuple[Attachment, ...] = ()
    text: str | None = None  # body paragraph of the detail page
    html_body: str | None = None  # a corpus "html" document: the page body itself
    document_id: str | None = None  # catalogue id, for corpus documents
    under: str = ""  # sub-path below the column (the robots-disallowed area)

    @property
    def fault(self) -> str | None:
        return next((a.fault for a in self.attachments if a.fault), None)


@dataclass(frozen=True)
class Portal:
    id: str
    publisher: str
    region_code: str
    province: str
    cms: str
    encoding: str
    page_size: int
    column_name: str
    options: dict[str, str]  # CMS-specific settings (column path, site ids …)


@dataclass
class Site:
    portals: dict[str, Portal]
    postings: dict[str, list[Posting]]  # per portal, newest first
    robots_disallow: tuple[str, ...]
    error_then_ok_failures: int
    problems: list[str] = field(default_factory=list)  # catalogue entries not served, with reason

    def visible(self, portal_id: str, as_of: date) -> list[Posting]:
        """What the portal shows on ``as_of``: postings published on or before it."""
        return [p for p in self.postings[portal_id] if p.publish_date <= as_of]


def load_site(catalogues: Iterable[Path] | None = None, sites_file: Path = SITES_FILE) -> Site:
    config = _read_yaml(sites_file)
    portals = {pid: _portal(pid, spec) for pid, spec in config["portals"].items()}
    site = Site(
        portals=portals,
        postings={pid: [] for pid in portals},
        robots_disallow=tuple(config.get("robots_disallow", ())),
        error_then_ok_failures=int(config.get("error_then_ok_failures", 2)),
    )
    for pid, spec in config["portals"].items():
        for extra in spec.get("postings", ()):
            site.postings[pid].append(_extra_posting(pid, extra))
    for catalogue in default_catalogues() if catalogues is None else catalogues:
        _add_catalogue(site, Path(catalogue), required=catalogues is not None)
    for postings in site.postings.values():
        postings.sort(key=lambda p: (p.publish_date, p.key), reverse=True)
    return site


def _read_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def _portal(pid: str, spec: dict[str, Any]) -> Portal:
    known = {"publisher", "region_code", "province", "cms", "encoding", "page_size", "column_name", "postings"}
    return Portal(
        id=pid,
        publisher=spec["publisher"],
        region_code=str(spec["region_code"]),
        province=spec["province"],
        cms=spec["cms"],
        encoding=spec.get("encoding", "utf-8"),
        page_size=int(spec.get("page_size", 10)),
        column_name=spec.get("column_name", "财政预决算"),
        options={k: str(v) for k, v in spec.items() if k not in known},
    )


def _extra_posting(pid: str, spec: dict[str, Any]) -> Posting:
    kind = spec["kind"]
    if kind not in EXTRA_POSTING_KINDS:
        raise ValueError(f"sites.yml {pid}/{spec.get('key')}: unknown kind {kind!r}")
    fault = spec.get("fault")
    if kind == "fault" and fault not in FAULTS:
        raise ValueError(f"sites.yml {pid}/{spec['key']}: fault must be one of {FAULTS}, got {fault!r}")
    attachments: tuple[Attachment, ...] = ()
    if "attachment" in spec:
        att = spec["attachment"]
        attachments = (
            Attachment(
                name=att["name"],
                format=Path(att["name"]).suffix.lstrip(".") or "pdf",
                generated_text=att.get("text") or f"Mirror fixture {pid}/{spec['key']}",
                fault=fault,
            ),
        )
    return Posting(
        portal=pid,
        key=f"{kind}-{spec['key']}",
        kind=kind,
        title=spec["title"],
        publish_date=_as_date(spec["publish_date"]),
        attachments=attachments,
        text=spec.get("text"),
        under=spec.get("under", ""),
    )


def _add_catalogue(site: Site, catalogue: Path, required: bool) -> None:
    if not catalogue.exists():
        if required:
            raise FileNotFoundError(f"mirror catalogue not found: {catalogue}")
        log.info("catalogue %s not present yet; serving without it", catalogue)
        return
    for entry in _read_yaml(catalogue).get("documents") or ():
        try:
            for posting in _document_postings(entry, catalogue):
                if posting.portal in site.portals:
                    site.postings[posting.portal].append(posting)
                else:
                    _unknown_portal(site, entry, posting.portal)
        except (KeyError, ValueError, FileNotFoundError) as exc:
            problem = f"{catalogue.name}: document {entry.get('id', '?')!r} not served: {exc}"
            log.warning(problem)
            site.problems.append(problem)


def _unknown_portal(site: Site, entry: dict[str, Any], portal: str) -> None:
    problem = f"document {entry.get('id')!r}: posting on unknown portal {portal!r} skipped"
    log.warning(problem)
    site.problems.append(problem)


def _document_postings(entry: dict[str, Any], catalogue: Path) -> list[Posting]:
    doc_id = entry["id"]
    source = resolve_document_file(entry["file"], catalogue)
    fmt = entry["format"]
    postings = entry.get("postings") or []
    if not postings:
        raise ValueError("no postings")
    result = []
    for index, posting in enumerate(postings):
        title = posting["title"]
        if fmt == "html":
            body = source.read_text(encoding="utf-8")
            result.append(_posting(posting, doc_id, index, title, html_body=_html_body(body)))
            continue
        if fmt not in ATTACHMENT_FORMATS:
            raise ValueError(f"unsupported format {fmt!r}")
        name = entry.get("attachment_name") or f"{title}.{fmt}"
        attachment = Attachment(name=name, format=fmt, source=source)
        result.append(_posting(posting, doc_id, index, title, attachments=(attachment,)))
    return result


def _posting(posting: dict[str, Any], doc_id: str, index: int, title: str, **body: Any) -> Posting:
    return Posting(
        portal=posting["portal"],
        # the second posting of the same file gets its own page and URLs
        key=f"doc-{doc_id}" + (f"-{index}" if index else ""),
        kind="document",
        title=title,
        publish_date=_as_date(posting["publish_date"]),
        text=posting.get("text"),
        document_id=doc_id,
        **body,
    )


def resolve_document_file(file: str, catalogue: Path) -> Path:
    """A catalogue ``file`` is relative to corpus/ (contracts §3); a catalogue
    outside corpus/ (a test's) may also give it relative to its own folder."""
    for base in (CORPUS_DIR, catalogue.parent):
        candidate = (base / file).resolve()
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"file {file!r} not found under {CORPUS_DIR} or {catalogue.parent}")


def _html_body(text: str) -> str:
    lower = text.lower()
    start, end = lower.find("<body"), lower.rfind("</body>")
    if start == -1 or end == -1:
        return text
    return text[text.index(">", start) + 1 : end]


def _as_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
