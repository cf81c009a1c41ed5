"""dbt takes the identities' rules from Python: a change in ``countybudget.identities``
is in the SQL dbt compiles (the tolerance of the basic-expenditure test, the total row
of the income fact), with no edit to the dbt project."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from countybudget import identities
from orchestration.warehouse import dbt_state_dir, run_dbt

TEST = "basic_by_function_equals_basic_by_economic"
MODEL = "fct_income_by_source"


def compiled(name: str) -> str:
    (path,) = [p for p in (dbt_state_dir() / "target" / "compiled").rglob(f"{name}.sql")]
    return path.read_text(encoding="utf-8")


def test_dbt_compiles_the_rules_it_is_given(lake: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(identities, "ROUNDING_SHARE", Decimal("0.25"))
    monkeypatch.setattr(identities, "TOTAL_ROW_MARKERS", ("总计", "合计数"))
    process = run_dbt(["compile", "--select", TEST, MODEL])
    assert process.returncode == 0, process.stdout[-3000:]
    assert "> 0.0025 * greatest(" in compiled(TEST)
    income = compiled(MODEL)
    assert "'总计') > 0 or " in income and "'合计数') > 0" in income
    assert "'合计') > 0" not in income
