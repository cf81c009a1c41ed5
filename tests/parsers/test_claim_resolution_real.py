"""A hand-checked sample of claim resolutions on real disclosures (../shared/real,
skipped when absent): 114 narrative figures of eight documents of all five cities
(Shanghai, Shenzhen, Guangzhou, Wuxi, Fuzhou), each looked up by hand in the printed table named here (page text read from
the PDF: the row, the column and the figure as printed). The resolver must name
exactly that table figure, and the verdict is ``agrees`` for every one of them
(these narratives repeat their tables correctly; 40,870 万元 against 408,696,000 元
is within half a 万元 step).

Blank cells: a claim of 0 whose line the table prints blank (事业单位经营收入 in
the Shanghai 收支总表, 公务用车购置费 in its “三公” table, the income sources of
the Wuxi 收入总表) resolves to the table with ``(blank: not printed)``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.claim_figures import agrees
from parsers.document import parse_document

# ../shared/real beside the checkout (a worktree under /work/wt/ has it two levels up)
REAL = next((p / "shared" / "real" for p in Path(__file__).resolve().parents[3:5] if (p / "shared" / "real").is_dir()),
            Path(__file__).resolve().parents[3] / "shared" / "real")

# (claim page, subject, amount, unit) → (table kind, table page, row as printed, column, figure as printed, unit)
HAND_CHECKED = {
    # 深圳: a department's document holding one block per budget unit. 公用经费 is 商品和服务支出 +
    # 资本性支出 of the unit's 基本支出 (491.82 + 10.40 on pp. 22-23); the 政府采购 total is the
    # 支出总表's 政府采购 column; the 三公 table prints 2025 and 2026 rows, the 2026 one is read.
    "003_深圳__2026年深圳市统计局部门预算.pdf": [
        (6, '深圳市统计局(本级)部门预算收入', '5417.80', '万元', 'income_expenditure_summary', 17, '收入总计', 'amount', '5417.80', '万元'),
        (6, '深圳市统计局(本级)部门预算支出', '5417.80', '万元', 'income_expenditure_summary', 17, '支出总计', 'amount', '5417.80', '万元'),
        (6, '深圳市统计局(本级)深圳市统计局(本级)预算', '5417.80', '万元', 'expenditure_summary', 19, '深圳市统计局（本级）', 'total', '5417.80', '万元'),
        (6, '公用经费', '502.22', '万元', 'basic_expenditure_by_economic', 22, '商品和服务支出 + 资本性支出', 'total', '502.22', '万元'),
        (6, '对个人和家庭的补助支出', '571.04', '万元', 'basic_expenditure_by_economic', 23, '对个人和家庭的补助', 'total', '571.04', '万元'),
        (6, '项目支出', '1313.80', '万元', 'expenditure_summary', 19, '深圳市统计局（本级）', 'project', '1313.80', '万元'),
        (7, '三)对个人和家庭补助支出', '571.04', '万元', 'basic_expenditure_by_economic', 23, '对个人和家庭的补助', 'total', '571.04', '万元'),
        # 1.统计管理 352.27 万元 under 项目支出 is the project (p. 24), not the 款 统计管理 359.77 (p. 19)
        (7, '统计管理', '352.27', '万元', 'project_expenditure', 24, '统计管理', 'total', '352.27', '万元'),
        (7, '专项普查活动', '110.00', '万元', 'project_expenditure', 24, '专项普查活动', 'total', '110.00', '万元'),
        (8, '专项统计业务', '844.03', '万元', 'project_expenditure', 24, '专项统计业务', 'total', '844.03', '万元'),
        (9, '深圳市统计局(本级)纳入2026年部门预算的政府采购项目共有', '94.28', '万元', 'expenditure_summary', 19, '深圳市统计局（本级）', 'col:2026年政府采购项目/小计', '94.28', '万元'),
        (9, '财政拨款“三公”经费预算', '32.56', '万元', 'three_public_expenses', 32, '总计', 'general_budget', '32.56', '万元'),
        (9, '因公出国(境)费用预算数', '16.80', '万元', 'three_public_expenses', 32, '因公出国(境)费', 'general_budget', '16.80', '万元'),
        (9, '公务接待费预算数', '11.56', '万元', 'three_public_expenses', 32, '公务接待费', 'general_budget', '11.56', '万元'),
        (10, '公务用车购置和运行维护费预算数', '4.20', '万元', 'three_public_expenses', 32, '公务用车购置费 + 公务用车运行维护费', 'general_budget', '4.20', '万元'),
        (10, '公务用车购置费2026年预算数', '0.00', '万元', 'three_public_expenses', 32, '公务用车购置费', 'general_budget', '0.00', '万元'),
        (10, '公务用车运行维护费2026年预算数', '4.20', '万元', 'three_public_expenses', 32, '公务用车运行维护费', 'general_budget', '4.20', '万元'),
        # a project named with its bracketed part (p. 24 prints 政务信息化项目（运行维护服务） 7.50); the funds
        # under performance targets when 所有项目支出 are under them: the unit's 项目支出 (p. 19)
        (7, '政务信息化项目(运行维护服务)', '7.50', '万元', 'project_expenditure', 24, '政务信息化项目（运行维护服务）', 'total', '7.50', '万元'),
        (10, '涉及预算资金', '1313.80', '万元', 'expenditure_summary', 19, '深圳市统计局（本级）', 'project', '1313.80', '万元'),
    ],
    # p. 29 speaks of the 茅洲河流域管理中心 (named on p. 28) and mentions 市水务局(本级) after the amount, in
    # passing: the figure is the 中心's block's (p. 119), not the 本级's 35,927.64
    "003_深圳__2026年深圳市水务局部门预算.pdf": [
        (29, '污水处理服务费(政府性基金)', '20537.80', '万元', 'project_expenditure', 119, '污水处理服务费（政府性基金）', 'total', '20537.80', '万元'),
    ],
    # the narrative speaks of one unit at a time: each figure is its unit's block's (p. 151 prints
    # 生态环境监测 6,965.81 for the 监测中心站 and 4,094.77 for the 监测站; the claim is the 监测站's)
    "003_深圳__2026年深圳市生态环境局部门预算.pdf": [
        (10, '公用经费', '1387.62', '万元', 'basic_expenditure_by_economic', 124, '商品和服务支出', 'total', '1387.62', '万元'),
        (10, '对个人和家庭的补助支出', '777.70', '万元', 'basic_expenditure_by_economic', 125, '对个人和家庭的补助', 'total', '777.70', '万元'),
        (10, '项目支出', '54693.88', '万元', 'expenditure_summary', 81, '深圳市生态环境局（本级）', 'project', '54693.88', '万元'),
        (10, '生态环境管理项目', '22346.88', '万元', 'project_expenditure', 150, '生态环境管理', 'total', '22346.88', '万元'),
        (16, '三)对个人和家庭补助支出', '312.86', '万元', 'basic_expenditure_by_economic', 130, '对个人和家庭的补助', 'total', '312.86', '万元'),
        (16, '五)项目支出', '4434.77', '万元', 'project_expenditure', 151, '深圳市生态环境监测站', 'total', '4434.77', '万元'),
        (16, '生态环境监测项目支出', '4094.77', '万元', 'project_expenditure', 151, '生态环境监测', 'total', '4094.77', '万元'),
        (17, '生态环境管理', '2399.68', '万元', 'project_expenditure', 151, '生态环境管理', 'total', '2399.68', '万元'),
    ],
    "005_广州__2026年广州市宣传部部门预算.pdf": [
        (25, '本部门收入预算', '27900.73', '万元', 'income_expenditure_summary', 5, '收入总计', 'amount', '27900.73', '万元'),
        (25, '支出预算', '27900.73', '万元', 'income_expenditure_summary', 5, '支出总计', 'amount', '27900.73', '万元'),
        (25, '本部门财政拨款安排“三公”经费', '176.31', '万元', 'three_public_expenses', 15, '“三公”经费', 'amount', '176.31', '万元'),
        (25, '因公出国(境)费', '80', '万元', 'three_public_expenses', 15, '其中：（一）因公出国（境）支出', 'amount', '80.00', '万元'),
        (25, '公务用车购置及运行维护费', '74.1', '万元', 'three_public_expenses', 15, '1.公务用车购置费 + 2.公务用车运行维护费', 'amount', '74.10', '万元'),
        (25, '公务用车购置费', '0', '万元', 'three_public_expenses', 15, '1.公务用车购置费', 'amount', '0.00', '万元'),
        (25, '公务用车运行维护费', '74.1', '万元', 'three_public_expenses', 15, '2.公务用车运行维护费', 'amount', '74.10', '万元'),
        (25, '公务接待费', '22.21', '万元', 'three_public_expenses', 15, '（三）公务接待费支出', 'amount', '22.21', '万元'),
        # 机关运行经费 is printed as 行政经费 in 财政拨款安排的行政经费及“三公”经费预算表 (p. 15)
        (26, '本部门机关运行经费安排', '882.34', '万元', 'three_public_expenses', 15, '行政经费', 'amount', '882.34', '万元'),
    ],
    "001_上海__2026年上海市交通运输局_部门预算.pdf": [
        (6, '上海交通职业技术学院收入预算', '40870', '万元', 'income_expenditure_summary', 7, '收入总计', 'amount', '408696000', '元'),
        (6, '财政拨款收入', '30441', '万元', 'income_expenditure_summary', 7, '一、财政拨款收入', 'amount', '304413900', '元'),
        (6, '事业收入', '5000', '万元', 'income_expenditure_summary', 7, '二、事业收入', 'amount', '50000000', '元'),
        (6, '事业单位经营收入', '0', '万元', 'income_summary', 8, '(blank: not printed)', None, '0', '元'),
        (6, '其他收入', '5428', '万元', 'income_expenditure_summary', 7, '四、其他收入', 'amount', '54282100', '元'),
        (6, '支出预算', '40870', '万元', 'income_expenditure_summary', 7, '支出总计', 'amount', '408696000', '元'),
        (6, '财政拨款支出预算', '30441', '万元', 'fiscal_appropriation_summary', 12, '支出总计', 'total', '304413900', '元'),
        (6, '一般公共预算拨款支出预算', '30441', '万元', 'expenditure_by_function', 14, '合计', 'total', '304413900', '元'),
        (6, '教育支出”科目', '23689', '万元', 'expenditure_by_function', 13, '教育支出', 'total', '236893390', '元'),
        (6, '社会保障和就业支出”科目', '4469', '万元', 'expenditure_by_function', 13, '社会保障和就业支出', 'total', '44691820', '元'),
        (6, '卫生健康支出”科目', '1370', '万元', 'expenditure_by_function', 13, '卫生健康支出', 'total', '13697230', '元'),
        (6, '住房保障支出”科目', '913', '万元', 'expenditure_by_function', 13, '住房保障支出', 'total', '9131460', '元'),
        (21, '三公”经费预算数', '67.59', '万元', 'three_public_expenses', 20, '“三公”经费预算数/合计', 'amount', '67.59', '万元'),
        (21, '一)因公出国(境)费', '35.00', '万元', 'three_public_expenses', 20, '因公出国(境)费', 'amount', '35.00', '万元'),
        (21, '二)公务用车购置及运行费', '20.10', '万元', 'three_public_expenses', 20, '运行费', 'amount', '20.10', '万元'),
        (21, '公务用车购置费', '0.00', '万元', 'three_public_expenses', 20, '(blank: not printed)', None, '0', '万元'),
        (21, '公务用车运行费', '20.10', '万元', 'three_public_expenses', 20, '运行费', 'amount', '20.10', '万元'),
        (21, '三)公务接待费', '12.49', '万元', 'three_public_expenses', 20, '公务接待费', 'amount', '12.49', '万元'),
    ],
    # 编报绩效目标的项目 … 涉及项目预算资金 300.70 万元: the 项目支出 of the 支出预算总表 (3,006,992 元, p. 9),
    # taken because the amounts agree (the projects with targets are all of them)
    "001_上海__文化广电旅游体育局_上海市文物保护研究中心2026年度预算.pdf": [
        (17, '涉及项目预算资金', '300.70', '万元', 'expenditure_summary', 9, '合计', 'project', '3006992', '元'),
    ],
    "017_福州__生态环境局_2026年度福州市鼓楼生态环境局单位预算.pdf.pdf": [
        (20, '福州市鼓楼生态环境局收入预算', '1269.68', '万元', 'income_expenditure_summary', 7, '收入合计', 'amount', '1269.68', '万元'),
        (20, '一般公共预算拨款收入', '1269.68', '万元', 'fiscal_appropriation_summary', 10, '一、一般公共预算拨款收入', 'amount', '1269.68', '万元'),
        (20, '相应安排支出预算', '1269.68', '万元', 'income_expenditure_summary', 7, '支出合计', 'amount', '1269.68', '万元'),
        (20, '基本支出', '926.68', '万元', 'expenditure_summary', 9, '合计', 'basic', '926.68', '万元'),
        (20, '项目支出', '343.00', '万元', 'expenditure_summary', 9, '合计', 'project', '343.00', '万元'),
        (20, '一般公共预算拨款支出', '1269.68', '万元', 'expenditure_by_function', 11, '合计', 'total', '1269.68', '万元'),
        (20, '一)2080501-行政单位离退休', '56.20', '万元', 'expenditure_summary', 9, '行政单位离退休', 'total', '56.20', '万元'),
        (20, '二)2080502-事业单位离退休', '31.31', '万元', 'expenditure_summary', 9, '事业单位离退休', 'total', '31.31', '万元'),
        (21, '四)2080506-机关事业单位职业年金缴费支出', '30.48', '万元', 'expenditure_summary', 9, '机关事业单位职业年金缴费支出', 'total', '30.48', '万元'),
        (21, '五)2110101-行政运行', '91.49', '万元', 'expenditure_summary', 9, '行政运行', 'total', '91.49', '万元'),
        (21, '六)2110102-一般行政管理事务', '343.00', '万元', 'expenditure_summary', 9, '一般行政管理事务', 'total', '343.00', '万元'),
        (21, '七)2110299-其他环境监测与监察支出', '548.67', '万元', 'expenditure_summary', 9, '其他环境监测与监察支出', 'total', '548.67', '万元'),
        (21, '八)2210201-住房公积金', '66.68', '万元', 'expenditure_summary', 9, '住房公积金', 'total', '66.68', '万元'),
        (21, '九)2210202-提租补贴', '12.42', '万元', 'expenditure_summary', 9, '提租补贴', 'total', '12.42', '万元'),
        (21, '十)2210203-购房补贴', '28.48', '万元', 'expenditure_summary', 9, '购房补贴', 'total', '28.48', '万元'),
        (21, '一般公共预算拨款基本支出', '926.68', '万元', 'expenditure_by_function', 11, '合计', 'basic', '926.68', '万元'),
        (22, '三公”经费支出情况(一)因公出国(境)经费2026年预算安排', '0.00', '万元', 'three_public_expenses', 18, '1、因公出国（境）费用', 'amount', '0.00', '万元'),
        (22, '二)公务接待费2026年预算安排', '1.30', '万元', 'three_public_expenses', 18, '2、公务接待费', 'amount', '1.30', '万元'),
        (23, '公务用车运行费', '8.00', '万元', 'three_public_expenses', 18, '（2）公务用车运行费', 'amount', '8.00', '万元'),
        (23, '公务用车购置费', '0.00', '万元', 'three_public_expenses', 18, '其中：（1）公务用车购置费', 'amount', '0.00', '万元'),
    ],
    "014_无锡__2026年无锡市统计局部门预算.pdf": [
        (25, '支出预算总', '3210.1', '万元', 'income_expenditure_summary', 8, '支出总计', 'amount', '3210.10', '万元'),
        (25, '一)收入预算总', '3210.1', '万元', 'income_expenditure_summary', 8, '收入总计', 'amount', '3210.10', '万元'),
        (25, '一般公共预算拨款收入', '3210.1', '万元', 'fiscal_appropriation_summary', 12, '（一）一般公共预算拨款', 'amount', '3210.10', '万元'),
        (25, '政府性基金预算拨款收入', '0', '万元', 'fiscal_appropriation_summary', 12, '(blank: not printed)', None, '0', '万元'),
        (25, '事业收入', '0', '万元', 'income_summary', 9, '(blank: not printed)', None, '0', '万元'),
        (25, '二)支出预算总', '3210.1', '万元', 'income_expenditure_summary', 8, '支出总计', 'amount', '3210.10', '万元'),
        (26, '社会保障和就业支出(类)支出', '263.85', '万元', 'expenditure_summary', 10, '社会保障和就业支出', 'total', '263.85', '万元'),
        (26, '卫生健康支出(类)支出', '76.95', '万元', 'expenditure_summary', 10, '卫生健康支出', 'total', '76.95', '万元'),
        (26, '住房保障支出(类)支出', '465.13', '万元', 'expenditure_summary', 10, '住房保障支出', 'total', '465.13', '万元'),
        (26, '无锡市统计局2026年收入预算', '3210.1', '万元', 'income_expenditure_summary', 8, '收入总计', 'amount', '3210.10', '万元'),
        (27, '无锡市统计局2026年支出预算', '3210.1', '万元', 'income_expenditure_summary', 8, '支出总计', 'amount', '3210.10', '万元'),
        (27, '基本支出', '2235.04', '万元', 'expenditure_summary', 10, '合计', 'basic', '2235.04', '万元'),
        (27, '项目支出', '975.06', '万元', 'expenditure_summary', 10, '合计', 'project', '975.06', '万元'),
        (28, '支总预算', '3210.1', '万元', 'fiscal_appropriation_summary', 13, '支出总计', 'amount', '3210.10', '万元'),
        (28, '无锡市统计局2026年财政拨款预算支出', '3210.1', '万元', 'fiscal_appropriation_summary', 13, '支出总计', 'amount', '3210.10', '万元'),
        (28, '般公共服务支出(类)1.统计信息事务(款)行政运行(项)支出', '1429.11', '万元', 'expenditure_summary', 10, '行政运行', 'total', '1429.11', '万元'),
        (29, '统计信息事务(款)一般行政管理事务(项)支出', '391.72', '万元', 'expenditure_summary', 10, '一般行政管理事务', 'total', '391.72', '万元'),
        (29, '统计信息事务(款)专项普查活动(项)支出', '315.58', '万元', 'expenditure_summary', 10, '专项普查活动', 'total', '315.58', '万元'),
        (29, '统计信息事务(款)统计抽样调查(项)支出', '77.76', '万元', 'expenditure_summary', 10, '统计抽样调查', 'total', '77.76', '万元'),
        (29, '统计信息事务(款)其他统计信息事务支出(项)支出', '190', '万元', 'expenditure_summary', 10, '其他统计信息事务支出', 'total', '190.00', '万元'),
        (29, '单位养老支出(款)机关事业单位基本养老保险缴费支出(项)支出', '175.9', '万元', 'expenditure_summary', 10, '机关事业单位基本养老保险缴费支出', 'total', '175.90', '万元'),
        (29, '事业单位养老支出(款)机关事业单位职业年金缴费支出(项)支出', '87.95', '万元', 'expenditure_summary', 10, '机关事业单位职业年金缴费支出', 'total', '87.95', '万元'),
        (29, '生健康支出(类)行政事业单位医疗(款)行政单位医疗(项)支出', '76.95', '万元', 'expenditure_summary', 10, '行政单位医疗', 'total', '76.95', '万元'),
        (30, '住房保障支出(类)1.住房改革支出(款)住房公积金(项)支出', '149.63', '万元', 'expenditure_summary', 10, '住房公积金', 'total', '149.63', '万元'),
        (30, '住房改革支出(款)提租补贴(项)支出', '148.32', '万元', 'expenditure_summary', 10, '提租补贴', 'total', '148.32', '万元'),
        (30, '住房改革支出(款)购房补贴(项)支出', '167.18', '万元', 'expenditure_summary', 11, '购房补贴', 'total', '167.18', '万元'),
        (30, '一)人员经费', '2103.71', '万元', 'basic_expenditure_by_economic', 16, '合计', 'personnel', '2103.71', '万元'),
        (30, '二)公用经费', '131.33', '万元', 'basic_expenditure_by_economic', 16, '合计', 'public', '131.33', '万元'),
        (31, '统计局2026年度一般公共预算拨款安排的“三公”经费支出预算', '3', '万元', 'three_public_expenses', 20, '“三公”经费合计', 'amount', '3.00', '万元'),
        (31, '因公出国(境)费支出', '0', '万元', 'three_public_expenses', 20, '因公出国(境)费', 'amount', '0.00', '万元'),
        (31, '公务用车购置及运行维护费支出', '0', '万元', 'three_public_expenses', 20, '公务用车购置费 + 公务用车运行维护费', 'amount', '0.00', '万元'),
        (31, '公务接待费支出', '3', '万元', 'three_public_expenses', 20, '公务接待费', 'amount', '3.00', '万元'),
        (32, '政府采购支出预算总额', '2.61', '万元', 'government_procurement', 24, '合计', 'total', '2.61', '万元'),
        # the 会议费 / 培训费 of the “三公”、会议费、培训费 table (p. 20: 2.61, 19.03), the 机关运行经费 table's 合计
        # (p. 23), the 政府采购 table's 服务 row (p. 24)
        (32, '无锡市统计局2026年度一般公共预算拨款安排的会议费预算支出', '2.61', '万元', 'three_public_expenses', 20, '会议费', 'amount', '2.61', '万元'),
        (32, '无锡市统计局2026年度一般公共预算拨款安排的培训费预算支出', '19.03', '万元', 'three_public_expenses', 20, '培训费', 'amount', '19.03', '万元'),
        (32, '本部门一般公共预算机关运行经费预算支出', '131.33', '万元', 'office_operating_expenses', 23, '合计', 'total', '131.33', '万元'),
        (32, '拟采购服务支出', '2.61', '万元', 'government_procurement', 24, '服务', 'total', '2.61', '万元'),
    ],
}


def test_the_sample_has_fifty_or_more_resolutions() -> None:
    assert sum(len(v) for v in HAND_CHECKED.values()) >= 50
    assert {name.split("__")[0] for name in HAND_CHECKED} == {"001_上海", "003_深圳", "005_广州", "014_无锡", "017_福州"}


@pytest.mark.parametrize("name", sorted(HAND_CHECKED))
def test_hand_checked_resolutions(name: str) -> None:
    path = REAL / name
    if not path.exists():
        pytest.skip("../shared/real is not available")
    record = parse_document(path)
    by_key = {(c["page"], c["subject"], c["amount"]): c for c in record["claims"]}
    for page, subject, amount, unit, kind, table_page, row, column, figure, table_unit in HAND_CHECKED[name]:
        claim = by_key.get((page, subject, amount))
        assert claim is not None, (subject, amount)
        table = record["tables"][claim["resolved_table_index"]]
        got = (claim["unit"], table["kind"], claim["resolved_page"], claim["resolved_row_name"],
               claim["resolved_column_key"], claim["resolved_amount"], claim["resolved_unit"])
        assert got == (unit, kind, table_page, row, column, figure, table_unit), subject
        assert agrees(claim, {"amount": claim["resolved_amount"], "unit": claim["resolved_unit"],
                              "n_terms": claim["resolved_n_terms"]}), subject
