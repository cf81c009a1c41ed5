"""Classification codes of a table's rows: what a code column means, and codes
inferred for tables printed with names only.

Called from ``parsers.tables.interpret_grid`` once a table's rows are read
(one hook, :func:`resolve_codes`). It works on the rows and on what the grid
shows of them, never on a city's layout:

- **Code-column meaning.** A column of digits beside the names is not always
  the classification: income and expenditure summaries keyed by budget unit
  print ``单位编码`` / ``部门代码`` (``309`` 无锡市人力资源和社会保障局, ``309001``
  …（本级）). The column's header says so (单位/部门/机构 + 编码/代码/编号, no
  科目/分类), or its values do (not a well-formed code of the table's
  classification, and the name beside it is no listed name of it). Such a code
  goes to the row's ``unit_code``; its ``code`` is null. A misread function
  code keeps its code (its name is a function name), so the gate still sees it.
- **Name-only tables** (function or economic tables printed without codes,
  the hierarchy shown by indentation or numbering): each row's code is
  inferred from its official name under its parent, using the code lists
  (``countybudget.code_lists``) and the hierarchy — the indentation depth
  (``Grid.indents``) or the numbering (一、/ （一）/ 1.) when printed, else the
  order (a 款 follows its 类, a 项 its 款). Inferred codes carry
  ``code_source: inferred``; a name that is unknown, or that fits several
  codes, keeps ``code: null`` and the table a warning naming it. The inferred
  hierarchy is checked against the table's own sums (parent = Σ children);
  where it does not add up the table says so. In a coded table, a 类 / 款 row
  printed with its name only takes the code its name and the next printed
  code agree on (工资福利支出 above 30101 → 301).

Every printed code gets ``code_source: printed``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from countybudget import code_lists
from countybudget.code_lists import CodeEntry, CodeLists, canonical_name, is_well_formed
from countybudget.table_kinds import TableKind

K = TableKind

# The family of a table's own classification, by kind.
FUNCTION_KINDS = frozenset({
    K.EXPENDITURE_BY_FUNCTION, K.GOVERNMENT_FUND_EXPENDITURE, K.STATE_CAPITAL_EXPENDITURE,
    K.EXPENDITURE_SUMMARY, K.INCOME_SUMMARY,
})
ECONOMIC_KINDS = frozenset({K.BASIC_EXPENDITURE_BY_ECONOMIC, K.OFFICE_OPERATING_EXPENSES})
ECONOMIC_FAMILIES = ("economic_department", "economic_government")

UNIT_HEADER_RE = re.compile(r"(单位|部门|机构)(编码|代码|编号|号)")
CLASS_HEADER_WORDS = ("科目", "分类", "功能", "经济")
TOTAL_RE = re.compile(r"^(合计|总计|小计|本年收入合计|本年支出合计|收入总计|支出总计|.*总计)$")

# numbering printed before a name, and the depth it shows (一、 类; （一） 款; 1. 项)
NUMBERING: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"^[一二三四五六七八九十]+\s*[、.．]\s*"), 0),
    (re.compile(r"^[（(]\s*[一二三四五六七八九十]+\s*[)）]\s*[、.．]?\s*"), 1),
    (re.compile(r"^\d{1,2}\s*[、.．]\s*(?!\d)"), 2),
    (re.compile(r"^[（(]\s*\d{1,2}\s*[)）]\s*"), 2),
)
LEVEL_MARK_RE = re.compile(r"\s*[（(]\s*(类|款|项)\s*[)）]\s*$")
LEVEL_MARKS = {"类": 0, "款": 1, "项": 2}
SUB_ITEM_RE = re.compile(r"^其中\s*[:：]\s*")


def table_families(kind: TableKind) -> tuple[str, ...]:
    if kind in FUNCTION_KINDS:
        return ("function",)
    if kind in ECONOMIC_KINDS:
        return ECONOMIC_FAMILIES
    return ()


def resolve_codes(table: dict, kind: TableKind, name_cells: list[tuple[str | None, float | None]] | None = None,
                  code_header: str | None = None, lists: CodeLists | None = None) -> None:
    """Settle the codes of ``table['rows']`` in place (see the module docstring).

    ``name_cells``: for each body row of the grid, in order, the name as the
    row would carry it and the indent (ems) of its name cell, so rows can be
    matched to what the grid printed; ``code_header``: the header text of the
    code column, when the table has one.
    """
    families = table_families(kind)
    rows = table.get("rows") or []
    lists = lists or code_lists.load()
    if families:
        unit_coded(rows, families, code_header, lists)
    for row in rows:
        if row.get("code") and not row.get("code_source"):
            row["code_source"] = "printed"
    if not families:
        return
    if any(row.get("code") for row in rows):
        fill_parents(rows, families, lists)
        return
    indents = row_indents(rows, name_cells or [])
    warnings = infer_codes(rows, families, indents, lists)
    if warnings:
        table.setdefault("warnings", []).extend(warnings)


def grid_name_cells(grid, n_header: int, label_cols: list[int]) -> list[tuple[str | None, float | None]]:
    """(label text, indent of its first label cell) of each body row of a ``Grid``."""
    out: list[tuple[str | None, float | None]] = []
    indents = grid.indents or []
    for r in range(n_header, len(grid.cells)):
        row = grid.cells[r]
        texts = [(c, (row[c] or "").strip()) for c in label_cols if c < len(row) and row[c] and row[c].strip()]
        indent = None
        if texts and r < len(indents) and texts[0][0] < len(indents[r]):
            indent = indents[r][texts[0][0]]
        out.append(("".join(t for _, t in texts) or None, indent))
    return out


# ------------------------------------------------------------ code columns


def is_unit_header(text: str | None) -> bool:
    """A code column headed 单位编码 / 部门代码 / 单位代码 … (not 科目编码)."""
    t = re.sub(r"\s+", "", text or "")
    return bool(UNIT_HEADER_RE.search(t)) and not any(w in t for w in CLASS_HEADER_WORDS)


def code_column_meaning(header: str | None, codes: Iterable[tuple[str, str | None]], families: tuple[str, ...],
                        lists: CodeLists | None = None) -> str:
    """``unit`` or ``classification`` for a code column, from its header and
    its (code, name) values: a 单位编码 header, or values that are no code of
    the table's classification beside names that are no listed name of it."""
    if is_unit_header(header):
        return "unit"
    lists = lists or code_lists.load()
    values = [(c, n) for c, n in codes if c]
    if values and all(_is_unit_code(c, n, families, lists) for c, n in values):
        return "unit"
    return "classification"


def _is_unit_code(code: str, name: str | None, families: tuple[str, ...], lists: CodeLists) -> bool:
    if not code.isdigit() or any(is_well_formed(code, f) for f in families):
        return False
    return not any(lists.named(name or "", f) for f in families)


def unit_coded(rows: list[dict], families: tuple[str, ...], code_header: str | None, lists: CodeLists) -> None:
    """Rows keyed by budget unit: their digits are a ``unit_code``, not a ``code``."""
    coded = [r for r in rows if r.get("code") and not r.get("code_source")]
    if not coded:
        return
    if code_column_meaning(code_header, ((r["code"], r.get("name")) for r in coded), families, lists) == "unit":
        targets = coded
    else:  # a unit row among classification rows (a sub-unit heading a block of codes)
        targets = [r for r in coded if len(r["code"]) == 6 and _is_unit_code(r["code"], r.get("name"), families, lists)]
    for row in targets:
        row["unit_code"], row["code"] = row["code"], None


def fill_parents(rows: list[dict], families: tuple[str, ...], lists: CodeLists) -> None:
    """In a coded table, a row printed with a name only (a 类 / 款 row whose code
    the table leaves out) takes the listed code of that name that is the
    prefix of the next printed code: name and hierarchy agree, so it is its parent."""
    for i, row in enumerate(rows):
        if row.get("code") or not row.get("name"):
            continue
        following = next((r["code"] for r in rows[i + 1:] if r.get("code") and r.get("code_source") == "printed"), None)
        if following is None:
            continue
        name, _ = name_and_depth(row["name"])
        fits = [e for f in families for e in lists.named(name, f)
                if len(e.code) < len(following) and following.startswith(e.code)]
        if len(fits) == 1:
            row["code"], row["code_source"] = fits[0].code, "inferred"


# ------------------------------------------------------------ name-only tables


def row_indents(rows: list[dict], name_cells: list[tuple[str | None, float | None]]) -> list[float | None]:
    """The indent of each row's name cell: rows are matched in order to the
    grid's body rows by their name (a row is read from one body row, in order)."""
    out: list[float | None] = []
    j = 0
    for row in rows:
        name = canonical_name(row.get("name"))
        found = None
        for k in range(j, len(name_cells)):
            if canonical_name(name_cells[k][0]) == name:
                found = k
                break
        if found is None:
            out.append(None)
            continue
        out.append(name_cells[found][1])
        j = found + 1
    return out


def indent_depths(indents: list[float | None], tolerance: float = 0.5) -> list[int | None]:
    """Indents (ems) → depth 0, 1, 2 …: distinct indents ranked, within ``tolerance``.
    One indent for every row says nothing about the hierarchy (None)."""
    levels: list[float] = []
    for x in sorted(i for i in indents if i is not None):
        if not levels or x - levels[-1] > tolerance:
            levels.append(x)
    if len(levels) < 2:
        return [None] * len(indents)
    out: list[int | None] = []
    for x in indents:
        out.append(None if x is None else min(range(len(levels)), key=lambda k: abs(levels[k] - x)))
    return out


def name_and_depth(name: str) -> tuple[str, int | None]:
    """The name without its numbering or (类)/(款)/(项) mark, and the depth those show."""
    depth = None
    text = SUB_ITEM_RE.sub("", name.strip())
    for pattern, d in NUMBERING:
        m = pattern.match(text)
        if m:
            text, depth = text[m.end():], d
            break
    m = LEVEL_MARK_RE.search(text)
    if m:
        text, depth = text[: m.start()], LEVEL_MARKS[m.group(1)]
    return text.strip(), depth


def _family_for_names(names: list[str], families: tuple[str, ...], lists: CodeLists) -> str | None:
    """The family whose lists know most of the names, if they know enough of them
    (a 类 among them, and at least half): else the table is not by classification."""
    best, best_n = None, 0
    for family in families:
        known = [n for n in names if lists.named(n, family)]
        has_class = any(e.level == "类" for n in names for e in lists.named(n, family))
        if has_class and len(known) * 2 >= len(names) and len(known) > best_n:
            best, best_n = family, len(known)
    return best


def infer_codes(rows: list[dict], families: tuple[str, ...], indents: list[float | None], lists: CodeLists) -> list[str]:
    """Infer the code of each row of a name-only table; returns the table's warnings."""
    items = [(i, *name_and_depth(r["name"])) for i, r in enumerate(rows)
             if r.get("name") and not TOTAL_RE.match(re.sub(r"\s+", "", r["name"]))]
    if not items:
        return []
    family = _family_for_names([n for _, n, _ in items], families, lists)
    if family is None:
        return []
    depths = indent_depths(indents)
    max_depth = 2 if family == "function" else 1
    warnings: list[str] = []
    used: set[str] = set()
    path: list[CodeEntry | None] = []  # the current 类, 款 … (None: a row whose code is unknown)
    for n, (i, name, numbered) in enumerate(items):
        row = rows[i]
        hint = depths[i] if depths[i] is not None else numbered
        entry, problem = _match(name, hint, path, family, lists, max_depth)
        if entry is None and hint in (None, 0) and _heads_a_block(items, n, family, lists):
            # a row above the classification (a budget unit heading its block of
            # 类 / 款 rows): the classification starts again under it
            path, used = [], set()
            continue
        if entry is not None and entry.code in used:
            entry, problem = None, f"name read as {entry.code} a second time"
        if entry is not None:
            used.add(entry.code)
            row["code"], row["code_source"] = entry.code, "inferred"
            depth = (len(entry.code) - 3) // 2
            row["level"] = depth
        else:
            depth = hint if hint is not None else _depth_by_sums(rows, items, n, path, family, lists, max_depth)
            if depth is not None:
                row["level"] = depth
            warnings.append(f"row {row['name']!r} (page {row.get('page')}): {problem}; code left empty")
            if depth is None:
                continue
        path = (path + [None] * depth)[:depth] + [entry]
    return warnings + check_inferred_sums(rows)


def _heads_a_block(items: list, n: int, family: str, lists: CodeLists) -> bool:
    """An unknown row followed by a 类: not a classification entry (a 类's
    children are 款), but a heading above one, such as a budget unit's name."""
    if n + 1 >= len(items):
        return False
    following = items[n + 1]
    return following[2] in (None, 0) and any(e.level == "类" for e in lists.named(following[1], family))


def _depth_by_sums(rows: list[dict], items: list, n: int, path: list[CodeEntry | None], family: str,
                   lists: CodeLists, max_depth: int) -> int | None:
    """Where an unknown row sits, by the table's own identity. Under a 类 only,
    it is a 款; among leaves (项), it is their parent when its total is the
    sum of the rows after it up to the next 类 / 款, else one of the leaves."""
    depth = min(len(path), max_depth)
    if depth < max_depth:
        return depth or None
    total = _amount((rows[items[n][0]].get("amounts") or {}).get("total"))
    parts = []
    for j, name, _ in items[n + 1:]:
        if any(len(e.code) < 3 + 2 * depth for e in lists.named(name, family)):
            break  # a 类 / 款 again: the block under the unknown row ends
        parts.append(_amount((rows[j].get("amounts") or {}).get("total")))
    if total is not None and parts and None not in parts and _adds_up(total, parts):
        return depth - 1
    return depth


def _adds_up(total: Decimal, parts: list[Decimal]) -> bool:
    """Σ parts = total to the printed step, one step of rounding per part."""
    step = Decimal(1).scaleb(min(0, total.as_tuple().exponent))
    return abs(total - sum(parts)) <= step * len(parts)


def _match(name: str, hint: int | None, path: list[CodeEntry | None], family: str, lists: CodeLists,
           max_depth: int) -> tuple[CodeEntry | None, str]:
    """The listed code this name stands for here, or None and why."""
    depths = [hint] if hint is not None else list(range(max_depth, -1, -1))  # deepest first: a child follows its parent
    found: list[CodeEntry] = []
    for depth in depths:
        if depth > max_depth:
            continue
        if depth == 0:
            parent = None
        else:
            if len(path) < depth or path[depth - 1] is None:
                continue
            parent = path[depth - 1].code
        found = [e for e in lists.named(name, family) if e.parent_code == parent and len(e.code) == 3 + 2 * depth]
        if found:
            break
    if len(found) == 1:
        return found[0], ""
    if len(found) > 1:
        return None, f"name fits several codes ({', '.join(e.code for e in found)})"
    everywhere = lists.named(name, family)
    if everywhere:
        codes = ", ".join(sorted(e.code for e in everywhere)[:6])
        return None, f"ambiguous name: listed under other parents ({codes}), not under this row's parent"
    return None, "unknown name: not in the code lists"


def _amount(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value is not None else None
    except InvalidOperation:
        return None


def check_inferred_sums(rows: list[dict]) -> list[str]:
    """Parent = Σ children over the inferred codes, column by column (to the
    printed step, one step per child): a hierarchy that does not add up was
    inferred wrong, or the table breaks its own identity. A parent with a row
    of unknown code under it is not checked (that row is warned about)."""
    warnings = []
    for p, parent in enumerate(rows):
        code = parent.get("code") if parent.get("code_source") == "inferred" else None
        if not code:
            continue
        block = []
        for row in rows[p + 1:]:
            if row.get("code") and len(row["code"]) <= len(code):
                break
            block.append(row)
        if any(not r.get("code") and not TOTAL_RE.match(re.sub(r"\s+", "", r.get("name") or "")) for r in block):
            continue
        children = [r for r in block if len(r["code"]) == len(code) + 2]
        if not children:
            continue
        for key, value in (parent.get("amounts") or {}).items():
            total = _amount(value)
            parts = [_amount((c.get("amounts") or {}).get(key)) for c in children]
            if total is None or all(x is None for x in parts):
                continue
            if not _adds_up(total, [x for x in parts if x is not None]):
                warnings.append(f"inferred code {code} ({parent['name']}): {key} {value} is not the sum of "
                                f"its {len(children)} inferred children; the names may not be where they were read")
                break
    return warnings
