"""The classification code lists, kept once (the dbt seeds) and read here.

Three classifications (政府收支分类科目, Ministry of Finance):

- ``function``: 支出功能分类, 类 3 digits (201 一般公共服务支出), 款 5 (20103),
  项 7 (2010301 行政运行);
- ``economic_department``: 部门预算支出经济分类, 类 ``30x``/``31x``/``399``,
  款 5 digits (30101 基本工资);
- ``economic_government``: 政府预算支出经济分类, 类 ``50x``/``51x``/``599``,
  款 5 digits (50101 工资奖金津补贴).

The lists are curated from what documents print (``dbt_project/scripts/
curate_code_lists.py``, docs/code-lists.md) and stored as the dbt seeds
``function_classes_curated.csv`` and ``economic_classes_curated.csv``
(``paths.FUNCTION_CODE_LIST`` / ``paths.ECONOMIC_CODE_LIST``). dbt loads them as
seeds; the parser (name-only tables, code-column meaning) and the quality
gate (code checks) read the same files through :func:`load`.

The lists are not complete (an edition has ~1,500 项); what is known beyond
them is the *structure*: the lengths, and which 类 each family has
(:data:`STRUCTURAL_CLASSES`). docs/code-lists.md says how the gate treats a
well-formed code the lists do not hold.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from countybudget import paths
from countybudget.identities import FUNCTION_CLASSES

FAMILIES = ("function", "economic_department", "economic_government")
LEVELS = {3: "类", 5: "款", 7: "项"}

# The 类 each classification has (its structure, not names): a 类 outside
# these is never a code of that family. Function: the 2020s editions' 类
# (countybudget.identities); 政府预算支出经济分类: 501-514 and 599; 部门预算支出
# 经济分类: 301-303, 307, 309-313 and 399.
STRUCTURAL_CLASSES: dict[str, frozenset[str]] = {
    "function": FUNCTION_CLASSES,
    "economic_department": frozenset({"301", "302", "303", "307", "309", "310", "311", "312", "313", "399"}),
    "economic_government": frozenset({*(str(c) for c in range(501, 515)), "599"}),
}

_PART_RE = re.compile(r"^(0[1-9]|[1-9]\d)$")  # a 款 / 项 part: 01-99, never 00


def canonical_name(name: str | None) -> str:
    """A name as compared: NFKC, no whitespace, parentheses written （）, no quotes.
    Documents print both （） and (), full-width and half-width; the meaning is the same."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))
    s = s.replace("(", "（").replace(")", "）")
    return re.sub(r"[\"“”'‘’]", "", s)


def family_of_code(code: str) -> str | None:
    """The family a code's digits place it in (by its 类 and length), or None."""
    if not code.isdigit():
        return None
    if len(code) in (3, 5, 7) and code[0] == "2":
        return "function"
    if len(code) in (3, 5):
        for family in ("economic_department", "economic_government"):
            if code[:3] in STRUCTURAL_CLASSES[family]:
                return family
    return None


def is_well_formed(code: str, family: str) -> bool:
    """Right length for the family, a 类 of the family, 款/项 parts 01-99."""
    lengths = (3, 5, 7) if family == "function" else (3, 5)
    if not code.isdigit() or len(code) not in lengths or code[:3] not in STRUCTURAL_CLASSES[family]:
        return False
    return all(_PART_RE.match(code[i : i + 2]) for i in range(3, len(code), 2))


def parent_code(code: str) -> str | None:
    return code[:-2] if len(code) > 3 else None


@dataclass(frozen=True)
class CodeEntry:
    code: str
    family: str
    level: str  # 类 / 款 / 项
    parent_code: str | None
    name: str  # the official name (canonical form)
    aliases: tuple[str, ...] = ()
    n_documents: int = 0
    first_seen: str | None = None

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass
class CodeLists:
    entries: dict[tuple[str, str], CodeEntry]
    sources: tuple[str, ...] = ()
    _children: dict[tuple[str, str | None], list[CodeEntry]] = field(default_factory=dict, repr=False)
    _by_name: dict[tuple[str, str], list[CodeEntry]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for entry in sorted(self.entries.values(), key=lambda e: e.code):
            self._children.setdefault((entry.family, entry.parent_code), []).append(entry)
            for name in entry.names():
                self._by_name.setdefault((entry.family, canonical_name(name)), []).append(entry)

    def get(self, code: str, family: str | None = None) -> CodeEntry | None:
        family = family or family_of_code(code)
        return self.entries.get((family, code)) if family else None

    def children(self, parent: str | None, family: str = "function") -> list[CodeEntry]:
        """The listed codes directly under ``parent`` (``None``: the 类)."""
        return list(self._children.get((family, parent), ()))

    def named(self, name: str, family: str = "function") -> list[CodeEntry]:
        """Every listed code of the family whose name or an alias is ``name``."""
        return list(self._by_name.get((family, canonical_name(name)), ()))

    def name_matches(self, code: str, name: str, family: str | None = None) -> bool | None:
        """Whether ``name`` is the listed code's name or alias (None: code not listed)."""
        entry = self.get(code, family)
        if entry is None:
            return None
        return canonical_name(name) in {canonical_name(n) for n in entry.names()}


def read_list(path: Path, default_family: str | None = None) -> list[CodeEntry]:
    if not path.exists():
        return []
    entries = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            code = (row.get("code") or "").strip()
            if not code:
                continue
            family = row.get("family") or default_family
            family = f"economic_{family}" if family in ("department", "government") else family
            family = family or family_of_code(code)
            if family not in FAMILIES:
                continue
            aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
            entries.append(
                CodeEntry(
                    code=code,
                    family=family,
                    level=LEVELS.get(len(code), ""),
                    parent_code=(row.get("parent_code") or "").strip() or None,
                    name=canonical_name(row.get("name")),
                    aliases=tuple(canonical_name(a) for a in aliases),
                    n_documents=int(row.get("n_documents_seen") or 0),
                    first_seen=row.get("first_seen") or None,
                )
            )
    return entries


@lru_cache(maxsize=4)
def load(function_path: Path | None = None, economic_path: Path | None = None) -> CodeLists:
    """The code lists from the seeds (cached; pass paths to read other files)."""
    function_path = function_path or paths.FUNCTION_CODE_LIST
    economic_path = economic_path or paths.ECONOMIC_CODE_LIST
    entries: dict[tuple[str, str], CodeEntry] = {}
    for entry in [*read_list(function_path, "function"), *read_list(economic_path)]:
        entries[(entry.family, entry.code)] = entry
    sources = tuple(str(p) for p in (function_path, economic_path) if p.exists())
    return CodeLists(entries, sources)
