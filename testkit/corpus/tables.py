"""The standard tables of a disclosure, as printed cells plus their ground truth.

A ``PrintedTable`` is format-neutral: the XLSX and DOCX writers lay it out,
and each printed row carries the ground-truth rows (docs/contracts.md §4) it
shows, so the truth cannot drift from what is printed. Page numbers are filled
in by the renderer once the layout engine has paginated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from testkit.corpus.codes import (
    PERSONNEL_CLASSES,
    SUMMARY_CLASSES,
    chinese_ordinal,
    economic_name,
    function_name,
)
from countybudget.table_kinds import TableKind
from testkit.corpus.model import ZERO, Budget, Project, hierarchy


@dataclass(frozen=True)
class Layout:
    """How a document prints its tables (see docs/corpus.md for the names)."""

    narrow: bool = False  # Excel-export columns so narrow that codes, names, numbers wrap
    thousands: bool = False  # 1,623.35
    split_codes: bool = False  # 类 | 款 | 项 in three columns
    column_numbers: bool = False  # a 栏次 row under the headers, and a 序号 column
    landscape: bool = False
    title_prefix: str = "部门预算"  # 部门预算支出总表 / 2024年部门支出预算总表 …
    dash_for_blank: bool = False  # "-" instead of an empty cell (truth stays null)
    year_in_titles: bool = True  # "2024年部门收支总表" rather than "部门预算收支总表"


@dataclass(frozen=True)
class Header:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class PrintedRow:
    cells: list[str]
    truths: list[dict[str, Any]] = field(default_factory=list)
    bold: bool = False


@dataclass
class PrintedTable:
    kind: str
    title: str
    unit: str | None  # as labelled above the table
    columns: list[str]  # ground-truth column keys
    header: list[list[Header]]
    widths: list[float]  # relative column widths (Excel character units for narrow/wide)
    rows: list[PrintedRow]
    note: str | None = None
    landscape: bool = False
    subtitle: str = ""  # the line under the title: unit name, year

    def truth(self) -> dict[str, Any]:
        rows = [t for r in self.rows for t in r.truths]
        pages = sorted({t["page"] for t in rows if t.get("page") is not None})
        return {
            "kind": self.kind,
            "title": self.title,
            "unit": self.unit,
            "pages": pages,
            "columns": self.columns,
            "rows": rows,
            "note": self.note,
        }


def money(value: Decimal | None, layout: Layout, blank_zero: bool = True) -> str:
    """A figure as the table prints it."""
    if value is None or (blank_zero and value == 0):
        return "-" if layout.dash_for_blank else ""
    return f"{value:,.2f}" if layout.thousands else f"{value:.2f}"


def truth_amount(value: Decimal | None, blank_zero: bool = True) -> str | None:
    """The same figure in the ground truth: plain decimal string, null when blank."""
    if value is None or (blank_zero and value == 0):
        return None
    return f"{value:.2f}"


def amount_row(code: str | None, name: str, amounts: dict[str, str | None], **extra: Any) -> dict[str, Any]:
    return {"code": code, "name": name, "item": None, "side": None, "page": None, "amounts": amounts, **extra}


# ------------------------------------------------------------------ shapes


def code_cells(code: str | None, layout: Layout) -> list[str]:
    if not layout.split_codes:
        return [code or ""]
    if code is None:
        return ["", "", ""]
    return [code[:3], code[3:5], code[5:7]]


def code_headers(layout: Layout, label: str = "功能分类科目") -> tuple[list[Header], list[Header]]:
    """Two header rows for the code/name columns."""
    if layout.split_codes:
        return [Header(label, 4)], [Header("类"), Header("款"), Header("项"), Header("科目名称")]
    return [Header(label, 2)], [Header("科目编码"), Header("科目名称")]


def code_widths(layout: Layout) -> list[float]:
    if layout.split_codes:
        return [4, 3.5, 3.5, 20]
    if layout.narrow:
        return [4.5, 5.5]
    return [9, 24]


def amount_width(layout: Layout) -> float:
    return 4.2 if layout.narrow else 11


def with_serial(table: PrintedTable, layout: Layout) -> PrintedTable:
    """Add the 序号 column and the 栏次 row that Excel-export tables carry."""
    if not layout.column_numbers:
        return table
    n_cols = len(table.widths)
    table.header[0].insert(0, Header("序号", 1, len(table.header)))
    column_numbers = PrintedRow(["栏次"] + [str(i) for i in range(1, n_cols + 1)])
    for i, row in enumerate(table.rows, start=1):
        row.cells.insert(0, str(i))
    table.rows.insert(0, column_numbers)
    table.widths.insert(0, 3 if layout.narrow else 4.5)
    return table


def function_table(
    budget: Budget,
    layout: Layout,
    kind: str,
    title: str,
    leaves: dict[str, tuple[Decimal, Decimal]],
    empty_note: str,
    columns: tuple[str, ...] = ("total", "basic", "project"),
) -> PrintedTable:
    """Any table of function lines with 合计 | 基本支出 | 项目支出 columns."""
    top, second = code_headers(layout)
    header = [top + [Header("合计", 1, 2), Header("基本支出", 1, 2), Header("项目支出", 1, 2)], second]
    widths = code_widths(layout) + [amount_width(layout)] * 3
    rows: list[PrintedRow] = []
    note = None
    if leaves:
        basic_total = sum((b for b, _ in leaves.values()), ZERO)
        project_total = sum((p for _, p in leaves.values()), ZERO)
        rows.append(total_line(layout, "合计", basic_total + project_total, basic_total, project_total))
        for code, (basic, project) in hierarchy(leaves):
            cells = code_cells(code, layout) + [function_name(code)]
            figures = (basic + project, basic, project)
            rows.append(
                PrintedRow(
                    cells + [money(v, layout, blank_zero=i > 0) for i, v in enumerate(figures)],
                    [amount_row(code, function_name(code), {
                        k: truth_amount(v, blank_zero=i > 0) for i, (k, v) in enumerate(zip(columns, figures))
                    })],
                )
            )
    else:
        note = empty_note
    table = PrintedTable(kind, title, budget.currency, list(columns), header, widths, rows, note, layout.landscape)
    return with_serial(table, layout)


def total_line(layout: Layout, name: str, *figures: Decimal) -> PrintedRow:
    keys = ("total", "basic", "project")
    label_cells = ["", "", "", name] if layout.split_codes else ["", name]
    return PrintedRow(
        label_cells + [money(v, layout, blank_zero=i > 0) for i, v in enumerate(figures)],
        [amount_row(None, name, {k: truth_amount(v, blank_zero=i > 0) for i, (k, v) in enumerate(zip(keys, figures))})],
        bold=True,
    )


def economic_table(budget: Budget, layout: Layout, title: str) -> PrintedTable:
    """一般公共预算基本支出表: economic lines with 人员经费 | 公用经费."""
    narrow_layout = Layout(**{**layout.__dict__, "split_codes": False})
    top, second = code_headers(narrow_layout, "部门预算支出经济分类科目")
    header = [top + [Header("一般公共预算基本支出", 3)], second + [Header("合计"), Header("人员经费"), Header("公用经费")]]
    widths = code_widths(narrow_layout) + [amount_width(layout)] * 3
    personnel, public = budget.personnel_total, budget.public_total
    rows = [
        PrintedRow(
            ["", "合计", money(personnel + public, layout, False), money(personnel, layout), money(public, layout)],
            [amount_row(None, "合计", {"total": truth_amount(personnel + public, False),
                                      "personnel": truth_amount(personnel), "public": truth_amount(public)})],
            bold=True,
        )
    ]
    leaves = {c: (v,) for c, v in budget.economics.items()}
    for code, (total,) in hierarchy(leaves):
        for value in budget.economic_split.get(code, (total,)):
            rows.append(economic_row(code, value, layout))
    table = PrintedTable(TableKind.BASIC_EXPENDITURE_BY_ECONOMIC.value, title, budget.currency,
                         ["total", "personnel", "public"], header, widths, rows, None, layout.landscape)
    return with_serial(table, layout)


def economic_row(code: str, value: Decimal, layout: Layout) -> PrintedRow:
    p, q = (value, None) if code[:3] in PERSONNEL_CLASSES else (None, value)
    return PrintedRow(
        [code, economic_name(code), money(value, layout, False), money(p, layout), money(q, layout)],
        [amount_row(code, economic_name(code), {"total": truth_amount(value, False),
                                               "personnel": truth_amount(p), "public": truth_amount(q)})],
    )


def class_totals(leaves: dict[str, tuple[Decimal, Decimal]]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for code, (basic, project) in leaves.items():
        totals[code[:3]] = totals.get(code[:3], ZERO) + basic + project
    return totals


def summary_table(budget: Budget, layout: Layout, title: str) -> PrintedTable:
    """收支总表: income on the left half, expenditure by 类 on the right."""
    amount_label = "决算数" if budget.doc_type == "final_account" else "预算数"
    header = [
        [Header("收入", 2), Header("支出", 2)],
        [Header("项目"), Header(amount_label), Header("项目"), Header(amount_label)],
    ]
    incomes = [
        ("一、一般公共预算拨款收入", budget.general_total),
        ("二、政府性基金预算拨款收入", budget.fund_total),
        ("三、国有资本经营预算拨款收入", None),
        ("四、财政专户管理资金收入", None),
        ("五、单位资金", None),
    ]
    classes = class_totals(budget.all_functions)
    spending = [(f"{chinese_ordinal(i)}、{name}", classes.get(code)) for i, (code, name) in
                enumerate(SUMMARY_CLASSES, start=1)]
    rows: list[PrintedRow] = []
    for i in range(max(len(incomes), len(spending))):
        left = incomes[i] if i < len(incomes) else ("", None)
        right = spending[i] if i < len(spending) else ("", None)
        rows.append(two_halves_row(layout, left, right))
    carry_in = "上年结转结余" if budget.doc_type == "budget" else "年初结转和结余"
    carry_out = "年终结转结余" if budget.doc_type == "budget" else "年末结转和结余"
    rows.append(two_halves_row(layout, ("本年收入合计", budget.total), ("本年支出合计", budget.total), bold=True))
    rows.append(two_halves_row(layout, (carry_in, None), (carry_out, None)))
    rows.append(two_halves_row(layout, ("收入总计", budget.total), ("支出总计", budget.total), bold=True))
    widths = [20, 11, 22, 11] if not layout.narrow else [8, 5, 8, 5]
    table = PrintedTable(TableKind.INCOME_EXPENDITURE_SUMMARY.value, title, budget.currency, ["amount"],
                         header, widths, rows, None, layout.landscape)
    return with_serial(table, layout)


def two_halves_row(layout: Layout, left: tuple[str, Decimal | None], right: tuple[str, Decimal | None],
                   bold: bool = False) -> PrintedRow:
    truths = []
    for side, (name, value) in (("income", left), ("expenditure", right)):
        if name:
            truths.append({**amount_row(None, name, {"amount": truth_amount(value)}), "side": side})
    return PrintedRow([left[0], money(left[1], layout), right[0], money(right[1], layout)], truths, bold)


def fiscal_summary_table(budget: Budget, layout: Layout, title: str) -> PrintedTable:
    """财政拨款收支总表: income amounts left, expenditure split by fund right."""
    header = [
        [Header("收入", 2), Header("支出", 5)],
        [Header("项目"), Header("金额"), Header("项目"), Header("合计"), Header("一般公共预算财政拨款"),
         Header("政府性基金预算财政拨款"), Header("国有资本经营预算财政拨款")],
    ]
    general = class_totals(budget.functions)
    fund = class_totals(budget.fund_functions)
    incomes = [("一、一般公共预算拨款", budget.general_total), ("二、政府性基金预算拨款", budget.fund_total),
               ("三、国有资本经营预算拨款", None)]
    rows: list[PrintedRow] = []
    for i, (code, name) in enumerate(SUMMARY_CLASSES):
        left = incomes[i] if i < len(incomes) else ("", None)
        g, f = general.get(code), fund.get(code)
        total = (g or ZERO) + (f or ZERO) if (g or f) else None
        rows.append(fiscal_row(layout, left, f"{chinese_ordinal(i + 1)}、{name}", (total, g, f, None)))
    rows.append(fiscal_row(layout, ("本年收入合计", budget.total), "本年支出合计",
                           (budget.total, budget.general_total, budget.fund_total, None), bold=True))
    rows.append(fiscal_row(layout, ("收入总计", budget.total), "支出总计",
                           (budget.total, budget.general_total, budget.fund_total, None), bold=True))
    widths = [8, 5, 8, 5, 5, 5, 5] if layout.narrow else [18, 10, 20, 10, 10, 10, 10]
    table = PrintedTable(TableKind.FISCAL_APPROPRIATION_SUMMARY.value, title, budget.currency,
                         ["amount", "total", "general_budget", "government_fund", "state_capital"],
                         header, widths, rows, None, layout.landscape)
    return with_serial(table, layout)


def fiscal_row(layout: Layout, left: tuple[str, Decimal | None], right_name: str,
               figures: tuple[Decimal | None, ...], bold: bool = False) -> PrintedRow:
    truths = []
    if left[0]:
        truths.append({**amount_row(None, left[0], {"amount": truth_amount(left[1])}), "side": "income"})
    keys = ("total", "general_budget", "government_fund", "state_capital")
    truths.append({**amount_row(None, right_name, {k: truth_amount(v) for k, v in zip(keys, figures)}),
                   "side": "expenditure"})
    return PrintedRow([left[0], money(left[1], layout), right_name, *(money(v, layout) for v in figures)], truths, bold)


def income_table(budget: Budget, layout: Layout, title: str) -> PrintedTable:
    """收入总表: by unit when the department has several units, else by function."""
    keys = ["total", "current_year_subtotal", "fiscal_appropriation", "business", "other", "carryover"]
    labels = ["合计", "本年收入小计", "财政拨款收入", "事业收入", "其他收入", "上年结转"]
    by_unit = len(budget.units) > 1
    if by_unit:
        label_headers = [Header("单位名称", 1, 2)]
        label_widths = [24.0 if not layout.narrow else 8]
    else:
        top, second = code_headers(layout)
        label_headers = top
        label_widths = code_widths(layout)
    header = [label_headers + [Header(labels[0], 1, 2), Header("本年收入", 4), Header(labels[5], 1, 2)],
              ([] if by_unit else second) + [Header(x) for x in labels[1:5]]]
    rows: list[PrintedRow] = []

    def line(label_cells: list[str], code: str | None, name: str, value: Decimal, bold: bool = False) -> PrintedRow:
        figures = {"total": value, "current_year_subtotal": value, "fiscal_appropriation": value,
                   "business": None, "other": None, "carryover": None}
        return PrintedRow(label_cells + [money(figures[k], layout) for k in keys],
                          [amount_row(code, name, {k: truth_amount(figures[k]) for k in keys})], bold)

    if by_unit:
        rows.append(line(["合计"], None, "合计", budget.total, True))
        for unit in budget.units:
            rows.append(line([unit.name], None, unit.name, budget.unit_total(unit)))
    else:
        blank = ["", "", "", "合计"] if layout.split_codes else ["", "合计"]
        rows.append(line(blank, None, "合计", budget.total, True))
        for code, (basic, project) in hierarchy(budget.all_functions):
            rows.append(line(code_cells(code, layout) + [function_name(code)], code, function_name(code),
                             basic + project))
    widths = label_widths + [amount_width(layout)] * len(keys)
    table = PrintedTable(TableKind.INCOME_SUMMARY.value, title, budget.currency, keys, header, widths, rows,
                         None, layout.landscape)
    return with_serial(table, layout)


THREE_PUBLIC_LINES: tuple[tuple[str | None, str], ...] = (
    ("total", "“三公”经费合计"),
    ("overseas", "1.因公出国（境）费"),
    (None, "2.公务用车购置及运行维护费"),
    ("vehicle_purchase", "（1）公务用车购置费"),
    ("vehicle_operation", "（2）公务用车运行维护费"),
    ("reception", "3.公务接待费"),
)


def three_public_table(budget: Budget, layout: Layout, title: str) -> PrintedTable:
    final = budget.three_public_budget is not None
    columns = ["budget", "actual"] if final else ["amount"]
    header = [[Header("项目")] + ([Header("预算数"), Header("决算数")] if final else [Header("预算数")])]
    parts = ("overseas", "vehicle_purchase", "vehicle_operation", "reception")

    def figures(source: dict[str, Decimal], item: str | None) -> Decimal:
        if item == "total":
            return sum((source.get(p, ZERO) for p in parts), ZERO)
        if item is None:  # the vehicle subtotal line
            return source.get("vehicle_purchase", ZERO) + source.get("vehicle_operation", ZERO)
        return source.get(item, ZERO)

    sources = [budget.three_public_budget, budget.three_public] if final else [budget.three_public]
    rows = []
    for item, name in THREE_PUBLIC_LINES:
        values = [figures(s, item) for s in sources if s is not None]
        rows.append(PrintedRow([name] + [money(v, layout, blank_zero=False) for v in values],
                               [{**amount_row(None, name, {k: truth_amount(v, False) for k, v in zip(columns, values)}),
                                 "item": item}], bold=item == "total"))
    for item, code, name in (("meeting", "30215", "会议费"), ("training", "30216", "培训费")):
        if item in budget.three_public:  # stated by the document itself (seed 002)
            values = [s.get(item, ZERO) for s in sources if s is not None]
        elif code in budget.economics:
            values = [budget.economics[code]] * len(sources)
        else:
            continue
        rows.append(PrintedRow([name] + [money(v, layout, False) for v in values],
                               [{**amount_row(None, name, {k: truth_amount(v, False) for k, v in
                                                           zip(columns, values)}), "item": item}]))
    widths = [30.0] + [14.0] * len(columns)
    return PrintedTable(TableKind.THREE_PUBLIC_EXPENSES.value, title, budget.currency, columns, header, widths, rows,
                        None, layout.landscape)


def project_table(budget: Budget, layout: Layout, title: str) -> PrintedTable:
    header = [[Header("单位名称"), Header("项目编码"), Header("项目名称"), Header("合计"),
               Header("一般公共预算"), Header("政府性基金预算")]]
    fund_codes = set(budget.fund_functions)
    rows = []
    total = sum((p.amount for p in budget.projects), ZERO)
    fund_sum = sum((p.amount for p in budget.projects if p.function_code in fund_codes), ZERO)
    rows.append(PrintedRow(["合计", "", "", money(total, layout), money(total - fund_sum, layout), money(fund_sum, layout)],
                           [amount_row(None, "合计", {"total": truth_amount(total),
                                                      "general_budget": truth_amount(total - fund_sum),
                                                      "government_fund": truth_amount(fund_sum), "other": None})],
                           bold=True))
    for project in budget.projects:
        general, fund = project_split(project, fund_codes)
        shown = {"total": project.amount, "general_budget": general, "government_fund": fund}
        as_seed = {k: project.printed_amount if project.printed_amount and v == project.amount else None
                   for k, v in shown.items()}  # seed 004 prints "96", "72.8"
        rows.append(PrintedRow(
            [project.unit_name, project.code, project.name,
             *(as_seed[k] or money(v, layout) for k, v in shown.items())],
            [amount_row(project.code, project.name,
                        {k: as_seed[k] or truth_amount(v) for k, v in shown.items()} | {"other": None})],
        ))
    widths = [16, 20, 26, 10, 10, 10] if not layout.narrow else [6, 7, 8, 4.2, 4.2, 4.2]
    return PrintedTable(TableKind.PROJECT_EXPENDITURE.value, title, budget.currency,
                        ["total", "general_budget", "government_fund", "other"], header, widths, rows, None,
                        layout.landscape)


def project_split(project: Project, fund_codes: set[str]) -> tuple[Decimal, Decimal]:
    if project.function_code in fund_codes:
        return ZERO, project.amount
    return project.amount, ZERO


def target_table(budget: Budget, project: Project, layout: Layout, title: str) -> PrintedTable:
    """One 项目支出绩效目标表: the project's header block, then one line per indicator."""
    amount = project.printed_amount or f"{project.amount:.2f}"
    header = [[Header("一级指标"), Header("二级指标"), Header("三级指标"), Header("指标值")]]
    rows = [
        PrintedRow(["项目名称", project.name, "项目编码", project.code]),
        PrintedRow(["主管部门", budget.department, "资金总额（万元）", amount]),
    ]
    for t in project.targets:
        rows.append(PrintedRow([t.level1, t.level2, t.level3, t.value], [{
            "project_code": project.code, "project_name": project.name, "level1": t.level1,
            "level2": t.level2, "level3": t.level3, "target": t.value, "page": None}]))
    return PrintedTable(TableKind.PERFORMANCE_TARGETS.value, title, None, [], header, [12, 14, 34, 12], rows,
                        None, layout.landscape)


# ------------------------------------------------------------------ the set


def standard_tables(budget: Budget, layout: Layout) -> list[PrintedTable]:
    """All standard tables of the document, in the order a finance office prints them."""
    y, unit_kind = budget.fiscal_year, ("决算" if budget.doc_type == "final_account" else "预算")
    p = layout.title_prefix
    general = budget.functions
    titles = {
        "summary": f"{p}收支总表" if unit_kind == "预算" else "收入支出决算总表",
        "income": f"{p}收入总表" if unit_kind == "预算" else "收入决算表",
        "expenditure": f"{p}支出总表" if unit_kind == "预算" else "支出决算表",
        "fiscal": f"{p}财政拨款收支总表" if unit_kind == "预算" else "财政拨款收入支出决算总表",
        "function": f"{p}一般公共预算财政拨款支出表" if unit_kind == "预算" else "一般公共预算财政拨款支出决算表",
        "economic": f"{p}一般公共预算财政拨款基本支出表" if unit_kind == "预算" else "一般公共预算财政拨款基本支出决算表",
        "fund": f"{p}政府性基金预算财政拨款支出表" if unit_kind == "预算" else "政府性基金预算财政拨款收入支出决算表",
        "capital": f"{p}国有资本经营预算财政拨款支出表" if unit_kind == "预算" else "国有资本经营预算财政拨款支出决算表",
        "three": f"{p}财政拨款“三公”经费支出表" if unit_kind == "预算" else "财政拨款“三公”经费支出决算表",
        "projects": f"{p}项目支出表",
    }
    if layout.year_in_titles or unit_kind == "决算":
        titles = {k: f"{y}年{v}" for k, v in titles.items()}
    tables = [
        summary_table(budget, layout, titles["summary"]),
        income_table(budget, layout, titles["income"]),
        function_table(budget, layout, TableKind.EXPENDITURE_SUMMARY.value, titles["expenditure"],
                       budget.all_functions, "本表无数据"),
        fiscal_summary_table(budget, layout, titles["fiscal"]),
        function_table(budget, layout, TableKind.EXPENDITURE_BY_FUNCTION.value, titles["function"], general,
                       "本表无数据"),
        economic_table(budget, layout, titles["economic"]),
        function_table(budget, layout, TableKind.GOVERNMENT_FUND_EXPENDITURE.value, titles["fund"],
                       budget.fund_functions, "注：本部门无政府性基金预算财政拨款支出，本表无数据。"),
        function_table(budget, layout, TableKind.STATE_CAPITAL_EXPENDITURE.value, titles["capital"], {},
                       "注：本部门无国有资本经营预算财政拨款支出，空表列示。"),
        three_public_table(budget, layout, titles["three"]),
    ]
    if budget.projects and budget.doc_type == "budget":
        tables.append(project_table(budget, layout, titles["projects"]))
        for project in budget.projects:
            if project.targets:
                tables.append(target_table(budget, project, layout, f"{y}年项目支出绩效目标表（{project.name}）"))
    return tables
