"""A lake built by one real nightly run (``countybudget run`` against the offline mirror)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testkit.demo import crawler_environment


@dataclass(frozen=True)
class NightlyLake:
    data: Path
    serving: Path
    report: dict[str, Any]
    stdout: str


def run_nightly(data: Path, mirror_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COUNTYBUDGET_DATA": str(data), **crawler_environment(mirror_url),
           "COUNTYBUDGET_TASK_RETRIES": "0"}
    env.pop("COUNTYBUDGET_WAREHOUSE", None)
    env.pop("COUNTYBUDGET_SERVING", None)
    return subprocess.run([sys.executable, "-m", "orchestration.cli", "run", "--no-mirror", "--retries", "0"],
                          env=env, capture_output=True, text=True, timeout=900)


