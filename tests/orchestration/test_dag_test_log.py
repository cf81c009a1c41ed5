"""``countybudget run``'s filter of dag.test()'s "No tasks to run": silent while the run moves, heard on a stall."""

from __future__ import annotations

import logging

from orchestration.pipeline_cli import DAG_TEST_LOGGER, TransientNoTasksFilter


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def logger_with(filter_: logging.Filter) -> tuple[logging.Logger, Kept]:
    logger = logging.getLogger(f"{DAG_TEST_LOGGER}.under_test")
    logger.propagate = False
    logger.handlers[:] = []
    logger.filters[:] = []
    kept = Kept()
    logger.addHandler(kept)
    logger.addFilter(filter_)
    return logger, kept


def test_a_skip_propagating_pass_by_pass_is_not_reported() -> None:
    logger, kept = logger_with(TransientNoTasksFilter(stall_passes=3))
    # What a no-op night logs: the unrunnable set shrinks as the skips propagate.
    for unrunnable in ({"dbt_build", "publish", "run_report"}, {"publish", "run_report"}, {"run_report"}):
        logger.warning("No tasks to run. unrunnable tasks: %s", unrunnable)
    assert kept.messages == []


def test_a_stall_is_reported_once_it_repeats_and_every_pass_after() -> None:
    logger, kept = logger_with(TransientNoTasksFilter(stall_passes=3))
    for _ in range(5):
        logger.warning("No tasks to run. unrunnable tasks: %s", {"publish"})
    assert len(kept.messages) == 3 and all("publish" in m for m in kept.messages)


def test_other_records_pass_untouched() -> None:
    logger, kept = logger_with(TransientNoTasksFilter(stall_passes=3))
    logger.warning("Dag run failed")
    logger.error("task %s failed", "parse")
    assert kept.messages == ["Dag run failed", "task parse failed"]
