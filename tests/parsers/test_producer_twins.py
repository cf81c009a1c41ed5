"""The same document made by another PDF producer reads the same.

Documents no one here has seen come from other office software. A real disclosure
re-rendered by cairo (``pdftocairo -pdf``, poppler-utils from the bootstrap) prints the
same tables with other fonts, objects and paths — cairo draws some titles' glyphs as
paths (Type 3), which once became rulings and pulled a title into its table, so the
table lost its kind. Its amounts must come out the same, table kind by table kind.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from benchmarks.producer_twins import amounts_by_kind
from parsers.conservation import unrecognised_table_warning
from parsers.document import parse_document
from parsers.layout import Ruling
from parsers.pdf import page_rulings

REAL = next((p / "shared" / "real" for p in Path(__file__).resolve().parents[3:5] if (p / "shared" / "real").is_dir()),
            Path(__file__).resolve().parents[3] / "shared" / "real")

# One per layout family: the 福州 document has the bold titles cairo draws as glyph paths.
TWINS = ("017_福州__2026年福州市公安局部门预算.pdf", "001_上海__2026年上海市交通运输局_部门预算.pdf")


@pytest.mark.parametrize("name", TWINS)
def test_a_cairo_rendered_twin_reads_the_same_amounts(name: str, tmp_path: Path) -> None:
    original = REAL / name
    if not original.exists():
        pytest.skip(f"{original} not here")
    if shutil.which("pdftocairo") is None:
        pytest.skip("pdftocairo (poppler-utils) not installed")
    twin = tmp_path / name
    subprocess.run(["pdftocairo", "-pdf", str(original), str(twin)], check=True, timeout=300)
    assert twin.read_bytes() != original.read_bytes()
    a, b = parse_document(original), parse_document(twin)
    assert b["status"] == a["status"] == "ok"
    assert [t["kind"] for t in b["tables"]] == [t["kind"] for t in a["tables"]]
    assert amounts_by_kind(b) == amounts_by_kind(a) and sum(amounts_by_kind(a).values()) > 100


def test_strokes_inside_a_printed_character_are_not_rulings() -> None:
    # A 12-pt character at (100, 80)-(112, 92) drawn as paths, and a table border below it.
    glyph_stroke = {"path": [("m", (104.0, 82.0)), ("l", (104.0, 91.0))]}  # a vertical stroke of the glyph
    border = {"path": [("m", (90.0, 150.0)), ("l", (90.0, 400.0))]}
    page = SimpleNamespace(
        lines=[], rects=[], curves=[glyph_stroke, border],
        chars=[{"text": "九", "x0": 100.0, "x1": 112.0, "top": 80.0, "bottom": 92.0}],
    )
    assert page_rulings(page, 10.0) == [Ruling(True, 90.0, 150.0, 400.0)]
    page.chars = []  # the same stroke where no character is printed is a (short) ruling
    assert len(page_rulings(page, 10.0)) == 2


def test_an_unrecognised_table_with_money_figures_is_named_in_a_warning() -> None:
    table = {"kind": "unknown", "pages": [19], "cells": [["科目编码", "科目名称", "预算数"], ["合计", None, "2507.88"],
                                                          ["301", "工资福利支出", "2,064.67"], ["30101", "基本工资", "464.20"]]}
    warning = unrecognised_table_warning(table)
    assert warning is not None and "3 amounts" in warning and "[19]" in warning
    assert unrecognised_table_warning({"kind": "unknown", "pages": [5], "cells": [["序号", "单位名称"], ["1", "（一）治安管理支队"]]}) is None
    assert unrecognised_table_warning({**table, "kind": "expenditure_by_function"}) is None
