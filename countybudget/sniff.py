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
  a ``WordDocument`` stream ``doc``, a ``Workbook``/``Book`` stream ``xls``,
  read from the directory entries (a .doc's font table may name "Book Antiqua").
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
_OLE_TAIL_BYTES = 1 << 18  # ... and the end, where some writers put the directory
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
        return _sniff_ole(_read_ole(container) if container is not None else [(0, head)])
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


def _read_ole(container: Container) -> list[tuple[int, bytes]]:
    """The head of an OLE file and its tail, each with its offset in the file: writers
    put the directory near the start (Word, Excel) or at the end (LibreOffice)."""
    head = _read_head(container, _OLE_HEAD_BYTES)
    if len(head) < _OLE_HEAD_BYTES:
        return [(0, head)]
    if isinstance(container, Path):
        with container.open("rb") as f:
            return [(0, head), _tail(f)]
    return [(0, head), _tail(container)]


def _tail(f: BinaryIO) -> tuple[int, bytes]:
    size = f.seek(0, io.SEEK_END)
    start = max(_OLE_HEAD_BYTES, size - _OLE_TAIL_BYTES)
    f.seek(start)
    return start, f.read()


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


def _sniff_ole(chunks: list[tuple[int, bytes]]) -> str:
    # OLE2 directory entries are UTF-16 names; an encrypted OOXML file is an
    # OLE container holding "EncryptedPackage", not a legacy XLS.
    names = _ole_entry_names(chunks)
    if names:
        if "EncryptedPackage" in names:
            return "encrypted"
        if "WordDocument" in names:
            return "doc"
        if names & {"Workbook", "Book"}:
            return "xls"
        return "unknown"
    # no directory entry in what was read (a truncated file): any mention of the names,
    # WordDocument first (a .doc's font table may name "Book Antiqua"; an .xls never says WordDocument)
    text = b"".join(chunk for _, chunk in chunks)
    if "EncryptedPackage".encode("utf-16-le") in text:
        return "encrypted"
    if "WordDocument".encode("utf-16-le") in text:
        return "doc"
    if "Workbook".encode("utf-16-le") in text or "Book".encode("utf-16-le") in text:
        return "xls"
    return "unknown"


_OLE_STREAMS = ("EncryptedPackage", "WordDocument", "Workbook", "Book")
_OLE_ENTRY = 128  # a directory entry's size; sectors (512 or 4096 bytes) hold whole entries


def _ole_entry_names(chunks: list[tuple[int, bytes]]) -> set[str]:
    """Which of the streams that decide the type are directory entries of the container:
    the name at the start of a 128-byte entry (by its offset in the file), NUL-terminated,
    with its length field set. A mere mention of the name elsewhere (a .doc's font table
    lists "Book Antiqua") is not."""
    found: set[str] = set()
    for name in _OLE_STREAMS:
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        for offset, data in chunks:
            start = data.find(encoded)
            while start != -1 and name not in found:
                length = data[start + 64:start + 66]
                if (offset + start) % _OLE_ENTRY == 0 and length == len(encoded).to_bytes(2, "little"):
                    found.add(name)
                start = data.find(encoded, start + 1)
    return found
