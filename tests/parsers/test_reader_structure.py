"""What the readers carry besides cell text: indents (the printed hierarchy
of name-only and summary tables), stray text, the words of a table's region
(amount conservation), and units inferred for tables without a 单位 line.

The PDFs are built in code (tests/parsers/fixtures/pdf_build.py ``page_pdf``),
so each layout is exactly the one the test names."""

from __future__ import annotations

from pathlib import Path

import pytest

from parser_fixtures import load_fixture_module
from parsers.document import parse_document
from parsers.layout import Glyph, TextLine, split_words
from parsers.pdf import _overflowed, read_pdf

FIXTURES = Path(__file__).parent / "fixtures"
SIZE = 9.0


build = load_fixture_module("pdf_build")

# A name-only function table: hierarchy shown by indentation only (类 0, 款 1, 项 2).
NAME_ONLY = [
    (0, "合计", "100.00", "60.00"),
    (0, "一般公共服务支出", "100.00", "60.00"),
    (1, "政府办公厅（室）及相关机构事务", "100.00", "60.00"),
    (2, "行政运行", "60.00", "60.00"),
    (2, "一般行政管理事务", "40.00", ""),
    (0, "卫生健康支出", "25.50", "25.50"),
    (1, "行政事业单位医疗", "25.50", "25.50"),
    (2, "行政单位医疗", "25.50", "25.50"),
]
COLS = [40.0, 340.0, 460.0, 580.0]  # 科目名称 | 合计 | 基本支出
ROW_H = 18.0
TOP = 90.0


def _table_pdf(path: Path, ruled: bool, extra: list[tuple[float, float, str]] = ()) -> Path:
    texts = [(300.0, 50.0, "一般公共预算支出表"), (COLS[-1] - 5 * SIZE, 75.0, "单位：万元")]
    header = ["科目名称", "合计", "基本支出"]
    for c, h in enumerate(header):
        texts.append(((COLS[c] + COLS[c + 1] - len(h) * SIZE) / 2, TOP + ROW_H - 5, h))
    for r, (indent, name, total, basic) in enumerate(NAME_ONLY, start=1):
        y = TOP + (r + 1) * ROW_H - 5
        texts.append((COLS[0] + 3 + indent * SIZE, y, name))
        for c, amount in ((1, total), (2, basic)):
            if amount:
                texts.append((COLS[c + 1] - 3 - len(amount) * SIZE, y, amount))
    texts.extend(extra)
    lines = []
    if ruled:
        n = len(NAME_ONLY) + 1
        for k in range(n + 1):
            lines.append((COLS[0], TOP + k * ROW_H, COLS[-1], TOP + k * ROW_H))
        for x in COLS:
            lines.append((x, TOP, x, TOP + n * ROW_H))
    return build.page_pdf(path, texts, lines, size=SIZE)


def _the_grid(path: Path):
    result = read_pdf(path)
    assert len(result.grids) == 1, [g.title for g in result.grids]
    return result.grids[0]


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
def test_indents_carry_the_printed_hierarchy(tmp_path: Path, ruled: bool) -> None:
    grid = _the_grid(_table_pdf(tmp_path / "t.pdf", ruled))
    assert grid.indents is not None and len(grid.indents) == len(grid.cells)
    names = {row[0]: ind[0] for row, ind in zip(grid.cells, grid.indents) if row[0]}
    for indent, name, *_ in NAME_ONLY:
        assert names[name] == pytest.approx(indent, abs=0.3), (name, names[name])


def test_a_clean_table_has_no_stray_text_and_no_conservation_warning(tmp_path: Path) -> None:
    path = _table_pdf(tmp_path / "t.pdf", ruled=True)
    grid = _the_grid(path)
    assert grid.stray_text == []
    amounts = [w.text for w in grid.region_words if "." in w.text]
    assert len(amounts) == sum(1 for _, _, t, b in NAME_ONLY for a in (t, b) if a)
    record = parse_document(path)
    (table,) = record["tables"]
    assert table["kind"] == "expenditure_by_function"
    assert not [w for w in table.get("warnings", []) if w.startswith("amount conservation")]


def test_an_amount_printed_outside_the_frame_is_stray_and_named(tmp_path: Path) -> None:
    # the 行政运行 row runs on past the table's right border
    y = TOP + 5 * ROW_H - 5
    path = _table_pdf(tmp_path / "t.pdf", ruled=True, extra=[(COLS[-1] + 12, y, "7.77")])
    grid = _the_grid(path)
    assert grid.stray_text == [(1, "7.77")]
    record = parse_document(path)
    (table,) = record["tables"]
    warnings = [w for w in table.get("warnings", []) if w.startswith("amount conservation")]
    assert len(warnings) == 1 and "7.77" in warnings[0] and "outside its cells" in warnings[0]
    from parsers.conservation import unplaced_count

    assert unplaced_count(record) == 1


def test_a_right_aligned_amount_against_a_text_cell_keeps_its_border() -> None:
    """A border with an amount ending right before it and text starting right
    after it is a real border (the two were merged: "…在口0.00岸开放…")."""
    def glyphs(x: float, text: str) -> list[Glyph]:
        return [Glyph(ch, x + k * 5, x + (k + 1) * 5, 10, 19) for k, ch in enumerate(text)]

    line = TextLine(glyphs(80, "0.00") + glyphs(100.5, "通过给予"))
    line.words = split_words(line.glyphs)
    assert not _overflowed(100.2, [line], 9.0)
    running = TextLine(glyphs(80, "一般公共") + glyphs(100.5, "服务支出"))
    running.words = split_words(running.glyphs)
    assert _overflowed(100.2, [running], 9.0)  # text running across an invisible edge


def test_xlsx_indents_from_alignment_and_leading_spaces(tmp_path: Path) -> None:
    import openpyxl
    from openpyxl.styles import Alignment

    from parsers.xlsx import read_xlsx

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["一般公共预算支出表"])
    ws.append(["单位：万元"])
    ws.append(["科目名称", "合计"])
    ws.append(["一般公共服务支出", "100.00"])
    ws.append(["政府办公厅（室）及相关机构事务", "100.00"])
    ws.append(["\u3000\u3000行政运行", "100.00"])
    ws["A5"].alignment = Alignment(indent=1)
    path = tmp_path / "t.xlsx"
    wb.save(path)
    (grid,) = read_xlsx(path).grids
    got = {row[0]: ind[0] for row, ind in zip(grid.cells, grid.indents)}
    assert got["一般公共服务支出"] == 0
    assert got["政府办公厅（室）及相关机构事务"] == 1
    assert got["行政运行"] == 2  # two ideographic spaces; the text itself is stripped
    assert len(grid.indents) == len(grid.cells)


def test_docx_indents_from_paragraph_indent_and_leading_spaces(tmp_path: Path) -> None:
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    from parsers.docx import read_docx

    document = docx.Document()
    document.add_paragraph("一般公共预算支出表")
    document.add_paragraph("单位：万元")
    table = document.add_table(rows=4, cols=2)
    for r, (name, amount) in enumerate([("科目名称", "合计"), ("一般公共服务支出", "100.00"),
                                        ("政府办公厅（室）及相关机构事务", "100.00"), ("行政运行", "100.00")]):
        table.cell(r, 0).text = name
        table.cell(r, 1).text = amount
    p2 = table.cell(2, 0).paragraphs[0]
    p2.paragraph_format.left_indent = Pt(10.5)  # one character of 五号 text
    for run in p2.runs:
        run.font.size = Pt(10.5)
    p3 = table.cell(3, 0).paragraphs[0]
    ind = p3._p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:leftChars"), "200")  # Word's "2 characters"
    path = tmp_path / "t.docx"
    document.save(path)
    (grid,) = read_docx(path).grids
    got = {row[0]: ind[0] for row, ind in zip(grid.cells, grid.indents)}
    assert got["一般公共服务支出"] == 0
    assert got["政府办公厅（室）及相关机构事务"] == pytest.approx(1.0)
    assert got["行政运行"] == pytest.approx(2.0)


def test_a_header_cell_merged_over_two_rows_is_one_cell(tmp_path: Path) -> None:
    """财政专户拨款 wrapped inside a cell merged over both header rows: the
    ruling under the 财政拨款 group cuts the other columns' rows, not this cell."""
    xs = [40.0, 200.0, 300.0, 400.0, 500.0, 600.0]
    top, h = 90.0, 18.0
    texts = [(300.0, 50.0, "项目支出表"), (xs[-1] - 5 * SIZE, 75.0, "单位：万元"),
             (xs[0] + 3, top + 23, "项目"), (xs[1] + 3, top + 23, "合计"),
             (xs[2] + 30, top + 13, "财政拨款"), (xs[2] + 3, top + 31, "一般公共预算"), (xs[3] + 3, top + 31, "政府性基金"),
             (xs[4] + 3, top + 13, "财政专"), (xs[4] + 3, top + 31, "户拨款")]
    body = [("合计", "30.00", "20.00", "0.00", "10.00"), ("行政运行", "30.00", "20.00", "0.00", "10.00")]
    for r, row in enumerate(body):
        y = top + 2 * h + (r + 1) * h - 5
        texts.append((xs[0] + 3, y, row[0]))
        for c, a in enumerate(row[1:], start=1):
            texts.append((xs[c + 1] - 3 - len(a) * SIZE, y, a))
    bottom = top + 2 * h + len(body) * h
    lines = [(xs[0], top, xs[-1], top), (xs[2], top + h, xs[4], top + h)]  # the group's ruling only
    lines += [(xs[0], top + 2 * h + k * h, xs[-1], top + 2 * h + k * h) for k in range(len(body) + 1)]
    lines += [(x, top, x, bottom) for x in xs if x != xs[3]] + [(xs[3], top + h, xs[3], bottom)]
    grid = _the_grid(build.page_pdf(tmp_path / "t.pdf", texts, lines, size=SIZE))
    assert grid.cells[0][4] == "财政专户拨款"
    assert grid.cells[0][2] == "财政拨款" and grid.cells[1][2] == "一般公共预算" and grid.cells[1][3] == "政府性基金"
    assert [r[0] for r in grid.cells[2:]] == ["合计", "行政运行"]


def test_a_continuation_page_puts_cells_where_their_text_lies(tmp_path: Path) -> None:
    """Columns seen only in the text (no inner rulings but one): the second
    page's guessed column edge differs from the first's; its amounts still
    go to the amount column, not glued to the names ("物资储备920.00")."""
    def page(rows, title: bool):
        texts = [(300.0, 50.0, "一般公共预算项目支出表"), (740.0, 75.0, "单位：万元")] if title else []
        top = 90.0 if title else 40.0
        lines = []
        for r, (name, amount) in enumerate(rows):
            y = top + (r + 1) * ROW_H - 5
            texts.append((48.0, y, name))
            texts.append((797.0 - len(amount) * SIZE, y, amount))
        for k in range(len(rows) + 1):
            lines.append((42.0, top + k * ROW_H, 798.0, top + k * ROW_H))
        lines += [(x, top, x, top + len(rows) * ROW_H) for x in (42.0, 420.0, 798.0)]
        return texts, lines

    first = [("项目", "预算")] + [(f"[3010{k}]基本工资和津贴补贴及其他各项费用之{k}", "1,234.00") for k in range(1, 6)]
    second = [("[31008]物资储备", "920.00"), ("[312]对企业补助", "1,000.00")]
    path = build.pages_pdf(tmp_path / "t.pdf", [page(first, True), page(second, False)], size=SIZE)
    grid = _the_grid(path)
    assert grid.row_pages[-2:] == [2, 2]
    assert [c for c in grid.cells[-2] if c] == ["[31008]物资储备", "920.00"]
    assert [c for c in grid.cells[-1] if c] == ["[312]对企业补助", "1,000.00"]
    assert grid.cells[-2].index("920.00") == grid.cells[1].index("1,234.00")


def test_a_word_is_not_taken_for_the_wrapped_tail_of_an_amount() -> None:
    from parsers.pdf import is_wrap_fragment

    assert not is_wrap_fragment(["", "其他收入", ""], ["合计", "471,452,100", ""])
    assert is_wrap_fragment(["", "支出", ""], ["201", "一般公共服务", "950.10"])


def test_a_merged_header_cell_whose_text_starts_below_its_top_row(tmp_path: Path) -> None:
    """上年结余、结转 merged over three header rows, its two lines in the second
    and third: joined in the second (the first row of the cell with text)."""
    xs = [40.0, 200.0, 300.0, 400.0, 500.0]
    top, h = 90.0, 16.0
    texts = [(300.0, 50.0, "收入总表"), (xs[-1] - 5 * SIZE, 75.0, "单位：万元"),
             (xs[1] + 30, top + 12, "本年收入"),
             (xs[0] + 3, top + 28, "预算单位"), (xs[1] + 3, top + 28, "财政拨款"),
             (xs[1] + 3, top + 44, "一般公共预算"), (xs[2] + 3, top + 44, "政府性基金"),
             (xs[3] + 3, top + 26, "上年结余"), (xs[3] + 3, top + 40, "、结转")]
    y = top + 4 * h - 4
    texts += [(xs[0] + 3, y, "某单位"), (xs[2] - 3 - 5 * SIZE, y, "20.00"), (xs[3] - 3 - 4 * SIZE, y, "0.00"),
              (xs[4] - 3 - 4 * SIZE, y, "7.34")]
    bottom = top + 4 * h
    lines = [(xs[0], top, xs[-1], top), (xs[1], top + h, xs[3], top + h), (xs[1], top + 2 * h, xs[3], top + 2 * h),
             (xs[0], top + 3 * h, xs[-1], top + 3 * h), (xs[0], bottom, xs[-1], bottom)]
    lines += [(x, top, x, bottom) for x in (xs[0], xs[1], xs[3], xs[4])] + [(xs[2], top + 2 * h, xs[2], bottom)]
    grid = _the_grid(build.page_pdf(tmp_path / "t.pdf", texts, lines, size=SIZE))
    column = [row[3] for row in grid.cells]
    assert "上年结余、结转" in column and "、结转" not in column
