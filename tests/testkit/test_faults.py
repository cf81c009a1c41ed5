"""Every deliberate fault behaves as docs/mirror.md says, every time."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from mirror_helpers import AS_OF, SLOW_SECONDS

from testkit.mirror.server import MirrorServer
from testkit.mirror.site import Posting


def _fault_posting(server: MirrorServer, portal_id: str, fault: str) -> Posting:
    return next(p for p in server.postings(portal_id) if p.fault == fault)


def test_missing_attachment_is_404_while_its_page_is_served(small_mirror: MirrorServer):
    posting = _fault_posting(small_mirror, "pingxiang", "not_found")
    assert requests.get(small_mirror.detail_url(posting), timeout=5).status_code == 200
    for _ in range(2):
        assert requests.get(small_mirror.attachment_url(posting), timeout=5).status_code == 404


def test_slow_attachment_times_out_a_short_timeout_and_arrives_with_a_long_one(small_mirror: MirrorServer):
    url = small_mirror.attachment_url(_fault_posting(small_mirror, "suixi", "slow"))
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(url, timeout=(5, SLOW_SECONDS / 5))
    response = requests.get(url, timeout=(5, SLOW_SECONDS * 20))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_server_error_succeeds_on_the_third_request(small_catalogue: Path):
    with MirrorServer(port=0, as_of=AS_OF, catalogue=small_catalogue).start() as server:
        url = server.attachment_url(_fault_posting(server, "huainan", "error_then_ok"))
        statuses = [requests.get(url, timeout=5).status_code for _ in range(4)]
        assert statuses == [500, 500, 200, 200]
    # the failures count per server lifetime: a new server fails again
    with MirrorServer(port=0, as_of=AS_OF, catalogue=small_catalogue).start() as server:
        assert requests.get(url.replace(urlsplit(url).netloc, urlsplit(server.base_url).netloc), timeout=5).status_code == 500


def test_truncated_download_breaks_every_time(small_mirror: MirrorServer):
    url = small_mirror.attachment_url(_fault_posting(small_mirror, "fengxian", "truncated"))
    for _ in range(3):
        with pytest.raises((requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError)):
            requests.get(url, timeout=5)
    # and the server keeps serving everything else
    assert requests.get(small_mirror.portal_url("fengxian"), timeout=5).status_code == 200


def test_truncated_download_announces_the_full_length_and_sends_half(small_mirror: MirrorServer):
    url = urlsplit(small_mirror.attachment_url(_fault_posting(small_mirror, "fengxian", "truncated")))
    with socket.create_connection((url.hostname, url.port), timeout=5) as conn:
        conn.sendall(f"GET {url.path}?{url.query} HTTP/1.1\r\nHost: {url.netloc}\r\n\r\n".encode("ascii"))
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    head, body = received.split(b"\r\n\r\n", 1)
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
    assert head.startswith(b"HTTP/1.1 200")
    assert 0 < len(body) < length and len(body) == length // 2


def test_a_down_portal_answers_503_on_every_path(small_mirror: MirrorServer):
    small_mirror.set_portal_down("huainan")
    posting = next(p for p in small_mirror.postings("huainan") if p.kind == "document")
    for url in (small_mirror.portal_url("huainan"), small_mirror.detail_url(posting), small_mirror.attachment_url(posting)):
        assert requests.get(url, timeout=5).status_code == 503
    assert requests.get(small_mirror.portal_url("suixi"), timeout=5).status_code == 200
