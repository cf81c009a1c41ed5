"""The warehouse built by real dbt over a generated lake, in the nightly order:
``dbt build --exclude marts`` → quality checkpoint (quarantine) → ``dbt build --select marts``.

One build per module; every test reads the resulting DuckDB file.
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from countybudget import paths
from countybudget.ground_truth_lake import expected_function_spending
from countybudget.scale_corpus import ScaleDocument, generate_documents, write_scale_corpus
from countybudget.warehouse import dbt_build

N_DOCUMENTS = 120  # includes a parse failure (every 100th), republications and double postings
SEED = 5
FACT_TABLES = ("fct_expenditure_by_function", "fct_basic_expenditure_by_economic", "fct_income_by_source",
               "fct_three_public_expenses", "fct_project_performance_targets")


@pytest.fixture(scope="module")
def corpus() -> list[ScaleDocument]:
    return list(generate_documents(N_DOCUMENTS, SEED))


@pytest.fixture(scope="module")
def quarantined(corpus: list[ScaleDocument]) -> str:
    """The document the (simulated) quality checkpoint quarantines: an ok, current one."""
    superseded = {item.supersedes for item in corpus}
    return next(item.sha256 for item in corpus[5:] if item.doc["status"] == "ok" and item.sha256 not in superseded)


@pytest.fixture(scope="module")
def builds(module_lake: Path, corpus: list[ScaleDocument], quarantined: str) -> dict[str, dict]:
    first_run = dbt_build()  # an empty lake: no Parquet yet, no quality tables
    write_scale_corpus(N_DOCUMENTS, SEED)
    before_marts = dbt_build(exclude="marts")
    with duckdb.connect(str(paths.warehouse_path())) as con:  # what expectations.checkpoint writes
        con.execute("insert into quality.quarantined_documents values (?, ?)", [quarantined, "test: parent_sum"])
    marts = dbt_build(select="marts")
    return {"first_run": first_run, "before_marts": before_marts, "marts": marts}


def reportable(corpus: list[ScaleDocument], quarantined: str) -> list[ScaleDocument]:
    superseded = {item.supersedes for item in corpus if item.supersedes}
    return [item for item in corpus
            if item.doc["status"] == "ok" and item.sha256 not in superseded and item.sha256 != quarantined]


def test_every_build_passes_including_unit_tests(builds: dict[str, dict]) -> None:
    for name, result in builds.items():
        assert result["ok"], (name, result["failed"], result["log_tail"][-3000:])
    assert builds["first_run"]["counts"].get("success", 0) > 20
    assert builds["before_marts"]["counts"].get("pass", 0) > 20  # data and unit tests ran and passed
    assert builds["marts"]["counts"].get("pass", 0) > 50


def test_marts_reproduce_the_documents_to_the_cent(builds, corpus, quarantined, query) -> None:
    expected: dict[tuple[str, str, str, str], Decimal] = {}
    for item in reportable(corpus, quarantined):
        for (kind, code, kind_type), yuan in expected_function_spending(item.doc).items():
            assert kind == "expenditure_by_function"
            expected[(item.sha256, "general_public_budget", code, kind_type)] = yuan
    rows = query("select document_sha256, budget_scope, function_code, expenditure_type, amount_yuan "
                 "from marts.fct_expenditure_by_function")
    actual = {(s, b, c, t): a for s, b, c, t, a in rows}
    assert len(expected) > 1000
    assert actual == expected


def test_three_public_and_economic_facts_match_the_documents(builds, corpus, quarantined, query) -> None:
    factor = {"元": Decimal(1), "万元": Decimal(10000)}
    planned: dict[tuple[str, str], Decimal] = {}
    personnel: dict[str, Decimal] = defaultdict(Decimal)
    for item in reportable(corpus, quarantined):
        for table in item.doc["tables"]:
            if table["kind"] == "three_public_expenses":
                for row in table["rows"]:
                    column = "amount" if item.doc["doc_type"] == "budget" else "budget"
                    planned[(item.sha256, row["item"])] = Decimal(row["amounts"][column]) * factor[table["unit"]]
            if table["kind"] == "basic_expenditure_by_economic":
                for row in table["rows"]:
                    if row["code"] and len(row["code"]) == 3 and row["amounts"].get("personnel"):
                        personnel[item.sha256] += Decimal(row["amounts"]["personnel"]) * factor[table["unit"]]
    rows = query("select document_sha256, item, planned_yuan from marts.fct_three_public_expenses")
    assert {(s, i): p for s, i, p in rows} == planned
    summary = dict(query("select document_sha256, personnel_yuan from marts.mart_department_budget_summary "
                         "where personnel_yuan is not null"))
    assert summary == dict(personnel)


def test_documents_that_must_not_be_reported_are_listed_but_have_no_figures(builds, corpus, quarantined, query) -> None:
    failed = {item.sha256 for item in corpus if item.doc["status"] == "error"}
    superseded = {item.supersedes for item in corpus if item.supersedes}
    assert failed and superseded
    listed = {s: (status, q, current, reason) for s, status, q, current, reason in query(
        "select document_sha256, parse_status, is_quarantined, is_current_version, quarantine_reasons "
        "from marts.dim_document")}
    assert set(listed) == {item.sha256 for item in corpus}
    assert all(listed[s][0] == "error" for s in failed)
    assert listed[quarantined][1] is True and listed[quarantined][3] == "test: parent_sum"
    assert all(listed[s][2] is False for s in superseded)
    in_facts = {s for table in FACT_TABLES for (s,) in query(f"select distinct document_sha256 from marts.{table}")}
    assert in_facts and not in_facts & (failed | superseded | {quarantined})


def test_the_same_file_posted_twice_is_one_document(builds, corpus, query) -> None:
    twice = [item.sha256 for item in corpus if item.n_postings == 2]
    assert twice
    rows = query("select document_sha256, n_postings, attachment_url from marts.dim_document "
                 "where document_sha256 in (select unnest(?))", [twice])
    assert len(rows) == len(twice)
    assert all(n == 2 and "/files/" in url and "-mirror" not in url for _, n, url in rows)


def test_every_fact_row_is_traceable_to_document_page_and_url(builds, query) -> None:
    for table in FACT_TABLES:
        n, untraceable = query(f"select count(*), count(*) filter (where page_number is null or attachment_url is null "
                               f"or document_sha256 is null) from marts.{table}")[0]
        assert n > 0 and untraceable == 0, table


def test_money_columns_are_decimal_18_2(builds, query) -> None:
    columns = query("select table_name, column_name, data_type from information_schema.columns "
                    "where table_schema = 'marts' and column_name like '%yuan'")
    assert len(columns) > 20
    assert {t for _, _, t in columns} == {"DECIMAL(18,2)"}


def test_documents_are_placed_in_their_region_and_department(builds, corpus, query) -> None:
    regions = dict(query("select document_sha256, region_code from marts.dim_document"))
    assert {s: regions[s] for s in regions} == {item.sha256: item.department.region_code for item in corpus}
    departments = query("select department_name, region_code, n_versions from marts.dim_department")
    assert {(n, r) for n, r, _ in departments} == {(i.department.unit_name, i.department.region_code) for i in corpus}
    assert all(v == 1 for _, _, v in departments)


def test_function_dimension_has_the_hierarchy_and_curated_names(builds, query) -> None:
    rows = query("select function_code, class_level, parent_code, class_code, function_name, is_curated, has_parent "
                 "from marts.dim_function_class where edition_year = 2024")
    by_code = {r[0]: r for r in rows}
    assert by_code["201"][1:] == ("类", None, "201", "一般公共服务支出", True, True)
    assert all(r[6] for r in rows if r[5] or r[1] == "项")  # every printed 项 sits under its 款 and 类
    leaves = [r for r in rows if r[1] == "项"]
    assert leaves and all(by_code[r[2]][1] == "款" and by_code[r[3]][1] == "类" for r in leaves)


def test_department_summary_adds_up(builds, query) -> None:
    rows = query("select total_yuan, basic_yuan, project_yuan, personnel_yuan, public_yuan, three_public_yuan "
                 "from marts.mart_department_budget_summary")
    assert len(rows) > 50
    for total, basic, project, personnel, public, three_public in rows:
        assert total == basic + project
        assert basic == personnel + (public or 0) or basic == (personnel or 0) + public
        assert three_public is not None
    changes = query("select count(*) from marts.mart_department_budget_summary where change_yuan is not null")[0][0]
    assert changes > 0


def test_region_mart_sums_the_departments(builds, query) -> None:
    mismatches = query("""
        with from_facts as (
            select region_code, fiscal_year, doc_type, function_code, sum(amount_yuan) as total_yuan
            from marts.fct_expenditure_by_function
            where budget_scope = 'general_public_budget' and function_code_length = 3
            group by all)
        select * from marts.mart_region_function_spending m
        full join from_facts f
            on f.region_code = m.region_code and f.fiscal_year = m.fiscal_year
            and f.doc_type = m.doc_type and f.function_code = m.class_code
        where m.total_yuan is distinct from f.total_yuan""")
    assert mismatches == []
    n_with_change = query("select count(*) from marts.mart_region_function_spending where change_yuan is not null")
    assert n_with_change[0][0] > 0


def test_first_run_on_an_empty_lake_builds_empty_marts(builds) -> None:
    # asserted through the first build's own result: it created every model without a raw file
    assert builds["first_run"]["ok"] and not builds["first_run"]["failed"]


def test_dbt_docs_generate_works(builds) -> None:
    from countybudget.warehouse import dbt_state_dir, run_dbt

    process = run_dbt(["docs", "generate", "--no-compile"])  # the builds compiled it
    assert process.returncode == 0, process.stdout[-3000:]
    catalog = json.loads((dbt_state_dir() / "target" / "catalog.json").read_text(encoding="utf-8"))
    manifest = json.loads((dbt_state_dir() / "target" / "manifest.json").read_text(encoding="utf-8"))
    assert "model.countybudget.fct_expenditure_by_function" in catalog["nodes"]
    exposures = {e["name"] for e in manifest["exposures"].values()}
    assert {"regional_spending_dashboard", "three_public_monitor", "department_budget_explorer"} <= exposures
