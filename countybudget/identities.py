"""The identities a correct budget disclosure satisfies, as pure checks.

Each check takes one document in the parse-output shape of docs/contracts.md
§4 (the corpus ground truth uses the same shape) and returns the violations it
finds; ``check_document`` runs them all. Nothing here reads files, so the
parser evaluation, the corpus check, the quality suites and tests can all reuse
it. The identities (see the shared domain notes):

- ``row_total``: a row's 合计 = 基本支出 + 项目支出 (+ the other component columns).
- ``parent_sum``: a parent code = the sum of its children, at every level.
- ``class_sum``: the 类 rows of a coded table sum to the table's total row.
- ``income_equals_expenditure``: 收入总计 = 支出总计, 本年收入合计 = 本年支出合计.
- ``basic_function_equals_economic``: 基本支出 by function = 基本支出 by economic
  class (= 人员经费 + 公用经费, which ``row_total`` checks).
- ``three_public_sum``: “三公”经费 = 因公出国（境）费 + 公务用车购置费 +
  公务用车运行维护费 + 公务接待费.
- ``function_code``: function codes are 3/5/7 digits under a known 类.
- ``unit_label``: two figures that must be equal differ by exactly 10000, i.e.
  one table is in 元 under a 万元 label (or the reverse).

Sums are compared within rounding: n terms each rounded to the printed step
may differ from their rounded total by n × half a step.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from countybudget.money import UNIT_FACTORS, parse_amount, rounding_tolerance
from countybudget.table_kinds import TableKind

Doc = Mapping[str, Any]
Table = Mapping[str, Any]
Row = Mapping[str, Any]

IDENTITIES: tuple[str, ...] = (
    "row_total",
    "parent_sum",
    "class_sum",
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

# total column = sum of these component columns, per table kind. Income
# tables have two levels: 本年收入小计 = the sources, 合计 = sources + 上年结转.
# 合计 is checked against the sources rather than 小计 because many tables
# (e.g. Guangzhou's) print no 小计 column; where they do, rule 1 checks it.
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
    ),
    TableKind.PROJECT_EXPENDITURE.value: _FUNDING_RULES,
    TableKind.GOVERNMENT_PROCUREMENT.value: (("total", ("goods", "works", "services")), *_FUNDING_RULES),
    TableKind.FISCAL_APPROPRIATION_SUMMARY.value: (
        ("total", ("general_budget", "government_fund", "state_capital")),
    ),
    # an item's figure = its figure by source, where printed by source
    TableKind.THREE_PUBLIC_EXPENSES.value: (("amount", ("general_budget", "government_fund", "state_capital")),),
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
    {TableKind.BASIC_EXPENDITURE_BY_ECONOMIC.value, TableKind.EXPENDITURE_BY_ECONOMIC.value}
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
    """The table's total row: no code and a name like 合计 / 总计."""
    name = str(row.get("name") or "").replace(" ", "")
    return not row.get("code") and ("合计" in name or "总计" in name)


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


def check_parent_sums(doc: Doc) -> list[Violation]:
    found: list[Violation] = []
    for index, table in enumerate(doc.get("tables") or []):
        if table.get("kind") not in HIERARCHICAL_KINDS:
            continue
        rows = coded_rows(table)
        for column in table.get("columns") or ():
            by_code = sum_by_code(rows, column)
            for parent, parent_value in by_code.items():
                kids = children_of(parent, by_code)
                if not kids or parent_value is None:
                    continue
                # each printed child row is a rounded term (a code printed once per sub-unit
                # is several), so the tolerance counts rows, not codes
                kid_values = []
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


def _summary_figure(table: Table, side: str, marker: str) -> tuple[Decimal, Row] | None:
    """The amount of the row on ``side`` whose name contains ``marker``."""
    column = "amount" if side == "income" or "total" not in (table.get("columns") or ()) else "total"
    for row in table.get("rows") or ():
        name = str(row.get("name") or "").replace(" ", "")
        if row.get("side") == side and marker in name:
            value = amount(row, column) if amount(row, column) is not None else amount(row, "amount")
            if value is not None:
                return value, row
    return None


def check_income_equals_expenditure(doc: Doc) -> list[Violation]:
    found: list[Violation] = []
    pairs = (("收入总计", "支出总计"), ("本年收入合计", "本年支出合计"))
    for kind in (TableKind.INCOME_EXPENDITURE_SUMMARY.value, TableKind.FISCAL_APPROPRIATION_SUMMARY.value):
        for index, table in amount_tables(doc, kind):
            for income_marker, spending_marker in pairs:
                income = _summary_figure(table, "income", income_marker)
                spending = _summary_figure(table, "expenditure", spending_marker)
                if income is None or spending is None:
                    continue
                if abs(income[0] - spending[0]) > tolerance(1, [income[0], spending[0]]):
                    found.append(
                        Violation(
                            "income_equals_expenditure", document_id(doc), table_ref(index, table),
                            income_marker, "amount", str(income[0]), str(spending[0]),
                            f"{income_marker} {income[0]} != {spending_marker} {spending[0]}",
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
        step_yuan = max(in_yuan(Decimal("0.01"), ft.get("unit")), in_yuan(Decimal("0.01"), et.get("unit")))
        if abs(basic_yuan - economic_yuan) <= step_yuan / 2:
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
        *check_income_equals_expenditure(doc),
        *check_basic_function_equals_economic(doc),
        *check_three_public_sums(doc),
        *check_function_codes(doc),
    ]
