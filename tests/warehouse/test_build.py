"""The warehouse built by real dbt over a generated lake, in the nightly order
(see conftest.py): every build passes, and the marts hold exactly what the
documents print, no more."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal

from warehouse_lake import FACT_TABLES, BuiltLake, lake_env

from testkit.ground_truth_lake import expected_function_spending
from testkit.scale_corpus import ScaleDocument


def reportable(lake: BuiltLake) -> list[ScaleDocument]:
    superseded = {item.supersedes for item in lake.scale if item.supersedes}
    return [item for item in lake.scale
            if item.doc["status"] == "ok" and item.sha256 not in superseded and item.sha256 != lake.quarantined]


def scale_shas(lake: BuiltLake) -> list[str]:
    return [item.sha256 for item in lake.scale]


def test_every_build_passes_including_unit_tests(built_lake: BuiltLake) -> None:
    builds = built_lake.builds
    for name, result in builds.items():
        assert result["ok"], (name, result["failed"], result["log_tail"][-3000:])
    assert builds["first_run"]["counts"].get("success", 0) > 20 and "pass" not in builds["first_run"]["counts"]
    assert builds["before_marts"]["counts"].get("pass", 0) > 20  # data and unit tests ran and passed
    assert builds["marts"]["counts"].get("pass", 0) > 50


def test_marts_reproduce_the_documents_to_the_cent(built_lake: BuiltLake, query) -> None:
    expected: dict[tuple[str, str, str, str], Decimal] = {}
    for item in reportable(built_lake):
        for (kind, code, kind_type), yuan in expected_function_spending(item.doc).items():
            assert kind == "expenditure_by_function"
            expected[(item.sha256, "general_public_budget", code, kind_type)] = yuan
    rows = query("select document_sha256, budget_scope, function_code, expenditure_type, amount_yuan "
                 "from marts.fct_expenditure_by_function where document_sha256 in (select unnest(?))",
                 [scale_shas(built_lake)])
    actual = {(s, b, c, t): a for s, b, c, t, a in rows}
    assert len(expected) > 1000
    assert actual == expected


def test_three_public_and_economic_facts_match_the_documents(built_lake: BuiltLake, query) -> None:
    factor = {"元": Decimal(1), "万元": Decimal(10000)}
    planned: dict[tuple[str, str], Decimal] = {}
    personnel: dict[str, Decimal] = defaultdict(Decimal)
    for item in reportable(built_lake):
        for table in item.doc["tables"]:
            if table["kind"] == "three_public_expenses":
                for row in table["rows"]:
                    column = "amount" if item.doc["doc_type"] == "budget" else "budget"
                    planned[(item.sha256, row["item"])] = Decimal(row["amounts"][column]) * factor[table["unit"]]
            if table["kind"] == "basic_expenditure_by_economic" and item.sha256 != built_lake.partial[0]:
                for row in table["rows"]:
                    if row["code"] and len(row["code"]) == 3 and row["amounts"].get("personnel"):
                        personnel[item.sha256] += Decimal(row["amounts"]["personnel"]) * factor[table["unit"]]
    shas = [scale_shas(built_lake)]
    rows = query("select document_sha256, item, planned_yuan from marts.fct_three_public_expenses "
                 "where document_sha256 in (select unnest(?))", shas)
    assert {(s, i): p for s, i, p in rows} == planned
    summary = dict(query("select document_sha256, personnel_yuan from marts.mart_department_budget_summary "
                         "where personnel_yuan is not null and document_sha256 in (select unnest(?))", shas))
    assert summary == dict(personnel)


def test_documents_that_must_not_be_reported_are_listed_but_have_no_figures(built_lake: BuiltLake, query) -> None:
    corpus, quarantined = built_lake.scale, built_lake.quarantined
    failed = {item.sha256 for item in corpus if item.doc["status"] == "error"}
    superseded = {item.supersedes for item in corpus if item.supersedes}
    assert failed and superseded
    listed = {s: (status, q, current, reason) for s, status, q, current, reason in query(
        "select document_sha256, parse_status, is_quarantined, is_current_version, quarantine_reasons "
        "from marts.dim_document")}
    assert set(listed) >= {item.sha256 for item in corpus}
    assert all(listed[s][0] == "error" for s in failed)
    assert listed[quarantined][1] is True and listed[quarantined][3] == "test: parent_sum"
    assert all(listed[s][2] is False for s in superseded)
    in_facts = {s for table in FACT_TABLES for (s,) in query(f"select distinct document_sha256 from marts.{table}")}
    assert in_facts and not in_facts & (failed | superseded | {quarantined})


def test_a_file_that_is_not_a_budget_disclosure_is_no_document(built_lake: BuiltLake, query) -> None:
    """status not_budget: kept in the raw layer with its reason, never in dim_document nor the quarantine."""
    sha = built_lake.not_budget
    assert query("select parse_status, parse_error from staging.stg_raw__documents where document_sha256 = ?", [sha]) \
        == [("not_budget", "not a budget disclosure: a notice, regulation or report (文号 测财〔2026〕1号)")]
    assert query("select count(*) from marts.dim_document where document_sha256 = ?", [sha]) == [(0,)]
    assert query("select count(*) from marts.mart_quarantine where document_sha256 = ?", [sha]) == [(0,)]


def test_the_same_file_posted_twice_is_one_document(built_lake: BuiltLake, query) -> None:
    twice = [item.sha256 for item in built_lake.scale if item.n_postings == 2]
    assert twice
    rows = query("select document_sha256, n_postings, attachment_url from marts.dim_document "
                 "where document_sha256 in (select unnest(?))", [twice])
    assert len(rows) == len(twice)
    assert all(n == 2 and "/files/" in url and "-mirror" not in url for _, n, url in rows)


def test_every_fact_row_is_traceable_to_document_page_and_url(built_lake: BuiltLake, query) -> None:
    for table in FACT_TABLES:
        n, untraceable = query(f"select count(*), count(*) filter (where page_number is null or attachment_url is null "
                               f"or document_sha256 is null) from marts.{table} "
                               f"where document_sha256 in (select unnest(?))", [scale_shas(built_lake)])[0]
        assert n > 0 and untraceable == 0, table


def test_money_columns_are_decimal_18_2(built_lake: BuiltLake, query) -> None:
    columns = query("select table_name, column_name, data_type from information_schema.columns "
                    "where table_schema = 'marts' and column_name like '%yuan'")
    assert len(columns) > 20
    assert {t for _, _, t in columns} == {"DECIMAL(18,2)"}


def test_documents_are_placed_in_their_region_and_department(built_lake: BuiltLake, query) -> None:
    corpus = built_lake.scale
    regions = dict(query("select document_sha256, region_code from marts.dim_document"))
    assert {item.sha256: regions[item.sha256] for item in corpus} == {i.sha256: i.department.region_code for i in corpus}
    names = list({item.department.unit_name for item in corpus})
    departments = query("select department_name, region_code, n_versions from marts.dim_department "
                        "where department_name in (select unnest(?))", [names])
    assert {(n, r) for n, r, _ in departments} == {(i.department.unit_name, i.department.region_code) for i in corpus}
    assert all(v == 1 for n, _, v in departments if n != built_lake.renamed[0])


def test_the_department_snapshot_keeps_the_earlier_spelling(built_lake: BuiltLake, query) -> None:
    name, spelled = built_lake.renamed
    history = query("select unit_name_as_printed, dbt_valid_to is null from snapshots.snap_departments "
                    "where department_name = ? order by dbt_valid_from", [name])
    assert history == [(name, False), (spelled, True)]
    current = query("select unit_name_as_printed, n_versions from marts.dim_department where department_name = ?", [name])
    assert current == [(spelled, 2)]


def test_function_dimension_has_the_hierarchy_and_curated_names(built_lake: BuiltLake, query) -> None:
    rows = query("select function_code, class_level, parent_code, class_code, function_name, is_curated, has_parent "
                 "from marts.dim_function_class where edition_year = 2024")
    by_code = {r[0]: r for r in rows}
    assert by_code["201"][1:] == ("类", None, "201", "一般公共服务支出", True, True)
    assert all(r[6] for r in rows if r[5] or r[1] == "项")  # every printed 项 sits under its 款 and 类
    leaves = [r for r in rows if r[1] == "项"]
    assert leaves and all(by_code[r[2]][1] == "款" and by_code[r[3]][1] == "类" for r in leaves)


def test_department_summary_adds_up(built_lake: BuiltLake, query) -> None:
    rows = query("select total_yuan, basic_yuan, project_yuan, personnel_yuan, public_yuan, three_public_yuan "
                 "from marts.mart_department_budget_summary where document_sha256 in (select unnest(?))",
                 [scale_shas(built_lake)])
    assert len(rows) > 50
    for total, basic, project, personnel, public, three_public in rows:
        if personnel is None and public is None:
            continue  # the document whose economic-class table was withheld (see the next test)
        assert total == basic + project
        assert basic == personnel + (public or 0) or basic == (personnel or 0) + public
        assert three_public is not None
    changes = query("select count(*) from marts.mart_department_budget_summary where change_yuan is not null")[0][0]
    assert changes > 0


def test_region_mart_sums_the_departments(built_lake: BuiltLake, query) -> None:
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


def test_first_run_on_an_empty_lake_builds_empty_marts(built_lake: BuiltLake) -> None:
    builds = built_lake.builds
    assert builds["first_run"]["ok"] and not builds["first_run"]["failed"]
    assert builds["first_run"]["rows"] == {t: 0 for t in (*FACT_TABLES, "dim_document")}


def test_dbt_docs_generate_works(built_lake: BuiltLake) -> None:
    from orchestration.warehouse import dbt_state_dir, run_dbt

    with lake_env(built_lake.data):
        process = run_dbt(["docs", "generate", "--no-compile"])  # the builds compiled it
        target = dbt_state_dir() / "target"
    assert process.returncode == 0, process.stdout[-3000:]
    catalog = json.loads((target / "catalog.json").read_text(encoding="utf-8"))
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert "model.countybudget.fct_expenditure_by_function" in catalog["nodes"]
    exposures = {e["name"] for e in manifest["exposures"].values()}
    assert {"regional_spending_dashboard", "three_public_monitor", "department_budget_explorer"} <= exposures


def test_income_facts_are_the_total_row_of_the_income_table(built_lake: BuiltLake, query) -> None:
    factor = {"元": Decimal(1), "万元": Decimal(10000)}
    expected: dict[tuple[str, str], Decimal] = {}
    for item in reportable(built_lake):
        for table in item.doc["tables"]:
            if table["kind"] == "income_summary":
                total_row = next(r for r in table["rows"] if r["code"] is None and r["name"] == "合计")
                for source, amount in total_row["amounts"].items():
                    if amount is not None and source not in ("total", "current_year_subtotal"):
                        expected[(item.sha256, source)] = Decimal(amount) * factor[table["unit"]]
    rows = query("select document_sha256, income_source, amount_yuan from marts.fct_income_by_source "
                 "where document_sha256 in (select unnest(?))", [scale_shas(built_lake)])
    assert expected and {(s, k): a for s, k, a in rows} == expected


def test_a_withheld_table_leaves_its_document_partial_and_its_figures_out(built_lake: BuiltLake, query) -> None:
    sha, index = built_lake.partial
    [(status, published, withheld, kinds, reasons, reportable)] = query(
        "select publication_status, n_tables_published, n_tables_withheld, withheld_table_kinds, "
        "withheld_table_reasons, is_reportable from marts.dim_document where document_sha256 = ?", [sha])
    assert (status, published, withheld, kinds, reportable) == (
        "partial", 5, 1, ["basic_expenditure_by_economic"], True)
    assert f"table {index}:basic_expenditure_by_economic" in reasons and "[totals.class_sum]" in reasons
    # its other tables publish, the withheld one does not
    assert query("select count(*) from marts.fct_expenditure_by_function where document_sha256 = ?", [sha])[0][0] > 0
    assert query("select count(*) from marts.fct_three_public_expenses where document_sha256 = ?", [sha])[0][0] > 0
    assert query("select count(*) from marts.fct_basic_expenditure_by_economic where document_sha256 = ?", [sha]) == [(0,)]
    statuses = dict(query("select publication_status, count(*) from marts.dim_document group by all"))
    assert statuses["published"] > 50 and statuses["partial"] == 1 and statuses["withheld"] >= 2


def test_a_department_summary_built_from_a_withheld_table_says_it_is_incomplete(built_lake: BuiltLake, query) -> None:
    sha, _ = built_lake.partial
    [(complete, parts, total, personnel, public, status)] = query(
        "select is_complete, withheld_parts, total_yuan, personnel_yuan, public_yuan, publication_status "
        "from marts.mart_department_budget_summary where document_sha256 = ?", [sha])
    assert (complete, parts, status) == (False, ["personnel", "public"], "partial")
    assert total is not None and personnel is None and public is None  # NULL, never a partial sum
    others = query("select count(*), count(*) filter (where is_complete) from marts.mart_department_budget_summary "
                   "where document_sha256 <> ?", [sha])[0]
    assert others[0] > 50 and others[0] == others[1]


def test_mart_quarantine_lists_withheld_documents_and_tables(built_lake: BuiltLake, query) -> None:
    rows = query("select withheld, document_sha256, table_index, table_kind, reasons from marts.mart_quarantine")
    assert ("document", built_lake.quarantined, None, None, ["test: parent_sum"]) in rows
    sha, index = built_lake.partial
    assert ("table", sha, index, "basic_expenditure_by_economic", ["[totals.class_sum] test"]) in rows
