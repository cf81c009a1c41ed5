"""What a disclosure disclosed: the standard tables and explanations of the
national template, each present, empty with its note, or missing.

Transparency indices score a department's 部门预算 / 部门决算 table by table;
this module reads the same items from one parse record (tables, their notes,
units and page text) so the warehouse can score every document
(``mart_disclosure_completeness``). The template, the weights and where each
rule comes from are in docs/disclosure-completeness.md.

``assess(record, page_texts)`` returns ``{item: status}``:

- tables (``t_*``): ``present`` (figures printed), ``empty_with_note`` (no
  figure, and a note saying why: 本表无数据 / 无发生额 / 没有使用…安排的支出),
  ``empty_without_note``, ``missing`` (no such table found);
- explanations (``e_*``): ``given`` / ``missing`` (a sentence of the 情况说明
  about it: “三公” with its change and reason, 机关运行经费, 政府采购,
  国有资产占用, 绩效目标, 名词解释); ``None`` when the text is not known (a
  record without page text, e.g. the corpus ground truth);
- labels: ``l_units`` and ``l_unit_names``: how many of the standard tables
  print their unit line / their 部门 or 单位 name, as ``"n/m"``.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from countybudget.table_kinds import TableKind

K = TableKind

# The standard tables of the national template (部门预算 and 部门决算 alike:
# 收支总表 … 国有资本经营预算支出表), in template order.
TEMPLATE_TABLES: tuple[tuple[str, TableKind], ...] = (
    ("t_income_expenditure_summary", K.INCOME_EXPENDITURE_SUMMARY),
    ("t_income_summary", K.INCOME_SUMMARY),
    ("t_expenditure_summary", K.EXPENDITURE_SUMMARY),
    ("t_fiscal_appropriation_summary", K.FISCAL_APPROPRIATION_SUMMARY),
    ("t_expenditure_by_function", K.EXPENDITURE_BY_FUNCTION),
    ("t_basic_expenditure_by_economic", K.BASIC_EXPENDITURE_BY_ECONOMIC),
    ("t_three_public_expenses", K.THREE_PUBLIC_EXPENSES),
    ("t_government_fund_expenditure", K.GOVERNMENT_FUND_EXPENDITURE),
    ("t_state_capital_expenditure", K.STATE_CAPITAL_EXPENDITURE),
)
EXPLANATIONS: tuple[str, ...] = (
    "e_three_public", "e_operation_cost", "e_procurement", "e_assets", "e_performance", "e_glossary",
)
ITEMS: tuple[str, ...] = tuple(i for i, _ in TEMPLATE_TABLES) + EXPLANATIONS + ("l_units", "l_unit_names")

# A note that says why a table is empty (not a bare “注：无。”).
_EMPTY_NOTE_RE = re.compile(r"无数据|无发生额|空表|没有(使用)?|未(安排|使用)|不涉及|无[^。，,]{0,20}(支出|收入|预算|经费)|为零|为0")
_AMOUNT = r"\d[\d,]*(?:\.\d+)?(?:万元|元|亿元)"
_EXPLANATION_RULES: dict[str, re.Pattern] = {
    # “三公” stated with its change (or 持平) and the reason for it
    "e_three_public": re.compile(r"三公.{0,200}((增加|减少|增长|下降).{0,200}(原因|主要是|主要用于|由于|因为|系)|持平|相同|无变化|无增减)"),
    "e_operation_cost": re.compile(rf"机关运行经费.{{0,60}}({_AMOUNT}|为0|为零|无|未安排|没有)"),
    "e_procurement": re.compile(rf"(无|没有|未安排)政府采购|政府采购.{{0,80}}({_AMOUNT}|为0|为零|未安排|没有)"),
    "e_assets": re.compile(r"(国有资产|固定资产|资产占[有用]).{0,120}(\d|无)"),
    "e_performance": re.compile(r"绩效目标"),
    "e_glossary": re.compile(r"名词解释|专业名词|名词说明|术语解释"),
}
# A 部门/单位 name printed with a table (编制单位：…, 部门：…, 单位名称)
_UNIT_NAME_RE = re.compile(r"编制(单位|部门)|部门名称|单位名称|预算单位[:：]|部门[:：]|单位[:：](?!\s*(人民币)?\s*(万元|元|千元|亿元))")


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _is_zero(value: Any) -> bool:
    try:
        return Decimal(str(value)) == 0
    except (InvalidOperation, ValueError):
        return False


def table_status(table: dict[str, Any]) -> str:
    """present / empty_with_note / empty_without_note for one parsed table."""
    figures = [v for row in table.get("rows") or [] for v in (row.get("amounts") or {}).values() if v is not None]
    if table.get("kind") == K.PERFORMANCE_TARGETS.value:
        figures = [row.get("target") for row in table.get("rows") or [] if row.get("target")]
    if any(not _is_zero(v) for v in figures):
        return "present"
    note = _flat(table.get("note") or "") + _flat(table.get("title") or "")
    return "empty_with_note" if _EMPTY_NOTE_RE.search(note) else "empty_without_note"


_RANK = {"present": 3, "empty_with_note": 2, "empty_without_note": 1, "missing": 0}


def assess(record: dict[str, Any], page_texts: list[str] | None = None) -> dict[str, Any]:
    """The completeness items of one document (see the module docstring)."""
    tables = record.get("tables") or []
    out: dict[str, Any] = {}
    standard = []
    for item, kind in TEMPLATE_TABLES:
        found = [t for t in tables if t.get("kind") == kind.value]
        standard.extend(found)
        statuses = [table_status(t) for t in found] or ["missing"]
        out[item] = max(statuses, key=_RANK.__getitem__)
    if page_texts is None:
        out.update({item: None for item in EXPLANATIONS})
        out["l_unit_names"] = None
    else:
        text = _flat("\n".join(page_texts))
        for item, rule in _EXPLANATION_RULES.items():
            given = bool(rule.search(text))
            if item == "e_performance":
                given = given or any(t.get("kind") == K.PERFORMANCE_TARGETS.value for t in tables)
            out[item] = "given" if given else "missing"
        named = 0
        for t in standard:
            pages = t.get("pages") or []
            page = _flat(page_texts[pages[0] - 1]) if pages and 0 < pages[0] <= len(page_texts) else ""
            unit_name = _flat(record.get("unit_name") or "")
            if _UNIT_NAME_RE.search(page) or (unit_name and unit_name in page):
                named += 1
        out["l_unit_names"] = f"{named}/{len(standard)}"
    with_unit = sum(1 for t in standard if t.get("unit") and t.get("unit_source") != "inferred")
    out["l_units"] = f"{with_unit}/{len(standard)}"
    return out
