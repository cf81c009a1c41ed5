"""One crawl of the lake at a time (run-level lock).

Two crawls at once would both download everything (each sees the other's
files only once its manifest journal is published) and race on the page
cache. ``countybudget crawl`` holds the run lock exclusively; a per-portal
fetch (the DAG's mapped tasks, which run side by side) holds it shared and
its portal's lock exclusively. A second crawl either waits (``wait=True``)
or raises ``CrawlInProgress`` saying who holds the lock. Locks are ``flock``s:
the kernel releases them when their holder dies, even by SIGKILL.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from countybudget import paths


class CrawlInProgress(RuntimeError):
    """Another crawl holds the lock and this one was asked not to wait."""


def lock_path(portal_id: str | None = None) -> Path:
    name = "crawl.lock" if portal_id is None else f"crawl-{portal_id}.lock"
    return paths.crawler_state_dir() / "locks" / name


def _holder(path: Path) -> str:
    try:
        text = path.with_suffix(".holder").read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    return f" ({text})" if text else ""


def _acquire(path: Path, mode: int, wait: bool, what: str) -> tuple[int, Path | None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        if not wait:
            os.close(fd)
            raise CrawlInProgress(
                f"another crawl is running{_holder(path)}; this {what} was not started: "
                f"run it again when that one has finished, or pass --wait (lock {path})"
            ) from None
        fcntl.flock(fd, mode)
    if mode != fcntl.LOCK_EX:
        return fd, None
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    holder = path.with_suffix(".holder")
    holder.write_text(f"pid {os.getpid()}, {what} since {started}", encoding="utf-8")
    return fd, holder


@contextmanager
def crawl_lock(portal_id: str | None = None, wait: bool = False) -> Iterator[None]:
    """The whole crawl (``portal_id=None``) or one portal's fetch; see the module docstring."""
    held: list[tuple[int, Path | None]] = []
    try:
        if portal_id is None:
            held.append(_acquire(lock_path(), fcntl.LOCK_EX, wait, "crawl"))
        else:
            held.append(_acquire(lock_path(), fcntl.LOCK_SH, wait, f"fetch of {portal_id}"))
            held.append(_acquire(lock_path(portal_id), fcntl.LOCK_EX, wait, f"fetch of {portal_id}"))
        yield
    finally:
        for fd, holder in reversed(held):
            if holder is not None:
                holder.unlink(missing_ok=True)
            os.close(fd)  # releases the flock
