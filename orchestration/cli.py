"""The ``countybudget`` command line.

Each stage owns its subcommands: a module listed in ``COMMAND_MODULES``
exposes ``register(subparsers)``, which adds its parsers and sets
``func(args) -> int`` on each. Registration must stay cheap (no Airflow, dbt
or GX imports at module level) so ``countybudget --help`` is instant.

Commands of the test harness and the benchmarks (``corpus``, ``mirror``,
``eval``, ``bench``) are not listed here: they register themselves through
the ``countybudget.commands`` entry point when installed (``orchestration.plugins``).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from orchestration import plugins

COMMAND_MODULES: tuple[str, ...] = (
    "scrapers.cli",  # crawl
    "parsers.cli",  # parse
    "orchestration.warehouse",  # build (dbt)
    "expectations.cli",  # quality
    "orchestration.pipeline_cli",  # run | publish
    "orchestration.cluster",  # cluster
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="countybudget",
        description="Crawl, parse, model and check Chinese local-government budget disclosures.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
                # that stage is not built yet
                continue
            raise
        module.register(sub)
    for _name, register in plugins.load(plugins.COMMANDS):
        register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 0 if args.command is None else 2
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
