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


def test_row_conditions_of_the_suite_files_select_the_rows_gx_validates() -> None:
    import pandas as pd

    from expectations.checkpoint import condition_mask

    frame = pd.DataFrame(
        {"identity": ["basic_function_equals_economic", "shared_codes", "basic_function_equals_economic"],
         "magnitude_gap": [0.0, 0.0, 4.0]}
    )
    units = load_suite_files()["units"]
    condition = next(e for e in units["expectations"] if e["meta"]["name"] == "basic_function_equals_economic")
    assert condition_mask(frame, condition["kwargs"]["row_condition"]).tolist() == [True, False, False]


def test_a_message_names_what_the_row_has_and_marks_what_it_lacks() -> None:
    from decimal import Decimal

    from expectations.checkpoint import fill_message

    message = fill_message("{document}: {figure_a} vs {figure_b} ({missing})",
                           {"document": "凤县 2024", "figure_a": Decimal("960.10"), "figure_b": None})
    assert message == "凤县 2024: 960.10 vs  (?)"


def test_a_message_fills_format_specs_and_indexed_fields_from_the_row() -> None:
    from expectations.checkpoint import fill_message, template_fields

    assert template_fields("{code!r} {name:>4} {pair[0]} {code}") == ("code", "name", "pair")
    assert fill_message("{code!r} {name:>4} {pair[0]}", {"code": "201", "name": "ab", "pair": ["x"], "other": 1}) \
        == "'201'   ab x"


def test_failing_rows_are_read_in_both_of_gxs_index_shapes() -> None:
    from expectations.checkpoint import failing_row_ids

    # one dict per failing row (values included), or one dict of lists (values excluded, what the run asks for)
    assert failing_row_ids([{"row_id": 7, "sha256": "a"}, {"row_id": 2, "sha256": "b"}]) == [2, 7]
    assert failing_row_ids([{"row_id": [9, 3, 9], "sha256": ["a", "b", "a"]}]) == [3, 9]
    assert failing_row_ids([]) == []


def test_gx_exception_info_is_read_in_both_shapes() -> None:
    from expectations.checkpoint import raised_exception

    assert raised_exception({"raised_exception": False, "exception_message": None}) is None
    assert raised_exception({"raised_exception": True, "exception_message": "boom"}) == "boom"
    assert raised_exception({"metric": {"raised_exception": True, "exception_message": "x"}}) == "x"
    assert raised_exception(None) is None
