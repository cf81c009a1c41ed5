"""The OCR path: which pages it reads, the rulings and skew it finds in an
image, and a scanned twin's table read to the cent (two pages only: OCR takes
seconds per page, the whole corpus is the benchmark's, `countybudget bench --only ocr`)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from benchmarks.parse_eval import amount_cells
from parsers import ocr
from parsers.document import parse_document
from parsers.lake import record_rows
from parsers.layout import Glyph
from parsers.pdf import read_pdf
from testkit import CORPUS_DIR

needs_engine = pytest.mark.skipif(not ocr.ocr_available(), reason="OCR engine not installed (scripts/bootstrap.sh)")
FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA = json.loads((Path(ocr.__file__).parent / "parse_output.schema.json").read_text("utf-8"))


def _glyphs(texts: list[str]) -> list[Glyph]:
    return [Glyph(t, 10.0 * i, 10.0 * i + 9, 100.0, 110.0) for i, t in enumerate(texts)]


def test_only_pages_without_a_usable_text_layer_need_ocr() -> None:
    text = _glyphs(list("部门预算收支总表一般公共服务支出合计950.10"))
    assert not ocr.page_needs_ocr(text, has_images=True)  # a good text layer over a logo
    assert ocr.page_needs_ocr([], has_images=True)  # a scanned page
    assert not ocr.page_needs_ocr([], has_images=False)  # a blank page: nothing to read
    assert ocr.page_needs_ocr(_glyphs([f"(cid:{i})" for i in range(30)]), has_images=False)


def test_a_scan_too_coarse_to_read_figures_is_reported_not_guessed() -> None:
    # the fixture's page is a 40-pixel image over an A4 page (5 dpi)
    result = read_pdf(FIXTURES / "pdf_scanned.pdf")
    assert result.needs_ocr and result.grids == [] and result.ocr_pages == []
    if ocr.ocr_available():
        assert any("dpi" in w for w in result.warnings), result.warnings


def _grid_image(dpi: int = 200, angle: float = 0.0) -> np.ndarray:
    import cv2

    image = np.full((int(8 * dpi), int(6 * dpi)), 255, np.uint8)
    x0, x1, y0, y1 = dpi, 5 * dpi, dpi, 4 * dpi
    for k in range(7):  # 7 horizontal rulings: 6 rows
        y = y0 + k * (y1 - y0) // 6
        cv2.line(image, (x0, y), (x1, y), 0, 3)
    for x in (x0, 2 * dpi, 3 * dpi, x1):  # 4 vertical rulings: 3 columns
        cv2.line(image, (x, y0), (x, y1), 0, 3)
    cv2.putText(image, "1166.60", (x0 + 20, y0 + 60), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 3)
    if angle:
        matrix = cv2.getRotationMatrix2D((image.shape[1] / 2, image.shape[0] / 2), angle, 1.0)
        image = cv2.warpAffine(image, matrix, image.shape[::-1], borderValue=255)
    return image


@needs_engine
def test_rulings_in_the_image_are_the_table_grid_and_digits_are_not() -> None:
    dpi = 200
    rulings = ocr.find_rulings(_grid_image(dpi), dpi)
    horizontal = sorted(r.pos for r in rulings if not r.vertical)
    vertical = sorted(r.pos for r in rulings if r.vertical)
    assert len(horizontal) == 7 and len(vertical) == 4, (horizontal, vertical)
    assert vertical[0] == pytest.approx(72.0, abs=1.0)  # 1 inch = 72 pt whatever the dpi
    assert all(r.end - r.start > 200 for r in rulings)  # whole lines, no digit strokes


@needs_engine
@pytest.mark.parametrize("angle", [0.6, -0.4])
def test_a_turned_scan_is_measured_and_straightened(angle: float) -> None:
    dpi = 150
    image = _grid_image(dpi, angle)
    measured = ocr.skew_degrees(ocr._binary(image), dpi)
    assert measured == pytest.approx(-angle, abs=0.1)
    straight = ocr.deskew(image, dpi)
    horizontal = [r for r in ocr.find_rulings(straight, dpi) if not r.vertical]
    assert len(horizontal) == 7


def test_a_text_layer_pdf_is_never_ocrd(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003
        raise AssertionError("OCR ran on a page with a good text layer")

    monkeypatch.setattr(ocr, "read_pdf_page", refuse)
    result = read_pdf(CORPUS_DIR / "documents" / "suixi-health-2023-final-account.pdf")
    assert result.ocr_pages == [] and result.grids
    assert not any("OCR" in w for w in result.warnings)


@needs_engine
def test_a_scanned_twin_reads_its_summary_table_to_the_cent(tmp_path: Path) -> None:
    """Pages 3–4 of a corpus budget (its 收支总表, over a page break), scanned at
    150 dpi, turned, blurred, JPEG: every amount as the ground truth has it."""
    from testkit.corpus.scan import scan_twin

    name = "pingxiang-govoffice-2024-budget"
    twin = scan_twin(CORPUS_DIR / "documents" / f"{name}.pdf", tmp_path / "twin.pdf", 150, pages=[3, 4])
    record = parse_document(twin)
    assert record["status"] == "ok", record.get("error")
    assert any("read by OCR" in w for w in record["warnings"])
    truth = json.loads((CORPUS_DIR / "ground_truth" / f"{name}.json").read_text(encoding="utf-8"))
    kind = "income_expenditure_summary"
    expected = amount_cells(next(t for t in truth["tables"] if t["kind"] == kind))
    table = next(t for t in record["tables"] if t["kind"] == kind)
    got = amount_cells(table)
    assert expected and got == expected
    # every figure carries the engine's confidence in its cell, into the raw layer as source=ocr
    figures = [(r, k) for r in table["rows"] for k, v in r["amounts"].items() if v is not None]
    assert figures and all(0 < r["confidence"][k] <= 1 for r, k in figures)
    raw = record_rows(record, datetime.now(timezone.utc))["amounts"]
    assert raw and {a["source"] for a in raw} == {"ocr"} and all(a["confidence"] is not None for a in raw)
    jsonschema.Draft202012Validator(SCHEMA).validate(json.loads(json.dumps(record, ensure_ascii=False)))


def test_a_lost_item_numeral_is_restored_only_where_the_next_item_says_which() -> None:
    column = ["项目", "、一般公共预算拨款收入", "二、政府性基金预算拨款收入", None, "二十二、灾害防治", "、其他支出",
              "二十四、x", "、无后继"]
    # two in a row that lost theirs: each from the one after it, once that one is restored
    assert ocr.restore_item_numerals(["、一般公共预算拨款", "、政府性基金预算拨款", "三、国有资本经营预算拨款"]) == [
        "一、一般公共预算拨款", "二、政府性基金预算拨款", "三、国有资本经营预算拨款"]
    assert ocr.restore_item_numerals(column) == [
        "项目", "一、一般公共预算拨款收入", "二、政府性基金预算拨款收入", None, "二十二、灾害防治", "二十三、其他支出",
        "二十四、x", "、无后继"]
    # two in a row that lost theirs: each from the one after it, once that one is restored
    assert ocr.restore_item_numerals(["、一般公共预算拨款", "、政府性基金预算拨款", "三、国有资本经营预算拨款"]) == [
        "一、一般公共预算拨款", "二、政府性基金预算拨款", "三、国有资本经营预算拨款"]


def test_letter_spaced_characters_of_one_line_stay_one_word() -> None:
    from parsers.layout import split_words

    # tight ink boxes with gaps of 0.4 em, as OCR gives a bold title
    line = [ocr.OcrGlyph(ch, 14.0 * i, 14.0 * i + 10, 0.0, 10.0) for i, ch in enumerate("收入决算表")]
    assert len(split_words(line)) > 1  # as read
    assert [w.text for w in split_words(ocr.close_ink_gaps(line))] == ["收入决算表"]


def test_a_first_item_that_lost_its_whole_numeral_is_restored_from_where_its_text_starts() -> None:
    # as the 150 dpi twin of a 财政拨款收支总表 reads: 一、 missed whole, the name set 1.2 em
    # right of where 二、 starts (indents in ems from the cell's border)
    column = ["项目", "一般公共预算拨款", "二、政府性基金预算拨款", "三、国有资本经营预算拨款"]
    indents = [5.9, 1.8, 0.6, 0.2]
    assert ocr.restore_first_numeral(column, indents)[1] == "一、一般公共预算拨款"
    # flush with its siblings: an unnumbered line of its own (a heading), not a lost numeral
    assert ocr.restore_first_numeral(column, [5.9, 0.5, 0.6, 0.2])[1] == "一般公共预算拨款"
    # a column that prints 一、 itself, or figures, is left alone
    assert ocr.restore_first_numeral(["一、a", "b", "二、c"], [0.2, 1.8, 0.2]) == ["一、a", "b", "二、c"]
    assert ocr.restore_first_numeral(["1,623.35", "二、c"], [1.8, 0.2]) == ["1,623.35", "二、c"]


def test_a_glyph_straddling_a_ruling_of_the_image_stays_on_its_side_and_a_bar_on_it_is_dropped() -> None:
    from parsers.layout import Ruling

    border = Ruling(True, 229.0, 100.0, 200.0)
    # one recognised line "栏次1" over two cells: the engine's box for 1 reaches over the border
    line = [ocr.OcrGlyph("栏", 212.0, 218.5, 125.0, 134.0), ocr.OcrGlyph("次", 218.5, 226.3, 125.0, 134.0),
            ocr.OcrGlyph("1", 226.3, 236.2, 125.0, 134.0)]
    kept = ocr.keep_off_rulings(line, [border])
    assert [(g.text, g.x0, g.x1) for g in kept] == [("栏", 212.0, 218.5), ("次", 218.5, 226.3), ("1", 229.0, 236.2)]
    # the border read as a character between two cells' text is the border
    bar = [ocr.OcrGlyph("0", 220.0, 226.0, 150.0, 159.0), ocr.OcrGlyph("|", 227.2, 230.8, 150.0, 159.0),
           ocr.OcrGlyph("本", 231.0, 240.0, 150.0, 159.0)]
    assert [g.text for g in ocr.keep_off_rulings(bar, [border])] == ["0", "本"]
    # a box only touching the border, and a glyph where the border is not drawn, are left as read
    touching = [ocr.OcrGlyph("2", 227.5, 234.0, 150.0, 159.0), ocr.OcrGlyph("3", 226.0, 233.0, 210.0, 219.0),
                ocr.OcrGlyph("|", 227.2, 230.8, 210.0, 219.0)]
    assert ocr.keep_off_rulings(touching, [border]) == touching


@needs_engine
def test_a_scanned_column_header_over_a_merged_number_row_keeps_its_key(tmp_path: Path) -> None:
    """The 支出总表 of a corpus budget (pages 7–8) at 150 dpi: the engine reads
    "栏次1" as one line across a border; the 合计 column is still the total."""
    from testkit.corpus.scan import scan_twin

    name = "pingxiang-govoffice-2024-budget"
    twin = scan_twin(CORPUS_DIR / "documents" / f"{name}.pdf", tmp_path / "twin.pdf", 150, pages=[7, 8])
    record = parse_document(twin)
    truth = json.loads((CORPUS_DIR / "ground_truth" / f"{name}.json").read_text(encoding="utf-8"))
    kind = "expenditure_summary"
    table = next(t for t in record["tables"] if t["kind"] == kind)
    assert "total" in table["columns"] and not any(c.startswith("col:") for c in table["columns"])
    assert amount_cells(table) == amount_cells(next(t for t in truth["tables"] if t["kind"] == kind))


def test_the_lines_of_a_wrapped_title_read_by_ocr_are_one_title() -> None:
    """An OCR'd glyph's box is its ink (3/4 of the em): the two lines of a 14 pt title
    9 pt apart, as a 150 dpi twin reads them, are one title, as in the text layer."""
    from parsers.layout import group_lines
    from parsers.pdf import title_block

    def line(text: str, x: float, top: float, bottom: float, kind: type = ocr.OcrGlyph) -> list[Glyph]:
        return [kind(ch, x + 14.0 * i, x + 14.0 * (i + 1), top, bottom) for i, ch in enumerate(text)]

    scanned = line("部门预算政府性基金预算财", 155.0, 38.5, 49.0) + line("政拨款支出表", 195.5, 58.1, 69.7)
    assert title_block(group_lines(scanned))[0] == "部门预算政府性基金预算财政拨款支出表"
    # a text layer's boxes are em boxes: the same gap between 10.5 pt lines parts them, as before
    printed = line("部门预算政府性基金预算财", 155.0, 38.5, 49.0, Glyph) + line("政拨款支出表", 195.5, 58.1, 69.7, Glyph)
    assert title_block(group_lines(printed))[0] == "政拨款支出表"


@needs_engine
def test_a_dash_printed_against_a_cell_border_is_told_from_a_digit_by_its_ink() -> None:
    """The recogniser reads a short dash against a cell's left border as 1, 一, 、
    or ，; its ink, the border left out, is one short flat stroke, a 1's is tall
    and a 一's spans most of an em."""
    import cv2

    dpi, em = 200, 32.0
    image = np.full((200, 400), 255, np.uint8)
    for x in (100, 300):  # two cell borders
        cv2.line(image, (x, 0), (x, 199), 0, 3)
    cv2.line(image, (103, 60), (110, 60), 0, 3)  # a dash flush against the left border
    cv2.line(image, (306, 48), (306, 70), 0, 3)  # a 1
    cv2.line(image, (120, 150), (146, 150), 0, 3)  # a 一
    image = cv2.GaussianBlur(image, (3, 3), 0.6)
    ink = ocr.ink_off_rulings(image, dpi)
    dash = ocr.dash_by_ink(ink, [[95, 45], [116, 45], [116, 76], [95, 76]], em)
    assert dash is not None and 101 <= dash[0] < dash[1] <= 113
    assert ocr.dash_by_ink(ink, [[298, 42], [314, 42], [314, 76], [298, 76]], em) is None  # the 1
    assert ocr.dash_by_ink(ink, [[115, 135], [152, 135], [152, 166], [115, 166]], em) is None  # the 一
    assert ocr.dash_by_ink(ink, [[200, 40], [220, 40], [220, 70], [200, 70]], em) is None  # no ink at all


@needs_engine
def test_a_scanned_summary_with_dashes_flush_against_its_borders_keeps_its_columns(tmp_path: Path) -> None:
    """A corpus budget's 收支总表 (page 3) prints "-" flush left in its empty amount
    cells; at 150 dpi the engine read them as 1, 一, 、, ，, the amount columns were
    taken for text and the two halves ran together. Read by their ink they are
    dashes: every amount as the ground truth has it, no figure invented."""
    from testkit.corpus.scan import scan_twin

    name = "suixi-govoffice-2024-budget"
    twin = scan_twin(CORPUS_DIR / "documents" / f"{name}.pdf", tmp_path / "twin.pdf", 150, pages=[3])
    record = parse_document(twin)
    truth = json.loads((CORPUS_DIR / "ground_truth" / f"{name}.json").read_text(encoding="utf-8"))
    kind = "income_expenditure_summary"
    table = next(t for t in record["tables"] if t["kind"] == kind)
    assert amount_cells(table) == amount_cells(next(t for t in truth["tables"] if t["kind"] == kind))


def test_a_letter_read_for_a_digit_of_a_project_code_is_restored_only_where_its_siblings_have_digits() -> None:
    column = ["项目代码", "34062123P8862965795N", "34062123P844109005ON", "34062123P8599898938N", "合计"]
    assert ocr.restore_code_digits(column) == [
        "项目代码", "34062123P8862965795N", "34062123P8441090050N", "34062123P8599898938N", "合计"]
    # a letter where a sibling has a letter is the code's own (G for P), and a code
    # without two siblings of its length has nothing to be compared with
    own = ["13053224P5103597331N", "13053224P8178256676N", "13053224G5024001164N"]
    assert ocr.restore_code_digits(own) == own
    alone = ["13053224P0O281104312N", "13053224P00273512885"]
    assert ocr.restore_code_digits(alone) == alone


def test_a_lone_wrapped_digit_is_confirmed_only_where_reread_with_its_figure_it_reads_the_same(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """"1166.6" / "0" (a figure wrapped in a narrow cell): the lone 0 scores low
    though right; read again on one line with 1166.6 it takes that reading's
    confidence where the reading is 1166.60, and keeps its own where it is not."""
    image = np.full((200, 400), 255, np.uint8)
    first = [[[100, 40], [160, 40], [160, 60], [100, 60]], "1166.6", 0.998, None, None, None]
    lone = [[[150, 62], [160, 62], [160, 82], [150, 82]], "0", 0.47, None, None, [0.47]]
    elsewhere = [[[300, 140], [310, 140], [310, 160], [300, 160]], "0", 0.47, None, None, None]  # nothing above it
    reading = {"text": "1166.60"}
    calls: list[tuple] = []

    def engine(img, **kwargs):  # noqa: ANN001, ANN003
        calls.append((img.shape, kwargs))
        return [[reading["text"], 0.991]], None

    monkeypatch.setattr(ocr, "_engine", lambda: engine)
    out = ocr.confirm_wrapped_digits(image, [first, lone, elsewhere])
    assert out[1][2] == pytest.approx(0.991) and out[1][5] == [pytest.approx(0.991)]
    assert out[2][2] == 0.47 and out[0][2] == 0.998
    assert len(calls) == 1 and calls[0][1] == {"use_det": False, "use_cls": False, "use_rec": True}
    reading["text"] = "1166.68"  # the joined reading says another digit: the lone one stays unsure
    assert ocr.confirm_wrapped_digits(image, [first, lone])[1][2] == 0.47
