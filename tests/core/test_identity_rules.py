"""Each identity's tolerance and the total-row rule are defined once
(``countybudget.identities``) and every consumer uses that one definition: the
Python checks (parser eval, corpus check), the quality gate's SQL
(``expectations.batches``) and dbt (``orchestration.warehouse`` passes
``identities.dbt_vars()``). Changing a rule there changes what each of them does."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import duckdb
import jinja2
import pytest
import yaml

from countybudget import identities, paths
from countybudget.identities import (
    check_row_totals,
    dbt_vars,
    is_total_row,
    rounding_tolerance,
    total_row_sql,
)
from expectations.batches import build_batches
from orchestration.warehouse import dbt_command
from testkit.corpus.check import check_identities
from testkit.ground_truth_lake import write_raw_document

SHA = "a" * 64


def row(code: str | None, name: str, **amounts: str | None) -> dict:
    return {"code": code, "name": name, "item": None, "side": None, "page": 1, "amounts": amounts}


def document() -> dict:
    """Rows that add up only within rounding: 100.01 + 50.00 printed as 150.00 (0.01 off, 2 terms)."""
    return {
        "schema_version": "1", "source": "x.pdf", "sha256": SHA, "format": "pdf", "status": "ok", "error": None,
        "unit_name": "测试县财政局", "fiscal_year": 2024, "doc_type": "budget", "currency_unit": "万元", "n_pages": 1,
        "tables": [
            {"kind": "expenditure_by_function", "title": "一般公共预算支出表", "unit": "万元", "pages": [1],
             "columns": ["total", "basic", "project"], "note": None,
             "rows": [row(None, "合 计", total="150.00", basic="100.01", project="50.00"),
                      row("201", "一般公共服务支出", total="150.00", basic="100.01", project="50.00")]},
        ],
        "claims": [], "warnings": [],
    }


# ---------------------------------------------------------------- the definitions


def test_the_tolerance_rule_grows_with_terms() -> None:
    assert rounding_tolerance(1) == Decimal("0.005")
    assert rounding_tolerance(4) == Decimal("0.020")
    assert rounding_tolerance(2, Decimal("100")) == Decimal("100")  # a cent of a 万元 figure, in yuan, twice


@pytest.mark.parametrize(
    ("code", "item", "name", "total"),
    [
        (None, None, "合计", True), (None, None, "合 计", True), (None, None, "合　计", True),
        (None, None, "本年支出合计", True), (None, None, "收入总计", True),
        ("201", None, "合计", False), (None, "total", "合计", False), (None, None, "一般公共服务支出", False),
        (None, None, None, False),
    ],
)
def test_the_total_row_rule_in_python_sql_and_dbt_agrees(code, item, name, total) -> None:
    assert is_total_row({"code": code, "item": item, "name": name}) is total
    con = duckdb.connect()
    con.execute("CREATE TABLE r AS SELECT ?::VARCHAR AS code, ?::VARCHAR AS item, ?::VARCHAR AS name", [code, item, name])
    assert bool(con.execute(f"SELECT coalesce({total_row_sql()}, false) FROM r").fetchone()[0]) is total
    if item is None:  # the dbt models call it on tables without 三公 items
        dbt_sql = render_dbt_macro("total_row.sql", "is_total_row", "'code'", "'name'")
        assert bool(con.execute(f"SELECT coalesce({dbt_sql}, false) FROM r").fetchone()[0]) is total


def render_dbt_macro(file: str, macro: str, *args: str, variables: dict | None = None) -> str:
    """Render one of the dbt project's macros as dbt would, with the vars it is given."""
    values = {**dbt_vars(), **(variables or {})}
    env = jinja2.Environment(extensions=["jinja2.ext.do"])
    env.globals["var"] = lambda name, default=None: values.get(name, default)
    source = (paths.DBT_PROJECT_DIR / "macros" / file).read_text(encoding="utf-8")
    template = env.from_string(source + f"{{{{ {macro}({', '.join(args)}) }}}}")
    return template.render().strip()


def test_the_dbt_project_defaults_are_the_python_rules() -> None:
    project = yaml.safe_load((paths.DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    defaults = {name: project["vars"][name] for name in dbt_vars()}
    assert defaults == dbt_vars()


def test_every_dbt_command_carries_the_rules() -> None:
    command = dbt_command(["build", "--select", "marts"])
    assert json.loads(command[command.index("--vars") + 1]) == dbt_vars()
    assert "--vars" not in dbt_command(["deps"])


# ---------------------------------------------------------------- one change reaches every consumer


def quality_totals(lake: Path) -> dict[tuple[str, str], tuple[str, int]]:
    """(identity, code) -> (tolerance, excess in thousandths) of the quality gate's check rows."""
    write_raw_document(document(), SHA)
    with duckdb.connect() as con:
        totals = build_batches(con).frames["totals"]
    return {(r.identity, r.code): (r.tolerance, r.excess_thousandths) for r in totals.itertuples()}


def consumers(lake: Path) -> dict[str, object]:
    """What each consumer of the rules makes of the same document."""
    doc = document()
    return {
        "python check": [v.code for v in check_row_totals(doc)],
        "corpus check": check_identities(copy.deepcopy(doc), defects=[]),
        "quality gate": quality_totals(lake),
        "dbt": json.loads(dbt_command(["build"])[dbt_command(["build"]).index("--vars") + 1]),
    }


def test_a_change_of_the_tolerance_reaches_every_consumer(lake: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = consumers(lake)
    assert before["python check"] == [] and before["corpus check"] == []
    assert before["quality gate"][("row_total", "201")] == ("0.010", 0)  # 2 terms × half a cent: just within
    assert before["dbt"]["rounding_tolerance_per_figure"] == "0.005"

    monkeypatch.setattr(identities, "ROUNDING_SHARE", Decimal("0.25"))  # a quarter of a step per figure
    after = consumers(lake)
    assert after["python check"] == ["合 计", "201"]  # the total row and the 类 row no longer add up
    assert after["corpus check"] and "row_total" in after["corpus check"][0]
    assert after["quality gate"][("row_total", "201")] == ("0.0050", 5)
    assert after["dbt"]["rounding_tolerance_per_figure"] == "0.0025"


def test_a_change_of_the_total_row_rule_reaches_every_consumer(lake: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert ("class_sum", "") in consumers(lake)["quality gate"]  # 合 计 is the total row: 类 rows are summed to it
    monkeypatch.setattr(identities, "TOTAL_ROW_MARKERS", ("总计",))
    assert not is_total_row(document()["tables"][0]["rows"][0])
    after = consumers(lake)
    assert ("class_sum", "") not in after["quality gate"]
    assert after["dbt"]["total_row_markers"] == ["总计"]
    assert "'合计'" not in render_dbt_macro("total_row.sql", "is_total_row", "'code'", "'row_name'",
                                           variables=after["dbt"])
