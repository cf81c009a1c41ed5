"""Optional extensions, found through package entry points (pyproject.toml).

Product code never imports the test harness (``testkit/``) or the benchmarks
(``benchmarks/``); tests/test_import_graph.py enforces it. They plug in from
outside instead, by entry point:

- ``countybudget.commands``: ``register(subparsers)`` functions adding
  subcommands (the testkit's ``corpus`` and ``mirror``, the benchmarks'
  ``eval`` and ``bench``);
- ``countybudget.portal_environments``: context managers ``(as_of) -> ...``
  inside which ``countybudget run`` runs the DAG (the testkit's mirror, so
  ``make run`` is a demo that needs no network).

An entry point whose package is not installed (the image ships neither) is
skipped: the product works without them.
"""

from __future__ import annotations

import logging
from importlib.metadata import entry_points
from typing import Any

log = logging.getLogger(__name__)

COMMANDS = "countybudget.commands"
PORTAL_ENVIRONMENTS = "countybudget.portal_environments"


def load(group: str) -> list[tuple[str, Any]]:
    """(name, loaded object) of every installed entry point of ``group``, by name."""
    found: dict[str, Any] = {}
    for point in sorted(entry_points(group=group), key=lambda p: p.name):
        if point.name in found:
            continue
        package = point.value.split(":")[0].split(".")[0]
        try:
            found[point.name] = point.load()
        except ModuleNotFoundError as exc:
            if exc.name == package:  # the package is not there at all: not installed
                log.debug("extension %s (%s) is not installed", point.name, point.value)
                continue
            raise  # installed but broken: say so
    return list(found.items())
