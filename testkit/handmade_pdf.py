"""Write a PDF file from its objects, byte by byte.

The mirror's noise attachments and the parser's test fixtures need small PDFs
that are identical on every run (stable sha256 and ETag) or shaped in ways an
office suite never writes (a grid drawn as one path, no text layer); writing
the few objects by hand needs no PDF-writer dependency.
"""

from __future__ import annotations


def assemble_pdf(objects: list[bytes]) -> bytes:
    """A PDF whose objects 1..n are ``objects`` (object 1 must be the catalogue)."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref_at)
    return bytes(out)
