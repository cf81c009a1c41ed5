"""Documents with planted narrative errors and omissions, for the two audits
(words against figures, docs/data-model.md; disclosure completeness,
docs/disclosure-completeness.md).

One clean document of the corpus (平乡县人民政府办公室 2024, seed 002) is
rendered once as it is and once per planted defect, each the same document
with exactly one thing wrong:

| id | planted | caught by |
|---|---|---|
| ``planted-clean`` | nothing | (no check fires) |
| ``planted-wrong-figure`` | 基本支出 stated 10.00 万元 above the tables | ``mart_claim_checks.verdict = 'differs'`` |
| ``planted-wrong-unit`` | 公务接待费 stated in 元 (``2.00元``) where the table's 万元 is meant | ``verdict = 'differs'`` and ``unit_suspect`` |
| ``planted-wrong-change-percent`` | 收支总预算's 增长 % five points off its own amounts | ``change_percent_verdict = 'differs'`` |
| ``planted-missing-table`` | the 财政拨款收支总表 left out | ``t_fiscal_appropriation_summary = 'missing'`` |
| ``planted-empty-table-without-note`` | the empty 政府性基金 table without its 本表无数据 note | ``t_government_fund_expenditure = 'empty_without_note'`` |
| ``planted-missing-three-public-explanation`` | the “三公” paragraph of the 情况说明 left out | ``e_three_public = 'missing'`` |

Every variant states its 收支总预算 change as a percentage too (the clean one
correctly), so the change check runs on all of them. The files are committed
under ``corpus/planted/`` with ``planted.yml``; they are not in the corpus
catalogue (the mirror does not serve them). Rebuild with
``python -m testkit.corpus.planted`` (needs LibreOffice, like the corpus).
"""

from __future__ import annotations

import copy
import shutil
import tempfile
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml

from testkit.corpus.build import render_pdf
from testkit.corpus.model import CENT
from testkit.corpus.narrative import Paragraph, narrative, wan
from testkit.corpus.specs import DocumentSpec, pingxiang_govoffice_2024
from testkit.corpus.tables import PrintedTable, standard_tables
from countybudget.table_kinds import TableKind

PLANTED_DIR = Path(__file__).resolve().parents[2] / "corpus" / "planted"

Plant = Callable[[DocumentSpec, list[PrintedTable], list[Paragraph]], tuple[list[PrintedTable], list[Paragraph]]]


def _replace(paragraphs: list[Paragraph], old: str, new: str) -> list[Paragraph]:
    """``old`` → ``new`` in the text of exactly one paragraph and its claims."""
    hits = [p for p in paragraphs if old in p.text]
    if len(hits) != 1:
        raise ValueError(f"{old!r} is in {len(hits)} paragraphs, expected 1")
    hits[0].text = hits[0].text.replace(old, new)
    for claim in hits[0].claims:
        claim["text"] = claim["text"].replace(old, new)
    return paragraphs


def _total_change_percent(spec: DocumentSpec) -> tuple[str, Decimal]:
    """The 收支总预算 change phrase and its true percentage."""
    budget = spec.budget
    total, previous = wan(budget.total, budget.currency), wan(budget.previous_total, budget.currency)
    change = total - previous
    word = "增加" if change > 0 else "减少"
    percent = (abs(change) * 100 / previous).quantize(CENT, rounding=ROUND_HALF_UP)
    return f"比{budget.fiscal_year - 1}年预算{word}{abs(change):.2f}万元", percent


def state_change_percent(spec: DocumentSpec, paragraphs: list[Paragraph], offset: Decimal = Decimal(0)) -> None:
    phrase, percent = _total_change_percent(spec)
    word = "增长" if "增加" in phrase else "下降"
    _replace(paragraphs, phrase, f"{phrase}，{word}{percent + offset:.2f}%")


def complete_explanations(spec: DocumentSpec, paragraphs: list[Paragraph]) -> None:
    """The explanations the national template asks for beyond the corpus narrative:
    the reason for the “三公” change, 机关运行经费, 政府采购, 国有资产占用, 名词解释
    (docs/disclosure-completeness.md), so the clean document is complete."""
    budget = spec.budget
    three = next(p for p in paragraphs if "三公" in p.text)
    three.text = three.text.replace("。其中：", "，主要原因是厉行节约，压减公务用车运行维护费和公务接待费。其中：", 1)
    public = wan(budget.public_total, budget.currency)
    y = budget.fiscal_year
    extra = [
        Paragraph(f"八、{y}年本部门机关运行经费安排{public:.2f}万元，主要用于办公费、印刷费、水电费、办公用房物业管理等支出。"),
        Paragraph(f"九、{y}年本部门无政府采购预算。"),
        Paragraph(f"十、国有资产占用情况：截至{y - 1}年12月31日，本部门共有车辆2辆，其中一般公务用车2辆；"
                  "单位价值100万元以上设备0台（套）。"),
        Paragraph(f"十一、绩效目标设置情况：{y}年本部门对重点项目编制了绩效目标，详见项目支出绩效目标表。"),
        Paragraph("十二、名词解释：基本支出指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出；"
                  "项目支出指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。"),
    ]
    at = next(i for i, p in enumerate(paragraphs) if p.heading and "部门预算表" in p.text)
    paragraphs[at:at] = extra


def wrong_figure(spec, tables, paragraphs):
    basic = wan(spec.budget.basic_total, spec.budget.currency)
    return tables, _replace(paragraphs, f"基本支出{basic:.2f}万元，占", f"基本支出{basic + 10:.2f}万元，占")


def wrong_unit(spec, tables, paragraphs):
    reception = wan(spec.budget.three_public.get("reception", Decimal(0)), spec.budget.currency)
    return tables, _replace(paragraphs, f"公务接待费{reception:.2f}万元", f"公务接待费{reception:.2f}元")


def wrong_change_percent(spec, tables, paragraphs):
    phrase, percent = _total_change_percent(spec)
    word = "增长" if "增加" in phrase else "下降"
    return tables, _replace(paragraphs, f"{phrase}，{word}{percent:.2f}%", f"{phrase}，{word}{percent + 5:.2f}%")


def missing_table(spec, tables, paragraphs):
    return [t for t in tables if t.kind != TableKind.FISCAL_APPROPRIATION_SUMMARY.value], paragraphs


def empty_table_without_note(spec, tables, paragraphs):
    fund = next(t for t in tables if t.kind == TableKind.GOVERNMENT_FUND_EXPENDITURE.value)
    if any(any(v for v in truth["amounts"].values()) for row in fund.rows for truth in row.truths):
        raise ValueError("the 政府性基金 table of this document is not empty")
    fund.note = None
    return tables, [p for p in paragraphs if "政府性基金预算支出表为空表" not in p.text]


def missing_three_public_explanation(spec, tables, paragraphs):
    return tables, [p for p in paragraphs if "三公" not in p.text]


PLANTS: dict[str, tuple[Plant | None, str]] = {
    "clean": (None, "none"),
    "wrong-figure": (wrong_figure, "mart_claim_checks.verdict = differs"),
    "wrong-unit": (wrong_unit, "mart_claim_checks.verdict = differs, unit_suspect"),
    "wrong-change-percent": (wrong_change_percent, "mart_claim_checks.change_percent_verdict = differs"),
    "missing-table": (missing_table, "mart_disclosure_completeness.t_fiscal_appropriation_summary = missing"),
    "empty-table-without-note": (empty_table_without_note,
                                 "mart_disclosure_completeness.t_government_fund_expenditure = empty_without_note"),
    "missing-three-public-explanation": (missing_three_public_explanation,
                                         "mart_disclosure_completeness.e_three_public = missing"),
}


def build_planted(out_dir: Path = PLANTED_DIR) -> list[dict]:
    """Render the clean document and each planted variant into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "documents").mkdir(exist_ok=True)
    entries = []
    with tempfile.TemporaryDirectory(prefix="cb-planted-") as tmp:
        for name, (plant, caught_by) in PLANTS.items():
            spec = copy.deepcopy(pingxiang_govoffice_2024())
            spec.budget.id = f"planted-{name}"
            tables = standard_tables(spec.budget, spec.layout)
            paragraphs = narrative(spec.budget)
            state_change_percent(spec, paragraphs)
            complete_explanations(spec, paragraphs)
            if plant is not None:
                tables, paragraphs = plant(spec, tables, paragraphs)
            for paragraph in paragraphs:  # no ground truth here: the parser's own claims are what is checked
                paragraph.claims = []
            path, _ = render_pdf(spec, tables, paragraphs, Path(tmp), Path(tmp) / "work" / name)
            shutil.copy(path, out_dir / "documents" / path.name)
            entries.append({"id": spec.budget.id, "file": f"documents/{path.name}", "planted": name,
                            "caught_by": caught_by, "based_on": "pingxiang-govoffice-2024-budget"})
    (out_dir / "planted.yml").write_text(
        "# Documents with one planted narrative error or omission each: testkit/corpus/planted.py\n"
        + yaml.safe_dump({"documents": entries}, allow_unicode=True, sort_keys=False, width=120),
        encoding="utf-8")
    return entries


if __name__ == "__main__":
    for entry in build_planted():
        print(entry["id"], entry["file"])
