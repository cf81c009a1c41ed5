"""A crawl killed with SIGKILL mid-download leaves no partial file in landing,
loses no manifest row, and the next crawl cleans up and completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from countybudget import paths
from scrapers import manifest, store
from testkit.demo import crawler_environment
from testkit.mirror.server import MirrorServer


@pytest.fixture()
def slow_mirror(monkeypatch: pytest.MonkeyPatch):
    # the slow attachment hangs far longer than the crawler's timeout, so the
    # crawler is certainly inside that download when we kill it
    server = MirrorServer(port=0, as_of=date.today(), slow_seconds=30).start()
    for name, value in crawler_environment(server.base_url).items():
        monkeypatch.setenv(name, value)
    try:
        yield server
    finally:
        server.stop()


def _crawl_command() -> list[str]:
    return [sys.executable, "-m", "orchestration.cli", "crawl", "--portal", "guangzhou", "--portal", "suixi"]


def _wait_for_download_in_progress(process: subprocess.Popen, deadline_seconds: float = 120) -> None:
    """Until the crawler is fetching suixi's attachments with a temporary file open."""
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the crawl finished before it could be interrupted"
        journals = list(manifest.journal_dir().glob("*__suixi__*.jsonl")) if manifest.journal_dir().exists() else []
        parts = list(store.tmp_dir().glob("*.part")) if store.tmp_dir().exists() else []
        if journals and parts:
            return
        time.sleep(0.02)
    raise AssertionError("the crawl never reached suixi's downloads")


def _landed_files() -> list[Path]:
    return [p for p in paths.landing_files_dir().rglob("*") if p.is_file()]


def test_kill_9_mid_download_leaves_no_partial_file_and_the_next_crawl_resumes(slow_mirror, lake: Path) -> None:
    process = subprocess.Popen(_crawl_command(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _wait_for_download_in_progress(process)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    # nothing partial in landing: every file there is whole and named by its hash
    landed_before = _landed_files()
    assert landed_before, "guangzhou should have been landed before the kill"
    assert all(store.verify_landed_file(p) for p in landed_before)
    # the interrupted run left its traces outside landing/files only
    assert list(store.tmp_dir().glob("*.part"))
    assert list(manifest.journal_dir().glob("*__suixi__*.jsonl"))
    killed_rows = manifest.read_manifest().to_pylist()
    assert {r["portal_id"] for r in killed_rows} == {"guangzhou"}

    rerun = subprocess.run(_crawl_command(), capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert not list(store.tmp_dir().glob("*.part"))
    assert not list(manifest.journal_dir().glob("*.jsonl"))
    assert all(store.verify_landed_file(p) for p in _landed_files())
    rows = manifest.read_manifest().to_pylist()
    rerun_rows = [r for r in rows if r["run_id"] not in {k["run_id"] for k in killed_rows}]
    # guangzhou was complete before the kill: the rerun downloads none of it again
    assert {r["outcome"] for r in rerun_rows if r["portal_id"] == "guangzhou"} == {"not_modified"}
    # suixi is done now, its slow attachment recorded as a timeout
    suixi = [r for r in rerun_rows if r["portal_id"] == "suixi"]
    assert any(r["outcome"] == "failed" and "timeout" in r["error"] for r in suixi)
