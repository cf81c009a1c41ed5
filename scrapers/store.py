"""Content-addressed, atomic landing of downloaded files.

A download streams into a temporary file under ``<crawler state>/tmp`` (same
file system as ``landing/files``), hashing as it goes; only a complete file is
renamed to ``paths.landing_file(sha256, ext)``. So ``landing/files`` only ever
holds whole files whose name is their SHA-256, and the same bytes posted twice
are stored once.

Each temporary file is ``flock``-ed by the process writing it. A process that
dies (kill -9) releases its locks, so the next run can tell an orphan from a
file still being written by a parallel fetch, and removes only orphans.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from countybudget import paths
from countybudget.sniff import landing_type, sniff_bytes

_SNIFF_PREFIX = 64 * 1024  # enough for PDF/OLE/HTML magic; ZIPs are re-read whole
_EXT_OF_TYPE = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "xls": "xls", "html": "html", "unknown": "bin"}


def tmp_dir() -> Path:
    return paths.crawler_state_dir() / "tmp"


@dataclass(frozen=True)
class Landed:
    sha256: str
    size_bytes: int
    detected_type: str
    path: Path
    already_present: bool  # the same bytes were landed before (a duplicate posting)


class LandingWriter:
    """A sink for ``HttpClient.get`` that lands the body when committed."""

    def __init__(self) -> None:
        directory = tmp_dir()
        directory.mkdir(parents=True, exist_ok=True)
        self.tmp_path = directory / f"{uuid.uuid4().hex}.part"
        fd = os.open(self.tmp_path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released by the kernel if we die
        self._file = os.fdopen(fd, "w+b")
        self._reset_state()

    def _reset_state(self) -> None:
        self._hash = hashlib.sha256()
        self._size = 0
        self._head = bytearray()

    def write(self, chunk: bytes) -> None:
        self._file.write(chunk)
        self._hash.update(chunk)
        self._size += len(chunk)
        if len(self._head) < _SNIFF_PREFIX:
            self._head.extend(chunk[: _SNIFF_PREFIX - len(self._head)])

    def reset(self) -> None:
        """Start over (a retry after a broken download)."""
        self._file.seek(0)
        self._file.truncate()
        self._reset_state()

    def _detect_type(self) -> str:
        # DOCX vs XLSX needs the ZIP directory at the end: the sniffer may read the whole file
        return landing_type(sniff_bytes(bytes(self._head), container=self._file))

    def commit(self) -> Landed:
        """Make the file durable and move it to its content address."""
        self._file.flush()
        os.fsync(self._file.fileno())
        sha256 = self._hash.hexdigest()
        detected = self._detect_type()
        target = paths.landing_file(sha256, _EXT_OF_TYPE[detected])
        present = target.exists()
        if present:
            self.discard()
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.tmp_path, target)  # atomic on one file system
            _fsync_dir(target.parent)
            self._close()
        return Landed(sha256=sha256, size_bytes=self._size, detected_type=detected, path=target, already_present=present)

    def discard(self) -> None:
        self._close()
        self.tmp_path.unlink(missing_ok=True)

    def _close(self) -> None:
        if not self._file.closed:
            self._file.close()

    def __enter__(self) -> LandingWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._file.closed:  # not committed
            self.discard()


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_orphan_tmp_files() -> int:
    """Delete temporary files left by dead processes; returns how many."""
    removed = 0
    directory = tmp_dir()
    if not directory.is_dir():
        return 0
    for path in directory.glob("*.part"):
        if remove_if_unlocked(path):
            removed += 1
    return removed


def remove_if_unlocked(path: Path) -> bool:
    """Remove a file if no live process holds its lock."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return False  # still being written
    try:
        path.unlink(missing_ok=True)
    finally:
        os.close(fd)
    return True


def landing_path_text(path: Path) -> str:
    """A landing path as recorded in the manifest: relative to the data directory."""
    return path.relative_to(paths.data_dir()).as_posix()


def verify_landed_file(path: Path) -> bool:
    """True if a landed file's bytes hash to its name."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest() == path.stem
