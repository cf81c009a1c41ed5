"""Legacy Word (.doc) reader: LibreOffice converts it to .docx, read by ``parsers.docx``.

Chosen by measurement (issue 13): antiword and catdoc print a .doc's tables as
running text and lose the cells; LibreOffice's headless conversion keeps the
tables (merged cells included), so a .doc gives the same records as its .docx
twin. soffice runs in a private profile in a temporary directory (parallel
parses never share one), in its own process group, under a time limit; on
timeout that group is killed by its id and the document gets a clear error.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from parsers.model import ReadResult

CONVERT_TIMEOUT_S = 120


class ConversionError(RuntimeError):
    """The .doc could not be converted (no LibreOffice, a timeout, a file it refuses)."""


def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_doc(path: str | Path) -> ReadResult:
    """Read a .doc by converting it to .docx in a temporary directory."""
    from parsers.docx import read_docx

    with tempfile.TemporaryDirectory(prefix="cb-doc-") as work:
        docx_path = convert_to_docx(Path(path), Path(work))
        return read_docx(docx_path)


def convert_to_docx(source: Path, work: Path, timeout: float = CONVERT_TIMEOUT_S) -> Path:
    """``source`` (.doc) as a .docx under ``work``."""
    soffice = soffice_binary()
    if soffice is None:
        raise ConversionError("legacy Word .doc needs LibreOffice (soffice) to be read; it is not installed "
                              "(scripts/bootstrap.sh installs it)")
    # soffice picks the import filter by the name: give it a .doc name whatever the posting called it
    staged = work / "in" / "document.doc"
    staged.parent.mkdir()
    shutil.copyfile(source, staged)
    out_dir = work / "out"
    command = [soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
               "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out_dir), str(staged)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # soffice's own group, started above: nothing else
        process.communicate()
        raise ConversionError(f"LibreOffice did not convert the .doc within {timeout:.0f} s") from None
    converted = out_dir / "document.docx"
    if process.returncode != 0 or not converted.exists():
        detail = stderr.decode("utf-8", errors="replace").strip()[-300:]
        raise ConversionError(f"LibreOffice could not convert the .doc (exit {process.returncode}): {detail or 'no output'}")
    return converted
