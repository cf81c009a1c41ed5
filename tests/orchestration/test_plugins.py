"""The command line offers the testkit's and the benchmarks' commands only through entry points."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from orchestration import cli, plugins


def test_every_subcommand_is_there_with_the_harness_installed() -> None:
    commands = set(cli.build_parser()._subparsers._group_actions[0].choices)
    assert commands == {"crawl", "parse", "build", "quality", "run", "publish", "cluster", "corpus", "mirror", "eval", "bench"}


def test_the_product_command_line_works_without_the_harness(monkeypatch) -> None:
    """As in the image, where testkit/ and benchmarks/ are not shipped: their entry points are skipped."""
    missing = [
        EntryPoint("testkit", "no_such_testkit.cli:register", plugins.COMMANDS),
        EntryPoint("benchmarks", "no_such_benchmarks.cli:register", plugins.COMMANDS),
    ]
    monkeypatch.setattr(plugins, "entry_points", lambda group: missing if group == plugins.COMMANDS else [])
    commands = set(cli.build_parser()._subparsers._group_actions[0].choices)
    assert commands == {"crawl", "parse", "build", "quality", "run", "publish", "cluster"}
    assert plugins.load(plugins.PORTAL_ENVIRONMENTS) == []


def test_a_broken_extension_is_an_error_not_a_silently_missing_command(monkeypatch) -> None:
    broken = [EntryPoint("testkit", "testkit.no_such_module:register", plugins.COMMANDS)]
    monkeypatch.setattr(plugins, "entry_points", lambda group: broken)
    with pytest.raises(ModuleNotFoundError):
        plugins.load(plugins.COMMANDS)
