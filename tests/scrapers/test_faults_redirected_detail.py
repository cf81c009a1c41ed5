"""A detail page that moved (issue 17, fault 4): its relative attachment links
resolve against the URL it was served from, not the one the list linked, on
the first crawl and on the next one (answered 304 from the page cache)."""

from __future__ import annotations

from pathlib import Path

from scrapers.discover import discover_portal
from scrapers.fetch import HttpClient
from scrapers.registry import parse_registry

HTML = "text/html; charset=utf-8"
ETAG = '"moved-v1"'


def _portal(server):
    document = {
        "portals": [{
            "id": "testportal", "name": "测试县人民政府", "region_code": "130532", "verified": True,
            "base_url": server.base_url + "/site/",
            "list": {"url": "list.html", "max_pages": 1},
            "detail": {"selector": "ul.list a[href]", "pattern": r"/site/art/\d+\.html$"},
            "attachment": {"selector": "div.attachments a[href]", "pattern": r"\.pdf$"},
            "politeness": {"min_interval_seconds": 0, "timeout_seconds": 2, "max_retries": 0, "backoff_seconds": 0},
        }]
    }
    return parse_registry(document, env={})["testportal"]


def _moved_page(request):
    if request.headers.get("If-None-Match") == ETAG:
        return 304, {"ETag": ETAG}, b""
    body = ("<html><body><h1>平乡县财政局2024年部门预算公开</h1><span>发布日期：2024-02-05</span>"
            "<div class='attachments'><a href='./P020240205.pdf'>平乡县财政局2024年部门预算.pdf</a></div>"
            "</body></html>").encode()
    return 200, {"Content-Type": HTML, "ETag": ETAG}, body


def test_relative_attachment_links_resolve_against_the_redirected_url(lake: Path, local_server) -> None:
    s = local_server
    s.route("/robots.txt", 404)
    s.route("/site/list.html", body=(
        "<html><body><ul class='list'><li><a href='art/1.html'>平乡县财政局2024年部门预算公开</a>"
        "<span>2024-02-05</span></li></ul></body></html>").encode(), headers={"Content-Type": HTML})
    s.route("/site/art/1.html", 301, headers={"Location": "/site/archive/2024/02/t20240205_1.html"})
    s.routes["/site/archive/2024/02/t20240205_1.html"] = _moved_page
    expected = s.base_url + "/site/archive/2024/02/P020240205.pdf"
    portal = _portal(s)

    for crawl in ("first", "second (304 from the page cache)"):
        client = HttpClient(sleep=lambda _s: None)
        found = discover_portal(client, portal)
        client.close()
        assert [c.url for c in found.candidates] == [expected], crawl
        assert found.candidates[0].detail_url == s.base_url + "/site/art/1.html"
    assert s.hits("/site/archive/2024/02/t20240205_1.html") == 2
