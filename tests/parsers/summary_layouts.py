"""Summary tables in the layouts real documents print them in, built as Grids.

Each function returns a ``Grid`` as any reader (PDF, DOCX, XLSX) would hand it
to ``interpret_grid``: header rows, body rows, cell text as printed. The
figures are made up but consistent (every identity holds) unless a function
says otherwise. They are not copies of any document: the layouts are.

Two-sided summaries (收支总表 / 财政拨款收支总表):
- ``footer_halves``: halves side by side; income numbered 一、 with 1. sub-lines,
  expenditure 一、 classes with unnumbered (name-only) sub-lines, 本年收入合计 /
  本年支出合计, carry-over lines (one with 1./2. sub-lines), 收入总计 / 支出总计.
- ``heading_halves``: 一、本年收入 as a heading over （一）（二）… lines, then
  二、上年结转 with its own （一）… lines, 收入总计 (no 本年…合计 line).
- ``carry_first_halves``: 一、上年结转 printed above the 二、本年收入 heading.
- ``stacked_halves``: one label column: 收入 heading, income lines, 收入总计,
  支出 heading, expenditure lines, 支出总计.
- ``total_only_halves``: no subtotal, the expenditure half split into
  合计 | 人员经费 | 公用经费 | 项目支出, the income half with 1、 sub-lines.
- ``heji_totals``: the totals named 收入合计 / 支出合计 after 本年…合计 and carry-overs.
- ``indented_halves``: unnumbered lines whose hierarchy only the indentation
  shows (``Grid.indents``).

Keyed summaries (收入总表 / 支出总表):
- ``unit_coded_income``: 单位代码 | 单位名称, 合计 row, department code over
  unit codes (305 / 305001), 本年收入 小计 | parts and 上年结转结余 小计 | parts.
- ``unit_named_income``: 预算单位 with the department row first (no 合计),
  财政拨款 group over its three parts, labels wrapped over two header rows.
- ``unit_function_expenditure``: 预算单位 | 科目编码 | 科目名称: each unit row
  over its function rows, a memo column group (政府采购) outside the total.
"""

from __future__ import annotations

from parsers.model import Grid


def _grid(cells, title, unit="单位：万元", indents=None) -> Grid:
    return Grid(cells=[list(r) for r in cells], row_pages=[1] * len(cells), title=title, unit_text=unit,
                indents=indents)


# ------------------------------------------------------------ two halves

FOOTER_ROWS = [
    ("一、财政拨款", "900.00", "一、一般公共服务支出", "700.00"),
    ("1.一般公共预算拨款", "800.00", "统计信息事务", "700.00"),
    ("2.政府性基金预算拨款", "100.00", "行政运行", "500.00"),
    ("3.国有资本经营预算拨款", "0.00", "专项统计业务", "200.00"),
    ("二、财政专户管理资金", "0.00", "二、社会保障和就业支出", "150.00"),
    ("三、单位资金", "60.00", "行政事业单位养老支出", "150.00"),
    ("1.事业收入", "50.00", "机关事业单位基本养老保险缴费支出", "150.00"),
    ("2.其他收入", "10.00", "三、住房保障支出", "140.00"),
    (None, None, "住房改革支出", "140.00"),
    (None, None, "住房公积金", "140.00"),
    ("本年收入合计", "960.00", "本年支出合计", "990.00"),
    ("上年结余、结转", "40.00", "结转下年", "10.00"),
    ("1.财政拨款结余、结转", "30.00", None, None),
    ("2.非财政拨款结余、结转", "10.00", None, None),
    ("收入总计", "1,000.00", "支出总计", "1,000.00"),
]


def footer_halves(title: str = "收支总表") -> Grid:
    cells = [["收入", None, "支出", None], ["项目", "2026年预算数", "项目", "2026年预算数"]]
    cells += [list(r) for r in FOOTER_ROWS]
    cells.append(["注：本表金额单位转换时可能存在尾数误差。", None, None, None])
    return _grid(cells, title)


HEADING_ROWS = [
    ("一、本年收入", "500.00", "一、本年支出", "520.00"),
    ("（一）一般公共预算拨款", "450.00", "（一）一般公共服务支出", "300.00"),
    ("（二）政府性基金预算拨款", "50.00", "（二）教育支出", None),
    ("（三）国有资本经营预算拨款", None, "（三）社会保障和就业支出", "120.00"),
    ("二、上年结转", "30.00", "（四）住房保障支出", "100.00"),
    ("（一）一般公共预算拨款", "30.00", "二、年终结转结余", "10.00"),
    ("（二）政府性基金预算拨款", None, None, None),
    ("收入总计", "530.00", "支出总计", "530.00"),
]


def heading_halves(title: str = "财政拨款收支总表") -> Grid:
    cells = [["收入", None, "支出", None], ["项目", "预算数", "项目", "预算数"]]
    cells += [list(r) for r in HEADING_ROWS]
    return _grid(cells, title)


CARRY_FIRST_ROWS = [
    ("一、上年结转", "20.00", "一、本年支出", "115.00"),
    ("二、本年收入", "100.00", "（一）一般公共服务支出", "80.00"),
    ("（一）一般公共预算拨款", "90.00", "（二）住房保障支出", "35.00"),
    ("（二）政府性基金预算拨款", "10.00", "二、年终结转结余", "5.00"),
    ("收入总计", "120.00", "支出总计", "120.00"),
]


def carry_first_halves(title: str = "财政拨款收支总表") -> Grid:
    cells = [["收入", None, "支出", None], ["项目", "预算数", "项目", "预算数"]]
    cells += [list(r) for r in CARRY_FIRST_ROWS]
    return _grid(cells, title)


STACKED_ROWS = [
    ("收入", None),
    ("一、一般公共预算拨款收入", "300.00"),
    ("二、事业收入", "20.00"),
    ("收入总计", "320.00"),
    ("支出", None),
    ("一、一般公共服务支出", "250.00"),
    ("二、住房保障支出", "70.00"),
    ("支出总计", "320.00"),
]


def stacked_halves(title: str = "部门收支总表") -> Grid:
    cells = [["项目", "预算数"]] + [list(r) for r in STACKED_ROWS]
    return _grid(cells, title)


TOTAL_ONLY_ROWS = [
    ("一、财政拨款收入", "26,054,663", "一、一般公共服务支出", "21,825,649", "10,394,833", "7,483,036", "3,947,780"),
    ("1、一般公共预算", "26,054,663", "二、社会保障和就业支出", "2,602,298", "2,569,258", "33,040", None),
    ("2、政府性基金预算", None, "三、卫生健康支出", "1,018,774", "1,018,774", None, None),
    ("3、国有资本经营预算", None, "四、住房保障支出", "713,142", "713,142", None, None),
    ("二、事业收入", None, None, None, None, None, None),
    ("三、其他收入", "105,200", None, None, None, None, None),
    ("收入总计", "26,159,863", "支出总计", "26,159,863", "14,696,007", "7,516,076", "3,947,780"),
]


def total_only_halves(title: str = "2026年预算单位财务收支预算总表") -> Grid:
    cells = [
        ["本年收入", None, "本年支出", None, None, None, None],
        [None, None, None, "预算数", None, None, None],
        ["项目", "预算数", "项目", None, "基本支出", None, None],
        [None, None, None, "合计", "人员经费", "公用经费", "项目支出"],
    ]
    cells += [list(r) for r in TOTAL_ONLY_ROWS]
    return _grid(cells, title, unit="单位：元")


HEJI_ROWS = [
    ("一、一般公共预算拨款收入", "48764.88", "一、公共安全支出", "48200.88"),
    ("二、政府性基金预算拨款收入", "5000.00", "二、社会保障和就业支出", "5064.00"),
    ("三、国有资本经营预算拨款收入", None, "三、城乡社区支出", "5000.00"),
    (None, None, "四、住房保障支出", "3500.00"),
    ("本年收入合计", "53764.88", "本年支出合计", "61764.88"),
    ("上年结转结余", "8000.00", "结转下年支出", "0.00"),
    ("收入合计", "61764.88", "支出合计", "61764.88"),
]


def heji_totals(title: str = "2026年度收支预算总表") -> Grid:
    cells = [["收入", None, "支出", None], ["项目", "预算数", "项目", "预算数"]]
    cells += [list(r) for r in HEJI_ROWS]
    return _grid(cells, title)


# (name, amount, indent in ems) of an expenditure half with no numbering at all
INDENTED_LINES = [
    ("一般公共服务支出", "700.00", 0.0),
    ("统计信息事务", "700.00", 1.0),
    ("行政运行", "500.00", 2.0),
    ("专项统计业务", "200.00", 2.0),
    ("住房保障支出", "140.00", 0.0),
    ("住房改革支出", "140.00", 1.0),
    ("住房公积金", "140.00", 2.0),
    ("本年支出合计", "840.00", 0.0),
]


def indented_halves(title: str = "收支总表") -> Grid:
    cells = [["收入", None, "支出", None], ["项目", "预算数", "项目", "预算数"]]
    indents: list[list[float | None]] = [[None] * 4, [None] * 4]
    income = [("财政拨款收入", "840.00"), (None, None), (None, None), (None, None), (None, None), (None, None),
              (None, None), ("本年收入合计", "840.00")]
    for (iname, iamount), (name, amount, indent) in zip(income, INDENTED_LINES):
        cells.append([iname, iamount, name, amount])
        indents.append([0.0 if iname else None, None, indent, None])
    return _grid(cells, title, indents=indents)


# ------------------------------------------------------------ keyed summaries


def unit_coded_income(title: str = "收入总表") -> Grid:
    header = [
        [None, None, None, "本年收入", None, None, None, None, None, None, None, None, None, "上年结转结余", None, None],
        ["单位代码", "单位名称", "合计", "小计", "一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金",
         "事业收入", "事业单位经营收入", "上级补助收入", "附属单位上缴收入", "其他收入", "小计", "一般公共预算", "单位资金"],
    ]
    body = [
        [None, "合计", "1,100.00", "1,000.00", "800.00", "100.00", None, "20.00", "60.00", None, None, None, "20.00",
         "100.00", "70.00", "30.00"],
        ["305", "示例市教育局", "1,100.00", "1,000.00", "800.00", "100.00", None, "20.00", "60.00", None, None, None,
         "20.00", "100.00", "70.00", "30.00"],
        ["305001", "示例市教育局（本级）", "700.00", "650.00", "550.00", "100.00", None, None, None, None, None, None,
         None, "50.00", "50.00", None],
        ["305002", "示例市实验中学", "400.00", "350.00", "250.00", None, None, "20.00", "60.00", None, None, None,
         "20.00", "50.00", "20.00", "30.00"],
    ]
    return _grid(header + body, title)


def unit_named_income(title: str = "收入总表") -> Grid:
    header = [
        [None, None, "本年收入", None, None, None, None, None, None, None],
        ["预算单位", "收入总计", "财政拨款", None, None, "财政专户管理", "单位资金", None, None, "上年结余"],
        [None, None, "一般公共预算拨款", "政府性基金预算拨款", "国有资本经营预算拨款", "资金", "事业收入", "上级补助收入",
         "其他收入", "、结转"],
    ]
    body = [
        ["示例市人力资源和社会保障局", "1,571.00", "1,333.00", "100.00", "0.00", "45.00", "30.00", "0.00", "3.00", "60.00"],
        ["示例市人力资源和社会保障局（本级）", "1,056.00", "1,000.00", "0.00", "0.00", "45.00", "0.00", "0.00", "1.00", "10.00"],
        ["示例市公共就业服务中心", "515.00", "333.00", "100.00", "0.00", "0.00", "30.00", "0.00", "2.00", "50.00"],
    ]
    return _grid(header + body, title)


def unit_function_expenditure(title: str = "支出总表") -> Grid:
    header = [
        [None, None, None, None, None, None, None, "2026年政府采购项目", None],
        ["预算单位", "科目编码", "科目名称", "支出总计", "基本支出", "项目支出", "事业单位经营支出", "小计",
         "其中：预留给中小企业的项目资金规模"],
    ]
    body = [
        ["示例市生态环境局", None, None, "300.00", "120.00", "180.00", "30.00", "40.00", "10.00"],
        ["示例市生态环境局（本级）", None, None, "200.00", "100.00", "100.00", "0.00", "40.00", "10.00"],
        [None, "211", "节能环保支出", "200.00", "100.00", "100.00", "0.00", "40.00", "10.00"],
        [None, "21101", "环境保护管理事务", "200.00", "100.00", "100.00", "0.00", "40.00", "10.00"],
        [None, "2110101", "行政运行", "100.00", "100.00", "0.00", "0.00", "0.00", "0.00"],
        [None, "2110199", "其他环境保护管理事务支出", "100.00", "0.00", "100.00", "0.00", "40.00", "10.00"],
        ["示例市环境科学研究院", None, None, "100.00", "20.00", "80.00", "30.00", "0.00", "0.00"],
        [None, "211", "节能环保支出", "100.00", "20.00", "80.00", "30.00", "0.00", "0.00"],
        [None, "21101", "环境保护管理事务", "100.00", "20.00", "80.00", "30.00", "0.00", "0.00"],
        [None, "2110150", "事业运行", "100.00", "20.00", "80.00", "30.00", "0.00", "0.00"],
    ]
    return _grid(header + body, title)


def document(*tables: dict, name: str = "fixture") -> dict:
    """A parse-output document holding these tables (for the identity checks)."""
    return {"id": name, "source": name, "unit_name": "示例单位", "fiscal_year": 2026, "doc_type": "budget",
            "currency_unit": "万元", "tables": list(tables), "claims": [], "warnings": []}
