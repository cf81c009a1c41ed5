"""The PDF reader on a few real disclosures (../shared/real, skipped when absent):
with no ground truth, the identities are the check — every row of the
expenditure-by-function table has total = basic + project, and every parent
code is the sum of its children."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from parsers.pdf import read_pdf
from parsers.tables import interpret_grid

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "real"

# One per layout family: ruled WPS export with 类|款|项 columns and 元, unruled
# "[code]name" tables, ruled tables with a unit column over several pages.
SAMPLES = [
    "001_上海__2026年上海市审计局_部门预算.pdf",
    "005_广州__统计局_2026年部门预算.pdf",
    "017_福州__生态环境局_2026年度福州市鼓楼生态环境局单位预算.pdf.pdf",
]


def _amount(value: str | None) -> Decimal:
    return Decimal(value) if value is not None else Decimal(0)


@pytest.mark.parametrize("name", SAMPLES)
def test_function_table_satisfies_the_identities(name: str) -> None:
    path = REAL / name
    if not path.exists():
        pytest.skip("../shared/real is not available")
    tables = [interpret_grid(g) for g in read_pdf(path).grids]
    function_tables = [t for t in tables if t["kind"] == "expenditure_by_function"]
    assert function_tables, [t["kind"] for t in tables]
    rows = [r for t in function_tables for r in t["rows"]]
    coded = [r for r in rows if r["code"]]
    assert len(coded) >= 5
    for r in rows:
        a = r["amounts"]
        assert _amount(a["total"]) == _amount(a["basic"]) + _amount(a["project"]), r
    for t in function_tables:
        by_code: dict[str, Decimal] = {}
        for r in t["rows"]:
            if r["code"] and r["code"] not in by_code:
                by_code[r["code"]] = _amount(r["amounts"]["total"])
        for code, total in by_code.items():
            children = [v for c, v in by_code.items() if len(c) == len(code) + 2 and c.startswith(code)]
            if children:
                assert sum(children) == total, (code, total, children)
