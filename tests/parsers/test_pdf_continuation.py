"""A table continued over a page break is one table. A summary (收支总表) whose second
page opens with a numbered item that prints no amount — "（十九）其他支出" heading its
sub-items — continues the table; it is not a new, untitled table (seen in real
budgets: the second page was read apart and its lines were missing from the summary).

The PDFs are built in code (tests/parsers/fixtures/pdf_build.py)."""

from __future__ import annotations

from pathlib import Path

from parser_fixtures import load_fixture_module
from parsers.pdf import _repeats_header, drop_repeated_header, header_cells_of, header_texts, is_wrap_fragment, read_pdf

SIZE = 9.0
ROW_H = 18.0


build = load_fixture_module("pdf_build")


def _page(rows: list[tuple[str, str]], title: bool):
    texts = [(300.0, 50.0, "财政拨款收支总表"), (740.0, 75.0, "单位：万元")] if title else []
    top = 90.0 if title else 40.0
    lines = []
    for r, (name, amount) in enumerate(rows):
        y = top + (r + 1) * ROW_H - 5
        texts.append((48.0, y, name))
        if amount:
            texts.append((797.0 - len(amount) * SIZE, y, amount))
    for k in range(len(rows) + 1):
        lines.append((42.0, top + k * ROW_H, 798.0, top + k * ROW_H))
    lines += [(x, top, x, top + len(rows) * ROW_H) for x in (42.0, 420.0, 798.0)]
    return texts, lines


FIRST = [("项目", "预算数"), ("一般公共服务支出", "100.00"), ("（十八）其他支出", "5.00"), ("行政运行", "20.00")]
SECOND = [("（十九）其他支出", ""), ("其他一般公共服务支出", "7.00"), ("本年支出合计", "132.00")]


def test_a_page_opening_with_a_numbered_item_without_amount_continues_the_table(tmp_path: Path) -> None:
    path = build.pages_pdf(tmp_path / "t.pdf", [_page(FIRST, True), _page(SECOND, False)], size=SIZE)
    result = read_pdf(path)
    assert len(result.grids) == 1, [g.title for g in result.grids]
    names = [next((c for c in row if c), "") for row in result.grids[0].cells]
    assert names[-3:] == ["（十九）其他支出", "其他一般公共服务支出", "本年支出合计"]
    assert result.grids[0].row_pages[-3:] == [2, 2, 2]


def test_a_numbered_line_is_body_not_a_header() -> None:
    headers = {"项目预算数"}
    assert _repeats_header([["（十九）其他支出", ""], ["其他一般公共服务支出", "7.00"]], headers)
    assert _repeats_header([["3.其他支出", ""]], headers)


def test_a_header_that_is_not_the_tables_own_still_starts_a_new_table() -> None:
    assert not _repeats_header([["单位名称", "人员经费"], ["某单位", "7.00"]], {"项目预算数"})


def test_a_header_repeated_with_its_words_wrapped_elsewhere_is_the_same_header() -> None:
    """其他资金 on one page, 其他资 / 金 on the next: the same header, so the page continues
    the table rather than starting an untitled one."""
    first = {"支出项目类别（资金使用单位）总计财政拨款其他资金绩效目标", "合计一般公共预算政府性基金预算"}
    again = [["支出项目类别（资金使用单", "总计", "财政拨款", "其他资", "绩效目标"],
             ["位）", "", "合计", "金", ""], ["", "", "一般公共预算", "政府性基金预算", ""]]
    assert _repeats_header(again + [["业务用房物业管理费", "175.00", "175.00", "0.00", "…"]], first)
    other = [["单位名称", "人员经费", "公用经费"], ["某单位", "7.00", "1.00"]]
    assert not _repeats_header(other, first)


def test_a_page_opening_with_the_tails_of_wrapped_cells_continues_the_table() -> None:
    """改造项目 | 缮 at the top of a page end the names of the previous page's last row."""
    last = ["", "高中教学楼门窗及卫生间", "大型修缮", "其他建筑物、构筑物修", "分散采购", "17.48"]
    tails = ["", "改造项目", "", "缮", "", ""]
    assert is_wrap_fragment(tails, last)
    assert _repeats_header([tails, ["无锡学院", "", "", "", "", "50.00"]], {"单位名称项目名称"}, last)
    assert not is_wrap_fragment(["", "", "", "", "", "17.48"], last)  # an amount is no tail


def test_a_units_name_wrapped_mid_word_over_the_page_break_continues_the_table() -> None:
    """无锡市社会保 | 险基金管理中心: one cell's tail, longer than the tails of several cells."""
    last = ["无锡市社会保", "", "", "", "", "66.00", "", "", "", "66.00"]
    tail = ["险基金管理中心", "", "", "", "", "", "", "", "", ""]
    assert is_wrap_fragment(tail, last)
    body = ["", "商品和服务支出(公用经费定额)", "会议费", "一般会议服务", "集中采购", "7.06", "", "", "", "7.06"]
    assert _repeats_header([tail, body], {"采购品目大类专项名称经济科目采购品目名称"}, last)
    assert not is_wrap_fragment(["险基金管理中心", "", "", "", "", "", "", "", "", ""], ["", "", "", "", "", "66.00"])
    # several cells' tails stay short: two long pieces are a row of their own
    assert not is_wrap_fragment(["", "其他交通工具购置费用", "", "其他资本性支出合计", "", ""],
                                ["", "高中教学楼门窗及卫生间", "", "其他建筑物、构筑物修", "", ""])


def test_a_header_repeated_with_its_cells_grouped_into_other_rows_is_dropped_from_the_continuation() -> None:
    """A header cell merged over two rows (基本支出) falls in the upper row on the
    first page and in the lower one on the next (as a 150 dpi scan reads it): the
    continuation's leading rows hold nothing but the header's cells, so they are
    the header, not two rows named 功能分类科目 and 科目名称."""
    first = [["", "功能分类科目", "", "", "基本支出", "项目支出"],
             ["序号", "科目编码", "科目名称", "合计", "", ""],
             ["栏次", "1", "2", "3", "4", "5"],
             ["1", "", "合计", "1166.60", "673.24", "493.36"]]
    continuation = [["", "功能分类科目", "", "", "", ""],
                    ["序号", "科目编码", "科目名称", "合计", "基本支出", "项目支出"],
                    ["13", "2080505", "机关事业单位基本养老保险缴费支出", "61.50", "61.50", ""]]
    kept = drop_repeated_header(continuation, header_texts(first), header_cells_of(first))
    assert kept == continuation[2:]
    # a leading row that is not the header's (a wrapped name's tail, a bare 合计) stays
    tail = [["", "", "支出", "", "", ""], continuation[2]]
    assert drop_repeated_header(tail, header_texts(first), header_cells_of(first)) == tail
    bare_total = [["", "", "合计", "", "", ""], continuation[2]]
    assert drop_repeated_header(bare_total, header_texts(first), header_cells_of(first)) == bare_total
