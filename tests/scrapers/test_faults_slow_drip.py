"""A server that drips bytes (issue 17, fault 1): each read comes within the
socket timeout, so only a deadline for the whole response and a minimum rate
stop it, and a file that did not arrive in full is never landed."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from scrapers import store
from scrapers.api import fetch_candidate
from scrapers.discover import Candidate
from scrapers.fetch import FetchFailure, HttpClient, MemorySink
from scrapers.registry import Politeness, load_registry, netloc_key
from scrapers.urls import HostGuard

PDF = b"%PDF-1.4\n" + b"0" * 400 + b"\n%%EOF\n"


class DripServer:
    """A raw HTTP/1.1 server on 127.0.0.1 sending its answer one byte every ``interval`` s.

    ``mode``: ``body`` (headers at once, body dripped), ``headers`` (everything dripped)."""

    def __init__(self, mode: str, interval: float = 0.1):
        self.mode, self.interval = mode, interval
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.listener.settimeout(0.2)
        while not self.stopping.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                head = (f"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n"
                        f"Content-Length: {len(PDF)}\r\n\r\n").encode()
                dripped = head + PDF if self.mode == "headers" else PDF
                if self.mode == "body":
                    conn.sendall(head)
                for byte in dripped:
                    if self.stopping.wait(self.interval):
                        return
                    conn.sendall(bytes([byte]))
            except OSError:
                return  # the client hung up

    def stop(self) -> None:
        self.stopping.set()
        self.listener.close()


@pytest.fixture()
def drip() -> Iterator:
    servers: list[DripServer] = []

    def start(mode: str) -> DripServer:
        servers.append(DripServer(mode))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def _policy(**changes) -> Politeness:
    base = Politeness(min_interval_seconds=0.0, timeout_seconds=1.0, max_retries=2, backoff_seconds=0.01,
                      deadline_seconds=2.0, min_bytes_per_second=0.0)
    return replace(base, **changes)


def _get(server: DripServer, policy: Politeness) -> tuple[FetchFailure, float]:
    client = HttpClient(sleep=lambda _s: None)
    guard = HostGuard(allowed=frozenset({netloc_key(server.base_url)}), portal_is_private=True)
    client._robots[server.base_url] = _allow_all()  # the drip server answers every path the same
    started = time.monotonic()
    with pytest.raises(FetchFailure) as failure:
        client.get(server.base_url + "/P0201.pdf", policy, guard, MemorySink())
    client.close()
    return failure.value, time.monotonic() - started


def _allow_all():
    from urllib import robotparser

    parser = robotparser.RobotFileParser()
    parser.parse([])
    return parser


def test_a_dripped_body_fails_at_the_deadline_not_when_the_server_is_done(drip) -> None:
    server = drip("body")  # 410 bytes at 10 B/s: 41 s, each read well within the 1 s timeout

    failure, seconds = _get(server, _policy(deadline_seconds=2.0))

    assert "deadline" in failure.reason and "timeout" in failure.reason
    assert failure.http_status == 200
    assert seconds < 6, f"the drip held the request for {seconds:.1f} s"


def test_dripped_headers_fail_at_the_deadline(drip) -> None:
    server = drip("headers")

    failure, seconds = _get(server, _policy(deadline_seconds=2.0))

    assert "deadline" in failure.reason
    assert seconds < 6, f"the drip held the request for {seconds:.1f} s"


def test_a_body_under_the_minimum_rate_is_given_up_after_the_grace_period(drip) -> None:
    server = drip("body")

    failure, seconds = _get(server, _policy(deadline_seconds=120.0, min_bytes_per_second=100.0))

    assert "too slow" in failure.reason and "100 bytes/s" in failure.reason
    assert seconds < 6


def test_a_dripped_attachment_is_recorded_as_failed_and_never_landed(lake: Path, drip) -> None:
    server = drip("body")
    portal = next(iter(load_registry().values()))
    portal = replace(portal, allowed_hosts=frozenset({netloc_key(server.base_url)}),
                     politeness=_policy(deadline_seconds=2.0))
    guard = HostGuard(allowed=portal.allowed_hosts, portal_is_private=True)
    url = server.base_url + "/P0201.pdf"
    candidate = Candidate(portal_id=portal.id, url=url, detail_url=server.base_url + "/t.html", title="预算",
                          file_name="P0201.pdf", publish_date=None, fiscal_year=2024, doc_type="budget",
                          unit_name=None)
    client = HttpClient(sleep=lambda _s: None)
    client._robots[server.base_url] = _allow_all()

    row = fetch_candidate(client, portal, guard, candidate, known={})
    client.close()

    assert row["outcome"] == "failed"
    assert "deadline" in row["error"]
    assert row.get("sha256") is None and row.get("landing_path") is None
    landed = lake / "landing" / "files"
    assert not landed.exists() or not any(p.is_file() for p in landed.rglob("*"))
    assert not any(store.tmp_dir().glob("*.part")), "the partial download was left behind"
