"""A PDF whose page tree loops is an error, not ``ok`` with 0 pages (issue 17, "also")."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.document import parse_document
from parsers.safety import parse_document_safely


def _pdf(objects: list[bytes]) -> bytes:
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
TREES = {
    "kids-include-self": [CATALOG, b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"],
    "child-points-back": [CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                          b"<< /Type /Pages /Kids [2 0 R] /Parent 2 0 R /Count 1 >>"],
    "empty-tree": [CATALOG, b"<< /Type /Pages /Kids [] /Count 0 >>"],
}


@pytest.mark.parametrize("tree", sorted(TREES))
def test_a_page_tree_without_pages_is_an_error(tmp_path: Path, tree: str) -> None:
    path = tmp_path / f"{tree}.pdf"
    path.write_bytes(_pdf(TREES[tree]))

    for record in (parse_document(path), parse_document_safely(path)):
        assert record["status"] == "error"
        assert record["format"] == "pdf"
        assert "page tree" in record["error"] and "corrupt" in record["error"]
