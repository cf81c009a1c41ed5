"""The summary tables: 收支总表 / 财政拨款收支总表 (two halves) and 收入总表 / 支出总表 (keyed rows).

``parsers.tables.interpret_grid`` hands every grid of these four kinds here.
What a summary means is in its structure, not in its position on the page:

- **Halves.** A two-sided summary prints an income half and an expenditure
  half, side by side (label | amount … | label | amount …) or stacked (the
  income lines, then the expenditure lines under a 支出 heading).
- **Hierarchy.** Within a half, lines are numbered 一、/（一）/1./（1） or
  not numbered at all, sub-lines start with 其中, and unnumbered sub-lines are
  indented (``Grid.indents``). The depth of a line is the rank of its
  numbering style in the order the half introduces them (一、 before （一）
  before 1.), an unnumbered line sits under the numbered line above it, and
  where the reader measured indentation it decides between unnumbered lines.
- **Line roles** (docs/contracts.md §4): ``total`` (收入总计 / 支出总计, or the
  last 合计 of a half), ``subtotal`` (本年收入合计 / 本年支出合计, or the
  一、本年收入 heading whose sub-lines add up to it), ``item`` for everything
  else; carry-over lines (上年结转, 年终结转结余) are items beside the subtotal.
- **The identities decide** where the structure is unsure. A half reads right
  when its level-0 items add up to its subtotal and the subtotal plus the
  carry-over lines to its total (``countybudget.identities.summary_half_sums``,
  the same rule the quality gate applies). Several readings of the hierarchy
  are tried (structure, indentation only, numbering only, flat); the first
  one under which the half's identities hold is kept. If none does, the
  structural reading is kept and the table says so in its ``warnings``: the
  gate withholds it with that reason rather than publishing a guess.
- **Keyed summaries.** 收入总表 / 支出总表 are keyed by function code or by
  budget unit (单位编码 + 单位名称, or the unit name alone). A code column's
  meaning comes from its header (单位代码 / 部门编码 vs 科目编码 / 功能分类)
  and from its values (unit codes extend their department's code by three
  digits; function codes are 3/5/7 digits under a known 类), never from the
  digit count alone. Unit rows carry ``unit_code`` and ``code: null``.
- **Columns.** Amount columns are keyed from their own header words, then
  from the group header above them (财政拨款 over 一般公共预算 | 政府性基金 |
  国有资本经营, 本年收入 / 上年结转结余 over 小计 …). A column no key fits is
  kept as ``col:<group>/<leaf>``: no printed figure is dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from countybudget.identities import FUNCTION_CLASSES, HalfLine, summary_half_checks, summary_half_sums
from countybudget.table_kinds import COLUMN_KEYS, TableKind
from parsers.model import Grid

K = TableKind
TWO_SIDED_KINDS = frozenset({K.INCOME_EXPENDITURE_SUMMARY, K.FISCAL_APPROPRIATION_SUMMARY})
KEYED_KINDS = frozenset({K.INCOME_SUMMARY, K.EXPENDITURE_SUMMARY})
SUMMARY_KINDS = TWO_SIDED_KINDS | KEYED_KINDS


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


# ------------------------------------------------------------ line words

# Numbering styles, in the order they are tried (the half decides their depth).
NUMBERING: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cn", re.compile(r"^[一二三四五六七八九十百]+[、.．,，]")),
    ("paren_cn", re.compile(r"^[（(][一二三四五六七八九十百]+[)）]")),
    ("arabic", re.compile(r"^\d{1,2}[、.．,，](?!\d)")),
    ("paren_arabic", re.compile(r"^[（(]\d{1,2}[)）]")),
    ("circled", re.compile(r"^[①②③④⑤⑥⑦⑧⑨⑩]")),
)
OF_WHICH_RE = re.compile(r"^其中[:：]?")
_NUMBER_PREFIX_RE = re.compile(
    r"^(其中[:：]?)?([一二三四五六七八九十百]+[、.．,，]|[（(][一二三四五六七八九十百]+[)）]|\d{1,2}[、.．,，](?!\d)"
    r"|[（(]\d{1,2}[)）]|[①②③④⑤⑥⑦⑧⑨⑩])?"
)

# Words of the summing lines, matched on the name without its numbering.
TOTAL_WORDS_RE = re.compile(r"^(收入|支出|收支)?(总计|总合计)$|^(收入|支出)?合计$|^(收入|支出)总计")
SUBTOTAL_WORDS_RE = re.compile(r"^本年(收入|支出)(合计|小计|总计)?$|^(本年)?(收入|支出)?小计$")
CARRY_WORDS_RE = re.compile(r"结转|结余|弥补|滚存")
SIDE_HEADING_RE = re.compile(r"^(本年)?(财政拨款)?(收入|支出)(预算|决算)?$|^(收|支)$")
NOTE_LINE_RE = re.compile(r"^(注|备注|说明)[:：]")


def numbering_style(name: str) -> str | None:
    for style, pattern in NUMBERING:
        if pattern.match(name):
            return style
    return None


def bare_name(name: str | None) -> str:
    """The name without 其中： and its 一、/（一）/1. numbering, normalised."""
    return _NUMBER_PREFIX_RE.sub("", _norm(name), count=1)


# ------------------------------------------------------------ one half


@dataclass
class Line:
    """One printed line of a summary half, as read."""

    name: str | None
    amounts: dict[str, str | None]
    page: int | None
    indent: float | None = None
    code: str | None = None  # a function code printed on the line (201 / 20101 / 2010101)
    style: str | None = None  # numbering style, see NUMBERING
    of_which: bool = False
    word: str | None = None  # "total" | "subtotal" | "carry" | None (from its words)
    role: str = "item"
    level: int | None = 0


@dataclass
class HalfReading:
    lines: list[Line]
    reading: str  # which reading of the hierarchy was kept
    holds: bool | None  # the half's identities hold (None: nothing to check)
    problems: list[str] = field(default_factory=list)


def classify_words(line: Line) -> None:
    name = _norm(line.name)
    # a printed function code is a numbering of its own: 类, 款 and 项 rank like 一、/（一）/1.
    line.style = f"code{len(line.code)}" if line.code else numbering_style(name)
    line.of_which = bool(OF_WHICH_RE.match(name))
    bare = bare_name(line.name)
    if TOTAL_WORDS_RE.search(bare):
        line.word = "total"
    elif SUBTOTAL_WORDS_RE.match(bare):
        line.word = "subtotal"
    elif CARRY_WORDS_RE.search(bare):
        line.word = "carry"


def assign_roles(lines: list[Line]) -> None:
    """total / subtotal / item from the words and the order of the summing lines.

    The last total-worded line is the half's total; a 本年…合计 line (or, when
    a 总计 follows, an earlier 合计) is its subtotal. A half whose only summing
    line is 合计 / 收入合计 has a total and no subtotal.
    """
    for line in lines:
        line.role = "item"
    totals = [i for i, l in enumerate(lines) if l.word == "total"]
    subtotals = [i for i, l in enumerate(lines) if l.word == "subtotal"]
    if totals:
        # 总计 outranks 合计: with both printed, 合计 is the subtotal (福州 prints 收入合计 last)
        grand = [i for i in totals if "总计" in bare_name(lines[i].name)]
        t = grand[-1] if grand else totals[-1]
        lines[t].role = "total"
        for i in totals:
            if i != t and not subtotals and i < t:
                subtotals.append(i)
    if subtotals:
        lines[subtotals[0]].role = "subtotal"


def _structural_levels(lines: list[Line], use_indents: bool, use_numbering: bool) -> list[int]:
    """Depth of each line, read as an outline.

    A line in a numbering style already open above (一、 after 1.) closes the
    lines below that style and is their sibling; a style not yet open (1.
    under 一、, an unnumbered line under a numbered one, 其中) opens one level
    deeper. Where the reader measured indentation, unnumbered lines are
    placed by it instead (further right = deeper). Summing lines and
    unnumbered carry-over lines start again at level 0, and so does the line
    right after an unnumbered 本年收入合计 / 总计 (二十七、结转下年 continues the
    numbering of the items above but is no item of theirs). A numbered
    subtotal (一、本年收入) is a heading in the outline: its sub-lines follow.
    """
    stack: list[tuple[str, int, float | None]] = []  # (style, level, indent) of the open lines
    levels: list[int] = []
    fresh = False  # the line before was an unnumbered summing line
    for line in lines:
        style = "of_which" if line.of_which else (line.style if use_numbering and line.style else "plain")
        indent = line.indent if use_indents else None
        summing = line.role in ("subtotal", "total")
        if summing or (line.word == "carry" and style == "plain") or (fresh and style != "of_which"):
            stack = [(style, 0, indent)]
            levels.append(0)
            fresh = summing and style == "plain"
            continue
        fresh = False
        if style == "plain" and indent is not None and any(e[2] is not None for e in stack):
            level = None
            while stack:
                top = stack[-1]
                if top[2] is None or top[2] < indent - 0.4:
                    level = top[1] + 1
                    break
                if abs(top[2] - indent) <= 0.4 and top[0] == "plain":
                    stack.pop()
                    level = top[1]
                    break
                stack.pop()
            if level is None:
                level = 0
            stack.append((style, level, indent))
            levels.append(level)
            continue
        open_styles = [e[0] for e in stack]
        if style in open_styles and style != "of_which":
            k = len(open_styles) - 1 - open_styles[::-1].index(style)
            level = stack[k][1]
            del stack[k:]
        elif style == "of_which" and stack and stack[-1][0] == "of_which":
            level = stack[-1][1]
            stack.pop()
        else:
            level = stack[-1][1] + 1 if stack else 0
        stack.append((style, level, indent))
        levels.append(level)
    return levels


def _flat_levels(lines: list[Line]) -> list[int]:
    return [1 if l.of_which else 0 for l in lines]


def _top_numbered_levels(lines: list[Line]) -> list[int]:
    """Only lines in the half's first numbering style (and the summing and
    unnumbered carry-over lines) are top level; everything else is below."""
    first = next((l.style for l in lines if l.style), None)
    out = []
    for l in lines:
        if l.role != "item" or (l.word == "carry" and l.style is None):
            out.append(0)
        else:
            out.append(0 if first is not None and l.style == first and not l.of_which else 1)
    return out


def half_lines(lines: list[Line]) -> list[HalfLine]:
    return [HalfLine(l.role, l.level, l.amounts) for l in lines]


def read_half(lines: list[Line], columns: list[str]) -> HalfReading:
    """Roles and levels of one half, the reading under which its identities hold."""
    for line in lines:
        classify_words(line)
    assign_roles(lines)
    has_indents = any(l.indent is not None for l in lines)
    candidates: list[tuple[str, list[int]]] = []
    if has_indents:
        candidates.append(("structure", _structural_levels(lines, use_indents=True, use_numbering=True)))
        candidates.append(("indentation", _structural_levels(lines, use_indents=True, use_numbering=False)))
    candidates.append(("numbering", _structural_levels(lines, use_indents=False, use_numbering=True)))
    candidates.append(("top_numbered", _top_numbered_levels(lines)))
    candidates.append(("flat", _flat_levels(lines)))
    literal_name, literal = candidates[0]
    literal_checks = _sum_checks(lines, literal, columns)
    seen: list[list[int]] = []
    for name, levels in candidates:
        if levels in seen:
            continue
        seen.append(levels)
        checks = literal_checks if levels == literal else _sum_checks(lines, levels, columns)
        # a reading is kept only if every sum it checks holds and it checks no fewer sums
        # than the literal one (a reading that leaves a subtotal without parts proves nothing)
        if all(c.holds for c in checks) and len(checks) >= len(literal_checks):
            for line, lv in zip(lines, levels):
                line.level = lv
            return HalfReading(lines, name, True if checks else None)
    for line, lv in zip(lines, literal):
        line.level = lv
    problems = [p for column in columns for p in summary_half_sums(half_lines(lines), column)]
    return HalfReading(lines, literal_name, False, problems)


def _sum_checks(lines: list[Line], levels: list[int], columns: list[str]):
    trial = [HalfLine(l.role, lv, l.amounts) for l, lv in zip(lines, levels)]
    return [c for column in columns for c in summary_half_checks(trial, column)]


# ------------------------------------------------------------ column keys

# Header words → key per summary kind, first match wins. The words are matched
# on a column's own header text (leaf plus wrapped fragments); a generic leaf
# (小计 / 合计 / 金额) takes the key of its group header.
INCOME_SUMMARY_KEYS: tuple[tuple[str, str], ...] = (
    (r"本年收入(小计|合计)", "current_year_subtotal"),
    (r"上年结转|结转结余|上年结余|结余[、,，]?结转|^[、,，]?结转$", "carryover"),
    (r"财政专户", "fiscal_special_account"),
    (r"一般公共预算", "general_budget"),
    (r"政府性基金", "government_fund"),
    (r"国有资本经营", "state_capital"),
    (r"财政拨款|预算拨款", "fiscal_appropriation"),
    (r"事业单位经营|^经营收入", "operating"),
    (r"事业收入", "business"),
    (r"上级补助", "superior_subsidy"),
    (r"附属单位上缴|位上缴收入", "subordinate_remittance"),
    (r"其他收入", "other"),
    (r"^(合计|总计|收入总计|收入合计|本年收入合计)$", "total"),
)
EXPENDITURE_SUMMARY_KEYS: tuple[tuple[str, str], ...] = (
    (r"基本支出", "basic"),
    (r"项目支出", "project"),
    (r"上缴上级", "remittance_to_superior"),
    (r"附属单位补助|对附属单位", "subsidy_to_subordinate"),
    (r"经营支出", "operating"),
    (r"^(合计|总计|支出总计|支出合计|本年支出合计|小计|预算数|金额|预算|本年预算|决算数)$", "total"),
)
# the expenditure half of a 收支总表 printing 合计 | 基本支出 (人员经费 | 公用经费) | 项目支出
HALF_KEYS: dict[str, tuple[tuple[str, str], ...]] = {
    K.INCOME_EXPENDITURE_SUMMARY.value: (
        (r"人员经费|人员支出", "personnel"),
        (r"公用经费|公用支出", "public"),
        (r"基本支出", "basic"),
        (r"项目支出", "project"),
    ),
    K.FISCAL_APPROPRIATION_SUMMARY.value: (
        (r"一般公共预算", "general_budget"),
        (r"政府性基金", "government_fund"),
        (r"国有资本经营", "state_capital"),
    ),
}
# Group header words → the key a generic 小计 / 合计 leaf under them takes.
GROUP_KEYS: tuple[tuple[str, str], ...] = (
    (r"本年收入", "current_year_subtotal"),
    (r"上年结转|结转结余|上年结余", "carryover"),
    (r"财政拨款|预算拨款", "fiscal_appropriation"),
    (r"财政专户", "fiscal_special_account"),
    (r"基本支出", "basic"),
)
# A group whose sub-columns are no key's own (the parts of a carry-over).
OPAQUE_GROUPS = re.compile(r"上年结转|结转结余|上年结余")
GENERIC_LEAF_RE = re.compile(r"^(其中[:：]?)?(小计|合计|总计|金额|预算数|预算|决算数|本年预算|计|数)?$")
AMOUNT_WORDS_RE = re.compile(r"^(\d{4}年)?(预算数|预算|金额|决算数|本年预算|执行数|合计)$")


@dataclass
class HeaderColumn:
    own: str  # the column's own header words (leaf and wrapped fragments)
    group: str  # the group header above it ("" if none)


def header_columns(header: list[list[str | None]], width: int) -> list[HeaderColumn]:
    """Each column's own header words and its group header.

    A header cell whose span (to the next filled cell of its row) holds two
    or more filled cells in the rows below is a group label; other cells are
    the column's own words, a label wrapped over two rows included
    (财政专户管理 / 资金, 附属单 / 位上缴收入).
    """
    rows = [[_norm(c) if c else "" for c in (r + [None] * (width - len(r)))[:width]] for r in header]
    rows = [r for r in rows if not _is_number_row(r)]
    own = [""] * width
    group = [""] * width
    for r, row in enumerate(rows):
        filled = [i for i, c in enumerate(row) if c]
        for k, i in enumerate(filled):
            end = filled[k + 1] if k + 1 < len(filled) else width
            below = {j for rr in rows[r + 1 :] for j in range(i, end) if rr[j]}
            if len(below) >= 2:
                for j in range(i, end):
                    if j in below or any(rr[j] for rr in rows[r + 1 :]):
                        group[j] = (group[j] + "/" if group[j] else "") + row[i]
            else:
                own[i] += row[i]
    return [HeaderColumn(own[i], group[i]) for i in range(width)]


def _is_number_row(row: list[str]) -> bool:
    cells = [c for c in row if c]
    return bool(cells) and (any(c in ("栏次", "行次") for c in cells) or (len(cells) >= 3 and all(c.isdigit() for c in cells)))


def col_key(column: HeaderColumn) -> str:
    words = "/".join(w for w in (column.group, column.own) if w)
    return "col:" + (words or "?")


def key_columns(columns: dict[int, HeaderColumn], rules: tuple[tuple[str, str], ...], allowed: tuple[str, ...],
                default: str | None = None) -> dict[int, str]:
    """A key per amount column.

    A generic leaf (小计 / 合计 / 预算数) takes its group header's key (小计
    under 本年收入 is the current-year subtotal, under 上年结转结余 the
    carry-over); a specific leaf its own words' key, except under an opaque
    group (the parts of a carry-over are not the current year's sources);
    what is left is ``default`` for a generic leaf, else a ``col:`` key.
    """
    keys: dict[int, str] = {}
    used: set[str] = set()
    for i in sorted(columns):
        col = columns[i]
        generic = bool(GENERIC_LEAF_RE.match(col.own)) or bool(AMOUNT_WORDS_RE.match(col.own))
        in_opaque = bool(OPAQUE_GROUPS.search(col.group))
        key = None
        if generic and col.group:
            key = _match(col.group.split("/")[-1], GROUP_KEYS, allowed, used) or _match(col.group, GROUP_KEYS, allowed, used)
        if key is None and not (in_opaque and not generic):
            key = _match(col.own, rules, allowed, used)
        if key is None and generic and default and default not in used and default in allowed:
            key = default
        if key is None:
            key = col_key(col)
            while key in used:
                key += "'"
        keys[i] = key
        used.add(key)
    return keys


def _match(text: str, rules, allowed, used: set[str]) -> str | None:
    for pattern, key in rules:
        if key in used or key not in allowed:
            continue
        if text and re.search(pattern, text):
            return key
    return None


# ------------------------------------------------------------ two halves

FIGURE_HEADER_RE = re.compile(r"预算数|决算数|执行数|金额|合计|预算$|^(\d{4}年)?(本年)?预算")
LINE_CODE_RE = re.compile(r"^[\[【(（]?(\d{3}(?:\d{2}){0,2})[\]】)）]?[-—.、\s]*(\D.*)$")


def figure_column(cols: dict[int, HeaderColumn]) -> int | None:
    """The column a half's lines are compared in (``amount``): the first one,
    unless several print a whole figure (上年预算数 | 本年预算数, 预算数 |
    决算数), then this year's, the latest year's, or the final account's."""
    if not cols:
        return None
    figures = [i for i, c in cols.items() if FIGURE_HEADER_RE.search(c.own or c.group)]
    if len(figures) <= 1:
        return min(cols)

    def rank(i: int):
        text = cols[i].group + cols[i].own
        years = [int(y) for y in re.findall(r"(20\d\d)", text)]
        return ("上年" not in text, bool(re.search("决算|执行", text)), max(years) if years else 0, -i)

    return max(figures, key=rank)


def _half_code_columns(layout, segments) -> list[int | None]:
    """The code column (科目编码) of each half: the one left of its labels."""
    out: list[int | None] = []
    previous_end = -1
    for seg in segments:
        start = min(seg.label_cols) if seg.label_cols else min(seg.amount_cols or [0])
        code = layout.code_col if layout.code_col is not None and previous_end < layout.code_col < start else None
        out.append(code)
        previous_end = max([*seg.label_cols, *seg.amount_cols] or [previous_end])
    return out


def raw_segments(layout):
    """The label…amount column groups with every amount column (the shared
    layout keeps only the columns its vocabulary keys)."""
    from parsers.tables import _segments

    label_cols = sorted({i for s in layout.segments for i in s.label_cols})
    return _segments(label_cols, list(layout.amount_cols))


def two_sided_rows(layout, header, body, pages, indents, kind: TableKind) -> tuple[list[dict], list[str], list[str]]:
    """Rows of a 收支总表 / 财政拨款收支总表 with side, role and level, the
    column keys in order, and the table's warnings."""
    from parsers.tables import amount_of, is_blank_mark

    width = max((len(r) for r in header + body), default=0)
    hcols = header_columns(header, width)
    segments = raw_segments(layout)
    sides: list[str | None] = ["income", "expenditure"] if len(segments) >= 2 else [None]
    segments = segments[: len(sides)]
    allowed = COLUMN_KEYS.get(kind.value, ())
    seg_keys: list[dict[int, str]] = []
    for seg, side in zip(segments, sides):
        cols = {i: hcols[i] for i in seg.amount_cols}
        first = figure_column(cols)
        if side != "expenditure" or kind is K.INCOME_EXPENDITURE_SUMMARY or len(cols) == 1:
            # one figure per line (预算数), or 合计 first and its parts after it
            rules = HALF_KEYS.get(kind.value, ()) if side == "expenditure" else ()
            keys = key_columns({i: c for i, c in cols.items() if i != first}, rules, allowed)
            if first is not None:
                keys[first] = "amount"
        else:  # the expenditure half of 财政拨款收支总表: 合计 | 一般公共预算 | 政府性基金 | 国有资本经营
            keys = key_columns(cols, HALF_KEYS.get(kind.value, ()), allowed, "total")
            if "total" not in keys.values() and first is not None and keys[first].startswith("col:"):
                keys[first] = "total"
        seg_keys.append(keys)

    code_cols = _half_code_columns(layout, segments)
    ordered: list[dict] = []
    halves: dict[str | None, list[tuple[Line, dict]]] = {s: [] for s in sides}
    for r, (row, page) in enumerate(zip(body, pages)):
        for seg, side, keys, code_col in zip(segments, sides, seg_keys, code_cols):
            parts = [(i, row[i]) for i in seg.label_cols if i < len(row) and row[i] and not is_blank_mark(row[i])]
            label = "".join(t for _, t in parts).strip() or None
            code = None
            if code_col is not None and code_col < len(row) and row[code_col]:
                digits = re.sub(r"\D", "", _norm(row[code_col]))
                code = digits if len(digits) in (3, 5, 7) else None
            if code is None and label:
                m = LINE_CODE_RE.match(unicodedata.normalize("NFKC", label).strip())
                if m:
                    code, label = m.group(1), m.group(2).strip()
            amounts = {keys[i]: amount_of(row[i]) if i < len(row) else None for i in sorted(keys)}
            if label is None and not any(v is not None for v in amounts.values()):
                continue
            if label and NOTE_LINE_RE.match(_norm(label)) and not any(v is not None for v in amounts.values()):
                continue  # 注：… printed under the table
            indent = None
            if indents is not None and parts and r < len(indents) and indents[r] is not None:
                i0 = parts[0][0]
                indent = indents[r][i0] if i0 < len(indents[r]) else None
            out = {"code": code, "name": label, "item": None, "side": side, "page": page, "amounts": amounts}
            if code is not None:
                out["code_source"] = "printed"
            ordered.append(out)
            halves[side].append((Line(label, amounts, page, indent, code=code), out))
    if sides == [None]:
        split = _split_stacked(halves[None])
        if split is not None:
            halves, dropped = split
            ordered = [r for r in ordered if id(r) not in dropped]
            sides = ["income", "expenditure"]
    warnings: list[str] = []
    for side in sides:
        entries = halves.get(side) or []
        lines = [line for line, _ in entries]
        columns = sorted({k for line in lines for k in line.amounts})
        reading = read_half(lines, columns)
        for line, out in entries:
            out["side"] = side
            out["role"] = line.role
            out["level"] = line.level
        if reading.holds is False:
            label = {"income": "income", "expenditure": "expenditure", None: "the"}[side]
            warnings.append(
                f"{label} half: no reading of its hierarchy (numbering, 其中, indentation) makes its lines "
                f"add up: {'; '.join(reading.problems[:3])}"
            )
    columns_out: list[str] = []
    for keys in seg_keys:
        for _, key in sorted(keys.items()):
            if key not in columns_out:
                columns_out.append(key)
    return ordered, columns_out, warnings


def _split_stacked(entries: list[tuple[Line, dict]]):
    """One label column holding both halves, stacked: the income lines, then
    the expenditure lines (after a 支出 heading, or after the income half's
    总计 when a 支出总计 follows). None when the lines are one half."""
    names = [bare_name(line.name) for line, _ in entries]
    split = next((i for i, n in enumerate(names) if i and SIDE_HEADING_RE.match(n) and "支" in n), None)
    if split is None:
        for i, name in enumerate(names):
            if re.search(r"^收入(总计|合计)$", name) and any(re.search(r"^支出(总计|合计)$", n) for n in names[i + 1 :]):
                split = i + 1
                break
    if split is None:
        return None
    dropped = {
        id(out) for (line, out), n in zip(entries, names)
        if SIDE_HEADING_RE.match(n) and not any(v is not None for v in line.amounts.values())
    }
    halves = {
        "income": [e for e in entries[:split] if id(e[1]) not in dropped],
        "expenditure": [e for e in entries[split:] if id(e[1]) not in dropped],
    }
    return halves, dropped


# ------------------------------------------------------------ keyed summaries

UNIT_HEADER_RE = re.compile(r"单位|部门")
FUNCTION_HEADER_RE = re.compile(r"科目|功能|分类")
UNIT_IN_NAME_RE = re.compile(r"^(\d{3,9})\s*[-—.、]?\s*(\D.*)$")
TOTAL_NAME_RE = re.compile(r"^(合计|总计|小计|收入总计|支出总计|收入合计|支出合计)$")


def code_column_meaning(header_text: str, values: list[str]) -> str:
    """"unit" or "function": a code column's meaning from its header words,
    else from its values (unit codes extend a printed code by three digits or
    are no 3/5/7-digit code under a known 类)."""
    header_text = _norm(header_text)
    if UNIT_HEADER_RE.search(header_text) and not FUNCTION_HEADER_RE.search(header_text):
        return "unit"
    if FUNCTION_HEADER_RE.search(header_text):
        return "function"
    codes = [re.sub(r"\D", "", v) for v in values if v and re.sub(r"\D", "", v)]
    if not codes:
        return "function"
    printed = set(codes)
    by_three = sum(1 for c in codes if len(c) > 3 and c[:-3] in printed)
    by_two = sum(1 for c in codes if len(c) > 3 and c[:-2] in printed)
    not_function = sum(1 for c in codes if len(c) not in (3, 5, 7) or c[:3] not in FUNCTION_CLASSES)
    if by_three > by_two or not_function * 2 > len(codes):
        return "unit"
    return "function"


def keyed_rows(layout, header, body, pages, kind: TableKind) -> tuple[list[dict], list[str], list[str]]:
    """Rows of a 收入总表 / 支出总表: by function code, by budget unit, or
    both (unit rows each over their function rows)."""
    from parsers.tables import _label_in_code_columns, _name_and_code, _row_code, amount_of, is_blank_mark

    width = max((len(r) for r in header + body), default=0)
    hcols = header_columns(header, width)
    htexts = layout.header_texts
    if not layout.segments:
        return [], [], []
    seg = layout.segments[0]
    seg = type(seg)(sorted({i for s in layout.segments for i in s.label_cols}), {i: "" for i in layout.amount_cols})
    allowed = COLUMN_KEYS.get(kind.value, ())
    rules = INCOME_SUMMARY_KEYS if kind is K.INCOME_SUMMARY else EXPENDITURE_SUMMARY_KEYS
    keys = key_columns({i: hcols[i] for i in seg.amount_cols}, rules, allowed, "total")

    code_col = layout.code_col
    meaning = "function"
    if code_col is not None and not layout.split_code_cols:
        values = [r[code_col] for r in body if code_col < len(r) and r[code_col]]
        meaning = code_column_meaning(htexts[code_col] if code_col < len(htexts) else "", values)
    unit_label_cols = [
        i for i in seg.label_cols
        if i < len(htexts) and UNIT_HEADER_RE.search(htexts[i]) and not FUNCTION_HEADER_RE.search(htexts[i])
    ]
    function_label_cols = [i for i in seg.label_cols if i not in unit_label_cols]
    function_coded = bool(layout.split_code_cols) or (code_col is not None and meaning == "function")
    by_unit = meaning == "unit" or bool(unit_label_cols)

    rows: list[dict] = []
    split_parts = ["", "", ""]
    for row, page in zip(body, pages):
        amounts = {keys[i]: amount_of(row[i]) if i < len(row) else None for i in sorted(keys)}
        unit_text = "".join(row[i] for i in unit_label_cols if i < len(row) and row[i] and not is_blank_mark(row[i]))
        func_text = "".join(row[i] for i in function_label_cols if i < len(row) and row[i] and not is_blank_mark(row[i]))
        unit_code = None
        code = None
        if function_coded:
            code, split_parts = _row_code(row, layout, split_parts)
        elif code_col is not None and code_col < len(row) and row[code_col]:
            raw = _norm(row[code_col])
            if re.fullmatch(r"\d+", raw):
                unit_code = raw
            elif not unit_text and not func_text:
                unit_text = row[code_col]  # 合计 printed in the code column
        label = (unit_text or func_text).strip()
        if not label:
            label = _label_in_code_columns(row, layout)  # 合计 printed across the code columns
        name, code = _name_and_code(label, code, kind) if (function_coded or not by_unit) else (label or None, None)
        if by_unit and not function_coded and name and unit_code is None:
            m = UNIT_IN_NAME_RE.match(name.strip())
            if m and not TOTAL_NAME_RE.match(_norm(m.group(2))):
                unit_code, name = m.group(1), m.group(2).strip()
        if not name and code is None and unit_code is None and not any(v is not None for v in amounts.values()):
            continue
        if name and NOTE_LINE_RE.match(_norm(name)) and not any(v is not None for v in amounts.values()):
            continue
        is_total = bool(name) and code is None and unit_code is None and bool(TOTAL_NAME_RE.match(_norm(name)))
        is_unit = not is_total and code is None and (unit_code is not None or (by_unit and bool(unit_text or not function_coded)))
        out = {"code": code, "name": name, "item": None, "side": None, "page": page, "amounts": amounts,
               "role": "total" if is_total else "item", "level": 0 if (is_total or is_unit) else None}
        if code is not None:
            out["code_source"] = "printed"
        if is_unit:
            out["unit_code"] = unit_code
            out["_unit"] = True
        rows.append(out)
    _unit_hierarchy(rows, keys)
    for r in rows:
        r.pop("_unit", None)
    columns: list[str] = []
    for _, key in sorted(keys.items()):
        if key not in columns:
            columns.append(key)
    warnings = _column_outside_its_total(rows, columns, keys, hcols, kind)
    columns = [k for _, k in sorted(keys.items())]
    return rows, list(dict.fromkeys(columns)), warnings


def _column_outside_its_total(rows: list[dict], columns: list[str], keys: dict[int, str],
                              hcols: list[HeaderColumn], kind: TableKind) -> list[str]:
    """Identity-guided column roles: where 合计 ≠ the sum of its part columns
    on some rows but equals it on every row once one part column is left
    out, that column is no part of the total in this table (深圳 prints
    事业单位经营支出 inside 基本支出 / 项目支出). It keeps its figures under
    its printed header as a ``col:`` key, and the table says so."""
    from countybudget.identities import ROW_TOTAL_RULES, check_row_totals

    def failures(cols: list[str], body: list[dict]) -> int:
        return len(check_row_totals({"tables": [{"kind": kind.value, "columns": cols, "rows": body}]}))

    if not failures(columns, rows):
        return []
    parts = [p for _, ps in ROW_TOTAL_RULES.get(kind.value, ()) for p in ps]
    for i, key in sorted(keys.items()):
        if key not in parts:
            continue
        if sum(1 for r in rows if _dec(r["amounts"].get(key))) < 2:
            continue  # a column of zeros changes no sum; one figure alone is no pattern (a publisher slip)
        new_key = col_key(hcols[i])
        renamed = [{**r, "amounts": {(new_key if k == key else k): v for k, v in r["amounts"].items()}} for r in rows]
        cols = [new_key if c == key else c for c in columns]
        if failures(cols, renamed) == 0:
            for r, new in zip(rows, renamed):
                r["amounts"] = new["amounts"]
            keys[i] = new_key
            return [f"column {new_key[4:]!r} is not part of the total in this table (the rows add up without it): "
                    f"kept as {new_key!r}, not as {key!r}"]
    return []


def _unit_hierarchy(rows: list[dict], keys: dict[int, str]) -> None:
    """Levels and roles of unit rows: a unit code under its department's code
    (305 → 305001), or, by name only, a first row that adds up the units
    below it; a unit row over other units or over function rows sums them."""
    units = [i for i, r in enumerate(rows) if r.get("_unit")]
    if not units:
        return
    has_total = any(r["role"] == "total" for r in rows)
    codes = {rows[i]["unit_code"]: i for i in units if rows[i].get("unit_code")}
    if codes:
        for i in units:
            code = rows[i].get("unit_code")
            if not code:
                continue
            parents = [c for c in codes if c != code and code.startswith(c)]
            rows[i]["level"] = len(parents)
    else:
        column = "total" if "total" in keys.values() else next(iter(sorted(keys.values())), None)
        first, rest = units[0], units[1:]
        if column and len(rest) >= 1:
            head = _dec(rows[first]["amounts"].get(column))
            parts = [_dec(rows[i]["amounts"].get(column)) for i in rest]
            if head is not None and all(p is not None for p in parts) and _close(head, parts):
                for i in rest:
                    rows[i]["level"] = 1
    for n, i in enumerate(units):
        level = rows[i]["level"] or 0
        following = units[n + 1 :]
        child_units = False
        for j in following:
            if (rows[j]["level"] or 0) <= level:
                break
            child_units = True
        next_unit = following[0] if following else len(rows)
        child_functions = any(rows[k].get("code") for k in range(i + 1, next_unit))
        if child_units or child_functions:
            rows[i]["role"] = "subtotal"
    tops = [i for i in units if (rows[i]["level"] or 0) == 0]
    if not has_total and len(tops) == 1:
        # the one top unit row is the table's total: over its units or function rows, or alone
        rows[tops[0]]["role"] = "total"


def _dec(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text is not None else None
    except Exception:
        return None


def _close(head: Decimal, parts: list[Decimal]) -> bool:
    from countybudget.identities import sum_beyond_rounding

    return sum_beyond_rounding(head, list(parts)) is None


# ------------------------------------------------------------ entry point


def interpret_summary(table: dict, grid: Grid, header, body, pages, body_rows: list[int], kind: TableKind) -> dict:
    """Fill ``table`` (rows, columns, warnings) for one of the four summary kinds."""
    from parsers.tables import column_layout

    layout = column_layout(header, body, kind)
    if kind in TWO_SIDED_KINDS:
        indents = None
        if grid.indents is not None:
            indents = [grid.indents[i] if i < len(grid.indents) else None for i in body_rows]
        rows, columns, warnings = two_sided_rows(layout, header, body, pages, indents, kind)
    else:
        rows, columns, warnings = keyed_rows(layout, header, body, pages, kind)
        # the function rows' codes as the code lists settle them (parsers/codes.py): a 类 / 款 row
        # printed with its name only, or a table printed with names only, gets its code inferred;
        # a table keyed by unit alone has no function codes to settle
        unit_keyed = any("unit_code" in r for r in rows)
        if not unit_keyed or any(r.get("code") for r in rows):
            from parsers import codes

            table["rows"] = rows
            labels = layout.segments[0].label_cols if layout.segments else []
            code_header = layout.header_texts[layout.code_col] if layout.code_col is not None else None
            codes.resolve_codes(table, kind, codes.grid_name_cells(grid, len(header), labels), code_header)
            warnings = [*(table.pop("warnings", None) or []), *warnings]
    table["rows"] = rows
    table["columns"] = columns
    if warnings:
        table["warnings"] = list(table.get("warnings") or []) + warnings
    return table
