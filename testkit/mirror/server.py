"""``MirrorServer``: the county portals of the corpus, served on 127.0.0.1.

One ``ThreadingHTTPServer``; each portal lives under ``/<portal id>/``. Every
page and attachment carries an ETag (hash of the bytes served) and a
Last-Modified (publish date), and conditional GETs are answered with 304.
Faults (docs/mirror.md) are attached to postings in ``sites.yml``.

    with MirrorServer(port=0, as_of=date(2024, 12, 31)).start() as srv:
        requests.get(srv.portal_url("pingxiang"))
"""

from __future__ import annotations

import hashlib
import logging
import math
import socket
import sys
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

from testkit.mirror import render
from testkit.mirror.cms import CmsShape, shape_for
from testkit.mirror.site import SITES_FILE, Posting, Site, load_site

log = logging.getLogger(__name__)

HOST = "127.0.0.1"  # the mirror never listens anywhere else
BEIJING = timezone(timedelta(hours=8))
EPOCH_DATE = date(2000, 1, 1)  # Last-Modified of a list page with nothing on it

RouteKey = tuple[str, tuple[tuple[str, str], ...]]
T = TypeVar("T")


def route_key(path: str, query: str = "") -> RouteKey:
    """Requests that differ only in percent-encoding or query order are the same."""
    return unquote(path), tuple(sorted(parse_qsl(query, keep_blank_values=True)))


@dataclass(frozen=True)
class Resource:
    """A response body with what the handler needs to send it."""

    body: bytes
    content_type: str
    last_modified: date
    fault: str | None = None
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'


@dataclass(frozen=True)
class ErrorStatus:
    status: int
    message: str
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class _Routes:
    details: dict[RouteKey, Posting] = field(default_factory=dict)
    attachments: dict[RouteKey, tuple[Posting, int]] = field(default_factory=dict)

    def add(self, table: dict, href: str, value: object) -> None:
        split = urlsplit(href)
        key = route_key(split.path, split.query)
        if key in table and table[key] != value:
            raise ValueError(f"two postings share the URL {href}")
        table[key] = value


class MirrorServer:
    """The portal mirror. ``start()`` serves on a background thread; ``stop()`` ends it."""

    def __init__(
        self,
        port: int = 8765,
        as_of: date | None = None,
        slow_seconds: float = 5.0,
        catalogue: Path | str | Iterable[Path | str] | None = None,
        sites_file: Path = SITES_FILE,
    ) -> None:
        self.port = port
        self.as_of = as_of or date.today()
        self.slow_seconds = slow_seconds
        self.site: Site = load_site(_catalogue_paths(catalogue), sites_file)
        self.shapes: dict[str, CmsShape] = {pid: shape_for(p) for pid, p in self.site.portals.items()}
        self.request_log: list[tuple[str, str, int]] = []
        self._routes = self._build_routes()
        self._down: set[str] = set()
        self._failures: Counter[RouteKey] = Counter()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- public API -------------------------------------------------------
    def start(self) -> MirrorServer:
        if self._httpd is not None:
            raise RuntimeError("mirror already started")
        httpd = _HTTPServer((HOST, self.port), _Handler)
        httpd.mirror = self
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self._stopping.clear()
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="countybudget-mirror", daemon=True
        )
        self._thread.start()
        log.info("mirror serving %s (as of %s)", self.base_url, self.as_of)
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._stopping.set()  # wakes slow responses
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> MirrorServer:
        return self if self._httpd is not None else self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def portal_url(self, portal_id: str) -> str:
        """The entry list page (page 1) of a portal."""
        return self.base_url + self._shape(portal_id).list_href(1)

    def set_as_of(self, as_of: date) -> None:
        self.as_of = as_of

    def set_portal_down(self, portal_id: str, down: bool = True) -> None:
        self._shape(portal_id)
        with self._lock:
            (self._down.add if down else self._down.discard)(portal_id)

    @property
    def problems(self) -> list[str]:
        """Catalogue entries that are not served, each with its reason."""
        return self.site.problems

    def postings(self, portal_id: str) -> list[Posting]:
        """What ``portal_id`` publishes at the current as-of, newest first."""
        return self.site.visible(portal_id, self.as_of)

    def detail_url(self, posting: Posting) -> str:
        return self.base_url + self._shape(posting.portal).detail_href(posting)

    def attachment_url(self, posting: Posting, index: int = 0) -> str:
        return self.base_url + self._shape(posting.portal).attachment_href(posting, index)

    def list_urls(self, portal_id: str) -> list[str]:
        """Every list page of the portal at the current as-of."""
        shape = self._shape(portal_id)
        return [self.base_url + shape.list_href(n) for n in range(1, self._n_pages(portal_id) + 1)]

    # --- resolving a request ---------------------------------------------
    def resolve(self, raw_path: str) -> Resource | ErrorStatus:
        split = urlsplit(raw_path)
        path = unquote(split.path)
        if path == "/robots.txt":
            return self._robots()
        if path in ("/", "/index.html"):
            portals = [(p, self.shapes[p.id].list_href(1)) for p in self.site.portals.values()]
            return _html(render.render_index(portals), "utf-8", EPOCH_DATE, charset_header=True)
        if not path.startswith("/"):
            return ErrorStatus(400, "bad request path")
        portal_id = path.split("/")[1]
        if portal_id not in self.shapes:
            return ErrorStatus(404, "no such portal")
        if portal_id in self._down:
            return ErrorStatus(503, f"portal {portal_id} is down", (("Retry-After", "120"),))
        return self._resolve_portal(self.shapes[portal_id], path, split.query)

    def _resolve_portal(self, shape: CmsShape, path: str, query: str) -> Resource | ErrorStatus:
        portal = shape.portal
        visible = self.site.visible(portal.id, self.as_of)
        page = shape.list_page(path, dict(parse_qsl(query)))
        if page is not None:
            return self._list_page(shape, visible, page)
        if path == shape.root:
            return _html(render.render_home(shape), portal.encoding, _latest(visible))
        if path.startswith(f"/{portal.id}/module/search/"):
            return _html(render.render_search(shape), portal.encoding, EPOCH_DATE)
        key = route_key(path, query)
        posting = self._lookup(self._routes.details, key)
        if posting is not None and posting.publish_date <= self.as_of:
            return _html(render.render_detail(shape, posting, self.base_url), portal.encoding, posting.publish_date)
        found = self._lookup(self._routes.attachments, key)
        if found is not None and found[0].publish_date <= self.as_of:
            return self._attachment(shape, *found)
        return ErrorStatus(404, "页面不存在 (not found)")

    @staticmethod
    def _lookup(table: dict[RouteKey, T], key: RouteKey) -> T | None:
        # Static pages ignore a query they do not use (cache-busting parameters).
        return table.get(key) or table.get((key[0], ()))

    def _list_page(self, shape: CmsShape, visible: list[Posting], page: int) -> Resource | ErrorStatus:
        size = shape.portal.page_size
        n_pages = _page_count(visible, size)
        if page > n_pages:
            return ErrorStatus(404, f"page {page} of {n_pages}")
        items = visible[(page - 1) * size : page * size]
        html = render.render_list(shape, items, page, n_pages, len(visible))
        return _html(html, shape.portal.encoding, _latest(visible))

    def _attachment(self, shape: CmsShape, posting: Posting, index: int) -> Resource | ErrorStatus:
        attachment = posting.attachments[index]
        if attachment.fault == "not_found":
            return ErrorStatus(404, "附件不存在 (not found)")
        return Resource(
            body=attachment.read(),
            content_type=shape.attachment_content_type(attachment),
            last_modified=posting.publish_date,
            fault=attachment.fault,
            headers=tuple(shape.attachment_headers(posting, index)),
        )

    def _robots(self) -> Resource:
        lines = ["User-agent: *", *(f"Disallow: {p}" for p in self.site.robots_disallow), ""]
        return Resource("\n".join(lines).encode("ascii"), "text/plain; charset=utf-8", EPOCH_DATE)

    # --- faults -------------------------------------------------------------
    def should_fail(self, raw_path: str) -> bool:
        """For an ``error_then_ok`` URL: True for its first N requests of this server's life."""
        split = urlsplit(raw_path)
        key = route_key(split.path, split.query)
        with self._lock:
            self._failures[key] += 1
            return self._failures[key] <= self.site.error_then_ok_failures

    def wait_slow(self) -> bool:
        """Sleep ``slow_seconds`` (or until stopped); False if the server is stopping."""
        return not self._stopping.wait(self.slow_seconds)

    def record(self, method: str, raw_path: str, status: int) -> None:
        with self._lock:
            self.request_log.append((method, raw_path, status))

    # --- internals ----------------------------------------------------------
    def _shape(self, portal_id: str) -> CmsShape:
        try:
            return self.shapes[portal_id]
        except KeyError:
            raise KeyError(f"unknown portal {portal_id!r}; known: {sorted(self.shapes)}") from None

    def _n_pages(self, portal_id: str) -> int:
        return _page_count(self.site.visible(portal_id, self.as_of), self.site.portals[portal_id].page_size)

    def _build_routes(self) -> _Routes:
        routes = _Routes()
        for portal_id, postings in self.site.postings.items():
            shape = self.shapes[portal_id]
            for posting in postings:
                routes.add(routes.details, shape.detail_href(posting), posting)
                for index in range(len(posting.attachments)):
                    routes.add(routes.attachments, shape.attachment_href(posting, index), (posting, index))
        return routes


def _catalogue_paths(catalogue: Path | str | Iterable[Path | str] | None) -> list[Path] | None:
    if catalogue is None:
        return None
    if isinstance(catalogue, (str, Path)):
        return [Path(catalogue)]
    return [Path(c) for c in catalogue]


def _page_count(visible: list[Posting], page_size: int) -> int:
    return max(1, math.ceil(len(visible) / page_size))  # an empty column still has its page 1


def _latest(postings: list[Posting]) -> date:
    return max((p.publish_date for p in postings), default=EPOCH_DATE)


def _html(html: str, encoding: str, last_modified: date, charset_header: bool | None = None) -> Resource:
    # The GBK portal sends no charset in Content-Type: clients must read the markup.
    if charset_header is None:
        charset_header = encoding.lower() == "utf-8"
    content_type = f"text/html; charset={encoding}" if charset_header else "text/html"
    return Resource(html.encode(encoding, errors="xmlcharrefreplace"), content_type, last_modified)


def http_date(day: date) -> str:
    """Midnight Beijing time of ``day`` as an HTTP-date."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=BEIJING)
    return format_datetime(midnight.astimezone(timezone.utc), usegmt=True)


def _not_modified(headers: object, resource: Resource) -> bool:
    if_none_match = headers.get("If-None-Match")  # type: ignore[attr-defined]
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or resource.etag in tags
    if_modified_since = headers.get("If-Modified-Since")  # type: ignore[attr-defined]
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
        return parsedate_to_datetime(http_date(resource.last_modified)) <= since
    return False


class PortalHTTPServer(ThreadingHTTPServer):
    """A threaded HTTP server standing in for a portal on 127.0.0.1 (the mirror, and the
    scraper tests' scriptable server): a client that hangs up (a crawler timing out on a
    slow response, or giving up on an oversized one) is normal for a portal, so it is
    logged quietly instead of printed as a traceback."""

    daemon_threads = True
    block_on_close = False

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):  # reset, aborted, broken pipe
            log.debug("client %s hung up: %s", client_address, error)
            return
        super().handle_error(request, client_address)


class _HTTPServer(PortalHTTPServer):
    mirror: MirrorServer


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"  # keep-alive and Content-Length, like a real portal
    server_version = "nginx"

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._handle(send_body=True)

    def do_HEAD(self) -> None:
        self._handle(send_body=False)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        log.debug("%s %s", self.address_string(), format % args)

    def _handle(self, send_body: bool) -> None:
        mirror = self.server.mirror
        try:
            outcome = mirror.resolve(self.path)
        except Exception:  # a bug in the mirror must not kill the server
            log.exception("mirror failed on %s", self.path)
            outcome = ErrorStatus(500, "internal error")
        if isinstance(outcome, Resource) and outcome.fault == "error_then_ok" and mirror.should_fail(self.path):
            outcome = ErrorStatus(500, "服务器内部错误 (deliberate: succeeds on retry)")
        status = outcome.status if isinstance(outcome, ErrorStatus) else 200
        try:
            if isinstance(outcome, ErrorStatus):
                self._send_error(outcome, send_body)
            else:
                status = self._send_resource(outcome, send_body)
        except (BrokenPipeError, ConnectionResetError):
            # the client gave up (e.g. timed out on the slow fault): normal here
            log.debug("client left before %s was sent", self.path)
            self.close_connection = True
        mirror.record(self.command, self.path, status)

    def _send_error(self, error: ErrorStatus, send_body: bool) -> None:
        body = render.render_error(error.status, error.message).encode("utf-8")
        self.send_response(error.status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in error.headers:
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _send_resource(self, resource: Resource, send_body: bool) -> int:
        if resource.fault == "slow" and not self.server.mirror.wait_slow():
            self.close_connection = True
            return 0
        # A truncated download breaks every time, so it never becomes "not modified".
        if resource.fault != "truncated" and _not_modified(self.headers, resource):
            self.send_response(304)
            self._validators(resource)
            self.end_headers()
            return 304
        self.send_response(200)
        self.send_header("Content-Type", resource.content_type)
        self.send_header("Content-Length", str(len(resource.body)))
        self._validators(resource)
        for name, value in resource.headers:
            self.send_header(name, value)
        self.end_headers()
        if not send_body:
            return 200
        if resource.fault == "truncated":
            self._write_half_and_close(resource.body)
        else:
            self.wfile.write(resource.body)
        return 200

    def _validators(self, resource: Resource) -> None:
        self.send_header("ETag", resource.etag)
        self.send_header("Last-Modified", http_date(resource.last_modified))

    def _write_half_and_close(self, body: bytes) -> None:
        self.wfile.write(body[: len(body) // 2])
        self.wfile.flush()
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
