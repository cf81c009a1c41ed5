"""The layering of docs/architecture.md, enforced: every import of every module.

Walks the syntax tree (``ast``) of every ``.py`` file of the product (the core
``countybudget/``, the stages ``scrapers/``, ``parsers/``, ``expectations/``,
``orchestration/``, ``dags/``), the test harness (``testkit/``) and the
benchmarks (``benchmarks/``), and checks each import against the rules,
function-level (lazy) imports and ``importlib.import_module("…")`` included:

- the core imports nothing of the project but itself;
- a stage imports the core and itself only (no other stage, no orchestration);
- orchestration imports the core and the stages; ``dags/`` only orchestration;
- nothing of the product imports the testkit or the benchmarks, not even by
  naming a module in a string (they plug in through entry points instead).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from countybudget import paths

ROOT = paths.REPO_ROOT

CORE = "countybudget"
STAGES = ("scrapers", "parsers", "expectations")
ORCHESTRATION = "orchestration"
DAGS = "dags"
TESTKIT = "testkit"
BENCHMARKS = "benchmarks"
PRODUCT = (CORE, *STAGES, ORCHESTRATION, DAGS)
PROJECT = (*PRODUCT, TESTKIT, BENCHMARKS)

# What each part of the project may import (of the project; third-party is free).
ALLOWED: dict[str, frozenset[str]] = {
    CORE: frozenset({CORE}),
    **{stage: frozenset({CORE, stage}) for stage in STAGES},
    ORCHESTRATION: frozenset({CORE, *STAGES, ORCHESTRATION}),
    DAGS: frozenset({ORCHESTRATION}),
    TESTKIT: frozenset({CORE, *STAGES, TESTKIT}),
    BENCHMARKS: frozenset(PROJECT) - {DAGS},
}

# A string naming a module of the harness or the benchmarks ("testkit.cli", "benchmarks.runner:x").
_HARNESS_MODULE_NAME = re.compile(rf"^({TESTKIT}|{BENCHMARKS})(\.\w+)*(:\w+)?$")


@dataclass(frozen=True)
class Import:
    file: Path
    line: int
    module: str  # absolute, dotted
    how: str  # "import", "lazy import" (inside a function), "import_module", "string"

    @property
    def top(self) -> str:
        return self.module.split(".")[0]

    def __str__(self) -> str:
        return f"{self.file.relative_to(ROOT)}:{self.line}: {self.how} {self.module}"


def part_of(file: Path) -> str:
    return file.relative_to(ROOT).parts[0]


def module_name(file: Path) -> str:
    parts = list(file.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(file: Path, module: str | None, level: int) -> str:
    """The absolute module of a (possibly relative) ``from … import``."""
    if level == 0:
        return module or ""
    package = module_name(file).split(".")
    if file.name != "__init__.py":
        package.pop()
    base = package[: len(package) - (level - 1)]
    return ".".join([*base, module] if module else base)


def imports_of(file: Path) -> Iterator[Import]:
    tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    lazy_lines = {id(n) for f in functions for n in ast.walk(f)}
    for node in ast.walk(tree):
        how = "lazy import" if id(node) in lazy_lines else "import"
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(file, node.lineno, alias.name, how)
        elif isinstance(node, ast.ImportFrom):
            yield Import(file, node.lineno, _resolve(file, node.module, node.level), how)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                yield Import(file, node.lineno, node.args[0].value, "import_module")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _HARNESS_MODULE_NAME.match(node.value):
            yield Import(file, node.lineno, node.value.split(":")[0], "string")


def project_files() -> list[Path]:
    files: list[Path] = []
    for part in PROJECT:
        files += sorted((ROOT / part).rglob("*.py"))
    return files


def violations() -> list[str]:
    found = []
    for file in project_files():
        part = part_of(file)
        for imp in imports_of(file):
            if imp.top in PROJECT and imp.top not in ALLOWED[part]:
                found.append(f"{imp}  ({part} may import only {', '.join(sorted(ALLOWED[part]))})")
            elif imp.how == "string" and part in PRODUCT:
                found.append(f"{imp}  (product code must not name the testkit or the benchmarks)")
    return found


def test_every_part_of_the_project_imports_only_what_its_layer_allows() -> None:
    found = violations()
    assert not found, "imports against the layering (docs/architecture.md):\n" + "\n".join(found)


def test_the_walk_sees_every_package_and_every_kind_of_import() -> None:
    files = project_files()
    assert {part_of(f) for f in files} == set(PROJECT)
    for part in set(PROJECT) - {DAGS}:  # regular packages: never namespace packages shadowed by tests/<part>/
        assert (ROOT / part / "__init__.py").is_file(), part
    assert len(files) > 70
    kinds = {imp.how for f in files for imp in imports_of(f)}
    assert {"import", "lazy import"} <= kinds


@pytest.mark.parametrize(
    ("source", "where", "expected"),
    [
        ("def f():\n    from scrapers.api import crawl\n", "parsers/x.py", ["lazy import scrapers.api"]),
        ("import importlib\nimportlib.import_module('expectations.checkpoint')\n", "countybudget/x.py",
         ["import_module expectations.checkpoint"]),
        ("from . import y\n", "scrapers/x.py", ["import scrapers"]),
        ("from ..paths import z\n", "countybudget/sub/x.py", ["import countybudget.paths"]),
        ("MODULES = ('testkit.cli', 'not a module', 'benchmarks.runner:run')\n", "orchestration/x.py",
         ["string testkit.cli", "string benchmarks.runner"]),
    ],
)
def test_the_walker_finds_lazy_relative_and_string_imports(tmp_path: Path, monkeypatch, source: str, where: str,
                                                           expected: list[str]) -> None:
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    file = tmp_path / where
    file.parent.mkdir(parents=True)
    file.write_text(source, encoding="utf-8")
    found = [f"{imp.how} {imp.module}" for imp in imports_of(file) if imp.top in PROJECT]
    assert found == expected


def test_a_forbidden_import_is_reported_with_its_file_and_line(tmp_path: Path, monkeypatch) -> None:
    for part in PROJECT:
        (tmp_path / part).mkdir()
    (tmp_path / "countybudget" / "bad.py").write_text("def f():\n    import parsers.lake\n", encoding="utf-8")
    (tmp_path / "scrapers" / "bad.py").write_text("from orchestration import pipeline\n", encoding="utf-8")
    (tmp_path / "orchestration" / "bad.py").write_text("from testkit.mirror import server\n", encoding="utf-8")
    (tmp_path / "testkit" / "ok.py").write_text("from parsers import lake\n", encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    found = violations()
    assert [v.split("  (")[0] for v in found] == [
        "countybudget/bad.py:2: lazy import parsers.lake",
        "scrapers/bad.py:1: import orchestration",
        "orchestration/bad.py:1: import testkit.mirror",
    ]
