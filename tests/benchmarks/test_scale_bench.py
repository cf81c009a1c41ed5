"""The scale benchmark's own arithmetic: peak memory of a step, the extrapolation to 5 M documents."""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace

from benchmarks import scale_bench


def test_a_step_reports_its_own_peak_not_the_parents() -> None:
    # the parent holds ~300 MB when it forks; the child after exec holds a few tens
    ballast = bytearray(300 * 1024 * 1024)  # noqa: F841 - touched memory is the point
    for i in range(0, len(ballast), 4096):
        ballast[i] = 1
    code = "import json; from benchmarks.scale_bench import own_peak_mib; print(json.dumps(own_peak_mib()))"
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    out, _ = child.communicate()
    peaks = __import__("json").loads(out)
    assert 5 < peaks["process"] < 250, peaks  # the interpreter and its imports, not the parent's 300 MB
    assert scale_bench.step_peak_mib({"peak_mib": peaks}, SimpleNamespace(ru_maxrss=999_999)) == max(peaks.values())
    # a step that died reported nothing: the parent's view is all there is
    assert scale_bench.step_peak_mib(None, SimpleNamespace(ru_maxrss=2048)) == 2.0


def night(seconds: float, full: float) -> dict:
    return {"night": {"ok": True, "warehouse_seconds": seconds}, "base": {"full_night": {"warehouse_seconds": full}}}


def test_the_extrapolation_follows_the_line_through_the_two_sizes() -> None:
    line = scale_bench.extrapolate({5_000: night(40.0, 100.0), 50_000: night(85.0, 1_000.0)})
    assert line["night_seconds"] == {"per_million_documents": 1000.0, "growth_measured": True,
                                     f"at_{scale_bench.EXTRAPOLATE_TO}": 5035.0}
    assert line["night_ratio_big_to_small"] == 2.12


def test_a_night_that_did_not_grow_is_not_extrapolated_below_what_was_measured() -> None:
    line = scale_bench.extrapolate({5_000: night(59.4, 140.0), 50_000: night(56.6, 1_030.0)})
    assert line["night_seconds"] == {"per_million_documents": 0.0, "growth_measured": False,
                                     f"at_{scale_bench.EXTRAPOLATE_TO}": 59.4}
    assert line["full_build_seconds"]["growth_measured"] is True
