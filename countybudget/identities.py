"""The identities a correct budget disclosure satisfies, and their tolerance, defined once.

Each check takes one document in the parse-output shape of docs/contracts.md
§4 (the corpus ground truth uses the same shape) and returns the violations it
finds; ``check_document`` runs them all. Nothing here reads files. Every
consumer takes its rules from here: the parser evaluation and the corpus
check call the checks; the quality gate (``expectations.batches``) builds its
SQL from ``ROW_TOTAL_RULES``, ``HIERARCHICAL_KINDS``, ``tolerance_sql`` and
``total_row_sql``; dbt receives ``dbt_vars()`` (``orchestration.warehouse``
passes them to every dbt command). The identities (see the shared domain notes):

- ``row_total``: a row's 合计 = 基本支出 + 项目支出 (+ the other component columns).
- ``parent_sum``: a parent code = the sum of its children, at every level.
- ``class_sum``: the 类 rows of a coded table sum to the table's total row.
- ``summary_items_sum``: in each half of a two-sided summary (收支总表,
  财政拨款收支总表) the level-0 items add up to 本年收入合计 / 本年支出合计,
  and that subtotal plus the carry-over lines to 收入总计 / 支出总计
  (``summary_half_sums``).
- ``income_equals_expenditure``: 收入总计 = 支出总计, and 本年收入合计 +
  上年结转 = 本年支出合计 + 年终结转结余 (the two subtotals alone differ by
  whatever the carry-overs move between years).
- ``basic_function_equals_economic``: 基本支出 by function = 基本支出 by economic
  class (= 人员经费 + 公用经费, which ``row_total`` checks).
- ``three_public_sum``: “三公”经费 = 因公出国（境）费 + 公务用车购置费 +
  公务用车运行维护费 + 公务接待费.
- ``function_code``: function codes are 3/5/7 digits under a known 类.
- ``unit_label``: two figures that must be equal differ by exactly 10000, i.e.
  one table is in 元 under a 万元 label (or the reverse).

The tolerance rule (``rounding_tolerance``): every printed figure is off its
exact value by up to ``ROUNDING_SHARE`` (half) of the step it is printed at, so
a sum of n rounded terms may differ from its rounded total by n × half a step,
and two figures of different tables that must be equal by one step (two
rounded figures, in the coarser table's step).

The total row (``is_total_row``): the row of a table with no code and no 三公
item whose name contains one of ``TOTAL_ROW_MARKERS`` (合计 / 总计).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from countybudget.money import CENT, UNIT_FACTORS, parse_amount
from countybudget.table_kinds import TableKind

Doc = Mapping[str, Any]
Table = Mapping[str, Any]
Row = Mapping[str, Any]

IDENTITIES: tuple[str, ...] = (
    "row_total",
    "parent_sum",
    "class_sum",
    "summary_items_sum",
    "income_equals_expenditure",
    "basic_function_equals_economic",
    "three_public_sum",
    "function_code",
    "unit_label",
)

# Which corpus defect kind (docs/contracts.md §3) shows up as which identity.
DEFECT_IDENTITY: dict[str, str] = {
    "parent_not_sum_of_children": "parent_sum",
    "invalid_function_code": "function_code",
    "unit_mislabelled": "unit_label",
}

# total column = sum of these component columns, per table kind. A part that
# is itself the total of another rule of the kind is a group: where a table
# prints the group column it is summed as one part (its own rule checks its
# parts, so nothing is summed twice); where it prints only the parts, the parts
# are summed instead (``row_total_rules``). Income tables: 本年收入小计 = 财政拨款
# + the other sources, 财政拨款 = 一般公共预算 + 政府性基金 + 国有资本经营, and
# 合计 = the sources + 上年结转 — checked against the sources rather than 小计, so
# a wrong 小计 fails its own rule only; many tables (e.g. Guangzhou's) print no
# 小计 column anyway.
_FISCAL_PARTS = ("general_budget", "government_fund", "state_capital")
_INCOME_SOURCES = (
    "fiscal_appropriation",
    "fiscal_special_account",
    "business",
    "operating",
    "superior_subsidy",
    "subordinate_remittance",
    "other",
)
# 财政拨款 = its three budgets; 单位资金 = the unit's own sources; 合计 = 财政拨款 +
# 财政专户 + 单位资金 + 上年结转. Tables that print the parts without their group
# (no 财政拨款 小计 column) are checked against the parts: see ``row_total_rules``.
_FUNDING_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("total", ("fiscal_appropriation", "fiscal_special_account", "unit_funds", "carryover")),
    ("fiscal_appropriation", ("general_budget", "government_fund", "state_capital")),
    ("unit_funds", ("business", "operating", "superior_subsidy", "subordinate_remittance", "other")),
)
# 合计 = 基本支出 + 项目支出, 基本支出 = 人员经费 + 公用经费.
_EXPENDITURE_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("total", ("basic", "project")),
    ("basic", ("personnel", "public")),
)
ROW_TOTAL_RULES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    TableKind.EXPENDITURE_BY_FUNCTION.value: _EXPENDITURE_RULES,
    TableKind.GOVERNMENT_FUND_EXPENDITURE.value: _EXPENDITURE_RULES,
    TableKind.STATE_CAPITAL_EXPENDITURE.value: _EXPENDITURE_RULES,
    TableKind.EXPENDITURE_BY_ECONOMIC.value: _EXPENDITURE_RULES,
    TableKind.EXPENDITURE_SUMMARY.value: (
        (
            "total",
            ("basic", "project", "operating", "remittance_to_superior", "subsidy_to_subordinate"),
        ),
    ),
    TableKind.BASIC_EXPENDITURE_BY_ECONOMIC.value: (("total", ("personnel", "public")), *_FUNDING_RULES),
    TableKind.INCOME_SUMMARY.value: (
        ("current_year_subtotal", _INCOME_SOURCES),
        ("total", (*_INCOME_SOURCES, "carryover")),
        ("fiscal_appropriation", _FISCAL_PARTS),
    ),
    TableKind.PROJECT_EXPENDITURE.value: _FUNDING_RULES,
    TableKind.GOVERNMENT_PROCUREMENT.value: (("total", ("goods", "works", "services")), *_FUNDING_RULES),
    TableKind.FISCAL_APPROPRIATION_SUMMARY.value: (
        ("total", ("general_budget", "government_fund", "state_capital")),
    ),
    # an item's figure = its figure by source, where printed by source
    TableKind.THREE_PUBLIC_EXPENSES.value: (("amount", ("general_budget", "government_fund", "state_capital")),),
    # the expenditure half of a 收支总表 printing 合计 | 人员经费 | 公用经费 | 项目支出
    TableKind.INCOME_EXPENDITURE_SUMMARY.value: (
        ("amount", ("basic", "project")),
        ("basic", ("personnel", "public")),
    ),
}


def row_total_rules(kind: str, columns: Iterable[str]) -> list[tuple[str, tuple[str, ...]]]:
    """The rules of ``ROW_TOTAL_RULES[kind]`` as they apply to a table printing
    ``columns``: (total key, the part keys it prints).

    A part the table does not print but whose own parts it does (人员经费 |
    公用经费 without a 基本支出 column; 一般公共预算 | 政府性基金 without a 财政拨款
    小计) is replaced by those parts, so the table is checked against what it
    prints. A rule whose total or every part is missing does not apply.
    """
    rules = ROW_TOTAL_RULES.get(kind, ())
    printed = set(columns)
    groups: dict[str, tuple[str, ...]] = {}
    for total, parts in rules:
        groups.setdefault(total, parts)

    def expand(part: str, seen: frozenset[str]) -> list[str]:
        if part in printed:
            return [part]
        if part not in groups or part in seen:
            return []
        return [q for p in groups[part] for q in expand(p, seen | {part})]

    resolved: list[tuple[str, tuple[str, ...]]] = []
    for total, parts in rules:
        if total not in printed:
            continue
        present = tuple(dict.fromkeys(q for p in parts for q in expand(p, frozenset({total}))))
        if present and (total, present) not in resolved:
            resolved.append((total, present))
    return resolved


# Tables whose rows carry classification codes that form a hierarchy.
FUNCTION_CODED_KINDS: frozenset[str] = frozenset(
    {
        TableKind.EXPENDITURE_BY_FUNCTION.value,
        TableKind.GOVERNMENT_FUND_EXPENDITURE.value,
        TableKind.STATE_CAPITAL_EXPENDITURE.value,
        TableKind.EXPENDITURE_SUMMARY.value,
        TableKind.INCOME_SUMMARY.value,
    }
)
ECONOMIC_CODED_KINDS: frozenset[str] = frozenset(
    {TableKind.BASIC_EXPENDITURE_BY_ECONOMIC.value, TableKind.EXPENDITURE_BY_ECONOMIC.value,
     TableKind.OFFICE_OPERATING_EXPENSES.value}
)
HIERARCHICAL_KINDS: frozenset[str] = FUNCTION_CODED_KINDS | ECONOMIC_CODED_KINDS

# 类 of the expenditure function classification (政府收支分类科目, 2020s editions).
FUNCTION_CLASSES: frozenset[str] = frozenset(
    str(c)
    for c in (
        *range(201, 205),  # 一般公共服务 外交 国防 公共安全
        *range(205, 216),  # 教育 … 资源勘探工业信息
        *range(216, 218),  # 商业服务业 金融
        219, 220, 221, 222, 223, 224, 227, 229, 230, 231, 232, 233, 234,  # 223 国有资本经营预算支出
    )
)
FUNCTION_CODE_LENGTHS = (3, 5, 7)

THREE_PUBLIC_PARTS = ("overseas", "vehicle_purchase", "vehicle_operation", "reception")

# ---------------------------------------------------------------- the rules every consumer shares

# The share of its printed step a rounded figure may be off by: half.
ROUNDING_SHARE = Decimal("0.5")
# Two figures of different tables that must be equal: both were rounded.
CROSS_TABLE_TERMS = 2
# What the name of a table's total row contains.
TOTAL_ROW_MARKERS: tuple[str, ...] = ("合计", "总计")
_SPACES = (" ", "\u3000")  # ASCII and ideographic spaces, which tables print inside names


def rounding_tolerance(n_terms: int, step: Decimal = CENT) -> Decimal:
    """How far a sum of ``n_terms`` figures, each rounded to ``step``, may be
    from its rounded total: n × half a step (at least one term)."""
    return step * ROUNDING_SHARE * max(n_terms, 1)


def tolerance_sql(n_terms: str, step: str) -> str:
    """``rounding_tolerance`` as a SQL expression over the columns/expressions given."""
    return f"({n_terms}) * ({step}) * {ROUNDING_SHARE}"


def _compact_name(name: object) -> str:
    text = str(name or "")
    for space in _SPACES:
        text = text.replace(space, "")
    return text


def total_row_sql(code: str = "code", item: str | None = "item", name: str = "name") -> str:
    """``is_total_row`` as a SQL predicate over the columns given (``item=None``: no item column)."""
    compact = name
    for space in _SPACES:
        compact = f"replace({compact}, '{space}', '')"
    markers = " OR ".join(f"strpos({compact}, '{marker}') > 0" for marker in TOTAL_ROW_MARKERS)
    no_item = f" AND {item} IS NULL" if item else ""
    return f"({code} IS NULL{no_item} AND ({markers}))"


def dbt_vars() -> dict[str, Any]:
    """The rules the dbt project uses, as dbt vars (defaults in dbt_project.yml)."""
    return {
        # per printed figure, in the table's unit (dbt knows figures to the cent only)
        "rounding_tolerance_per_figure": str(rounding_tolerance(1, CENT)),
        "total_row_markers": list(TOTAL_ROW_MARKERS),
    }


@dataclass(frozen=True)
class Violation:
    """One identity that does not hold: where, and the two figures that disagree."""

    identity: str
    document: str
    table: str | None  # "<index>:<kind>" of the (first) table involved
    code: str | None  # classification code, item key or row name
    column: str | None
    expected: str | None  # what the identity says the figure should be
    actual: str | None  # the figure as printed
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------- helpers


def document_id(doc: Doc) -> str:
    return str(doc.get("id") or doc.get("source") or doc.get("sha256") or "?")


def table_ref(index: int, table: Table) -> str:
    return f"{index}:{table.get('kind')}"


def amount(row: Row, column: str) -> Decimal | None:
    """The figure in ``column``; None when blank or not a number (a parser's
    stray text must not stop the other checks)."""
    text = (row.get("amounts") or {}).get(column)
    if text is None:
        return None
    try:
        return parse_amount(str(text))
    except ValueError:
        return None


def decimal_places(values: Iterable[Decimal | None]) -> int:
    """The finest step printed among these figures (2 for 12.30, 0 for 1230)."""
    places = [-v.as_tuple().exponent for v in values if v is not None]
    return max([p for p in places if isinstance(p, int)] or [2])


def tolerance(n_terms: int, figures: Iterable[Decimal | None]) -> Decimal:
    step = Decimal(1).scaleb(-decimal_places(figures))
    return rounding_tolerance(n_terms, step)


def sum_present(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def sum_beyond_rounding(figure: Decimal, parts: list[Decimal | None]) -> Decimal | None:
    """The sum of ``parts`` if it differs from ``figure`` by more than their
    rounding allows (n terms × half the printed step), else None."""
    computed = sum_present(parts)
    return computed if abs(computed - figure) > tolerance(len(parts), [figure, *parts]) else None


def is_total_row(row: Row) -> bool:
    """The table's total row: no code, no 三公 item and a name like 合计 / 总计."""
    name = _compact_name(row.get("name"))
    return not row.get("code") and not row.get("item") and any(marker in name for marker in TOTAL_ROW_MARKERS)


def amount_tables(doc: Doc, kind: str) -> list[tuple[int, Table]]:
    return [(i, t) for i, t in enumerate(doc.get("tables") or []) if t.get("kind") == kind]


def in_yuan(value: Decimal, unit: str | None) -> Decimal:
    return value * UNIT_FACTORS.get(unit or "万元", Decimal(1))


def _unit_suspect(a: Decimal, b: Decimal) -> bool:
    """a and b (both already converted to yuan) differ by a factor of 10000."""
    return a != 0 and b != 0 and (a == b * 10000 or b == a * 10000)


# ---------------------------------------------------------------- checks


def check_row_totals(doc: Doc) -> list[Violation]:
    """合计 = 基本支出 + 项目支出 (+ …) on every row that prints both sides."""
    found: list[Violation] = []
    for index, table in enumerate(doc.get("tables") or []):
        rules = row_total_rules(str(table.get("kind")), table.get("columns") or ())
        for row in table.get("rows") or ():
            for total_key, present in rules:
                total = amount(row, total_key)
                values = [amount(row, p) for p in present]
                if total is None or all(v is None for v in values):
                    continue
                computed = sum_beyond_rounding(total, values)
                if computed is not None:
                    found.append(
                        Violation(
                            "row_total", document_id(doc), table_ref(index, table),
                            row.get("code") or row.get("item") or row.get("name"), total_key,
                            str(computed), str(total),
                            f"{total_key} {total} != {' + '.join(present)} = {computed}",
                        )
                    )
    return found


def coded_rows(table: Table) -> list[Row]:
    return [r for r in table.get("rows") or () if r.get("code")]


def sum_by_code(rows: Iterable[Row], column: str) -> dict[str, Decimal | None]:
    """Rows with the same code (e.g. one per sub-unit) count together."""
    totals: dict[str, list[Decimal | None]] = defaultdict(list)
    for row in rows:
        totals[str(row["code"])].append(amount(row, column))
    return {
        code: (None if all(v is None for v in vals) else sum_present(vals))
        for code, vals in totals.items()
    }


def children_of(parent: str, codes: Iterable[str]) -> list[str]:
    """The next level of codes below ``parent`` that the table prints.

    Usually 类 → 款 → 项; when a table skips a level (类 then 项 directly), the
    shortest descendants present are the children.
    """
    descendants = [c for c in codes if len(c) > len(parent) and c.startswith(parent)]
    if not descendants:
        return []
    next_len = min(len(c) for c in descendants)
    return [c for c in descendants if len(c) == next_len]


def unit_blocks(table: Table) -> list[list[Row]]:
    """The table's rows cut at each unit row over function rows (a row with no
    code and role ``subtotal``): a table keyed by unit and function holds one
    code hierarchy per unit. One block for every other table."""
    blocks: list[list[Row]] = [[]]
    for row in table.get("rows") or ():
        if not row.get("code") and row.get("role") == "subtotal":
            blocks.append([])
        blocks[-1].append(row)
    return [b for b in blocks if b]


def check_parent_sums(doc: Doc) -> list[Violation]:
    found: list[Violation] = []
    for index, table in enumerate(doc.get("tables") or []):
        if table.get("kind") not in HIERARCHICAL_KINDS:
            continue
        for block in unit_blocks(table):
            found += _parent_sums_in(doc, index, table, block)
    return found


def _parent_sums_in(doc: Doc, index: int, table: Table, block: list[Row]) -> list[Violation]:
    found: list[Violation] = []
    rows = [r for r in block if r.get("code")]
    for column in table.get("columns") or ():
        by_code = sum_by_code(rows, column)
        for parent, parent_value in by_code.items():
            kids = children_of(parent, by_code)
            if not kids or parent_value is None:
                continue
            # each printed child row is a rounded term (a code printed once per sub-unit
            # is several), so the tolerance counts rows, not codes
            kid_values: list[Decimal | None] = []
            for kid in kids:
                printed = [v for r in rows if str(r["code"]) == kid if (v := amount(r, column)) is not None]
                kid_values.extend(printed or [None])  # a child blank in this column still counts
            computed = sum_beyond_rounding(parent_value, kid_values)
            if computed is not None:
                found.append(
                    Violation(
                        "parent_sum", document_id(doc), table_ref(index, table), parent, column,
                        str(computed), str(parent_value),
                        f"{parent} = {parent_value} but its children {', '.join(kids)} sum to {computed}",
                    )
                )
    return found


def check_class_sums(doc: Doc) -> list[Violation]:
    """The top-level (3-digit) rows of a coded table add up to its total row."""
    found: list[Violation] = []
    for index, table in enumerate(doc.get("tables") or []):
        if table.get("kind") not in HIERARCHICAL_KINDS:
            continue
        total_rows = [r for r in table.get("rows") or () if is_total_row(r)]
        class_rows = [r for r in coded_rows(table) if len(str(r["code"])) == 3]
        if len(total_rows) != 1 or not class_rows:
            continue
        for column in table.get("columns") or ():
            total = amount(total_rows[0], column)
            values = [amount(r, column) for r in class_rows]
            if total is None:
                continue
            computed = sum_beyond_rounding(total, values)
            if computed is not None:
                found.append(
                    Violation(
                        "class_sum", document_id(doc), table_ref(index, table), None, column,
                        str(computed), str(total),
                        f"total {total} != sum of 类 rows {computed}",
                    )
                )
    return found


# ------------------------------------------------ summary halves
#
# A half of a two-sided summary, top to bottom: items (一、… with sub-lines),
# 本年收入合计 (subtotal), carry-over items (上年结转 …), 收入总计 (total). With
# the parser's row ``role`` / ``level`` (docs/contracts.md §4) the sums are
# read from the structure: the subtotal's parts are the level-0 items above it
# or, where the subtotal is a heading (一、本年收入 over （一）（二）…), the
# lines one level below it up to the next line at its level; the total's parts
# are the subtotal and the other level-0 items. A subtotal is a heading when
# the line right under it is one level deeper. Documents without roles (the
# corpus ground truth) fall back to reading the names.

SUMMARY_KINDS: tuple[str, ...] = (
    TableKind.INCOME_EXPENDITURE_SUMMARY.value,
    TableKind.FISCAL_APPROPRIATION_SUMMARY.value,
)
SUBTOTAL_MARKERS = ("本年收入合计", "本年支出合计")
TOTAL_MARKERS = ("收入总计", "支出总计")
OTHER_SUM_MARKERS = ("合计", "小计", "总计", "其中")


@dataclass(frozen=True)
class HalfLine:
    """One line of a summary half: its role and level (None when unknown) and figures."""

    role: str | None
    level: int | None
    amounts: Mapping[str, Any]
    name: str | None = None


@dataclass(frozen=True)
class HalfSum:
    """One sum of a half: the line ``target`` should equal the sum of ``parts``."""

    target: int  # index of the subtotal / total line in the half
    kind: str  # "subtotal" | "total"
    parts: tuple[int, ...]  # indices of the lines that add up to it
    figure: Decimal
    computed: Decimal
    n_terms: int
    holds: bool


def name_role(name: str | None) -> str:
    """The role a line's name alone suggests (documents without row roles)."""
    text = str(name or "").replace(" ", "").replace("\u3000", "")
    if any(m in text for m in SUBTOTAL_MARKERS):
        return "subtotal"
    if any(m in text for m in TOTAL_MARKERS):
        return "total"
    if any(m in text for m in OTHER_SUM_MARKERS):
        return "other_sum"
    return "item"


def _value(line: HalfLine, column: str) -> Decimal | None:
    return amount({"amounts": line.amounts}, column)


def half_structure(lines: Sequence[HalfLine]) -> tuple[int | None, int | None, list[int], list[int]]:
    """(subtotal index, total index, subtotal parts, total parts) of one half.

    Lines printing no figure in any column are left out first, as the raw
    layer (one row per printed figure) has no trace of them: the parser and
    the gate then read the same structure.
    """
    shown = [i for i, l in enumerate(lines) if any(v is not None for v in (l.amounts or {}).values())]
    if any(lines[i].role is not None for i in shown):
        return _structure_by_role(lines, shown)
    return _structure_by_name(lines, shown)


def _structure_by_role(lines: Sequence[HalfLine], shown: list[int]):
    sub = next((i for i in shown if lines[i].role == "subtotal"), None)
    total = next((i for i in shown if lines[i].role == "total"), None)

    def top_item(i: int) -> bool:
        return lines[i].role == "item" and (lines[i].level or 0) == 0

    sub_parts: list[int] = []
    if sub is not None:
        depth = lines[sub].level or 0
        after = [i for i in shown if i > sub]
        heading = bool(after) and lines[after[0]].role == "item" and (lines[after[0]].level or 0) > depth
        if heading:  # 一、本年收入 over （一）（二）…: the lines one level below it, up to the next line at its level
            for i in after:
                level = lines[i].level or 0
                if level <= depth or lines[i].role in ("subtotal", "total"):
                    break
                if level == depth + 1 and lines[i].role == "item":
                    sub_parts.append(i)
        else:  # 本年收入合计 under its items: the level-0 items above it
            sub_parts = [i for i in shown if i < sub and top_item(i)]
    total_parts: list[int] = []
    if total is not None:
        total_parts = [i for i in shown if i != total and top_item(i) and i not in sub_parts]
        if sub is not None:
            total_parts = sorted([sub, *total_parts])
    return sub, total, sub_parts, total_parts


def _structure_by_name(lines: Sequence[HalfLine], shown: list[int]):
    roles = {i: name_role(lines[i].name) for i in shown}
    sub = next((i for i in shown if roles[i] == "subtotal"), None)
    total = next((i for i in shown if roles[i] == "total"), None)
    sub_parts = [i for i in shown if sub is not None and i < sub and roles[i] == "item"]
    total_parts: list[int] = []
    if total is not None:
        start = sub if sub is not None else -1
        total_parts = [i for i in shown if start < i < total and roles[i] == "item"]
        if sub is not None and sub < total:
            total_parts = [sub, *total_parts]
    return sub, total, sub_parts, total_parts


def carry_over_lines(lines: Sequence[HalfLine]) -> list[int]:
    """The carry-over lines of a half read by role: the level-0 items (with
    a figure) that are not parts of its subtotal."""
    sub, _, sub_parts, _ = half_structure(lines)
    if sub is None:
        return []
    return [
        i for i, l in enumerate(lines)
        if l.role == "item" and (l.level or 0) == 0 and i not in sub_parts
        and any(v is not None for v in (l.amounts or {}).values())
    ]


def summary_half_checks(lines: Sequence[HalfLine], column: str) -> list[HalfSum]:
    """The subtotal and total sums of one half in one column (lines without
    a figure in the column do not count as terms; a sum without any
    printed part is not checked)."""
    sub, total, sub_parts, total_parts = half_structure(lines)
    out: list[HalfSum] = []
    for target, kind, parts in ((sub, "subtotal", sub_parts), (total, "total", total_parts)):
        if target is None:
            continue
        figure = _value(lines[target], column)
        values = [(i, _value(lines[i], column)) for i in parts]
        values = [(i, v) for i, v in values if v is not None]
        if figure is None or not values:
            continue
        computed = sum_beyond_rounding(figure, [v for _, v in values])
        out.append(
            HalfSum(target, kind, tuple(i for i, _ in values), figure,
                    computed if computed is not None else sum_present(v for _, v in values),
                    len(values), computed is None)
        )
    return out


def summary_half_sums(lines: Sequence[HalfLine], column: str) -> list[str]:
    """What does not add up in one half, in words (empty when its sums hold)."""
    return [
        f"{'subtotal' if c.kind == 'subtotal' else 'total'} {c.figure} != {c.computed} "
        f"(sum of {c.n_terms} lines) in {column}"
        for c in summary_half_checks(lines, column) if not c.holds
    ]


def summary_halves(table: Table) -> dict[str, list[tuple[int, HalfLine]]]:
    """The table's rows by side, as (row index, HalfLine)."""
    halves: dict[str, list[tuple[int, HalfLine]]] = {}
    for index, row in enumerate(table.get("rows") or ()):
        side = row.get("side")
        if side in ("income", "expenditure"):
            halves.setdefault(side, []).append(
                (index, HalfLine(row.get("role"), row.get("level"), row.get("amounts") or {}, row.get("name")))
            )
    return halves


def check_summary_items_sum(doc: Doc) -> list[Violation]:
    found: list[Violation] = []
    for index, table in enumerate(doc.get("tables") or []):
        if table.get("kind") not in SUMMARY_KINDS:
            continue
        for side, entries in summary_halves(table).items():
            lines = [line for _, line in entries]
            columns = sorted({k for line in lines for k in line.amounts})
            for column in columns:
                for c in summary_half_checks(lines, column):
                    if c.holds:
                        continue
                    name = lines[c.target].name
                    found.append(
                        Violation(
                            "summary_items_sum", document_id(doc), table_ref(index, table), side, column,
                            str(c.computed), str(c.figure),
                            f"{side} {name} {c.figure} != the {c.n_terms} lines that make it up: {c.computed}",
                        )
                    )
    return found


def _summary_column(table: Table, side: str) -> str:
    return "amount" if side == "income" or "total" not in (table.get("columns") or ()) else "total"


def summary_balance(table: Table, side: str) -> dict[str, tuple[Decimal, str, int] | None]:
    """A half's 总计 and (本年合计 + carry-overs), each as (figure, label, terms), in
    the column the two halves are compared in."""
    column = _summary_column(table, side)
    entries = summary_halves(table).get(side) or []
    lines = [line for _, line in entries]

    def figure(line: HalfLine) -> Decimal | None:
        v = _value(line, column)
        return v if v is not None else _value(line, "amount")

    out: dict[str, tuple[Decimal, str, int] | None] = {"total": None, "current": None}
    if not lines:
        return out
    sub, total, sub_parts, total_parts = half_structure(lines)
    if total is not None and figure(lines[total]) is not None:
        out["total"] = (figure(lines[total]), str(lines[total].name), 1)
    if sub is not None and figure(lines[sub]) is not None:
        if any(l.role is not None for l in lines):
            carry = [i for i in carry_over_lines(lines) if figure(lines[i]) is not None]
            carried = sum_present(figure(lines[i]) for i in carry)
            label = str(lines[sub].name) + (" + carry-overs" if carry else "")
            out["current"] = (figure(lines[sub]) + carried, label, 1 + len(carry))
        else:  # no roles: the names' rule, 本年收入合计 = 本年支出合计
            out["current"] = (figure(lines[sub]), str(lines[sub].name), 1)
    return out


def check_income_equals_expenditure(doc: Doc) -> list[Violation]:
    found: list[Violation] = []
    for index, table in enumerate(doc.get("tables") or []):
        if table.get("kind") not in SUMMARY_KINDS:
            continue
        income, spending = summary_balance(table, "income"), summary_balance(table, "expenditure")
        for pair in ("total", "current"):
            a, b = income[pair], spending[pair]
            if a is None or b is None:
                continue
            # each side a sum of rounded figures: n_a + n_b - 1 half-steps (1 for two printed figures)
            if abs(a[0] - b[0]) > tolerance(a[2] + b[2] - 1, [a[0], b[0]]):
                found.append(
                    Violation(
                        "income_equals_expenditure", document_id(doc), table_ref(index, table),
                        a[1], "amount", str(a[0]), str(b[0]),
                        f"{a[1]} {a[0]} != {b[1]} {b[0]}",
                    )
                )
    return found


def _total_row_amount(table: Table, column: str) -> Decimal | None:
    totals = [r for r in table.get("rows") or () if is_total_row(r)]
    return amount(totals[0], column) if totals else None


def _basic_of_function_table(table: Table) -> Decimal | None:
    """基本支出 of the total row, or 人员经费 + 公用经费 where no 基本支出 column is printed."""
    if "basic" in (table.get("columns") or ()):
        return _total_row_amount(table, "basic")
    parts = [_total_row_amount(table, key) for key in ("personnel", "public")]
    return None if all(p is None for p in parts) else sum_present(parts)


def check_basic_function_equals_economic(doc: Doc) -> list[Violation]:
    """基本支出 of the function table = total of the economic-class table.

    Tables are paired in document order (one pair per unit when a document
    repeats them per unit). Figures are compared in yuan, so a table in 元
    and one in 万元 compare correctly; a factor of exactly 10000 is reported
    as ``unit_label`` rather than as a mismatch.
    """
    found: list[Violation] = []
    by_function = amount_tables(doc, TableKind.EXPENDITURE_BY_FUNCTION.value)
    by_economic = amount_tables(doc, TableKind.BASIC_EXPENDITURE_BY_ECONOMIC.value)
    for (fi, ft), (ei, et) in zip(by_function, by_economic):
        basic = _basic_of_function_table(ft)
        economic = _total_row_amount(et, "total")
        if basic is None or economic is None:
            continue
        basic_yuan, economic_yuan = in_yuan(basic, ft.get("unit")), in_yuan(economic, et.get("unit"))
        step_yuan = max(in_yuan(CENT, ft.get("unit")), in_yuan(CENT, et.get("unit")))
        if abs(basic_yuan - economic_yuan) <= rounding_tolerance(CROSS_TABLE_TERMS, step_yuan):
            continue
        identity = "unit_label" if _unit_suspect(basic_yuan, economic_yuan) else "basic_function_equals_economic"
        found.append(
            Violation(
                identity, document_id(doc), table_ref(fi, ft), None, "basic",
                f"{economic} {et.get('unit')} (table {table_ref(ei, et)})", f"{basic} {ft.get('unit')}",
                f"基本支出 by function {basic} {ft.get('unit')} != by economic class {economic} {et.get('unit')}",
            )
        )
    return found


def check_three_public_sums(doc: Doc) -> list[Violation]:
    found: list[Violation] = []
    for index, table in amount_tables(doc, TableKind.THREE_PUBLIC_EXPENSES.value):
        rows = {r.get("item"): r for r in table.get("rows") or () if r.get("item")}
        if "total" not in rows:
            continue
        for column in table.get("columns") or ():
            total = amount(rows["total"], column)
            parts = [amount(rows[i], column) for i in THREE_PUBLIC_PARTS if i in rows]
            if total is None or not parts:
                continue
            computed = sum_beyond_rounding(total, parts)
            if computed is not None:
                found.append(
                    Violation(
                        "three_public_sum", document_id(doc), table_ref(index, table), "total", column,
                        str(computed), str(total),
                        f"三公 total {total} != sum of items {computed}",
                    )
                )
    return found


def function_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid expenditure function code, or None."""
    if not code.isdigit() or len(code) not in FUNCTION_CODE_LENGTHS:
        return f"not 3, 5 or 7 digits: {code!r}"
    if code[:3] not in FUNCTION_CLASSES:
        return f"unknown 类 {code[:3]}"
    return None


def check_function_codes(doc: Doc) -> list[Violation]:
    found: list[Violation] = []
    for index, table in enumerate(doc.get("tables") or []):
        if table.get("kind") not in FUNCTION_CODED_KINDS:
            continue
        for row in coded_rows(table):
            problem = function_code_problem(str(row["code"]))
            if problem:
                found.append(
                    Violation(
                        "function_code", document_id(doc), table_ref(index, table), str(row["code"]),
                        None, None, str(row["code"]), problem,
                    )
                )
    return found


def check_document(doc: Doc) -> list[Violation]:
    """Every identity, over one parse-output / ground-truth document."""
    return [
        *check_row_totals(doc),
        *check_parent_sums(doc),
        *check_class_sums(doc),
        *check_summary_items_sum(doc),
        *check_income_equals_expenditure(doc),
        *check_basic_function_equals_economic(doc),
        *check_three_public_sums(doc),
        *check_function_codes(doc),
    ]
