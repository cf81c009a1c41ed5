"""The mirror over the repository corpus: the shared ``mirror`` fixture, the
real Guangzhou PDFs, the generated corpus when it is there, and the CLI."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import requests
import yaml
from mirror_helpers import crawl

from testkit import CORPUS_DIR
from testkit.mirror.server import MirrorServer
from testkit.mirror.site import resolve_document_file

REAL_CATALOGUE = CORPUS_DIR / "real" / "catalogue.yml"
GENERATED_CATALOGUE = CORPUS_DIR / "catalogue.yml"


def _documents(catalogue: Path) -> list[dict]:
    return yaml.safe_load(catalogue.read_text(encoding="utf-8"))["documents"]


def test_fixture_serves_the_repo_corpus_and_exports_its_url(mirror: MirrorServer):
    assert os.environ["COUNTYBUDGET_MIRROR_URL"] == mirror.base_url
    assert mirror.base_url.startswith("http://127.0.0.1:")
    assert mirror.problems == []
    for portal_id in mirror.shapes:
        assert requests.get(mirror.portal_url(portal_id), timeout=5).status_code == 200


def test_real_catalogue_follows_the_contract():
    documents = _documents(REAL_CATALOGUE)
    assert 5 <= len(documents) <= 8
    total = 0
    for entry in documents:
        assert entry["ground_truth"] is None and entry["source"].startswith("../shared/real/005_广州__")
        assert entry["region_code"] == "440100" and entry["postings"]
        total += resolve_document_file(entry["file"], REAL_CATALOGUE).stat().st_size
    assert any(entry["doc_type"] is None for entry in documents), "a non-budget exercises the classifier"
    assert any(len(entry["postings"]) == 2 for entry in documents), "one file is posted twice"
    assert total < 5_000_000


def test_guangzhou_serves_the_committed_real_pdfs(mirror: MirrorServer):
    mirror.set_as_of(date(2026, 12, 31))
    result = crawl(mirror, "guangzhou")
    assert len(result.list_pages) >= 2
    served = {hashlib.sha256(requests.get(url, timeout=10).content).hexdigest() for url in result.attachments}
    expected = {
        hashlib.sha256(resolve_document_file(e["file"], REAL_CATALOGUE).read_bytes()).hexdigest()
        for e in _documents(REAL_CATALOGUE)
    }
    assert expected <= served


@pytest.mark.skipif(not GENERATED_CATALOGUE.exists(), reason="the generated corpus has not landed yet")
def test_every_generated_document_is_listed_and_served(mirror: MirrorServer):
    mirror.set_as_of(date(2100, 1, 1))  # everything published
    attachments: dict[str, str] = {}
    titles: set[str] = set()
    for portal_id in mirror.shapes:
        result = crawl(mirror, portal_id)
        assert set(result.statuses.values()) == {200}, portal_id
        attachments.update(result.attachments)
        titles |= set(result.detail_pages.values())
    served = set()
    for url in attachments:
        try:
            response = requests.get(url, timeout=30)
        except requests.exceptions.ChunkedEncodingError:  # the fault posting that closes mid-download
            continue
        if response.status_code == 200:
            served.add(hashlib.sha256(response.content).hexdigest())
    for entry in _documents(GENERATED_CATALOGUE):
        assert {p["title"] for p in entry["postings"]} <= titles, entry["id"]
        if entry["format"] != "html":
            digest = hashlib.sha256(resolve_document_file(entry["file"], GENERATED_CATALOGUE).read_bytes()).hexdigest()
            assert digest in served, entry["id"]


def test_cli_serves_until_interrupted(tmp_path: Path):
    command = [sys.executable, "-m", "orchestration.cli", "mirror", "serve", "--port", "0", "--as-of", "2024-02-01"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=tmp_path)
    try:
        base_url = process.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:")
        robots = requests.get(base_url + "/robots.txt", timeout=10)
        assert robots.status_code == 200 and "Disallow:" in robots.text
        # as of 2024-02-01 the pingxiang notice of 2024-06-03 is not published yet
        page = requests.get(base_url + "/pingxiang/zwgk/czyjs/index.html", timeout=10).text
        assert "安全生产月" not in page and "2023年政府信息公开工作年度报告" in page
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
