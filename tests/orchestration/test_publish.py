"""Publishing the serving copy: verified, atomic, and never in a reader's way."""

from __future__ import annotations

import json
import time
from pathlib import Path

import duckdb
import pytest

from countybudget import paths
from countybudget.build_stamp import stamp_as_checked
from orchestration.publish import PublishError, publish

from warehouse_builds import make_build


def served_counts(serving: Path) -> dict[str, int]:
    from orchestration.publish import mart_row_counts

    with duckdb.connect(str(serving), read_only=True) as con:
        return mart_row_counts(con)


def leftover_temp_files(serving: Path) -> list[Path]:
    return [p for p in serving.parent.iterdir() if p.name.endswith(".tmp")]


def test_publish_copies_the_build_to_the_default_serving_path(lake: Path) -> None:
    expected = make_build(paths.warehouse_path(), n_amounts=1000)

    result = publish()

    assert paths.serving_path() == lake / "serving" / "countybudget.duckdb"
    assert result.serving_path == str(paths.serving_path())
    assert result.mart_rows == expected
    assert served_counts(paths.serving_path()) == expected
    assert leftover_temp_files(paths.serving_path()) == []


def test_serving_path_is_configurable(lake: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "bi" / "warehouse.duckdb"
    monkeypatch.setenv("COUNTYBUDGET_SERVING", str(elsewhere))
    expected = make_build(paths.warehouse_path(), n_amounts=10)

    publish()

    assert served_counts(elsewhere) == expected


def test_publish_folds_the_write_ahead_log_into_the_copy(lake: Path) -> None:
    build = paths.warehouse_path()
    make_build(build, n_amounts=5)
    # Rows written without a checkpoint may live only in build.wal until the next checkpoint.
    con = duckdb.connect(str(build))
    con.execute("pragma disable_checkpoint_on_shutdown")
    con.execute("insert into marts.fct_amounts select 100 + i, 1.00 from range(7) t(i)")
    con.close()
    stamp_as_checked(build)  # the rows are part of the checked build

    publish()

    assert served_counts(paths.serving_path())["marts.fct_amounts"] == 12


@pytest.mark.parametrize(
    "break_build, reason",
    [
        (lambda build: build.write_bytes(b"not a database"), "does not open"),
        (lambda build: duckdb.connect(str(build)).close(), "no mart tables"),
        (lambda build: make_build(build, n_amounts=0, n_units=0), "empty"),
    ],
    ids=["garbage", "no-marts", "empty-marts"],
)
def test_a_bad_build_is_refused_and_the_serving_copy_is_untouched(lake: Path, break_build, reason: str) -> None:
    build = paths.warehouse_path()
    good = make_build(build, n_amounts=50)
    publish()
    build.unlink()
    break_build(build)

    with pytest.raises(PublishError, match=reason):
        publish()

    assert served_counts(paths.serving_path()) == good
    assert leftover_temp_files(paths.serving_path()) == []


def test_a_build_that_would_empty_a_served_mart_is_refused_unless_allowed(lake: Path) -> None:
    build = paths.warehouse_path()
    good = make_build(build, n_amounts=40)
    publish()
    emptied = make_build(build, n_amounts=0, n_units=3)

    with pytest.raises(PublishError, match="marts.fct_amounts"):
        publish()
    assert served_counts(paths.serving_path()) == good

    publish(allow_emptied=True)
    assert served_counts(paths.serving_path()) == emptied


def test_a_missing_build_is_a_clear_error(lake: Path) -> None:
    with pytest.raises(PublishError, match="no warehouse"):
        publish()


def test_a_reader_in_another_process_only_ever_sees_complete_snapshots(lake: Path, serving_reader) -> None:
    build, serving = paths.warehouse_path(), paths.serving_path()
    snapshots = [make_build(build, n_amounts=100_000)]
    publish()
    reader = serving_reader(serving)
    session = serving_reader(serving, hold=True)
    time.sleep(1.0)  # let the session open the connection it holds across the publishes

    for n in (150_000, 200_000, 120_000, 180_000):
        snapshots.append(make_build(build, n_amounts=n))
        publish()
        time.sleep(0.2)
    seen, held = reader.stop(), session.stop()

    assert seen["errors"] == []
    assert len(seen["observations"]) > 10
    for observed in seen["observations"]:
        assert observed in snapshots, f"reader saw a state that was never published: {json.dumps(observed)}"
    assert seen["observations"][-1] == snapshots[-1]
    assert len({json.dumps(o, sort_keys=True) for o in seen["observations"]}) > 1, "reader never saw a new publish"
    # A connection opened before the publishes keeps reading the file it opened.
    assert held["errors"] == []
    assert held["observations"] and all(o == snapshots[0] for o in held["observations"])
