"""The stage functions of docs/contracts.md §7 return small frozen dataclasses that
say failure one way (``error`` / ``ok``) and travel as JSON (``to_dict()``, for XCom)."""

from __future__ import annotations

import dataclasses
import json
import typing

import pytest

from countybudget.results import StageResult
from expectations import checkpoint
from expectations.results import QualityResult
from orchestration import publish, warehouse
from orchestration.publish import PublishResult
from orchestration.warehouse import DbtBuildResult
from parsers import lake
from parsers.lake import ParseResult
from scrapers import api
from scrapers.api import DiscoverResult, FetchResult
from scrapers.discover import Candidate

STAGE_FUNCTIONS = {
    api.discover: DiscoverResult,
    api.fetch: FetchResult,
    lake.parse_to_lake: ParseResult,
    warehouse.dbt_build: DbtBuildResult,
    checkpoint.run_quality: QualityResult,
    publish.publish: PublishResult,
}


@pytest.mark.parametrize("function", list(STAGE_FUNCTIONS), ids=lambda f: f.__name__)
def test_every_stage_function_returns_a_frozen_stage_result(function) -> None:
    result_type = STAGE_FUNCTIONS[function]
    assert typing.get_type_hints(function)["return"] is result_type
    assert issubclass(result_type, StageResult)
    assert result_type.__dataclass_params__.frozen
    assert "ok" not in {f.name for f in dataclasses.fields(result_type)}  # failure is said by error / ok only


def test_ok_is_the_absence_of_an_error_and_to_dict_is_json() -> None:
    candidate = Candidate(portal_id="suixi", url="http://x/a.pdf", detail_url="http://x/1.html", title="t",
                          file_name="a.pdf", publish_date="2024-02-01", fiscal_year=2024, doc_type="budget",
                          unit_name="u")
    found = DiscoverResult(portal_id="suixi", list_pages=1, candidates=(candidate,))
    down = DiscoverResult(portal_id="suixi", error="HTTP 503")
    assert found.ok and found.reachable and not down.ok and not down.reachable
    as_xcom = json.loads(json.dumps(found.to_dict()))
    assert as_xcom["ok"] is True and as_xcom["error"] is None
    assert as_xcom["candidates"] == [dataclasses.asdict(candidate)]
    assert Candidate(**as_xcom["candidates"][0]) == candidate  # what fetch rebuilds from the XCom
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.error = "changed"  # type: ignore[misc]


def test_a_quality_run_whose_expectations_crashed_is_not_ok() -> None:
    outcome = {"run_id": "q", "documents_checked": 2, "documents_passed": 1, "documents_quarantined": 1,
               "quarantined": [{"sha256": "ab", "document": "d", "reasons": ["r"]}], "warnings": 0,
               "warning_messages": [], "expectations": 3, "results_written": 6, "errors": [], "suites_skipped": [],
               "data_docs": None, "code_lists": "seeds", "warehouse": "w", "seconds": {"total": 1.0}}
    passed = QualityResult.from_outcome(outcome)
    assert passed.ok and passed.quarantined[0].reasons == ("r",)  # quarantining is the gate working
    crashed = QualityResult.from_outcome({**outcome, "errors": ["totals.row_total: KeyError"]})
    assert not crashed.ok and "crashed" in crashed.error
    assert json.loads(json.dumps(crashed.to_dict()))["quarantined"][0]["sha256"] == "ab"
