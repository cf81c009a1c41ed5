"""What a file really is, from its bytes (portals mis-name files: an HTML page
saved as ``.pdf``, an XLSX served as ``.xls``). The one sniffer: the crawler
records its answer for every landed file, the parser decides by it how (and
whether) to read a document.

The name's extension is never trusted; only magic numbers and container
contents decide. The answer is one of ``countybudget.table_kinds.FORMATS``
(pdf, docx, xlsx, xls, html) or ``doc`` (legacy Word), ``encrypted`` (a
password-protected Office file), ``empty`` or ``unknown``. The crawl manifest
records it narrowed to ``contracts.LANDING_TYPES`` (``landing_type``): what the
crawl does not tell apart is ``unknown`` there.

Reconciled from the crawler's and the parser's former sniffers (the rules that
differed, and which one holds now):

- ZIP containers: an Office file names ``[Content_Types].xml`` and ``word/``
  or ``xl/`` members (the parser's rule); a ZIP whose directory cannot be read
  (a truncated download) is judged by the ``word/`` or ``xl/`` member names in
  its local headers (the crawler's rule).
- OLE containers: ``EncryptedPackage`` (checked first) is ``encrypted``,
  a ``Workbook``/``Book`` stream ``xls``, a ``WordDocument`` stream ``doc``.
- HTML: the text (after a BOM and white space) starts with ``<`` and an HTML
  tag appears in the first 8 KiB; an XML file that is not HTML is ``unknown``.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import BinaryIO

from countybudget.contracts import LANDING_TYPES

# How far into the file the PDF header may start (readers tolerate leading junk).
_PDF_HEADER_WINDOW = 1024
_HEAD_BYTES = 8192
_OLE_HEAD_BYTES = 1 << 20  # OLE directory entries sit past the header: read further
_ZIP_NAMES_WINDOW = 65536  # local headers of the first members of a truncated ZIP
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_RE = re.compile(rb"<\s*(!doctype\s+html|html|head|body|meta|title|script|div|table)\b", re.IGNORECASE)

Container = BinaryIO | Path


def sniff_bytes(head: bytes, container: Container | None = None) -> str:
    """Classify by the first bytes of a file; ``container`` (its path, or the
    seekable file itself) lets ZIP and OLE containers be looked into."""
    if not head:
        return "empty"
    if b"%PDF-" in head[:_PDF_HEADER_WINDOW]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(head, container)
    if head.startswith(_OLE_MAGIC):
        return _sniff_ole(_read_head(container, _OLE_HEAD_BYTES) if container is not None else head)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<") and _HTML_RE.search(text[:_HEAD_BYTES]):
        return "html"
    return "unknown"


def sniff_file(path: str | Path) -> str:
    """The real type of the file at ``path`` (see module docstring)."""
    path = Path(path)
    return sniff_bytes(_read_head(path, _HEAD_BYTES), path)


def landing_type(kind: str) -> str:
    """The sniffer's answer as the crawl manifest records it (``contracts.LANDING_TYPES``)."""
    return kind if kind in LANDING_TYPES else "unknown"


def _read_head(container: Container, n: int) -> bytes:
    if isinstance(container, Path):
        with container.open("rb") as f:
            return f.read(n)
    container.seek(0)
    return container.read(n)


def _sniff_zip(head: bytes, container: Container | None) -> str:
    try:
        with zipfile.ZipFile(container if container is not None else io.BytesIO(head)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        # A truncated container still names its first members in local headers
        # (not necessarily [Content_Types].xml, which some writers put last).
        window = head[:_ZIP_NAMES_WINDOW]
        names = {"[Content_Types].xml", *(n.decode() for n in (b"word/", b"xl/") if n in window)}
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
