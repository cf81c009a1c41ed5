"""Publish only a checked build, and leave nothing staged behind (issue 17, fault 7).

Real dbt builds of a small generated lake in the nightly order, a real
``countybudget build`` killed with SIGKILL mid-build, then a real
``countybudget publish``: it must refuse (exit 1, saying why) and leave the
serving copy as it was. A publish killed mid-copy leaves a staged file; the
next publish removes it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from countybudget import build_stamp, paths
from orchestration.publish import PublishError, mart_row_counts, publish
from testkit.scale_corpus import write_scale_corpus
from orchestration.warehouse import dbt_build
from expectations.checkpoint import run_quality

from warehouse_builds import make_build

COUNTYBUDGET = str(Path(sys.executable).with_name("countybudget"))


def _served() -> dict[str, int]:
    with duckdb.connect(str(paths.serving_path()), read_only=True) as con:
        return mart_row_counts(con)


def _cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([COUNTYBUDGET, *args], capture_output=True, text=True, timeout=600, **kwargs)


@pytest.fixture(scope="module")
def nightly_lake(tmp_path_factory: pytest.TempPathFactory):
    """A lake built and published once in the nightly order, shared by the tests here."""
    data = tmp_path_factory.mktemp("checked") / "data"
    data.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COUNTYBUDGET_DATA", str(data))
        for name in ("COUNTYBUDGET_WAREHOUSE", "COUNTYBUDGET_SERVING"):
            mp.delenv(name, raising=False)
        write_scale_corpus(30, seed=3)
        assert dbt_build(exclude="marts").ok
        assert run_quality(build_docs=False).ok
        assert dbt_build(select="marts").ok
        first = publish()
        yield data, first


def test_the_nightly_order_is_publishable_and_stamped(nightly_lake) -> None:
    data, first = nightly_lake
    stamp = build_stamp.read(data / "warehouse.duckdb")
    assert stamp["state"] == "ok"
    assert [s["step"] for s in stamp["steps"]] == ["dbt", "quality", "dbt"]
    assert first.build_id == stamp["build_id"]


def test_a_build_killed_mid_way_is_not_published(nightly_lake, monkeypatch: pytest.MonkeyPatch) -> None:
    data, _first = nightly_lake
    monkeypatch.setenv("COUNTYBUDGET_DATA", str(data))
    served_before = _served()
    build = subprocess.Popen([COUNTYBUDGET, "build", "--exclude", "marts"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)  # dbt runs in its group
    try:
        deadline = time.monotonic() + 120
        while (build_stamp.read(data / "warehouse.duckdb") or {}).get("state") != "running":
            assert build.poll() is None and time.monotonic() < deadline, "the build never started"
            time.sleep(0.05)
        time.sleep(3.0)  # dbt is under way
    finally:
        os.killpg(build.pid, signal.SIGKILL)
        build.wait(timeout=30)

    published = _cli("publish")

    assert published.returncode == 1, published.stdout + published.stderr
    assert "incomplete" in published.stdout and "never finished" in published.stdout, published.stdout
    assert _served() == served_before


def test_marts_built_before_the_quality_checkpoint_are_not_published(nightly_lake, monkeypatch) -> None:
    data, _first = nightly_lake
    monkeypatch.setenv("COUNTYBUDGET_DATA", str(data))
    assert _cli("build").returncode == 0  # everything, marts included, but no checkpoint after it

    published = _cli("publish")

    assert published.returncode == 1
    assert "quality checkpoint has not checked this build" in published.stdout, published.stdout
    # the nightly order again: publishable
    assert _cli("quality", "--no-docs").returncode == 0
    assert _cli("build", "--select", "marts").returncode == 0
    assert _cli("publish").returncode == 0


def test_a_build_rewritten_after_its_stamp_is_not_published(lake: Path) -> None:
    build = paths.warehouse_path()
    make_build(build, n_amounts=10)
    with duckdb.connect(str(build)) as con:  # a writer the stamp knows nothing of
        con.execute("insert into marts.fct_amounts select 100 + i, 1.00 from range(7) t(i)")

    with pytest.raises(PublishError, match="changed after its last recorded step"):
        publish()
    assert not paths.serving_path().exists()


def test_a_publish_killed_mid_copy_leaves_a_staged_copy_the_next_one_removes(lake: Path) -> None:
    make_build(paths.warehouse_path(), n_amounts=3_000_000)
    serving_dir = paths.serving_path().parent
    code = ("from orchestration.publish import publish; publish()")
    stale: list[Path] = []
    for _attempt in range(5):  # the copy takes a fraction of a second: catch it staged
        process = subprocess.Popen([sys.executable, "-c", code])
        while process.poll() is None and not stale:
            stale = list(serving_dir.glob(".*.tmp")) if serving_dir.exists() else []
        if stale:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        stale = [p for p in stale if p.exists()]
        if stale and process.returncode == -9:
            break
        stale = []
    if not stale:  # never caught in time: leave one exactly as a killed publish names it
        serving_dir.mkdir(parents=True, exist_ok=True)
        stale = [serving_dir / f".{paths.serving_path().name}.k1ll3d0.tmp"]
        stale[0].write_bytes(os.urandom(1 << 20))

    result = publish()

    assert not any(p.exists() for p in stale)
    assert {p.name for p in stale} <= set(result.removed_stale_copies)
    assert list(serving_dir.glob(".*.tmp")) == []
