"""Figures the narrative states, so words can be checked against tables later.

The 情况说明 repeats table figures in sentences: ``一般公共服务支出 882.61 万元，
占 75.20%``, ``比 2023 年预算增加 195.96 万元``. Each stated amount becomes a
claim with its subject (the words just before it), its unit, and the share
and change stated right after it. Amounts that are themselves the change
(``增加 195.96 万元``) belong to the claim before them, not to a new one.
"""

from __future__ import annotations

import re
import unicodedata

from countybudget.money import normalise_amount_text

_AMOUNT_RE = re.compile(r"(?P<amount>\d[\d,]*(?:\.\d+)?)(?P<unit>亿元|万元|元)")
# Words that make the amount after them a change, not a figure of its own.
_CHANGE_WORDS = {
    "增加": "increase", "增长": "increase", "上升": "increase", "提高": "increase", "增": "increase",
    "减少": "decrease", "下降": "decrease", "降低": "decrease", "减": "decrease", "节约": "decrease",
}
_CHANGE_RE = re.compile(r"(?P<word>增加|增长|上升|提高|减少|下降|降低|节约)了?(?P<amount>\d[\d,]*(?:\.\d+)?)(?P<unit>亿元|万元|元)")
_FLAT_RE = re.compile(r"持平|无变化|没有变化|相同|无增减")
# The stated change as a percentage (增长 9.24%, 下降 13.5%), after the change amount or alone.
_PERCENT_CHANGE_RE = re.compile(r"(?:增加|增长|上升|提高|减少|下降|降低|节约|增|减|降)(?:了|幅度?为?|比例为?)?(?P<percent>\d+(?:\.\d+)?)%")
# An amount that is a threshold, not a figure (单价在 100 万元以上的设备, 100 万元(含)以上).
# Performance-target indicator values (≤ 1144.72 万元, 不超过 35 万元, 100 元/平方米) are
# limits, not disclosed figures: no claim either.
_THRESHOLD_AFTER_RE = re.compile(r"^(?:[(（]含[)）])?(?:以上|以下|及以上|及以下|以内|/|每|左右)")
_THRESHOLD_BEFORE_RE = re.compile(
    r"(?:(?:单价|单位价值|价值)(?:在|为)?|[≤≥<>＜＞]|不超过|不高于|不低于|不少于|不多于|不超出|小于|低于|大于|高于|超过|"
    r"控制在|少于|多于|上限为?|下限为?|每[^，,、]{0,4}|人均|平均|约|近|逾)(?:等于)?(?:预算|项目概算)?$")
# The text of a form (a 绩效目标表 read as prose: 项目名称 … 主管部门 … 资金总额 …) is not narrative.
_FORM_TEXT_RE = re.compile(r"项目名称|主管部门|实施单位|一级指标|二级指标|三级指标|指标值|资金总额|专项资金情况")
# Text of a table page read as prose (1.971.971.970.00…): figures run together, no claim.
_RUN_TOGETHER_RE = re.compile(r"\d+\.\d{2}\d+\.\d{2}|\d{1,3}(?:,\d{3})+\.\d{2}\d")
# A classification code printed in brackets right before the amount: 行政运行（2011301）
_CODE_BEFORE_RE = re.compile(r"[(（](?P<code>\d{3}(?:\d{2}){0,2})[)）][^(（\d]{0,6}$")
_SHARE_RE = re.compile(r"占[^，,；;。%\d]{0,12}?(?:比重|比例|比)?(?:为)?(?P<share>\d+(?:\.\d+)?)%")
# Where a subject starts: after punctuation or a connecting word.
_SUBJECT_CUT_RE = re.compile(
    r".*(?:[，,：:；;。、]|其中|包括|主要是|主要为|分别为|用于|情况说明|(?:情况|说明)(?=20\d{2}年))"
)
_CODE_IN_BRACKETS_RE = re.compile(r"[(（]\d{3,7}[)）]")
# A figure for a previous year ("较上年预算 35.38 万元") is context, not a claim about this document.
_PRIOR_YEAR_RE = re.compile(r"^(较|比|与)|上年|去年|上一年")
_SUBJECT_TRIM_RE = re.compile(
    r"^(?:[(（]?\d+[)）.、]|[一二三四五六七八九十]+[、.]|其中|本年|全年|共|合计为?|总计为?)+"
)
_TRAILING_TRIM_RE = re.compile(r"(?:[(（]\d{3,7}[)）]|为|是|达|共计|合计|计|共)+$")
_YEAR_PREFIX_RE = re.compile(r"^20\d{2}年度?")
_SENTENCE_END_RE = re.compile(r"[。；;\n]")


def extract_claims(page_texts: list[str]) -> list[dict]:
    """Every amount the narrative states, in reading order, as claim dicts
    (docs/contracts.md §4: text, subject, amount, unit, page, share, change,
    change_direction)."""
    claims: list[dict] = []
    for page, text in enumerate(page_texts, start=1):
        heading = ""
        for sentence in _sentences(text or ""):
            found = _claims_in_sentence(sentence, page)
            if found and heading and _BARE_SUBJECT_RE.fullmatch(found[0]["subject"]):
                # 1.因公出国(境)费用。2026年预算数 87.20 万元: the heading names the figure
                found[0]["subject"] = (heading + found[0]["subject"])[-30:]
            heading = _heading(sentence) if not found else ""
            claims.extend(found)
    return claims


# A subject that names no figure of its own (2026年预算数): the short heading before it does.
_BARE_SUBJECT_RE = re.compile(r"(?:20\d{2}年度?)?(?:预算数?|预算安排|安排|金额|年初预算数?)")


def _heading(sentence: str) -> str:
    """A short sentence without an amount, numbered like a heading (1.因公出国(境)费用), as a subject."""
    if len(sentence) > 24 or _AMOUNT_RE.search(sentence):
        return ""
    subject = _subject(sentence)
    return subject or ""


def _sentences(text: str) -> list[str]:
    """Narrative sentences of a page. Lines wrap mid-sentence in PDFs, so lines
    are joined before splitting at sentence ends; spaces (inserted around
    numbers by the text layer) are dropped."""
    flat = unicodedata.normalize("NFKC", text)
    flat = re.sub(r"[ \t\u3000]+", "", flat)
    flat = flat.replace("\r", "")
    # A line break ends a sentence only after sentence punctuation; otherwise it is a wrap.
    flat = re.sub(r"(?<=[。；;：:])\n", "。", flat)
    flat = flat.replace("\n", "")
    return [s for s in re.split(r"[。；;]", flat) if s]


def _claims_in_sentence(sentence: str, page: int) -> list[dict]:
    matches = [m for m in _AMOUNT_RE.finditer(sentence)
               if not _is_change_amount(sentence, m.start()) and not _is_threshold(sentence, m)]
    found: list[dict] = []
    for i, match in enumerate(matches):
        amount = _amount_text(match.group("amount"))
        if amount is None:
            continue
        end = matches[i + 1].start() if i + 1 < len(matches) else len(sentence)
        tail = sentence[match.end():end]
        start = matches[i - 1].end() if i else 0
        subject = _subject(sentence[start:match.start()])
        if not subject or _RUN_TOGETHER_RE.search(sentence[start:end]) or _is_form_text(sentence):
            continue
        change, direction, change_unit = _change(tail)
        share = _SHARE_RE.search(tail)
        percent = _PERCENT_CHANGE_RE.search(tail)
        code = _CODE_BEFORE_RE.search(sentence[start:match.start()])
        found.append(
            {
                "text": sentence[max(start, 0):end].strip("，,、：: "),
                "subject": subject,
                "amount": amount,
                "unit": match.group("unit"),
                "page": page,
                "share": share.group("share") if share else None,
                "change": change,
                "change_direction": direction,
                "change_unit": change_unit,
                "change_percent": percent.group("percent") if percent and direction != "flat" else (
                    "0" if direction == "flat" else None),
                "code": code.group("code") if code else None,
            }
        )
    return found


def _is_form_text(sentence: str) -> bool:
    """A form read as prose names two of its field labels or more; one alone is narrative
    (主要是根据主管部门审核情况安排因公出国(境)费用)."""
    return len(set(_FORM_TEXT_RE.findall(sentence))) >= 2


def _is_change_amount(sentence: str, start: int) -> bool:
    before = sentence[max(0, start - 3):start]
    return any(before.endswith(w) or before.endswith(w + "了") for w in _CHANGE_WORDS)


def _is_threshold(sentence: str, match: re.Match) -> bool:
    return bool(_THRESHOLD_AFTER_RE.match(sentence[match.end():])
                or _THRESHOLD_BEFORE_RE.search(sentence[max(0, match.start() - 10):match.start()]))


def _change(tail: str) -> tuple[str | None, str | None, str | None]:
    match = _CHANGE_RE.search(tail)
    if match:
        return _amount_text(match.group("amount")), _CHANGE_WORDS[match.group("word")], match.group("unit")
    percent = _PERCENT_CHANGE_RE.search(tail)
    if percent:  # a change stated only as a percentage: its direction, no amount
        word = re.match(r"增加|增长|上升|提高|减少|下降|降低|节约|增|减|降", percent.group(0)).group(0)
        return None, _CHANGE_WORDS.get(word, "decrease" if word == "降" else None), None
    if _FLAT_RE.search(tail):
        return "0", "flat", None
    return None, None, None


def _subject(before: str) -> str | None:
    """The words naming what an amount is: the phrase just before it."""
    phrase = _CODE_IN_BRACKETS_RE.sub("", before)
    phrase = _SUBJECT_CUT_RE.sub("", phrase) if _SUBJECT_CUT_RE.match(phrase) else phrase
    phrase = _SUBJECT_TRIM_RE.sub("", phrase)
    phrase = _YEAR_PREFIX_RE.sub("", phrase)
    phrase = _TRAILING_TRIM_RE.sub("", phrase).strip("，,、：: “”\"(（")
    if len(phrase) < 2 or not re.search(r"[\u4e00-\u9fff]", phrase) or _PRIOR_YEAR_RE.search(phrase):
        return None
    return phrase[-30:]


def _amount_text(printed: str) -> str | None:
    try:
        return normalise_amount_text(printed)
    except ValueError:
        return None
