"""Legacy-format twins of the corpus's Office documents: ``corpus/legacy/<id>.xls``
from each ``.xlsx`` and ``<id>.doc`` from each ``.docx``, written by LibreOffice
(the way a county office's older software saves them). They print the same
tables and text, so the parser must give the same records for them as for the
originals (tests/parsers/test_legacy_formats.py); they are not in the catalogue
and the mirror does not serve them.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from testkit.corpus.render import RenderError

LEGACY_DIR = "legacy"
# original suffix -> (twin suffix, LibreOffice export filter)
TWIN_FORMATS = {".xlsx": (".xls", "xls:MS Excel 97"), ".docx": (".doc", "doc:MS Word 97")}


def twin_path(original: Path, corpus_dir: Path) -> Path:
    return corpus_dir / LEGACY_DIR / (original.stem + TWIN_FORMATS[original.suffix][0])


def build_legacy_twins(corpus_dir: Path, originals: list[Path]) -> list[Path]:
    """Write the twin of each .xlsx / .docx among ``originals``; returns the twins."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise RenderError("LibreOffice (soffice) is needed to write the corpus's .xls/.doc twins")
    twins = []
    with tempfile.TemporaryDirectory(prefix="cb-legacy-") as tmp:
        for original in (p for p in originals if p.suffix in TWIN_FORMATS):
            staged = Path(tmp) / "in" / original.name
            staged.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(original, staged)
            if original.suffix == ".docx":
                _end_with_a_paragraph(staged)
            target = twin_path(original, corpus_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                [soffice, f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}", "--headless", "--norestore",
                 "--convert-to", TWIN_FORMATS[original.suffix][1], "--outdir", str(target.parent), str(staged)],
                check=True, capture_output=True, timeout=300,
            )
            if not target.exists():
                raise RenderError(f"LibreOffice wrote no {target.suffix} for {original}")
            twins.append(target)
    return twins


def _end_with_a_paragraph(docx_path: Path) -> None:
    """Word always ends a document with a paragraph; python-docx may end it with a table,
    and LibreOffice's .doc export then turns that last table into text. An empty
    paragraph after it prints nothing and keeps the table a table."""
    import docx

    document = docx.Document(str(docx_path))
    body = document.element.body
    last = [child for child in body.iterchildren() if not child.tag.endswith("}sectPr")][-1:]
    if last and last[0].tag.endswith("}tbl"):
        document.add_paragraph()
        document.save(str(docx_path))
