"""Bytes the mirror generates itself: attachments of noise notices and fault postings.

They are tiny, valid PDFs with one line of ASCII text each, built byte by byte
so they are identical on every run (stable sha256 and ETag) without a PDF
writer dependency.
"""

from __future__ import annotations

from testkit.handmade_pdf import assemble_pdf


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF showing ``text`` (ASCII) in Helvetica."""
    if not text.isascii():
        raise ValueError("minimal_pdf writes ASCII text only (no CJK font is embedded)")
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 12 Tf 72 720 Td ({escaped}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    return assemble_pdf(objects)
