"""Byte-identical parse records: the PDFium page reader against pdfplumber.

``parsers.pdfium_page`` reads pages with PDFium where it gives what pdfminer
gives; the proof is the records. Every PDF of a directory (default
``../shared/real``) is parsed twice in one run, once as shipped and once with
``COUNTYBUDGET_PDFIUM=0`` (pdfplumber on every page), and the two records are
compared as canonical JSON bytes. The report counts identical and differing
documents and, per differing one, the first record key that differs.

    .venv/bin/python -m benchmarks.parse_identity [DIR] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from countybudget import paths
from parsers.pdfium_page import ENV_SWITCH


def default_real_dir() -> Path:
    """``../shared/real`` beside the checkout (a worktree's own, else the main checkout's)."""
    for root in (paths.REPO_ROOT, paths.REPO_ROOT.parent, paths.REPO_ROOT.parent.parent):
        candidate = root.parent / "shared" / "real"
        if candidate.is_dir():
            return candidate
    return paths.REPO_ROOT.parent / "shared" / "real"


@contextmanager
def pdfium_switch(on: bool):
    before = os.environ.get(ENV_SWITCH)
    os.environ[ENV_SWITCH] = "1" if on else "0"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ENV_SWITCH, None)
        else:
            os.environ[ENV_SWITCH] = before


def canonical(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")


def first_difference(a: Any, b: Any, where: str = "record") -> str | None:
    """The path of the first value that differs between two JSON values, with both values."""
    if type(a) is not type(b):
        return f"{where}: {_short(a)} != {_short(b)}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b), key=str):
            if key not in a or key not in b:
                return f"{where}.{key}: only in {'pdfium' if key in a else 'pdfplumber'}"
            found = first_difference(a[key], b[key], f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b)):
            found = first_difference(x, y, f"{where}[{i}]")
            if found:
                return found
        return None if len(a) == len(b) else f"{where}: {len(a)} items != {len(b)}"
    return None if a == b else f"{where}: {_short(a)} != {_short(b)}"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 160 else text[:157] + "..."


def compare_directory(directory: str | Path | None = None, limit: int | None = None) -> dict[str, Any]:
    """Parse every PDF of ``directory`` with PDFium and with pdfplumber; compare the records."""
    from countybudget.sniff import sniff_file
    from parsers.document import parse_document

    directory = Path(directory) if directory else default_real_dir()
    if not directory.is_dir():
        raise FileNotFoundError(f"no directory of real PDFs at {directory}")
    files = [p for p in sorted(directory.iterdir()) if p.is_file() and sniff_file(p) == "pdf"][:limit]
    if not files:
        raise FileNotFoundError(f"no PDFs in {directory}")
    identical: list[str] = []
    differing: list[dict[str, Any]] = []
    seconds = {"pdfium": 0.0, "pdfplumber": 0.0}
    for path in files:
        records = {}
        for name, on in (("pdfium", True), ("pdfplumber", False)):
            with pdfium_switch(on):
                started = time.perf_counter()
                records[name] = parse_document(path)
                seconds[name] += time.perf_counter() - started
        if canonical(records["pdfium"]) == canonical(records["pdfplumber"]):
            identical.append(path.name)
        else:
            differing.append({"file": path.name,
                              "first_difference": first_difference(records["pdfium"], records["pdfplumber"])})
    return {
        "directory": str(directory),
        "documents": len(files),
        "identical": len(identical),
        "differing": len(differing),
        "differences": differing,
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", nargs="?", type=Path, default=None)
    parser.add_argument("--limit", type=int, default=None, help="only the first N PDFs")
    args = parser.parse_args(argv)
    report = compare_directory(args.directory, args.limit)
    for d in report["differences"]:
        print(f"DIFFERS {d['file']}: {d['first_difference']}")
    print(f"{report['identical']}/{report['documents']} identical, {report['differing']} differing "
          f"(pdfium {report['seconds']['pdfium']} s, pdfplumber {report['seconds']['pdfplumber']} s) in {report['directory']}")
    return 0 if report["differing"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
