"""The OCR benchmark's confidence block: each OCR'd figure sorted by the gate's
confidence rule against the ground truth (benchmarks/ocr_bench.py)."""

from __future__ import annotations

from benchmarks.ocr_bench import confidence_against_truth
from countybudget.contracts import OCR_MIN_CONFIDENCE


def _table(rows: list[tuple[str, str, float | None]]) -> dict:
    out = []
    for code, amount, confidence in rows:
        row = {"code": code, "name": code, "amounts": {"total": amount}}
        if confidence is not None:
            row["confidence"] = {"total": confidence}
        out.append(row)
    return {"kind": "expenditure_by_function", "rows": out}


def test_figures_are_sorted_into_right_or_wrong_and_sure_or_unsure() -> None:
    low, high = OCR_MIN_CONFIDENCE / 2, 0.99
    truth = _table([("201", "10.00", None), ("20101", "4.00", None), ("20102", "6.00", None)])
    parsed = _table([("201", "10.00", high), ("20101", "4.00", low), ("20102", "8.00", high)])
    scored = confidence_against_truth([truth], [parsed])
    assert (scored["cells"], scored["right_sure"], scored["right_unsure"], scored["wrong_sure"]) == (3, 1, 1, 1)
    assert scored["tables"] == scored["tables_unsure"] == 1
    assert scored["lowest_right"] == [low, high]
    assert scored["wrong_examples"][0]["got"] == "8.00" and scored["wrong_examples"][0]["expected"] == "6.00"


def test_a_text_layer_table_is_not_counted() -> None:
    truth = _table([("201", "10.00", None)])
    assert confidence_against_truth([truth], [truth])["cells"] == 0
