"""Classification codes of table rows (parsers/codes.py): code-column meaning and
codes inferred for name-only tables, on Grids as any reader produces them."""

from __future__ import annotations

import pytest

from countybudget import code_lists
from countybudget.code_lists import CodeEntry, CodeLists
from countybudget.table_kinds import TableKind
from parsers import codes
from parsers.model import Grid
from parsers.tables import interpret_grid

HEADER = ["科目名称", "合计", "基本支出", "项目支出"]


def grid(cells, indents=None, title="2026年部门一般公共预算支出表") -> Grid:
    return Grid(cells=cells, row_pages=[3] * len(cells), title=title, unit_text="单位：万元", indents=indents)


def function_rows(with_numbering: bool = False) -> list[list[str]]:
    n = (lambda a, b: a) if with_numbering else (lambda a, b: b)
    return [
        HEADER,
        ["合计", "130.00", "100.00", "30.00"],
        [n("一、一般公共服务支出", "一般公共服务支出"), "100.00", "80.00", "20.00"],
        [n("（一）政府办公厅（室）及相关机构事务", "政府办公厅（室）及相关机构事务"), "100.00", "80.00", "20.00"],
        [n("1.行政运行", "行政运行"), "80.00", "80.00", "0.00"],
        [n("2.一般行政管理事务", "一般行政管理事务"), "20.00", "0.00", "20.00"],
        [n("二、公共安全支出", "公共安全支出"), "30.00", "20.00", "10.00"],
        [n("（一）公安", "公安"), "30.00", "20.00", "10.00"],
        [n("1.行政运行", "行政运行"), "30.00", "20.00", "10.00"],
    ]


INDENTS = [[None] * 4, [0.0, None, None, None]] + [[x, None, None, None] for x in (0.0, 1.0, 2.0, 2.0, 0.0, 1.0, 2.0)]
EXPECTED = [None, "201", "20103", "2010301", "2010302", "204", "20402", "2040201"]


def codes_of(table: dict) -> list[str | None]:
    return [r["code"] for r in table["rows"]]


def test_name_only_table_with_indentation_gets_inferred_codes() -> None:
    table = interpret_grid(grid(function_rows(), indents=INDENTS))
    assert table["kind"] == "expenditure_by_function"
    assert codes_of(table) == EXPECTED
    assert [r.get("code_source") for r in table["rows"]] == [None] + ["inferred"] * 7
    assert [r.get("level") for r in table["rows"][1:]] == [0, 1, 2, 2, 0, 1, 2]
    assert not table.get("warnings")
    assert table["rows"][7]["name"] == "行政运行"  # the name stays as printed


def test_name_only_table_with_numbering_and_no_indents() -> None:
    table = interpret_grid(grid(function_rows(with_numbering=True)))
    assert codes_of(table) == EXPECTED
    assert table["rows"][3]["name"] == "1.行政运行"
    assert not table.get("warnings")


def test_name_only_table_by_order_alone() -> None:
    """No indentation, no numbering: a 款 follows its 类 and a 项 its 款."""
    table = interpret_grid(grid(function_rows()))
    assert codes_of(table) == EXPECTED


def test_indentation_decides_where_the_order_would_mislead() -> None:
    """其他社会保障和就业支出 is a 款 (20899) and a 项 under it (2089999): the
    indent says which row is which."""
    cells = [
        HEADER,
        ["社会保障和就业支出", "30.00", "30.00", "0.00"],
        ["行政事业单位养老支出", "10.00", "10.00", "0.00"],
        ["机关事业单位基本养老保险缴费支出", "10.00", "10.00", "0.00"],
        ["其他社会保障和就业支出", "20.00", "20.00", "0.00"],
        ["其他社会保障和就业支出", "20.00", "20.00", "0.00"],
    ]
    indents = [[None] * 4] + [[x, None, None, None] for x in (0.0, 1.0, 2.0, 1.0, 2.0)]
    table = interpret_grid(grid(cells, indents=indents))
    assert codes_of(table) == ["208", "20805", "2080505", "20899", "2089999"]


def test_a_name_without_its_parent_is_ambiguous_and_left_empty_with_a_warning() -> None:
    cells = [HEADER, ["一般公共服务支出", "10.00", "10.00", "0.00"], ["行政运行", "10.00", "10.00", "0.00"]]
    indents = [[None] * 4, [0.0, None, None, None], [2.0, None, None, None]]  # a 项 with no 款 above it
    table = interpret_grid(grid(cells, indents=indents))
    assert codes_of(table) == ["201", None]
    assert table["rows"][1].get("code_source") is None
    assert len(table["warnings"]) == 1 and "行政运行" in table["warnings"][0] and "ambiguous" in table["warnings"][0]


def test_an_unknown_name_is_left_empty_and_its_children_are_not_guessed() -> None:
    """An unlisted 款 (its total is the sum of the rows under it) is their parent:
    the 行政运行 under it is not put under the 款 before it."""
    cells = [
        HEADER,
        ["一般公共服务支出", "30.00", "30.00", "0.00"],
        ["政府办公厅（室）及相关机构事务", "10.00", "10.00", "0.00"],
        ["行政运行", "10.00", "10.00", "0.00"],
        ["某某新设事务", "20.00", "20.00", "0.00"],
        ["行政运行", "15.00", "15.00", "0.00"],
        ["一般行政管理事务", "5.00", "5.00", "0.00"],
    ]
    table = interpret_grid(grid(cells))
    assert codes_of(table) == ["201", "20103", "2010301", None, None, None]
    warnings = table["warnings"]
    assert any("某某新设事务" in w and "unknown name" in w for w in warnings)
    assert sum("行政运行" in w for w in warnings) == 1 and any("一般行政管理事务" in w for w in warnings)


def test_an_unknown_leaf_among_leaves_keeps_its_siblings() -> None:
    """An unlisted 项 whose total is not the sum of what follows is one of the leaves."""
    cells = [
        HEADER,
        ["一般公共服务支出", "30.00", "30.00", "0.00"],
        ["政府办公厅（室）及相关机构事务", "30.00", "30.00", "0.00"],
        ["行政运行", "10.00", "10.00", "0.00"],
        ["某某专项业务", "12.00", "12.00", "0.00"],
        ["一般行政管理事务", "8.00", "8.00", "0.00"],
    ]
    table = interpret_grid(grid(cells))
    assert codes_of(table) == ["201", "20103", "2010301", None, "2010302"]
    assert len(table["warnings"]) == 1 and "某某专项业务" in table["warnings"][0]


def test_an_inferred_hierarchy_that_does_not_add_up_is_reported() -> None:
    cells = function_rows()
    cells[4] = ["行政运行", "70.00", "70.00", "0.00"]  # 70 + 20 is not the 款's 100
    table = interpret_grid(grid(cells, indents=INDENTS))
    assert codes_of(table) == EXPECTED
    assert any("20103" in w and "not the sum" in w for w in table["warnings"])


def test_a_table_of_other_names_is_not_a_name_only_function_table() -> None:
    """Unit names (a summary keyed by unit without codes) get no codes and no warnings."""
    cells = [["单位名称", "合计", "基本支出", "项目支出"], ["合计", "3.00", "3.00", "0.00"],
             ["某市某局（本级）", "2.00", "2.00", "0.00"], ["某市某中心", "1.00", "1.00", "0.00"]]
    table = interpret_grid(grid(cells))
    assert codes_of(table) == [None, None, None]
    assert not table.get("warnings")


def test_name_only_economic_table() -> None:
    cells = [
        ["科目名称", "合计", "人员经费", "公用经费"],
        ["合计", "15.00", "10.00", "5.00"],
        ["工资福利支出", "10.00", "10.00", "0.00"],
        ["基本工资", "6.00", "6.00", "0.00"],
        ["津贴补贴", "4.00", "4.00", "0.00"],
        ["商品和服务支出", "5.00", "0.00", "5.00"],
        ["办公费", "5.00", "0.00", "5.00"],
    ]
    table = interpret_grid(grid(cells, title="一般公共预算基本支出表"))
    assert table["kind"] == "basic_expenditure_by_economic"
    assert codes_of(table) == [None, "301", "30101", "30102", "302", "30201"]


def test_printed_codes_are_marked_printed_and_never_replaced() -> None:
    cells = [["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
             ["201", "一般公共服务支出", "10.00", "10.00", "0.00"],
             ["2010301", "行政运行", "10.00", "10.00", "0.00"]]
    table = interpret_grid(grid(cells))
    assert codes_of(table) == ["201", "2010301"]
    assert [r["code_source"] for r in table["rows"]] == ["printed", "printed"]


# ------------------------------------------------------------ code-column meaning


def test_a_unit_code_column_by_its_header() -> None:
    cells = [
        ["单位编码", "单位名称", "合计", "一般公共预算"],
        [None, "合计", "30.00", "30.00"],
        ["305", "某市教育局", "30.00", "30.00"],
        ["305001", "某市教育局（本级）", "20.00", "20.00"],
        ["305002", "某市少年宫", "10.00", "10.00"],
    ]
    table = interpret_grid(grid(cells, title="收入总表"))
    assert table["kind"] == "income_summary"
    assert codes_of(table) == [None, None, None, None]
    assert [r.get("unit_code") for r in table["rows"]] == [None, "305", "305001", "305002"]


def test_a_unit_code_column_by_its_values() -> None:
    """部门代码 wrapped as 部门代 / 码 reads as a code column: its values (no
    function codes, beside names that are no function names) make it a unit column."""
    cells = [
        ["代码", "名称", "合计", "一般公共预算"],
        ["309", "某市人力资源和社会保障局", "30.00", "30.00"],
        ["309001", "某市人力资源和社会保障局（本级）", "30.00", "30.00"],
    ]
    table = interpret_grid(grid(cells, title="收入总表"))
    assert codes_of(table) == [None, None]
    assert [r["unit_code"] for r in table["rows"]] == ["309", "309001"]


def test_a_misread_function_code_stays_a_code_for_the_gate_to_see() -> None:
    cells = [["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
             ["201", "一般公共服务支出", "10.00", "10.00", "0.00"],
             ["201030", "行政运行", "10.00", "10.00", "0.00"]]
    table = interpret_grid(grid(cells))
    assert codes_of(table) == ["201", "201030"]


def test_a_unit_row_heading_a_block_of_function_codes() -> None:
    cells = [["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
             ["301001", "某市某局（本级）", "10.00", "10.00", "0.00"],
             ["201", "一般公共服务支出", "10.00", "10.00", "0.00"],
             ["2010301", "行政运行", "10.00", "10.00", "0.00"]]
    table = interpret_grid(grid(cells))
    assert codes_of(table) == [None, "201", "2010301"]
    assert table["rows"][0]["unit_code"] == "301001"


@pytest.mark.parametrize(
    "header, expected",
    [("单位编码", True), ("部门代码", True), ("预算单位编码", True), ("科目编码", False),
     ("部门预算支出经济分类科目编码", False), ("功能分类科目编码", False), ("项目编码", False)],
)
def test_unit_headers(header: str, expected: bool) -> None:
    assert codes.is_unit_header(header) is expected


# ------------------------------------------------------------ with a list in code


def small_lists() -> CodeLists:
    def e(code, name, aliases=()):
        return CodeEntry(code, "function", code_lists.LEVELS[len(code)], code_lists.parent_code(code), name, aliases)

    entries = [e("201", "一般公共服务支出"), e("20103", "政府办公厅（室）及相关机构事务"),
               e("2010301", "行政运行"), e("20104", "发展与改革事务", ("发展和改革事务",)),
               e("2010401", "行政运行"), e("2010402", "重名事务"), e("2010403", "重名事务")]
    return CodeLists({(x.family, x.code): x for x in entries})


def rows_of(names: list[str]) -> list[dict]:
    return [{"code": None, "name": n, "page": 1, "amounts": {"total": None}} for n in names]


def test_a_name_that_fits_two_codes_under_the_same_parent_is_ambiguous() -> None:
    table = {"rows": rows_of(["一般公共服务支出", "发展与改革事务", "重名事务"])}
    codes.resolve_codes(table, TableKind.EXPENDITURE_BY_FUNCTION, lists=small_lists())
    assert codes_of(table) == ["201", "20104", None]
    assert "2010402, 2010403" in table["warnings"][0]


def test_an_alias_and_a_half_width_spelling_are_recognised() -> None:
    table = {"rows": rows_of(["一般公共服务支出", "发展和改革事务", "行政运行", "政府办公厅(室)及相关机构事务", "行政运行"])}
    codes.resolve_codes(table, TableKind.EXPENDITURE_BY_FUNCTION, lists=small_lists())
    assert codes_of(table) == ["201", "20104", "2010401", "20103", "2010301"]


def test_the_same_code_twice_is_not_inferred_twice() -> None:
    table = {"rows": rows_of(["一般公共服务支出", "政府办公厅（室）及相关机构事务", "行政运行", "行政运行"])}
    codes.resolve_codes(table, TableKind.EXPENDITURE_BY_FUNCTION, lists=small_lists())
    assert codes_of(table) == ["201", "20103", "2010301", None]
    assert "second time" in table["warnings"][0]


def test_indent_depths_rank_distinct_indents() -> None:
    assert codes.indent_depths([0.0, 1.1, 2.0, None, 0.2]) == [0, 1, 2, None, 0]
    assert codes.indent_depths([1.0, 1.0, 1.2]) == [None, None, None]  # one indent: no hierarchy


def test_the_committed_lists_know_the_classic_examples() -> None:
    lists = code_lists.load()
    assert lists.get("2040201").name == "行政运行" and lists.get("20402").name == "公安"
    assert lists.get("30101").name == "基本工资" and lists.get("30101").family == "economic_department"
    assert lists.get("512").family == "economic_government"
    assert all(e.parent_code is None or lists.get(e.parent_code, e.family) for e in lists.entries.values())


def test_unit_blocks_of_a_name_only_table_restart_the_classification() -> None:
    """Tables by budget unit: a unit's name heads its own 类 / 款 rows; the codes
    repeat in every block, and the unit rows get no code and no warning."""
    cells = [
        ["项目", "合计"],
        ["某市某局（本级）", "15.00"],
        ["工资福利支出", "10.00"],
        ["基本工资", "10.00"],
        ["商品和服务支出", "5.00"],
        ["办公费", "5.00"],
        ["某市某中心", "4.00"],
        ["工资福利支出", "4.00"],
        ["基本工资", "4.00"],
    ]
    table = interpret_grid(grid(cells, title="基本支出总表"))
    assert table["kind"] == "basic_expenditure_by_economic"
    assert codes_of(table) == [None, "301", "30101", "302", "30201", None, "301", "30101"]
    assert not table.get("warnings")


def test_a_parent_printed_without_its_code_takes_it_from_name_and_the_next_code() -> None:
    cells = [
        ["科目编码", "科目名称", "合计", "人员经费", "公用经费"],
        [None, "工资福利支出", "10.00", "10.00", "0.00"],
        ["30101", "基本工资", "6.00", "6.00", "0.00"],
        ["30102", "津贴补贴", "4.00", "4.00", "0.00"],
        [None, "某项说明", "1.00", "1.00", "0.00"],
        ["30201", "办公费", "1.00", "0.00", "1.00"],
    ]
    table = interpret_grid(grid(cells, title="一般公共预算基本支出表"))
    assert codes_of(table) == ["301", "30101", "30102", None, "30201"]
    assert [r.get("code_source") for r in table["rows"]] == ["inferred", "printed", "printed", None, "printed"]
