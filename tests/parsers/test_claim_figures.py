"""The claim resolver (parsers/claim_figures.py): what a narrative figure names,
and which table figure that is, on small hand-made records."""

from __future__ import annotations

import pytest

from parsers.claim_figures import agrees, classify, core_name, resolve_claims
from parsers.claims import extract_claims


@pytest.mark.parametrize(
    ("subject", "figure"),
    [
        ("本部门收入预算", "income_total"),
        ("上海交通职业技术学院收入预算", "income_total"),
        ("支出预算", "expenditure_total"),
        ("相应安排支出预算", "expenditure_total"),
        ("深圳市气象局(本级)部门预算收入", "income_total"),
        ("财政拨款收入", "fiscal_appropriation_income"),
        ("一般公共预算拨款收入", "general_budget_income"),
        ("财政拨款支出预算", "fiscal_appropriation_expenditure"),
        ("一般公共预算拨款支出预算", "general_budget_expenditure"),
        ("无锡市交通运输局(本级)2026年财政拨款预算支出", "fiscal_appropriation_expenditure"),
        ("政府性基金拨款支出预算", "government_fund_expenditure"),
        ("事业收入", "income_source"),
        ("上缴上级支出", "expenditure_column"),
        ("基本支出", "basic_expenditure"),
        ("五)项目支出", "project_expenditure"),
        ("一)人员经费", "personnel_expenditure"),
        ("二)公用经费", "public_expenditure"),
        ("本部门财政拨款安排“三公”经费", "three_public_total"),
        ("一)因公出国(境)费", "three_public_overseas"),
        ("公务用车购置及运行维护费", "three_public_vehicles"),
        ("公务用车购置费", "three_public_vehicle_purchase"),
        ("公务用车运行维护费2026年预算数", "three_public_vehicle_operation"),
        ("三)公务接待费", "three_public_reception"),
        ("三公”经费支出情况(一)因公出国(境)经费2026年预算安排", "three_public_overseas"),
        ("本部门机关运行经费安排", "operation_cost"),
        ("本部门政府采购安排", "procurement_total"),
        ("货物类采购预算", "procurement_goods"),
        ("政府采购工程预算", "procurement_works"),
        ("服务类项目", "procurement_services"),
        ("本部门固定资产金额", "assets"),
        ("涉及项目预算资金", "performance_funds"),
        ("社会保障和就业支出(类)支出", "named_row"),
        ("教育支出”科目", "named_row"),
        ("预算数", None),
    ],
)
def test_subjects_are_read_by_meaning(subject: str, figure: str | None) -> None:
    assert classify(subject) == figure


def test_core_name_keeps_the_finest_level_named() -> None:
    assert core_name("单位养老支出(款)机关事业单位基本养老保险缴费支出(项)支出") == "机关事业单位基本养老保险缴费支出"
    assert core_name("1.“教育支出”科目") == "教育支出"
    assert core_name("社会保障和就业支出(类)支出") == "社会保障和就业支出"


def _record(**extra) -> dict:
    return {
        "unit_name": "某县某局", "doc_type": "budget",
        "tables": [
            {"kind": "income_expenditure_summary", "unit": "元", "pages": [3], "rows": [
                {"name": "一、财政拨款收入", "side": "income", "amounts": {"amount": "304413900"}, "page": 3},
                {"name": "二、事业收入", "side": "income", "amounts": {"amount": None}, "page": 3},
                {"name": "收入总计", "side": "income", "amounts": {"amount": "408696000"}, "page": 3},
                {"name": "支出总计", "side": "expenditure", "amounts": {"amount": "408696000"}, "page": 3},
            ]},
            {"kind": "expenditure_by_function", "unit": "万元", "pages": [5], "rows": [
                {"code": "201", "name": "一般公共服务支出", "amounts": {"total": "882.61", "basic": "500.00", "project": "382.61"}, "page": 5},
                {"code": "20103", "name": "政府办公厅（室）及相关机构事务", "amounts": {"total": "882.61"}, "page": 5},
                {"code": "2010301", "name": "行政运行", "amounts": {"total": "449.30"}, "page": 5},
                {"code": "2010302", "name": "一般行政管理事务", "amounts": {"total": "433.31"}, "page": 5},
                {"code": None, "name": "合计", "amounts": {"total": "882.61", "basic": "500.00", "project": "382.61"}, "page": 5},
            ]},
            {"kind": "three_public_expenses", "unit": "万元", "pages": [7], "rows": [
                {"name": "“三公”经费合计", "item": "total", "amounts": {"amount": "176.31"}, "page": 7},
                {"name": "因公出国（境）费", "item": "overseas", "amounts": {"amount": "80.00"}, "page": 7},
                {"name": "公务用车购置费", "item": "vehicle_purchase", "amounts": {"amount": "0.00"}, "page": 7},
                {"name": "公务用车运行维护费", "item": "vehicle_operation", "amounts": {"amount": "74.10"}, "page": 7},
                {"name": "公务接待费", "item": "reception", "amounts": {"amount": "22.21"}, "page": 7},
            ]},
        ],
        **extra,
    }


def _resolve(text: str, **extra) -> list[dict]:
    record = _record(**extra)
    record["claims"] = extract_claims([text])
    return resolve_claims(record)


def test_totals_resolve_across_units_and_rounding() -> None:
    # 40,870 万元 against 408,696,000 元: within half a 万元 step, so it agrees
    claims = _resolve("2026年本部门收入预算40,870万元，其中：财政拨款收入30,441万元。")
    assert [c["figure"] for c in claims] == ["income_total", "fiscal_appropriation_income"]
    first = claims[0]
    assert (first["resolved_amount"], first["resolved_unit"], first["resolved_row_name"]) == ("408696000", "元", "收入总计")
    assert agrees(first, {"amount": first["resolved_amount"], "unit": first["resolved_unit"], "n_terms": 1})


def test_function_class_by_code_in_brackets_and_by_name() -> None:
    claims = _resolve("行政运行（2010301）449.30万元，主要用于机关运行；一般行政管理事务433.31万元。")
    assert [(c["figure"], c["code"], c["resolved_amount"]) for c in claims] == [
        ("function_class", "2010301", "449.30"), ("function_class", None, "433.31")]


def test_vehicles_together_are_the_sum_of_the_two_items() -> None:
    (claim,) = _resolve("公务用车购置及运行维护费74.1万元。")
    assert claim["figure"] == "three_public_vehicles"
    assert claim["resolved_amount"] == "74.10" and claim["resolved_n_terms"] == 2


def test_the_sentence_unit_is_kept_and_a_wrong_unit_differs() -> None:
    # the table prints 22.21 万元; a sentence saying 22.21 元 is a different figure
    (claim,) = _resolve("公务接待费22.21元。")
    assert claim["unit"] == "元" and claim["resolved_amount"] == "22.21" and claim["resolved_unit"] == "万元"
    assert not agrees(claim, {"amount": "22.21", "unit": "万元", "n_terms": 1})


def test_a_zero_claim_agrees_with_a_blank_line() -> None:
    (claim,) = _resolve("事业收入0万元。")
    assert claim["figure"] == "income_source" and claim["resolved_amount"] == "0"


def test_change_percent_and_unit_are_extracted() -> None:
    (claim,) = _resolve("“三公”经费176.31万元，比上年增加38.9万元，增长28.3%，主要原因是……")
    assert (claim["change"], claim["change_unit"], claim["change_direction"], claim["change_percent"]) == (
        "38.9", "万元", "increase", "28.3")


def test_thresholds_and_target_limits_are_not_claims() -> None:
    claims = extract_claims(["单价在100万元以上的设备3台；年度运营管理成本≤1144.72万元；标线施划平均成本≤100元/平方米；"
                             "公务车的采购价格不超过18万元。"])
    assert claims == []


def test_narrative_only_figures_say_why_they_are_unresolved() -> None:
    (claim,) = _resolve("2026年，本部门机关运行经费安排882.34万元。")
    assert claim["figure"] == "operation_cost" and claim["resolved_amount"] is None
    assert "机关运行经费" in claim["resolution_note"]
    (claim,) = _resolve("本部门政府采购安排6,066.15万元。")
    assert claim["resolution_note"] == "no government_procurement table in the document"


def test_a_line_named_under_its_parent_is_that_parents_line() -> None:
    record = _record()
    record["tables"].append({"kind": "expenditure_summary", "unit": "万元", "pages": [4], "rows": [
        {"code": "20101", "name": "人大事务", "amounts": {"total": "100.00"}},
        {"code": "2010101", "name": "行政运行", "amounts": {"total": "100.00"}},
        {"code": "20108", "name": "审计事务", "amounts": {"total": "55.00"}},
        {"code": "2010801", "name": "行政运行", "amounts": {"total": "55.00"}},
    ]})
    record["claims"] = extract_claims(["一般公共服务支出(类)审计事务(款)行政运行(项)支出55万元。"
                                       "一般公共服务支出(类)审计事务(款)事业运行(项)支出0万元，与上年相比减少77.89万元。"])
    first, second = resolve_claims(record)
    assert (first["resolved_amount"], first["resolved_row_name"]) == ("55.00", "行政运行")
    # a 0 for a line the function tables do not print agrees with the blank, never with another 款's line
    assert (second["resolved_amount"], second["resolved_row_name"]) == ("0", "(blank: not printed)")


def test_a_budget_units_own_total_is_its_row_of_a_table_keyed_by_unit() -> None:
    record = _record(unit_name="深圳市某局")
    record["tables"].append({"kind": "expenditure_summary", "unit": "万元", "pages": [4], "rows": [
        {"code": None, "name": "深圳市某局", "amounts": {"total": "900.00"}},
        {"code": None, "name": "深圳市某局（本级）", "amounts": {"total": "600.00"}},
        {"code": None, "name": "深圳市某中心", "amounts": {"total": "300.00"}},
        {"code": "201", "name": "一般公共服务支出", "amounts": {"total": "900.00"}},
    ]})
    record["claims"] = extract_claims(["三、深圳市某中心深圳市某中心预算300.00万元，包括在职人员经费。"])
    (claim,) = resolve_claims(record)
    assert (claim["figure"], claim["resolved_amount"], claim["resolved_row_name"]) == ("unit_total", "300.00", "深圳市某中心")


def _units_record() -> dict:
    """A department's document with two budget units, each printed as a block (深圳's layout)."""
    def unit_rows(name: str, total: str, goods: str, capital: str, family: str) -> list[dict]:
        return [{"name": name, "amounts": {"total": total}},
                {"name": "工资福利支出", "amounts": {"total": "50.00"}},
                {"name": "商品和服务支出", "amounts": {"total": goods}},
                {"name": "对个人和家庭的补助", "amounts": {"total": family}},
                {"name": "资本性支出", "amounts": {"total": capital}}]

    return {"doc_type": "budget", "unit_name": "甲市乙局", "tables": [
        {"kind": "expenditure_summary", "unit": "万元", "pages": [3], "rows": [
            {"name": "甲市乙局", "amounts": {"total": "300.00", "project": "0"}},
            {"name": "甲市乙局(本级)", "amounts": {"total": "200.00", "project": "0"}},
            {"code": "201", "name": "一般公共服务支出", "amounts": {"total": "200.00"}},
            {"name": "甲市乙局监测中心", "amounts": {"total": "100.00", "project": "0"}},
            {"code": "201", "name": "一般公共服务支出", "amounts": {"total": "100.00"}},
        ]},
        {"kind": "basic_expenditure_by_economic", "unit": "万元", "pages": [4], "rows": [
            {"name": "甲市乙局", "amounts": {"total": "300.00"}},
            *unit_rows("甲市乙局(本级)", "200.00", "40.00", "5.00", "12.00"),
            *unit_rows("甲市乙局监测中心", "100.00", "20.00", "1.50", "7.00"),
        ]},
        {"kind": "three_public_expenses", "unit": "万元", "pages": [5], "rows": [
            {"name": "总计", "item": "total", "amounts": {"col:2025年/一般公共预算": "9.00", "general_budget": "8.00"}},
            {"name": "甲市乙局(本级)/总计", "amounts": {"col:2025年/一般公共预算": "6.00", "general_budget": "5.00"}},
            {"name": "甲市乙局监测中心/总计", "amounts": {"col:2025年/一般公共预算": "3.00", "general_budget": "3.00"}},
        ]},
    ]}


def test_each_claim_is_read_in_the_block_of_the_unit_the_narrative_names() -> None:
    record = _units_record()
    record["claims"] = extract_claims([
        "一、甲市乙局(本级)\n甲市乙局(本级)预算200.00万元，包括公用经费45.00万元、对个人和家庭的补助支出12.00万元。"
        "二、甲市乙局监测中心\n甲市乙局监测中心预算100.00万元，包括公用经费21.50万元、对个人和家庭的补助支出7.00万元。"
        "第五部分 财政拨款“三公”经费预算情况\n2026年财政拨款“三公”经费预算8.00万元，较2025年年初预算减少1.00万元。"])
    got = [(c["subject"], c["resolved_amount"], c["resolved_row_name"]) for c in resolve_claims(record)]
    assert got == [
        ("甲市乙局(本级)甲市乙局(本级)预算", "200.00", "甲市乙局(本级)"),
        # 公用经费 = 商品和服务支出 + 资本性支出 of the unit's 基本支出, when no column prints it
        ("公用经费", "45.00", "商品和服务支出 + 资本性支出"),
        ("对个人和家庭的补助支出", "12.00", "对个人和家庭的补助"),
        ("甲市乙局监测中心甲市乙局监测中心预算", "100.00", "甲市乙局监测中心"),
        ("公用经费", "21.50", "商品和服务支出 + 资本性支出"),
        ("对个人和家庭的补助支出", "7.00", "对个人和家庭的补助"),
        # a new part speaks of the department again: its 三公 total, this year's column
        ("财政拨款“三公”经费预算", "8.00", "总计"),
    ]


def test_a_unit_figure_is_never_another_units() -> None:
    record = _units_record()
    record["claims"] = extract_claims(["二、甲市乙局监测中心\n甲市乙局监测中心预算100.00万元，包括对个人和家庭的补助支出12.00万元。"])
    _, family = resolve_claims(record)
    assert (family["resolved_amount"], family["resolved_row_index"]) == ("7.00", 9)  # the 监测中心's, which differs
    assert not agrees(family, {"amount": family["resolved_amount"], "unit": "万元"})


def test_a_figure_no_table_prints_is_classified_so() -> None:
    record = _units_record()
    record["claims"] = extract_claims(["甲市乙局(本级)预算200.00万元，其中：普法宣传工作372.71万元，用于宣传。"])
    _, detail = resolve_claims(record)
    assert detail["resolved_amount"] is None
    assert detail["resolution_note"].startswith("not printed in a table")
    # a name no row has, but whose amount a cell prints, stays an ordinary unresolved claim
    record["claims"] = extract_claims(["甲市乙局(本级)预算200.00万元，其中：普法宣传工作40.00万元。"])
    _, detail = resolve_claims(record)
    assert detail["resolution_note"] == "no printed row or column of the tables names it"
    # ... but for another unit, whose block does not hold 40.00, it is not printed
    record["claims"] = extract_claims(["甲市乙局监测中心预算100.00万元，其中：普法宣传工作40.00万元。"])
    _, detail = resolve_claims(record)
    assert detail["resolution_note"].startswith("not printed in a table")


def test_a_sentence_cutting_the_table_figure_to_its_precision_agrees() -> None:
    # 13,616,271 元 said as 1361 万元 (上海): cut, not rounded; 1360 万元 is a step off
    assert agrees({"amount": "1361", "unit": "万元"}, {"amount": "13616271", "unit": "元"})
    assert not agrees({"amount": "1360", "unit": "万元"}, {"amount": "13616271", "unit": "元"})
    assert not agrees({"amount": "1362.00", "unit": "万元"}, {"amount": "13616271", "unit": "元"})
    # a figure printed as finely as the table gets half a step each side, never a cut
    assert not agrees({"amount": "13616269", "unit": "元"}, {"amount": "13616271", "unit": "元"})


def test_a_bare_budget_figure_takes_the_heading_before_it() -> None:
    (claim,) = extract_claims(["1.因公出国（境）费用。2026 年预算数 16.80 万元，较2025年年初预算减少27.07万元，"
                               "主要是根据主管部门审核情况安排因公出国（境）费用。"])
    assert (claim["subject"], claim["amount"], classify(claim["subject"])) == (
        "因公出国(境)费用预算数", "16.80", "three_public_overseas")


def test_the_verdict_is_decided_with_the_resolution() -> None:
    (agreeing, differing, cut) = _resolve("公务接待费22.21万元；因公出国(境)费81.00万元；一般公共服务支出（201）882万元。")
    assert (agreeing["verdict"], agreeing["agrees_by_truncation"], agreeing["unresolved_class"]) == ("agrees", False, None)
    assert (differing["verdict"], differing["agrees_by_truncation"]) == ("differs", False)
    # 882.61 said as 882: cut to the sentence's precision, not rounded — agrees only by truncation
    assert (cut["verdict"], cut["agrees_by_truncation"]) == ("agrees", True)
    (assets, procurement, unnamed) = _resolve("本部门固定资产金额100.00万元；本部门政府采购安排6,066.15万元；"
                                              "其中：普法宣传工作22.21万元。")
    assert [(c["verdict"], c["unresolved_class"]) for c in (assets, procurement, unnamed)] == [
        ("unresolved", "narrative_only"), ("unresolved", "no_table"), ("unresolved", "no_row")]


def _with_table(kind: str, rows: list[dict], unit: str = "万元") -> dict:
    record = _record()
    record["tables"].append({"kind": kind, "unit": unit, "pages": [9], "rows": rows})
    return record


def test_operation_cost_is_read_from_its_table_its_line_or_a_public_expenditure_that_agrees() -> None:
    office = _with_table("office_operating_expenses", [
        {"name": "合计", "amounts": {"total": "131.33"}}, {"code": "30201", "name": "办公费", "amounts": {"total": "42.73"}}])
    office["claims"] = extract_claims(["2026年本部门一般公共预算机关运行经费预算支出131.33万元。"])
    (claim,) = resolve_claims(office)
    assert (claim["figure"], claim["resolved_row_name"], claim["verdict"]) == ("operation_cost", "合计", "agrees")
    # 广州 prints it as 行政经费 in its “三公” table
    record = _record()
    record["tables"][2]["rows"].append({"name": "行政经费", "amounts": {"amount": "882.34"}, "page": 7})
    record["claims"] = extract_claims(["2026年，本部门机关运行经费安排882.34万元。"])
    (claim,) = resolve_claims(record)
    assert (claim["resolved_row_name"], claim["resolved_amount"]) == ("行政经费", "882.34")
    # the 一般公共预算 公用经费 is taken only when the amounts agree (a 事业单位's is not 机关运行经费)
    public = _with_table("basic_expenditure_by_economic", [{"name": "合计", "amounts": {"total": "500.00", "public": "98.53"}}])
    public["claims"] = extract_claims(["本部门一般公共预算机关运行经费预算支出98.53万元；本单位一般公共预算机关运行经费预算支出90.00万元。"])
    same, other = resolve_claims(public)
    assert (same["resolved_column_key"], same["verdict"]) == ("public", "agrees")
    assert (other["resolved_amount"], other["verdict"], other["unresolved_class"]) == (None, "unresolved", "narrative_only")


def test_funds_under_performance_targets_are_the_project_spending_the_words_say_they_are() -> None:
    record = _record()
    record["claims"] = extract_claims(["所有项目支出预算纳入部门预算绩效管理，涉及预算资金382.61万元。"
                                       "本单位编报绩效目标的项目共2个，涉及项目预算资金382.61万元。"
                                       "本单位编报绩效目标的项目共1个，涉及项目预算资金100.00万元。"
                                       "所有项目支出预算纳入部门预算绩效管理，涉及预算资金380.00万元。"])
    every, some, fewer, wrong = resolve_claims(record)
    assert (every["figure"], every["resolved_column_key"], every["verdict"]) == ("project_expenditure", "project", "agrees")
    assert (some["figure"], some["verdict"]) == ("project_expenditure", "agrees")
    # a subset of the projects: not a table figure, never a "differs"
    assert (fewer["figure"], fewer["verdict"], fewer["unresolved_class"]) == ("performance_funds", "unresolved", "narrative_only")
    # "all projects" names the 项目支出: a different amount differs, with both figures
    assert (wrong["resolved_amount"], wrong["verdict"]) == ("382.61", "differs")


def test_procurement_parts_are_the_rows_of_a_procurement_table_by_kind() -> None:
    record = _with_table("government_procurement", [
        {"name": "合计", "amounts": {"total": "112.90"}}, {"name": "货物", "amounts": {"total": "2.00"}},
        {"name": "服务", "amounts": {"total": "110.90"}}])
    record["claims"] = extract_claims(["政府采购支出预算总额112.90万元，其中：拟采购货物支出2万元、拟采购工程支出0万元、拟采购服务支出110.9万元。"])
    got = [(c["figure"], c["resolved_row_name"], c["resolved_amount"], c["verdict"]) for c in resolve_claims(record)]
    assert got == [("procurement_total", "合计", "112.90", "agrees"), ("procurement_goods", "货物", "2.00", "agrees"),
                   ("procurement_works", "(blank: not printed)", "0", "agrees"),
                   ("procurement_services", "服务", "110.90", "agrees")]


def test_a_project_name_keeps_its_bracketed_part() -> None:
    assert core_name("5.政务信息化项目(运行维护服务)") == "政务信息化项目(运行维护服务)"
    assert core_name("(一)因公出国(境)费)") == "因公出国(境)费"
    record = _with_table("project_expenditure", [{"name": "政务信息化项目（运行维护服务）", "amounts": {"total": "7.50"}}])
    record["claims"] = extract_claims(["2.政务信息化项目（运行维护服务）7.50万元，主要包括运维。"])
    (claim,) = resolve_claims(record)
    assert (claim["figure"], claim["resolved_amount"], claim["verdict"]) == ("project", "7.50", "agrees")


def test_a_unit_mentioned_after_the_amount_does_not_change_the_scope() -> None:
    record = _units_record()
    record["claims"] = extract_claims(["二、甲市乙局监测中心\n甲市乙局监测中心预算100.00万元，"
                                       "包括对个人和家庭的补助支出7.00万元，该费用由甲市乙局(本级)划转。"
                                       "公用经费21.50万元。"])
    _, family, public = resolve_claims(record)
    assert (family["resolved_amount"], public["resolved_amount"]) == ("7.00", "21.50")
