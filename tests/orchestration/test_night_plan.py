"""What a night rebuilds: nothing when nothing changed, GX on the changed documents only, everything after a code change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from countybudget import build_stamp, paths
from orchestration import delta, pipeline
from orchestration.report import build_run_report, format_summary

RUN = "scheduled__2026-12-03T02:00:00+08:00"


def inputs(code: str = "c1", **documents: str) -> delta.Inputs:
    return delta.Inputs(code=code, documents=dict(documents), run_id="night-1")


def test_nothing_changed_is_a_no_op_night() -> None:
    plan = delta.plan_night(inputs(a="1", b="2"), inputs(a="1", b="2"), serving_exists=True, checked={"a", "b"})
    assert not plan.rebuild and plan.check_documents == () and "nothing new since run night-1" in plan.reason


def test_without_a_serving_copy_or_a_record_everything_is_built_and_checked() -> None:
    for published, serving in ((None, True), (inputs(a="1"), False)):
        plan = delta.plan_night(inputs(a="1"), published, serving_exists=serving)
        assert plan.rebuild and plan.check_documents is None


def test_changed_documents_alone_are_checked_the_others_keep_their_verdicts() -> None:
    now = inputs(a="1", b="2-reparsed", c="3")
    plan = delta.plan_night(now, inputs(a="1", b="2"), serving_exists=True, checked={"a", "b"})
    assert plan.rebuild and plan.changed == ("b", "c") and plan.check_documents == ("b", "c")


def test_an_unchanged_document_without_a_verdict_in_the_build_is_checked_too() -> None:
    plan = delta.plan_night(inputs(a="1", b="2-new"), inputs(a="1"), serving_exists=True, checked=set())
    assert plan.check_documents == ("a", "b")


def test_a_code_change_rebuilds_and_checks_everything() -> None:
    plan = delta.plan_night(inputs("c2", a="1"), inputs("c1", a="1"), serving_exists=True, checked={"a"})
    assert plan.rebuild and plan.check_documents is None and "changed" in plan.reason


def test_a_gone_document_rebuilds() -> None:
    plan = delta.plan_night(inputs(a="1"), inputs(a="1", b="2"), serving_exists=True, checked={"a", "b"})
    assert plan.rebuild and plan.removed == ("b",) and plan.check_documents == ()


def write_raw(sha: str) -> None:
    """A document's raw files as a writer leaves them (empty tables of the raw schemas)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from countybudget.contracts import RAW_SCHEMAS

    for table in paths.RAW_TABLES:
        target = paths.raw_table_file(table, sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist([], schema=RAW_SCHEMAS[table]), target)


def serve_a_copy() -> None:
    """An (empty) serving database, standing for the copy a publish made."""
    import duckdb

    paths.serving_path().parent.mkdir(parents=True, exist_ok=True)
    duckdb.connect(str(paths.serving_path())).close()


def test_a_rewritten_raw_file_changes_its_document_digest_alone(lake: Path) -> None:
    write_raw("a" * 64)
    write_raw("b" * 64)
    before = delta.document_digests()
    target = paths.raw_table_file("amounts", "b" * 64)
    st = target.stat()
    target.write_bytes(target.read_bytes())  # same size: the mtime tells
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    after = delta.document_digests()
    assert set(before) == set(after) == {"a" * 64, "b" * 64}
    assert before["a" * 64] == after["a" * 64] and before["b" * 64] != after["b" * 64]


def test_the_code_digest_is_stable_between_calls() -> None:
    assert delta.code_digest() == delta.code_digest()


def test_a_published_night_then_a_no_op_night_skips_and_the_report_says_so(lake: Path) -> None:
    write_raw("a" * 64)
    assert pipeline.plan_warehouse("night-1") is True  # nothing published yet: rebuild
    serve_a_copy()
    assert delta.promote_pending_inputs()
    assert pipeline.plan_warehouse(RUN) is False
    assert pipeline.planned_check_documents(RUN) == []
    paths.serving_path().unlink()  # the report reads marts of a real copy; this one has none
    report = build_run_report(RUN)
    assert report["warehouse"]["unchanged"] and report["warehouse"]["published_run"] == "night-1"
    summary = format_summary(report)
    assert "nothing to rebuild" in summary and "dbt, GX and publish skipped" in summary


def test_a_delta_check_counts_as_a_check_of_the_build_a_subset_check_does_not() -> None:
    assert build_stamp.quality_step(only=["a"], others_keep_verdicts=True) == {"step": "quality", "only": False,
                                                                              "delta": True}
    assert build_stamp.quality_step(only=["a"])["only"] is True
    assert build_stamp.quality_step()["only"] is False


@pytest.mark.parametrize("published", [False, True])
def test_the_quality_task_checks_what_the_plan_says(lake: Path, published: bool) -> None:
    write_raw("a" * 64)
    pipeline.plan_warehouse("night-1")
    if published:
        serve_a_copy()
        delta.promote_pending_inputs()
        write_raw("b" * 64)
        pipeline.plan_warehouse(RUN)
        assert pipeline.planned_check_documents(RUN) == ["a" * 64, "b" * 64]  # a: no verdict in the (absent) build
    else:
        assert pipeline.planned_check_documents("night-1") is None


def quality_tables() -> dict[str, list[tuple]]:
    import duckdb

    with duckdb.connect(str(paths.warehouse_path()), read_only=True) as con:
        return {
            "documents": sorted(con.execute("select sha256, reasons from quality.quarantined_documents").fetchall()),
            "tables": sorted(con.execute(
                "select sha256, table_index, reasons from quality.quarantined_tables").fetchall()),
            "results": sorted(con.execute(
                "select sha256, suite, expectation, passed, table_index, other_table_index "
                "from quality.expectation_results").fetchall(), key=str),
        }


def test_a_check_in_batches_gives_the_verdicts_of_one_check(lake: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from testkit.scale_corpus import write_scale_corpus

    write_scale_corpus(12)
    one = pipeline.check_quality("one-check")
    whole = quality_tables()
    paths.warehouse_path().unlink()
    monkeypatch.setattr(pipeline, "QUALITY_BATCH_DOCUMENTS", 5)
    batched = pipeline.check_quality("in-batches")
    assert batched["seconds"]["batches"] == 3
    assert quality_tables() == whole and whole["results"]
    assert (batched["documents_checked"], batched["documents_quarantined"]) == (
        one["documents_checked"], one["documents_quarantined"])
