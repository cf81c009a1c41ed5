"""``countybudget parse`` / ``countybudget eval`` as a person runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from countybudget import paths


def countybudget(*args: str, env_data: Path | None = None) -> subprocess.CompletedProcess:
    import os

    env = dict(os.environ)
    if env_data is not None:
        env["COUNTYBUDGET_DATA"] = str(env_data)
    return subprocess.run([sys.executable, "-m", "orchestration.cli", *args], capture_output=True, text=True,
                          env=env, cwd=paths.REPO_ROOT, timeout=300)


def test_parse_batch_survives_bad_files_and_prints_json_lines(lake: Path, tmp_path: Path, budget_xlsx, budget_docx):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    html = tmp_path / "page.pdf"
    html.write_text("<html><body>moved</body></html>", "utf-8")
    done = countybudget("parse", str(empty), str(budget_xlsx), str(html), str(budget_docx), "--json", "--lake",
                        env_data=lake)
    assert done.returncode == 1  # some documents failed, the batch still finished
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["status"] for r in records] == ["error", "ok", "error", "ok"]
    assert f"{empty}: error: zero-byte" in done.stderr
    assert f"{html}: error: " in done.stderr and "HTML" in done.stderr
    assert records[1]["tables"][0]["kind"] == "expenditure_by_function"
    assert len(list((lake / "raw" / "documents").glob("*.parquet"))) == 4


def test_parse_summary_line(budget_docx):
    done = countybudget("parse", str(budget_docx))
    assert done.returncode == 0, done.stderr
    assert "ok | 测试县人民政府办公室 2024 budget | 2 pages | expenditure_by_function" in done.stdout


def test_help_lists_parse_and_eval():
    done = countybudget("--help")
    assert "parse" in done.stdout and "eval" in done.stdout


def test_eval_without_a_corpus_says_so(tmp_path: Path):
    done = countybudget("eval", "--corpus", str(tmp_path))
    assert done.returncode == 2
    assert "no corpus catalogue" in done.stderr
