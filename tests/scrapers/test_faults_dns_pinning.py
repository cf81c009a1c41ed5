"""The private-address guard and the connection see the same DNS answer
(issue 17, "also": DNS rebinding). The guard resolves a name once and checks
it; the connection goes to that address, never to a second lookup's answer.

Two real servers on one port: the checked address (127.0.0.2) serves the
portal, the address the system resolver gives for the machine's own name
(127.0.0.1, from /etc/hosts) plays the rebinding attacker.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from scrapers.fetch import FetchFailure, HttpClient, MemorySink
from scrapers.registry import Politeness
from scrapers.urls import HostGuard, OffPortalError

FAST = Politeness(min_interval_seconds=0.0, timeout_seconds=2.0, max_retries=0, backoff_seconds=0.0)
NAME = socket.gethostname()


def _serve(address: str, port: int, body: bytes, hits: list[str]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            hits.append(self.path)
            payload = b"" if self.path == "/robots.txt" else body
            self.send_response(404 if self.path == "/robots.txt" else 200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer((address, port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture()
def two_servers() -> Iterator[tuple[int, list[str], list[str]]]:
    try:
        system = {info[4][0] for info in socket.getaddrinfo(NAME, 80, proto=socket.IPPROTO_TCP)}
    except OSError:
        pytest.skip(f"the machine's name {NAME!r} does not resolve")
    if system != {"127.0.0.1"}:
        pytest.skip(f"{NAME!r} resolves to {system}, not only 127.0.0.1")
    portal_hits: list[str] = []
    attacker_hits: list[str] = []
    portal = _serve("127.0.0.2", 0, b"the portal's file", portal_hits)
    port = portal.server_address[1]
    try:
        attacker = _serve("127.0.0.1", port, b"the attacker's answer", attacker_hits)
    except OSError:
        portal.shutdown()
        pytest.skip("port taken on 127.0.0.1")
    try:
        yield port, portal_hits, attacker_hits
    finally:
        for server in (portal, attacker):
            server.shutdown()
            server.server_close()


def test_the_connection_goes_to_the_address_the_guard_checked(two_servers) -> None:
    port, portal_hits, attacker_hits = two_servers
    checked: list[str] = []

    def resolver(host: str, _port: int) -> list[str]:
        checked.append(host)
        return ["127.0.0.2"]  # the answer the guard checks

    guard = HostGuard(allowed=frozenset({f"{NAME.lower()}:{port}"}), portal_is_private=True, resolver=resolver)
    client = HttpClient(sleep=lambda _s: None)
    sink = MemorySink()

    got = client.get(f"http://{NAME}:{port}/files/P0201.pdf", FAST, guard, sink)
    client.close()

    assert got.status == 200 and sink.data == b"the portal's file"
    assert "/files/P0201.pdf" in portal_hits
    assert attacker_hits == [], "the connection resolved the name again and reached another address"
    assert checked and set(checked) == {NAME.lower()}


def test_a_public_portal_whose_name_resolves_privately_is_refused_before_connecting(two_servers) -> None:
    port, portal_hits, attacker_hits = two_servers
    guard = HostGuard(allowed=frozenset({f"portal.example.org:{port}"}), portal_is_private=False,
                      resolver=lambda _host, _port: ["10.20.30.40"])
    client = HttpClient(sleep=lambda _s: None)

    with pytest.raises(FetchFailure, match="private"):
        client.get(f"http://portal.example.org:{port}/P0201.pdf", FAST, guard, MemorySink())
    client.close()
    with pytest.raises(OffPortalError):
        guard.checked_address(f"http://portal.example.org:{port}/P0201.pdf")
    assert portal_hits == [] and attacker_hits == []
