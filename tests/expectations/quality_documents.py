"""A small, clean disclosure in the parse-output shape (docs/contracts.md §4).

Figures follow seed 002 (平乡县人民政府办公室 2024, in 万元) and satisfy every
identity to the cent; tests derive defective and mutated copies from it.
"""

from __future__ import annotations

import copy
from typing import Any


def _row(code: str | None, name: str, page: int, **amounts: str | None) -> dict[str, Any]:
    return {"code": code, "name": name, "item": None, "side": None, "page": page, "amounts": amounts}


def _side(side: str, name: str, amount: str | None) -> dict[str, Any]:
    return {"code": None, "name": name, "item": None, "side": side, "page": 4, "amounts": {"amount": amount}}


def _item(item: str, name: str, amount: str) -> dict[str, Any]:
    return {"code": None, "name": name, "item": item, "side": None, "page": 9, "amounts": {"amount": amount}}


# (code, name, total, basic, project) of the function table, 类 → 款 → 项
FUNCTION_ROWS = [
    ("201", "一般公共服务支出", "950.10", "800.10", "150.00"),
    ("20103", "政府办公厅（室）及相关机构事务", "950.10", "800.10", "150.00"),
    ("2010301", "行政运行", "800.10", "800.10", None),
    ("2010302", "一般行政管理事务", "150.00", None, "150.00"),
    ("206", "科学技术支出", "40.50", "40.50", None),
    ("20601", "科学技术管理事务", "40.50", "40.50", None),
    ("2060101", "行政运行", "40.50", "40.50", None),
    ("208", "社会保障和就业支出", "82.50", "82.50", None),
    ("20805", "行政事业单位养老支出", "82.50", "82.50", None),
    ("2080505", "机关事业单位基本养老保险缴费支出", "82.50", "82.50", None),
    ("210", "卫生健康支出", "40.50", "40.50", None),
    ("21011", "行政事业单位医疗", "40.50", "40.50", None),
    ("2101101", "行政单位医疗", "40.50", "40.50", None),
    ("221", "住房保障支出", "53.00", "53.00", None),
    ("22102", "住房改革支出", "53.00", "53.00", None),
    ("2210201", "住房公积金", "53.00", "53.00", None),
]

# (code, name, total, personnel, public) of the economic-class table
ECONOMIC_ROWS = [
    ("301", "工资福利支出", "900.00", "900.00", None),
    ("30101", "基本工资", "500.00", "500.00", None),
    ("30102", "津贴补贴", "300.00", "300.00", None),
    ("30108", "机关事业单位基本养老保险缴费", "100.00", "100.00", None),
    ("302", "商品和服务支出", "116.60", None, "116.60"),
    ("30201", "办公费", "60.00", None, "60.00"),
    ("30217", "公务接待费", "6.60", None, "6.60"),
    ("30231", "公务用车运行维护费", "50.00", None, "50.00"),
]


def _function_table(kind: str, title: str, page: int) -> dict[str, Any]:
    rows = [_row(None, "合计", page, total="1166.60", basic="1016.60", project="150.00")]
    rows += [_row(c, n, page, total=t, basic=b, project=p) for c, n, t, b, p in FUNCTION_ROWS]
    return {"kind": kind, "title": title, "unit": "万元", "pages": [page], "columns": ["total", "basic", "project"],
            "rows": rows, "note": None}


def clean_document() -> dict[str, Any]:
    tables = [
        {
            "kind": "income_expenditure_summary", "title": "部门预算收支总表", "unit": "万元", "pages": [4],
            "columns": ["amount"], "note": None,
            "rows": [
                _side("income", "一般公共预算拨款收入", "1166.60"),
                _side("income", "本年收入合计", "1166.60"),
                _side("income", "收入总计", "1166.60"),
                _side("expenditure", "一般公共服务支出", "950.10"),
                _side("expenditure", "科学技术支出", "40.50"),
                _side("expenditure", "社会保障和就业支出", "82.50"),
                _side("expenditure", "卫生健康支出", "40.50"),
                _side("expenditure", "住房保障支出", "53.00"),
                _side("expenditure", "本年支出合计", "1166.60"),
                _side("expenditure", "支出总计", "1166.60"),
            ],
        },
        _function_table("expenditure_summary", "部门预算支出总表", 6),
        _function_table("expenditure_by_function", "一般公共预算支出表", 7),
        {
            "kind": "basic_expenditure_by_economic", "title": "一般公共预算基本支出表", "unit": "万元", "pages": [8],
            "columns": ["total", "personnel", "public"], "note": None,
            "rows": [_row(None, "合计", 8, total="1016.60", personnel="900.00", public="116.60")]
            + [_row(c, n, 8, total=t, personnel=pe, public=pu) for c, n, t, pe, pu in ECONOMIC_ROWS],
        },
        {
            "kind": "three_public_expenses", "title": "一般公共预算“三公”经费支出表", "unit": "万元", "pages": [9],
            "columns": ["amount"], "note": None,
            "rows": [
                _item("total", "合计", "56.60"),
                _item("overseas", "因公出国（境）费", "0.00"),
                _item("vehicle_purchase", "公务用车购置费", "0.00"),
                _item("vehicle_operation", "公务用车运行维护费", "50.00"),
                _item("reception", "公务接待费", "6.60"),
            ],
        },
    ]
    return {
        "schema_version": "1", "source": "tests/平乡县人民政府办公室2024.pdf", "sha256": None, "format": "pdf",
        "status": "ok", "error": None, "unit_name": "平乡县人民政府办公室", "fiscal_year": 2024,
        "doc_type": "budget", "currency_unit": "万元", "n_pages": 12, "tables": tables,
        "claims": [
            {"text": "一般公共服务支出950.10万元", "subject": "一般公共服务支出", "amount": "950.10", "unit": "万元",
             "page": 2, "share": "81.44", "change": None, "change_direction": None},
            {"text": "公务接待费6.60万元", "subject": "公务接待费", "amount": "6.60", "unit": "万元",
             "page": 3, "share": None, "change": None, "change_direction": None},
            # the two vehicle items together (purchase 0.00 + operation 50.00)
            {"text": "公务用车购置及运行维护费50.00万元", "subject": "公务用车购置及运行维护费", "amount": "50.00",
             "unit": "万元", "page": 3, "share": None, "change": None, "change_direction": None},
            {"text": "基本支出1016.60万元", "subject": "基本支出", "amount": "1016.60", "unit": "万元",
             "page": 2, "share": None, "change": None, "change_direction": None},
        ],
        "warnings": [],
    }


def find_row(doc: dict[str, Any], kind: str, code: str | None = None, item: str | None = None) -> dict[str, Any]:
    for table in doc["tables"]:
        if table["kind"] != kind:
            continue
        for row in table["rows"]:
            if (code is not None and row["code"] == code) or (item is not None and row["item"] == item):
                return row
    raise KeyError((kind, code, item))


def copy_of(doc: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(doc)
