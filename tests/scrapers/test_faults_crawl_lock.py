"""Two crawls at once (issue 17, "also"): the second does not download
everything again: it exits with a clear message, or waits with ``--wait`` and
then finds nothing new. Real ``countybudget crawl`` processes against the mirror."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from scrapers.crawl_lock import lock_path

COUNTYBUDGET = str(Path(sys.executable).with_name("countybudget"))


def _start_crawl(*args: str) -> subprocess.Popen:
    return subprocess.Popen([COUNTYBUDGET, "crawl", "--json", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _wait_for_holder() -> str:
    holder = lock_path().with_suffix(".holder")
    deadline = time.monotonic() + 60
    while not holder.exists():
        assert time.monotonic() < deadline, "the first crawl never took the lock"
        time.sleep(0.02)
    return holder.read_text()


def _new_files(out: str) -> int:
    import json

    result = json.loads(out)
    return sum(p["outcomes"]["new"] + p["outcomes"]["duplicate"] for p in result["portals"].values())


def test_a_second_crawl_exits_with_a_clear_message_and_fetches_nothing(lake: Path, mirror) -> None:
    first = _start_crawl()
    try:
        holder = _wait_for_holder()
        second = subprocess.run([COUNTYBUDGET, "crawl"], capture_output=True, text=True, timeout=120)
        assert second.returncode == 3, second.stderr
        assert "another crawl is running" in second.stderr and f"pid {first.pid}" in second.stderr, second.stderr
        assert "--wait" in second.stderr
        assert f"pid {first.pid}" in holder
    finally:
        out, err = first.communicate(timeout=300)
    assert first.returncode in (0, 1), err
    assert _new_files(out) > 0
    assert not lock_path().with_suffix(".holder").exists()


def test_a_second_crawl_with_wait_runs_after_the_first_and_downloads_nothing_again(lake: Path, mirror) -> None:
    first = _start_crawl()
    try:
        _wait_for_holder()
        second = _start_crawl("--wait")
        second_out, second_err = second.communicate(timeout=300)
    finally:
        first_out, first_err = first.communicate(timeout=300)
    assert first.returncode in (0, 1), first_err
    assert second.returncode in (0, 1), second_err
    assert _new_files(first_out) > 0
    assert _new_files(second_out) == 0, "the second crawl downloaded files the first had landed"
