"""What a night must rebuild: the raw layer and the code now, against what the serving copy was built from.

A publish records the *inputs* of the copy it published beside the build
(``<warehouse>.inputs.json``): a digest of every raw file of each document
(name, size, mtime: a re-parse rewrites them, an unchanged document keeps
them) and a digest of the code that turns raw rows into marts (the dbt
project, the GX suites and checkpoint, the identities' vars). The next night
compares:

- nothing changed and the serving copy is there: the night is a **no-op**;
  dbt, GX and publish are skipped and the serving copy stays as it was;
- documents changed (new, re-parsed, gone) and the code did not: GX checks
  **only those documents**; every other document keeps the verdict it has in
  the build's quality tables (when they hold one for it, else it is checked too);
- the code changed, or there is no record: everything is rebuilt and checked.

Stat-based on purpose: reading every raw file's bytes each night would cost
what the rebuild costs; writers replace a document's files whole
(``paths.raw_table_file``), so a changed document always has a new mtime.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from countybudget import identities, paths

_SKIPPED_DIRS = frozenset({"target", "logs", "dbt_packages", "__pycache__", ".user.yml"})
_CODE_SUFFIXES = frozenset({".sql", ".yml", ".yaml", ".csv", ".json", ".py"})


def inputs_path(build: Path | None = None, pending: bool = False) -> Path:
    """The published copy's inputs; ``pending``: those of the build in progress (planned, not yet published)."""
    build = Path(build or paths.warehouse_path())
    return build.with_name(build.name + (".inputs.pending.json" if pending else ".inputs.json"))


def document_digests() -> dict[str, str]:
    """sha256 → digest of that document's raw files (table, size, mtime_ns), for every document in the raw layer."""
    stats: dict[str, list[str]] = {}
    for table in paths.RAW_TABLES:
        directory = paths.raw_table_dir(table)
        if not directory.is_dir():
            continue
        with os.scandir(directory) as entries:
            for entry in entries:
                if not entry.name.endswith(".parquet") or not entry.is_file():
                    continue
                st = entry.stat()
                stats.setdefault(entry.name[: -len(".parquet")], []).append(f"{table}:{st.st_size}:{st.st_mtime_ns}")
    return {sha: hashlib.sha256("|".join(sorted(parts)).encode()).hexdigest()[:24] for sha, parts in sorted(stats.items())}


def _code_files() -> Iterable[Path]:
    from expectations.checkpoint import SUITES_DIR

    roots = [paths.DBT_PROJECT_DIR, SUITES_DIR]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in _CODE_SUFFIXES and not _SKIPPED_DIRS & set(path.relative_to(root).parts):
                yield path
    yield from sorted(paths.EXPECTATIONS_DIR.glob("*.py"))


def code_digest() -> str:
    """Digest of what turns raw rows into checked marts: dbt project, GX suites and checkpoint, identities' vars."""
    digest = hashlib.sha256(json.dumps(identities.dbt_vars(), sort_keys=True, ensure_ascii=False).encode())
    for path in _code_files():
        digest.update(str(path.relative_to(paths.REPO_ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


@dataclass(frozen=True)
class Inputs:
    code: str
    documents: dict[str, str]
    run_id: str | None = None


def current_inputs(run_id: str | None = None) -> Inputs:
    return Inputs(code=code_digest(), documents=document_digests(), run_id=run_id)


def read_published_inputs(build: Path | None = None) -> Inputs | None:
    try:
        body = json.loads(inputs_path(build).read_text(encoding="utf-8"))
        return Inputs(code=body["code"], documents=dict(body["documents"]), run_id=body.get("run_id"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def record_pending_inputs(inputs: Inputs, build: Path | None = None) -> Path:
    """At plan time: the inputs this night's build reads (published by ``promote_pending_inputs``)."""
    target = inputs_path(build, pending=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(asdict(inputs), ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, target)
    return target


def promote_pending_inputs(build: Path | None = None) -> bool:
    """After a publish: the planned inputs become the published copy's (False: no plan recorded)."""
    try:
        os.replace(inputs_path(build, pending=True), inputs_path(build))
    except FileNotFoundError:
        return False
    return True


def forget_published_inputs(build: Path | None = None) -> None:
    """A publish without a plan (by hand): its inputs are unknown, so the next night rebuilds in full."""
    inputs_path(build).unlink(missing_ok=True)


@dataclass(frozen=True)
class NightPlan:
    """What this night rebuilds. ``check_documents`` None: GX checks every document."""

    rebuild: bool
    reason: str
    changed: tuple[str, ...]  # new or re-parsed since the published copy
    removed: tuple[str, ...]
    check_documents: tuple[str, ...] | None
    published_run: str | None

    def to_dict(self) -> dict[str, Any]:
        body = asdict(self)
        body["n_changed"], body["n_removed"] = len(self.changed), len(self.removed)
        return body


def plan_night(now: Inputs, published: Inputs | None, serving_exists: bool,
               checked: Iterable[str] = ()) -> NightPlan:
    """Compare the inputs now with the published ones (``checked``: documents with a verdict in the build)."""
    if published is None or not serving_exists:
        return NightPlan(True, "no published copy recorded: full build and check", tuple(now.documents), (), None, None)
    changed = tuple(sha for sha, digest in now.documents.items() if published.documents.get(sha) != digest)
    removed = tuple(sha for sha in published.documents if sha not in now.documents)
    if published.code != now.code:
        return NightPlan(True, "the models or checks changed since the published copy: full build and check",
                         changed, removed, None, published.run_id)
    if not changed and not removed:
        return NightPlan(False, f"nothing new since run {published.run_id}: no document new, re-parsed or gone; "
                         "dbt, GX and publish skipped, the serving copy is unchanged", (), (), (), published.run_id)
    have_verdict = set(checked)
    unverdicted = [sha for sha in now.documents if sha not in have_verdict and sha not in changed]
    check = tuple(sorted({*changed, *unverdicted}))
    return NightPlan(True, f"{len(changed)} documents new or re-parsed, {len(removed)} gone: GX checks "
                     f"{len(check)} documents, the others keep their verdicts", changed, removed, check,
                     published.run_id)


def documents_with_verdicts(build: Path | None = None) -> set[str]:
    """Documents the build's quality tables hold expectation results for (empty without a build)."""
    import duckdb

    build = Path(build or paths.warehouse_path())
    if not build.exists():
        return set()
    try:
        with duckdb.connect(str(build), read_only=True) as con:
            return {sha for (sha,) in con.execute("select distinct sha256 from quality.expectation_results").fetchall()}
    except duckdb.Error:
        return set()


def plan_from_lake(run_id: str | None = None) -> tuple[NightPlan, Inputs]:
    now = current_inputs(run_id)
    published = read_published_inputs()
    serving = paths.serving_path().exists()
    checked = documents_with_verdicts() if published is not None and serving else ()
    return plan_night(now, published, serving, checked), now
