"""Page geometry for table reconstruction, independent of the PDF library.

A page is glyphs (one printed character each) and rulings (horizontal and
vertical line segments, from drawn lines and the edges of thin rectangles).
From these we build text lines, words, ruled frames (connected groups of
rulings, one per drawn table) and finally a grid of cell text. All tolerances
are relative to the font size, never absolute page coordinates, so the same
code reads A4, landscape and oversized pages alike.
"""

from __future__ import annotations

import operator
import re
import statistics
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

MAX_RULINGS = 4000  # per page; a real table page has a few hundred

AMOUNT_TOKEN_RE = re.compile(r"^[-+(（]?\d[\d,，]*(\.\d*)?[)）]?$|^\.\d+$")


@dataclass(frozen=True)
class Glyph:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    # derived once: the layout code reads them millions of times a document
    size: float = field(init=False, repr=False, compare=False)
    xc: float = field(init=False, repr=False, compare=False)
    yc: float = field(init=False, repr=False, compare=False)

    def __init__(self, text: str, x0: float, x1: float, top: float, bottom: float) -> None:
        # the dataclass's frozen __init__ sets each field through object.__setattr__;
        # a page has thousands of glyphs, so the instance's dict is filled at once
        self.__dict__.update(text=text, x0=x0, x1=x1, top=top, bottom=bottom,
                             size=bottom - top, xc=(x0 + x1) / 2, yc=(top + bottom) / 2)

    def __post_init__(self) -> None:  # subclasses' generated __init__ (OcrGlyph) calls it
        object.__setattr__(self, "size", self.bottom - self.top)
        object.__setattr__(self, "xc", (self.x0 + self.x1) / 2)
        object.__setattr__(self, "yc", (self.top + self.bottom) / 2)


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass
class TextLine:
    """One text line; its glyphs are final once ``group_lines`` returns it,
    so its extent and text are computed once, on first use."""

    glyphs: list[Glyph]
    words: list[Word] = field(default_factory=list)
    _top: float | None = field(default=None, init=False, repr=False, compare=False)
    _bottom: float | None = field(default=None, init=False, repr=False, compare=False)
    _text: str | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def top(self) -> float:
        if self._top is None:
            self._top = min([g.top for g in self.glyphs])
        return self._top

    @property
    def bottom(self) -> float:
        if self._bottom is None:
            self._bottom = max([g.bottom for g in self.glyphs])
        return self._bottom

    @property
    def x0(self) -> float:
        return self.glyphs[0].x0

    @property
    def x1(self) -> float:
        return self.glyphs[-1].x1

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = join_glyph_text(self.glyphs)
        return self._text


@dataclass(frozen=True)
class Ruling:
    vertical: bool
    pos: float  # x of a vertical ruling, y of a horizontal one
    start: float  # top (vertical) or x0 (horizontal)
    end: float


@dataclass
class Frame:
    """A connected group of rulings: the drawn borders of one table."""

    x0: float
    x1: float
    top: float
    bottom: float
    xs: list[float]  # distinct vertical ruling positions, ascending
    ys: list[float]  # distinct horizontal ruling positions, ascending
    verticals: list[Ruling] = field(default_factory=list)
    horizontals: list[Ruling] = field(default_factory=list)

    def xs_across(self, y0: float, y1: float, tol: float) -> list[float]:
        """Vertical rulings that cross the band y0..y1: the cell borders of that row
        (a spanning cell has fewer)."""
        mid = (y0 + y1) / 2
        return cluster_positions([v.pos for v in self.verticals if v.start - tol <= mid <= v.end + tol], tol)

    def drawn_across(self, y: float, x0: float, x1: float, tol: float) -> bool:
        """Whether a horizontal ruling at ``y`` runs under the whole span x0..x1
        (a cell merged over two rows has none between them)."""
        return any(
            abs(h.pos - y) <= tol and h.start <= x0 + tol and h.end >= x1 - tol for h in self.horizontals
        )

    def contains(self, g: Glyph, pad: float = 1.0) -> bool:
        return self.x0 - pad <= g.xc <= self.x1 + pad and self.top - pad <= g.yc <= self.bottom + pad

    def inside(self, glyphs: list[Glyph], pad: float = 1.0) -> list[Glyph]:
        """The glyphs ``contains`` accepts, in order (one pass with the bounds taken once)."""
        x0, x1, top, bottom = self.x0 - pad, self.x1 + pad, self.top - pad, self.bottom + pad
        return [g for g in glyphs if x0 <= g.xc <= x1 and top <= g.yc <= bottom]


def median_size(glyphs: list[Glyph], default: float = 10.0) -> float:
    sizes = [g.size for g in glyphs if g.size > 0]
    return statistics.median(sizes) if sizes else default


def is_ascii_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


_LATIN_RE = re.compile(r"[A-Za-z]")  # what ``is_ascii_word_char`` accepts


def join_glyph_text(glyphs: list[Glyph]) -> str:
    """Glyphs of one line, left to right, as text; a gap becomes a space only
    between Latin letters (Chinese text and numbers never take spaces)."""
    joined = "".join([g.text for g in glyphs])
    if not _LATIN_RE.search(joined):
        return joined  # no Latin letter, no space to put: most lines of a budget
    out: list[str] = []
    prev: Glyph | None = None
    for g in glyphs:
        if prev is not None and g.x0 - prev.x1 > 0.25 * max(g.size, 1) and out:
            if is_ascii_word_char(out[-1][-1]) and is_ascii_word_char(g.text[0]):
                out.append(" ")
        out.append(g.text)
        prev = g
    return "".join(out)


def group_lines(glyphs: list[Glyph]) -> list[TextLine]:
    """Cluster glyphs into text lines by vertical overlap, top to bottom."""
    lines: list[TextLine] = []
    # each open line's centre as a running sum of its glyphs' centres, added in
    # the order they joined (the same float as summing the list each time)
    total = count = 0.0
    last_size = 0.0
    for g in sorted(glyphs, key=_by_centre_then_left):
        yc, size = g.yc, g.size
        if lines:
            tol = 0.45 * max(min(last_size, size), 1)
            if abs(yc - total / count) <= tol:
                lines[-1].glyphs.append(g)
                total += yc
                count += 1
                last_size = size
                continue
        lines.append(TextLine([g]))
        total, count, last_size = yc, 1, size
    for line in lines:
        line.glyphs.sort(key=_by_left)
        line.words = split_words(line.glyphs)
    return lines


_by_centre_then_left = operator.attrgetter("yc", "x0")
_by_left = operator.attrgetter("x0")


def split_words(glyphs: list[Glyph]) -> list[Word]:
    """Split a line's glyphs into words at gaps wider than a third of the font size."""
    words: list[Word] = []
    current: list[Glyph] = []
    last: Glyph | None = None
    last_digit = False
    digits = _DIGIT_TEXT
    for g in glyphs:
        digit = digits.get(g.text)
        if digit is None:
            digit = digits[g.text] = is_digit_glyph(g)
        if last is not None:
            gap = g.x0 - last.x1
            size = max(g.size, last.size, 1)
            # a code set right against a name ("2010 一般…") still parts at a small gap
            if gap > 0.33 * size or (last_digit != digit and gap > 0.12 * size):
                words.append(_word(current))
                current = []
        current.append(g)
        last, last_digit = g, digit
    if current:
        words.append(_word(current))
    return words


def is_digit_glyph(g: Glyph) -> bool:
    """A glyph of a number (digit, decimal point, thousands separator)."""
    return g.text[:1].isdigit() or g.text[:1] in ".,"


_DIGIT_TEXT: dict[str, bool] = {}  # ``is_digit_glyph`` per glyph text: a document prints a few thousand


def _word(glyphs: list[Glyph]) -> Word:
    if len(glyphs) == 1:
        g = glyphs[0]
        return Word(g.text, g.x0, g.x1, g.top, g.bottom)  # join_glyph_text of one glyph is its text
    return Word(
        join_glyph_text(glyphs),
        glyphs[0].x0,
        glyphs[-1].x1,
        min([g.top for g in glyphs]),
        max([g.bottom for g in glyphs]),
    )


def cluster_positions(values: list[float], tol: float) -> list[float]:
    """Distinct positions: values closer than ``tol`` collapse to their mean."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) for c in out]


def find_frames(rulings: list[Ruling], tol: float = 2.0) -> list[Frame]:
    """Group rulings that touch into frames; keep those that enclose cells
    (at least two horizontal and two vertical rulings)."""
    # the same border drawn twice (WPS draws both cells' edges) counts once;
    # a hostile page with thousands of segments keeps only its longest
    rulings = list({(r.vertical, round(r.pos), round(r.start), round(r.end)): r for r in rulings}.values())
    if len(rulings) > MAX_RULINGS:
        rulings = sorted(rulings, key=lambda r: r.end - r.start, reverse=True)[:MAX_RULINGS]
    n = len(rulings)
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    verticals = [i for i, r in enumerate(rulings) if r.vertical]
    horizontals = [i for i, r in enumerate(rulings) if not r.vertical]
    horizontals.sort(key=lambda j: rulings[j].pos)
    h_pos = [rulings[j].pos for j in horizontals]
    for i in verticals:
        v = rulings[i]
        # only the horizontals whose height lies within the vertical's extent
        for j in horizontals[bisect_left(h_pos, v.start - tol) : bisect_right(h_pos, v.end + tol)]:
            h = rulings[j]
            if h.start - tol <= v.pos <= h.end + tol:
                parent[root(i)] = root(j)
    # collinear overlapping segments of the same orientation belong together too
    for group in (verticals, horizontals):
        ordered = sorted(group, key=lambda i: (round(rulings[i].pos), rulings[i].start))
        for a, b in zip(ordered, ordered[1:]):
            ra, rb = rulings[a], rulings[b]
            if abs(ra.pos - rb.pos) <= tol and rb.start <= ra.end + tol:
                parent[root(a)] = root(b)
    components: dict[int, list[Ruling]] = {}
    for i in range(n):
        components.setdefault(root(i), []).append(rulings[i])
    frames: list[Frame] = []
    for members in components.values():
        vs = [r for r in members if r.vertical]
        hs = [r for r in members if not r.vertical]
        xs = cluster_positions([r.pos for r in vs], tol)
        ys = cluster_positions([r.pos for r in hs], tol)
        if len(xs) < 2 or len(ys) < 2:
            continue
        frames.append(
            Frame(
                x0=min(min(xs), min(r.start for r in hs)),
                x1=max(max(xs), max(r.end for r in hs)),
                top=min(min(ys), min(r.start for r in vs)),
                bottom=max(max(ys), max(r.end for r in vs)),
                xs=xs,
                ys=ys,
                verticals=vs,
                horizontals=hs,
            )
        )
    frames.sort(key=lambda f: (f.top, f.x0))
    return frames


def is_amount_token(text: str) -> bool:
    return bool(AMOUNT_TOKEN_RE.match(text.strip()))


def column_bounds_from_text(lines: list[TextLine]) -> list[float]:
    """Column boundaries of an unruled table from the alignment of its words.

    Amount words give the amount columns (they never overlap each other);
    other words give the text columns, cut where they run into an amount
    column. A column blank in every body row cannot be seen. Returns the x boundaries between
    adjacent columns.
    """
    body = [ln for ln in lines if any(is_amount_token(w.text) for w in ln.words)]
    amount_iv = _merge_intervals(
        [(w.x0, w.x1) for ln in body for w in ln.words if is_amount_token(w.text)]
    )
    text_iv = [(w.x0, w.x1) for ln in body for w in ln.words if not is_amount_token(w.text)]
    text_iv = _merge_intervals(text_iv)
    clusters = list(amount_iv)
    for a, b in text_iv:
        for c, d in amount_iv:
            if a < c < b:
                b = c - 0.5
        if b > a and not any(_overlaps((a, b), iv) for iv in clusters):
            clusters.append((a, b))
    # Header words are not used: a centred header over right-aligned amounts
    # would open a phantom column. (A column blank in every row is lost here;
    # ruled tables keep it.)
    clusters = _merge_intervals(clusters)
    return [(left[1] + right[0]) / 2 for left, right in zip(clusters, clusters[1:])]


def _overlaps(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _merge_intervals(ivs: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for a, b in sorted(ivs):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def column_of(x: float, bounds: list[float]) -> int:
    """Index of the column holding x, given the boundaries between columns."""
    return bisect_right(bounds, x)


def cell_texts(lines: list[TextLine], bounds: list[float], by_word: bool = False) -> list[str]:
    """One row's cell texts: each glyph (or, for unruled tables, each word)
    goes to the column holding its centre; a cell's lines are joined without
    separator (wrapped text and numbers)."""
    return cell_texts_and_lefts(lines, bounds, by_word)[0]


def cell_texts_and_lefts(
    lines: list[TextLine], bounds: list[float], by_word: bool = False
) -> tuple[list[str], list[CellSpan | None]]:
    """``cell_texts`` and, per cell, where its text lies (None for a blank
    cell): the x where its first (topmost) line starts, which shows how far
    a name is indented (the printed hierarchy of name-only and summary
    tables), and the extent of all its text (to place it in the columns of
    another page)."""
    n = len(bounds) + 1
    per_cell: list[list[str]] = [[] for _ in range(n)]
    spans: list[CellSpan | None] = [None] * n
    for line in lines:
        row: list[list[Glyph]] = [[] for _ in range(n)]
        if by_word:
            for w in line.words:
                glyphs = [g for g in line.glyphs if w.x0 <= g.x0 and g.x1 <= w.x1]
                for part in _split_at_bounds(glyphs, bounds):
                    row[column_of((part[0].x0 + part[-1].x1) / 2, bounds)].extend(part)
        else:
            for g in line.glyphs:
                row[column_of(g.xc, bounds)].append(g)
        for i, gs in enumerate(row):
            if gs:
                per_cell[i].append(join_glyph_text(gs))
                x0, x1 = min(g.x0 for g in gs), max(g.x1 for g in gs)
                conf = least_confidence(getattr(g, "confidence", None) for g in gs)
                old = spans[i]
                spans[i] = (CellSpan(x0, x0, x1, conf) if old is None else
                            CellSpan(old.start, min(old.x0, x0), max(old.x1, x1), least_confidence((old.confidence, conf))))
    return ["".join(cell) for cell in per_cell], spans


def least_confidence(values: Iterable[float | None]) -> float | None:
    """The lowest OCR confidence among these (a cell is as sure as its least sure
    character); None when none was read by OCR."""
    known = [v for v in values if v is not None]
    return min(known) if known else None


@dataclass(frozen=True)
class CellSpan:
    """Where a cell's text lies: ``start`` is where its first line begins (an
    offset from the cell's border once a ruled reader knows it), ``x0``..``x1``
    the page extent of all its text."""

    start: float
    x0: float
    x1: float
    # the OCR engine's least confidence in the cell's characters; None for a text layer
    confidence: float | None = None

    def shifted(self, origin: float) -> CellSpan:
        return CellSpan(self.start - origin, self.x0, self.x1, self.confidence)

    def joined(self, other: CellSpan | None) -> CellSpan:
        """This span after another piece of text was read into its cell: where it
        lies stays the first piece's (as before OCR had confidences), its
        confidence is the lesser of the two."""
        if other is None or other.confidence is None:
            return self
        return CellSpan(self.start, self.x0, self.x1, least_confidence((self.confidence, other.confidence)))

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


def em_size(glyphs: list[Glyph], default: float = 10.0) -> float:
    """The width of one character of body text: the median advance of the
    CJK glyphs (square, one em each), else the median glyph height."""
    widths = [g.x1 - g.x0 for g in glyphs if g.text and ord(g.text[0]) >= 0x2E80 and g.x1 > g.x0]
    return statistics.median(widths) if widths else median_size(glyphs, default)


def _split_at_bounds(glyphs: list[Glyph], bounds: list[float]) -> list[list[Glyph]]:
    """A word stays whole unless a column boundary falls in a gap between two
    of its glyphs (two narrow header cells set close: "基本支" | "项目支")."""
    parts: list[list[Glyph]] = [[]]
    for a, b in zip(glyphs, glyphs[1:] + [None]):
        parts[-1].append(a)
        if b is not None and b.x0 - a.x1 > 0.05 * max(a.size, 1):
            if any(a.x1 <= x <= b.x0 for x in bounds):
                parts.append([])
    return [p for p in parts if p]
