"""OCR of pages without a usable text layer: page image → glyphs and rulings.

A scanned page (no text, or only unmapped ``(cid:…)`` glyphs) is rendered to
an image and read here; what comes back has the shape the text-layer path
reads from pdfplumber, so table reconstruction, interpretation and every
check run unchanged:

- *glyphs*: each recognised character with its box, in PDF points. The engine
  (RapidOCR, PP-OCRv4 Chinese models shipped in its wheel, run by onnxruntime)
  gives boxes per character for Chinese and per run for digits; a run's box is
  shared out over its characters by their printed width. Each glyph carries
  the engine's confidence in the line it belongs to.
- *rulings*: table borders found in the image by morphology (an opening with
  a long horizontal, then a long vertical kernel keeps only straight lines),
  one segment per connected piece, exactly like vector rulings.

The page is deskewed first (angle of its long horizontal lines), so a slightly
turned scan gives straight rows. Ruling lines are *not* erased before
recognition: erasing them cut into glyphs that touch the borders (measured:
98.2 % → 47.7 % of amount cells exact on the scanned twins, docs/ocr.md).

Nothing keys on a city, a title or a page size; lengths are in inches of the
rendered page, so any dpi reads the same.
"""

from __future__ import annotations

import functools
import os
import re
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from parsers.layout import Glyph, Ruling

if TYPE_CHECKING:
    import numpy as np

# Render scans at (about) their own resolution, within these bounds (above 250
# dpi recognition slows with no gain).
# Scans are rendered at no less than 200 dpi: the text detector finds thin
# strokes (一, a lone 0) of a 150 dpi scan only when it is enlarged.
MIN_DPI, MAX_DPI, DEFAULT_DPI = 200, 250, 200
DETECT_THRESHOLD = 0.3
MIN_SCAN_DPI = 100
# A page needs OCR when it has (almost) no glyphs but shows an image, or when
# most of its glyphs are unmapped (cid:…) codes.
MIN_TEXT_GLYPHS = 20
# How sure the engine must be of a figure: countybudget.contracts.OCR_MIN_CONFIDENCE
# (the quality gate's rule; parsers/ocr_cells.py carries each figure's confidence).


@dataclass(frozen=True)
class OcrGlyph(Glyph):
    """A glyph read by OCR: its text as recognised, and the engine's confidence."""

    confidence: float = 1.0


# An OCR'd glyph's box is the ink of the character, about this share of the
# detector's box, which is about the em a text layer's glyph box spans.
INK_SHARE = 0.75


def em_per_height(glyphs: list[Glyph]) -> float:
    """How many times its box's height a line's font size is: 1 for a text layer's
    glyphs (em boxes), 1 / ``INK_SHARE`` for OCR'd ones (ink boxes)."""
    return 1 / INK_SHARE if glyphs and all(isinstance(g, OcrGlyph) for g in glyphs) else 1.0


class OcrUnavailable(RuntimeError):
    """The OCR engine (rapidocr-onnxruntime) is not installed."""


@functools.lru_cache(maxsize=1)
def ocr_available() -> bool:
    """Whether the OCR engine is installed: the one answer the reader, the parse
    limits (parsers/safety.py) and the benchmark ask. Found without importing it
    (onnxruntime and OpenCV take a second and ~100 MB to load, and the parent of
    the parse processes never runs them); an install broken at import time
    (a missing system library of OpenCV) fails in ``_engine`` as OcrUnavailable,
    which the reader reports for the page."""
    import importlib.util

    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


def text_layer_unusable(glyphs: list[Glyph]) -> bool:
    """(Almost) no text, or mostly (cid:…) glyphs: worth looking for a scan."""
    if len(glyphs) < MIN_TEXT_GLYPHS:
        return True
    return sum(1 for g in glyphs if g.text.startswith("(cid:")) > 0.5 * len(glyphs)


def page_images(pdf: Any, index: int) -> list[tuple[float, float]]:
    """(pixel width, width drawn in points) of each image of page ``index`` of a
    pypdfium2 document."""
    import pypdfium2.raw as R

    page = pdf[index]
    try:
        out: list[tuple[float, float]] = []
        for obj in page.get_objects(filter=[R.FPDF_PAGEOBJ_IMAGE], max_depth=3):
            width_px, _ = obj.get_px_size()
            left, _, right, _ = obj.get_bounds()
            out.append((float(width_px), float(right - left)))
        return out
    finally:
        page.close()


def page_needs_ocr(glyphs: list[Glyph], has_images: bool) -> bool:
    """No usable text layer: (almost) no text over an image, or mostly (cid:…) glyphs."""
    if len(glyphs) < MIN_TEXT_GLYPHS:
        return has_images
    unmapped = sum(1 for g in glyphs if g.text.startswith("(cid:"))
    return unmapped > 0.5 * len(glyphs)


@functools.lru_cache(maxsize=1)
def _engine() -> Any:
    try:
        from rapidocr_onnxruntime import RapidOCR
    except Exception as exc:
        raise OcrUnavailable(f"the OCR engine is not installed (rapidocr-onnxruntime): {exc}") from exc
    threads = int(os.environ.get("COUNTYBUDGET_OCR_THREADS", "2"))
    # Text is upright in a budget scan: the 180° classifier only costs time.
    # max_side_len: a 200 dpi A4 page (2339 px) is read whole, not shrunk.
    return RapidOCR(
        use_cls=False,
        max_side_len=3600,
        intra_op_num_threads=threads,
        inter_op_num_threads=1,
    )


def scan_dpi(images: list[tuple[float, float]]) -> float | None:
    """The resolution a page was scanned at: that of its widest image.
    ``images`` holds (pixel width, width drawn in points) of each image."""
    drawn = [(px, pt) for px, pt in images if pt > 0 and px > 0]
    if not drawn:
        return None
    px, pt = max(drawn, key=lambda d: d[1])
    return px / (pt / 72)


def render_dpi(native: float | None) -> int:
    """The dpi to render a scanned page at: its own, within bounds."""
    return int(min(MAX_DPI, max(MIN_DPI, native or DEFAULT_DPI)))


def too_coarse(native: float | None) -> bool:
    """A scan below MIN_SCAN_DPI is not read: its digits are a few pixels high,
    and a misread figure is worse than none (the document is reported instead)."""
    return native is not None and native < MIN_SCAN_DPI


def read_image(image: "np.ndarray", dpi: int) -> tuple[list[OcrGlyph], list[Ruling]]:
    """Glyphs and rulings of a greyscale page image, in PDF points."""
    image = deskew(image, dpi)
    rulings = find_rulings(image, dpi)
    glyphs = keep_off_rulings(recognise(image, dpi, ink=ink_off_rulings(image, dpi)), rulings)
    return glyphs, rulings


def read_pdf_page(pdf: Any, index: int, dpi: int) -> tuple[list[OcrGlyph], list[Ruling]]:
    """Render page ``index`` (0-based) of a pypdfium2 document and read it."""
    page = pdf[index]
    try:
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        image = bitmap.to_numpy()
    finally:
        page.close()
    if image.ndim == 3:
        image = image[:, :, 0].copy()
    return read_image(image, dpi)


# ------------------------------------------------------------------ geometry


def _binary(image: "np.ndarray") -> "np.ndarray":
    import cv2

    _, binary = cv2.threshold(image, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return binary


def deskew(image: "np.ndarray", dpi: int) -> "np.ndarray":
    """Turn the page so its long horizontal lines are level (a scan is fed askew)."""
    import cv2
    import numpy as np

    angle = skew_degrees(_binary(image), dpi)
    if abs(angle) < 0.02:
        return image
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_CUBIC, borderValue=255).astype(np.uint8)


def skew_degrees(binary: "np.ndarray", dpi: int) -> float:
    """Median angle of the page's long, thin horizontal strokes (table rulings,
    underlines); 0 when there are none."""
    import cv2
    import numpy as np

    # Short kernel: a line turned by up to ~2° still survives it piecewise.
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(int(dpi * 0.15), 10), 1))
    lines = cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel)
    contours, _ = cv2.findContours(lines, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    angles: list[float] = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if w < dpi * 1.0 or h > dpi * 0.15:  # only long, thin pieces say the angle
            continue
        vx, vy, _, _ = cv2.fitLine(contour, cv2.DIST_L2, 0, 0.01, 0.01).ravel()
        angles.append(float(np.degrees(np.arctan2(vy, vx))))
    if not angles:
        return 0.0
    angles = [a - 180 if a > 90 else a + 180 if a < -90 else a for a in angles]
    return statistics.median(angles)


def _line_masks(binary: "np.ndarray", dpi: int) -> tuple[int, int, list[tuple[bool, "np.ndarray"]]]:
    """The straight-line ink of a binarised page, horizontal then vertical: an
    opening with a kernel longer than any stroke of a character at body size
    (≤ 12 pt ≈ 0.17 in), small breaks along a line (JPEG, blur) closed."""
    import cv2

    length = max(int(dpi * 0.22), 15)
    thick = max(int(dpi * 0.04), 3)  # a ruling is at most this many pixels thick
    masks = []
    for vertical in (False, True):
        size = (1, length) if vertical else (length, 1)
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, size)
        mask = cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel)
        bridge = cv2.getStructuringElement(cv2.MORPH_RECT, (1, thick * 2) if vertical else (thick * 2, 1))
        masks.append((vertical, cv2.morphologyEx(mask, cv2.MORPH_CLOSE, bridge)))
    return length, thick, masks


def ink_off_rulings(image: "np.ndarray", dpi: int) -> "np.ndarray":
    """The page's ink without its straight lines (binary, ink > 0): what is
    printed in the cells, for measuring a reading's own strokes."""
    import cv2

    binary = _binary(image)
    _, thick, masks = _line_masks(binary, dpi)
    lines = masks[0][1] | masks[1][1]
    # the lines' blurred edges too
    lines = cv2.dilate(lines, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    return cv2.bitwise_and(binary, cv2.bitwise_not(lines))


def find_rulings(image: "np.ndarray", dpi: int) -> list[Ruling]:
    """Straight horizontal and vertical lines of the (deskewed) page, as rulings in points."""
    import cv2

    binary = _binary(image)
    scale = 72 / dpi
    length, thick, masks = _line_masks(binary, dpi)
    rulings: list[Ruling] = []
    for vertical, mask in masks:
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for i in range(1, n):
            x, y, w, h, _ = stats[i]
            across, along = (w, h) if vertical else (h, w)
            if along < length or across > thick * 2:
                continue
            if vertical:
                rulings.append(Ruling(True, (x + w / 2) * scale, y * scale, (y + h) * scale))
            else:
                rulings.append(Ruling(False, (y + h / 2) * scale, x * scale, (x + w) * scale))
    return rulings


# ------------------------------------------------------------------ recognition


def _char_weight(ch: str) -> float:
    # printed width of a character relative to a Chinese one
    return 0.55 if ch.isascii() else 1.0


# A printed dash ("-", an empty amount cell) is a short flat stroke: its ink is at
# most this share of the em high, and shorter than this share of the em wide (一
# spans most of an em). Measured on the 150 dpi twins: dashes 1–2 px high at
# 200 dpi (≤ 0.1 em), digits and 、 or ， ≥ 0.3 em.
DASH_MAX_HEIGHT_EM, DASH_MAX_WIDTH_EM = 0.2, 0.6
# Readings of at most this many characters are checked against their ink.
DASH_READING_CHARS = 2


def dash_by_ink(ink: "np.ndarray", box: list, em_px: float) -> tuple[float, float] | None:
    """The x-span (pixels) of a printed dash where a short reading's ink, rulings
    left out, is one short flat stroke; None where it is anything else. The
    recogniser reads a dash against a cell's border as ``1``, ``一``, ``、``,
    ``，``, ``8``, ``上``: its own text cannot say, the ink can."""
    import numpy as np

    xs = [p[0] for p in box]
    ys = [p[1] for p in box]
    x0, x1 = max(int(min(xs)), 0), min(int(max(xs)) + 1, ink.shape[1])
    y0, y1 = max(int(min(ys)), 0), min(int(max(ys)) + 1, ink.shape[0])
    crop = ink[y0:y1, x0:x1]
    if crop.size == 0:
        return None
    rows = np.flatnonzero(crop.any(axis=1))
    cols = np.flatnonzero(crop.any(axis=0))
    if rows.size == 0:
        return None
    height, width = rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1
    if height > DASH_MAX_HEIGHT_EM * em_px or width > DASH_MAX_WIDTH_EM * em_px or width <= height:
        return None
    return float(x0 + cols[0]), float(x0 + cols[-1] + 1)


# A digit or two read alone under the figure they end ("1166.6" / "0", the cell too
# narrow for the whole figure) scores low though right: the recogniser has no
# context for a lone 0 (measured: 0.46–0.88 on the pingxiang 150 dpi twin; read
# alone at 1.5–3 × it scores lower still, 0–0.64, and as o). Below this it is
# read again on one line with its figure's first line.
WRAPPED_DIGITS_CONFIRM_BELOW = 0.9


def _pixel_box(box: list) -> tuple[int, int, int, int]:
    xs = [p[0] for p in box]
    ys = [p[1] for p in box]
    return int(min(xs)), int(max(xs)) + 1, int(min(ys)), int(max(ys)) + 1


def _line_above(result: list, k: int) -> int | None:
    """The recognised line with digits right above line ``k``, over the same x-span:
    the first line of the figure a wrapped piece ends."""
    x0, x1, top, bottom = _pixel_box(result[k][0])
    height = bottom - top
    best = None
    for i, other in enumerate(result):
        if i == k or not any(c.isdigit() for c in other[1]):
            continue
        ox0, ox1, _, obottom = _pixel_box(other[0])
        gap = top - obottom
        if -0.3 * height <= gap <= 0.6 * height and ox0 <= x1 and ox1 >= x0 and (best is None or gap < best[0]):
            best = (gap, i)
    return best[1] if best else None


def confirm_wrapped_digits(image: "np.ndarray", result: list) -> list:
    """Re-read a low-confidence lone digit piece joined on one line to the line
    above it (the figure it ends): where that reading is the two pieces' text
    run together, the piece takes its confidence; where it differs, the piece
    keeps its own score (and the gate decides). The recogniser is never asked
    to change what it read, only how sure it is of it."""
    import numpy as np

    out = [list(item) for item in result]
    for k, item in enumerate(out):
        text, score = item[1].strip(), float(item[2])
        # a lone 0 is also read as the letter o: as digits it is the reading the
        # table's identities judge (parsers/ocr_cells.py), and the one confirmed here
        digits = "".join(_DIGIT_OF_LETTER.get(c, c) for c in text)
        if not (digits.isdigit() and len(text) <= 2 and score < WRAPPED_DIGITS_CONFIRM_BELOW):
            continue
        above = _line_above(out, k)
        if above is None:
            continue
        first = out[above][1].strip()
        if not re.fullmatch(r"[\d,.]*\d[.]?\d*", first):
            continue
        (ax0, ax1, atop, abottom), (x0, x1, top, bottom) = _pixel_box(out[above][0]), _pixel_box(item[0])
        height = max(abottom - atop, bottom - top)
        pieces = []
        for px0, px1, ptop in ((ax0, ax1, atop), (x0, x1, top)):
            piece = image[max(ptop, 0):ptop + height, max(px0, 0):px1]
            pieces.append(np.pad(piece, ((0, height - piece.shape[0]), (0, 0)), constant_values=255))
        reread, _ = _engine()(np.hstack(pieces), use_det=False, use_cls=False, use_rec=True)
        if reread and reread[0][0].strip() in (first + text, first + digits):
            confirmed = min(float(reread[0][1]), float(out[above][2]))
            if confirmed > score:
                item[2] = confirmed
                if len(item) > 5 and item[5] is not None:
                    item[5] = [max(float(s), confirmed) for s in item[5]]
    return out


def body_em_px(result: list) -> float:
    """The em of the page's body text in pixels: the median height of the
    detector's boxes (padded to about an em around the ink, ``INK_SHARE``) of
    lines of several characters (a lone mark's box is squat)."""
    heights = [max(p[1] for p in item[0]) - min(p[1] for p in item[0]) for item in result if len(item[1].strip()) >= 3]
    return statistics.median(heights) if heights else 0.0


def recognise(image: "np.ndarray", dpi: int, ink: "np.ndarray | None" = None) -> list[OcrGlyph]:
    """Every recognised character as a glyph (points), with its line's confidence.
    With ``ink`` (the page's ink off its rulings, ``ink_off_rulings``) a short
    reading whose ink is a printed dash becomes that dash (``dash_by_ink``)."""
    # Lower thresholds than the engine's defaults (0.5): a digit wrapped alone onto
    # a cell's second line ("1166.6" / "0") or a lone "一" is otherwise dropped.
    result, _ = _engine()(image, return_word_box=True, box_thresh=DETECT_THRESHOLD, text_score=DETECT_THRESHOLD,
                          unclip_ratio=1.6)
    scale = 72 / dpi
    glyphs: list[OcrGlyph] = []
    em_px = body_em_px(result or [])
    result = confirm_wrapped_digits(image, result or [])
    for item in result:
        box, text, score = item[0], item[1], float(item[2])
        words = item[3] if len(item) > 3 else None
        texts = item[4] if len(item) > 4 else None
        scores = item[5] if len(item) > 5 else None
        ys = [p[1] for p in box]
        top, bottom = min(ys), max(ys)
        # the detector's box is padded (unclip): the glyph body is about 3/4 of it
        pad = (bottom - top) * (1 - INK_SHARE) / 2
        if ink is not None and 0 < len(text.strip()) <= DASH_READING_CHARS:
            dash = dash_by_ink(ink, box, em_px)
            if dash is not None:
                glyphs.append(OcrGlyph("-", dash[0] * scale, dash[1] * scale, (top + pad) * scale,
                                       (bottom - pad) * scale, confidence=score))
                continue
        top, bottom = (top + pad) * scale, (bottom - pad) * scale
        if words and texts and len(words) == len(texts):
            pieces = [(min(p[0] for p in w), max(p[0] for p in w), t, float(s) if scores else score)
                      for w, t, s in zip(words, texts, scores or [score] * len(texts))]
        else:
            xs = [p[0] for p in box]
            pieces = [(min(xs), max(xs), text, score)]
        line: list[OcrGlyph] = []
        for x0, x1, piece, piece_score in pieces:
            piece = piece.strip()
            if not piece:
                continue
            total = sum(_char_weight(c) for c in piece)
            x = x0
            for ch in piece:
                w = (x1 - x0) * _char_weight(ch) / total
                if not ch.isspace():
                    line.append(OcrGlyph(normalise_char(ch), x * scale, (x + w) * scale, top, bottom,
                                         confidence=min(score, piece_score)))
                x += w
        glyphs.extend(close_ink_gaps(line))
    return glyphs


def close_ink_gaps(line: list[OcrGlyph]) -> list[OcrGlyph]:
    """Character boxes are tight around the ink, so letter-spaced text (a bold
    title) shows gaps a text layer's advance widths do not; the word splitter
    would part "2023年收入决算表" in two. Gaps under 0.9 of the glyph height
    within one recognised line are shared out between its neighbours (their
    centres move by a quarter of the gap at most)."""
    out = list(line)
    for i in range(len(out) - 1):
        left, right = out[i], out[i + 1]
        gap = right.x0 - left.x1
        if 0 < gap < 0.9 * left.size:
            mid = left.x1 + gap / 2
            out[i] = OcrGlyph(left.text, left.x0, mid, left.top, left.bottom, confidence=left.confidence)
            out[i + 1] = OcrGlyph(right.text, mid, right.x1, right.top, right.bottom, confidence=right.confidence)
    return out


# what a ruling looks like to the recogniser
_BARS = frozenset("|丨｜")


def keep_off_rulings(glyphs: list[OcrGlyph], rulings: list[Ruling]) -> list[OcrGlyph]:
    """A ruling found in the image is ink of a border, and text never runs across a
    border: a glyph whose box straddles one is the recogniser sharing a line's box
    out over two cells (``栏次1`` read as one line over the 栏次 and 1 cells: the
    1 then straddles the border and the reader takes the border for a cell edge
    the text overflows). The glyph is kept on the side holding most of its box,
    clipped to it. A bar the recogniser read on a border (``6106713.00|本年支出合计``)
    is the border itself, and is dropped."""
    verticals = [r for r in rulings if r.vertical]
    out: list[OcrGlyph] = []
    for g in glyphs:
        if g.text in _BARS and any(v.start <= g.yc <= v.end and g.x0 - g.size / 4 <= v.pos <= g.x1 + g.size / 4
                                   for v in verticals):
            continue
        for v in verticals:
            # (a box reaching a little over a border, as padding does, is left alone)
            if v.start <= g.yc <= v.end and min(v.pos - g.x0, g.x1 - v.pos) > 0.25 * (g.x1 - g.x0):
                x0, x1 = (v.pos, g.x1) if g.x1 - v.pos > v.pos - g.x0 else (g.x0, v.pos)
                g = OcrGlyph(g.text, x0, x1, g.top, g.bottom, confidence=g.confidence)
        out.append(g)
    return out


# Full-width forms the engine prints for ASCII characters (digits, '.', ',', '-',
# parentheses); Chinese punctuation such as ： stays as printed.
_FULLWIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)} | {"．": ".", "－": "-"}


def normalise_char(ch: str) -> str:
    return _FULLWIDTH.get(ch, ch)


# ------------------------------------------------------------------ repairs

_NUMERALS = "一二三四五六七八九十"


def _chinese_number(text: str) -> int | None:
    """一 … 九十九 as an int (the numbering of items such as 二十三、)."""
    if not text or any(c not in _NUMERALS for c in text):
        return None
    if "十" not in text:
        return _NUMERALS.index(text) + 1 if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    value = (_NUMERALS.index(tens) + 1 if tens else 1) * 10
    return value + (_NUMERALS.index(ones) + 1 if ones else 0)


def _chinese_numeral(n: int) -> str:
    if n <= 10:
        return _NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (_NUMERALS[tens - 1] if tens > 1 else "") + "十" + (_NUMERALS[ones - 1] if ones else "")


def restore_item_numerals(column: list[str | None]) -> list[str | None]:
    """A cell read as "、一般公共…" lost its numeral: the thin 一 at a cell's edge is
    the stroke the detector misses most. It is put back only where the item after
    it in the same column says which it was (二、 → 一、), never guessed."""
    out = list(column)
    numbered = [[i, _chinese_number((c or "").split("、", 1)[0])] for i, c in enumerate(column) if c and "、" in c]
    # from the last item up: two items in a row that both lost theirs (、一般… / 、政府性…
    # over 三、…) are restored in turn, each from the one after it
    for k in range(len(numbered) - 2, -1, -1):
        i = numbered[k][0]
        text = column[i] or ""
        following = numbered[k + 1][1]
        if text.startswith("、") and following and following > 1:
            out[i] = _chinese_numeral(following - 1) + text
            numbered[k][1] = following - 1
    return out


# A first item whose whole numeral (一、) the detector missed starts this much further
# right than its numbered siblings (the width of 一、 is about 1.5 em; siblings' starts
# differ by under half an em).
LOST_NUMERAL_EM = 0.8


def restore_first_numeral(column: list[str | None], indents: list[float | None]) -> list[str | None]:
    """A column numbered 二、三、… with no 一、: the thin 一 and its 、 can both be
    missed at a cell's edge, leaving ``一般公共预算拨款`` above ``二、政府性…``.
    The unnumbered item right above 二、 is taken for 一、 only where its text
    starts further right than 二、's by the width a lost numeral leaves
    (``LOST_NUMERAL_EM``): the printed layout, not the words, says a numeral
    stood there."""
    out = list(column)
    numbers = [(i, _chinese_number((c or "").split("、", 1)[0]) if c and "、" in c else None)
               for i, c in enumerate(column)]
    numbered = [(i, n) for i, n in numbers if n]
    if not numbered or numbered[0][1] != 2:
        return out
    first = numbered[0][0]
    above = next((i for i in range(first - 1, -1, -1) if column[i]), None)
    if above is None:
        return out
    text = column[above] or ""
    shift = None if indents[above] is None or indents[first] is None else indents[above] - indents[first]
    if shift is None or shift < LOST_NUMERAL_EM or not _plain_item_text(text):
        return out
    out[above] = "一、" + text
    return out


def _plain_item_text(text: str) -> bool:
    """Words with no numbering of any style and no figure: an item's name."""
    from parsers.codes import NUMBERING

    stripped = text.strip()
    return (bool(stripped) and not stripped.startswith("、") and not any(p.match(stripped) for p, _ in NUMBERING)
            and not any(ch.isdigit() for ch in stripped))


# Letters the recogniser reads for digits (as in figures, parsers/ocr_cells.py).
_DIGIT_OF_LETTER = {"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "i": "1", "|": "1"}
_CODE_RE = re.compile(r"^[0-9A-Za-z|]{8,}$")
# A code column needs this many other codes of the same length to say where digits stand.
CODE_SIBLINGS = 2


def _code_like(text: str | None) -> bool:
    s = (text or "").strip()
    return bool(_CODE_RE.match(s)) and sum(c.isdigit() for c in s) >= 0.6 * len(s)


def restore_code_digits(column: list[str | None]) -> list[str | None]:
    """A project code read with a letter for a digit (``…P844109005ON`` for
    ``…P8441090050N``): codes of one column share their shape (so many digits,
    a letter at fixed places), so a letter the recogniser confuses with a digit
    (O for 0, l or I for 1), at a place where every other code of the same
    length in the column has a digit, is that digit. A letter where a sibling
    has a letter (P, N, G) is kept, and a code with no siblings of its length
    to compare with is left as read."""
    codes = [(i, (c or "").strip()) for i, c in enumerate(column) if _code_like(c)]
    out = list(column)
    for i, code in codes:
        siblings = [other for k, other in codes if k != i and len(other) == len(code)]
        if len(siblings) < CODE_SIBLINGS:
            continue
        fixed = "".join(_DIGIT_OF_LETTER[ch] if ch in _DIGIT_OF_LETTER and all(o[p].isdigit() for o in siblings)
                        else ch for p, ch in enumerate(code))
        if fixed != code:
            out[i] = fixed
    return out


def repair_grid_text(cells: list[list[str | None]], indents: list[list[float | None]] | None = None) -> None:
    """Structural repairs of OCR'd table text, column by column (in place)."""
    width = max((len(r) for r in cells), default=0)
    for j in range(width):
        column = [r[j] if j < len(r) else None for r in cells]
        column = restore_code_digits(column)
        column = restore_item_numerals(column)
        if indents is not None:
            column = restore_first_numeral(column, [r[j] if j < len(r) else None for r in indents])
        for i, text in enumerate(column):
            if j < len(cells[i]):
                cells[i][j] = text
