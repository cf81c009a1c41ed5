"""Column roles of the amount tables other than the summaries (parsers/columns.py).

Grid-level fixtures in the layouts met in real documents (Wuxi, Shanghai,
Fuzhou, Guangzhou, Shenzhen exports and the wordings of other provinces), built
in code so they do not depend on one reader: header words are evidence, the
tables' own identities (合计 = Σ parts) decide, and no printed figure is
dropped.
"""

from __future__ import annotations

from countybudget import identities
from countybudget.table_kinds import COLUMN_KEYS, TABLE_KINDS, is_unmapped_column_key
from parsers.model import Grid
from parsers.tables import interpret_grid


def grid(cells: list[list[str | None]], title: str | None = None, unit_text: str | None = "单位：万元") -> Grid:
    return Grid(cells=cells, row_pages=[1] * len(cells), title=title, unit_text=unit_text)


def doc(*tables: dict) -> dict:
    return {"id": "fixture", "tables": list(tables)}


def violations(*tables: dict, identity: str | None = None) -> list[identities.Violation]:
    found = identities.check_document(doc(*tables))
    return [v for v in found if identity is None or v.identity == identity]


def amounts(table: dict, name_or_code: str) -> dict:
    row = next(r for r in table["rows"] if name_or_code in (r["code"], r["name"]))
    return row["amounts"]


def known_columns(table: dict) -> bool:
    return all(c in COLUMN_KEYS[table["kind"]] or is_unmapped_column_key(c) for c in table["columns"])


# ------------------------------------------------------------ function tables


def test_basic_group_over_subtotal_and_its_parts() -> None:
    """合计 | 基本支出 (小计 | 人员经费 | 公用经费) | 项目支出: 小计 is 基本支出, its parts are kept."""
    table = interpret_grid(
        grid(
            [
                ["科目编码", "科目名称", "合计", "基本支出", None, None, "项目支出"],
                [None, None, None, "小计", "人员经费", "公用经费", None],
                ["合计", None, "5,390.07", "390.07", "300.00", "90.07", "5,000.00"],
                ["206", "科学技术支出", "5,000.00", None, None, None, "5,000.00"],
                ["208", "社会保障和就业支出", "390.07", "390.07", "300.00", "90.07", None],
            ],
            title="财政拨款支出表（功能科目）",
        )
    )
    assert table["kind"] == "expenditure_by_function"
    assert table["columns"] == ["total", "basic", "personnel", "public", "project"]
    assert amounts(table, "合计") == {
        "total": "5390.07", "basic": "390.07", "personnel": "300.00", "public": "90.07", "project": "5000.00"}
    assert violations(table) == []


def test_parts_of_basic_printed_without_their_group_are_checked_as_parts() -> None:
    """基本支出 over 人员经费 | 公用经费 with no 小计: 合计 = 人员 + 公用 + 项目."""
    table = interpret_grid(
        grid(
            [
                ["项目", None, None, None, "财政拨款支出", None, None, None],
                ["功能分类科目编码", None, None, None, None, "基本支出", None, None],
                ["类", "款", "项", "功能分类科目名称", "合计", "人员经费", "公用经费", "项目支出"],
                ["201", None, None, "一般公共服务支出", "6,783,536", "2,545,183", "3,968,353", "270,000"],
                ["201", "13", "01", "行政运行", "6,513,536", "2,545,183", "3,968,353", None],
            ],
            title="2026年预算单位财政拨款支出预算表",
            unit_text="单位：元",
        )
    )
    assert table["columns"] == ["total", "personnel", "public", "project"]
    assert identities.row_total_rules(table["kind"], table["columns"]) == [
        ("total", ("personnel", "public", "project"))]
    assert violations(table, identity="row_total") == []
    table["rows"][1]["amounts"]["public"] = "3968300"
    assert [v.code for v in violations(table, identity="row_total")] == ["2011301"]


def test_other_wordings_of_the_same_roles() -> None:
    """合计 | 人员经费支出 | 日常公用支出 | 专项业务经费支出 | 备注: roles from the words,
    the 备注 text neither a figure nor part of the name."""
    table = interpret_grid(
        grid(
            [
                ["科目编码", "科目名称", "合计", "人员经费支出", "日常公用支出", "专项业务经费支出", "备注"],
                ["2010301", "行政运行", "120.00", "80.00", "40.00", None, "含离退休人员经费"],
                ["2010302", "一般行政管理事务", "30.00", None, None, "30.00", None],
            ],
            title="一般公共预算支出表",
        )
    )
    assert table["columns"] == ["total", "personnel", "public", "project"]
    assert [r["name"] for r in table["rows"]] == ["行政运行", "一般行政管理事务"]
    assert violations(table) == []


def test_subtotal_whereof_basic_and_project() -> None:
    """小计 | 其中：基本支出 | 项目支出 (其中 printed above as a group)."""
    table = interpret_grid(
        grid(
            [
                [None, None, None, "其中：", None],
                ["科目编码", "科目名称", "小计", "基本支出", "项目支出"],
                ["合计", None, "23195.94", "3861.25", "19334.69"],
                ["201", "一般公共服务支出", "2943.48", "2408.79", "534.69"],
            ],
            title="年度一般公共预算拨款支出预算表",
        )
    )
    assert table["columns"] == ["total", "basic", "project"]


def test_a_centred_group_header_leaves_the_subtotal_to_the_identities() -> None:
    """The group words landed over 人员经费, not over its 小计: the subtotal is
    read as 基本支出 because it is the sum of the parts after it."""
    table = interpret_grid(
        grid(
            [
                ["科目编码", "科目名称", "合计", None, "基本支出", None, "项目支出"],
                [None, None, None, "小计", "人员经费", "公用经费", None],
                ["201", "一般公共服务支出", "100.00", "70.00", "50.00", "20.00", "30.00"],
                ["2010301", "行政运行", "70.00", "70.00", "50.00", "20.00", None],
                ["2010302", "一般行政管理事务", "30.00", None, None, None, "30.00"],
            ],
            title="一般公共预算支出表",
        )
    )
    assert table["columns"] == ["total", "basic", "personnel", "public", "project"]
    assert violations(table) == []


def test_an_unknown_amount_column_is_kept_with_its_header_words() -> None:
    table = interpret_grid(
        grid(
            [
                ["科目编码", "科目名称", "合计", "基本支出", "项目支出", "扣除基建项目后预算数"],
                ["2010301", "行政运行", "120.00", "120.00", None, "100.00"],
                ["2010302", "一般行政管理事务", "30.00", None, "30.00", None],
            ],
            title="一般公共预算支出表",
        )
    )
    assert table["columns"] == ["total", "basic", "project", "col:扣除基建项目后预算数"]
    assert amounts(table, "2010301")["col:扣除基建项目后预算数"] == "100.00"
    assert known_columns(table)


def test_four_to_six_decimals_stay_exact() -> None:
    table = interpret_grid(
        grid(
            [
                ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
                ["2010301", "行政运行", "0.123457", "0.1234", "0.000057"],
            ],
            title="一般公共预算支出表",
        )
    )
    assert amounts(table, "2010301") == {"total": "0.123457", "basic": "0.1234", "project": "0.000057"}
    assert violations(table, identity="row_total") == []
    table["rows"][0]["amounts"]["project"] = "0.000060"  # three millionths of 万元 (3 cents) off
    assert len(violations(table, identity="row_total")) == 1


# ------------------------------------------------------- by-source columns

SOURCES_HEADER = [
    [None, None, "2026年预算", None, None, None, None, None, None, None, None, None],
    ["支出项目类别", None, "财政拨款", None, None, "财政专户", "单位资金", None, None, None, None, "上年结余、"],
    [None, "总计", "一般公共预算拨款", "政府性基金预算拨款", "国有资本经营预算拨款", "管理资金", "事业收入",
     "事业单位经营收入", "上级补助收入", "附属单位上缴收入", "其他收入", "结转"],
]


def test_project_table_by_funding_source() -> None:
    """总计 | 财政拨款 (three budgets) | 财政专户 | 单位资金 (five sources) | 上年结转,
    without a 小计 for either group: checked against the sources."""
    table = interpret_grid(
        grid(
            SOURCES_HEADER
            + [
                ["深圳市环境科学研究院", "9,402.71", "356.65", "0.00", "0.00", "0.00", "0.00", "7,213.68", "0.00",
                 "0.00", "0.00", "1,832.38"],
                ["上级转移支付项目", "10,806.63", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00",
                 "0.00", "10,806.63"],
            ],
            title="项目支出总表",
        )
    )
    assert table["kind"] == "project_expenditure"
    assert table["columns"] == [
        "total", "general_budget", "government_fund", "state_capital", "fiscal_special_account", "business",
        "operating", "superior_subsidy", "subordinate_remittance", "other", "carryover"]
    assert violations(table) == []
    table["rows"][0]["amounts"]["operating"] = "7203.68"
    assert len(violations(table, identity="row_total")) == 1


def test_basic_table_by_funding_source_is_basic_by_economic_class() -> None:
    table = interpret_grid(
        grid(
            [
                ["支出项目类别（资金使用", "总计", "财政拨款", None, None, None, "财政专户拨款", "其他资金"],
                ["单位）", None, "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算", None, None],
                # 合计 = its one 类 row here: 工资福利支出 is given its code 301 (parsers/codes.py) and the
                # 类 rows must add up to the total row (class_sum)
                ["合计", "9,397.69", "9,397.69", "9,397.69", "0.00", "0.00", "0.00", "0.00"],
                ["工资福利支出", "9,397.69", "9,397.69", "9,397.69", "0.00", "0.00", "0.00", "0.00"],
            ],
            title="部门预算基本支出预算表",
        )
    )
    assert table["kind"] == "basic_expenditure_by_economic"
    assert table["columns"] == [
        "total", "fiscal_appropriation", "general_budget", "government_fund", "state_capital",
        "fiscal_special_account", "other"]
    assert violations(table) == []


def test_procurement_by_funding_source() -> None:
    table = interpret_grid(
        grid(
            [
                [None, None, None, None, None, "资金来源", None, None, None, None],
                ["采购品目大类", "专项名称", "经济科目", "采购品目名称", "采购组织形式", "一般公共预算资金", "政府性基金",
                 "其他资金", "上年结转和结余资金", "总计"],
                ["合计", None, None, None, None, "802.85", "770.00", None, None, "1,572.85"],
                [None, "防灾减灾救灾建设", "委托业务费", "其他商业保险服务", "分散采购", None, "770.00", None, None, "770.00"],
            ],
            title="政府采购支出表",
        )
    )
    assert table["columns"][:2] == ["general_budget", "government_fund"] and "total" in table["columns"]
    assert violations(table) == []


# ------------------------------------------------------------ project tables

GUANGZHOU_PROJECT_HEADER = [
    ["支出项目类别（资金使用单", None, "财政拨款", None, None, None, "财政专", "其他资", None],
    ["位）", "总计", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算", "户拨款", "金", "绩效目标"],
]
DESCRIPTION = "做好我局驻市政务中心政务服务窗口工作，加快推进{}“放管服”改革，行政审批工作完善规范，办件质量有效提高。"


def test_a_figure_swallowed_by_the_wrapped_description_beside_it() -> None:
    """The description wraps past the amount's line and the reader put both in one
    cell: the figure the row's totals confirm is the amount, the rest is text."""
    table = interpret_grid(
        grid(
            GUANGZHOU_PROJECT_HEADER
            + [
                ["合计", "136.00", "136.00", "136.00", "0.00", "0.00", "0.00", "0.00", None],
                ["机构运行辅助经费", "28.00", "28.00", "28.00", "0.00", "0.00", "0.00", DESCRIPTION.format("0.00"), None],
                ["许可证管理补助款", "1.78", "0.00", "0.00", "0.00", "0.00", "0.00", DESCRIPTION.format("1.78"), None],
                ["其他运行经费", "108.00", "108.00", "108.00", "0.00", "0.00", "0.00", "0.00", DESCRIPTION.format("")],
            ],
            title="部门预算项目支出及其他支出预算表",
        )
    )
    assert table["columns"] == [
        "total", "fiscal_appropriation", "general_budget", "government_fund", "state_capital",
        "fiscal_special_account", "other"]
    assert [r["name"] for r in table["rows"]] == ["合计", "机构运行辅助经费", "许可证管理补助款", "其他运行经费"]
    assert amounts(table, "机构运行辅助经费")["other"] == "0.00"
    assert amounts(table, "许可证管理补助款")["other"] == "1.78"
    assert not table.get("warnings")


def test_a_figure_in_the_text_that_the_totals_do_not_confirm_is_not_read() -> None:
    text = "完成辖内国省道（62.898km）路面维护工作，达到路面平整，通行舒适，项目验收合格率100%以上。"
    table = interpret_grid(
        grid(
            GUANGZHOU_PROJECT_HEADER
            + [
                ["养护项目", "750.00", "750.00", "750.00", "0.00", "0.00", "0.00", text, None],
                ["其他运行经费", "108.00", "108.00", "108.00", "0.00", "0.00", "0.00", "0.00", None],
            ],
            title="部门预算项目支出及其他支出预算表",
        )
    )
    assert amounts(table, "养护项目")["other"] is None
    assert any("62.898" in w for w in table["warnings"])


def test_a_figure_glued_to_its_label() -> None:
    """`[312]对企业补助95,792.00` with the amount column blank (one amount column)."""
    table = interpret_grid(
        grid(
            [
                ["部门预", "算支出经济科目", "预算"],
                [None, "合计", "95,799.00"],
                ["[301]工资福利支出", None, "7.00"],
                [None, "[312]对企业补助95,792.00", None],
            ],
            title="一般公共预算项目支出情况表（按经济分类科目）",
        )
    )
    assert table["kind"] == "expenditure_by_economic"
    assert table["columns"] == ["project"]  # the title says whose figures these are
    assert [(r["code"], r["name"], r["amounts"]["project"]) for r in table["rows"]] == [
        (None, "合计", "95799.00"), ("301", "工资福利支出", "7.00"), ("312", "对企业补助", "95792.00")]
    assert violations(table) == []


def test_a_project_name_is_not_buried_under_its_description() -> None:
    table = interpret_grid(
        grid(
            [
                ["项目名称", "项目概述", "合计", "一般公共预算", "政府性基金预算"],
                ["信息化运维", "保障系统稳定运行，全年故障处理及时率达到百分之九十五以上，提升服务水平。", "50.00", "50.00", None],
            ],
            title="项目支出表",
        )
    )
    assert [r["name"] for r in table["rows"]] == ["信息化运维"]


# ------------------------------------------------------ by economic class


def test_by_economic_tables_that_are_not_basic_only() -> None:
    def kind(title: str, header: list[str | None]) -> str:
        return interpret_grid(grid([header, ["301", "工资福利支出", "1.00", "1.00", None][: len(header)]], title=title))["kind"]

    assert kind("年度一般公共预算支出经济分类情况表", ["科目编码", "科目名称", "预算数"]) == "expenditure_by_economic"
    assert kind("年度一般公共预算基本支出经济分类情况表", ["科目编码", "科目名称", "预算数"]) == "basic_expenditure_by_economic"
    assert kind("一般公共预算支出表（按经济分类）", ["科目编码", "科目名称", "支出总计", "基本支出", "项目支出"]) == (
        "expenditure_by_economic")
    assert kind("财政拨款基本支出表（经济科目）", ["科目编码", "科目名称", "合计", "人员经费", "公用经费"]) == (
        "basic_expenditure_by_economic")
    assert "expenditure_by_economic" in TABLE_KINDS


def test_basic_by_function_pairs_with_the_basic_economic_table_only() -> None:
    function = interpret_grid(grid(
        [["科目编码", "科目名称", "小计", "基本支出", "项目支出"], ["合计", None, "230.00", "30.00", "200.00"]],
        title="一般公共预算拨款支出预算表"))
    everything = interpret_grid(grid(
        [["科目编码", "科目名称", "预算数"], ["合计", None, "230.00"], ["302", "商品和服务支出", "230.00"]],
        title="一般公共预算支出经济分类情况表"))
    basic = interpret_grid(grid(
        [["科目编码", "科目名称", "预算数"], ["合计", None, "30.00"], ["302", "商品和服务支出", "30.00"]],
        title="一般公共预算基本支出经济分类情况表"))
    assert violations(function, everything, basic) == []


def test_basic_by_function_is_personnel_plus_public_where_basic_is_not_printed() -> None:
    function = interpret_grid(grid(
        [["科目编码", "科目名称", "合计", "人员经费", "公用经费", "项目支出"],
         ["合计", None, "100.00", "20.00", "10.00", "70.00"]],
        title="一般公共预算支出表"))
    basic = interpret_grid(grid(
        [["科目编码", "科目名称", "合计", "人员经费", "公用经费"], ["合计", None, "31.00", "21.00", "10.00"]],
        title="一般公共预算基本支出表"))
    assert [v.identity for v in violations(function, basic)] == ["basic_function_equals_economic"]


# ------------------------------------------------- two classifications


def test_department_and_government_economic_classes_side_by_side() -> None:
    table = interpret_grid(
        grid(
            [
                ["部门经济分类", None, "政府经济分类", None, "合计", "人员经费", "公用经费"],
                ["科目编码", "科目名称", "科目编码", "科目名称", None, None, None],
                ["合计", None, None, None, "150.00", "100.00", "50.00"],
                ["301", "工资福利支出", "501", "机关工资福利支出", "100.00", "100.00", None],
                ["30101", "基本工资", "50101", "工资奖金津补贴", "60.00", "60.00", None],
                ["30102", "津贴补贴", "50101", "工资奖金津补贴", "40.00", "40.00", None],
                ["302", "商品和服务支出", "502", "机关商品和服务支出", "50.00", None, "50.00"],
                ["30201", "办公费", "50201", "办公经费", "50.00", None, "50.00"],
            ],
            title="一般公共预算基本支出表",
        )
    )
    rows = table["rows"]
    assert [(r["code"], r["name"], r.get("other_codes")) for r in rows[1:3]] == [
        ("301", "工资福利支出", {"economic_government": "501"}),
        ("30101", "基本工资", {"economic_government": "50101"}),
    ]
    assert all("50101" not in (r["name"] or "") for r in rows)
    # the identities use the table's own (部门) codes: 50101 printed twice is no parent of anything
    assert violations(table) == []


def test_function_government_and_department_codes_in_one_row() -> None:
    table = interpret_grid(
        grid(
            [
                ["功能分类科目", "政府预算支出经济分类", "部门预算支出经济分类", "合计", "人员经费", "公用经费"],
                ["2040201-行政运行", "50101-工资奖金津补贴", "30101-基本工资", "60.00", "60.00", None],
                ["2040201-行政运行", "50201-办公经费", "30201-办公费", "5.00", None, "5.00"],
            ],
            title="一般公共预算基本支出表",
        )
    )
    assert table["kind"] == "basic_expenditure_by_economic"
    assert [(r["code"], r["name"], r["other_codes"]) for r in table["rows"]] == [
        ("30101", "基本工资", {"function": "2040201", "economic_government": "50101"}),
        ("30201", "办公费", {"function": "2040201", "economic_government": "50201"}),
    ]


# ------------------------------------------------------------------- 三公


def test_three_public_items_as_columns_beside_a_running_cost_column() -> None:
    """机关运行经费 printed beside the 三公 items is no item (its 运行 is not 公务用车运行)."""
    table = interpret_grid(
        grid(
            [
                ["“三公”经费预算数", None, None, None, None, None, "机关运行经费预算"],
                [None, None, None, "公务用车购置及运行费", None, None, "数"],
                ["合计", "因公出国(境)费", "公务接待费", "小计", "购置费", "运行费", None],
                ["27.00", "20.00", "7.00", None, None, None, "902.68"],
            ],
            title="2026年单位“三公”经费和机关运行经费预算表",
        )
    )
    items = {r["item"]: r["amounts"] for r in table["rows"]}
    assert items["total"] == {"amount": "27.00"}
    assert items["overseas"] == {"amount": "20.00"} and items["reception"] == {"amount": "7.00"}
    assert items["vehicle_operation"] == {"amount": None}  # printed blank; 902.68 is not its figure
    assert [(r["name"], r["amounts"]) for r in table["rows"] if r["item"] is None] == [
        ("公务用车购置及运行费/小计", {"amount": None}), ("机关运行经费预算数", {"amount": "902.68"})]
    assert violations(table) == []


THREE_PUBLIC_MATRIX_HEADER = [
    [None, None, None, None, None, None, None, None, None, None, None, "公务用车购置及运行维护费", None, None, None, None,
     None, None, None, None],
    ["预算单位", "年度", "总计", None, None, "因公出国(境)费", None, None, "公务接待费", None, None, "小计", None, None,
     "公务用车购置费", None, None, "公务用车运行维护费", None, None],
    [None, None] + ["一般公共预算", "政府性基金预算", "国有资本经营预算"] * 6,
]


def _matrix_row(unit: str | None, year: str, total: str, overseas: str, reception: str, buy: str, run: str) -> list:
    vehicles = f"{float(buy) + float(run):.2f}"
    return [unit, year] + [x for v in (total, overseas, reception, vehicles, buy, run) for x in (v, "0.00", "0.00")]


def test_three_public_matrix_of_units_years_and_sources() -> None:
    """Items × sources as columns, one block per unit (the department's first) and
    one row per year: the budget year's department figures are the items; the
    other year and the sub-units are kept, as col: keys and item-less rows."""
    table = interpret_grid(
        grid(
            THREE_PUBLIC_MATRIX_HEADER
            + [
                _matrix_row("深圳市生态环境局", "2025年", "40.00", "6.40", "25.60", "0.00", "8.00"),
                _matrix_row(None, "2026年", "50.00", "10.00", "20.00", "12.00", "8.00"),
                _matrix_row(None, "增减变化金额", "10.00", "3.60", "-5.60", "12.00", "0.00"),
                _matrix_row("深圳市生态环境局（本级）", "2025年", "30.00", "6.40", "15.60", "0.00", "8.00"),
                _matrix_row(None, "2026年", "35.00", "10.00", "10.00", "7.00", "8.00"),
                _matrix_row("深圳市生态环境监测站", "2025年", "10.00", "0.00", "10.00", "0.00", "0.00"),
                _matrix_row(None, "2026年", "15.00", "0.00", "10.00", "5.00", "0.00"),
            ],
            title="财政拨款“三公”经费支出表",
        )
    )
    items = {r["item"]: r["amounts"] for r in table["rows"] if r["item"]}
    assert set(items) == {"total", "overseas", "reception", "vehicle_purchase", "vehicle_operation"}
    assert items["total"]["general_budget"] == "50.00"  # 2026, not 2025
    assert items["total"]["col:2025年/一般公共预算"] == "40.00"
    assert items["overseas"]["col:增减变化金额/一般公共预算"] == "3.60"
    units = [r["name"] for r in table["rows"] if r["item"] is None and r["name"].startswith("深圳市生态环境监测站")]
    assert len(units) == 6  # total, 5 items and the vehicle subtotal … all kept
    assert violations(table) == []
    assert not table.get("warnings")


def test_three_public_matrix_block_over_a_page_break_says_where_each_figure_is() -> None:
    """A unit's block that starts on one page (its 2025年 line) and ends on the next
    (2026年, 增减变化金额) is one row per item; the figures printed on the second page
    carry that page (amount_pages), so provenance and amount conservation see them
    where they are printed, not on the row's first page."""
    body = [
        _matrix_row("深圳市生态环境局", "2025年", "40.00", "6.40", "25.60", "0.00", "8.00"),
        _matrix_row(None, "2026年", "50.00", "10.00", "20.00", "12.00", "8.00"),
        _matrix_row("深圳市生态环境监测站", "2025年", "40.00", "6.40", "25.60", "0.00", "8.00"),
        _matrix_row(None, "2026年", "50.00", "10.00", "20.00", "12.00", "8.00"),
    ]
    cells = THREE_PUBLIC_MATRIX_HEADER + body
    pages = [1] * (len(THREE_PUBLIC_MATRIX_HEADER) + 3) + [2]
    table = interpret_grid(Grid(cells=cells, row_pages=pages, title="财政拨款“三公”经费支出表", unit_text="单位：万元"))
    station = next(r for r in table["rows"] if r["name"] == "深圳市生态环境监测站/总计")
    assert station["page"] == 1 and station["amounts"]["general_budget"] == "50.00"
    assert station["amount_pages"]["general_budget"] == 2
    assert "col:2025年/一般公共预算" not in station["amount_pages"]
    department = next(r for r in table["rows"] if r["item"] == "total")
    assert "amount_pages" not in department


def test_three_public_matrix_without_a_department_total_reads_no_items() -> None:
    table = interpret_grid(
        grid(
            THREE_PUBLIC_MATRIX_HEADER
            + [
                _matrix_row("单位甲", "2026年", "50.00", "10.00", "20.00", "12.00", "8.00"),
                _matrix_row("单位乙", "2026年", "15.00", "0.00", "10.00", "5.00", "0.00"),
            ],
            title="财政拨款“三公”经费支出表",
        )
    )
    assert all(r["item"] is None for r in table["rows"])
    assert table["warnings"]


def test_three_public_rows_by_source() -> None:
    table = interpret_grid(
        grid(
            [
                ["项目", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"],
                ["行政经费", "3,555.29", "3,555.29", "0.00", "0.00"],
                ["“三公”经费", "304.63", "304.63", "0.00", "0.00"],
                ["其中：（一）因公出国（境）支出", "250.00", "250.00", "0.00", "0.00"],
                ["（二）公务用车购置及运行维护支出", "9.73", "9.73", "0.00", "0.00"],
                ["1.公务用车购置费", "0.00", "0.00", "0.00", "0.00"],
                ["2.公务用车运行维护费", "9.73", "9.73", "0.00", "0.00"],
                ["（三）公务接待费支出", "44.90", "44.90", "0.00", "0.00"],
            ],
            title="财政拨款安排的行政经费及“三公”经费预算表",
        )
    )
    assert table["columns"] == ["amount", "general_budget", "government_fund", "state_capital"]
    assert violations(table) == []


def test_three_public_final_account_budget_and_actual() -> None:
    table = interpret_grid(
        grid(
            [
                ["项目", "预算数", "决算数"],
                ["“三公”经费合计", "13.40", "12.06"],
                ["1.因公出国（境）费", "0.00", "0.00"],
                ["（1）公务用车购置费", "0.00", "0.00"],
                ["（2）公务用车运行维护费", "11.03", "9.93"],
                ["3.公务接待费", "2.37", "2.13"],
            ],
            title="2023年财政拨款“三公”经费支出决算表",
        )
    )
    assert table["columns"] == ["budget", "actual"]
    assert violations(table) == []


def test_any_table_of_these_kinds_has_only_known_or_kept_column_keys() -> None:
    for title, header in (
        ("项目支出表", ["项目名称", "合计", "奇怪的列", "一般公共预算"]),
        ("政府采购支出表", ["项目", "总计", "货物", "工程", "服务", "另一列"]),
    ):
        table = interpret_grid(grid([header, ["甲", "3.00", "1.00", "1.00", "1.00", "0.00"][: len(header)]], title=title))
        assert known_columns(table)


def test_split_department_codes_beside_a_government_economic_code_column() -> None:
    """部门经济分类 as 类 | 款 columns, 政府经济分类 code | name beside them."""
    table = interpret_grid(
        grid(
            [
                ["部门经济分类科目编码", None, "部门经济分类科目名称", "政府经济分类科目编码", "政府经济分类科目名称", "合计"],
                ["类", "款", None, None, None, None],
                ["301", None, "工资福利支出", "501", "机关工资福利支出", "100.00"],
                ["301", "01", "基本工资", "50101", "工资奖金津补贴", "100.00"],
            ],
            title="一般公共预算基本支出表",
        )
    )
    assert [(r["code"], r["name"], r.get("other_codes")) for r in table["rows"]] == [
        ("301", "工资福利支出", {"economic_government": "501"}),
        ("30101", "基本工资", {"economic_government": "50101"}),
    ]


def test_a_table_comparing_years_keys_the_budget_year() -> None:
    """2025年预算数 | 2026年预算数 | 增减额 | 增减率: the latest year is the table's
    figure; the other year and the change keep their words; the rate is no name."""
    table = interpret_grid(
        grid(
            [
                ["项目", "2025年预算数", "2026年预算数", "增减额", "增减率"],
                ["合计", "30.00", "27.00", "-3.00", "-10.00%"],
                ["因公出国（境）费", "20.00", "20.00", "0.00", "0.00%"],
                ["公务接待费", "10.00", "7.00", "-3.00", "-30.00%"],
            ],
            title="“三公”经费预算表",
        )
    )
    assert table["columns"] == ["col:2025年预算数", "amount", "col:增减额"]
    assert {r["item"]: r["amounts"]["amount"] for r in table["rows"]} == {
        "total": "27.00", "overseas": "20.00", "reception": "7.00"}
    assert [r["name"] for r in table["rows"]] == ["合计", "因公出国（境）费", "公务接待费"]
    function = interpret_grid(
        grid(
            [
                ["科目编码", "科目名称", "上年预算数", None, None, "本年预算数", None, None],
                [None, None, "合计", "基本支出", "项目支出", "合计", "基本支出", "项目支出"],
                ["2010301", "行政运行", "90.00", "90.00", None, "100.00", "100.00", None],
            ],
            title="一般公共预算支出表",
        )
    )
    assert amounts(function, "2010301") == {
        "col:上年预算数/合计": "90.00", "col:上年预算数/基本支出": "90.00", "total": "100.00", "basic": "100.00"}


def test_three_public_items_as_columns_with_last_and_this_years_rows() -> None:
    table = interpret_grid(
        grid(
            [
                ["项目", "合计", "因公出国（境）费", "公务接待费", "公务用车购置费", "公务用车运行维护费"],
                ["上年预算数", "12.00", "2.00", "3.00", "0.00", "7.00"],
                ["本年预算数", "12.30", "2.00", "3.10", "0.00", "7.20"],
            ],
            title="“三公”经费支出预算表",
        )
    )
    items = {r["item"]: r["amounts"] for r in table["rows"]}
    assert items["total"] == {"col:上年预算数": "12.00", "amount": "12.30"}
    assert violations(table) == []


def test_a_figure_column_named_only_by_its_fund_is_the_total() -> None:
    table = interpret_grid(
        grid(
            [["科目编码", "科目名称", "国有资本经营预算支出"], ["2230199", "其他国有资本经营预算支出", "5.00"]],
            title="国有资本经营预算支出表",
        )
    )
    assert table["columns"] == ["total"]


def test_a_code_column_without_code_words_is_not_read_as_figures() -> None:
    table = interpret_grid(
        grid(
            [
                ["科目编码", "部门经济分类科目名称", "政府经济分类", "合计", "人员经费", "公用经费"],
                ["30101", "基本工资", "50101", "60.00", "60.00", None],
                ["30201", "办公费", "50201", "5.00", None, "5.00"],
            ],
            title="一般公共预算基本支出表",
        )
    )
    assert table["columns"] == ["total", "personnel", "public"]
    assert [(r["code"], r.get("other_codes")) for r in table["rows"]] == [
        ("30101", {"economic_government": "50101"}), ("30201", {"economic_government": "50201"})]


def test_project_rows_keyed_by_project_code_beside_a_function_code() -> None:
    table = interpret_grid(
        grid(
            [
                ["功能科目编码", "功能科目名称", "项目编码", "项目名称", "合计", "一般公共预算", "政府性基金预算"],
                ["2010302", "一般行政管理事务", "13053224P00273512885N", "政务公开工作专项经费", "72.80", "72.80", None],
                ["2010302", "一般行政管理事务", "13053224P00273512886N", "督查调研经费", "15.00", "15.00", None],
            ],
            title="项目支出表",
        )
    )
    assert [(r["code"], r["name"], r.get("other_codes")) for r in table["rows"]] == [
        ("13053224P00273512885N", "政务公开工作专项经费", {"function": "2010302"}),
        ("13053224P00273512886N", "督查调研经费", {"function": "2010302"}),
    ]
    assert table["columns"] == ["total", "general_budget"]  # a column printed blank carries no key
