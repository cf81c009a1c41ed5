"""Publish the serving copy of the warehouse that BI tools read.

DuckDB allows one writer process, so BI tools never open the build file
(``paths.warehouse_path()``): they open ``paths.serving_path()``, which this
module replaces atomically once a run has passed its checks:

1. checkpoint the build, so the whole database is in the one file (no WAL);
2. copy it to a temporary file beside the serving path (same filesystem, so
   the rename below is atomic);
3. open the copy read-only and check the marts are there and have rows;
4. ``os.replace`` the copy over the serving file.

Only a build whose steps all recorded success is published: the build stamp
(``countybudget.build_stamp``) must show dbt → quality checkpoint → dbt marts
on this very file, so a build killed mid-way (or rewritten by anything else)
is refused. Publishes take a lock beside the serving file, and each first
removes staged copies that a killed publish left behind.

A reader that opened the old file keeps reading it (POSIX keeps an unlinked
inode alive while it is open); the next connection sees the new one. Note
that DuckDB shares one database instance per path within a process: a BI
process sees the new copy once it has closed *all* its connections to the
old one (connection pools should recycle after the nightly publish). A reader
never sees a half-written file because the serving path only ever names a
complete, verified database.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from countybudget import build_stamp, paths
from countybudget.results import StageResult

log = logging.getLogger(__name__)

# dbt-duckdb names a custom schema "<target schema>_<schema>" (e.g. main_marts)
# unless the project overrides generate_schema_name; both spellings are marts.
MART_SCHEMA_SUFFIX = "marts"


class PublishError(RuntimeError):
    """The build cannot be published; the serving copy was left untouched."""


def mart_row_counts(con: Any) -> dict[str, int]:
    """Rows per mart table or view, keyed ``schema.table``, on an open DuckDB connection."""
    relations = con.execute(
        """
        select table_schema, table_name
        from information_schema.tables
        where table_catalog = current_database()
          and (table_schema = ? or ends_with(table_schema, ?))
        order by table_schema, table_name
        """,
        [MART_SCHEMA_SUFFIX, f"_{MART_SCHEMA_SUFFIX}"],
    ).fetchall()
    counts: dict[str, int] = {}
    for schema, table in relations:
        (n,) = con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()
        counts[f"{schema}.{table}"] = int(n)
    return counts


def _checkpoint(database: Path) -> None:
    """Fold any write-ahead log into the database file, so copying the file copies everything."""
    import duckdb

    try:
        with duckdb.connect(str(database)) as con:
            con.execute("checkpoint")
    except duckdb.Error as exc:
        raise PublishError(f"{database} does not open as a DuckDB database: {exc}") from exc


def verify_database(database: Path) -> dict[str, int]:
    """Open ``database`` read-only and return its mart row counts; raise if it is not publishable."""
    import duckdb

    try:
        with duckdb.connect(str(database), read_only=True) as con:
            counts = mart_row_counts(con)
    except duckdb.Error as exc:
        raise PublishError(f"{database} does not open as a DuckDB database: {exc}") from exc
    if not counts:
        raise PublishError(f"{database} has no mart tables (no schema named *{MART_SCHEMA_SUFFIX})")
    if sum(counts.values()) == 0:
        raise PublishError(f"every mart in {database} is empty: {sorted(counts)}")
    return counts


# Star-schema tables (dbt naming convention): once they have rows, an empty one
# means a broken upstream stage. Other marts (e.g. the quarantine list) may empty.
STAR_SCHEMA_PREFIXES = ("fct_", "dim_")


def emptied_marts(new: dict[str, int], served: dict[str, int]) -> list[str]:
    """Fact and dimension tables with rows in the served copy that the new build would leave empty or drop."""
    return sorted(
        name
        for name, n in served.items()
        if n > 0 and new.get(name, 0) == 0 and name.split(".")[-1].startswith(STAR_SCHEMA_PREFIXES)
    )


def served_mart_rows(serving: Path) -> dict[str, int]:
    """Mart row counts of the copy BI reads now ({} if there is none or it does not open)."""
    import duckdb

    if not serving.is_file():
        return {}
    try:
        with duckdb.connect(str(serving), read_only=True) as con:
            return mart_row_counts(con)
    except duckdb.Error:
        return {}


@dataclass(frozen=True, kw_only=True)
class PublishResult(StageResult):
    """What was published (a build that cannot be published raises ``PublishError`` instead).

    ``build_id`` is the stamped build that was published (None for an unchecked one);
    ``unchecked`` why the build was not publishable when ``allow_unchecked`` published it anyway;
    ``removed_stale_copies`` the staged copies a killed publish had left."""

    serving_path: str
    build_path: str
    build_id: str | None
    unchecked: str | None
    removed_stale_copies: tuple[str, ...]
    size_bytes: int
    mart_rows: dict[str, int]
    empty_marts: tuple[str, ...]
    published_at: str
    seconds: float


def publish(
    build: Path | None = None, serving: Path | None = None, allow_emptied: bool = False, allow_unchecked: bool = False
) -> PublishResult:
    """Replace the serving database with a verified copy of the build; return what was published.

    A build that would empty a mart BI currently reads is refused (a broken
    upstream stage looks like that) unless ``allow_emptied``. A build whose
    stamp does not show dbt, the quality checkpoint and the marts all finished
    with success on this file is refused unless ``allow_unchecked``.
    """
    build = Path(build or paths.warehouse_path())
    serving = Path(serving or paths.serving_path())
    started = time.perf_counter()
    if not build.is_file():
        raise PublishError(f"no warehouse to publish at {build}")
    serving.parent.mkdir(parents=True, exist_ok=True)
    with _publish_lock(serving):
        removed = remove_stale_staged_copies(serving)
        unchecked: str | None = None
        stamp = None
        try:
            stamp = build_stamp.check_publishable(build)
        except build_stamp.UnpublishableBuild as exc:
            unchecked = str(exc)
            if not allow_unchecked:
                # never touch a build no stamp vouches for; say first what is wrong with the file itself
                # (unless a step is still writing it, or was killed doing so: that is the news)
                if (build_stamp.read(build) or {}).get("state") != "running":
                    verify_database(build)
                raise PublishError(
                    f"{build} is not a checked build: {unchecked} (publish --allow-unchecked to override)") from exc
        _checkpoint(build)
        if stamp is not None:
            build_stamp.rebase(build, stamp)  # the checkpoint rewrote the file, not its data
        counts = _stage_and_replace(build, serving, allow_emptied)
    _fsync_directory(serving.parent)

    result = PublishResult(
        serving_path=str(serving),
        build_path=str(build),
        build_id=stamp.get("build_id") if stamp else None,
        unchecked=unchecked if allow_unchecked else None,
        removed_stale_copies=tuple(removed),
        size_bytes=serving.stat().st_size,
        mart_rows=counts,
        empty_marts=tuple(sorted(name for name, n in counts.items() if n == 0)),
        published_at=datetime.now(timezone.utc).isoformat(),
        seconds=round(time.perf_counter() - started, 3),
    )
    if unchecked and allow_unchecked:
        log.warning("published an unchecked build (%s)", unchecked)
    log.info("published %s (%d marts, %d rows)", serving, len(counts), sum(counts.values()))
    return result


def _stage_and_replace(build: Path, serving: Path, allow_emptied: bool) -> dict[str, int]:
    fd, tmp_name = tempfile.mkstemp(prefix=f".{serving.name}.", suffix=".tmp", dir=serving.parent)
    os.close(fd)
    staged = Path(tmp_name)
    try:
        shutil.copyfile(build, staged)
        counts = verify_database(staged)
        emptied = emptied_marts(counts, served_mart_rows(serving))
        if emptied and not allow_emptied:
            raise PublishError(f"the build would empty marts BI reads now: {', '.join(emptied)} (publish --allow-emptied)")
        os.chmod(staged, 0o644)  # mkstemp makes 0600; BI containers read it as another user
        os.replace(staged, serving)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return counts


def _lock_path(serving: Path) -> Path:
    return serving.with_name(f".{serving.name}.publish.lock")


class _publish_lock:
    """One publish at a time per serving file (a second one waits); the kernel drops it if we die."""

    def __init__(self, serving: Path):
        self.path = _lock_path(serving)

    def __enter__(self) -> None:
        self.fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def remove_stale_staged_copies(serving: Path) -> list[str]:
    """Staged copies a killed publish left (call with the publish lock held: then none is in use)."""
    removed = []
    for staged in serving.parent.glob(f".{serving.name}.*.tmp"):
        try:
            staged.unlink()
        except FileNotFoundError:
            continue
        removed.append(staged.name)
    if removed:
        log.info("removed %d stale staged copies: %s", len(removed), ", ".join(removed))
    return removed


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable across a power cut (the rename itself is already atomic)."""
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _run_publish(args: argparse.Namespace) -> int:
    try:
        result = publish(allow_emptied=args.allow_emptied, allow_unchecked=args.allow_unchecked)
    except PublishError as exc:
        print(f"publish failed: {exc}")
        return 1
    print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    return 0


def register_publish(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("publish", help="atomically replace the serving database with the checked build")
    p.add_argument("--allow-emptied", action="store_true", help="publish even if a mart BI reads would become empty")
    p.add_argument("--allow-unchecked", action="store_true",
                   help="publish a build whose stamp does not show dbt, quality and marts succeeded (logged)")
    p.set_defaults(func=_run_publish)
