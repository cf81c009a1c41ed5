"""URLs and file names: resolving links, staying on the portal, naming attachments.

Portals link attachments relatively (``./P0202402….pdf``), absolutely with
percent-encoded Chinese names, or through download servlets; the same URL can
appear encoded or not. ``resolve_link`` turns any href into one canonical
absolute URL so that "the same attachment" means "the same string".
"""

from __future__ import annotations

import ipaddress
import posixpath
import socket
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

from scrapers.registry import Portal, netloc_key

# RFC 3986 §2.3: the only characters whose percent-encoding may be decoded
# without changing what a URL means (§6.2.2.2). Reserved characters stay as
# they are spelled: "%2B" and "+", "%26" and "&", "%2F" and "/" are different URLs.
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_SUB_DELIMS = "!$&'()*+,;="
_PATH_LITERALS = _UNRESERVED | frozenset(_SUB_DELIMS + ":@/")  # RFC 3986 pchar and "/"
_QUERY_LITERALS = _PATH_LITERALS | frozenset("?")
_HEX = frozenset("0123456789abcdefABCDEF")
MAX_NAME_BYTES = 200  # well under the 255-byte limit of common file systems
_FOLLOWED_SCHEMES = ("http", "https")


class OffPortalError(ValueError):
    """A link leaves the portal's allowed hosts, or points at a private address."""


def _normalise_escapes(text: str, literals: frozenset[str]) -> str:
    """RFC 3986 §6.2.2: upper-case every percent-escape, decode those of unreserved
    characters, and percent-encode (UTF-8) every character that may not stand in
    this component as it is (spaces, non-ASCII, a ``%`` that starts no escape)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "%" and i + 2 < len(text) and text[i + 1] in _HEX and text[i + 2] in _HEX:
            decoded = chr(int(text[i + 1 : i + 3], 16))
            out.append(decoded if decoded in _UNRESERVED else "%" + text[i + 1 : i + 3].upper())
            i += 3
            continue
        out.append(ch if ch in literals else quote(ch, safe="", errors="surrogateescape"))
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4: ``/a/b/../c`` → ``/a/c``; never climbs above the root.
    Only literal ``.`` / ``..`` segments count (``..%2F`` is a name, not a step up);
    empty segments (``//``) are kept."""
    if not path.startswith("/"):
        path = "/" + path
    segments = path.split("/")[1:]
    out: list[str] = []
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        if segment in (".", ".."):
            if segment == ".." and out:
                out.pop()
            if last:
                out.append("")  # "/a/b/.." names the directory "/a/"
        else:
            out.append(segment)
    return "/" + "/".join(out)


def canonical_url(url: str) -> str:
    """One spelling per resource (RFC 3986 §6.2.2): lower-case scheme and host,
    default port dropped, percent-escapes upper-cased and decoded only for
    unreserved characters, characters that need it percent-encoded (UTF-8),
    dot segments removed, fragment dropped. Reserved characters keep their
    spelling, encoded or not: decoding them would name another resource."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    netloc = host if port in (None, {"http": 80, "https": 443}.get(scheme)) else f"{host}:{port}"
    path = _remove_dot_segments(_normalise_escapes(parts.path, _PATH_LITERALS))
    query = _normalise_escapes(parts.query, _QUERY_LITERALS) if parts.query else ""
    return urlunsplit((scheme, netloc, path, query, ""))


def resolve_link(page_url: str, href: str) -> str | None:
    """The canonical absolute URL of a link on a page, or None if it is not an HTTP link."""
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return None
    absolute = urljoin(page_url, href)
    if urlsplit(absolute).scheme.lower() not in _FOLLOWED_SCHEMES:
        return None  # javascript:, mailto:, data: …
    return canonical_url(absolute)


def decoded_path(url: str) -> str:
    """The URL's path and query with percent-escapes decoded (for matching patterns)."""
    parts = urlsplit(url)
    text = unquote(parts.path, errors="replace")
    return text + ("?" + unquote(parts.query, errors="replace") if parts.query else "")


def attachment_name(url: str, link_text: str = "") -> str:
    """A safe, human-readable name for an attachment.

    Prefers the link text (TRS portals put the Chinese name only there), else
    the URL's last path segment, decoded. Never contains a path separator, a
    control character or a ``..`` component, and fits in ``MAX_NAME_BYTES``.
    """
    candidates = [link_text, posixpath.basename(unquote(urlsplit(url).path, errors="replace"))]
    for raw in candidates:
        name = _clean_name(raw)
        if name:
            return name
    return "attachment"


def _clean_name(raw: str) -> str:
    text = unicodedata.normalize("NFC", raw or "")
    text = "".join(
        "_" if ch in '/\\:*?"<>|' or unicodedata.category(ch)[0] == "C" else ch for ch in text
    )
    text = " ".join(text.split()).strip(" .")
    while ".." in text:
        text = text.replace("..", ".")
    return _truncate_utf8(text, MAX_NAME_BYTES).strip(" .")


def _truncate_utf8(text: str, max_bytes: int) -> str:
    """Cut to at most ``max_bytes`` of UTF-8 without splitting a character, keeping the extension."""
    if len(text.encode("utf-8")) <= max_bytes:
        return text
    stem, dot, ext = text.rpartition(".")
    if not dot or len(ext) > 8 or not stem:
        stem, ext = text, ""
    suffix = f".{ext}" if ext else ""
    budget = max_bytes - len(suffix.encode("utf-8"))
    out = stem.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    return out.rstrip(" .") + suffix


Resolver = Callable[[str, int], list[str]]  # (host, port) → addresses; raises OSError if it does not resolve


def system_resolver(host: str, port: int) -> list[str]:
    return [info[4][0].split("%")[0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)]


def _is_private_address(address: str) -> bool:
    a = ipaddress.ip_address(address)
    return a.is_private or a.is_loopback or a.is_link_local or a.is_reserved or a.is_unspecified


@lru_cache(maxsize=256)
def _is_private_host(host: str) -> bool:
    """True if the host is, or resolves to, a loopback/private/link-local/reserved address."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        try:
            addresses = system_resolver(host, 0)
        except OSError:
            return False  # unresolvable: the request itself will fail and be recorded
    return any(_is_private_address(a) for a in addresses)


@dataclass(frozen=True)
class HostGuard:
    """Keeps a crawl on its portal: allowed hosts only, and no private addresses
    unless the portal itself lives on one (the local mirror)."""

    allowed: frozenset[str]
    portal_is_private: bool
    # how host names are resolved (the system's by default); ``checked_address`` resolves
    # once, checks what it got and returns the address the connection must use
    resolver: Resolver | None = field(default=None, compare=False, repr=False)

    @classmethod
    def for_portal(cls, portal: Portal) -> HostGuard:
        host = urlsplit(portal.base_url).hostname or ""
        return cls(allowed=portal.allowed_hosts, portal_is_private=_is_private_host(host))

    def check(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme.lower() not in _FOLLOWED_SCHEMES:
            raise OffPortalError(f"not an HTTP URL: {url}")
        key = netloc_key(url)
        if key not in self.allowed:
            raise OffPortalError(f"host {key} is not one of the portal's allowed hosts")
        if not self.portal_is_private and _is_private_host(parts.hostname or ""):
            raise OffPortalError(f"host {parts.hostname} is a private or loopback address")

    def checked_address(self, url: str) -> str:
        """The address to connect to for ``url``, from one resolution that is checked here.

        The connection must use it (``scrapers.fetch`` pins it): resolving the
        name again when connecting would let a portal's DNS answer a public
        address to the check and a private one to the connection (rebinding).
        Raises ``OffPortalError`` for a private address of a public portal and
        ``OSError`` if the name does not resolve."""
        self.check(url)
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        try:
            return str(ipaddress.ip_address(host))
        except ValueError:
            pass
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower(), 0)
        addresses = (self.resolver or system_resolver)(host, port)
        if not addresses:
            raise OSError(f"{host} resolves to no address")
        if not self.portal_is_private:
            private = [a for a in addresses if _is_private_address(a)]
            if private:
                raise OffPortalError(f"host {host} resolves to a private or loopback address ({private[0]})")
        return addresses[0]

    def allows(self, url: str) -> bool:
        try:
            self.check(url)
        except OffPortalError:
            return False
        return True
