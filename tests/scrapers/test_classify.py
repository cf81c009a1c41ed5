"""Classifying posting titles: budget or final account, year, department; noise skipped."""

from __future__ import annotations

import pytest

from scrapers.classify import Classification, classify, classify_attachment, noise_reason
from scrapers.registry import load_registry
from testkit import MIRROR_REGISTRY

RULES = load_registry(MIRROR_REGISTRY, env={})["pingxiang"].keywords


@pytest.mark.parametrize(
    ("title", "doc_type", "year", "unit"),
    [
        ("平乡县人民政府办公室2024年部门预算公开", "budget", 2024, "平乡县人民政府办公室"),
        ("凤县人民政府办公室(本级)2024年单位预算公开说明", "budget", 2024, "凤县人民政府办公室(本级)"),
        ("埇桥区人民政府办公室 2023 年部门预算", "budget", 2023, "埇桥区人民政府办公室"),
        ("2026年广州市财政局部门预算", "budget", 2026, "广州市财政局"),
        ("濉溪县人民政府办公室２０２３年度部门决算公开", "final_account", 2023, "濉溪县人民政府办公室"),
        ("关于公开平乡县财政局2024年部门预算的公告", "budget", 2024, "平乡县财政局"),
        ("淮南市统计局2024年部门预算公开（更新）", "budget", 2024, "淮南市统计局"),
        ("关于公开2023年部门决算的公告", "final_account", 2023, None),
    ],
)
def test_disclosure_titles_are_classified(title: str, doc_type: str, year: int, unit: str | None) -> None:
    assert classify(title, RULES) == Classification(doc_type, year, unit)


@pytest.mark.parametrize(
    "title",
    [
        "关于开展2024年“安全生产月”活动的通知",
        "平乡县2023年政府信息公开工作年度报告",
        "淮南市2024年度事业单位公开招聘工作人员公告",
        "关于做好2025年区级部门预算编制工作的通知",
        "2024年全县一般公共预算收支情况",  # a government budget, not a department's
        "",
    ],
)
def test_noise_is_skipped_with_a_reason(title: str) -> None:
    assert classify(title, RULES) is None
    assert noise_reason(title, RULES)


def test_an_attachment_refines_its_postings_classification() -> None:
    posting = classify("平乡县2024年部门预算公开", RULES)
    assert posting is not None
    own = classify_attachment("平乡县教育局2024年部门决算.pdf", posting, RULES)
    assert own == Classification("final_account", 2024, "平乡县教育局")
    inherited = classify_attachment("附件1.xlsx", posting, RULES)
    assert inherited == posting
    fuller_posting = classify("广州市统计局2026年部门预算", RULES)
    assert classify_attachment("统计局_2026年部门预算.pdf", fuller_posting, RULES).unit_name == "广州市统计局"
