"""Discovery: walk a portal's list pages, follow detail pages, collect attachments.

List pages are walked in order (bounded by ``max_pages``; a 404 or a page with
no new postings ends the walk). Each posting's title is classified first, so
noise is skipped without fetching its detail page; postings published after
``as_of`` are skipped too. Detail pages give the attachments, each a
``Candidate`` for the fetch stage.

Pages are fetched with conditional GET: a small cache under the crawler state
directory keeps each page's validators and text, so an unchanged portal costs
304s, not downloads.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from countybudget import paths
from scrapers.classify import Classification, classify, classify_attachment, noise_reason
from scrapers.fetch import FetchFailure, HttpClient, MemorySink, Validators
from scrapers.registry import LinkRule, Portal
from scrapers.urls import HostGuard, attachment_name, decoded_path, resolve_link

log = logging.getLogger(__name__)

_DATE = re.compile(r"(20\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_PUBLISHED_LABEL = re.compile(r"(?:发布|公开|成文|更新)(?:时间|日期)")


class PortalUnreachable(Exception):
    """The portal's first list page could not be fetched at all."""


@dataclass
class Candidate:
    """One attachment to fetch, with what discovery learnt about it (JSON-friendly)."""

    portal_id: str
    url: str
    detail_url: str
    title: str  # the posting's title
    file_name: str  # the attachment's own name (link text or URL)
    publish_date: str | None  # ISO date
    fiscal_year: int | None
    doc_type: str | None
    unit_name: str | None


@dataclass
class Skipped:
    url: str
    title: str
    reason: str


@dataclass
class Discovery:
    portal_id: str
    list_pages: int = 0
    detail_pages: int = 0
    postings: int = 0
    candidates: list[Candidate] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[Skipped] = field(default_factory=list)

    @property
    def pages_seen(self) -> int:
        return self.list_pages + self.detail_pages

    def to_dict(self) -> dict:
        return {**asdict(self), "pages_seen": self.pages_seen}


@dataclass
class Posting:
    detail_url: str
    title: str
    publish_date: date | None


# ---------------------------------------------------------------- pages


@dataclass
class Page:
    url: str
    status: int
    text: str
    from_cache: bool


def _page_cache_path(url: str) -> Path:
    return paths.crawler_state_dir() / "pages" / f"{hashlib.sha256(url.encode()).hexdigest()}.json"


def _load_cached_page(url: str) -> dict | None:
    try:
        return json.loads(_page_cache_path(url).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _save_cached_page(url: str, etag: str | None, last_modified: str | None, text: str, final_url: str | None = None) -> None:
    if not (etag or last_modified):
        return  # nothing to validate against next time
    target = _page_cache_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{uuid.uuid4().hex[:8]}.tmp")
    tmp.write_text(json.dumps({"url": url, "final_url": final_url or url, "etag": etag, "last_modified": last_modified, "text": text}, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, target)


def decode_page(body: bytes, content_type: str | None, fallback: str | None) -> str:
    """Header charset, else the registry's encoding, else <meta charset>, else UTF-8, else GB18030."""
    declared = None
    if content_type and "charset=" in content_type.lower():
        declared = content_type.lower().split("charset=")[-1].split(";")[0].strip(" \"'")
    if not declared:
        declared = fallback
    if not declared:
        meta = _META_CHARSET.search(body[:4096])
        declared = meta.group(1).decode("ascii").lower() if meta else None
    for encoding in filter(None, (declared, "utf-8", "gb18030")):
        if encoding.replace("-", "") in ("gbk", "gb2312"):
            encoding = "gb18030"  # a superset: GBK pages often contain GB18030-only characters
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", errors="replace")


def fetch_page(client: HttpClient, portal: Portal, guard: HostGuard, url: str) -> Page:
    """GET a page, conditionally if we have it cached; 4xx pages come back with their status."""
    cached = _load_cached_page(url)
    validators = Validators(cached.get("etag"), cached.get("last_modified")) if cached else None
    sink = MemorySink()
    got = client.get(url, portal.politeness, guard, sink, validators, max_bytes=portal.politeness.max_page_bytes)
    # Page.url is where the page was served from, after redirects: its relative links resolve against it
    if got.status == 304 and cached:
        return Page(url=cached.get("final_url") or got.url, status=200, text=cached["text"], from_cache=True)
    if got.status >= 300:
        return Page(url=got.url, status=got.status, text="", from_cache=False)
    text = decode_page(sink.data, got.content_type, portal.encoding)
    _save_cached_page(url, got.etag, got.last_modified, text, got.url)
    return Page(url=got.url, status=got.status, text=text, from_cache=False)


# ---------------------------------------------------------------- parsing


def parse_date(text: str) -> date | None:
    match = _DATE.search(text or "")
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _link_text(anchor: Tag) -> str:
    return " ".join((anchor.get("title") or anchor.get_text(" ", strip=True) or "").split())


def matching_links(soup: BeautifulSoup, page_url: str, rule: LinkRule) -> list[tuple[str, Tag]]:
    """Anchors picked by the rule's selector whose URL (or text) matches its pattern, in page order."""
    found: list[tuple[str, Tag]] = []
    seen: set[str] = set()
    for anchor in soup.select(rule.selector):
        url = resolve_link(page_url, anchor.get("href", ""))
        if url is None or url in seen:
            continue
        text = _link_text(anchor)
        if rule.pattern.search(decoded_path(url)) or (rule.text_pattern and rule.text_pattern.search(text)):
            seen.add(url)
            found.append((url, anchor))
    return found


def _date_near(anchor: Tag) -> date | None:
    """The publish date printed next to a list entry (same <li>/<tr>, or the anchor itself)."""
    for node in (anchor, anchor.parent, anchor.find_parent(["li", "tr", "dd", "div"])):
        if isinstance(node, Tag):
            found = parse_date(node.get_text(" ", strip=True))
            if found:
                return found
    return None


def postings_on_list_page(soup: BeautifulSoup, page_url: str, portal: Portal) -> list[Posting]:
    return [
        Posting(detail_url=url, title=_link_text(anchor), publish_date=_date_near(anchor))
        for url, anchor in matching_links(soup, page_url, portal.detail)
    ]


def detail_publish_date(soup: BeautifulSoup) -> date | None:
    """The date labelled 发布时间/发布日期 on a detail page, else the first date in it."""
    text = soup.get_text(" ", strip=True)
    label = _PUBLISHED_LABEL.search(text)
    if label:
        found = parse_date(text[label.end() : label.end() + 40])
        if found:
            return found
    meta = soup.find("meta", attrs={"name": re.compile("PubDate|publishdate", re.I)})
    if isinstance(meta, Tag) and parse_date(meta.get("content", "")):
        return parse_date(meta.get("content", ""))
    return parse_date(text)


# ---------------------------------------------------------------- the walk


def has_next_link(soup: BeautifulSoup, text: str) -> bool:
    return any(text in anchor.get_text() for anchor in soup.find_all("a", href=True))


def list_page_urls(portal: Portal) -> list[str]:
    rule = portal.list
    urls = [rule.url]
    if rule.page_url:
        urls += [rule.page_url.format(n=rule.first_page_number + i) for i in range(rule.max_pages - 1)]
    return urls


def walk_list_pages(client: HttpClient, portal: Portal, guard: HostGuard, result: Discovery) -> list[Posting]:
    """Every posting on the list pages, in order, without duplicates."""
    postings: dict[str, Posting] = {}
    for index, url in enumerate(list_page_urls(portal)):
        try:
            page = fetch_page(client, portal, guard, url)
        except FetchFailure as exc:
            if index == 0:
                raise PortalUnreachable(f"{url}: {exc.reason}") from exc
            result.errors.append(Skipped(url, "", f"list page: {exc.reason}"))
            break
        if page.status != 200:
            if index == 0:
                raise PortalUnreachable(f"{url}: HTTP {page.status}")
            break  # past the last page
        result.list_pages += 1
        soup = BeautifulSoup(page.text, "lxml")
        on_page = postings_on_list_page(soup, page.url, portal)
        if index == 0 and not on_page:
            result.errors.append(Skipped(url, "", "no posting on the first list page: check the registry's detail rule"))
        fresh = [p for p in on_page if p.detail_url not in postings]
        if not fresh:
            break
        for posting in fresh:
            postings[posting.detail_url] = posting
        if portal.list.next_link_text and not has_next_link(soup, portal.list.next_link_text):
            break  # the last page: no need to ask for one more
    return list(postings.values())


def _candidates_of_posting(
    client: HttpClient, portal: Portal, guard: HostGuard, posting: Posting, label: Classification, as_of: date | None, result: Discovery
) -> None:
    try:
        page = fetch_page(client, portal, guard, posting.detail_url)
    except FetchFailure as exc:
        listing = result.skipped if exc.outcome == "robots_disallowed" else result.errors
        listing.append(Skipped(posting.detail_url, posting.title, f"detail page: {exc.reason}"))
        return
    if page.status != 200:
        result.errors.append(Skipped(posting.detail_url, posting.title, f"detail page: HTTP {page.status}"))
        return
    result.detail_pages += 1
    soup = BeautifulSoup(page.text, "lxml")
    published = posting.publish_date or detail_publish_date(soup)
    if as_of and published and published > as_of:
        result.skipped.append(Skipped(posting.detail_url, posting.title, f"published {published} after {as_of}"))
        return
    links = [(url, _link_text(anchor)) for url, anchor in matching_links(soup, page.url, portal.attachment)]
    if not links:
        # some disclosures publish their tables in the page itself: the page is the document
        links = [(posting.detail_url, f"{posting.title}.html")]
    for url, link_text in links:
        if not guard.allows(url):
            result.skipped.append(Skipped(url, posting.title, "attachment outside the portal's allowed hosts"))
            continue
        name = attachment_name(url, link_text)
        own = classify_attachment(name, label, portal.keywords)
        result.candidates.append(
            Candidate(
                portal_id=portal.id,
                url=url,
                detail_url=posting.detail_url,
                title=posting.title,
                file_name=name,
                publish_date=published.isoformat() if published else None,
                fiscal_year=own.fiscal_year,
                doc_type=own.doc_type,
                unit_name=own.unit_name,
            )
        )


def discover_portal(client: HttpClient, portal: Portal, as_of: date | None = None) -> Discovery:
    """All attachment candidates of a portal; raises PortalUnreachable if its list cannot be read."""
    guard = HostGuard.for_portal(portal)
    result = Discovery(portal_id=portal.id)
    for posting in walk_list_pages(client, portal, guard, result):
        result.postings += 1
        reason = noise_reason(posting.title, portal.keywords)
        if reason:
            result.skipped.append(Skipped(posting.detail_url, posting.title, f"noise: {reason}"))
            continue
        if as_of and posting.publish_date and posting.publish_date > as_of:
            result.skipped.append(Skipped(posting.detail_url, posting.title, f"published {posting.publish_date} after {as_of}"))
            continue
        if not guard.allows(posting.detail_url):
            result.skipped.append(Skipped(posting.detail_url, posting.title, "detail page outside the portal's allowed hosts"))
            continue
        label = classify(posting.title, portal.keywords)
        assert label is not None
        _candidates_of_posting(client, portal, guard, posting, label, as_of, result)
    return result
