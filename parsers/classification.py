"""Is this document a budget disclosure at all? budget / final account / other.

A third of what a portal's budget page links to is not a disclosure: notices
with a 文号 (…〔2026〕3号), regulations and work procedures, performance-target
forms filed beside the budget, price lists, reports, industry standards. They
must not become "documents" of the warehouse with no figures, so the parser
classifies every document from its text, whoever produced the text (a text
layer, DOCX/XLSX cells, or OCR of a scan: ``classify`` takes page texts).

Structure decides, never a city's titles: a disclosure prints the national
template's standard tables (收支总表, 收入总表, 支出总表, 财政拨款收支总表, the
一般公共预算 and 基本支出 tables, 三公 经费, 政府性基金, 国有资本经营, 项目支出)
and its explanation headings (部门职责, 机构设置, 名词解释). Three or more of
those families make a disclosure whatever else the text says (a covering
notice with the tables attached is still a disclosure). Fewer make one only
when the title also says 部门/单位 预算 or 决算, or the parser read one of the
standard tables (a portal may post each table as its own attachment), and
nothing marks a notice (a 文号, 通知 / 办法 / 报告 … in the title) or a
performance-target form; the rest are ``other``, with the reason a person can
check.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

BUDGET, FINAL_ACCOUNT, OTHER = "budget", "final_account", "other"

# A disclosure has at least this many standard families to count as one on structure alone.
STRUCTURE_ENOUGH = 3
# Where the title and a 文号 are printed: the first lines of the first pages.
_HEAD_CHARS = 300

_PLAN = r"(?:预算|决算)?"
# The national template's tables and headings, by family (text with spaces removed, NFKC).
STANDARD_FAMILIES: dict[str, re.Pattern[str]] = {
    "收支总表": re.compile(rf"(?<!财政拨款)(?:收支|收入支出){_PLAN}总表"),
    "收入总表": re.compile(rf"(?<!财政拨款)收入{_PLAN}(?:总表|表)(?!.{{0,2}}绩效)"),
    "支出总表": re.compile(rf"(?<![基本项目])支出{_PLAN}总表"),
    "财政拨款收支总表": re.compile(rf"财政拨款(?:收支|收入支出){_PLAN}总表"),
    "一般公共预算支出表": re.compile(r"一般公共预算(?:财政拨款)?(?:基本)?支出(?:预算|决算)?(?:情况)?表"),
    "基本支出表": re.compile(rf"基本支出{_PLAN}(?:情况)?表"),
    "三公经费": re.compile(r"[“\"']?三公[”\"']?经费|因公出国[(（]境[)）]费"),
    "政府性基金": re.compile(r"政府性基金预算(?:财政拨款)?(?:收入)?(?:支出)?(?:预算|决算)?(?:情况)?表"),
    "国有资本经营": re.compile(r"国有资本经营预算(?:财政拨款)?(?:收入)?(?:支出)?(?:预算|决算)?(?:情况)?表"),
    "项目支出表": re.compile(rf"项目支出{_PLAN}(?:情况)?表"),
    # the columns of the table by function: 功能分类 / 科目编码 beside 基本支出 and 项目支出
    "功能分类支出": re.compile(r"(?:功能分类|科目编码).{0,200}基本支出.{0,40}项目支出"),
    "说明": re.compile(r"(?:部门|单位)(?:主要)?职[责能]|机构设置|名词解释|(?:部门|单位)基本情况"),
}
# A table kind the parser recognised (countybudget.table_kinds) is a family too.
_KIND_FAMILIES: dict[str, str] = {
    "income_expenditure_summary": "收支总表",
    "income_summary": "收入总表",
    "expenditure_summary": "支出总表",
    "fiscal_appropriation_summary": "财政拨款收支总表",
    "expenditure_by_function": "一般公共预算支出表",
    "basic_expenditure_by_economic": "基本支出表",
    "three_public_expenses": "三公经费",
    "government_fund_expenditure": "政府性基金",
    "state_capital_expenditure": "国有资本经营",
    "project_expenditure": "项目支出表",
}

# 部门预算 / 单位决算 / 部门整体收支预算 in the title, not a 预算绩效目标 form.
_TITLE_DISCLOSURE_RE = re.compile(r"(?:部门|单位)(?:整体)?(?:收支)?(?P<kind>预算|决算)(?!绩效)")
_TITLE_PLAIN_RE = re.compile(r"20\d{2}年度?(?:.{0,30}?)(?P<kind>预算|决算)(?:公开|说明|报告|信息)?$")
# A document number: 穗财预〔2026〕12号, [2026] 3 号, （2026）第5号.
_WENHAO_RE = re.compile(r"[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*第?\s*\d{1,4}\s*号")
_NOTICE_WORDS = ("通知", "通告", "公告", "办法", "规程", "意见", "规定", "细则", "决定", "批复", "函", "方案", "规范",
                 "标准", "目录", "报告", "指南", "制度")
_PERFORMANCE_RE = re.compile(r"绩效(?:目标|自评|评价)")


@dataclass(frozen=True)
class Classification:
    """What a document is: ``kind`` (budget | final_account | other), the evidence, and why."""

    kind: str
    families: tuple[str, ...]
    reason: str

    @property
    def is_disclosure(self) -> bool:
        return self.kind != OTHER


def normalise(text: str) -> str:
    """NFKC with every space removed: titles and table headings wrap and are letter-spaced."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def standard_families(text: str, table_kinds: Iterable[str | None] = ()) -> tuple[str, ...]:
    """The standard tables and headings the text (or the parsed tables) shows, in template order."""
    found = {name for name, pattern in STANDARD_FAMILIES.items() if pattern.search(text)}
    found |= {_KIND_FAMILIES[k] for k in table_kinds if k in _KIND_FAMILIES}
    return tuple(name for name in STANDARD_FAMILIES if name in found)


def head_text(page_texts: Sequence[str]) -> str:
    """The first characters of the document (its title block and any 文号), normalised."""
    return normalise("".join(page_texts[:2]))[:_HEAD_CHARS]


def title_of(page_texts: Sequence[str]) -> str:
    """The first non-empty lines, joined (a title wraps over two or three lines)."""
    for text in page_texts[:3]:
        lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
        if lines:
            return normalise("".join(lines[:3]))[:80]
    return ""


def classify(page_texts: Sequence[str], table_kinds: Iterable[str | None] = (),
             doc_type: str | None = None) -> Classification:
    """Classify a document from its page texts (any source: text layer, Office cells, OCR)
    and, where known, the kinds of the tables the parser recognised. ``doc_type`` is the
    metadata's 预算 / 决算 reading, used for the kind of a disclosure."""
    table_kinds = tuple(table_kinds)  # read twice below
    text = normalise("\n".join(page_texts))
    families = standard_families(text, table_kinds)
    head = head_text(page_texts)
    title = title_of(page_texts)
    wenhao = _WENHAO_RE.search(head)
    notice = next((w for w in _NOTICE_WORDS if w in title), None)
    titled = _TITLE_DISCLOSURE_RE.search(title) or _TITLE_PLAIN_RE.search(title)
    kind = doc_type if doc_type in (BUDGET, FINAL_ACCOUNT) else _kind_from_text(titled, text)
    listed = "、".join(families) or "none"
    if len(families) >= STRUCTURE_ENOUGH:
        return Classification(kind, families, f"{len(families)} standard tables/headings: {listed}")
    read_kinds = sorted({k for k in table_kinds if k in _KIND_FAMILIES})
    if families and (titled or read_kinds) and not (wenhao or notice) and not _PERFORMANCE_RE.search(title):
        # a part of a disclosure: portals post each standard table as its own attachment
        evidence = f"title {title[:40]!r}" if titled else f"standard tables read ({', '.join(read_kinds)})"
        return Classification(kind, families, f"{evidence} and {listed}")
    # for the reason only: a title block that reads badly (a standard's cover) still names its kind
    notice = notice or min((w for w in _NOTICE_WORDS if w in head[:120]), key=head.find, default=None)
    return Classification(OTHER, families, _other_reason(title, wenhao, notice, families))


def _kind_from_text(titled: re.Match[str] | None, text: str) -> str:
    if titled:
        return FINAL_ACCOUNT if titled.group("kind") == "决算" else BUDGET
    return FINAL_ACCOUNT if text.count("决算") > text.count("预算") else BUDGET


def _other_reason(title: str, wenhao: re.Match[str] | None, notice: str | None, families: tuple[str, ...]) -> str:
    shown = f"title {title[:40]!r}" if title else "no title"
    if _PERFORMANCE_RE.search(title):
        what = "a performance-target form (绩效目标), not the budget's standard tables"
    elif wenhao or notice:
        marks = [f"文号 {wenhao.group(0)}" if wenhao else None, f"title word {notice}" if notice else None]
        what = "a notice, regulation or report (" + ", ".join(m for m in marks if m) + ")"
    else:
        what = "no budget or final-account title"
    found = f"{len(families)} of the standard tables/headings ({'、'.join(families)})" if families else \
        "none of the standard tables or headings"
    return f"not a budget disclosure: {what}; {found}; {shown}"
