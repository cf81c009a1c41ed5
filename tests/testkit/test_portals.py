"""The mirror serves every page and attachment it lists, in each CMS's shape."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import requests
import yaml

from testkit.mirror.listing import published_postings
from testkit.mirror.server import MirrorServer
from testkit.mirror.site import resolve_document_file
from mirror_helpers import AS_OF, LATE_DATE, page_soup

COUNTY_PORTALS = ("pingxiang", "huainan", "yongqiao", "suixi", "fengxian")


def _catalogue_documents(catalogue: Path) -> list[dict]:
    return yaml.safe_load(catalogue.read_text(encoding="utf-8"))["documents"]


@pytest.mark.parametrize("portal_id", COUNTY_PORTALS)
def test_crawl_finds_every_posting_and_every_link_is_served(small_mirror: MirrorServer, crawl_portal, portal_id):
    result = crawl_portal(small_mirror, portal_id)

    assert set(result.statuses.values()) == {200}
    expected = {p.title for p in small_mirror.postings(portal_id) if p.kind != "disallowed"}
    assert expected and set(result.detail_pages.values()) == expected
    assert result.attachments, "every portal has at least one attachment"
    faulty = {small_mirror.attachment_url(p) for p in small_mirror.postings(portal_id) if p.fault}
    for url in set(result.attachments) - faulty:
        response = requests.get(url, timeout=5)
        assert response.status_code == 200, url
        assert response.content, url


def test_attachments_are_the_catalogue_files_byte_for_byte(small_mirror: MirrorServer, small_catalogue: Path):
    served = 0
    for entry in _catalogue_documents(small_catalogue):
        if entry["format"] == "html" or entry["id"].startswith("broken-"):
            continue
        expected = resolve_document_file(entry["file"], small_catalogue).read_bytes()
        for posting in small_mirror.postings(entry["postings"][0]["portal"]):
            if posting.document_id == entry["id"]:
                assert requests.get(small_mirror.attachment_url(posting), timeout=5).content == expected
                served += 1
    assert served >= 8


def test_the_same_file_posted_twice_has_two_urls_with_the_same_bytes(small_mirror: MirrorServer):
    doc_id = "yongqiao-govoffice-2024-budget"
    postings = [
        p for portal in ("yongqiao", "suixi") for p in small_mirror.postings(portal) if p.document_id == doc_id
    ]
    urls = {small_mirror.attachment_url(p) for p in postings}
    assert len(postings) == 2 and len(urls) == 2
    bodies = {requests.get(url, timeout=5).content for url in urls}
    assert len(bodies) == 1


def test_list_pages_paginate_in_each_cms_shape(small_mirror: MirrorServer, crawl_portal):
    # pingxiang has 9 postings at AS_OF (5 documents + 4 of its own)
    n_pages = -(-9 // small_mirror.site.portals["pingxiang"].page_size)
    pages = crawl_portal(small_mirror, "pingxiang").list_pages
    assert n_pages >= 2
    assert [urlsplit(u).path.rsplit("/", 1)[1] for u in pages] == ["index.html"] + [
        f"index_{i}.html" for i in range(1, n_pages)
    ]
    assert small_mirror.list_urls("pingxiang") == pages
    shapes = {
        "yongqiao": r"/yongqiao/public/column/6596\?type=4&catId=7061&action=list&page=2$",
        "fengxian": r"/fengxian/col/col1234/index\.html\?uid=5678&pageNum=2$",
        "guangzhou": r"/guangzhou/gkmlpt/index\?page=2$",
        "huainan": r"/huainan/xxgk/zdlyxxgk/czzj/bmys/index_1\.html$",
    }
    for portal_id, pattern in shapes.items():
        href = small_mirror.shapes[portal_id].list_href(2)
        assert re.search(pattern, href), href
    assert requests.get(small_mirror.base_url + f"/pingxiang/zwgk/czyjs/index_{n_pages}.html", timeout=5).status_code == 404


def test_links_are_relative_absolute_or_servlet_as_on_the_real_cms(small_mirror: MirrorServer):
    def attachment_hrefs(portal_id: str) -> list[str]:
        hrefs = []
        for posting in small_mirror.postings(portal_id):
            if posting.kind == "document":
                soup = page_soup(requests.get(small_mirror.detail_url(posting), timeout=5))
                hrefs += [a["href"] for a in soup.select("div.attachments a")]
        return hrefs

    assert all(re.fullmatch(r"\./P0\d{20}\.(pdf|docx|xlsx)", h) for h in attachment_hrefs("pingxiang"))
    yongqiao = attachment_hrefs("yongqiao")
    assert yongqiao and all(h.startswith(small_mirror.base_url + "/yongqiao/group1/M00/") for h in yongqiao)
    assert all("%E5" in h and "埇" in unquote(h) for h in yongqiao)  # percent-encoded Chinese name
    fengxian = attachment_hrefs("fengxian")
    assert fengxian and all(h.startswith("/fengxian/module/download/downfile.jsp?classid=0&filename=") for h in fengxian)


def test_fengxian_servlet_hides_the_real_type(small_mirror: MirrorServer):
    magic = {b"%PDF": "pdf", b"PK\x03\x04": "xlsx"}
    documents = [p for p in small_mirror.postings("fengxian") if p.kind == "document"]
    assert len(documents) == 2
    for posting in documents:
        response = requests.get(small_mirror.attachment_url(posting), timeout=5)
        assert response.headers["Content-Type"] == "application/octet-stream"
        assert response.headers["Content-Disposition"].startswith("attachment; filename=")
        assert magic[response.content[:4]] == posting.attachments[0].format


def test_fengxian_servlet_extension_is_wrong_for_some_files(small_mirror: MirrorServer):
    shape = small_mirror.shapes["fengxian"]
    template = next(p for p in small_mirror.postings("fengxian") if p.kind == "document")
    shown = [
        shape.servlet_filename(dataclasses.replace(template, key=f"doc-{i}"), 0).rsplit(".", 1)[1]
        for i in range(20)
    ]
    real = template.attachments[0].format
    assert real in shown and set(shown) - {real}


def test_gbk_portal_sends_no_charset_header_and_gbk_bytes(small_mirror: MirrorServer):
    response = requests.get(small_mirror.portal_url("yongqiao"), timeout=5)
    assert response.headers["Content-Type"] == "text/html"
    assert b'<meta charset="gbk">' in response.content
    with pytest.raises(UnicodeDecodeError):
        response.content.decode("utf-8")
    assert "埇桥区人民政府" in response.content.decode("gbk")
    detail = requests.get(small_mirror.detail_url(small_mirror.postings("yongqiao")[0]), timeout=5)
    assert detail.headers["Content-Type"] == "text/html" and b"charset" not in detail.content
    assert "发布日期：" in detail.content.decode("gbk")


def test_pages_look_like_cms_output(small_mirror: MirrorServer):
    posting = next(p for p in small_mirror.postings("huainan") if p.kind == "document")
    list_html = requests.get(small_mirror.portal_url("huainan"), timeout=5).text
    assert f"<span>{posting.publish_date.isoformat()}</span></li>" in list_html
    assert 'class="position"' in list_html and 'class="footer"' in list_html
    detail = requests.get(small_mirror.detail_url(posting), timeout=5).text
    assert f"发布日期：{posting.publish_date.isoformat()}" in detail
    assert f"{posting.title}.docx</a>" in detail


def test_noise_notices_are_listed_beside_budgets(small_mirror: MirrorServer):
    for portal_id in COUNTY_PORTALS:
        kinds = {p.kind for p in small_mirror.postings(portal_id)}
        assert {"document", "noise"} <= kinds, portal_id
    html_notice = next(p for p in small_mirror.postings("suixi") if p.document_id == "suixi-notice-2024")
    page = requests.get(small_mirror.detail_url(html_notice), timeout=5).text
    assert "各乡镇财政所：请按时报送决算。" in page and 'class="attachments"' not in page


def test_robots_txt_disallows_a_path_the_mirror_links_to(small_mirror: MirrorServer):
    robots = requests.get(small_mirror.base_url + "/robots.txt", timeout=5)
    assert robots.status_code == 200
    assert "Disallow: /pingxiang/zwgk/czyjs/internal/" in robots.text.splitlines()
    hrefs = [a["href"] for page in small_mirror.list_urls("pingxiang")
             for a in page_soup(requests.get(page, timeout=5)).select("ul.list a")]
    assert any(h.startswith("./internal/") for h in hrefs)


def test_postings_after_as_of_are_nowhere_until_as_of_moves(small_mirror: MirrorServer):
    late = next(p for p in small_mirror.site.postings["pingxiang"] if p.publish_date == LATE_DATE)
    detail, attachment = small_mirror.detail_url(late), small_mirror.attachment_url(late)
    listed = lambda: any(late.title in requests.get(u, timeout=5).text for u in small_mirror.list_urls("pingxiang"))  # noqa: E731
    assert small_mirror.as_of == AS_OF
    assert not listed()
    assert requests.get(detail, timeout=5).status_code == 404
    assert requests.get(attachment, timeout=5).status_code == 404

    small_mirror.set_as_of(LATE_DATE)
    assert listed()
    assert requests.get(detail, timeout=5).status_code == 200
    assert requests.get(attachment, timeout=5).status_code == 200


def test_a_portal_can_be_taken_down_and_brought_back(small_mirror: MirrorServer):
    small_mirror.set_portal_down("fengxian", True)
    assert requests.get(small_mirror.portal_url("fengxian"), timeout=5).status_code == 503
    assert requests.get(small_mirror.portal_url("pingxiang"), timeout=5).status_code == 200
    small_mirror.set_portal_down("fengxian", False)
    assert requests.get(small_mirror.portal_url("fengxian"), timeout=5).status_code == 200


def test_request_log_records_every_request(small_mirror: MirrorServer):
    url = small_mirror.portal_url("suixi")
    requests.get(url, timeout=5)
    requests.head(small_mirror.base_url + "/nowhere/", timeout=5)
    path = url.removeprefix(small_mirror.base_url)
    # the handler records a request once its response is sent: the client may read it first
    deadline = time.monotonic() + 5
    while small_mirror.request_log[-1:] != [("HEAD", "/nowhere/", 404)] and time.monotonic() < deadline:
        time.sleep(0.01)
    assert small_mirror.request_log[-2:] == [("GET", path, 200), ("HEAD", "/nowhere/", 404)]


def test_bad_catalogue_entries_are_recorded_and_the_rest_served(small_mirror: MirrorServer):
    problems = "\n".join(small_mirror.problems)
    assert "broken-missing-file" in problems and "not found" in problems
    assert "broken-unknown-portal" in problems and "nowhere" in problems
    assert len(small_mirror.problems) == 2
    assert any(p.document_id for p in small_mirror.postings("pingxiang"))


def test_missing_catalogue_given_explicitly_is_an_error(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="catalogue"):
        MirrorServer(port=0, catalogue=tmp_path / "nope.yml")


def test_listing_is_the_answer_key_of_a_correct_crawl(small_mirror: MirrorServer, crawl_portal):
    rows = published_postings(small_mirror)
    for portal_id in COUNTY_PORTALS:
        crawled = {urlsplit(u).path + (f"?{urlsplit(u).query}" if urlsplit(u).query else "")
                   for u in crawl_portal(small_mirror, portal_id).detail_pages}
        expected = {r["detail_path"] for r in rows if r["portal"] == portal_id and r["kind"] != "disallowed"}
        assert crawled == expected, portal_id
    documents = [r for r in rows if r["kind"] == "document" and r["attachments"]]
    assert len(documents) >= 8
    for row in documents:
        body = requests.get(small_mirror.base_url + row["attachments"][0]["path"], timeout=5).content
        assert hashlib.sha256(body).hexdigest() == row["attachments"][0]["sha256"]


@pytest.mark.parametrize(
    "path",
    [
        "/pingxiang/zwgk/czyjs/index_0.html",
        "/pingxiang/zwgk/czyjs/index_x.html",
        "/yongqiao/public/column/6596?type=4&catId=7061&action=list&page=0",
        "/yongqiao/public/column/6596?type=4&catId=7061&action=list&page=x",
        "/yongqiao/public/column/6596?type=4&catId=9999&action=list",
        "/fengxian/module/download/downfile.jsp?classid=0&filename=1.pdf",
        "/guangzhou/gkmlpt/index?page=999",
        "/%ff%fe/x",
        "/nowhere/index.html",
    ],
)
def test_unknown_urls_are_404_never_a_server_error(small_mirror: MirrorServer, path: str):
    assert requests.get(small_mirror.base_url + path, timeout=5).status_code == 404


def test_head_sends_the_headers_of_get_without_a_body(small_mirror: MirrorServer):
    posting = next(p for p in small_mirror.postings("pingxiang") if p.kind == "document")
    url = small_mirror.attachment_url(posting)
    get, head = requests.get(url, timeout=5), requests.head(url, timeout=5)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == str(len(get.content)) and head.headers["ETag"] == get.headers["ETag"]
