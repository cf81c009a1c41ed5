"""The 情况说明 pages: paragraphs that repeat table figures in words, and the
claims (docs/contracts.md §4 ``claims``) each figure makes."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from testkit.corpus.codes import function_name
from testkit.corpus.model import CENT, ZERO, Budget, share

DUTIES: dict[str, list[str]] = {
    "人民政府办公室": [
        "负责政府日常政务和事务，协助政府领导同志组织起草或审核以政府、政府办公室名义印发的公文。",
        "负责政府会议的准备和服务工作，协助政府领导同志组织落实会议决定事项。",
        "督促检查政府各部门对政府决定事项的执行落实情况，及时向政府领导报告。",
        "负责政务公开、政务信息和电子政务工作，负责政府值班工作。",
    ],
    "教育局": [
        "贯彻执行国家和省、市教育工作的方针、政策和法律法规，拟订全县教育事业发展规划。",
        "统筹管理全县基础教育，指导学前教育、义务教育和普通高中教育的发展和改革。",
        "负责教育经费的统筹管理，参与拟订教育经费筹措、教育拨款和基建投资的政策。",
    ],
    "卫生健康委员会": [
        "组织拟订国民健康政策，统筹规划卫生健康资源配置。",
        "负责疾病预防控制工作，组织实施基本公共卫生服务和重大公共卫生服务项目。",
        "负责医疗机构和医疗服务全行业监督管理，推进卫生健康公共服务均等化。",
    ],
    "财政局": [
        "贯彻执行财税方针政策，拟订财政发展规划和财政政策。",
        "承担财政收支管理、预算编制和预算执行工作，负责政府非税收入管理。",
        "负责管理财政国库工作和政府采购监督管理工作。",
    ],
    "农业农村局": [
        "统筹研究和组织实施“三农”工作的发展战略、中长期规划和重大政策。",
        "负责种植业、畜牧业、渔业、农垦、农业机械化等农业各产业的监督管理。",
        "负责农作物重大病虫害防治工作，指导农业生产发展。",
    ],
    "自然资源和规划局": [
        "履行全民所有土地、矿产、森林等自然资源资产所有者职责。",
        "负责自然资源调查监测评价、统一确权登记和国土空间规划工作。",
        "负责国有土地使用权出让的组织实施和征地拆迁补偿工作。",
    ],
}


@dataclass
class Paragraph:
    text: str
    heading: bool = False
    claims: list[dict[str, Any]] = field(default_factory=list)


def wan(value: Decimal, currency: str) -> Decimal:
    """Narratives speak in 万元 even when the tables are in 元."""
    if currency == "元":
        return (value / 10000).quantize(CENT, rounding=ROUND_HALF_UP)
    return value


def claim(text: str, subject: str, amount: Decimal, share_pct: Decimal | None = None,
          change: Decimal | None = None) -> dict[str, Any]:
    direction = None
    if change is not None:
        direction = "increase" if change > 0 else "decrease" if change < 0 else "unchanged"
    return {
        "text": text,
        "subject": subject,
        "amount": f"{amount:.2f}",
        "unit": "万元",
        "page": None,
        "share": None if share_pct is None else f"{share_pct:.2f}",
        "change": None if change is None else f"{abs(change):.2f}",
        "change_direction": direction,
    }


def change_words(change: Decimal, year: int) -> str:
    if change > 0:
        return f"，比{year}年预算增加{change:.2f}万元"
    if change < 0:
        return f"，比{year}年预算减少{-change:.2f}万元"
    return f"，与{year}年预算持平"


def department_kind(department: str) -> str:
    for kind in DUTIES:
        if department.endswith(kind):
            return kind
    return "人民政府办公室"


def narrative(budget: Budget) -> list[Paragraph]:
    """Title, 部门概况 and 情况说明 paragraphs, figures in 万元."""
    y, cur = budget.fiscal_year, budget.currency
    word = "决算" if budget.doc_type == "final_account" else "预算"
    total = wan(budget.total, cur)
    paragraphs = [
        Paragraph(f"{budget.department}{y}年部门{word}", heading=True),
        Paragraph("第一部分 部门概况", heading=True),
        Paragraph("一、主要职责"),
        *[Paragraph(f"（{n}）{duty}") for n, duty in zip("一二三四五六", DUTIES[department_kind(budget.department)])],
        Paragraph("二、部门构成"),
        Paragraph(
            f"从预算单位构成看，{budget.department}{y}年度部门{word}包括："
            + "、".join(u.name for u in budget.units) + "。"
            + f"截至上年底，本部门人员编制{budget.staff[0]}人，实有人员{budget.staff[1]}人。"
        ),
        Paragraph(f"第二部分 {y}年部门{word}情况说明", heading=True),
        Paragraph("一、收支总体情况"),
    ]
    text = f"{budget.department}{y}年收支总{word}{total:.2f}万元"
    change = None
    if budget.previous_total is not None:
        change = total - wan(budget.previous_total, cur)
        text += change_words(change, y - 1)
    paragraphs.append(Paragraph(
        f"按照综合预算的原则，本部门所有收入和支出均纳入部门预算管理。{text}。",
        claims=[claim(text, f"收支总{word}", total, change=change)],
    ))
    basic, project = wan(budget.basic_total, cur), wan(budget.project_total, cur)
    t_basic = f"基本支出{basic:.2f}万元，占{share(basic, total):.2f}%"
    t_project = f"项目支出{project:.2f}万元，占{share(project, total):.2f}%"
    paragraphs.append(Paragraph(
        f"二、支出{word}情况：{t_basic}，主要用于保障机构正常运转和完成日常工作任务；{t_project}，主要用于完成特定行政工作任务。",
        claims=[claim(t_basic, "基本支出", basic, share(basic, total)),
                claim(t_project, "项目支出", project, share(project, total))],
    ))
    class_claims, phrases = [], []
    classes: dict[str, Decimal] = {}
    for code, (b, p) in budget.all_functions.items():
        classes[code[:3]] = classes.get(code[:3], ZERO) + b + p
    for code, amount in classes.items():
        figure = wan(amount, cur)
        phrase = f"{function_name(code)}{figure:.2f}万元，占{share(figure, total):.2f}%"
        phrases.append(phrase)
        class_claims.append(claim(phrase, function_name(code), figure, share(figure, total)))
    paragraphs.append(Paragraph("三、支出按功能分类：" + "；".join(phrases) + "。", claims=class_claims))
    personnel, public = wan(budget.personnel_total, cur), wan(budget.public_total, cur)
    t_personnel, t_public = f"人员经费{personnel:.2f}万元", f"公用经费{public:.2f}万元"
    paragraphs.append(Paragraph(
        f"四、一般公共预算基本支出{basic:.2f}万元，其中：{t_personnel}，主要包括基本工资、津贴补贴、奖金、"
        f"社会保障缴费、住房公积金等；{t_public}，主要包括办公费、印刷费、邮电费、差旅费、公务接待费等。",
        claims=[claim(t_personnel, "人员经费", personnel), claim(t_public, "公用经费", public)],
    ))
    fund = wan(budget.fund_total, cur)
    if budget.fund_functions:
        t_fund = f"政府性基金预算财政拨款支出{fund:.2f}万元"
        paragraphs.append(Paragraph(f"五、{t_fund}，全部为项目支出。", claims=[claim(t_fund, "政府性基金预算财政拨款支出", fund)]))
    else:
        paragraphs.append(Paragraph(f"五、本部门{y}年无政府性基金预算财政拨款支出，政府性基金预算支出表为空表。"))
    paragraphs.append(Paragraph(f"六、本部门{y}年无国有资本经营预算财政拨款支出，国有资本经营预算支出表为空表。"))
    three = sum((budget.three_public.get(k, ZERO) for k in ("overseas", "vehicle_purchase", "vehicle_operation",
                                                             "reception")), ZERO)
    three_w = wan(three, cur)
    t_three = f"“三公”经费{word}{three_w:.2f}万元"
    three_change = None
    if budget.previous_three_public is not None:
        three_change = three_w - wan(budget.previous_three_public, cur)
        t_three += change_words(three_change, y - 1)
    reception = wan(budget.three_public.get("reception", ZERO), cur)
    t_reception = f"公务接待费{reception:.2f}万元"
    paragraphs.append(Paragraph(
        f"七、{t_three}。其中：因公出国（境）费{wan(budget.three_public.get('overseas', ZERO), cur):.2f}万元；"
        f"公务用车购置及运行维护费"
        f"{wan(budget.three_public.get('vehicle_purchase', ZERO) + budget.three_public.get('vehicle_operation', ZERO), cur):.2f}"
        f"万元；{t_reception}。",
        claims=[claim(t_three, "“三公”经费", three_w, change=three_change), claim(t_reception, "公务接待费", reception)],
    ))
    paragraphs.append(Paragraph(f"第三部分 {y}年部门{word}表", heading=True))
    return paragraphs
