"""The documents of the corpus: what each one says and how it is printed.

Seed-based budgets use the real figures of ../shared/seeds (noted per
document where a seed is silent or inconsistent); invented budgets are drawn
from a fixed-seed random generator, leaves first, so every identity holds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from testkit.corpus.model import ZERO, Budget, Project, Target, Unit, d
from testkit.corpus.tables import Layout


@dataclass(frozen=True)
class Posting:
    portal: str
    title: str
    publish_date: date


@dataclass
class DocumentSpec:
    budget: Budget
    layout: Layout
    format: str  # pdf | docx | xlsx
    layouts: list[str]  # layout names (docs/corpus.md)
    postings: list[Posting]
    defects: list[str] = field(default_factory=list)
    narrative: bool = True


def fn(*pairs: tuple[str, str | int, str | int]) -> dict[str, tuple[Decimal, Decimal]]:
    return {code: (d(basic), d(project)) for code, basic, project in pairs}


def econ(**by_code: str | int) -> dict[str, Decimal]:
    """Economic lines as keywords: ``e30101="250.93"`` (a name cannot start with a digit)."""
    return {code.lstrip("e"): d(v) for code, v in by_code.items()}


def targets(*rows: tuple[str, str, str, str]) -> tuple[Target, ...]:
    return tuple(Target(*r) for r in rows)


STANDARD_TARGETS = (
    ("产出指标", "数量指标", "保障工作事项完成数", "≥{n}项"),
    ("产出指标", "质量指标", "工作任务完成合格率", "≥95%"),
    ("产出指标", "时效指标", "资金支付及时率", "100%"),
    ("效益指标", "社会效益指标", "服务对象工作效率提升", "明显"),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%"),
)


# ------------------------------------------------------------------ seed-based


def pingxiang_govoffice_2024() -> DocumentSpec:
    """Seed 002: all function and economic lines are the seed's; projects split invented."""
    dept = "平乡县人民政府办公室"
    functions = fn(
        ("2010301", "449.30", 0), ("2010302", 0, "381.16"), ("2010350", "47.94", 0), ("2010399", 0, "71.70"),
        ("2060102", 0, "40.50"), ("2080505", "61.50", 0), ("2080506", "21.00", 0), ("2101101", "27.00", 0),
        ("2101102", "4.00", 0), ("2101103", "9.50", 0), ("2210201", "53.00", 0),
    )
    economics = econ(
        e30101="250.93", e30102="60.37", e30103="56.00", e30107="56.70", e30108="61.50", e30109="21.00",
        e30110="31.00", e30111="9.50", e30112="2.50", e30113="53.00", e30201="4.60", e30207="6.60",
        e30228="1.12", e30229="1.12", e30239="34.00", e30299="0.20", e30302="15.10", e30305="8.00",
    )
    projects = [
        Project("13053224P00273512885N", "政务服务与管理", d("200.00"), "2010302", dept,
                targets=targets(("产出指标", "数量指标", "参与考察调研、招商引资、大型活动服务保障", "≥6次"),
                                ("产出指标", "质量指标", "会议保障完成率", "≥95%"),
                                ("产出指标", "质量指标", "督查督办任务完成率", "100%"),
                                ("满意度指标", "服务对象满意度指标", "被保障科室满意度", "≥90%"))),
        Project("13053224P00273512886N", "综合业务事务管理", d("181.16"), "2010302", dept,
                targets=targets(("产出指标", "数量指标", "购置办公设备", "10套"),
                                ("产出指标", "质量指标", "综合业务、事务管理工作完成率", "≥95%"),
                                ("产出指标", "时效指标", "综合业务管理工作完成及时率", "≥95%"))),
        Project("13053224P00273512887N", "12345热线平台", d("71.70"), "2010399", dept),
        Project("13053224P00281104312N", "县级数据汇聚子节点建设运营", d("40.50"), "2060102", dept),
    ]
    budget = Budget(
        "pingxiang-govoffice-2024-budget", dept, "平乡县", "130532", "河北", "pingxiang", 2024, "budget", "万元",
        [Unit(dept, functions)], economics, projects,
        three_public={"overseas": ZERO, "vehicle_purchase": ZERO, "vehicle_operation": d("16.00"),
                      "reception": d("2.00"), "meeting": d("6.00"), "training": d("3.00")},
        previous_total=d("1140.33"), previous_three_public=d("26.00"), staff=(48, 44),
        source_note="seed 002: function, economic, 三公 and year-on-year figures real; project split invented",
    )
    layout = Layout(narrow=True, column_numbers=True, title_prefix="部门预算", year_in_titles=False)
    return DocumentSpec(budget, layout, "pdf", ["narrow_wrapped", "repeated_headers", "column_numbers",
                                                 "two_halves_summary", "multi_page_tables"],
                        [Posting("pingxiang", f"{dept}2024年部门预算公开", date(2024, 2, 5))])


def fengxian_govoffice_2024() -> DocumentSpec:
    """Seed 001, tables in 元: class totals, basic/project and economic classes are the seed's;
    项 lines in 元 chosen so they round to the narrative's 万元 figures."""
    dept = "凤县人民政府办公室"
    functions = fn(
        ("2010301", "2391449.00", 0), ("2010302", 0, "1048000.00"), ("2010303", 0, "950194.00"),
        ("2010350", "578035.00", 0), ("2080505", "405140.00", 0), ("2080506", "202570.00", 0),
        ("2101101", "176400.00", 0), ("2101102", "47663.00", 0), ("2210201", "307262.00", 0),
    )
    economics = econ(
        e30101="1203400.00", e30102="1172484.00", e30103="500000.00", e30108="405140.00", e30109="202570.00",
        e30110="224063.00", e30113="307262.00", e30201="20000.00", e30202="10000.00", e30207="9000.00",
        e30211="15000.00", e30305="39600.00",
    )
    projects = [
        Project("61033024P000118", "机构运转补助", d("950194.00"), "2010303", dept,
                targets=targets(("产出指标", "数量指标", "26名临聘人员劳务费", "≥100%"),
                                ("产出指标", "质量指标", "老百姓幸福指数提高", "≥90%"),
                                ("效益指标", "社会效益指标", "环境优美，城市文明，社会和谐程度提高", "≥90%"),
                                ("满意度指标", "服务对象满意度指标", "全县企业和居民对环境卫生、秩序的满意度提高", "≥90%"))),
        Project("61033024P000119", "督查调研经费", d("100000.00"), "2010302", dept,
                targets=targets(("产出指标", "数量指标", "县政府公文、会议决定的所有事项", "≥1099项"),
                                ("产出指标", "数量指标", "县政府领导重要批示和交办事项", "≥58项"),
                                ("产出指标", "质量指标", "全年督查调研报告合格率", "≥90%"),
                                ("满意度指标", "服务对象满意度指标", "各镇、各部门对督查结果的满意度", "≥95%"))),
        Project("61033024P000120", "智慧凤县运营及数字城管", d("948000.00"), "2010302", dept),
    ]
    budget = Budget(
        "fengxian-govoffice-2024-budget", dept + "(本级)", "凤县", "610330", "陕西", "fengxian", 2024, "budget", "元",
        [Unit(dept, functions)], economics, projects,
        three_public={"overseas": ZERO, "vehicle_purchase": ZERO, "vehicle_operation": d("60000.00"),
                      "reception": d("20000.00")},
        previous_total=d("6952813.00"), staff=(30, 26),
        source_note="seed 001: totals, class and economic-class figures real (元); 项 split and 三公 invented",
    )
    layout = Layout(landscape=True, title_prefix="单位综合预算")
    return DocumentSpec(budget, layout, "pdf", ["yuan_unit", "landscape", "two_halves_summary"],
                        [Posting("fengxian", "凤县人民政府办公室2024年单位预算公开", date(2024, 2, 1))])


def yongqiao_govoffice_2023() -> DocumentSpec:
    """Seed 003: function and economic lines real (seed's duplicate code rows merged;
    2080506/30109, 30299 and 30399 adjusted by -0.01 / +0.11 / -0.01 where the seed's own
    lines do not add up to its printed totals)."""
    dept = "埇桥区人民政府办公室"
    functions = fn(
        ("2010301", "760.37", "615.00"), ("2080505", "85.16", 0), ("2080506", "42.57", 0),
        ("2101101", "25.26", 0), ("2101103", "10.61", 0), ("2210201", "63.87", 0), ("2210202", "20.51", 0),
    )
    economics = econ(
        e30101="249.20", e30102="109.46", e30103="153.09", e30107="36.46", e30108="85.16", e30109="42.57",
        e30110="25.26", e30111="7.89", e30112="1.28", e30113="63.87", e30201="109.80", e30228="7.90",
        e30229="0.01", e30239="30.52", e30299="1.49", e30301="30.01", e30302="51.63", e30307="2.71",
        e30399="0.04",
    )
    projects = [
        Project("34130223P10000021", "12345政务服务便民热线运行经费", d("285.00"), "2010301", dept,
                targets=targets(("产出指标", "数量指标", "“12345”热线受理诉求件数", "≥10万件"),
                                ("产出指标", "时效指标", "诉求按时办结率", "≥95%"),
                                ("满意度指标", "服务对象满意度指标", "群众满意率", "≥90%"))),
        Project("34130223P10000022", "优化营商环境工作经费", d("180.00"), "2010301", dept),
        Project("34130223P10000023", "招商引资工作经费", d("150.00"), "2010301", dept),
    ]
    budget = Budget(
        "yongqiao-govoffice-2023-budget", dept, "埇桥区", "341302", "安徽", "yongqiao", 2023, "budget", "万元",
        [Unit(dept, functions)], economics, projects,
        three_public={"overseas": d("5.00"), "vehicle_purchase": ZERO, "vehicle_operation": d("8.10"),
                      "reception": d("4.30")},
        staff=(62, 58),
        economic_split={"30102": (d("15.97"), d("93.49")), "30107": (d("22.69"), d("13.77")),
                        "30112": (d("0.49"), d("0.79")), "30228": (d("4.74"), d("3.16")),
                        "30301": (d("14.58"), d("14.96"), d("0.47")), "30302": (d("4.07"), d("47.56"))},
        source_note="seed 003: function and economic figures real, with the seed's repeated economic codes; "
                    "2080506/30109 -0.01, 30101 +0.01, 30299 +0.11, 30399 -0.01 where the seed's own lines "
                    "do not add up to its totals; projects and 三公 invented",
    )
    layout = Layout(thousands=True, title_prefix="部门")
    return DocumentSpec(budget, layout, "pdf", ["wide_clean", "thousands_separators"],
                        [Posting("yongqiao", "埇桥区人民政府办公室2023年部门预算", date(2023, 2, 20))])


def yongqiao_govoffice_2024() -> DocumentSpec:
    """The 2023 seed grown by a year (invented), for year-on-year comparisons; posted twice."""
    base = yongqiao_govoffice_2023()
    dept = base.budget.department
    grow = {"2010301": ("812.46", "642.50"), "2080505": ("90.02", 0), "2080506": ("45.01", 0),
            "2101101": ("26.70", 0), "2101103": ("11.12", 0), "2210201": ("67.51", 0), "2210202": ("21.60", 0)}
    functions = fn(*((c, b, p) for c, (b, p) in grow.items()))
    economics = dict(base.budget.economics)
    economics.update(econ(e30101="262.40", e30102="118.33", e30103="160.25", e30107="38.12", e30108="90.02",
                          e30109="45.01", e30110="26.70", e30111="8.35", e30112="1.35", e30113="67.51"))
    basic = sum((b for b, _ in functions.values()), ZERO)
    fixed = sum((v for c, v in economics.items() if c != "30201"), ZERO)
    economics["30201"] = basic - fixed  # 办公费 absorbs the difference, as the leaves must agree
    projects = [
        Project("34130224P10000031", "12345政务服务便民热线运行经费", d("300.00"), "2010301", dept,
                targets=targets(*((a, b, c, v.format(n=12)) for a, b, c, v in STANDARD_TARGETS))),
        Project("34130224P10000032", "优化营商环境工作经费", d("192.50"), "2010301", dept),
        Project("34130224P10000033", "招商引资工作经费", d("150.00"), "2010301", dept),
    ]
    budget = Budget(
        "yongqiao-govoffice-2024-budget", dept, "埇桥区", "341302", "安徽", "yongqiao", 2024, "budget", "万元",
        [Unit(dept, functions)], economics, projects,
        three_public={"overseas": ZERO, "vehicle_purchase": ZERO, "vehicle_operation": d("7.60"),
                      "reception": d("4.00")},
        previous_total=base.budget.total, previous_three_public=d("17.40"), staff=(62, 57),
        source_note="invented from the seed 003 figures (+ about 5%)",
    )
    return DocumentSpec(budget, base.layout, "pdf", ["wide_clean", "thousands_separators"],
                        [Posting("yongqiao", "埇桥区人民政府办公室2024年部门预算", date(2024, 2, 26)),
                         Posting("yongqiao", "埇桥区人民政府办公室2024年部门预算公开（更新）", date(2024, 3, 4))],
                        defects=["duplicate_posting"])


def suixi_govoffice_2024() -> DocumentSpec:
    """Seed 000 (narrative only): totals, 项 lines, personnel/public and year-on-year are the
    seed's; 2101103 is 13.81 (the seed prints 13.8, which leaves 210 short by 0.01)."""
    dept = "濉溪县人民政府办公室"
    functions = fn(
        ("2010301", "583.85", "298.76"), ("2080501", "43.73", 0), ("2080505", "75.36", 0),
        ("2080506", "37.68", 0), ("2089999", "1.55", 0), ("2101101", "29.31", 0), ("2101103", "13.81", 0),
        ("2210201", "63.22", 0), ("2210202", "26.34", 0),
    )
    economics = econ(
        e30101="200.00", e30102="180.00", e30103="60.00", e30107="58.28", e30108="75.36", e30109="37.68",
        e30110="29.31", e30111="13.81", e30112="1.55", e30113="63.22", e30302="43.73", e30201="20.00",
        e30207="8.00", e30211="10.00", e30217="4.30", e30231="12.00", e30228="8.50", e30229="6.30",
        e30299="42.81",
    )
    open_gov = targets(("产出指标", "数量指标", "项目覆盖单位或市县区数量", "全县"),
                       ("产出指标", "数量指标", "建成系统平台数量", "≥1个"),
                       ("产出指标", "数量指标", "等保测评及安全运维服务成果", "≥7项"),
                       ("产出指标", "质量指标", "系统功能达标率", "≥100%"),
                       ("产出指标", "质量指标", "经费支出合规性", "严格执行相关财经法规"))
    network = targets(("产出指标", "数量指标", "日常维护信息系统数量", "≥1个"),
                      ("产出指标", "数量指标", "采购硬件设备数量", "≥9台"),
                      ("产出指标", "质量指标", "机房运维服务达标率", "≥100%"),
                      ("满意度指标", "服务对象满意度指标", "使用单位满意度", "≥95%"))
    projects = [
        Project("34062124P00102301", "濉溪县政府政务公开", d("59.62"), "2010301", dept, targets=open_gov),
        Project("34062124P00102302", "濉溪县信息网络", d("122.70"), "2010301", dept, targets=network),
        Project("34062124P00102303", "营商环境工作经费", d("116.44"), "2010301", dept),
    ]
    budget = Budget(
        "suixi-govoffice-2024-budget", dept + "（县政府外事办公室）", "濉溪县", "340621", "安徽", "suixi", 2024,
        "budget", "万元", [Unit(dept, functions)], economics, projects,
        three_public={"overseas": ZERO, "vehicle_purchase": ZERO, "vehicle_operation": d("12.00"),
                      "reception": d("4.30")},
        previous_total=d("977.65"), staff=(52, 49),
        source_note="seed 000: totals, function lines, personnel/public, project targets real; economic split invented",
    )
    layout = Layout(thousands=False, split_codes=False, title_prefix="部门", dash_for_blank=True)
    return DocumentSpec(budget, layout, "pdf", ["wide_clean", "dash_for_blank", "performance_targets"],
                        [Posting("suixi", "濉溪县人民政府办公室2024年部门预算公开", date(2024, 1, 26))])


def huainan_govoffice_2024() -> DocumentSpec:
    """Seed 004 (DOCX): the ten projects and their amounts as printed; the rest invented."""
    dept = "淮南市人民政府办公室"
    seed_projects = [
        ("“放管服”改革和营商环境监督专项经费", "96", "2010302"), ("政务公开工作专项经费", "72.8", "2010302"),
        ("政策研究及落实情况监督检查工作经费", "190", "2010302"), ("市本级因公出国(境)经费", "140", "2010399"),
        ("12345政务热线服务项目", "492", "2010399"), ("行政管理事务专项经费", "49", "2010302"),
        ("政府公报专项费用", "23.17", "2010302"), ("外事工作专项经费", "24", "2010399"),
        ("政务信息工作专项信息", "15", "2010302"), ("政府网站安全运行专项经费", "12.9", "2010302"),
    ]
    first = targets(("产出指标", "数量指标", "全市放管服及营商环境优化等次", "优秀"),
                    ("产出指标", "质量指标", "经费支出合规性", "合规"),
                    ("产出指标", "时效指标", "项目完成及时性", "及时"),
                    ("产出指标", "成本指标", "项目成本控制数", "≤96万元"),
                    ("效益指标", "经济效益指标", "服务淮南高质量发展程度", "明显"),
                    ("效益指标", "社会效益指标", "便民利企", "创优四最营商环境"),
                    ("满意度指标", "满意度指标", "服务对象满意度", "≥95%"))
    projects = [
        Project(f"34040024P0090{i:02d}", name, d(amount), code, dept, printed_amount=amount,
                targets=first if i == 1 else targets(*((a, b, c, v.format(n=10 + i)) for a, b, c, v in STANDARD_TARGETS)))
        for i, (name, amount, code) in enumerate(seed_projects, start=1)
    ]
    project_by_code: dict[str, Decimal] = {}
    for p in projects:
        project_by_code[p.function_code] = project_by_code.get(p.function_code, ZERO) + p.amount
    budget = invent(
        "huainan-govoffice-2024-budget", dept, "淮南市", "340400", "安徽", "huainan", 2024, "budget", "万元",
        rng_seed=4004, staff=96, admin_code="2010301", extra_project_lines=project_by_code,
    )
    budget.projects = projects
    budget.source_note = "seed 004: project list and amounts real; other figures invented"
    layout = Layout(title_prefix="部门")
    return DocumentSpec(budget, layout, "docx", ["docx_tables", "project_list", "performance_targets"],
                        [Posting("huainan", "淮南市人民政府办公室2024年部门预算及项目支出绩效目标", date(2024, 2, 8))])


# ------------------------------------------------------------------ invented


def cents(rng: random.Random, low: float, high: float) -> Decimal:
    """A random figure between low and high with two decimals (drawn as whole cents)."""
    return Decimal(rng.randrange(int(low * 100), int(high * 100))) / 100


def invent(
    doc_id: str, department: str, county: str, region: str, province: str, portal: str, year: int,
    doc_type: str, currency: str, *, rng_seed: int, staff: int, admin_code: str,
    project_codes: tuple[str, ...] = (), subunit: tuple[str, str, int] | None = None,
    extra_project_lines: dict[str, Decimal] | None = None, fund_lines: dict[str, Decimal] | None = None,
) -> Budget:
    """A department's budget drawn leaves-first.

    Economic lines per unit come from staff numbers; the function lines are
    then derived from them (pensions → 2080505/2080506, medical → 21011x,
    housing fund → 2210201, the rest → the unit's 行政运行/事业运行 line), so
    basic by function equals basic by economic class exactly.
    """
    rng = random.Random(rng_seed)
    scale = Decimal(10000) if currency == "元" else Decimal(1)
    units_spec = [(department, staff, admin_code, "2101101")]
    if subunit:
        units_spec = [(department + "（本级）", staff - subunit[2], admin_code, "2101101"),
                      (subunit[0], subunit[2], subunit[1], "2101102")]
    economics: dict[str, Decimal] = {}
    units: list[Unit] = []
    for unit_name, n, running_code, medical_code in units_spec:
        e = unit_economics(rng, n, scale)
        for code, value in e.items():
            economics[code] = economics.get(code, ZERO) + value
        pension, annuity = e["30108"], e["30109"]
        medical = e["30110"] + e.get("30111", ZERO)
        housing = e["30113"]
        retired = sum((v for c, v in e.items() if c.startswith("303")), ZERO)
        running = sum(e.values(), ZERO) - pension - annuity - medical - housing - retired
        functions = {running_code: (running, ZERO), "2080505": (pension, ZERO), "2080506": (annuity, ZERO),
                     medical_code: (medical, ZERO), "2210201": (housing, ZERO)}
        if retired:
            functions["2080501"] = (retired, ZERO)
        units.append(Unit(unit_name, functions))
    # projects: drawn per project code, booked to the first unit
    projects: list[Project] = []
    lines = dict(extra_project_lines or {})
    for i, code in enumerate(project_codes, start=1):
        amount = cents(rng, 15, 260) * scale
        lines[code] = lines.get(code, ZERO) + amount
        projects.append(Project(f"{region}{year % 100}P{rng.randrange(10**10):010d}N", PROJECT_NAMES[code], amount,
                                code, units[0].name,
                                targets=targets(*((a, b, c, v.format(n=rng.randrange(5, 40))) for a, b, c, v in
                                                  STANDARD_TARGETS)) if i <= 2 else ()))
    first = units[0]
    merged = dict(first.functions)
    for code, amount in lines.items():
        b, p = merged.get(code, (ZERO, ZERO))
        merged[code] = (b, p + amount)
    units[0] = Unit(first.name, merged)
    fund_functions: dict[str, tuple[Decimal, Decimal]] = {}
    for code, amount in (fund_lines or {}).items():
        fund_functions[code] = (ZERO, amount * scale)
        projects.append(Project(f"{region}{year % 100}G{rng.randrange(10**10):010d}N", PROJECT_NAMES[code],
                                amount * scale, code, units[0].name))
    reception = economics.get("30217", ZERO)
    vehicle = economics.get("30231", ZERO)
    return Budget(
        doc_id, department, county, region, province, portal, year, doc_type, currency, units, economics, projects,
        three_public={"overseas": ZERO, "vehicle_purchase": ZERO, "vehicle_operation": vehicle, "reception": reception},
        fund_functions=fund_functions, staff=(staff + 3, staff), source_note="invented (fixed random seed)",
    )


def unit_economics(rng: random.Random, staff: int, scale: Decimal) -> dict[str, Decimal]:
    """Personnel and running costs of one unit, in 万元 × scale."""
    n = Decimal(staff)

    def per_head(low: float, high: float) -> Decimal:
        return (cents(rng, low, high) * n * scale).quantize(Decimal("0.01"))

    wage = {"30101": per_head(3.2, 4.1), "30102": per_head(2.0, 3.2), "30103": per_head(0.5, 0.9),
            "30107": per_head(0.9, 1.6)}
    base = sum(wage.values(), ZERO)
    pct = lambda rate: (base * Decimal(rate)).quantize(Decimal("0.01"))  # noqa: E731 - tiny local rule
    social = {"30108": pct("0.16"), "30109": pct("0.08"), "30110": pct("0.075"), "30111": pct("0.02"),
              "30112": pct("0.004"), "30113": pct("0.12")}
    goods = {"30201": per_head(0.2, 0.5), "30207": per_head(0.05, 0.15), "30211": per_head(0.1, 0.3),
             "30215": cents(rng, 1, 6) * scale, "30216": cents(rng, 1, 5) * scale,
             "30217": cents(rng, 1, 8) * scale, "30228": (base * Decimal("0.02")).quantize(Decimal("0.01")),
             "30229": per_head(0.05, 0.12), "30231": cents(rng, 3, 18) * scale, "30299": per_head(0.05, 0.2)}
    transfers = {"30302": per_head(0.1, 0.4), "30305": per_head(0.02, 0.1)}
    return {**wage, **social, **goods, **transfers}


PROJECT_NAMES: dict[str, str] = {
    "2010302": "专项业务工作经费",
    "2010399": "其他专项工作经费",
    "2010602": "预算编审及财政监督经费",
    "2010607": "财政信息化建设运维",
    "2050102": "教育督导评估经费",
    "2050202": "义务教育薄弱环节改善项目",
    "2050203": "初中学校公用经费补助",
    "2100102": "卫生健康综合监督执法经费",
    "2100408": "基本公共卫生服务补助",
    "2100409": "重大公共卫生服务项目",
    "2130102": "农业综合行政执法经费",
    "2130108": "农作物重大病虫害防控",
    "2130122": "高标准农田建设管护",
    "2200104": "国土空间规划编制",
    "2200106": "耕地保护与土地整治",
    "2120801": "征地和拆迁补偿",
    "2120803": "城市基础设施配套建设",
    "2296004": "彩票公益金教育资助项目",
}


def pingxiang_education_2024() -> DocumentSpec:
    budget = invent("pingxiang-education-2024-budget", "平乡县教育局", "平乡县", "130532", "河北", "pingxiang", 2024,
                    "budget", "万元", rng_seed=1301, staff=64, admin_code="2050101",
                    project_codes=("2050102", "2050202", "2050203"), subunit=("平乡县第一中学", "2050203", 38),
                    fund_lines={"2296004": d("86.40")})
    layout = Layout(split_codes=True, landscape=True, title_prefix="部门", thousands=True)
    return DocumentSpec(budget, layout, "pdf", ["split_codes", "landscape", "several_units", "government_fund_table",
                                                 "thousands_separators"],
                        [Posting("pingxiang", "平乡县教育局2024年部门预算公开", date(2024, 2, 18))])


def suixi_health(doc_id: str, year: int, doc_type: str, seed: int) -> Budget:
    return invent(doc_id, "濉溪县卫生健康委员会", "濉溪县", "340621", "安徽", "suixi", year, doc_type, "万元",
                  rng_seed=seed, staff=41, admin_code="2100101", project_codes=("2100102", "2100408", "2100409"))


def suixi_health_documents() -> list[DocumentSpec]:
    """2023 budget, 2023 final account (same leaves as that budget, 三公 actuals lower), 2024 budget (XLSX)."""
    budget_2023 = suixi_health("suixi-health-2023-budget", 2023, "budget", 3406)
    final = suixi_health("suixi-health-2023-final-account", 2023, "final_account", 3406)
    final.three_public_budget = dict(budget_2023.three_public)
    final.three_public = {k: (v * Decimal("0.9")).quantize(Decimal("0.01")) for k, v in budget_2023.three_public.items()}
    final.source_note = "invented: the 2023 budget's lines as executed; 三公 actual = 90% of budget"
    budget_2024 = suixi_health("suixi-health-2024-budget", 2024, "budget", 3407)
    budget_2024.previous_total = budget_2023.total
    return [
        DocumentSpec(budget_2023, Layout(title_prefix="部门"), "pdf", ["wide_clean"],
                     [Posting("suixi", "濉溪县卫生健康委员会2023年部门预算公开", date(2023, 2, 10))]),
        DocumentSpec(final, Layout(title_prefix="部门", thousands=True), "pdf",
                     ["final_account", "budget_and_actual_columns", "thousands_separators"],
                     [Posting("suixi", "濉溪县卫生健康委员会2023年度部门决算公开", date(2024, 8, 28))]),
        DocumentSpec(budget_2024, Layout(title_prefix="部门"), "xlsx", ["xlsx_attachment", "numeric_cells"],
                     [Posting("suixi", "濉溪县卫生健康委员会2024年部门预算表", date(2024, 2, 2))], narrative=False),
    ]


def fengxian_agriculture_2024() -> DocumentSpec:
    budget = invent("fengxian-agriculture-2024-budget", "凤县农业农村局", "凤县", "610330", "陕西", "fengxian", 2024,
                    "budget", "元", rng_seed=6103, staff=35, admin_code="2130101",
                    project_codes=("2130102", "2130108", "2130122"))
    return DocumentSpec(budget, Layout(title_prefix="单位综合预算", landscape=True), "pdf",
                        ["yuan_unit", "landscape"],
                        [Posting("fengxian", "凤县农业农村局2024年单位预算公开", date(2024, 2, 22))],
                        defects=["parent_not_sum_of_children"])


def huainan_finance_2024() -> DocumentSpec:
    budget = invent("huainan-finance-2024-budget", "淮南市财政局", "淮南市", "340400", "安徽", "huainan", 2024,
                    "budget", "万元", rng_seed=3404, staff=120, admin_code="2010601",
                    project_codes=("2010602", "2010607"))
    return DocumentSpec(budget, Layout(title_prefix="部门", thousands=True), "pdf", ["wide_clean"],
                        [Posting("huainan", "淮南市财政局2024年部门预算公开", date(2024, 2, 29))],
                        defects=["unit_mislabelled"])


def yongqiao_natural_resources_2024() -> DocumentSpec:
    budget = invent("yongqiao-natural-resources-2024-budget", "埇桥区自然资源和规划局", "埇桥区", "341302", "安徽",
                    "yongqiao", 2024, "budget", "万元", rng_seed=3413, staff=77, admin_code="2200101",
                    project_codes=("2200104", "2200106"), fund_lines={"2120801": d("1260.00"),
                                                                       "2120803": d("348.25")})
    return DocumentSpec(budget, Layout(title_prefix="部门", thousands=True), "pdf",
                        ["wide_clean", "government_fund_table"],
                        [Posting("yongqiao", "埇桥区自然资源和规划局2024年部门预算", date(2024, 3, 12))],
                        defects=["invalid_function_code"])


def pingxiang_agriculture_2024() -> DocumentSpec:
    budget = invent("pingxiang-agriculture-2024-budget", "平乡县农业农村局", "平乡县", "130532", "河北", "pingxiang",
                    2024, "budget", "万元", rng_seed=1305, staff=46, admin_code="2130101",
                    project_codes=("2130108", "2130122"))
    layout = Layout(narrow=True, column_numbers=True, title_prefix="部门预算", year_in_titles=False)
    return DocumentSpec(budget, layout, "pdf", ["narrow_wrapped"],
                        [Posting("pingxiang", "平乡县农业农村局2024年部门预算公开", date(2024, 3, 6))],
                        defects=["truncated_pdf"])


def suixi_finance_2024() -> DocumentSpec:
    budget = invent("suixi-finance-2024-budget", "濉溪县财政局", "濉溪县", "340621", "安徽", "suixi", 2024, "budget",
                    "万元", rng_seed=3409, staff=58, admin_code="2010601", project_codes=("2010602",))
    return DocumentSpec(budget, Layout(title_prefix="部门"), "pdf", [],
                        [Posting("suixi", "濉溪县财政局2024年部门预算公开", date(2024, 2, 14))], defects=["zero_byte"],
                        narrative=False)


def fengxian_health_2024() -> DocumentSpec:
    budget = invent("fengxian-health-2024-budget", "凤县卫生健康局", "凤县", "610330", "陕西", "fengxian", 2024,
                    "budget", "万元", rng_seed=6104, staff=29, admin_code="2100101", project_codes=("2100408",))
    return DocumentSpec(budget, Layout(title_prefix="单位综合预算"), "pdf", ["scanned"],
                        [Posting("fengxian", "凤县卫生健康局2024年单位预算公开", date(2024, 3, 1))],
                        defects=["no_text_layer"])


def all_documents() -> list[DocumentSpec]:
    return [
        pingxiang_govoffice_2024(),
        fengxian_govoffice_2024(),
        yongqiao_govoffice_2023(),
        yongqiao_govoffice_2024(),
        suixi_govoffice_2024(),
        huainan_govoffice_2024(),
        pingxiang_education_2024(),
        *suixi_health_documents(),
        fengxian_agriculture_2024(),
        huainan_finance_2024(),
        yongqiao_natural_resources_2024(),
        pingxiang_agriculture_2024(),
        suixi_finance_2024(),
        fengxian_health_2024(),
    ]
