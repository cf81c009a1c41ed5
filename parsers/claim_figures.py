"""What a narrative figure names, and which table figure that is.

The 情况说明 repeats table figures in words (docs/contracts.md §4 ``claims``):
``本部门收入预算 3944.08 万元``, ``“三公”经费 176.31 万元``, ``行政运行（2011301）
449.30 万元``. :func:`classify` reads a claim's subject by meaning (never by one
city's wording) and returns the *figure* it names, one of ``FIGURES``;
:func:`resolve_claims` then finds that figure in the same document's parsed
tables and records where it is printed (table, row, column, amount as
printed, unit), so the warehouse can compare words and figures exactly
(``mart_claim_checks``).

Rules, in order (the first that applies wins):

1. thresholds and counts are not amount claims (the claim extractor drops them);
2. “三公” items by their words (因公出国, 公务接待, 公务用车购置 / 运行, both
   together), then “三公” itself;
3. figures that standard tables do not print: 机关运行经费, 政府采购 (and its
   货物 / 工程 / 服务 parts, unless a 政府采购 table is present), 国有资产 /
   固定资产, 绩效目标 funds, 委托业务费 … (``narrative_only``: unresolved by
   design, listed so a reader can see why);
4. totals and their parts by meaning: 收入 / 支出 预算 (总计, 合计), 财政拨款,
   一般公共预算, 政府性基金, 国有资本经营, 基本支出, 项目支出, 人员经费,
   公用经费, the income sources (事业收入, 其他收入, 上年结转 …) and the
   expenditure columns (经营支出, 上缴上级支出 …);
5. a classification named in words (function 类/款/项 with or without its
   code in brackets, an economic class, a project name): the printed row of
   that name or code.

A document printing one block per budget unit (深圳) is read unit by unit: each
claim within the unit the narrative named last (:func:`unit_names`,
:func:`in_scope`). A claim no row names and whose amount no table cell holds is
``not printed in a table`` (:data:`NOT_PRINTED`), reported apart by the benchmark.

A subject may name the same figure in several tables (教育支出 is a row of the
支出总表 and of the 一般公共预算支出表). The candidates are ranked by the
sentence's own words (一般公共预算 / 财政拨款 / 政府性基金); the first that
agrees within rounding is the one the words name, else the first one (a
"differs" then shows both figures). Amounts are compared as ``Decimal``,
never float; each side in its own unit (the claim's unit is the one written
in the sentence).
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

from countybudget.table_kinds import TableKind

K = TableKind

UNIT_FACTORS = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000), "千元": Decimal(1000)}

# Figures a claim can name (the ``figure`` column of raw claims).
FIGURES: tuple[str, ...] = (
    "income_total", "expenditure_total", "fiscal_appropriation_income", "fiscal_appropriation_expenditure",
    "general_budget_income", "general_budget_expenditure", "government_fund_income", "government_fund_expenditure",
    "state_capital_income", "state_capital_expenditure", "income_source", "expenditure_column",
    "basic_expenditure", "project_expenditure", "personnel_expenditure", "public_expenditure",
    "function_class", "economic_class", "project", "unit_total", "named_row",
    "three_public_total", "three_public_overseas", "three_public_vehicles", "three_public_vehicle_purchase",
    "three_public_vehicle_operation", "three_public_reception", "three_public_meeting", "three_public_training",
    "operation_cost", "procurement_total", "procurement_goods", "procurement_works", "procurement_services",
    "assets", "performance_funds", "narrative_only",
)
# Figures no standard table prints (unresolved by design, with this reason).
NARRATIVE_ONLY = {
    "operation_cost": "机关运行经费 is stated in the narrative; no standard table prints it",
    "assets": "国有资产占用 (fixed assets, vehicles, equipment) has no standard table",
    "performance_funds": "the funds under performance targets are not a table figure",
    "narrative_only": "a figure the standard tables do not print",
}

_THREE_PUBLIC_ITEM = {
    "three_public_total": ("total",), "three_public_overseas": ("overseas",),
    "three_public_vehicles": ("vehicle_purchase", "vehicle_operation"),
    "three_public_vehicle_purchase": ("vehicle_purchase",), "three_public_vehicle_operation": ("vehicle_operation",),
    "three_public_reception": ("reception",), "three_public_meeting": ("meeting",),
    "three_public_training": ("training",),
}
_PROCUREMENT_COLUMN = {"procurement_total": "total", "procurement_goods": "goods",
                       "procurement_works": "works", "procurement_services": "services"}

# income sources: words → income_summary column key and the summary line's words
_INCOME_SOURCES: tuple[tuple[str, str], ...] = (
    ("财政专户", "fiscal_special_account"),
    ("事业单位经营", "operating"), ("经营收入", "operating"),
    ("事业收入", "business"),
    ("上级补助", "superior_subsidy"),
    ("附属单位上缴", "subordinate_remittance"),
    ("上年结转", "carryover"), ("结转结余", "carryover"), ("结转和结余", "carryover"),
    ("其他收入", "other"),
)
_EXPENDITURE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("经营支出", "operating"), ("上缴上级", "remittance_to_superior"), ("对附属单位补助", "subsidy_to_subordinate"),
)

_QUOTES_RE = re.compile(r"[“”\"'‘’「」《》]")
_LEVEL_MARK_RE = re.compile(r"[(（](类|款|项)[)）]")
_CODE_RE = re.compile(r"[(（]?(\d{3}(?:\d{2}){0,2})[)）]?")
_LEADING_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.)）]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、)）]|其中|本年度?|本部门|本单位|"
    r"部门|单位|全年|共|合计为?|总计为?|20\d{2}年度?|[一二三四五六七八九十]+\)|\))+")
_TRAILING_RE = re.compile(r"(?:预算数|预算|安排|支出预算|科目|为|是|达|共计|合计|计|共|总额|金额)+$")


@functools.lru_cache(maxsize=65536)  # pure, and asked for the same row names by every claim
def normalise_name(text: str | None) -> str:
    """A name as compared: NFKC, no spaces or quotes, half-width brackets."""
    s = unicodedata.normalize("NFKC", text or "")
    s = re.sub(r"\s+", "", s)
    return _QUOTES_RE.sub("", s)


def core_name(subject: str) -> str:
    """The subject without numbering, year, 本部门, level marks and trailing
    预算 / 安排 words: what a table row would be named."""
    s = normalise_name(subject)
    s = re.sub(r"^.*(部门|单位)(预算|决算)公开", "", s) or s  # a page header run into the sentence
    s = _LEVEL_MARK_RE.sub("|", s)
    parts = [p for p in s.split("|") if p]
    # 社会保障和就业支出(类)行政事业单位养老支出(款)基本养老保险缴费支出(项)支出: the finest level named
    if len(parts) > 1:
        named = [p for p in parts if not re.fullmatch(r"支出|科目|支出科目|[\d.、]+", p)]
        s = named[-1] if named else parts[-1]
    s = re.sub(r"\d[\d.]*[.、]", "", s)
    s = _CODE_RE.sub("", s) if re.search(r"[(（]\d{3,7}[)）]", s) else s
    for _ in range(3):
        s = _LEADING_RE.sub("", s)
        s = _TRAILING_RE.sub("", s)
    s = s.strip("(,、:：")
    # a closing bracket stays when it closes the name's own (政务信息化项目(运行维护服务))
    while s.endswith(")") and s.count(")") > s.count("("):
        s = s[:-1]
    return s


def classify(subject: str | None, text: str | None = None) -> str | None:
    """The figure a claim's subject names (one of ``FIGURES``), or None when the
    words name nothing we know (``named_row``: match a printed row by name)."""
    s = normalise_name(subject)
    if not s or re.fullmatch(r"(20\d{2}年度?)?(预算数?|预算安排|安排|金额|合计|总计|共计|其中|年初预算数?)", s):
        return None  # the subject is in an earlier sentence (a heading): nothing to name
    # a function 类/款/项 named with its level (社会保障和就业支出(类)支出): a classification row
    if _LEVEL_MARK_RE.search(s):
        return "named_row"
    # “三公” items (before 三公 itself: “三公”经费中公务接待费 names the item)
    if "因公出国" in s or "出国(境)" in s:
        return "three_public_overseas"
    if "公务接待" in s:
        return "three_public_reception"
    if "公务用车" in s or "公车" in s:
        if "购置" in s and "运行" in s:
            return "three_public_vehicles"
        if "运行" in s or "维护" in s:
            return "three_public_vehicle_operation"
        if "购置" in s:
            return "three_public_vehicle_purchase"
        return "three_public_vehicles"
    if "三公" in s:
        return "three_public_total"
    # 会议费 / 培训费 named as the figure (…一般公共预算拨款安排的会议费预算支出), not a project's detail
    if re.search(r"会议费", s) and (len(core_name(s)) <= 6 or re.search(r"的会议费(预算)?(支出)?(预算)?$", s)):
        return "three_public_meeting"
    if re.search(r"培训费", s) and (len(core_name(s)) <= 6 or re.search(r"的培训费(预算)?(支出)?(预算)?$", s)):
        return "three_public_training"
    if "机关运行经费" in s or "运行经费" in s:
        return "operation_cost"
    # 货物类项目 / 服务类采购预算 are 政府采购 parts; 信息化服务类项目(运维服务部分) is a project's name
    if "政府采购" in s or "采购预算" in s or "采购支出" in s or "拟采购" in s \
            or re.fullmatch(r"(货物|工程|服务)类(项目|采购)?(预算)?(支出)?", core_name(s)):
        if "货物" in s:
            return "procurement_goods"
        if "工程" in s:
            return "procurement_works"
        if "服务" in s and "购买服务" not in s:
            return "procurement_services"
        return "procurement_total"
    if re.search(r"固定资产|国有资产|资产总|房屋|车辆|设备|单价|单位价值", s):
        return "assets"
    if re.search(r"绩效|涉及(项目)?预算资金|涉及财政性资金|涉及资金", s):
        return "performance_funds"
    if re.search(r"委托业务费|购买服务|会议费|培训费|差旅费", s):
        return "narrative_only"
    # the unit's own name and the year before the words (无锡市交通运输局(本级)2026年财政拨款预算支出),
    # and a page header run into the sentence (无锡市教育局2026年度部门预算公开)
    s = re.sub(r"^.*(部门|单位)(预算|决算)公开", "", s) or s
    s = re.sub(r"^.*?20\d{2}年度?", "", s) or s
    core = core_name(s)
    is_income = "收入" in s and "支出" not in s.split("收入")[-1]
    if re.search(r"收入", s) and is_income:
        if "财政拨款" in s and not re.search(r"一般公共|政府性基金|国有资本", s):
            return "fiscal_appropriation_income"
        if "一般公共预算" in s:
            return "general_budget_income"
        if "政府性基金" in s:
            return "government_fund_income"
        if "国有资本" in s:
            return "state_capital_income"
        for words, _ in _INCOME_SOURCES:
            if words in s:
                return "income_source"
        if re.search(r"(收入|收支)(预算)?(总|合计)|(^|部门|单位|年|度|[)）])收入(预算)?$|总收入|收入总|收入预算|预算收入$", s) or core in ("收入", ""):
            return "income_total"
        return "named_row"
    if re.search(r"收支(预算)?总", s) or re.search(r"(^|部门|单位|年|度|[)）])收支预算$", s):
        return "income_total"
    for words, _ in _INCOME_SOURCES:
        if words in s and "支出" not in s:
            return "income_source"
    for words, _ in _EXPENDITURE_COLUMNS:
        if words in s:
            return "expenditure_column"
    if "人员经费" in s or "人员支出" in s:
        return "personnel_expenditure"
    if ("公用经费" in s or "公用支出" in s) and "非公用" not in s:  # 物业管理(非公用经费部分) is a project
        return "public_expenditure"
    if "基本支出" in s:
        return "basic_expenditure"
    if re.fullmatch(r"(一般公共预算|财政拨款|政府性基金)?(拨款)?项目支出(预算)?", core) or core == "项目支出":
        return "project_expenditure"
    if "政府性基金" in s and re.search(r"支出|拨款|预算$", s) and len(core) <= 14:
        return "government_fund_expenditure"
    if "国有资本经营" in s and len(core) <= 16:
        return "state_capital_expenditure"
    if "一般公共预算" in s and re.search(r"支出|拨款", s) and len(core) <= 14:
        return "general_budget_expenditure"
    if "财政拨款" in s and re.search(r"支出|拨款|预算$", s) and len(core) <= 12:
        return "fiscal_appropriation_expenditure"
    if re.search(r"支出(预算)?(总|合计)|总支出|(^|部门|单位|年|度|[)）])支出(预算)?$|支总预算|支出预算总|预算支出$|安排支出预算$", s) or core in ("支出", ""):
        return "expenditure_total"
    return "named_row"


# ---------------------------------------------------------------- resolution

def _amount(text: Any) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(str(text))
    except InvalidOperation:
        return None


def _places(text: str | None) -> int:
    if not text or "." not in str(text):
        return 0
    return len(str(text).split(".", 1)[1])


def _step(text: str | None) -> Decimal:
    return Decimal(1).scaleb(-_places(text))


def tolerance_yuan(claim_amount: str, claim_unit: str, table_amount: str, table_unit: str, n_terms: int = 1) -> Decimal:
    """Half a step in the claim's unit plus half a step per table term in the
    table's unit, in yuan (docs/quality.md, Tolerance)."""
    return (_step(claim_amount) * UNIT_FACTORS.get(claim_unit, 1)
            + n_terms * _step(table_amount) * UNIT_FACTORS.get(table_unit, 1)) / 2


def _yuan(amount: str | None, unit: str | None) -> Decimal | None:
    value = _amount(amount)
    if value is None or unit not in UNIT_FACTORS:
        return None
    return value * UNIT_FACTORS[unit]


class Figure(dict):
    """One candidate table figure: table_index, row_index (first row), column_key,
    amount (as printed, or the exact sum), unit, page, row_name, n_terms."""


def _cell(ti: int, table: dict, ri: int, row: dict, column: str) -> Figure | None:
    amount = (row.get("amounts") or {}).get(column)
    if amount is None:
        return None
    prior = next((v for k, v in (row.get("amounts") or {}).items()
                  if k.startswith("col:") and "上年" in k and v is not None), None)
    return Figure(table_index=ti, row_index=ri, column_key=column, amount=str(amount), unit=table.get("unit"),
                  page=row.get("page"), row_name=row.get("name"), code=row.get("code"), n_terms=1,
                  table_kind=table.get("kind"), prior_amount=prior)


def _tables(record: dict, *kinds: TableKind) -> Iterable[tuple[int, dict]]:
    wanted = {k.value for k in kinds}
    for ti, table in enumerate(record.get("tables") or []):
        if table.get("kind") in wanted:
            yield ti, table


def _is_total_row(row: dict) -> bool:
    if row.get("role") == "total":
        return True
    name = normalise_name(row.get("name"))
    return not row.get("code") and not row.get("item") and bool(re.search(r"^(合计|总计)|[^收支入出]合计$|^合计$", name) or name in ("合计", "总计"))


def _total_cells(record: dict, kinds: tuple[TableKind, ...], columns: tuple[str, ...]) -> list[Figure]:
    out: list[Figure] = []
    later: list[Figure] = []
    unit = normalise_name(record.get("unit_name"))
    for column in columns:
        for ti, table in _tables(record, *kinds):
            rows = table.get("rows") or []
            has_total = any(not r.get("side") and _is_total_row(r) for r in rows)
            first_coded = next((i for i, r in enumerate(rows) if r.get("code")), len(rows))
            # rows of budget units above the coded rows (the department, its 本级, its units):
            # later candidates, the claim may be about one unit
            for ri, row in enumerate(rows[:first_coded]):
                if ri and not row.get("side") and not row.get("code") and not _is_total_row(row) \
                        and re.search(r"本级|局|委|办|院|中心|站|所|队", normalise_name(row.get("name"))):
                    cell = _cell(ti, table, ri, row, column)
                    if cell:
                        later.append(cell)
            for ri, row in enumerate(rows):
                # a table keyed by budget unit totals on the department's own row
                unit_row = (not has_total and ri == 0 and not row.get("code") and bool(unit)
                            and normalise_name(row.get("name")) == unit)
                if not row.get("side") and (_is_total_row(row) or unit_row):
                    cell = _cell(ti, table, ri, row, column)
                    if cell:
                        out.append(cell)
                        break
    return out + later


def _summary_lines(record: dict, kinds: tuple[TableKind, ...], side: str, pattern: str,
                   columns: tuple[str, ...] = ("amount", "total")) -> list[Figure]:
    out: list[Figure] = []
    for ti, table in _tables(record, *kinds):
        for ri, row in enumerate(table.get("rows") or []):
            if row.get("side") != side:
                continue
            name = normalise_name(row.get("name"))
            name = re.sub(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+[、.]|其中[:：]?)", "", name)
            if re.search(pattern, name):
                for column in columns:
                    cell = _cell(ti, table, ri, row, column)
                    if cell:
                        out.append(cell)
                        break
    return out


def _procurement_columns(record: dict) -> list[Figure]:
    """The 政府采购 total printed as a column of another table (not its 其中 parts): the
    table's total row, or its budget units' rows when it is keyed by unit."""
    out: list[Figure] = []
    for ti, table in enumerate(record.get("tables") or []):
        if table.get("kind") == K.GOVERNMENT_PROCUREMENT.value:
            continue
        rows = table.get("rows") or []
        keys = [k for r in rows[:1] for k in (r.get("amounts") or {}) if "政府采购" in k and not re.search(r"其中|预留", k)]
        for key in keys[:1]:
            first_coded = next((i for i, r in enumerate(rows) if r.get("code")), len(rows))
            for ri, row in enumerate(rows):
                if row.get("side") or not (_is_total_row(row) or (ri < first_coded and not row.get("code"))):
                    continue
                cell = _cell(ti, table, ri, row, key)
                if cell:
                    out.append(cell)
    return out


def _three_public_row_item(row: dict) -> tuple[str, str | None]:
    """A row's block and “三公” item. The rows of a per-unit block (深圳市X局(本级)/公务接待费)
    carry no item of their own: their last name part says it, the rest names the block."""
    if row.get("item"):
        return "", row["item"]
    name = normalise_name(row.get("name"))
    if "/" not in name:
        return "", None
    from parsers.tables import three_public_item

    block, label = name.rsplit("/", 1)
    if label in ("小计", "合计", "总计") and "/" in block:  # 深圳市X局(本级)/公务用车购置及运行维护费/小计
        return block.rsplit("/", 1)[0], None
    return block, three_public_item(label)


def _three_public(record: dict, items: tuple[str, ...], doc_type: str | None) -> list[Figure]:
    """The “三公” figure per block (the document's, then each unit's printed below it)."""
    # this year's amount column; a table by source prints 一般公共预算 as this year's (the 上年
    # columns carry their year in their key), read after the plain amount columns
    columns = (("actual", "amount", "budget") if doc_type == "final_account" else ("amount", "budget", "actual")) \
        + ("total", "general_budget")
    out: list[Figure] = []
    for ti, table in _tables(record, K.THREE_PUBLIC_EXPENSES):
        blocks: dict[str, list[tuple[int, dict, str | None]]] = {}
        for ri, row in enumerate(table.get("rows") or []):
            if "机关运行" in normalise_name(row.get("name")):  # printed beside the items, not one
                continue
            block, item = _three_public_row_item(row)
            blocks.setdefault(block, []).append((ri, row, item))
        for rows in blocks.values():
            for column in columns:
                cells = []
                for item in items:
                    found = [c for ri, row, it in rows if it == item for c in [_cell(ti, table, ri, row, column)] if c]
                    if found:
                        cells.append(found[0])
                if items == ("total",) and not cells:  # no total row: the printed items summed
                    parts = ("overseas", "vehicle_purchase", "vehicle_operation", "reception")
                    cells = [c for item in parts for ri, row, it in rows if it == item
                             for c in [_cell(ti, table, ri, row, column)] if c]
                if not cells:
                    continue
                if len(cells) == 1:
                    out.append(cells[0])
                else:
                    total = sum((_amount(c["amount"]) for c in cells), Decimal(0))
                    out.append(Figure(cells[0], amount=str(total), n_terms=len(cells),
                                      row_name=" + ".join(str(c["row_name"]) for c in cells)))
                break
    return out


_PROCUREMENT_ROW = {"procurement_goods": r"^货物(类)?$", "procurement_works": r"^工程(类)?$",
                    "procurement_services": r"^服务(类)?$"}


def _operation_cost(record: dict, subject: str) -> list[Figure]:
    """机关运行经费: the 合计 of a 机关运行经费 table, a line of that name (some “三公” tables print
    it beside the items; 广州's prints it as 行政经费), then — confirmed only by the amount — the
    一般公共预算 基本支出's 公用经费, which is 机关运行经费 by definition for an administrative unit
    (财政部: the goods and services that keep a 行政单位 running) but not for a 事业单位."""
    found = _total_cells(record, (K.OFFICE_OPERATING_EXPENSES,), ("total",))
    found += [c for ti, table in _tables(record, *K) for ri, row in enumerate(table.get("rows") or [])
              if "机关运行经费" in normalise_name(row.get("name"))
              or (table.get("kind") == K.THREE_PUBLIC_EXPENSES.value and normalise_name(row.get("name")) == "行政经费")
              for c in [next((x for col in ("amount", "total", "budget", "actual")
                              for x in [_cell(ti, table, ri, row, col)] if x), None)] if c]
    if "一般公共预算" in subject or "财政拨款" in subject:
        found += [Figure(c, confirm_only=True) for c in
                  _total_cells(record, (K.EXPENDITURE_BY_FUNCTION, K.BASIC_EXPENDITURE_BY_ECONOMIC), ("public",))]
    return found


# "所有项目支出预算纳入…绩效管理，涉及预算资金 X": X is the 项目支出; "整体支出纳入绩效目标管理，涉及
# 财政性资金 X": the whole expenditure; "共 N 个项目纳入…，涉及…资金 X": the projects with targets,
# which are all of them only when X is the 项目支出 (confirmed by the amount, else not a table figure).
_ALL_PROJECTS_RE = re.compile(r"(所有|全部)项目(支出)?(预算)?纳入")
_WHOLE_SPENDING_RE = re.compile(r"整体支出纳入")
_SOME_PROJECTS_RE = re.compile(r"共\d+个项目纳入|项目共\d+个")


def _performance_funds(claim: dict, record: dict, subject: str, text: str) -> tuple[str, list[Figure]]:
    if not re.search(r"涉及(项目)?(预算|财政性)?资金", subject):
        return "performance_funds", []
    if _ALL_PROJECTS_RE.search(text) or _SOME_PROJECTS_RE.search(text):
        name, found = _figure_candidates("project_expenditure", claim, record, "项目支出", text)
        if not _ALL_PROJECTS_RE.search(text):
            return "performance_funds", [Figure(c, confirm_only=True, figure="project_expenditure") for c in found]
        return ("project_expenditure" if found else "performance_funds"), found
    if _WHOLE_SPENDING_RE.search(text):
        # 财政性资金: the spending of fiscal appropriations (then the whole, which may be the same)
        fiscal = "财政性" in subject
        name, found = _figure_candidates("fiscal_appropriation_expenditure" if fiscal else "expenditure_total",
                                         claim, record, "财政拨款支出" if fiscal else "支出", text)
        if fiscal:
            found += [Figure(c, figure="expenditure_total")
                      for c in _figure_candidates("expenditure_total", claim, record, "支出", text)[1]]
        return (name if found else "performance_funds"), found
    return "performance_funds", []


_FUNCTION_KINDS = (K.EXPENDITURE_SUMMARY, K.EXPENDITURE_BY_FUNCTION, K.INCOME_SUMMARY,
                   K.GOVERNMENT_FUND_EXPENDITURE, K.STATE_CAPITAL_EXPENDITURE)


def _named_rows(record: dict, name: str, code: str | None, kinds: tuple[TableKind, ...],
                columns: tuple[str, ...] = ("total", "amount")) -> list[Figure]:
    exact = _named_rows_by(record, name, code, kinds, columns, _loose=False)
    return exact or ([] if code else _named_rows_by(record, name, code, kinds, columns, _loose=True))


def loose_name(name: str) -> str:
    """A name without the words a sentence adds to a row's name (对个人和家庭补助支出 for the
    row 对个人和家庭的补助, 生态环境管理项目 for 生态环境管理): 的, and trailing 支出 / 经费 /
    项目 / 工作 / 预算."""
    s = normalise_name(name).replace("的", "")
    for _ in range(3):
        s = re.sub(r"(支出|经费|费用|项目|工作|预算|资金)$", "", s)
    return s


@functools.lru_cache(maxsize=65536)
def _row_keys(name: str | None) -> tuple[str, str, str]:
    """A row's name as claims are matched against it: without its numbering or code, that
    without a trailing 支出, and its loose form. Cached: every claim of a document scans the
    same rows (a 187-page document: 1,400 scans of its rows)."""
    row_name = normalise_name(name)
    row_name = re.sub(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.])", "", row_name)
    row_name = re.sub(r"^(?:\d{3,7}[-—\s]?)", "", row_name)
    return row_name, re.sub(r"支出$", "", row_name), loose_name(row_name)


def _named_rows_by(record: dict, name: str, code: str | None, kinds: tuple[TableKind, ...],
                   columns: tuple[str, ...], _loose: bool) -> list[Figure]:
    out: list[Figure] = []
    key = normalise_name(name)
    key_short = re.sub(r"支出$", "", key)
    if _loose:
        key = key_short = loose_name(key)
        if len(key) < 3:
            return []
    for ti, table in _tables(record, *kinds):
        for ri, row in enumerate(table.get("rows") or []):
            row_name, row_short, row_loose = _row_keys(row.get("name"))
            if code:
                hit = row.get("code") == code
            elif _loose:
                hit = bool(row_name) and row_loose == key
            else:
                hit = bool(row_name) and (row_name == key or row_short == key_short)
            if not hit:
                continue
            for column in columns:
                cell = _cell(ti, table, ri, row, column)
                if cell:
                    out.append(cell)
                    break
    return out


# The economic classes of 基本支出 that make 人员经费 and 公用经费 (部门预算 rules: 人员经费 =
# 工资福利支出 + 对个人和家庭的补助; 公用经费 = 商品和服务支出 + 资本性支出 of 基本支出).
_BASIC_PARTS = {
    "personnel_expenditure": re.compile(r"^(工资福利支出|对个人和家庭的?补助(支出)?)$"),
    "public_expenditure": re.compile(r"^(商品和服务支出|资本性支出(\(.*\))?)$"),
}


def _class_sums(record: dict, pattern: re.Pattern[str]) -> list[Figure]:
    """The classes ``pattern`` names summed in a 基本支出 table by economic class: over the
    whole table, then per unit block when it prints one block per unit."""
    units, departments = unit_names(record)
    out: list[Figure] = []
    for ti, table in _tables(record, K.BASIC_EXPENDITURE_BY_ECONOMIC):
        rows = table.get("rows") or []
        blocks: dict[str | None, list[Figure]] = {}
        for ri, row in enumerate(rows):
            if row.get("code") and len(str(row["code"])) > 3 or not pattern.search(normalise_name(row.get("name"))):
                continue
            cell = _cell(ti, table, ri, row, "total")
            if cell:
                blocks.setdefault(_row_block(table, ri, units) if units else None, []).append(cell)
        whole = [c for cells in blocks.values() for c in cells]
        dept_row = next((ri for ri, r in enumerate(rows) if normalise_name(r.get("name")) in departments), None)
        groups = [(dept_row, whole)] + ([(None, cells) for b, cells in blocks.items()] if len(blocks) > 1 else [])
        for head, cells in groups:
            if not cells:
                continue
            total = sum((_amount(c["amount"]) or Decimal(0) for c in cells), Decimal(0))
            first = cells[0] if head is None else Figure(cells[0], row_index=head, page=rows[head].get("page"))
            out.append(Figure(first, amount=str(total), n_terms=len(cells),
                              row_name=" + ".join(str(c["row_name"]) for c in cells)))
    return out


def _parent_name(subject: str) -> str | None:
    """The 款 a subject names before its 项 (…(款)行政运行(项)), as a table row would be named."""
    parts = [p for p in _LEVEL_MARK_RE.split(normalise_name(subject))
             if p and p not in ("类", "款", "项", "支出", "科目", "支出科目")]
    marks = _LEVEL_MARK_RE.findall(normalise_name(subject))
    if len(parts) >= 2 and marks and marks[-1] == "项" and len(marks) >= 2 and marks[-2] == "款":
        return core_name(parts[-2]) or None
    return None


def _parent_row_name(record: dict, cell: Figure) -> str | None:
    code = cell.get("code")
    if not code or len(code) != 7:
        return None
    table = (record.get("tables") or [])[cell["table_index"]]
    parent = next((r for r in table.get("rows") or [] if r.get("code") == code[:5]), None)
    return core_name(parent.get("name")) if parent else None


def _unit_rows(record: dict, subject: str, kind: TableKind) -> list[Figure]:
    """Rows of budget units (no code, above the coded rows) whose name the subject
    contains, longest name first, in the ``kind`` table then the other summaries."""
    out: list[tuple[int, Figure]] = []
    units, _ = unit_names(record)
    for order, k in enumerate((kind, K.EXPENDITURE_SUMMARY, K.INCOME_SUMMARY)):
        for ti, table in _tables(record, k):
            rows = table.get("rows") or []
            first_coded = next((i for i, r in enumerate(rows) if r.get("code")), len(rows))
            for ri, row in enumerate(rows):
                name = normalise_name(row.get("name"))
                if ri >= first_coded and name not in units:  # below the classes: only a unit's own block row
                    continue
                # (a one-unit table's row is its total line too: named by the unit, not 合计)
                if row.get("side") or row.get("code") or len(name) < 4 or not _names_unit(subject, name):
                    continue
                cell = _cell(ti, table, ri, row, "total")
                if cell:
                    out.append((order * 1000 - len(name), cell))
    return [c for _, c in sorted(out, key=lambda x: x[0])]


def candidates(claim: dict, record: dict) -> tuple[str | None, list[Figure]]:
    """The figure a claim names and the table figures that print it, best first."""
    subject = claim.get("subject")
    text = normalise_name(claim.get("text"))
    figure = classify(subject, text)
    if figure is None:
        return None, []
    # words just before the subject that the extractor cut off (财政拨款收、支总预算)
    at = text.find(normalise_name(subject))
    before = text[max(0, at - 8):at] if at > 0 else ""
    if figure in ("income_total", "expenditure_total") and "财政拨款" in before:
        figure = figure.replace("income_total", "fiscal_appropriation_income").replace(
            "expenditure_total", "fiscal_appropriation_expenditure")
    s = normalise_name(subject)
    doc_type = record.get("doc_type")
    summary = (K.INCOME_EXPENDITURE_SUMMARY,)
    if figure in ("income_total", "expenditure_total", "named_row") and re.search(r"预算(收入|支出)?$", s):
        # a budget unit's own total (深圳市公共就业服务中心预算 15,501.05 万元): its row of a table keyed by
        # unit, after the document's totals when the words name those
        units = _unit_rows(record, s, K.INCOME_SUMMARY if "收入" in s[-4:] else K.EXPENDITURE_SUMMARY)
        if units:
            name, found = _figure_candidates(figure, claim, record, s, text)
            if figure == "named_row" or not found:
                return "unit_total", units + found
            return name, found + units
    return _figure_candidates(figure, claim, record, s, text)


def _figure_candidates(figure: str, claim: dict, record: dict, s: str, text: str) -> tuple[str | None, list[Figure]]:
    doc_type = record.get("doc_type")
    summary = (K.INCOME_EXPENDITURE_SUMMARY,)
    fiscal = (K.FISCAL_APPROPRIATION_SUMMARY,)
    if figure in _THREE_PUBLIC_ITEM:
        found = _three_public(record, _THREE_PUBLIC_ITEM[figure], doc_type)
        if figure in ("three_public_meeting", "three_public_training"):
            # not a “三公” item everywhere: the economic class of that name (30215 会议费, 30216 培训费)
            word = "会议费" if figure == "three_public_meeting" else "培训费"
            found += _named_rows(record, word, None, (K.OFFICE_OPERATING_EXPENSES, K.BASIC_EXPENDITURE_BY_ECONOMIC,
                                                      K.EXPENDITURE_BY_ECONOMIC))
        return figure, found
    if figure in _PROCUREMENT_COLUMN:
        found = _total_cells(record, (K.GOVERNMENT_PROCUREMENT,), (_PROCUREMENT_COLUMN[figure],))
        if figure in _PROCUREMENT_ROW:  # a 政府采购 table by kind of purchase: the 货物 / 工程 / 服务 row
            found += _summary_lines(record, (K.GOVERNMENT_PROCUREMENT,), None, _PROCUREMENT_ROW[figure], ("total",))
        if figure == "procurement_total":
            # a summary table with a 政府采购 column (深圳's 支出总表: 2026年政府采购项目/小计)
            found += _procurement_columns(record)
        return figure, found
    if figure == "operation_cost":
        return figure, _operation_cost(record, s)
    if figure == "performance_funds":
        return _performance_funds(claim, record, s, text)
    if figure in NARRATIVE_ONLY:
        found = _named_rows(record, core_name(s), None, tuple(K), ("total", "amount", "budget", "actual"))
        return figure, found
    if figure == "income_total":
        return figure, (_summary_lines(record, summary, "income", r"^收入总计|^收入合计|^总计$")
                        + _total_cells(record, (K.INCOME_SUMMARY,), ("total",))
                        + _summary_lines(record, summary, "income", r"^本年收入合计"))
    if figure == "expenditure_total":
        return figure, (_summary_lines(record, summary, "expenditure", r"^支出总计|^支出合计|^总计$")
                        + _total_cells(record, (K.EXPENDITURE_SUMMARY,), ("total",))
                        + _summary_lines(record, summary, "expenditure", r"^本年支出合计"))
    if figure == "fiscal_appropriation_income":
        return figure, (_summary_lines(record, summary, "income", r"^财政拨款")
                        + _summary_lines(record, fiscal, "income", r"^收入总计|^本年收入合计")
                        + _total_cells(record, (K.INCOME_SUMMARY,), ("fiscal_appropriation",)))
    if figure == "fiscal_appropriation_expenditure":
        return figure, (_summary_lines(record, fiscal, "expenditure", r"^支出总计|^本年支出合计", ("total", "amount"))
                        + _total_cells(record, (K.EXPENDITURE_BY_FUNCTION,), ("total",)))
    if figure in ("general_budget_income", "government_fund_income", "state_capital_income"):
        words = {"general_budget_income": r"一般公共预算", "government_fund_income": r"政府性基金",
                 "state_capital_income": r"国有资本"}[figure]
        return figure, (_summary_lines(record, fiscal, "income", words)
                        + _summary_lines(record, summary, "income", words))
    if figure == "general_budget_expenditure":
        cells = _total_cells(record, (K.EXPENDITURE_BY_FUNCTION,), ("total",))
        cells += _summary_lines(record, fiscal, "expenditure", r"^支出总计|^本年支出合计", ("general_budget",))
        if "基本" in s:
            cells = _total_cells(record, (K.EXPENDITURE_BY_FUNCTION,), ("basic",)) + cells
        return figure, cells
    if figure == "government_fund_expenditure":
        return figure, (_total_cells(record, (K.GOVERNMENT_FUND_EXPENDITURE,), ("total",))
                        + _summary_lines(record, fiscal, "expenditure", r"^支出总计|^本年支出合计", ("government_fund",)))
    if figure == "state_capital_expenditure":
        return figure, (_total_cells(record, (K.STATE_CAPITAL_EXPENDITURE,), ("total",))
                        + _summary_lines(record, fiscal, "expenditure", r"^支出总计|^本年支出合计", ("state_capital",)))
    if figure == "income_source":
        for words, column in _INCOME_SOURCES:
            if words in s:
                return figure, (_summary_lines(record, summary, "income", words)
                                + _total_cells(record, (K.INCOME_SUMMARY,), (column,)))
    if figure == "expenditure_column":
        for words, column in _EXPENDITURE_COLUMNS:
            if words in s:
                return figure, (_total_cells(record, (K.EXPENDITURE_SUMMARY,), (column,))
                                + _summary_lines(record, summary, "expenditure", words))
    general_first = bool(re.search(r"一般公共预算|财政拨款", s + text[:0]))
    if figure in ("basic_expenditure", "project_expenditure"):
        column = "basic" if figure == "basic_expenditure" else "project"
        kinds = (K.EXPENDITURE_BY_FUNCTION, K.EXPENDITURE_SUMMARY) if general_first else (
            K.EXPENDITURE_SUMMARY, K.EXPENDITURE_BY_FUNCTION)
        cells = [c for kind in kinds for c in _total_cells(record, (kind,), (column,))]
        if figure == "basic_expenditure":
            cells += _total_cells(record, (K.BASIC_EXPENDITURE_BY_ECONOMIC,), ("total",))
        else:
            cells += _total_cells(record, (K.PROJECT_EXPENDITURE,), ("total",))
        return figure, cells
    if figure in ("personnel_expenditure", "public_expenditure"):
        column = "personnel" if figure == "personnel_expenditure" else "public"
        cells = _total_cells(record, (K.BASIC_EXPENDITURE_BY_ECONOMIC,), (column,))
        if not cells and core_name(s) in ("公用经费", "人员经费"):
            # a 基本支出 table by economic class without the column: the classes that make it
            cells = _class_sums(record, _BASIC_PARTS[figure])
        return figure, cells
    # a classification or project named in words (or by its code in brackets)
    code = claim.get("code")
    dashed = re.search(r"(?<!\d)(\d{3}|\d{5}|\d{7})[-—－]", s)  # 2080501-行政单位离退休
    if not code and dashed:
        code = dashed.group(1)
    name = core_name(re.sub(r"(?<!\d)\d{3,7}[-—－]", "", s))
    if general_first or re.search(r"一般公共预算|财政拨款", text):
        kinds = (K.EXPENDITURE_BY_FUNCTION, K.EXPENDITURE_SUMMARY, K.INCOME_SUMMARY,
                 K.GOVERNMENT_FUND_EXPENDITURE, K.STATE_CAPITAL_EXPENDITURE)
    elif "政府性基金" in text:
        kinds = (K.GOVERNMENT_FUND_EXPENDITURE, K.EXPENDITURE_SUMMARY, K.EXPENDITURE_BY_FUNCTION)
    else:
        kinds = _FUNCTION_KINDS
    found = _named_rows(record, name, code, kinds) if code else []
    if found:
        return "function_class", found
    found = _named_rows(record, name, None, kinds)
    parent = _parent_name(s)
    if found and parent:
        # 审计事务(款)事业运行(项): the 事业运行 line under 审计事务, not another 款's
        found = [c for c in found
                 if (lambda named: named is None or parent in named or named in parent)(_parent_row_name(record, c))]
        if not found:
            return "function_class", []
    # 基本支出 by economic class, then all spending by economic class (深圳: 电费, 租赁费 of its projects)
    econ = _named_rows(record, name, None, (K.BASIC_EXPENDITURE_BY_ECONOMIC,)) \
        + _named_rows(record, name, None, (K.EXPENDITURE_BY_ECONOMIC,))
    project = _named_rows(record, name, None, (K.PROJECT_EXPENDITURE,), ("total", "general_budget"))
    if found:
        # a name without its code or 款 may be a function line, an economic class or a project
        # of the same name (深圳: 1.统计管理 352.27 万元 under 项目支出 is the project, not the 款):
        # the function line first, the others as later candidates
        return "function_class", found + ([] if parent else econ + project)
    if econ:
        return "economic_class", econ + project
    if project:
        return "project", project
    summary_rows = [c for side in ("income", "expenditure")
                    for c in _summary_lines(record, summary + fiscal, side, "^" + re.escape(name) + "$",
                                            ("amount", "total"))] if name else []
    if summary_rows:
        return "named_row", summary_rows
    return "named_row", []


# The table a figure is printed in: a claim of 0 whose figure is blank (or has no
# row) in that table, when the document prints the table, agrees with it.
_HOME_TABLES: dict[str, tuple[TableKind, ...]] = {
    **{f: (K.THREE_PUBLIC_EXPENSES,) for f in _THREE_PUBLIC_ITEM},
    **{f: (K.GOVERNMENT_PROCUREMENT,) for f in _PROCUREMENT_COLUMN},
    "income_source": (K.INCOME_SUMMARY, K.INCOME_EXPENDITURE_SUMMARY),
    "expenditure_column": (K.EXPENDITURE_SUMMARY,),
    "government_fund_income": (K.FISCAL_APPROPRIATION_SUMMARY, K.INCOME_EXPENDITURE_SUMMARY),
    "state_capital_income": (K.FISCAL_APPROPRIATION_SUMMARY, K.INCOME_EXPENDITURE_SUMMARY),
    "government_fund_expenditure": (K.GOVERNMENT_FUND_EXPENDITURE,),
    "state_capital_expenditure": (K.STATE_CAPITAL_EXPENDITURE,),
    "personnel_expenditure": (K.BASIC_EXPENDITURE_BY_ECONOMIC,),
    "public_expenditure": (K.BASIC_EXPENDITURE_BY_ECONOMIC,),
    "project_expenditure": (K.EXPENDITURE_SUMMARY, K.EXPENDITURE_BY_FUNCTION),
    # a function class of 0 this year: the function tables print no line for it
    "function_class": (K.EXPENDITURE_SUMMARY, K.EXPENDITURE_BY_FUNCTION),
}


def _blank_in_home_table(figure: str | None, record: dict) -> Figure | None:
    for kind in _HOME_TABLES.get(figure or "", ()):
        for ti, table in _tables(record, kind):
            return Figure(table_index=ti, row_index=None, column_key=None, amount="0", unit=table.get("unit"),
                          page=(table.get("pages") or [None])[0], row_name="(blank: not printed)", code=None,
                          n_terms=1, table_kind=table.get("kind"), prior_amount=None)
    return None


_NO_FIGURE = "the subject names no figure"
_NO_ROW = "no printed row or column of the tables names it"


def _why_unresolved(figure: str | None, record: dict) -> str:
    if figure is None:
        return _NO_FIGURE
    if figure in NARRATIVE_ONLY:
        return NARRATIVE_ONLY[figure]
    homes = _HOME_TABLES.get(figure)
    if homes and not any(True for _ in _tables(record, *homes)):
        return "no " + " / ".join(k.value for k in homes) + " table in the document"
    return _NO_ROW


# A figure the words name that no table prints: no row is named so (within the unit
# the narrative speaks of) and no cell of any table holds the amount, in any row or
# column (a project's detail, 在职人员经费, a 结转 project): "not printed in a table".
NOT_PRINTED = "not printed in a table: no row is named so and no table cell prints the amount"


def printed_values(record: dict, units: set[str] | None = None,
                   departments: set[str] | None = None) -> dict[str | None, list[Decimal]]:
    """Every amount the document's tables print, in yuan, sorted, by the unit whose block
    prints it (None: a row in no unit's block, or the department's)."""
    units, departments = units or set(), departments or set()
    values: dict[str | None, list[Decimal]] = {}
    for table in record.get("tables") or []:
        unit = table.get("unit")
        block: str | None = None
        for row in table.get("rows") or [] if unit in UNIT_FACTORS else []:
            name = normalise_name(row.get("name"))
            if name in units:
                block = name
            here = name.split("/", 1)[0] if "/" in name and name.split("/", 1)[0] in units else block
            here = None if here in departments else here
            values.setdefault(here, []).extend(
                y for v in (row.get("amounts") or {}).values() for y in [_yuan(v, unit)] if y is not None)
    return {k: sorted(v) for k, v in values.items()}


def _printed_anywhere(claim: dict, record: dict, printed: dict[str | None, list[Decimal]] | None = None,
                      scope: str | None = None) -> bool:
    """Whether a table cell prints the claim's amount (within half a step of the sentence's
    precision, plus a 元 step for the table's): for a unit's claim, a cell of its block or
    of no unit's block (another unit's figure is not this unit's)."""
    claim_yuan = _yuan(claim.get("amount"), claim.get("unit"))
    if claim_yuan is None:
        return True  # nothing to look for: not classified as unprinted
    printed = printed if printed is not None else printed_values(record)
    lists = list(printed.values()) if scope is None else [printed.get(scope, []), printed.get(None, [])]
    tol = tolerance_yuan(claim["amount"], claim["unit"], "0.01", "万元")
    for values in lists:
        at = bisect.bisect_left(values, claim_yuan - tol)
        if at < len(values) and values[at] <= claim_yuan + tol:
            return True
    return False


def truncated_to(claim_amount: str, claim_unit: str, table_amount: str, table_unit: str) -> bool:
    """Whether the sentence wrote the table figure cut to its own precision (上海: 13,616,271 元
    said as 1361 万元): printed coarser than the table, and the table figure less the claim is
    in [0, one step of the sentence). The narrative's rounding rule, per sentence precision
    (docs/quality.md, Tolerance)."""
    claim_yuan, table_yuan = _yuan(claim_amount, claim_unit), _yuan(table_amount, table_unit)
    if claim_yuan is None or table_yuan is None or claim_yuan < 0 or table_yuan < 0:
        return False
    claim_step = _step(claim_amount) * UNIT_FACTORS[claim_unit]
    if claim_step <= _step(table_amount) * UNIT_FACTORS[table_unit]:
        return False
    return Decimal(0) <= table_yuan - claim_yuan < claim_step


def _comparison(claim: dict, cell: dict) -> str | None:
    """How a claim compares with a table figure: "within" rounding (half a step each side),
    "truncated" (the table figure cut to the sentence's precision), "beyond"; None when
    either side is not an amount in a known unit."""
    claim_yuan, table_yuan = _yuan(claim.get("amount"), claim.get("unit")), _yuan(cell.get("amount"), cell.get("unit"))
    if claim_yuan is None or table_yuan is None:
        return None
    tol = tolerance_yuan(claim["amount"], claim["unit"], cell["amount"], cell["unit"], cell.get("n_terms") or 1)
    if abs(claim_yuan - table_yuan) <= tol:
        return "within"
    if truncated_to(claim["amount"], claim["unit"], cell["amount"], cell["unit"]):
        return "truncated"
    return "beyond"


def verdict(claim: dict) -> tuple[str, bool]:
    """A resolved claim's verdict (``countybudget.contracts.CLAIM_VERDICTS``) and whether it
    agrees only by truncation: the one definition (int_claim_checks and the GX claims batch
    read it from raw/claims)."""
    compared = _comparison(claim, {"amount": claim.get("resolved_amount"), "unit": claim.get("resolved_unit"),
                                   "n_terms": claim.get("resolved_n_terms")})
    if compared is None:
        return "unresolved", False
    return ("differs" if compared == "beyond" else "agrees"), compared == "truncated"


def unresolved_class(note: str | None) -> str | None:
    """The class of a resolution note (``countybudget.contracts.UNRESOLVED_CLASSES``; None: resolved)."""
    if note is None:
        return None
    if note == NOT_PRINTED:
        return "not_printed"
    if note == _NO_ROW:
        return "no_row"
    if note in NARRATIVE_ONLY.values():
        return "narrative_only"
    if note.startswith("no ") and note.endswith("table in the document"):
        return "no_table"
    return "no_figure"


def agrees(claim: dict, cell: Figure) -> bool:
    """Within rounding (half a step each side), or the table figure truncated to the sentence's precision."""
    return _comparison(claim, cell) in ("within", "truncated")


_BY_TABLE_KIND = {K.BASIC_EXPENDITURE_BY_ECONOMIC.value: "economic_class", K.EXPENDITURE_BY_ECONOMIC.value: "economic_class",
                  K.PROJECT_EXPENDITURE.value: "project",
                  K.EXPENDITURE_SUMMARY.value: "function_class"}


def _agrees_in_other_unit(claim: dict, cell: Figure) -> bool:
    other = {"元": "万元", "万元": "元"}.get(claim.get("unit") or "")
    return bool(other) and agrees({**claim, "unit": other}, cell)


def resolve_claim(claim: dict, record: dict, scope: str | None = None, units: set[str] | None = None,
                  departments: set[str] | None = None,
                  printed: dict[str | None, list[Decimal]] | None = None) -> dict:
    """The resolution columns of one claim (figure, where it is printed, as printed),
    within the unit ``scope`` when the document prints one block per unit."""
    figure, found = candidates(claim, record)
    if units:
        everywhere = found
        found = in_scope(found, record, scope, units, departments or set())
        if not found and everywhere and scope and _amount(claim.get("amount")) == 0:
            blank = _blank_in_unit_block(everywhere, record, scope)
            found = [blank] if blank else []
        elif not found and everywhere:
            # the unit the narrative speaks of is read from the names it mentions and may be
            # misread: a line of the same name in another unit's block, when its amount agrees
            found = [c for c in everywhere if agrees(claim, c)][:1]
    if not found and _amount(claim.get("amount")) == 0:
        classification = figure == "named_row" and (
            _LEVEL_MARK_RE.search(normalise_name(claim.get("subject"))) or claim.get("code"))
        blank = _blank_in_home_table("function_class" if classification else figure, record)
        found = [blank] if blank else []
    pick = next((c for c in found if agrees(claim, c)), None)
    # a figure the words may name but need not (机关运行经费 as 公用经费): only when the amounts agree
    found = [c for c in found if not c.get("confirm_only") or c is pick]
    if pick is None and found:
        # none agrees: the one that agrees once the sentence's unit is read as the other
        # (污染防治项目 18,686.86 元 for the table's 18,686.86 万元) — a wrong unit, shown as
        # such (unit_suspect in the mart) — else the first
        pick = next((c for c in found if _agrees_in_other_unit(claim, c)), found[0])
    if pick and pick.get("figure"):  # a confirmed figure names what the words meant
        figure = pick["figure"]
    if pick and figure in _BY_TABLE_KIND.values():  # a line named in words: what the table makes it
        figure = _BY_TABLE_KIND.get(pick.get("table_kind"), "function_class")
    note = None if found else _why_unresolved(figure, record)
    unit_scope = scope if units and scope not in (departments or set()) else None
    if note in (_NO_ROW, _NO_FIGURE) and not _printed_anywhere(claim, record, printed, unit_scope):
        note = NOT_PRINTED
    out = {"figure": figure, "resolved_table_index": None, "resolved_row_index": None,
           "resolved_column_key": None, "resolved_amount": None, "resolved_unit": None,
           "resolved_page": None, "resolved_row_name": None, "resolved_n_terms": None,
           "resolved_prior_amount": None, "n_candidates": len(found),
           "resolution_note": note}
    if pick:
        out.update(resolved_table_index=pick["table_index"], resolved_row_index=pick["row_index"],
                   resolved_column_key=pick["column_key"], resolved_amount=pick["amount"],
                   resolved_unit=pick["unit"], resolved_page=pick.get("page"),
                   resolved_row_name=pick.get("row_name"), resolved_n_terms=pick.get("n_terms") or 1,
                   resolved_prior_amount=pick.get("prior_amount"))
    out["verdict"], out["agrees_by_truncation"] = verdict({**claim, **out})
    out["unresolved_class"] = unresolved_class(note) if out["verdict"] == "unresolved" else None
    return out


# ------------------------------------------------------------------ unit scope
#
# A department's document may hold its units' budgets too (深圳: the 部门 and each 单位 —
# 本级, its centres, its district bureaus). The tables then print one block per unit
# (the unit's row, then its classes), and the narrative speaks of one unit at a time,
# naming it where its part begins. A claim is read within the unit the narrative last
# named; the figure it names is that unit's block's.


def unit_names(record: dict) -> tuple[set[str], set[str]]:
    """The budget units a document's tables print blocks for, and the department(s)
    among them (the row above its own 本级 row, i.e. the document's total). Units are
    the uncoded rows of a summary table keyed by unit then class."""
    units: set[str] = set()
    departments: set[str] = set()
    for _, table in _tables(record, K.EXPENDITURE_SUMMARY, K.INCOME_SUMMARY):
        rows = table.get("rows") or []
        if not any(r.get("code") for r in rows):
            continue
        names = [normalise_name(r.get("name")) if not r.get("code") and not r.get("side") and not _is_total_row(r)
                 and len(normalise_name(r.get("name"))) >= 4 else None for r in rows]
        units.update(n for n in names if n)
        for first, second in zip(names, names[1:]):
            if first and second:  # two unit rows in a row: the first is the department's total
                departments.add(first)
    if len(units) < 2:  # one unit: the document is the unit, no block to choose
        return set(), set()
    return units, departments


def _row_block(table: dict, ri: int, units: set[str]) -> str | None:
    """The unit whose block a row is in (the nearest unit row at or above it)."""
    rows = table.get("rows") or []
    name = normalise_name(rows[ri].get("name"))
    if "/" in name and name.split("/", 1)[0] in units:  # a 三公 table's per-unit rows
        return name.split("/", 1)[0]
    for row in reversed(rows[:ri + 1]):
        name = normalise_name(row.get("name"))
        if name in units:
            return name
    return None


def in_scope(candidates_found: list[Figure], record: dict, scope: str | None, units: set[str],
             departments: set[str]) -> list[Figure]:
    """The candidates in the block of the unit the narrative speaks of; all of them when
    it speaks of the department (or no table prints blocks)."""
    if not units:
        return candidates_found
    tables = record.get("tables") or []

    def block(c: Figure) -> str | None:
        if c.get("row_index") is None:
            return None
        found = _row_block(tables[c["table_index"]], c["row_index"], units)
        return None if found in departments else found

    if scope is None or scope in departments:
        # the department: its own figures first (rows in no unit's block)
        return sorted(candidates_found, key=lambda c: block(c) is not None)
    # a unit's figure is in its block, or not printed: another unit's (or the department's)
    # figure of the same name is not the one the words name
    return [c for c in candidates_found if block(c) == scope]


def _blank_in_unit_block(found: list[Figure], record: dict, scope: str) -> Figure | None:
    """A claim of 0 for a unit whose block prints no such line (a unit without 基本支出
    prints no economic rows): the unit's row of the table that prints the others' lines."""
    tables = record.get("tables") or []
    for c in found:
        table = tables[c["table_index"]]
        for ri, row in enumerate(table.get("rows") or []):
            if normalise_name(row.get("name")) == scope:
                return Figure(c, row_index=ri, column_key=None, amount="0", page=row.get("page"),
                              row_name=f"(blank: not printed in the block of {scope})", code=None, n_terms=1,
                              prior_amount=None)
    return None


_PART_RE = re.compile(r"第[一二三四五六七八九十]+部分")


def _names_unit(text: str, unit: str) -> bool:
    """Whether a sentence names a unit: in full, or without its city (市建筑工务署工程管理中心
    for 深圳市建筑工务署工程管理中心: a city's own units drop the city's name)."""
    if unit in text:
        return True
    city = re.match(r"^[\u4e00-\u9fff]{2,3}(?=市.{4,})", unit)
    return bool(city) and unit[city.end():] in text


def _scope_named(text: str, units: set[str]) -> str | None:
    """The unit a sentence names (the longest unit name it contains)."""
    named = [u for u in units if _names_unit(text, u)]
    return max(named, key=len) if named else None


def _before_amount(text: str, claim: dict) -> str:
    """The words up to the claim's subject: a unit named after the amount (…该费用由市水务局(本级)划转)
    is mentioned in passing, not the unit the figure belongs to."""
    subject = normalise_name(claim.get("subject"))
    at = text.find(subject) if subject else -1
    return text[:at + len(subject)] if at >= 0 else text


def resolve_claims(record: dict) -> list[dict]:
    """Every claim of a parse record with its resolution columns added (in place), in
    reading order, each within the unit the narrative last named."""
    units, departments = unit_names(record)
    printed = printed_values(record, units, departments)
    scope: str | None = None
    for claim in record.get("claims") or []:
        text = normalise_name(claim.get("text"))
        if _PART_RE.search(text):  # a new part of the document speaks of the whole department
            scope = None
        scope = (_scope_named(_before_amount(text, claim), units) if units else None) or scope
        try:
            claim.update(resolve_claim(claim, record, scope, units, departments, printed))
        except Exception as exc:  # one odd sentence must not lose the document
            claim.update(figure=None, resolution_error=f"{type(exc).__name__}: {exc}", verdict="unresolved",
                         agrees_by_truncation=False, unresolved_class="no_figure")
    return record.get("claims") or []
