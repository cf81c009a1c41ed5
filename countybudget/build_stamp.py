"""The build stamp: which steps built the warehouse file that is there now.

Publish must copy a build whose dbt and quality steps all finished and
succeeded, in the nightly order (docs/contracts.md §7), not whatever file is
at ``paths.warehouse_path()``: a dbt killed mid-build leaves a file that opens
and may even have marts. So every step that writes the build records itself in
a stamp beside it (``<warehouse>.stamp.json``):

- when it starts: ``state: running`` (a step killed now leaves it so);
- when it ends: ``state: ok`` with the step appended, or ``state: failed``,
  and the build file's identity (device, inode, size, mtime of the file and
  of its WAL) as the step left it.

A stamp belongs to the file it describes: any write the stamp does not know of
(another process, a copied-in file) changes the identity, and publish refuses.
``dbt build`` of anything but the marts starts a new build (a new ``build_id``);
the quality checkpoint and ``dbt build --select marts`` add to it.

    publishable:  ok, same identity, dbt → quality (whole raw layer) → dbt marts
"""

from __future__ import annotations

import functools
import json
import os
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from countybudget import paths

MARTS = "marts"


class UnpublishableBuild(RuntimeError):
    """The build's stamp does not show a complete, successful, checked build."""


def stamp_path(build: Path | None = None) -> Path:
    build = Path(build or paths.warehouse_path())
    return build.with_name(build.name + ".stamp.json")


def identity(build: Path) -> dict[str, Any] | None:
    """What distinguishes this file from any rewrite of it (None if it does not exist)."""

    def stat(path: Path) -> list[int] | None:
        try:
            st = path.stat()
        except FileNotFoundError:
            return None
        return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns]

    main = stat(build)
    if main is None:
        return None
    return {"file": main, "wal": stat(build.with_name(build.name + ".wal"))}


def read(build: Path | None = None) -> dict[str, Any] | None:
    try:
        return json.loads(stamp_path(build).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write(build: Path, stamp: dict[str, Any]) -> None:
    target = stamp_path(build)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(stamp, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, target)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def builds_marts(step: dict[str, Any]) -> bool:
    if step["step"] != "dbt":
        return False
    select, exclude = step.get("select") or [], step.get("exclude") or []
    return MARTS in select or (not select and MARTS not in exclude)


def marts_only(step: dict[str, Any]) -> bool:
    return step["step"] == "dbt" and bool(step.get("select")) and all(s == MARTS or s.startswith("+snap") for s in step["select"])


def begin(step: dict[str, Any], build: Path | None = None) -> dict[str, Any]:
    """Record that ``step`` started writing the build; returns the running stamp."""
    build = Path(build or paths.warehouse_path())
    current = read(build)
    carried: list[dict[str, Any]] = []
    build_id = None
    if current and current.get("state") == "ok" and current.get("identity") == identity(build):
        carried, build_id = list(current.get("steps") or []), current.get("build_id")
    if step["step"] == "dbt" and not marts_only(step):
        carried, build_id = [], None  # staging from the raw layer again: a new build
    running = {"state": "running", "build_id": build_id or uuid.uuid4().hex, "running": {**step, "started_at": _now(),
               "pid": os.getpid()}, "steps": carried, "identity": None}
    _write(build, running)
    return running


def finish(running: dict[str, Any], ok: bool, build: Path | None = None, error: str | None = None) -> None:
    build = Path(build or paths.warehouse_path())
    step = {**running["running"], "finished_at": _now(), "ok": ok}
    step.pop("pid", None)
    if ok:
        stamp = {"state": "ok", "build_id": running["build_id"], "steps": [*running["steps"], step],
                 "identity": identity(build)}
    else:
        stamp = {"state": "failed", "build_id": running["build_id"], "steps": running["steps"], "failed": step,
                 "error": error, "identity": identity(build)}
    _write(build, stamp)


def recorded(step_of: Callable[..., dict[str, Any]], ok_of: Callable[[Any], bool]):
    """Decorator for a stage function that writes the build: stamp it running, then ok/failed
    (``ok_of`` tells from the function's result, a ``StageResult``, whether the step succeeded)."""

    def wrap(function):
        @functools.wraps(function)
        def stamped(*args, **kwargs):
            running = begin(step_of(*args, **kwargs))
            try:
                result = function(*args, **kwargs)
            except BaseException as exc:
                finish(running, False, error=f"{type(exc).__name__}: {exc}")
                raise
            finish(running, bool(ok_of(result)), error=None if ok_of(result) else "the step reported failure")
            return result

        return stamped

    return wrap


def check_publishable(build: Path) -> dict[str, Any]:
    """The stamp of a build that may be published; raises ``UnpublishableBuild`` saying why not."""
    stamp = read(build)
    if stamp is None:
        raise UnpublishableBuild(
            f"{build} has no build stamp ({stamp_path(build).name}): no dbt build and quality checkpoint "
            f"recorded success for it")
    state = stamp.get("state")
    if state == "running":
        step = stamp.get("running") or {}
        raise UnpublishableBuild(
            f"the build is incomplete: step {step.get('step')!r} started {step.get('started_at')} "
            f"(pid {step.get('pid')}) and never finished (killed or still running)")
    if state != "ok":
        failed = stamp.get("failed") or {}
        raise UnpublishableBuild(f"the last build step ({failed.get('step')!r}) failed: {stamp.get('error')}")
    if stamp.get("identity") != identity(build):
        raise UnpublishableBuild(f"{build} changed after its last recorded step: it is not the build the stamp describes")
    steps = stamp.get("steps") or []
    if any(s.get("skip_tests") for s in steps):
        raise UnpublishableBuild("the build was made without its dbt tests (--skip-tests)")
    if not steps or steps[0]["step"] != "dbt":
        raise UnpublishableBuild("the build did not start with a dbt build of the raw layer")
    quality = [i for i, s in enumerate(steps) if s["step"] == "quality" and not s.get("only")]
    if not quality:
        raise UnpublishableBuild("the quality checkpoint has not checked this build (run countybudget quality)")
    if not any(builds_marts(s) for s in steps[quality[-1] + 1:]):
        raise UnpublishableBuild("the marts were not built after the quality checkpoint "
                                 "(run countybudget build --select marts)")
    return stamp


def rebase(build: Path, stamp: dict[str, Any]) -> None:
    """After a sanctioned rewrite that changes no data (publish's checkpoint), the stamp follows the file."""
    _write(build, {**stamp, "identity": identity(build)})


def _selectors(value: str | list[str] | None) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def dbt_step(select=None, exclude=None, threads=None, skip_tests=False, full_refresh=False,
             delta_documents=None) -> dict[str, Any]:
    """The stamp step of ``orchestration.warehouse.dbt_build`` (same signature)."""
    return {"step": "dbt", "select": _selectors(select), "exclude": _selectors(exclude), "skip_tests": bool(skip_tests),
            "full_refresh": bool(full_refresh),
            "delta_documents": None if delta_documents is None else len(delta_documents)}


def quality_step(only=None, build_docs=True, others_keep_verdicts=False) -> dict[str, Any]:
    """The stamp step of ``expectations.checkpoint.run_quality`` (same signature). A check of ``only``
    some documents covers the build when the others keep verdicts of unchanged data (a night's delta)."""
    return {"step": "quality", "only": only is not None and not others_keep_verdicts,
            "delta": only is not None and bool(others_keep_verdicts)}


def stamp_as_checked(build: Path, note: str = "stamped by hand") -> None:
    """Stamp an existing build as dbt-built, checked and marts-built (tests, and operators who
    verified a build by other means)."""
    now = _now()
    steps = [{"step": "dbt", "exclude": [MARTS], "note": note, "ok": True, "finished_at": now},
             {"step": "quality", "note": note, "ok": True, "finished_at": now},
             {"step": "dbt", "select": [MARTS], "note": note, "ok": True, "finished_at": now}]
    _write(build, {"state": "ok", "build_id": uuid.uuid4().hex, "steps": steps, "identity": identity(build)})
