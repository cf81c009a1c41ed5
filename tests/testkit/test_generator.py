"""The generator's pure-Python half: budgets and printed tables, before any rendering."""

from __future__ import annotations

from decimal import Decimal

import pytest

from countybudget import identities
from testkit.corpus import build, specs
from testkit.corpus.model import d, hierarchy
from testkit.corpus.narrative import narrative
from testkit.corpus.tables import standard_tables

SPECS = specs.all_documents()


def test_hierarchy_builds_parents_as_exact_sums_of_their_leaves() -> None:
    lines = dict(hierarchy({"2010301": (d("1.10"), d("0.05")), "2010302": (d("2.20"), d("0")),
                            "2080505": (d("3.33"), d("0"))}))
    assert lines["20103"] == (Decimal("3.30"), Decimal("0.05"))
    assert lines["201"] == lines["20103"]
    assert lines["208"] == lines["20805"] == lines["2080505"]
    assert list(dict(hierarchy({"2080505": (d(1),), "2010301": (d(1),)}))) == [
        "201", "20103", "2010301", "208", "20805", "2080505"]


@pytest.mark.parametrize("spec", SPECS, ids=[s.budget.id for s in SPECS])
def test_every_spec_prints_tables_whose_truth_violates_only_its_defect(spec: specs.DocumentSpec) -> None:
    spec.budget.validate()
    tables = standard_tables(spec.budget, spec.layout)
    for kind in spec.defects:
        if kind in build.TABLE_DEFECTS:
            build.TABLE_DEFECTS[kind](tables, spec)
    doc = {"id": spec.budget.id, "tables": [t.truth() for t in tables]}
    expected = {identities.DEFECT_IDENTITY[k] for k in spec.defects if k in identities.DEFECT_IDENTITY}
    assert {v.identity for v in identities.check_document(doc)} == expected


@pytest.mark.parametrize("spec", SPECS, ids=[s.budget.id for s in SPECS])
def test_printed_cells_show_the_truth_figures(spec: specs.DocumentSpec) -> None:
    """Every figure in the truth is printed in its row (with or without thousands separators)."""
    for table in standard_tables(spec.budget, spec.layout):
        for row in table.rows:
            printed = {c.replace(",", "") for c in row.cells}
            for truth in row.truths:
                for value in (truth.get("amounts") or {}).values():
                    assert value is None or value in printed, (table.title, row.cells, value)


def test_the_generator_is_deterministic() -> None:
    first = [standard_tables(s.budget, s.layout)[4].truth() for s in specs.all_documents()]
    again = [standard_tables(s.budget, s.layout)[4].truth() for s in specs.all_documents()]
    assert first == again


def test_narrative_shares_add_up_to_a_hundred_percent() -> None:
    spec = next(s for s in SPECS if s.budget.id == "suixi-govoffice-2024-budget")
    claims = {c["subject"]: c for p in narrative(spec.budget) for c in p.claims}
    assert claims["一般公共服务支出"]["amount"] == "882.61"  # seed 000 says 882.61 万元, 75.20%
    assert claims["一般公共服务支出"]["share"] == "75.20"
    assert claims["收支总预算"]["change"] == "195.96" and claims["收支总预算"]["change_direction"] == "increase"


def test_the_cli_registers_corpus_build_and_check() -> None:
    from orchestration.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["corpus", "check"]).func.__name__ == "run_check"
    args = parser.parse_args(["corpus", "build", "--only", "suixi-health-2024-budget"])
    assert args.func.__name__ == "run_build" and args.only == ["suixi-health-2024-budget"]


def test_corpus_check_exits_zero_on_the_committed_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    from orchestration.cli import main

    assert main(["corpus", "check"]) == 0
    out = capsys.readouterr().out
    n = len(specs.all_documents())
    assert f"{n}/{n} documents ok" in out and "FAIL" not in out
