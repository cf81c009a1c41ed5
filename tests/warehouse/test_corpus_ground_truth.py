"""The marts reproduce the corpus ground truth to the cent.

The corpus ground truth is loaded straight into the raw layer (as if parsed
perfectly) and built by real dbt; every function-table figure of every
reportable document must come out of ``fct_expenditure_by_function`` in yuan,
exactly, with its page. Skipped until the corpus exists (``countybudget corpus
build``); the pipeline runs the same comparison on the real parser's output.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from countybudget import paths
from countybudget.ground_truth_lake import FUNCTION_TABLE_KINDS, expected_function_spending, load_ground_truth
from countybudget.warehouse import dbt_build

CATALOGUE = paths.CORPUS_DIR / "catalogue.yml"
SCOPES = {"expenditure_by_function": "general_public_budget", "government_fund_expenditure": "government_fund",
          "state_capital_expenditure": "state_capital"}

pytestmark = pytest.mark.skipif(not CATALOGUE.exists(), reason="corpus/catalogue.yml not built yet")


@pytest.fixture(scope="module")
def corpus_build(module_lake: Path) -> dict:
    loaded = load_ground_truth()
    result = dbt_build()
    return {"loaded": loaded, "build": result}


def test_corpus_builds(corpus_build: dict) -> None:
    assert corpus_build["loaded"]["documents"] > 0 and not corpus_build["loaded"]["errors"]
    assert corpus_build["build"]["ok"], corpus_build["build"]["log_tail"][-3000:]


def test_marts_reproduce_ground_truth_to_the_cent(corpus_build: dict, query) -> None:
    catalogue = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))["documents"]
    reportable = {sha for (sha,) in query("select document_sha256 from marts.dim_document where is_reportable")}
    sha256_by_id = corpus_build["loaded"]["sha256_by_id"]
    expected: dict[tuple[str, str, str, str], Decimal] = {}
    for entry in catalogue:
        if not entry.get("ground_truth"):
            continue
        doc = json.loads((paths.CORPUS_DIR / entry["ground_truth"]).read_text(encoding="utf-8"))
        sha = sha256_by_id[entry["id"]]
        if sha not in reportable:
            continue
        for (kind, code, kind_type), yuan in expected_function_spending(doc).items():
            assert kind in FUNCTION_TABLE_KINDS
            expected[(sha, SCOPES[kind], code, kind_type)] = yuan
    rows = query("select f.document_sha256, f.budget_scope, f.function_code, f.expenditure_type, f.amount_yuan, "
                 "f.page_number, d.file_format from marts.fct_expenditure_by_function f "
                 "join marts.dim_document d using (document_sha256)")
    assert expected, "no reportable ground-truth document"
    assert {(s, b, c, t): a for s, b, c, t, a, _, _ in rows} == expected
    assert all(page is not None for *_, page, file_format in rows if file_format == "pdf")
