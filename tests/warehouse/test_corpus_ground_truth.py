"""The marts reproduce the corpus ground truth to the cent.

The shared lake (warehouse_lake.py) holds the corpus ground truth loaded
straight into the raw layer, as if parsed perfectly; every function-table
figure of every reportable corpus document must come out of
``fct_expenditure_by_function`` in yuan, exactly, with its page for PDFs.
Skipped until the corpus exists (``countybudget corpus build``); the pipeline
runs the same comparison on the real parser's output.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import yaml
from warehouse_lake import CORPUS_CATALOGUE, BuiltLake

from testkit import CORPUS_DIR
from testkit.ground_truth_lake import expected_function_spending

SCOPES = {"expenditure_by_function": "general_public_budget", "government_fund_expenditure": "government_fund",
          "state_capital_expenditure": "state_capital"}

pytestmark = pytest.mark.skipif(not CORPUS_CATALOGUE.exists(), reason="corpus/catalogue.yml not built yet")


def test_the_whole_corpus_loads(built_lake: BuiltLake) -> None:
    assert built_lake.corpus is not None
    assert built_lake.corpus["documents"] > 0 and built_lake.corpus["errors"] == []


def test_marts_reproduce_ground_truth_to_the_cent(built_lake: BuiltLake, query) -> None:
    catalogue = yaml.safe_load(CORPUS_CATALOGUE.read_text(encoding="utf-8"))["documents"]
    sha256_by_id = built_lake.corpus["sha256_by_id"]
    reportable = {sha for (sha,) in query("select document_sha256 from marts.dim_document where is_reportable")}
    expected: dict[tuple[str, str, str, str], Decimal] = {}
    for entry in catalogue:
        if not entry.get("ground_truth") or sha256_by_id[entry["id"]] not in reportable:
            continue
        doc = json.loads((CORPUS_DIR / entry["ground_truth"]).read_text(encoding="utf-8"))
        for (kind, code, expenditure_type), yuan in expected_function_spending(doc).items():
            expected[(sha256_by_id[entry["id"]], SCOPES[kind], code, expenditure_type)] = yuan
    assert expected, "no reportable ground-truth document"
    rows = query("select f.document_sha256, f.budget_scope, f.function_code, f.expenditure_type, f.amount_yuan, "
                 "f.page_number, d.file_format from marts.fct_expenditure_by_function f "
                 "join marts.dim_document d using (document_sha256) where document_sha256 in (select unnest(?))",
                 [list(sha256_by_id.values())])
    assert {(s, b, c, t): a for s, b, c, t, a, _, _ in rows} == expected
    assert all(page is not None for *_, page, file_format in rows if file_format == "pdf")


def test_documents_without_ground_truth_are_listed_without_figures(built_lake: BuiltLake, query) -> None:
    catalogue = yaml.safe_load(CORPUS_CATALOGUE.read_text(encoding="utf-8"))["documents"]
    unparseable = [built_lake.corpus["sha256_by_id"][e["id"]] for e in catalogue if not e.get("ground_truth")]
    if not unparseable:
        pytest.skip("the corpus has no unparseable-by-design document")
    rows = query("select parse_status, is_reportable from marts.dim_document where document_sha256 in (select unnest(?))",
                 [unparseable])
    assert len(rows) == len(set(unparseable)) and all(s == "error" and not r for s, r in rows)
