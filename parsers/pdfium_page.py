"""Pages read with PDFium (pypdfium2), shaped as pdfplumber's pages.

pdfminer's interpretation of a page's content (what pdfplumber runs to
list its objects) was most of the time a PDF parse took; PDFium gives the
same characters and paths several times faster. pdfminer still opens the
document: its errors, page tree, page boxes and font descriptors stand. ``PdfiumPage`` offers the four lists
``parsers.pdf`` reads (``chars``, ``lines``, ``rects``, ``curves``) with the
keys it reads, in pdfplumber's coordinates (origin top-left, y down), built
the way pdfminer builds them:

- a character's box is pdfminer's: from its origin, its advance width and
  the font's descent as pdfminer takes it (the descriptor's, read from the
  page's resources through pdfminer; a standard font's AFM metrics),
  ``fontsize`` high (not the glyph's ink box);
- a painted path is split at each ``m`` into subpaths; a subpath of one
  segment is a line, four sides of an axis-aligned closed loop a rect, any
  other a curve with its path (pdfminer's ``paint_path``).

PDFium keeps numbers as 32-bit floats where pdfminer reads the content
stream's decimals; each value is turned back into the shortest decimal with
the same float32 (what a content stream prints), so both give the same boxes
to within float rounding (a producer printing float32 values with eight
decimals, as Chrome does, keeps differences of ~1e-5 pt: enough, rarely, to
tip an exact tie in the table reconstruction; benchmarks/parse_identity.py
counts such documents).

A page is read with pdfplumber instead (``open_pages`` decides per page)
where PDFium cannot give the same thing: a rotated page or rotated text, a
glyph without a Unicode mapping (pdfminer reads it as ``(cid:N)``), a font
not found by name among the page's resources (or several of that name that
PDFium's descent does not tell apart), a text object
PDFium leaves out of its text page (a duplicated "fake bold" one), or any
PDFium failure on the page; a document whose page count PDFium sees
otherwise is read with pdfplumber throughout.
``COUNTYBUDGET_PDFIUM=0`` reads every page with pdfplumber.
"""

from __future__ import annotations

import ctypes
import functools
import os
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ENV_SWITCH = "COUNTYBUDGET_PDFIUM"
_PATH, _TEXT, _FORM = 2, 1, 5  # FPDF_PAGEOBJ_*
_LINETO, _BEZIERTO, _MOVETO = 0, 1, 2  # FPDF_SEGMENT_*


class Fallback(Exception):
    """PDFium cannot give this page as pdfminer reads it: read it with pdfplumber."""


def pdfium_enabled() -> bool:
    return os.environ.get(ENV_SWITCH, "1").strip().lower() not in ("0", "false", "no", "off")


@contextmanager
def open_pages(path: str | Path) -> Iterator[Iterator[Any]]:
    """The document's pages in order, each a ``PdfiumPage`` or, where PDFium
    cannot read it the same way (or PDFium is switched off), a pdfplumber page.
    Every page offers ``chars``, ``lines``, ``rects``, ``curves``, ``width``,
    ``height`` and ``close()``.

    pdfminer's reading of the document stands: its errors on opening, its
    page tree and each page's boxes; PDFium only reads the pages' contents,
    and only when it finds the same number of pages."""
    import pdfplumber  # deferred: keeps ``countybudget --help`` fast

    with pdfplumber.open(str(path)) as pdf:
        pages = pdf.pages
        document = _open_pdfium(path) if pdfium_enabled() else None
        if document is None or len(document) != len(pages):
            if document is not None:
                document.close()
            yield iter(pages)
            return
        try:
            yield _pages(document, pages)
        finally:
            document.close()


def _open_pdfium(path: str | Path):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return None


def _pages(document, plumber_pages: list) -> Iterator[Any]:
    widths: dict[tuple[int, int], float] = {}  # PDFium keeps a document's fonts while it is open
    for index, plumber_page in enumerate(plumber_pages):
        page = document[index]
        try:
            pdfium_page = read_pdfium_page(page, plumber_page, widths)
        except MemoryError:
            raise
        except Exception:  # Fallback, or PDFium failing on the page: pdfminer's reading (or error) stands
            pdfium_page = None
        finally:
            page.close()
        yield pdfium_page if pdfium_page is not None else plumber_page


def read_pdfium_page(page, plumber_page, widths: dict[int, dict[int, float]] | None = None) -> "PdfiumPage":
    """Characters and paths of one pypdfium2 page, in the geometry pdfplumber
    gives ``plumber_page`` (the same page, not yet laid out); ``Fallback``
    where they would differ from pdfminer's. ``widths`` caches glyph widths
    per PDFium font and character over the pages of one open document."""
    import pypdfium2.raw as R

    raw = page.raw
    if plumber_page.rotation or R.FPDFPage_GetRotation(raw) % 4:
        raise Fallback("rotated page")
    geometry = _Geometry(plumber_page)
    lines: list[dict] = []
    rects: list[dict] = []
    curves: list[dict] = []
    text_objects: set[int] = set()
    _walk(_address(raw), _native("FPDFPage_CountObjects"), _native("FPDFPage_GetObject"), None, geometry,
          lines, rects, curves, text_objects)
    boxes = _chars(page, geometry, text_objects, font_metrics(plumber_page), widths if widths is not None else {})
    return PdfiumPage(plumber_page.page_number, geometry.width, geometry.height, boxes, lines, rects, curves)


# A printed character as ``_chars`` gives it: text, x0, x1, top, bottom (pdfplumber's keys, in order).
CharBox = tuple[str, float, float, float, float]


class PdfiumPage:
    """The objects of one page, as pdfplumber lists them (the keys ``parsers.pdf`` reads).
    Characters are kept as ``CharBox`` tuples (``char_boxes``; ``chars`` makes
    pdfplumber's dicts of them on demand): a page has thousands."""

    def __init__(self, page_number: int, width: float, height: float, char_boxes: list[CharBox], lines: list[dict],
                 rects: list[dict], curves: list[dict]) -> None:
        self.page_number = page_number  # 1-based, as pdfplumber's
        self.width, self.height = width, height
        self.char_boxes, self.lines, self.rects, self.curves = char_boxes, lines, rects, curves

    @property
    def chars(self) -> list[dict]:
        return [dict(zip(("text", "x0", "x1", "top", "bottom"), box)) for box in self.char_boxes]

    def close(self) -> None:
        self.char_boxes, self.lines, self.rects, self.curves = [], [], [], []


class _Geometry:
    """pdfminer's page space (the MediaBox moved to the origin) and pdfplumber's flip of it."""

    def __init__(self, plumber_page) -> None:
        x0, y0 = plumber_page.page_obj.mediabox[:2]
        self.dx, self.dy = -x0, -y0  # pdfminer's CTM for an unrotated page
        self.mb_x0, self.mb_top = plumber_page.mediabox[:2]
        self.width, self.height = plumber_page.width, plumber_page.height

    def x(self, x: float) -> float:
        return x + self.mb_x0 if self.mb_x0 != 0 else x

    def top(self, y: float) -> float:
        return (self.height - y) + self.mb_top


_FLOAT32 = struct.Struct("f")
_decimals: dict[float, float] = {}


def _dec(value: float) -> float:
    """A PDFium float32 back to the decimal the content stream printed: the
    shortest decimal that is the same float32 (511.70001220703125 → 511.7),
    as pdfminer reads it."""
    found = _decimals.get(value)
    if found is not None:
        return found
    pack, unpack = _FLOAT32.pack, _FLOAT32.unpack
    target = unpack(pack(value))[0]
    found = value
    for digits in (6, 7, 8):
        candidate = float(f"{value:.{digits}g}")
        if unpack(pack(candidate))[0] == target:
            found = candidate
            break
    if len(_decimals) > 200_000:
        _decimals.clear()
    _decimals[value] = found
    return found


_sig = _dec


@functools.lru_cache(maxsize=None)
def _native(name: str):  # noqa: ANN202 (a ctypes function)
    """PDFium's ``name`` declared with plain addresses (ints) for its pointer
    arguments and result. Called once per character or path segment: the
    conversion of pypdfium2's typed pointers costs more than the call itself."""
    import pypdfium2.raw as R

    typed = getattr(R, name)
    plain = [_plain_type(t) for t in typed.argtypes]
    return ctypes.CFUNCTYPE(_plain_type(typed.restype), *plain)(ctypes.cast(typed, ctypes.c_void_p).value)


def _plain_type(kind):  # noqa: ANN001, ANN202
    return ctypes.c_void_p if isinstance(kind, type) and issubclass(kind, ctypes._Pointer) else kind


def _address(pointer) -> int:  # noqa: ANN001
    """The address a typed pointer holds (0 for NULL)."""
    return ctypes.cast(pointer, ctypes.c_void_p).value or 0


# ------------------------------------------------------------------ paths


Matrix = tuple[float, float, float, float, float, float]


def _mult(m1: Matrix, m0: Matrix) -> Matrix:
    """pdfminer's ``mult_matrix``: m1 applied first, then m0."""
    (a1, b1, c1, d1, e1, f1), (a0, b0, c0, d0, e0, f0) = m1, m0
    return (a0 * a1 + c0 * b1, b0 * a1 + d0 * b1, a0 * c1 + c0 * d1, b0 * c1 + d0 * d1,
            a0 * e1 + c0 * f1 + e0, b0 * e1 + d0 * f1 + f0)


def _object_matrix(obj: int) -> Matrix:
    import pypdfium2.raw as R

    m = R.FS_MATRIX()
    if not _native("FPDFPageObj_GetMatrix")(obj, ctypes.addressof(m)):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (_sig(m.a), _sig(m.b), _sig(m.c), _sig(m.d), _dec(m.e), _dec(m.f))


def _walk(holder: int, count, get, parent: Matrix | None, geometry: _Geometry,
          lines: list[dict], rects: list[dict], curves: list[dict], text_objects: set[int]) -> None:
    """Every painted path of the page, form XObjects included, in content order
    (``holder`` the page's or a form's address, ``count``/``get`` its object list)."""
    base: Matrix = parent if parent is not None else (1.0, 0.0, 0.0, 1.0, geometry.dx, geometry.dy)
    get_type = _native("FPDFPageObj_GetType")
    for i in range(count(holder)):
        obj = get(holder, i)
        kind = get_type(obj)
        if kind == _PATH:
            _paint_path(obj, _mult(_object_matrix(obj), base), geometry, lines, rects, curves)
        elif kind == _FORM:
            _walk(obj, _native("FPDFFormObj_CountObjects"), _native("FPDFFormObj_GetObject"),
                  _mult(_object_matrix(obj), base), geometry, lines, rects, curves, text_objects)
        elif kind == _TEXT:
            text_objects.add(obj)


def _paint_path(obj: int, ctm: Matrix, geometry: _Geometry, lines, rects, curves) -> None:
    fill = ctypes.c_int()
    stroke = ctypes.c_int()
    if not _native("FPDFPath_GetDrawMode")(obj, ctypes.addressof(fill), ctypes.addressof(stroke)):
        return
    if not fill.value and not stroke.value:
        return  # ``n``: not painted
    get_segment, get_point = _native("FPDFPath_GetPathSegment"), _native("FPDFPathSegment_GetPoint")
    get_type, get_close = _native("FPDFPathSegment_GetType"), _native("FPDFPathSegment_GetClose")
    a, b, c, d, e, f = ctm
    decimals = _decimals
    x, y = ctypes.c_float(), ctypes.c_float()
    px_at, py_at = ctypes.addressof(x), ctypes.addressof(y)
    subpaths: list[list[tuple]] = []
    pending: list[tuple[float, float]] = []  # control points of a Bézier being read
    for k in range(_native("FPDFPath_CountSegments")(obj)):
        segment = get_segment(obj, k)
        get_point(segment, px_at, py_at)
        px, py = decimals.get(x.value), decimals.get(y.value)
        if px is None:
            px = _dec(x.value)
        if py is None:
            py = _dec(y.value)
        point = (a * px + c * py + e, b * px + d * py + f)  # pdfminer's apply_matrix_pt
        kind = get_type(segment)
        if kind == _MOVETO:
            subpaths.append([("m", point)])
            pending = []
            continue
        if not subpaths:
            subpaths.append([("?", point)])  # a path not opened with m: pdfminer ignores it
            continue
        closes = get_close(segment)
        if kind == _BEZIERTO:
            pending.append(point)
            if len(pending) < 3:
                continue
            subpaths[-1].append(("c", *pending))
            pending = []
            if closes:
                subpaths[-1].append(("h",))
        elif closes:
            # PDFium closes a figure with a line back to its start; pdfminer says ``h``
            # (and drops an explicit line back to the start before it).
            start = subpaths[-1][0][1]
            if point != start:
                subpaths[-1].append(("l", point))
            subpaths[-1].append(("h",))
        else:
            subpaths[-1].append(("l", point))
    for sub in subpaths:
        if sub[0][0] == "m" and len(sub) > 1:
            _add_subpath(sub, bool(stroke.value), bool(fill.value), geometry, lines, rects, curves)


def _add_subpath(sub: list[tuple], stroke: bool, fill: bool, geometry: _Geometry, lines, rects, curves) -> None:
    """One subpath as pdfminer's ``paint_path`` classifies it (points already in page space)."""
    shape = "".join(op for op, *_ in sub)
    pts = [seg[-1] if seg[0] != "h" else sub[0][-1] for seg in sub]
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts.pop()
    if shape in ("mlh", "ml"):
        (xa, ya), (xb, yb) = pts[0], pts[1]
        lines.append(_box(geometry, xa, ya, xb, yb))
        return
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if pts[0] == pts[4] and square:
            rect = _box(geometry, x0, y0, x2, y2)
            rect["stroke"], rect["fill"] = stroke, fill
            rects.append(rect)
            return
    curve = _box(geometry, *_bounds(pts))
    # geometry.x and geometry.top, inlined (a path-heavy page has thousands of curves): the same sums
    shift, height, mb_top = geometry.mb_x0, geometry.height, geometry.mb_top
    if shift != 0:
        curve["path"] = [(op, *[(px + shift, (height - py) + mb_top) for px, py in points]) for op, *points in sub]
    else:
        curve["path"] = [(op, *[(px, (height - py) + mb_top) for px, py in points]) for op, *points in sub]
    curves.append(curve)


def _bounds(pts: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def _box(geometry: _Geometry, xa: float, ya: float, xb: float, yb: float) -> dict:
    x0, x1 = sorted((xa, xb))
    y0, y1 = sorted((ya, yb))
    return {"x0": geometry.x(x0), "x1": geometry.x(x1), "top": geometry.top(y1), "bottom": geometry.top(y0)}


# ------------------------------------------------------------------ characters


def _chars(page, geometry: _Geometry, text_objects: set[int], metrics: dict,
           widths: dict[int, dict[int, float]]) -> list[CharBox]:
    """The page's printed characters with pdfminer's boxes, in content order.
    Per character: three PDFium calls and pdfminer's arithmetic, nothing else
    (what a text object shares is looked up once per text object)."""
    import pypdfium2.raw as R

    textpage = R.FPDFText_LoadPage(page.raw)
    if not textpage:
        raise Fallback("no text page")
    char_matrix = _native("FPDFText_GetMatrix")
    map_error, text_object = _native("FPDFText_HasUnicodeMapError"), _native("FPDFText_GetTextObject")
    origin = _native("FPDFText_GetCharOrigin")
    at = _address(textpage)
    decimals = _decimals
    dx, dy = geometry.dx, geometry.dy
    # geometry.x and geometry.top, inlined: the same sums
    shift_x, height, mb_top = geometry.mb_x0, geometry.height, geometry.mb_top
    shifted = shift_x != 0
    try:
        codes = _unicode(textpage)
        m = R.FS_MATRIX()
        m_at = ctypes.addressof(m)
        x, y = ctypes.c_double(), ctypes.c_double()
        x_at, y_at = ctypes.addressof(x), ctypes.addressof(y)
        fonts: dict[int, tuple] = {}  # per text object
        by_font: dict[int, tuple] = {}  # per PDFium font
        out: list[CharBox] = []
        for i, code in enumerate(codes):
            if code in _SKIPPED:
                continue  # spaces and PDFium's generated line breaks: parsers.pdf skips whitespace
            if map_error(at, i) == 1:
                raise Fallback("a glyph without a Unicode mapping")
            if code in (0x02, 0xFFFE):  # PDFium's mark of a hyphen (``-``, or a soft hyphen) ending a line
                code = 0x2D if R.FPDFText_IsHyphen(textpage, i) == 1 else R.FPDFText_GetUnicode(textpage, i)
                if code in _SKIPPED:
                    continue
            key = text_object(at, i) or 0
            font = fonts.get(key)
            if font is None:
                char_matrix(at, i, m_at)  # the text object's matrix (its linear part is every character's)
                size, matrix, descent, standard_widths, font_key = _text_object_font(at, i, key, m, metrics, by_font)
                font = fonts[key] = (size, *matrix, descent * size, standard_widths, widths.setdefault(font_key, {}))
            size, a, b, c, d, lower, standard_widths, font_widths = font
            origin(at, i, x_at, y_at)
            e = decimals.get(x.value)
            if e is None:
                e = _dec(x.value)
            f = decimals.get(y.value)
            if f is None:
                f = _dec(y.value)
            e, f = e + dx, f + dy
            width = font_widths.get(code)
            if width is None:
                width = font_widths[code] = (
                    float(standard_widths.get(chr(code), 0)) if standard_widths is not None
                    else _glyph_width(textpage, i, ctypes.cast(key, R.FPDF_PAGEOBJECT), code, a, size)
                )
            adv = (width * 0.001) * size * 1.0
            x0 = c * lower + e
            x1 = a * adv + c * (lower + size) + e
            y0 = d * lower + f
            y1 = b * adv + d * (lower + size) + f
            if shifted:
                x0, x1 = x0 + shift_x, x1 + shift_x
            out.append((chr(code), x0, x1, (height - y1) + mb_top, (height - y0) + mb_top))
        missing = text_objects - set(fonts)
        if missing and _dropped_text(textpage, missing, page):
            raise Fallback("a text object PDFium leaves out of its text page")
        return out
    finally:
        R.FPDFText_ClosePage(textpage)


# whitespace (parsers.pdf skips it) and what PDFium generates: line breaks, spaces between words
_SKIPPED = frozenset((0x20, 0x0D, 0x0A, 0x09, 0x00, 0xA0, 0x3000))


def _unicode(textpage) -> list[int]:
    """The text page's characters as code points, index for index (one call;
    per character where a character needs two UTF-16 units)."""
    import pypdfium2.raw as R

    n = R.FPDFText_CountChars(textpage)
    if n <= 0:
        return []
    buffer = (ctypes.c_ushort * (n + 1))()
    got = R.FPDFText_GetText(textpage, 0, n, buffer)
    units = list(buffer[: max(got - 1, 0)])
    if len(units) != n or any(0xD800 <= u <= 0xDFFF for u in units):
        return [R.FPDFText_GetUnicode(textpage, i) for i in range(n)]
    return units  # what PDFium generates (spaces, CR, LF) is all in _SKIPPED


def _text_object_font(textpage: int, index: int, obj: int, m, metrics: dict, by_font: dict) -> tuple:
    """Font size (Tf), the text matrix's linear part (from the character's
    matrix ``m``), the descent per unit of size, for a standard font
    pdfminer's own widths by character, and the font's key (its address).
    ``textpage`` and ``obj`` are addresses (a page has thousands of text objects)."""
    import pypdfium2.raw as R

    size = _native("FPDFText_GetFontSize")(textpage, index)
    matrix = (_sig(m.a), _sig(m.b), _sig(m.c), _sig(m.d))
    if matrix[1] != 0 or matrix[2] != 0 or matrix[0] <= 0 or matrix[3] <= 0:
        raise Fallback("rotated or mirrored text")
    font_key = _native("FPDFTextObj_GetFont")(obj)
    if not font_key:
        raise Fallback("text without a font")
    known = by_font.get(font_key)
    if known is None:
        known = by_font[font_key] = _font_entry(ctypes.cast(font_key, R.FPDF_FONT), metrics)
    descent, widths = known
    return _sig(size), matrix, descent, widths, font_key


def _font_entry(font, metrics: dict) -> tuple[float, dict | None]:
    """pdfminer's descent (and a standard font's widths) for a PDFium font, by its name."""
    import pypdfium2.raw as R

    n = R.FPDFFont_GetBaseFontName(font, None, 0)
    if n <= 1:
        raise Fallback("font without a name")
    buffer = ctypes.create_string_buffer(n)
    R.FPDFFont_GetBaseFontName(font, buffer, n)
    known = metrics.get(_unprefixed(buffer.value.decode("latin-1")))
    if known is not None and len(known) > 1:
        known = _same_descent(font, known)
    if known is None or len(known) != 1:
        raise Fallback("font not found, or not one, among the page's font resources")
    descent, widths = next(iter(known))
    return descent, (dict(widths) if widths is not None else None)


def _same_descent(font, known: set[tuple[float, tuple | None]]) -> set[tuple[float, tuple | None]]:
    """Of several same-named fonts of a page (two subsets of SimHei whose
    descriptors say -140 and -141), those whose descent is the one PDFium read
    from this font's descriptor (a whole number of 1/1000 em: within one unit).
    pdfminer's value is kept; PDFium's only picks it."""
    import pypdfium2.raw as R

    read = ctypes.c_float()
    if not R.FPDFFont_GetDescent(font, ctypes.c_float(1000.0), read):
        return known
    return {entry for entry in known if abs(abs(entry[0]) * 1000.0 - abs(read.value)) < 1.0}


def _unprefixed(name: str) -> str:
    return name.split("+", 1)[1] if len(name) > 7 and name[6] == "+" else name


def font_metrics(plumber_page) -> dict[str, set[tuple[float, tuple | None]]]:
    """Per font name (subset prefix dropped, as PDFium gives it), the descents
    pdfminer uses for the page's fonts (forms' included): the descriptor's
    (made negative), or a standard font's AFM descent and widths."""
    from pdfminer.fontmetrics import FONT_METRICS
    from pdfminer.pdftypes import resolve1

    out: dict[str, set[tuple[float, tuple | None]]] = {}
    seen: set[int] = set()

    def visit(resources) -> None:
        resources = resolve1(resources) or {}
        if not isinstance(resources, dict) or id(resources) in seen:
            return
        seen.add(id(resources))
        for spec in (resolve1(resources.get("Font")) or {}).values():
            spec = resolve1(spec)
            if not isinstance(spec, dict):
                continue
            base = _name(spec.get("BaseFont"))
            subtype = _name(spec.get("Subtype"))
            if subtype in ("Type1", "TrueType", "MMType1") and base in FONT_METRICS:
                descriptor, widths = FONT_METRICS[base]
                entry = (-abs(float(descriptor.get("Descent", 0))) * 0.001, tuple(sorted(widths.items())))
            else:
                described = spec
                if subtype == "Type0":
                    descendants = resolve1(spec.get("DescendantFonts")) or []
                    described = resolve1(descendants[0]) if descendants else {}
                descriptor = resolve1(described.get("FontDescriptor")) if isinstance(described, dict) else None
                descent = resolve1(descriptor.get("Descent", 0)) if isinstance(descriptor, dict) else 0
                entry = (-abs(float(descent or 0)) * 0.001, None)
            out.setdefault(_unprefixed(base), set()).add(entry)
        for xobject in (resolve1(resources.get("XObject")) or {}).values():
            xobject = resolve1(xobject)
            attrs = getattr(xobject, "attrs", None)
            if isinstance(attrs, dict) and _name(attrs.get("Subtype")) == "Form" and "Resources" in attrs:
                visit(attrs["Resources"])

    visit(plumber_page.page_obj.resources)
    return out


def _name(value) -> str:
    from pdfminer.pdftypes import resolve1

    value = resolve1(value)
    name = getattr(value, "name", value)
    if isinstance(name, bytes):
        name = name.decode("latin-1")
    return name if isinstance(name, str) else ""


def _glyph_width(textpage, index: int, obj, code: int, a: float, size: float) -> float:
    """The glyph's width in 1/1000 em as the font's widths give it (pdfminer's
    ``char_width``); from the loose box where PDFium cannot map the character back."""
    import pypdfium2.raw as R

    width = ctypes.c_float()
    font = R.FPDFTextObj_GetFont(obj)
    if font and R.FPDFFont_GetGlyphWidth(font, code, ctypes.c_float(1000.0), width):
        return _sig(width.value)
    loose = R.FS_RECTF()
    R.FPDFText_GetLooseCharBox(textpage, index, loose)
    units = (loose.right - loose.left) * 1000.0 / (a * size) if a and size else 0.0
    return float(round(units)) if abs(units - round(units)) < 0.05 else units


def _dropped_text(textpage, missing: set[int], page) -> bool:
    """Whether any text object PDFium's text page skipped prints something."""
    import pypdfium2.raw as R

    for obj in _text_objects(page.raw):
        if ctypes.addressof(obj.contents) not in missing:
            continue
        if R.FPDFTextObj_GetText(obj, textpage, None, 0) > 2:
            continue  # more than the terminator: its text is on the text page
        left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
        if not R.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        if right.value - left.value > 0.01 or top.value - bottom.value > 0.01:
            return True  # it has glyphs (an empty string, ``() Tj``, has a point for bounds)
    return False


def _text_objects(holder, form: bool = False) -> Iterator[Any]:
    import pypdfium2.raw as R

    count, get = (R.FPDFFormObj_CountObjects, R.FPDFFormObj_GetObject) if form else (R.FPDFPage_CountObjects, R.FPDFPage_GetObject)
    for i in range(count(holder)):
        obj = get(holder, i)
        kind = R.FPDFPageObj_GetType(obj)
        if kind == _TEXT:
            yield obj
        elif kind == _FORM:
            yield from _text_objects(obj, form=True)
