"""Parse one document in a child process with a wall-time and a memory limit.

A hostile or huge PDF can make a parser loop for minutes or allocate without
bound; in the child it can only lose its own process. The child is forked
(cheap: the parser is already imported), caps its address space with
``RLIMIT_AS`` at what it already maps plus the memory budget, parses, and
sends the record back through a pipe. Whatever happens to it (timeout, out of
memory, a crash in native code) the parent returns an error record with the
reason.

Nothing outlives the parent: the child closes its copy of the pipe's read end
(so a write to a parent that is gone fails instead of blocking forever), asks
the kernel for SIGKILL when its parent dies (``PR_SET_PDEATHSIG``, Linux) and
caps its CPU time (``RLIMIT_CPU``), so even a child whose parent was killed
with SIGKILL ends on its own.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math
import multiprocessing
import os
import resource
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterator
from typing import Any

from parsers.document import error_record, file_sha256, parse_document
from parsers.ocr import ocr_available

DEFAULT_TIMEOUT_S = 300.0  # a legitimate 300-page budget parses in well under this
DEFAULT_MEMORY_MB = 1536  # extra address space on top of the interpreter's own
# With the OCR engine installed a scanned page loads onnxruntime and its models
# (about 1 GB of address space) and reads at seconds per page (docs/ocr.md).
OCR_MEMORY_MB = 2560
OCR_TIMEOUT_S = 1200.0


@dataclass
class ParseLimits:
    timeout_s: float = field(default_factory=lambda: OCR_TIMEOUT_S if ocr_available() else DEFAULT_TIMEOUT_S)
    memory_mb: int = field(default_factory=lambda: OCR_MEMORY_MB if ocr_available() else DEFAULT_MEMORY_MB)


@dataclass
class SafeParse:
    """A record plus what the child used (for benchmarks and logs)."""

    record: dict[str, Any]
    seconds: float
    peak_rss_mb: float | None  # the child's maximum resident set size


def parse_document_safely(path: str | Path, sha256: str | None = None, limits: ParseLimits | None = None) -> dict[str, Any]:
    """``parse_document`` in an isolated child; always returns a record."""
    return run_isolated(path, sha256, limits).record


def parse_many(paths: list[Path], jobs: int = 1, limits: ParseLimits | None = None) -> Iterator[SafeParse]:
    """``run_isolated`` on each file, up to ``jobs`` children at once, results in input order.

    Each document still gets its own child with the time and memory limits;
    the threads only wait for their children, so they cost no CPU."""
    if jobs <= 1 or len(paths) <= 1:
        for path in paths:
            yield run_isolated(path, limits=limits)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(lambda p: run_isolated(p, limits=limits), paths)


def default_jobs() -> int:
    """One parse per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def run_isolated(path: str | Path, sha256: str | None = None, limits: ParseLimits | None = None) -> SafeParse:
    limits = limits or ParseLimits()
    path = Path(path)
    source = str(path)
    try:
        sha256 = sha256 or file_sha256(path)
    except OSError as exc:
        return SafeParse(error_record(source, sha256, None, f"cannot read file: {exc.strerror or exc}"), 0.0, None)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child_main,
        args=(sender, receiver, os.getpid(), source, sha256, limits.memory_mb, limits.timeout_s),
        daemon=True,
    )
    started = time.perf_counter()
    child.start()
    sender.close()  # only the child writes; EOF then means the child is gone
    try:
        message = _receive(receiver, child, limits.timeout_s)
    finally:
        receiver.close()
        _stop(child)
    seconds = round(time.perf_counter() - started, 3)
    if message is None:
        reason = _why_child_failed(child, limits, seconds)
        return SafeParse(error_record(source, sha256, None, reason), seconds, None)
    record, peak_rss_mb = message
    return SafeParse(record, seconds, peak_rss_mb)


def _receive(receiver, child, timeout_s: float):
    """The child's message, or None if it timed out or died without one."""
    if not receiver.poll(timeout_s):
        return None
    try:
        return receiver.recv()
    except (EOFError, OSError):
        return None


def _stop(child) -> None:
    child.join(timeout=1)
    if child.is_alive():
        child.kill()
        child.join(timeout=5)


def _why_child_failed(child, limits: ParseLimits, seconds: float) -> str:
    code = child.exitcode
    if code is None or seconds >= limits.timeout_s:
        return f"parse timed out after {limits.timeout_s:g} s (the per-document time limit); the document was skipped"
    if code == -signal.SIGXCPU:
        return (f"the parser used more than its CPU time limit ({_cpu_seconds(limits.timeout_s)} s); "
                f"the document was skipped")
    if code < 0:
        return (f"the parser process was killed by signal {-code} (likely the per-document memory limit of "
                f"{limits.memory_mb} MB, or a crash on malformed input)")
    return f"the parser process exited with code {code} without a result (memory limit {limits.memory_mb} MB)"


def _child_main(sender, receiver, parent_pid: int, source: str, sha256: str, memory_mb: int, timeout_s: float) -> None:
    receiver.close()  # the parent reads; holding this end would make a write to a dead parent block forever
    _die_with_parent(parent_pid)
    _limit_cpu(timeout_s)
    _limit_address_space(memory_mb)
    try:
        record = parse_document(source, sha256=sha256)
    except MemoryError:  # parse_document handles most; allocation can also fail outside it
        record = error_record(source, sha256, None, f"ran out of memory (per-document limit {memory_mb} MB)")
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        sender.send((record, round(peak_rss_mb, 1)))
    except MemoryError:
        sender.send((error_record(source, sha256, None, "result too large to return within the memory limit"), None))
    finally:
        sender.close()
        os._exit(0)  # skip atexit handlers inherited from the parent


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _die_with_parent(parent_pid: int) -> None:
    """Have the kernel SIGKILL this process when its parent dies (Linux); exit now if it already has.

    The kernel's "parent" is the thread that forked: ``run_isolated`` waits for
    the child in that thread, so it outlives the child unless the process dies."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # no prctl: the closed pipe end and the CPU limit still end the child
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os._exit(1)


def _cpu_seconds(timeout_s: float) -> int:
    return max(1, math.ceil(timeout_s)) + 5


def _limit_cpu(timeout_s: float) -> None:
    """CPU seconds: the wall-time limit plus a margin (SIGXCPU at the soft limit, SIGKILL at the hard)."""
    try:
        soft = _cpu_seconds(timeout_s)
        used = math.ceil(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]))  # a forked child starts at ~0
        resource.setrlimit(resource.RLIMIT_CPU, (soft + used, soft + used + 5))
    except (OSError, ValueError):
        pass


def _limit_address_space(memory_mb: int) -> None:
    """Cap the address space at what this process already maps plus ``memory_mb``."""
    try:
        current = _mapped_bytes()
        limit = current + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (OSError, ValueError):  # not Linux or not permitted: run unlimited rather than not at all
        pass


def _mapped_bytes() -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise OSError("VmSize not found")
