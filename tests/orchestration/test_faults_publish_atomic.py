"""Publish replaces the serving file atomically, checked deterministically
(issue 17: the reader test caught an in-place copy only one run in four).

Two facts an in-place copy cannot fake, checked on every publish: the serving
path names a new inode (a rename, not a rewrite), and a reader that held the
old file open still reads exactly the bytes it opened. The same checks run
against an in-place copy publisher, which they must catch every time.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from countybudget import paths
from orchestration.publish import publish

from warehouse_builds import make_build


def _digest_of_fd(fd: int) -> str:
    digest = hashlib.sha256()
    offset = 0
    while chunk := os.pread(fd, 1 << 20, offset):
        digest.update(chunk)
        offset += len(chunk)
    return digest.hexdigest()


def atomicity_violations(do_publish: Callable[[], object], sizes: list[int]) -> list[str]:
    """Publish builds of these sizes in turn; what a reader of the serving file could see go wrong."""
    build, serving = paths.warehouse_path(), paths.serving_path()
    violations: list[str] = []
    for n in sizes:
        before = os.stat(serving)
        held = os.open(serving, os.O_RDONLY)  # a reader that opened the old copy
        try:
            held_digest = _digest_of_fd(held)
            make_build(build, n_amounts=n)
            do_publish()
            after = os.stat(serving)
            if (after.st_dev, after.st_ino) == (before.st_dev, before.st_ino):
                violations.append(f"publish of {n} rows rewrote the serving file in place (same inode)")
            if _digest_of_fd(held) != held_digest:
                violations.append(f"publish of {n} rows changed the bytes under a reader that had the file open")
        finally:
            os.close(held)
        if hashlib.sha256(serving.read_bytes()).hexdigest() == held_digest:
            violations.append(f"publish of {n} rows left the old copy in place")
    return violations


def in_place_copy() -> None:
    """What publish must not be: copy the build over the serving file."""
    shutil.copyfile(paths.warehouse_path(), paths.serving_path())


def test_publish_replaces_the_serving_file_atomically_every_time(lake: Path) -> None:
    make_build(paths.warehouse_path(), n_amounts=1000)
    publish()
    assert atomicity_violations(publish, [20_000, 5_000, 50_000]) == []


def test_the_same_checks_catch_an_in_place_copy_every_time(lake: Path) -> None:
    make_build(paths.warehouse_path(), n_amounts=1000)
    publish()
    for attempt in range(3):
        violations = atomicity_violations(in_place_copy, [20_000 + attempt])
        assert any("same inode" in v for v in violations), violations
        assert any("under a reader" in v for v in violations), violations
