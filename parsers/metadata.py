"""Document metadata from the text: which unit, which year, budget or final
account, and the currency unit most tables use.

Titles differ by province (``2026年广州市卫生健康委员会部门预算``,
``凤县人民政府办公室(本级) / 2024年单位预算公开说明``, ``上海市2026年市级单位预算
/ 预算单位：…``), so the unit name comes first from an explicit label, then from
the title around the year, reading only the first page(s).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from countybudget.money import printed_units

# A label naming the unit outright.
_LABEL_RE = re.compile(r"(?:预算单位|决算单位|单位名称|部门名称|编制单位|填报单位)[:：](?P<name>[^:：,，;；|]{2,40})")
_YEAR = r"(?P<year>20\d{2})年度?"
_KIND = r"(?:部门|单位)?(?:整体)?(?:收支)?(?P<kind>预算|决算)"
# Name after the year: "2026年广州市卫生健康委员会部门预算".
_NAME_AFTER_YEAR = re.compile(_YEAR + r"(?P<name>[^\d年]{2,40}?)" + _KIND)
# Name before the year: "濉溪县人民政府办公室2024年部门预算公开", "…2024年度项目支出绩效目标".
_NAME_BEFORE_YEAR = re.compile(r"(?P<name>[^\d年]{2,40}?)" + _YEAR)
_YEAR_KIND_RE = re.compile(_YEAR + r"[^\d]{0,30}?" + _KIND)
_ORG_SUFFIX_RE = re.compile(
    r"(局|委员会|委|办公室|办|厅|部|院|中心|政府|所|站|队|会|处|馆|校|学|署|社|团|总队|支队|大队|集团|公司|室|科)$"
)
_PAREN_TAIL_RE = re.compile(r"[(（][^()（）]*[)）]$")  # 办公室(县政府外事办公室)
_GENERIC_NAMES = {"市级", "县级", "区级", "本级", "本单位", "本部门", "部门", "单位"}
_TITLE_LINES = 6


def _compact(text: str) -> str:
    """Spaces removed (the text layer puts them around numbers and in wrapped
    titles); characters otherwise as printed, since names are kept as printed."""
    return re.sub(r"\s+", "", text)


def _normalise(text: str) -> str:
    return _compact(unicodedata.normalize("NFKC", text))


def title_text(page_texts: list[str], normalise: bool = True) -> str:
    """The first lines of the document joined, spaces removed (titles wrap)."""
    for text in page_texts[:3]:
        lines = [ln for ln in (text or "").splitlines() if ln.strip()]
        if lines:
            joined = "".join(lines[:_TITLE_LINES])
            return _normalise(joined) if normalise else _compact(joined)
    return ""


def extract_fiscal_year(page_texts: list[str]) -> int | None:
    """The year of the title, else the year most often next to 预算/决算."""
    title = title_text(page_texts)
    match = _YEAR_KIND_RE.search(title) or re.search(r"(?P<year>20\d{2})年", title)
    if match:
        return int(match.group("year"))
    years = Counter(m.group("year") for t in page_texts[:5] for m in _YEAR_KIND_RE.finditer(_normalise(t or "")))
    return int(years.most_common(1)[0][0]) if years else None


def extract_doc_type(page_texts: list[str]) -> str | None:
    """``budget`` (预算) or ``final_account`` (决算), from the title first."""
    title = title_text(page_texts)
    match = _YEAR_KIND_RE.search(title)
    if match:
        return "final_account" if match.group("kind") == "决算" else "budget"
    body = _normalise("".join((t or "") for t in page_texts[:5]))
    if "决算" in title or body.count("决算") > body.count("预算"):
        return "final_account"
    return "budget" if "预算" in body else None


def extract_unit_name(page_texts: list[str]) -> str | None:
    """The department or unit the document is about, as printed in its title,
    else as given by a label such as ``预算单位：``."""
    title = title_text(page_texts, normalise=False)
    candidates = [m.group("name") for rx in (_NAME_AFTER_YEAR, _NAME_BEFORE_YEAR) for m in rx.finditer(title)]
    for name in (_clean_name(c) for c in candidates):
        if name:
            return name
    for text in page_texts[:2]:
        for line in (text or "").splitlines():
            label = _LABEL_RE.search(_compact(line))
            if label and (name := _clean_name(label.group("name"))):
                return name
    return None


def _clean_name(raw: str) -> str | None:
    """The unit name in a title fragment, or None when it does not read like one."""
    name = raw.strip("“”\"'《》〈〉:：-—·|")
    name = re.sub(r"^(附件\d*[:：]?|关于|公开)", "", name)
    name = re.sub(r"(部门|单位)$", "", name)
    if len(name) < 2 or re.search(r"预算|决算|[:：]", name):  # ran into the title's own words or a label
        return None
    if len(name) < 2 or len(name) > 30 or name in _GENERIC_NAMES or not _ORG_SUFFIX_RE.search(_PAREN_TAIL_RE.sub("", name)):
        return None
    return name


def extract_currency_unit(table_units: list[str | None], page_texts: list[str]) -> str | None:
    """The unit most tables print (元 or 万元); failing tables, the unit lines in the text."""
    counts = Counter(u for u in table_units if u in ("元", "万元"))
    if not counts:
        counts = Counter(u for t in page_texts for u in printed_units(_normalise(t or "")) if u in ("元", "万元"))
    return counts.most_common(1)[0][0] if counts else None


def extract_metadata(page_texts: list[str], table_units: list[str | None]) -> dict[str, object]:
    """All four metadata fields of the parse-output record."""
    return {
        "unit_name": extract_unit_name(page_texts),
        "fiscal_year": extract_fiscal_year(page_texts),
        "doc_type": extract_doc_type(page_texts),
        "currency_unit": extract_currency_unit(table_units, page_texts),
    }
