"""The crawl manifest (docs/contracts.md §6): one row per fetch attempt, in Parquet.

Rows are first appended to a journal (JSON Lines, fsync-ed, under the crawler
state directory, ``flock``-ed by its writer) and become an immutable Parquet
file under ``paths.manifest_dir()`` when the fetch finishes. A run killed
half-way leaves its journal behind; the next run converts such orphan
journals, so no attempt is ever lost and old Parquet files are never rewritten.

Reading the manifest back gives the crawler's memory: the last good copy of
every URL (for conditional GET and "unchanged"), and the URLs that failed
(retried on the next run simply because they are not yet good).
"""

from __future__ import annotations

import fcntl
import json
import os
import uuid
from collections.abc import Iterable
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from countybudget import paths
from countybudget.contracts import GOOD_OUTCOMES, MANIFEST_COLUMNS, MANIFEST_SCHEMA, OUTCOMES

# The schema and its vocabularies are the contract (docs/contracts.md §6), defined in the core.
SCHEMA = MANIFEST_SCHEMA
COLUMNS = MANIFEST_COLUMNS


def journal_dir() -> Path:
    return paths.crawler_state_dir() / "journal"


def new_run_id(now: datetime | None = None) -> str:
    now = now or datetime.now(timezone.utc)
    return f"crawl-{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def new_attempt_id() -> str:
    return uuid.uuid4().hex


class ManifestWriter:
    """Appends attempts of one fetch (one portal, one run) durably; ``close`` publishes them."""

    def __init__(self, run_id: str, portal_id: str):
        self.run_id = run_id
        self.portal_id = portal_id
        directory = journal_dir()
        directory.mkdir(parents=True, exist_ok=True)
        self.journal_path = directory / f"{run_id}__{portal_id}__{uuid.uuid4().hex[:8]}.jsonl"
        fd = os.open(self.journal_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_APPEND, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._file = os.fdopen(fd, "a", encoding="utf-8")
        self.rows_written = 0

    def append(self, row: dict[str, Any]) -> None:
        unknown = set(row) - set(COLUMNS)
        if unknown:
            raise ValueError(f"not manifest columns: {sorted(unknown)}")
        if row.get("outcome") not in OUTCOMES:
            raise ValueError(f"unknown manifest outcome {row.get('outcome')!r}")
        record = {c: _jsonable(row.get(c)) for c in COLUMNS}
        self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())
        self.rows_written += 1

    def close(self) -> Path | None:
        """Turn the journal into a Parquet file in the manifest; None if nothing was recorded."""
        if self._file.closed:
            return None
        published = publish_journal(self.journal_path)
        self._file.close()  # releases the lock after the journal is gone
        return published

    def __enter__(self) -> ManifestWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _from_journal(record: dict[str, Any]) -> dict[str, Any]:
    row = dict(record)
    if row.get("publish_date"):
        row["publish_date"] = date.fromisoformat(row["publish_date"])
    if row.get("fetched_at"):
        row["fetched_at"] = datetime.fromisoformat(row["fetched_at"])
    return row


def _read_journal(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                rows.append(_from_journal(json.loads(line)))
            except (json.JSONDecodeError, ValueError):
                continue  # the last line of a killed writer may be cut short
    return rows


def write_rows(rows: list[dict[str, Any]], stem: str) -> Path:
    """Write rows as a new Parquet file in the manifest (temporary file, then rename)."""
    target_dir = paths.manifest_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    tmp = paths.crawler_state_dir() / "tmp" / f"{stem}.{uuid.uuid4().hex[:8]}.part"
    tmp.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist([{c: r.get(c) for c in COLUMNS} for r in rows], schema=SCHEMA)
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    with os.fdopen(fd, "wb") as handle:
        fcntl.flock(fd, fcntl.LOCK_EX)  # like landing temp files: an orphan only if we die
        pq.write_table(table, handle)
        handle.flush()
        os.fsync(fd)
        target = target_dir / f"{stem}.parquet"
        os.replace(tmp, target)
    return target


def publish_journal(path: Path) -> Path | None:
    rows = _read_journal(path)
    target = write_rows(rows, path.stem) if rows else None
    path.unlink(missing_ok=True)
    return target


def recover_orphan_journals() -> int:
    """Publish the journals of runs that died; returns how many were recovered."""
    directory = journal_dir()
    if not directory.is_dir():
        return 0
    recovered = 0
    for path in sorted(directory.glob("*.jsonl")):
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue  # its writer is alive
        try:
            publish_journal(path)
            recovered += 1
        finally:
            os.close(fd)
    return recovered


def read_manifest(portal_id: str | None = None) -> pa.Table:
    """Every recorded attempt (optionally of one portal).

    Read file by file with ``ParquetFile``: ``pyarrow.dataset`` would pull in
    pandas, seconds of start-up for every ``countybudget crawl``."""
    directory = paths.manifest_dir()
    files = sorted(directory.glob("*.parquet")) if directory.is_dir() else []
    tables = [pq.ParquetFile(f).read().select(list(COLUMNS)).cast(SCHEMA) for f in files]
    table = pa.concat_tables(tables) if tables else SCHEMA.empty_table()
    if portal_id:
        table = table.filter(pc.equal(table["portal_id"], portal_id))
    return table


def last_good_by_url(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """For each URL, its most recent attempt that left a good copy in landing."""
    best: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["outcome"] not in GOOD_OUTCOMES or not row.get("sha256"):
            continue
        previous = best.get(row["url"])
        if previous is None or row["fetched_at"] >= previous["fetched_at"]:
            best[row["url"]] = row
    return best


def known_copies(portal_id: str | None = None) -> dict[str, dict[str, Any]]:
    return last_good_by_url(read_manifest(portal_id).to_pylist())
