"""The polite fetcher against a real HTTP server on 127.0.0.1: retries, timeouts,
truncation, size limits, robots.txt, conditional GET, redirects.
(The type of what lands is sniffed by countybudget.sniff: tests/core/test_sniff.py.)"""

from __future__ import annotations

import time

import pytest

from scrapers.fetch import (
    FetchFailure,
    HttpClient,
    MemorySink,
    RateLimiter,
    Validators,
    backoff_delays,
)
from scrapers.registry import USER_AGENT, Politeness, netloc_key
from scrapers.urls import HostGuard

FAST = Politeness(min_interval_seconds=0.0, timeout_seconds=1.0, max_retries=2, backoff_seconds=0.01,
                  max_file_bytes=10_000, max_page_bytes=10_000)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _guard(server) -> HostGuard:
    return HostGuard(allowed=frozenset({netloc_key(server.base_url)}), portal_is_private=True)


def _get(server, path: str, policy: Politeness = FAST, validators: Validators | None = None, client=None):
    client = client or HttpClient(sleep=lambda _s: None)
    sink = MemorySink()
    got = client.get(server.base_url + path, policy, _guard(server), sink, validators)
    return got, sink.data, client


def test_sends_the_project_user_agent_and_returns_the_body(local_server) -> None:
    local_server.route("/robots.txt", 404)
    local_server.route("/a.pdf", body=PDF, headers={"ETag": '"v1"'})
    got, body, _ = _get(local_server, "/a.pdf")
    assert (got.status, body, got.etag) == (200, PDF, '"v1"')
    assert local_server.requests[-1].headers["User-Agent"] == USER_AGENT
    assert "countybudget" in USER_AGENT


def test_a_500_is_retried_with_backoff_until_it_succeeds(local_server) -> None:
    calls = {"n": 0}

    def flaky(_req):
        calls["n"] += 1
        return (500, {}, b"oops") if calls["n"] <= 2 else (200, {}, PDF)

    local_server.route("/robots.txt", 404)
    local_server.routes["/flaky.pdf"] = flaky
    slept: list[float] = []
    client = HttpClient(sleep=slept.append)
    got, body, _ = _get(local_server, "/flaky.pdf", client=client)
    assert (got.status, body, got.retries) == (200, PDF, 2)
    assert slept == backoff_delays(FAST.backoff_seconds, 2) == [0.01, 0.02]


def test_a_persistent_500_fails_with_its_reason_after_the_retries(local_server) -> None:
    local_server.route("/robots.txt", 404)
    local_server.route("/broken.pdf", 500, b"err")
    with pytest.raises(FetchFailure) as failure:
        _get(local_server, "/broken.pdf")
    assert failure.value.http_status == 500
    assert "HTTP 500" in failure.value.reason and "3 attempts" in failure.value.reason
    assert local_server.hits("/broken.pdf") == 3


def test_a_404_is_returned_at_once_without_retries(local_server) -> None:
    local_server.route("/robots.txt", 404)
    got, _, _ = _get(local_server, "/missing.pdf")
    assert got.status == 404
    assert local_server.hits("/missing.pdf") == 1


def test_a_slow_server_times_out_with_a_reason(local_server) -> None:
    def slow(_req):
        time.sleep(1.5)
        return 200, {}, PDF

    local_server.route("/robots.txt", 404)
    local_server.routes["/slow.pdf"] = slow
    policy = Politeness(min_interval_seconds=0, timeout_seconds=0.3, max_retries=2, backoff_seconds=0)
    with pytest.raises(FetchFailure) as failure:
        _get(local_server, "/slow.pdf", policy)
    assert "timeout" in failure.value.reason
    assert local_server.hits("/slow.pdf") == 1  # a slow server is not hammered


def test_a_truncated_download_is_retried_then_fails_with_its_reason(local_server) -> None:
    local_server.route("/robots.txt", 404)
    local_server.route("/cut.pdf", body=PDF * 10, headers={"X-Test-Truncate": "1"})
    with pytest.raises(FetchFailure) as failure:
        _get(local_server, "/cut.pdf")
    assert "truncated" in failure.value.reason
    assert local_server.hits("/cut.pdf") == FAST.max_retries + 1


def test_a_file_over_the_size_limit_is_refused_by_its_content_length(local_server) -> None:
    local_server.route("/robots.txt", 404)
    local_server.route("/big.pdf", body=b"%PDF-" + b"x" * 20_000)
    client = HttpClient(sleep=lambda _s: None)
    with pytest.raises(FetchFailure) as failure:
        _get(local_server, "/big.pdf", client=client)
    assert failure.value.outcome == "too_large"
    assert client.stats.bytes_received < 20_000  # refused before reading the body


def test_a_file_over_the_size_limit_without_content_length_is_cut_off(local_server) -> None:
    def chunked(_req):
        return 200, {"Content-Length": "", "Connection": "close"}, b"%PDF-" + b"x" * 50_000

    local_server.route("/robots.txt", 404)
    local_server.routes["/stream.pdf"] = chunked
    with pytest.raises(FetchFailure) as failure:
        _get(local_server, "/stream.pdf")
    assert failure.value.outcome == "too_large"


def test_robots_txt_is_obeyed_and_read_once(local_server) -> None:
    local_server.route("/robots.txt", body=b"User-agent: *\nDisallow: /private/\n")
    local_server.route("/private/a.pdf", body=PDF)
    local_server.route("/public/a.pdf", body=PDF)
    client = HttpClient(sleep=lambda _s: None)
    with pytest.raises(FetchFailure) as failure:
        _get(local_server, "/private/a.pdf", client=client)
    assert failure.value.outcome == "robots_disallowed"
    assert _get(local_server, "/public/a.pdf", client=client)[0].status == 200
    assert local_server.hits("/private/a.pdf") == 0
    assert local_server.hits("/robots.txt") == 1


def test_an_unreachable_robots_txt_disallows_everything(local_server) -> None:
    local_server.route("/robots.txt", 503)
    local_server.route("/a.pdf", body=PDF)
    with pytest.raises(FetchFailure) as failure:
        _get(local_server, "/a.pdf")
    assert "robots.txt unreachable" in failure.value.reason
    assert local_server.hits("/a.pdf") == 0


def test_conditional_get_sends_validators_and_accepts_304(local_server) -> None:
    def conditional(req):
        if req.headers.get("If-None-Match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"ETag": '"v1"', "Last-Modified": "Mon, 05 Feb 2024 00:00:00 GMT"}, PDF

    local_server.route("/robots.txt", 404)
    local_server.routes["/c.pdf"] = conditional
    first, body, client = _get(local_server, "/c.pdf")
    assert first.status == 200 and body == PDF
    again, body, _ = _get(local_server, "/c.pdf", validators=Validators(first.etag, first.last_modified), client=client)
    assert again.status == 304 and body == b""
    assert local_server.requests[-1].headers["If-Modified-Since"] == "Mon, 05 Feb 2024 00:00:00 GMT"


def test_redirects_are_followed_on_the_portal_but_never_off_it(local_server) -> None:
    local_server.route("/robots.txt", 404)
    local_server.route("/old.pdf", 302, headers={"Location": "/new.pdf"})
    local_server.route("/new.pdf", body=PDF)
    local_server.route("/away.pdf", 302, headers={"Location": "http://10.1.2.3/x.pdf"})
    got, body, _ = _get(local_server, "/old.pdf")
    assert (got.status, body) == (200, PDF) and got.url.endswith("/new.pdf")
    with pytest.raises(FetchFailure) as failure:
        _get(local_server, "/away.pdf")
    assert "leaves the portal" in failure.value.reason


def test_a_url_off_the_portal_is_never_requested(local_server) -> None:
    client = HttpClient(sleep=lambda _s: None)
    with pytest.raises(FetchFailure) as failure:
        client.get("http://192.168.1.1/a.pdf", FAST, _guard(local_server), MemorySink())
    assert "allowed hosts" in str(failure.value)
    assert client.stats.requests == 0


def test_rate_limiter_spaces_requests_to_the_same_host_only() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(clock=lambda: now[0], sleep=sleep)
    assert limiter.wait("a:80", 2.0) == 0
    assert limiter.wait("a:80", 2.0) == pytest.approx(2.0)
    assert limiter.wait("b:80", 2.0) == 0  # another host is not held back
    now[0] += 5.0
    assert limiter.wait("a:80", 2.0) == 0
    assert slept == [pytest.approx(2.0)]


def test_a_redirect_into_a_disallowed_path_is_not_followed(local_server) -> None:
    local_server.route("/robots.txt", body=b"User-agent: *\nDisallow: /private/\n")
    local_server.route("/go.pdf", 302, headers={"Location": "/private/a.pdf"})
    local_server.route("/private/a.pdf", body=PDF)
    with pytest.raises(FetchFailure) as failure:
        _get(local_server, "/go.pdf")
    assert failure.value.outcome == "robots_disallowed"
    assert local_server.hits("/private/a.pdf") == 0


def test_robots_crawl_delay_slows_the_host_down_beyond_the_registry_interval(local_server) -> None:
    local_server.route("/robots.txt", body=b"User-agent: *\nCrawl-delay: 7\n")
    local_server.route("/a.pdf", body=PDF)
    waits: list[float] = []

    class RecordingLimiter(RateLimiter):
        def wait(self, host: str, interval: float) -> float:
            waits.append(interval)
            return 0.0

    client = HttpClient(rate_limiter=RecordingLimiter(), sleep=lambda _s: None)
    _get(local_server, "/a.pdf", client=client)
    _get(local_server, "/a.pdf", client=client)
    assert waits[0] == FAST.min_interval_seconds  # robots.txt itself, before its delay is known
    assert waits[1:] == [7.0, 7.0]


def test_a_503_with_a_long_retry_after_is_left_for_a_later_run(local_server) -> None:
    local_server.route("/robots.txt", 404)
    local_server.route("/busy.pdf", 503, headers={"Retry-After": "120"})
    with pytest.raises(FetchFailure) as failure:
        _get(local_server, "/busy.pdf")
    assert "Retry-After 120s" in failure.value.reason and failure.value.http_status == 503
    assert local_server.hits("/busy.pdf") == 1  # not hammered


def test_a_short_retry_after_replaces_a_shorter_backoff(local_server) -> None:
    calls = {"n": 0}

    def busy_once(_req):
        calls["n"] += 1
        return (503, {"Retry-After": "3"}, b"") if calls["n"] == 1 else (200, {}, PDF)

    local_server.route("/robots.txt", 404)
    local_server.routes["/soon.pdf"] = busy_once
    slept: list[float] = []
    got, body, _ = _get(local_server, "/soon.pdf", client=HttpClient(sleep=slept.append))
    assert (got.status, body) == (200, PDF)
    assert slept == [3.0]
