"""Fixtures of the orchestration tests: a BI reader process on the serving copy."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

READER_SCRIPT = Path(__file__).with_name("serving_reader.py")


@dataclass
class Reader:
    process: subprocess.Popen
    stop_file: Path

    def stop(self) -> dict:
        self.stop_file.touch()
        out, err = self.process.communicate(timeout=60)
        assert self.process.returncode == 0, err
        return json.loads(out)


@pytest.fixture()
def serving_reader(tmp_path: Path) -> Iterator:
    """Start a reader process on a serving path; call ``.stop()`` to get what it saw."""
    readers: list[Reader] = []

    def start(serving: Path, hold: bool = False) -> Reader:
        stop_file = tmp_path / f"stop-reader-{len(readers)}"
        process = subprocess.Popen(
            [sys.executable, str(READER_SCRIPT), str(serving), str(stop_file)] + (["--hold"] if hold else []),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        reader = Reader(process, stop_file)
        readers.append(reader)
        return reader

    yield start
    for reader in readers:
        if reader.process.poll() is None:
            reader.stop_file.touch()
            reader.process.wait(timeout=60)
