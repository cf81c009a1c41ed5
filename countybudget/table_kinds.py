"""The table-kind vocabulary, defined once.

Every standard table of a 部门预算 / 部门决算 disclosure is one of these kinds;
parsers emit them, the corpus ground truth uses them, dbt accepts them
(``accepted_values``) and the quality suites key on them.
"""

from __future__ import annotations

from enum import Enum


class TableKind(str, Enum):
    INCOME_EXPENDITURE_SUMMARY = "income_expenditure_summary"  # 收支总表
    INCOME_SUMMARY = "income_summary"  # 收入总表
    EXPENDITURE_SUMMARY = "expenditure_summary"  # 支出总表
    FISCAL_APPROPRIATION_SUMMARY = "fiscal_appropriation_summary"  # 财政拨款收支总表
    EXPENDITURE_BY_FUNCTION = "expenditure_by_function"  # 一般公共预算(财政拨款)支出表
    BASIC_EXPENDITURE_BY_ECONOMIC = "basic_expenditure_by_economic"  # 一般公共预算基本支出表
    # 一般公共预算支出经济分类表: all (or only project) expenditure by economic
    # class, not the basic-only table above (its figures must not be read as 基本支出)
    EXPENDITURE_BY_ECONOMIC = "expenditure_by_economic"
    GOVERNMENT_FUND_EXPENDITURE = "government_fund_expenditure"  # 政府性基金预算支出表
    STATE_CAPITAL_EXPENDITURE = "state_capital_expenditure"  # 国有资本经营预算支出表
    THREE_PUBLIC_EXPENSES = "three_public_expenses"  # “三公”经费支出表
    PROJECT_EXPENDITURE = "project_expenditure"  # 项目支出表
    GOVERNMENT_PROCUREMENT = "government_procurement"  # 政府采购支出表
    # 机关运行经费支出表: the administrative running costs by economic class (302xx)
    OFFICE_OPERATING_EXPENSES = "office_operating_expenses"
    PERFORMANCE_TARGETS = "performance_targets"  # 绩效目标表
    UNKNOWN = "unknown"  # anything else: raw cells kept

    def __str__(self) -> str:  # so f-strings and JSON show the plain value
        return self.value


TABLE_KINDS: tuple[str, ...] = tuple(k.value for k in TableKind)

# Row keys of the 三公 table (rows are keyed by item, not by code).
THREE_PUBLIC_ITEMS: tuple[str, ...] = (
    "total",
    "overseas",  # 因公出国（境）费
    "vehicle_purchase",  # 公务用车购置费
    "vehicle_operation",  # 公务用车运行维护费
    "reception",  # 公务接待费
    "meeting",  # 会议费
    "training",  # 培训费
)

DOC_TYPES: tuple[str, ...] = ("budget", "final_account")  # 预算 / 决算
FORMATS: tuple[str, ...] = ("pdf", "docx", "xlsx", "xls", "doc", "html")

# Column keys of amount columns, per table kind. Parsers map printed headers
# (合计 / 基本支出 / 项目支出 / 人员经费 / 公用经费 …) to these keys; tables
# may carry a subset. Summary tables put income and expenditure rows side by
# side: such rows carry ``side`` = "income" | "expenditure". An amount column
# whose header maps to none of its kind's keys keeps its printed words as the
# key ``col:<header words>`` (docs/contracts.md §4): never dropped.
#
# The same role has the same key in every kind: ``personnel`` / ``public`` are
# the two parts of 基本支出 wherever they are printed; the funding sources are
# the income summary's and the fiscal-appropriation summary's keys.
FUNDING_SOURCE_KEYS: tuple[str, ...] = (
    "fiscal_appropriation",  # 财政拨款 (小计 / 合计 of the three below)
    "general_budget",  # 一般公共预算(拨款)
    "government_fund",  # 政府性基金预算(拨款)
    "state_capital",  # 国有资本经营预算(拨款)
    "fiscal_special_account",  # 财政专户管理资金 / 财政专户拨款
    "unit_funds",  # 单位资金 (小计 of the five below)
    "business",  # 事业收入
    "operating",  # 事业单位经营收入
    "superior_subsidy",  # 上级补助收入
    "subordinate_remittance",  # 附属单位上缴收入
    "other",  # 其他收入 / 其他资金
    "carryover",  # 上年结转(结余)
)
_EXPENDITURE_PARTS = (
    "total",  # 合计 / 小计 / 总计
    "basic",  # 基本支出
    "personnel",  # 人员经费 (part of 基本支出)
    "public",  # 公用经费 / 日常公用支出 (part of 基本支出)
    "project",  # 项目支出 / 专项业务经费支出
)
COLUMN_KEY_PREFIX_UNMAPPED = "col:"

COLUMN_KEYS: dict[str, tuple[str, ...]] = {
    # 预算数/决算数 of each half; an expenditure half may split its 合计 (amount)
    # into 基本支出 (人员经费 + 公用经费) + 项目支出
    TableKind.INCOME_EXPENDITURE_SUMMARY.value: ("amount", "basic", "personnel", "public", "project"),
    TableKind.INCOME_SUMMARY.value: (
        "total",  # 合计
        "current_year_subtotal",  # 本年收入小计
        "fiscal_appropriation",  # 财政拨款收入 (the group, where printed as a column of its own)
        "general_budget",  # 一般公共预算拨款 (a part of 财政拨款)
        "government_fund",  # 政府性基金预算拨款
        "state_capital",  # 国有资本经营预算拨款
        "fiscal_special_account",  # 财政专户管理资金收入
        "business",  # 事业收入
        "operating",  # 事业单位经营收入 / 经营收入
        "superior_subsidy",  # 上级补助收入
        "subordinate_remittance",  # 附属单位上缴收入
        "other",  # 其他收入
        "carryover",  # 上年结转（结余）
    ),
    TableKind.EXPENDITURE_SUMMARY.value: (
        "total",  # 合计
        "basic",  # 基本支出
        "project",  # 项目支出
        "operating",  # 经营支出 / 事业单位经营支出
        "remittance_to_superior",  # 上缴上级支出
        "subsidy_to_subordinate",  # 对附属单位补助支出
    ),
    TableKind.FISCAL_APPROPRIATION_SUMMARY.value: (
        "amount",  # income half: 金额
        "total",  # expenditure half: 合计
        "general_budget",  # 一般公共预算财政拨款
        "government_fund",  # 政府性基金预算财政拨款
        "state_capital",  # 国有资本经营预算财政拨款
    ),
    TableKind.EXPENDITURE_BY_FUNCTION.value: _EXPENDITURE_PARTS,
    # by economic class; the by-source layout (总计 | 财政拨款 … | 单位资金 …) too
    TableKind.BASIC_EXPENDITURE_BY_ECONOMIC.value: ("total", "personnel", "public", *FUNDING_SOURCE_KEYS),
    TableKind.EXPENDITURE_BY_ECONOMIC.value: _EXPENDITURE_PARTS,
    TableKind.GOVERNMENT_FUND_EXPENDITURE.value: _EXPENDITURE_PARTS,
    TableKind.STATE_CAPITAL_EXPENDITURE.value: _EXPENDITURE_PARTS,
    # rows keyed by ``item`` (THREE_PUBLIC_ITEMS); final accounts add budget/actual;
    # some print each item's figure by source (一般公共预算 | 政府性基金 | 国有资本经营)
    TableKind.THREE_PUBLIC_EXPENSES.value: ("amount", "budget", "actual", "general_budget", "government_fund", "state_capital"),
    TableKind.PROJECT_EXPENDITURE.value: ("total", *FUNDING_SOURCE_KEYS),
    TableKind.GOVERNMENT_PROCUREMENT.value: ("total", "goods", "works", "services", *FUNDING_SOURCE_KEYS),
    TableKind.OFFICE_OPERATING_EXPENSES.value: ("total",),  # 机关运行经费支出 / 合计, per economic code
    TableKind.PERFORMANCE_TARGETS.value: (),  # text rows, see docs/contracts.md
    TableKind.UNKNOWN.value: (),
}


def is_unmapped_column_key(key: str) -> bool:
    """A ``col:<header words>`` key: an amount column no role was found for."""
    return key.startswith(COLUMN_KEY_PREFIX_UNMAPPED)
