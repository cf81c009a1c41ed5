"""Polite HTTP: one shared session, per-host rate limit, robots.txt, retries,
conditional GET and a size limit. (The real file type of what lands is
recognised from its bytes by the one sniffer, ``countybudget.sniff``.)

``HttpClient.get`` is the one door to the network. It never follows a redirect
off the portal (redirects are followed by hand, each hop checked by the
portal's ``HostGuard``), retries 5xx and connection errors with exponential
backoff, and streams the body to a caller-supplied sink so large files never
sit in memory. Every failure becomes a ``FetchFailure`` with an outcome and a
reason that the manifest records.
"""

from __future__ import annotations

import logging
import socket
import threading
from socket import timeout as SocketTimeout
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol
from urllib import robotparser
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as urllib3_connection

from scrapers.registry import USER_AGENT, Politeness, netloc_key
from scrapers.urls import HostGuard, OffPortalError, canonical_url, resolve_link

log = logging.getLogger(__name__)

ROBOTS_AGENT = "countybudget"
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 30.0  # a 5xx asking for a longer wait is left for a later run
MAX_CRAWL_DELAY = 30.0  # a robots.txt Crawl-delay above this is capped, not obeyed literally
_CHUNK = 64 * 1024

# ---------------------------------------------------------------- failures


class FetchFailure(Exception):
    """A request that did not produce the file, with the outcome to record."""

    def __init__(self, reason: str, *, outcome: str = "failed", http_status: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.outcome = outcome  # failed | robots_disallowed | too_large
        self.http_status = http_status


class _Retryable(Exception):
    def __init__(self, reason: str, http_status: int | None = None, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.http_status = http_status
        self.retry_after = retry_after  # seconds the server asked us to wait


# ---------------------------------------------------------------- politeness


class RateLimiter:
    """At most one request per ``interval`` seconds to each host."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self._clock = clock
        self._sleep = sleep
        self._next_slot: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str, interval: float) -> float:
        """Block until the host may be asked again; returns the seconds waited."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = start + interval
        delay = start - now
        if delay > 0:
            self._sleep(delay)
        return delay


def backoff_delays(base: float, retries: int) -> list[float]:
    """Exponential backoff: base, 2·base, 4·base …"""
    return [base * (2**i) for i in range(retries)]


RetryListener = Callable[[str, "int | None"], None]


class BodySink(Protocol):
    def write(self, chunk: bytes) -> None: ...

    def reset(self) -> None: ...


class MemorySink:
    """Collects a (small) body in memory: list and detail pages, robots.txt."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def write(self, chunk: bytes) -> None:
        self._buffer.extend(chunk)

    def reset(self) -> None:
        self._buffer.clear()

    @property
    def data(self) -> bytes:
        return bytes(self._buffer)


@dataclass
class Validators:
    """What the server said last time, for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        h = {}
        if self.etag:
            h["If-None-Match"] = self.etag
        if self.last_modified:
            h["If-Modified-Since"] = self.last_modified
        return h


@dataclass
class Fetched:
    """A completed exchange: 200 with the body in the sink, 304, or a 4xx that is final."""

    url: str  # after redirects
    status: int
    etag: str | None
    last_modified: str | None
    content_type: str | None
    size_bytes: int
    retries: int


@dataclass
class ClientStats:
    requests: int = 0
    bytes_received: int = 0
    by_host: dict[str, int] = field(default_factory=dict)


# ---------------------------------------------------------------- deadline of one request


class _Deadline:
    """The wall-clock limit of one HTTP exchange, and its minimum average rate.

    The socket timeout bounds each read, not the response: a server sending a
    byte a second never trips it. A watchdog timer shuts the connection's socket
    down when the deadline passes, which ends any read blocked on it (headers
    included); the body loop checks the average rate after a grace period.
    """

    def __init__(self, policy: Politeness):
        self.seconds = policy.deadline_seconds
        self.min_rate = policy.min_bytes_per_second
        self.grace = policy.timeout_seconds
        self.started = time.monotonic()
        self.reason: str | None = None
        self._connection: HTTPConnection | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(self.seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def attach(self, connection: HTTPConnection) -> None:
        with self._lock:
            self._connection = connection
            expired = self.reason is not None
        if expired:
            self._shut(connection)

    def _expire(self) -> None:
        with self._lock:
            if self.reason is None:
                self.reason = f"timeout: the response did not arrive in full within the {self.seconds:g} s deadline"
            connection = self._connection
        if connection is not None:
            self._shut(connection)

    @staticmethod
    def _shut(connection: HTTPConnection) -> None:
        sock = getattr(connection, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes the reader; the pool discards the connection
            except OSError:
                pass

    def check(self, received: int) -> None:
        """Raise if the deadline passed, or the body comes slower than the minimum rate."""
        elapsed = time.monotonic() - self.started
        if self.reason is None and elapsed >= self.seconds:
            self._expire()
        if self.reason is None and self.min_rate > 0 and elapsed > self.grace and received < self.min_rate * elapsed:
            self.reason = (f"too slow: {received} bytes in {elapsed:.1f} s, under the minimum of "
                           f"{self.min_rate:g} bytes/s")
        if self.reason is not None:
            raise FetchFailure(self.reason)

    def cancel(self) -> None:
        self._timer.cancel()


_in_flight = threading.local()  # the _Deadline of the request this thread is sending


class _DeadlineConnectionMixin:
    """Hands the connection of every request to the deadline of the request in flight."""

    def request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        deadline = getattr(_in_flight, "deadline", None)
        if deadline is not None:
            deadline.attach(self)  # type: ignore[arg-type]
        return super().request(*args, **kwargs)  # type: ignore[misc]


Pins = dict[str, "str | OSError"]  # "host:port" → the address HostGuard checked (or why it did not resolve)


class _PinnedConnectionMixin:
    """Connects to the address the HostGuard checked, never to a second DNS answer.

    ``pins`` is set on a per-client subclass; None means resolve as usual (a bare session).
    TLS still verifies the certificate against the host name (only the socket's address is pinned)."""

    pins: Pins | None = None

    def _new_conn(self):  # type: ignore[no-untyped-def]
        if self.pins is None:
            return super()._new_conn()  # type: ignore[misc]
        host, port = self.host, self.port or self.default_port  # type: ignore[attr-defined]
        pinned = self.pins.get(f"{host.lower()}:{port}")
        if pinned is None or isinstance(pinned, OSError):
            cause = pinned if isinstance(pinned, OSError) else socket.gaierror(f"no checked address for {host}")
            raise NameResolutionError(host, self, cause)  # type: ignore[arg-type]
        try:
            sock = urllib3_connection.create_connection(
                (pinned, port), self.timeout,  # type: ignore[attr-defined]
                source_address=self.source_address, socket_options=self.socket_options,  # type: ignore[attr-defined]
            )
        except SocketTimeout as exc:
            raise ConnectTimeoutError(self, f"Connection to {host} ({pinned}) timed out. "  # type: ignore[arg-type]
                                      f"(connect timeout={self.timeout})") from exc  # type: ignore[attr-defined]
        except OSError as exc:
            raise NewConnectionError(self, f"Failed to establish a new connection: {exc}") from exc  # type: ignore[arg-type]
        return sock


class _GuardedHTTPConnection(_DeadlineConnectionMixin, _PinnedConnectionMixin, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_DeadlineConnectionMixin, _PinnedConnectionMixin, HTTPSConnection):
    pass


class _GuardedAdapter(HTTPAdapter):
    """requests' adapter with the connections above (deadline watchdog, pinned addresses)."""

    def __init__(self, *args, pins: Pins | None = None, **kwargs):  # type: ignore[no-untyped-def]
        self._pins = pins
        super().__init__(*args, **kwargs)

    def init_poolmanager(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().init_poolmanager(*args, **kwargs)
        pins = getattr(self, "_pins", None)
        http = type("_PinnedHTTPConnection", (_GuardedHTTPConnection,), {"pins": pins})
        https = type("_PinnedHTTPSConnection", (_GuardedHTTPSConnection,), {"pins": pins})
        # a new dict: the module-level default is shared by every PoolManager
        self.poolmanager.pool_classes_by_scheme = {
            "http": type("_GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http}),
            "https": type("_GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https}),
        }


# ---------------------------------------------------------------- the client


def make_session(user_agent: str = USER_AGENT) -> requests.Session:
    session = requests.Session()
    session.headers.update({"User-Agent": user_agent, "Accept-Encoding": "identity"})
    session.trust_env = False  # never route through a proxy from the environment
    _mount_guarded_adapter(session)
    return session


def _mount_guarded_adapter(session: requests.Session, pins: Pins | None = None) -> None:
    adapter = _GuardedAdapter(pool_connections=8, pool_maxsize=8, max_retries=0, pins=pins)  # retries are ours
    session.mount("http://", adapter)
    session.mount("https://", adapter)


class HttpClient:
    """One session for a whole crawl; rate limit and robots.txt are shared by host."""

    def __init__(
        self,
        session: requests.Session | None = None,
        rate_limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.session = session or make_session()
        # every connection goes to the address its HostGuard checked (no second DNS answer), with the deadline
        self._pins: Pins = {}
        _mount_guarded_adapter(self.session, self._pins)
        self.rate = rate_limiter or RateLimiter()
        self._sleep = sleep
        self._robots: dict[str, robotparser.RobotFileParser | str] = {}
        self._crawl_delay: dict[str, float] = {}  # netloc → robots.txt Crawl-delay
        self.stats = ClientStats()

    def close(self) -> None:
        self.session.close()

    def _pin(self, url: str, guard: HostGuard) -> None:
        """Check the URL with the guard and pin the address it checked for the connection."""
        key = netloc_key(url)
        try:
            self._pins[key] = guard.checked_address(url)
        except OffPortalError:
            self._pins.pop(key, None)
            raise
        except OSError as exc:  # does not resolve: the connection fails with this reason (and is retried)
            self._pins[key] = exc

    # -- robots.txt

    def robots_allows(self, url: str, policy: Politeness, guard: HostGuard) -> bool:
        """RFC 9309: a missing robots.txt allows all; an unreachable one (5xx,
        no connection) disallows all until a later run."""
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        rules = self._robots.get(origin)
        if rules is None:
            rules = self._load_robots(origin, policy, guard)
            self._robots[origin] = rules
        if isinstance(rules, str):
            raise FetchFailure(rules)
        return rules.can_fetch(ROBOTS_AGENT, url)

    def _load_robots(self, origin: str, policy: Politeness, guard: HostGuard) -> robotparser.RobotFileParser | str:
        parser = robotparser.RobotFileParser(origin + "/robots.txt")
        sink = MemorySink()
        try:
            got = self._exchange(origin + "/robots.txt", policy, guard, sink, {}, 512 * 1024, check_robots=False)
        except FetchFailure as exc:
            if exc.http_status is not None and 400 <= exc.http_status < 500:
                parser.parse([])
                return parser
            return f"robots.txt unreachable: {exc.reason}"
        if 400 <= got.status < 500:
            parser.parse([])  # no robots.txt: everything allowed
        else:
            parser.parse(sink.data.decode("utf-8", errors="replace").splitlines())
            delay = parser.crawl_delay(ROBOTS_AGENT)
            if delay:
                self._crawl_delay[urlsplit(origin).netloc] = min(float(delay), MAX_CRAWL_DELAY)
        return parser

    # -- requests

    def get(
        self,
        url: str,
        policy: Politeness,
        guard: HostGuard,
        sink: BodySink,
        validators: Validators | None = None,
        max_bytes: int | None = None,
        on_retry: RetryListener | None = None,
    ) -> Fetched:
        """GET a URL of the portal (robots.txt and host checks first).

        ``on_retry(reason, http_status)`` hears of every attempt that failed and is retried."""
        try:
            self._pin(url, guard)
        except OffPortalError as exc:
            raise FetchFailure(str(exc), outcome="failed") from exc
        if not self.robots_allows(url, policy, guard):
            raise FetchFailure("disallowed by robots.txt", outcome="robots_disallowed")
        headers = validators.headers() if validators else {}
        return self._exchange(url, policy, guard, sink, headers, max_bytes or policy.max_file_bytes, on_retry)

    def _exchange(
        self,
        url: str,
        policy: Politeness,
        guard: HostGuard,
        sink: BodySink,
        headers: dict[str, str],
        max_bytes: int,
        on_retry: RetryListener | None = None,
        check_robots: bool = True,
    ) -> Fetched:
        """One logical GET with retries; 2xx/304/4xx return, 5xx and broken connections retry."""
        delays = backoff_delays(policy.backoff_seconds, policy.max_retries)
        last: _Retryable | None = None
        for attempt in range(policy.max_retries + 1):
            if attempt:
                self._sleep(delays[attempt - 1])
            sink.reset()
            try:
                fetched = self._attempt(url, policy, guard, sink, headers, max_bytes, check_robots)
            except _Retryable as exc:
                last = exc
                log.debug("retryable failure on %s (attempt %d): %s", url, attempt + 1, exc.reason)
                if exc.retry_after is not None and exc.retry_after > MAX_RETRY_AFTER:
                    # the server said when to come back: not within this run
                    raise FetchFailure(f"{exc.reason}, Retry-After {exc.retry_after:g}s: try a later run",
                                       http_status=exc.http_status) from exc
                if exc.retry_after and attempt < policy.max_retries:
                    delays[attempt] = max(delays[attempt], exc.retry_after)
                if on_retry and attempt < policy.max_retries:
                    on_retry(exc.reason, exc.http_status)
                continue
            fetched.retries = attempt
            return fetched
        assert last is not None
        sink.reset()
        tries = policy.max_retries + 1
        raise FetchFailure(f"{last.reason} (after {tries} attempts)", http_status=last.http_status)

    def _attempt(
        self,
        url: str,
        policy: Politeness,
        guard: HostGuard,
        sink: BodySink,
        headers: dict[str, str],
        max_bytes: int,
        check_robots: bool,
    ) -> Fetched:
        deadline = _Deadline(policy)
        try:
            return self._follow(url, policy, guard, sink, headers, max_bytes, check_robots, deadline)
        finally:
            deadline.cancel()

    def _follow(
        self,
        url: str,
        policy: Politeness,
        guard: HostGuard,
        sink: BodySink,
        headers: dict[str, str],
        max_bytes: int,
        check_robots: bool,
        deadline: _Deadline,
    ) -> Fetched:
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            response = self._send(current, policy, headers, deadline)
            with response:
                if response.is_redirect:
                    target = resolve_link(current, response.headers.get("Location", ""))
                    if target is None:
                        raise FetchFailure(f"redirect without a usable Location from {current}", http_status=response.status_code)
                    try:
                        self._pin(target, guard)
                    except OffPortalError as exc:
                        raise FetchFailure(f"redirect leaves the portal: {exc}", http_status=response.status_code) from exc
                    if check_robots and not self.robots_allows(target, policy, guard):
                        raise FetchFailure(f"redirect to {target} disallowed by robots.txt", outcome="robots_disallowed")
                    current = canonical_url(target)
                    continue
                return self._read(current, response, sink, max_bytes, deadline)
        raise FetchFailure(f"more than {MAX_REDIRECTS} redirects")

    def _send(self, url: str, policy: Politeness, headers: dict[str, str], deadline: _Deadline) -> requests.Response:
        host = urlsplit(url).netloc
        self.rate.wait(host, max(policy.min_interval_seconds, self._crawl_delay.get(host, 0.0)))
        self.stats.requests += 1
        self.stats.by_host[host] = self.stats.by_host.get(host, 0) + 1
        _in_flight.deadline = deadline
        try:
            return self.session.get(
                url, headers=headers, stream=True, allow_redirects=False, timeout=policy.timeout_seconds
            )
        except requests.exceptions.RequestException as exc:
            if deadline.reason is not None:  # the watchdog cut a response that was still arriving
                raise FetchFailure(deadline.reason) from exc
            if isinstance(exc, requests.exceptions.ConnectTimeout):
                raise _Retryable(f"connect timeout after {policy.timeout_seconds:g}s") from exc
            if isinstance(exc, requests.exceptions.ReadTimeout):
                # the server answers but too slowly: do not hammer it, try on a later run
                raise FetchFailure(f"timeout: no response within {policy.timeout_seconds:g}s") from exc
            if isinstance(exc, requests.exceptions.ConnectionError):
                raise _Retryable(f"connection error: {_connection_cause(exc)}") from exc
            raise FetchFailure(f"request error: {_short(exc)}") from exc
        finally:
            _in_flight.deadline = None

    def _read(self, url: str, response: requests.Response, sink: BodySink, max_bytes: int, deadline: _Deadline) -> Fetched:
        status = response.status_code
        if status >= 500:
            raise _Retryable(f"HTTP {status}", http_status=status, retry_after=_retry_after(response))
        if status == 304 or status >= 400:
            return self._fetched(url, response, 0)
        declared = _content_length(response)
        if declared is not None and declared > max_bytes:
            raise FetchFailure(
                f"too large: Content-Length {declared} > limit {max_bytes}", outcome="too_large", http_status=status
            )
        received = 0
        try:
            # read1: whatever has arrived, so the deadline and the rate are checked as bytes come
            while chunk := response.raw.read1(_CHUNK, decode_content=False):
                received += len(chunk)
                self.stats.bytes_received += len(chunk)
                if received > max_bytes:
                    raise FetchFailure(
                        f"too large: more than {max_bytes} bytes", outcome="too_large", http_status=status
                    )
                deadline.check(received)
                sink.write(chunk)
            deadline.check(received)  # a body cut short by the watchdog looks like an early end
        except FetchFailure as exc:
            if exc.http_status is None:
                exc.http_status = status
            raise
        except Exception as exc:  # urllib3 ProtocolError (IncompleteRead), ReadTimeoutError, socket errors
            if deadline.reason is not None:
                raise FetchFailure(deadline.reason, http_status=status) from exc
            if "timed out" in str(exc).lower():
                raise FetchFailure(f"timeout while reading the body after {received} bytes", http_status=status) from exc
            cause = "connection closed" if "IncompleteRead" in str(exc) else _short(exc)
            raise _Retryable(f"truncated download: {received} of {declared or '?'} bytes ({cause})", status) from exc
        if declared is not None and received != declared:
            raise _Retryable(f"truncated download: {received} of {declared} bytes", status)
        return self._fetched(url, response, received)

    @staticmethod
    def _fetched(url: str, response: requests.Response, size: int) -> Fetched:
        return Fetched(
            url=url,
            status=response.status_code,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            content_type=response.headers.get("Content-Type"),
            size_bytes=size,
            retries=0,
        )


def _retry_after(response: requests.Response) -> float | None:
    """Retry-After in seconds (the delta-seconds form; an HTTP date counts as 'later')."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return float("inf")


def _content_length(response: requests.Response) -> int | None:
    value = response.headers.get("Content-Length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


_KNOWN_CAUSES = (
    "Connection refused",
    "Connection reset by peer",
    "Connection aborted",
    "No route to host",
    "Name or service not known",
    "Temporary failure in name resolution",
    "Remote end closed connection without response",
    "Network is unreachable",
)


def _connection_cause(exc: BaseException) -> str:
    """The useful part of urllib3's nested connection errors (``Connection refused`` …)."""
    text = str(exc)
    return next((cause for cause in _KNOWN_CAUSES if cause in text), _short(exc))


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 200 else text[:197] + "..."
