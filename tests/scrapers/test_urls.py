"""URL and file-name handling, property-based: Chinese names, percent-encoding,
``../`` segments and very long names never produce an unsafe name or a URL
that leaves its host."""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from scrapers.registry import netloc_key
from scrapers.urls import (
    MAX_NAME_BYTES,
    HostGuard,
    OffPortalError,
    attachment_name,
    canonical_url,
    resolve_link,
)

BASE = "http://127.0.0.1:8765/pingxiang/zwgk/czyjs/202402/t20240205_1234567.html"
CHINESE = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
SEGMENT_CHARS = st.one_of(CHINESE, st.sampled_from(list("abcXYZ019-_.~ %#?&=+()（）“”、")))
segment = st.text(SEGMENT_CHARS, min_size=0, max_size=30)
dot_segment = st.sampled_from(["..", ".", "%2e%2e", "..%2f"])
relative_path = st.lists(st.one_of(segment, dot_segment), min_size=1, max_size=12).map("/".join)
any_name = st.text(min_size=0, max_size=400)


@given(relative_path)
@example("../../../../../../etc/passwd")
@example("./P020240205384512345678.pdf")
@example("%E5%9F%87%E6%A1%A5%E5%8C%BA.pdf")
@settings(max_examples=150, deadline=None)
def test_a_relative_link_resolves_on_the_same_host_without_dot_segments(href: str) -> None:
    assume(not href.strip().startswith("//"))  # a network-path reference names another host (HostGuard's job)
    url = resolve_link(BASE, href)
    if url is None:  # only fragments and empty links are dropped
        assert href.strip() == "" or href.strip().startswith("#")
        return
    parts = urlsplit(url)
    assert netloc_key(url) == "127.0.0.1:8765"
    # literal dot segments only: "..%2f" is a name ("%2F" is not "/", RFC 3986 §6.2.2.2)
    segments = parts.path.split("/")
    assert ".." not in segments and "." not in segments
    assert parts.fragment == ""
    assert canonical_url(url) == url  # canonical form is a fixed point


@given(st.lists(segment, min_size=1, max_size=5))
@example([" "])
@settings(max_examples=100, deadline=None)
def test_encoded_and_raw_spellings_of_a_url_are_the_same(segments: list[str]) -> None:
    # reserved characters are left out: "+" and "%2B" are different URLs (RFC 3986 §6.2.2.2)
    clean = ["".join(ch for ch in s if ch not in "%#?&=+()") for s in segments]
    # (a URL's own leading/trailing blanks are stripped, as browsers do: keep them inside)
    raw = "http://127.0.0.1:8765/yongqiao/group1/" + "/".join(clean) + "/end.pdf"
    encoded = "http://127.0.0.1:8765/yongqiao/group1/" + "/".join(quote(s) for s in clean) + "/end.pdf"
    assert canonical_url(raw) == canonical_url(encoded)
    assert canonical_url(canonical_url(raw)) == canonical_url(raw)


@given(any_name, relative_path)
@example("../../etc/passwd", "x")
@example("", "../..")
@example("平乡县人民政府办公室2024年部门预算" * 30 + ".pdf", "")
@example("a\x00b/c\\d", "")
@settings(max_examples=150, deadline=None)
def test_attachment_names_are_always_safe(link_text: str, path: str) -> None:
    name = attachment_name("http://127.0.0.1:8765/x/" + quote(path), link_text)
    assert name
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert ".." not in name
    assert not name.startswith(".")
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert all(ch.isprintable() for ch in name)


def test_a_long_chinese_name_keeps_its_extension_and_whole_characters() -> None:
    name = attachment_name("http://h/x", "埇桥区人民政府办公室2023年部门预算" * 20 + ".pdf")
    assert name.endswith(".pdf")
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    name.encode("utf-8").decode("utf-8")  # no split character


def test_the_name_comes_from_the_percent_encoded_url_when_the_link_has_no_text() -> None:
    url = "http://127.0.0.1:8765/yongqiao/group1/M00/03/1A/" + quote("埇桥区人民政府办公室2023年部门预算.pdf")
    assert attachment_name(url, "") == "埇桥区人民政府办公室2023年部门预算.pdf"


@pytest.mark.parametrize(
    "url",
    ["http://10.0.0.1/a.pdf", "http://192.168.1.20:8765/a.pdf", "http://127.0.0.1:22/a.pdf",
     "http://localhost:8765/a.pdf", "ftp://127.0.0.1:8765/a.pdf", "http://www.example.com/a.pdf"],
)
def test_the_mirror_guard_allows_only_its_own_host_and_port(url: str) -> None:
    guard = HostGuard(allowed=frozenset({"127.0.0.1:8765"}), portal_is_private=True)
    guard.check("http://127.0.0.1:8765/pingxiang/a.pdf")
    with pytest.raises(OffPortalError):
        guard.check(url)


def test_a_public_portal_never_follows_a_link_to_a_private_address() -> None:
    guard = HostGuard(allowed=frozenset({"www.gz.gov.cn:443", "10.0.0.5:443"}), portal_is_private=False)
    with pytest.raises(OffPortalError, match="private or loopback"):
        guard.check("https://10.0.0.5/a.pdf")  # even if a bad registry entry allowed it
