"""Scanned twins of corpus documents: the same pages as a scanner would give them.

``scan_twin(pdf, out, dpi)`` renders every page of a corpus PDF at ``dpi``,
then degrades it the way a desk scanner and a portal's upload do: greyscale,
a slight turn, a little blur, JPEG compression; the images become an
image-only PDF (no text layer). The twin has the same ground truth as its
original, so the OCR path is scored by the same scorer as the text corpus.

The twins are built on demand (benchmark, tests) into a cache directory, never
committed: a 200 dpi twin of a corpus document is several MB.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from testkit import CORPUS_DIR

DPIS = (150, 200)
SCAN_VERSION = "1"  # bump when the degradation changes: the cache key includes it


@dataclass(frozen=True)
class Degradation:
    """How a page is spoiled; the defaults are a careful office scan."""

    turn_degrees: float = 0.4  # paper fed slightly askew
    blur_radius: float = 0.6  # optics and the scanner's own smoothing
    jpeg_quality: int = 70  # what a portal's upload or the scanner's "document" preset keeps


def scan_twin(source: Path, out: Path, dpi: int, pages: list[int] | None = None,
              degradation: Degradation = Degradation()) -> Path:
    """Write an image-only PDF of ``source`` (1-based ``pages``, or all) at ``dpi``."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    pdf = pdfium.PdfDocument(str(source))
    try:
        numbers = pages or list(range(1, len(pdf) + 1))
        images: list[Image.Image] = []
        for k, number in enumerate(numbers):
            page = pdf[number - 1]
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            # alternate the turn's direction so both skews are exercised
            angle = degradation.turn_degrees * (1 if k % 2 == 0 else -1)
            image = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
            image = image.filter(ImageFilter.GaussianBlur(degradation.blur_radius))
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=degradation.jpeg_quality)
            images.append(Image.open(io.BytesIO(buffer.getvalue())))
    finally:
        pdf.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    fixed = time.gmtime(1704067200)  # reproducible bytes
    images[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:],
                   creationDate=fixed, modDate=fixed, title=source.stem)
    return out


def clean_pdf_entries(corpus_dir: Path = CORPUS_DIR) -> list[dict[str, Any]]:
    """The catalogue's text-layer PDFs with ground truth and no defects: the documents to twin."""
    catalogue = yaml.safe_load((corpus_dir / "catalogue.yml").read_text(encoding="utf-8")) or {}
    return [e for e in catalogue.get("documents") or []
            if e.get("format") == "pdf" and e.get("ground_truth") and not e.get("defects")]


def build_twins(cache_dir: Path, dpis: tuple[int, ...] = DPIS, corpus_dir: Path = CORPUS_DIR,
                only: list[str] | None = None) -> list[dict[str, Any]]:
    """Twin every clean corpus PDF at each dpi into ``cache_dir`` (reused while the
    source and the degradation are unchanged); one entry per twin with its truth."""
    twins: list[dict[str, Any]] = []
    for entry in clean_pdf_entries(corpus_dir):
        if only and entry["id"] not in only:
            continue
        source = corpus_dir / entry["file"]
        digest = hashlib.sha256(source.read_bytes() + SCAN_VERSION.encode()).hexdigest()[:12]
        for dpi in dpis:
            out = cache_dir / f"{entry['id']}-scan{dpi}-{digest}.pdf"
            if not out.exists():
                scan_twin(source, out.with_suffix(".tmp"), dpi).rename(out)
            twins.append({"id": f"{entry['id']}@{dpi}dpi", "source_id": entry["id"], "dpi": dpi, "path": out,
                          "ground_truth": json.loads((corpus_dir / entry["ground_truth"]).read_text(encoding="utf-8"))})
    return twins
