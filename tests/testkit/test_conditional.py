"""ETag and Last-Modified on every page and attachment; conditional GETs get 304."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import requests
from mirror_helpers import AS_OF, LATE_DATE

from testkit.mirror.server import MirrorServer


def _urls(server: MirrorServer, portal_id: str) -> list[str]:
    urls = list(server.list_urls(portal_id))
    for posting in server.postings(portal_id):
        urls.append(server.detail_url(posting))
        urls += [server.attachment_url(posting, i) for i, a in enumerate(posting.attachments) if not a.fault]
    return urls


def test_every_response_has_validators_and_conditional_gets_are_304(small_mirror: MirrorServer):
    urls = [u for portal_id in ("pingxiang", "yongqiao", "fengxian") for u in _urls(small_mirror, portal_id)]
    assert len(urls) > 20
    for url in urls:
        first = requests.get(url, timeout=5)
        assert first.status_code == 200, url
        etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
        again = requests.get(url, headers={"If-None-Match": etag}, timeout=5)
        assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag, url
        since = requests.get(url, headers={"If-Modified-Since": last_modified}, timeout=5)
        assert since.status_code == 304, url


def test_stale_validators_get_the_full_response(small_mirror: MirrorServer):
    posting = next(p for p in small_mirror.postings("pingxiang") if p.kind == "document")
    url = small_mirror.attachment_url(posting)
    first = requests.get(url, timeout=5)
    day_before = format_datetime(parsedate_to_datetime(first.headers["Last-Modified"]) - timedelta(days=1), usegmt=True)
    assert requests.get(url, headers={"If-Modified-Since": day_before}, timeout=5).status_code == 200
    stale = requests.get(url, headers={"If-None-Match": '"0123abcd"'}, timeout=5)
    assert stale.status_code == 200 and stale.content == first.content
    # If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2)
    both = {"If-None-Match": '"0123abcd"', "If-Modified-Since": first.headers["Last-Modified"]}
    assert requests.get(url, headers=both, timeout=5).status_code == 200


def test_last_modified_is_the_publish_date(small_mirror: MirrorServer):
    posting = next(p for p in small_mirror.postings("huainan") if p.kind == "document")
    for url in (small_mirror.detail_url(posting), small_mirror.attachment_url(posting)):
        stamp = parsedate_to_datetime(requests.get(url, timeout=5).headers["Last-Modified"])
        assert (stamp + timedelta(hours=8)).date() == posting.publish_date  # midnight Beijing time


def test_etags_are_stable_across_restarts(small_catalogue: Path):
    def etags() -> list[str]:
        with MirrorServer(port=0, as_of=AS_OF, catalogue=small_catalogue).start() as server:
            return [requests.get(u, timeout=5).headers["ETag"] for u in _urls(server, "pingxiang")]

    first = etags()
    assert first and first == etags()


def test_a_list_page_changes_validators_when_a_new_posting_appears(small_mirror: MirrorServer):
    url = small_mirror.portal_url("pingxiang")
    before = requests.get(url, timeout=5)
    small_mirror.set_as_of(LATE_DATE)
    after = requests.get(url, headers={"If-None-Match": before.headers["ETag"]}, timeout=5)
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert parsedate_to_datetime(after.headers["Last-Modified"]) > parsedate_to_datetime(before.headers["Last-Modified"])
