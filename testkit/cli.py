"""``countybudget corpus`` and ``countybudget mirror``: the testkit's commands.

Registered through the ``countybudget.commands`` entry point (pyproject.toml,
``orchestration.plugins``), so the product's command line offers them when
the testkit is installed and never imports it itself.
"""

from __future__ import annotations

import argparse

from testkit.corpus import cli as corpus_cli
from testkit.mirror import cli as mirror_cli


def register(sub: argparse._SubParsersAction) -> None:
    corpus_cli.register(sub)
    mirror_cli.register(sub)
