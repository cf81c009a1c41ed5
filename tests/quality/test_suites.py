"""The suite files are real GX suites, each expectation documented."""

from __future__ import annotations

from countybudget import paths
from expectations.checkpoint import SEVERITIES, load_suite_files

REQUIRED_META = ("name", "description", "message", "why")


def test_every_expectation_has_a_severity_a_message_and_a_reason() -> None:
    suites = load_suite_files()
    assert len(suites) >= 6
    names = []
    for suite in suites.values():
        for expectation in suite["expectations"]:
            assert expectation["severity"] in SEVERITIES
            for key in REQUIRED_META:
                assert expectation["meta"].get(key), (suite["name"], expectation["meta"], key)
            names.append(expectation["meta"]["name"])
    assert len(names) == len(set(names)), "expectation names are unique"


def test_the_suites_load_as_gx_suites() -> None:
    import great_expectations as gx

    for suite in load_suite_files().values():
        loaded = gx.ExpectationSuite(name=suite["name"], expectations=suite["expectations"])
        assert len(loaded.expectations) == len(suite["expectations"])


def test_docs_list_every_expectation() -> None:
    doc = (paths.REPO_ROOT / "docs" / "quality.md").read_text(encoding="utf-8")
    for suite in load_suite_files().values():
        for expectation in suite["expectations"]:
            assert f"`{expectation['meta']['name']}`" in doc, expectation["meta"]["name"]
