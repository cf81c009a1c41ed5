"""Discovery and fetch on a hand-made portal (loopback): links that leave the
portal, encodings, pages that are the document, servers without validators."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scrapers import api, manifest
from scrapers.discover import decode_page, discover_portal, parse_date
from scrapers.fetch import HttpClient
from scrapers.registry import parse_registry

PDF = b"%PDF-1.4\n%portal test\n%%EOF\n"
HTML = "text/html; charset=utf-8"


def _portal(server, **list_overrides):
    document = {
        "portals": [{
            "id": "testportal", "name": "测试县人民政府", "region_code": "130532", "verified": True,
            "base_url": server.base_url + "/site/",
            "list": {"url": "list.html", "page_url": "list_{n}.html", "first_page_number": 1, "max_pages": 5, **list_overrides},
            "detail": {"selector": "ul.list a[href]", "pattern": r"/site/art/\d+\.html$"},
            "attachment": {"selector": "div.attachments a[href]", "pattern": r"\.(pdf|xlsx)$"},
            "politeness": {"min_interval_seconds": 0, "timeout_seconds": 2, "max_retries": 1, "backoff_seconds": 0},
        }]
    }
    return parse_registry(document, env={})["testportal"]


def _page(items: str) -> bytes:
    return f"<html><head><meta charset='utf-8'></head><body><ul class='list'>{items}</ul></body></html>".encode()


def _detail(title: str, attachments: str, body: str = "") -> bytes:
    return (f"<html><body><h1>{title}</h1><span>发布日期：2024-02-05</span>{body}"
            f"<div class='attachments'>{attachments}</div></body></html>").encode()


@pytest.fixture()
def portal_site(local_server):
    s = local_server
    s.route("/robots.txt", 200, b"User-agent: *\nDisallow: /site/private/\n")
    s.route("/site/list.html", body=_page(
        "<li><a href='art/1.html'>平乡县财政局2024年部门预算公开</a><span>2024-02-05</span></li>"
        "<li><a href='art/2.html'>关于开展安全生产月活动的通知</a><span>2024-06-01</span></li>"
        "<li><a href='art/3.html'>平乡县教育局2024年部门预算</a><span>2024-02-06</span></li>"
        "<li><a href='art/4.html'>平乡县卫健局2025年部门预算</a><span>2025-02-06</span></li>"
    ), headers={"Content-Type": HTML})
    s.route("/site/list_1.html", body=_page(
        "<li><a href='art/5.html'>平乡县水利局2023年部门决算公开</a><span>2023-09-01</span></li>"
    ), headers={"Content-Type": HTML})
    s.route("/site/art/1.html", body=_detail("平乡县财政局2024年部门预算公开",
        "<a href='../files/a.pdf'>平乡县财政局2024年部门预算.pdf</a>"
        "<a href='http://10.0.0.8/files/b.pdf'>外链.pdf</a>"
        "<a href='http://127.0.0.1:1/files/c.pdf'>另一个端口.pdf</a>"
        "<a href='/site/private/d.pdf'>内部.pdf</a>"), headers={"Content-Type": HTML})
    s.route("/site/art/3.html", body=_detail("平乡县教育局2024年部门预算", "",
        "<table><tr><td>支出功能分类科目</td><td>2010301</td></tr></table>"), headers={"Content-Type": HTML})
    s.route("/site/art/4.html", body=_detail("平乡县卫健局2025年部门预算", "<a href='../files/e.pdf'>e.pdf</a>"),
            headers={"Content-Type": HTML})
    s.route("/site/art/5.html", body=_detail("平乡县水利局2023年部门决算公开",
        "<a href='../files/f.xlsx'>平乡县水利局2023年部门决算.xlsx</a>"), headers={"Content-Type": HTML})
    s.route("/site/files/a.pdf", body=PDF)  # no ETag, no Last-Modified
    s.route("/site/private/d.pdf", body=PDF)
    s.route("/site/files/f.xlsx", body=PDF)  # a PDF behind an .xlsx name
    return s


def test_discovery_classifies_skips_noise_and_stays_on_the_portal(portal_site, lake: Path) -> None:
    portal = _portal(portal_site)
    found = discover_portal(HttpClient(), portal, as_of=date(2024, 12, 31))
    by_url = {c.url.rsplit("/site/", 1)[1]: c for c in found.candidates}
    assert set(by_url) == {"files/a.pdf", "private/d.pdf", "art/3.html", "files/f.xlsx"}
    assert (by_url["files/a.pdf"].doc_type, by_url["files/a.pdf"].fiscal_year, by_url["files/a.pdf"].unit_name) == (
        "budget", 2024, "平乡县财政局")
    assert by_url["files/f.xlsx"].doc_type == "final_account"
    assert by_url["art/3.html"].file_name.endswith(".html")  # the page is the document
    reasons = " | ".join(s.reason for s in found.skipped)
    assert "noise" in reasons and "after 2024-12-31" in reasons
    assert reasons.count("outside the portal's allowed hosts") == 2  # 10.0.0.8 and another port
    assert (found.list_pages, found.detail_pages) == (2, 3)  # noise and the 2025 posting: no detail page fetched
    assert portal_site.hits("/site/art/2.html") == portal_site.hits("/site/art/4.html") == 0
    assert portal_site.hits("/site/list_2.html") == 1  # pagination ended on a 404


def test_fetch_records_robots_and_unchanged_files_on_a_server_without_validators(portal_site, lake: Path) -> None:
    portal = _portal(portal_site)
    client = HttpClient()
    candidates = discover_portal(client, portal, as_of=date(2024, 12, 31)).candidates
    first = api.fetch_with_client(client, portal, candidates, "crawl-one", progress=False)
    outcomes = {f["url"].rsplit("/", 1)[1]: f for f in first.files}
    assert outcomes["d.pdf"]["outcome"] == "robots_disallowed"
    assert portal_site.hits("/site/private/d.pdf") == 0
    assert outcomes["a.pdf"]["outcome"] == "new"
    assert outcomes["f.xlsx"]["outcome"] == "duplicate" and outcomes["f.xlsx"]["detected_type"] == "pdf"
    assert outcomes["3.html"]["detected_type"] == "html"
    second = api.fetch_with_client(client, portal, candidates, "crawl-two", progress=False)
    again = {f["url"].rsplit("/", 1)[1]: f["outcome"] for f in second.files}
    assert again["a.pdf"] == "unchanged"  # downloaded again (no validators), same bytes, not stored twice
    rows = manifest.read_manifest("testportal").to_pylist()
    assert len(rows) == len(first.files) + len(second.files)


def test_a_list_page_stops_pagination_without_a_next_link(portal_site, lake: Path) -> None:
    portal = _portal(portal_site, next_link_text="下一页")
    found = discover_portal(HttpClient(), portal, as_of=date(2024, 12, 31))
    assert portal_site.hits("/site/list_1.html") == 0
    assert found.list_pages == 1


def test_an_unreachable_first_list_page_makes_the_portal_unreachable(local_server, lake: Path) -> None:
    local_server.route("/robots.txt", 404)
    local_server.route("/site/list.html", 503)
    result = api.discover_one(HttpClient(), _portal(local_server), None)
    assert not result.ok and not result.reachable and "HTTP 503" in result.error


def test_pages_are_decoded_by_header_registry_meta_or_detection() -> None:
    text = "<html><head><meta charset=gbk></head><body>埇桥区人民政府办公室2023年部门预算</body></html>"
    gbk = text.encode("gbk")
    assert "埇桥区" in decode_page(gbk, "text/html", None)  # from <meta charset>
    bare = "<p>埇桥区人民政府办公室</p>".encode("gbk")
    assert "埇桥区" in decode_page(bare, "text/html", "gbk")  # from the registry
    assert "埇桥区" in decode_page(bare, "text/html", None)  # detected: not UTF-8, so GB18030
    assert decode_page("平乡县".encode(), "text/html; charset=UTF-8", "gbk") == "平乡县"  # the header wins


def test_dates_are_read_in_the_usual_spellings() -> None:
    assert parse_date("发布日期：2024-02-05") == date(2024, 2, 5)
    assert parse_date("2024年2月5日") == date(2024, 2, 5)
    assert parse_date("2024/2/5 10:00") == date(2024, 2, 5)
    assert parse_date("2024-13-45") is None
    assert parse_date("no date") is None
