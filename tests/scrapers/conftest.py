"""Fixtures of the scraper tests: a tiny scriptable HTTP server on 127.0.0.1.

The end-to-end tests use the real mirror (the ``mirror`` fixture of
tests/conftest.py); unit tests of the fetcher need exact control over one
response at a time, which this server gives: a route maps a path to a
function returning (status, headers, body) and may misbehave on purpose.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

import pytest

from testkit.mirror.server import PortalHTTPServer

Reply = tuple[int, dict[str, str], bytes]


@dataclass
class Request:
    path: str
    headers: dict[str, str]


@dataclass
class LocalServer:
    """Routes by exact path (with query). Unrouted paths are 404."""

    routes: dict[str, Callable[[Request], Reply]] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    base_url: str = ""

    def route(self, path: str, status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.routes[path] = lambda _req: (status, dict(headers or {}), body)

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: PortalHTTPServer

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        local: LocalServer = self.server.local  # type: ignore[attr-defined]
        request = Request(self.path, {k: v for k, v in self.headers.items()})
        local.requests.append(request)
        handler = local.routes.get(self.path)
        status, headers, body = handler(request) if handler else (404, {}, b"not found")
        self.send_response(status)
        truncate = headers.pop("X-Test-Truncate", None) == "1"
        headers.setdefault("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if status == 304:
            return
        if truncate:  # full Content-Length announced, half the body sent, connection dropped
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)


@pytest.fixture()
def local_server() -> Iterator[LocalServer]:
    local = LocalServer()
    # quiet when the fetcher hangs up on purpose (size limit, timeout): no traceback in make test
    httpd = PortalHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.local = local  # type: ignore[attr-defined]
    local.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield local
    finally:
        httpd.shutdown()
        httpd.server_close()
