"""Parse children never outlive their parent (issue 17, fault 2).

A parent killed with SIGKILL cannot stop its child; the child must end on its
own: the parent-death signal kills it, and a child that finished meanwhile
must not block forever writing its result to a pipe nobody reads.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from testkit import CORPUS_DIR

DOCUMENT = CORPUS_DIR / "documents" / "pingxiang-govoffice-2024-budget.pdf"

# A real `parse_document_safely` of a real budget PDF in a process of its own;
# the record is made larger than a pipe's buffer (64 KiB), so a child whose
# parent is gone blocks on the write unless the pipe breaks or it is killed.
PARENT = textwrap.dedent(
    """
    import sys
    import parsers.safety as safety

    real = safety.parse_document

    def parse_and_grow(*args, **kwargs):
        record = real(*args, **kwargs)
        record["warnings"] = record["warnings"] + [f"{i:06d}" + "x" * 1000 for i in range(300)]
        return record

    safety.parse_document = parse_and_grow
    print("parsing", flush=True)
    safety.parse_document_safely(sys.argv[1])
    """
)


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(c) for c in task.read_text().split()]
    return found


def _alive(pid: int) -> bool:
    """Running or sleeping (a zombie waiting for PID 1 to reap it has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def _start_parent() -> tuple[subprocess.Popen, int]:
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(DOCUMENT)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout.readline().strip() == "parsing"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = _children(parent.pid)
        if children:
            return parent, children[0]
        time.sleep(0.01)
    parent.kill()
    raise AssertionError("the parse child never started")


def test_no_child_survives_its_parent_killed_with_sigkill() -> None:
    parent, child = _start_parent()
    try:
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 20  # the parse itself takes a few seconds on a loaded machine
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(child), f"parse child {child} outlived its parent (killed with SIGKILL)"
    finally:
        if _alive(child):
            os.kill(child, signal.SIGKILL)


def test_the_child_runs_under_a_cpu_time_limit() -> None:
    parent, child = _start_parent()
    try:
        deadline = time.monotonic() + 10  # the child sets its limits first thing after the fork
        while True:
            limits = Path(f"/proc/{child}/limits").read_text()
            cpu = next(line for line in limits.splitlines() if line.startswith("Max cpu time"))
            soft = cpu.split()[3]
            if soft != "unlimited" or time.monotonic() > deadline:
                break
            time.sleep(0.01)
        assert soft != "unlimited", cpu
        # the default wall-time limit (300 s; 1200 s where the OCR engine is installed) plus a
        # margin, never unbounded
        from parsers.safety import ParseLimits

        wall = ParseLimits().timeout_s
        assert wall <= int(soft) <= wall + 100, cpu
    finally:
        parent.kill()
        parent.wait(timeout=10)
        deadline = time.monotonic() + 20
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _alive(child):
            os.kill(child, signal.SIGKILL)
