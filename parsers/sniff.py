"""What a file really is, from its bytes (portals mis-name files: an HTML page
saved as ``.pdf``, an XLSX served as ``.xls``).

The name's extension is never trusted; only magic numbers and container
contents decide. The answer is one of ``countybudget.table_kinds.FORMATS`` or
``empty`` / ``doc`` / ``encrypted`` (a password-protected Office file) /
``unknown``.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

# How far into the file the PDF header may start (readers tolerate leading junk).
_PDF_HEADER_WINDOW = 1024
_HEAD_BYTES = 8192
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_RE = re.compile(rb"<\s*(!doctype\s+html|html|head|body|meta|title|script|div|table)\b", re.IGNORECASE)


def sniff_bytes(head: bytes, path: Path | None = None) -> str:
    """Classify by the first bytes; ``path`` lets ZIP/OLE containers be opened."""
    if not head:
        return "empty"
    if b"%PDF-" in head[:_PDF_HEADER_WINDOW]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") and path is not None:
        return _sniff_zip(path)
    if head.startswith(_OLE_MAGIC):
        return _sniff_ole(head if path is None else _read_head(path, 1 << 20))
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<") and _HTML_RE.search(text[:_HEAD_BYTES]):
        return "html"
    return "unknown"


def sniff_file(path: str | Path) -> str:
    """The real type of the file at ``path`` (see module docstring)."""
    path = Path(path)
    return sniff_bytes(_read_head(path, _HEAD_BYTES), path)


def _read_head(path: Path, n: int) -> bytes:
    with path.open("rb") as f:
        return f.read(n)


def _sniff_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return "unknown"
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
    return "unknown"


def _sniff_ole(head: bytes) -> str:
    # OLE2 directory entries are UTF-16 names; an encrypted OOXML file is an
    # OLE container holding "EncryptedPackage", not a legacy XLS.
    if "EncryptedPackage".encode("utf-16-le") in head:
        return "encrypted"
    if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
        return "xls"
    if "WordDocument".encode("utf-16-le") in head:
        return "doc"
    return "unknown"
