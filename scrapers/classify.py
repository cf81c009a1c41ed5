"""Is this posting a departmental budget disclosure, and of whom, for which year?

Titles look like 平乡县人民政府办公室2024年部门预算公开, 2026年广州市财政局部门预算,
凤县人民政府办公室(本级)2024年单位预算公开说明 or 关于公开2023年部门决算的公告.
Noise on the same lists (安全生产月, 政府信息公开工作年度报告, 招聘公告) has no
预算/决算 of a 部门/单位 and is skipped before its detail page is fetched.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from scrapers.registry import KeywordRules

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:年度|年)")
_BARE_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_DOC_PHRASE = re.compile(
    r"(?:部门|单位)?(?:整体)?(?:预算|决算)(?:和|及|与)?(?:部门|单位)?(?:预算|决算)?"
    r"(?:信息)?(?:公开)?(?:情况)?(?:说明|报告|公告|表|的公告|的通知)?.*$"
)
_LEADING = re.compile(r"^(?:关于)?(?:公开|公布|发布)?")
_TRAILING_JUNK = re.compile(r"[\s:：\-—_（(]*$")
_NOTICE_WRAPPER = re.compile(r"^关于(.+?)的(?:公告|通知|公示)$")


@dataclass(frozen=True)
class Classification:
    doc_type: str  # budget | final_account
    fiscal_year: int | None
    unit_name: str | None


def normalise_title(title: str) -> str:
    """NFKC (full-width digits and brackets become ASCII) and single spaces."""
    return " ".join(unicodedata.normalize("NFKC", title or "").split())


def doc_type_of(title: str, rules: KeywordRules) -> str | None:
    """budget or final_account by the first 预算/决算 keyword in the title."""
    positions = [(title.find(k), k) for k in rules.doc_type_any if k in title]
    if not positions:
        return None
    keyword = min(positions)[1]
    return "final_account" if "决算" in keyword else "budget"


def fiscal_year_of(title: str) -> int | None:
    match = _YEAR.search(title) or _BARE_YEAR.search(title)
    return int(match.group(1)) if match else None


def unit_name_of(title: str) -> str | None:
    """The publishing department: the title with the year and the 部门预算… phrase removed."""
    text = normalise_title(title)
    wrapped = _NOTICE_WRAPPER.match(text)
    if wrapped:
        text = wrapped.group(1)
    text = _YEAR.sub(" ", text, count=1)
    text = _DOC_PHRASE.sub("", text)
    text = _LEADING.sub("", text)
    text = _TRAILING_JUNK.sub("", text).strip()
    text = text.replace(" ", "")
    return text if len(text) >= 2 else None


def noise_reason(title: str, rules: KeywordRules) -> str | None:
    """Why a title is not a departmental budget disclosure, or None if it is one."""
    text = normalise_title(title)
    if not text:
        return "no title"
    for word in rules.exclude_any:
        if word in text:
            return f"excluded keyword {word!r}"
    if not any(k in text for k in rules.doc_type_any):
        return "no 预算/决算 keyword"
    if rules.scope_any and not any(k in text for k in rules.scope_any):
        return "no 部门/单位 keyword"
    return None


def classify(title: str, rules: KeywordRules) -> Classification | None:
    """The classification of a disclosure title, or None for noise."""
    if noise_reason(title, rules):
        return None
    text = normalise_title(title)
    doc_type = doc_type_of(text, rules)
    assert doc_type is not None  # noise_reason checked the keywords
    return Classification(doc_type=doc_type, fiscal_year=fiscal_year_of(text), unit_name=unit_name_of(text))


def classify_attachment(link_text: str, posting: Classification, rules: KeywordRules) -> Classification:
    """An attachment inherits its posting's classification; its own name refines it
    (one posting of 2024年部门预算 may carry one file per department)."""
    text = normalise_title(link_text)
    text = re.sub(r"\.(pdf|docx?|xlsx?|wps|et|zip|rar)$", "", text, flags=re.IGNORECASE)
    own_type = doc_type_of(text, rules)
    own_unit = unit_name_of(text) if own_type else None
    # the fuller name wins: 平乡县教育局 (file) over 平乡县 (collective posting),
    # 广州市统计局 (posting) over 统计局 (file)
    units = [u for u in (posting.unit_name, own_unit) if u]
    return Classification(
        doc_type=own_type or posting.doc_type,
        fiscal_year=fiscal_year_of(text) or posting.fiscal_year,
        unit_name=max(units, key=len) if units else None,
    )
