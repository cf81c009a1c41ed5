"""Format-independent table interpretation: a ``Grid`` becomes a typed table
dict of the parse-output contract (docs/contracts.md §4).

Everything here works from words, never from coordinates: the table kind
from the title (or header words), the unit from ``单位：…``, column keys from
the header text, codes from code columns, ``类 | 款 | 项`` columns or a code
printed in front of the name, and the two halves of a summary from the
repeating label | amount column pattern. PDF, DOCX and XLSX grids all come
through here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from countybudget.money import UNIT_LABEL_RE as UNIT_RE
from countybudget.table_kinds import COLUMN_KEYS, TableKind
from parsers import codes
from parsers import columns as colroles
from parsers.model import Grid
from parsers.summary import SUMMARY_KINDS, interpret_summary

K = TableKind

NOTE_RE = re.compile(r"(本表无数据|无数据|空表|本表为空|无此项|不涉及|没有[^，。]*?(收入|支出|经费|项目|数据)|^注[:：]|^备注[:：])")
TOTAL_RE = re.compile(r"^(合计|总计|小计|本年收入合计|本年支出合计|收入总计|支出总计|[^一二三四五六七八九十（(]*总计)$")
CODE_IN_NAME_RE = re.compile(r"^[\[【(（]?\s*(\d{3}(?:\d{2}){0,3})\s*[\]】)）]?\s*[-—.、]?\s*(\D.*)?$")
PROJECT_CODE_RE = re.compile(r"^[0-9A-Z]{8,}[0-9A-Z\-]*$")
COLUMN_NUMBER_RE = re.compile(r"^\d{1,2}$")

# Header words of non-amount columns.
SERIAL_WORDS = ("序号", "行次", "栏次")
CODE_WORDS = ("编码", "代码", "科目号")
SPLIT_CODE_PARTS = ("类", "款", "项")

# Title words → table kind, first match wins (more specific titles first). The
# title is matched without its "2024年部门…" prefix (see ``_title_core``).
TITLE_KINDS: tuple[tuple[re.Pattern[str], TableKind], ...] = (
    (re.compile(r"绩效"), K.PERFORMANCE_TARGETS),
    (re.compile(r"三公"), K.THREE_PUBLIC_EXPENSES),
    (re.compile(r"政府采购"), K.GOVERNMENT_PROCUREMENT),
    (re.compile(r"机关运行经费"), K.OFFICE_OPERATING_EXPENSES),
    (re.compile(r"行政经费|购买服务|国有资产|目录"), K.UNKNOWN),
    (re.compile(r"政府性基金"), K.GOVERNMENT_FUND_EXPENDITURE),
    (re.compile(r"国有资本经营"), K.STATE_CAPITAL_EXPENDITURE),
    (re.compile(r"财政拨款收入?支出?"), K.FISCAL_APPROPRIATION_SUMMARY),
    (re.compile(r"收入?支出?(预算|决算)?(总|情况表|表)|收入支出"), K.INCOME_EXPENDITURE_SUMMARY),
    (re.compile(r"^收入|收入(预算|决算)?总|收入总体|收入(预算|决算)?(情况)?表"), K.INCOME_SUMMARY),
    (re.compile(r"基本支出.*(经济|表)|经济分类"), K.BASIC_EXPENDITURE_BY_ECONOMIC),
    (re.compile(r"项目支出"), K.PROJECT_EXPENDITURE),
    (re.compile(r"^(本年)?支出|支出(预算|决算)?总|支出总体"), K.EXPENDITURE_SUMMARY),
    (re.compile(r"(一般公共预算|财政拨款).*支出|功能分类"), K.EXPENDITURE_BY_FUNCTION),
)
_TITLE_PREFIX_RE = re.compile(
    r"^(.*?\d{4}\s*年度?)?\s*(部门|单位|预算单位|部门预算|单位预算|部门综合预算|单位综合预算|部门决算|单位决算)?"
)


def _title_core(title: str) -> str:
    """The title without the year and the 部门/单位 prefix: "2023年支出决算表" → "支出决算表"."""
    return _TITLE_PREFIX_RE.sub("", title, count=1)


# Header words → column key, per kind; first match per column wins.
_TOTAL = r"合计|小计|总计|预算数|金额|预算$|本年预算|决算数"
HEADER_KEYS: dict[str, tuple[tuple[str, str], ...]] = {
    K.EXPENDITURE_BY_FUNCTION.value: (("基本支出", "basic"), ("项目支出", "project"), (_TOTAL, "total")),
    K.GOVERNMENT_FUND_EXPENDITURE.value: (("基本支出", "basic"), ("项目支出", "project"), (_TOTAL, "total")),
    K.STATE_CAPITAL_EXPENDITURE.value: (("基本支出", "basic"), ("项目支出", "project"), (_TOTAL, "total")),
    K.BASIC_EXPENDITURE_BY_ECONOMIC.value: (("人员经费|人员支出", "personnel"), ("公用经费|公用支出", "public"), (_TOTAL, "total")),
    K.EXPENDITURE_SUMMARY.value: (
        ("基本支出", "basic"),
        ("项目支出", "project"),
        ("上缴上级", "remittance_to_superior"),
        ("附属单位补助|对附属单位", "subsidy_to_subordinate"),
        ("经营支出", "operating"),
        (_TOTAL, "total"),
    ),
    K.INCOME_SUMMARY.value: (
        ("本年收入(小计|合计)", "current_year_subtotal"),
        ("财政专户", "fiscal_special_account"),
        ("财政拨款|一般公共预算", "fiscal_appropriation"),
        ("经营收入", "operating"),
        ("事业收入", "business"),
        ("上级补助", "superior_subsidy"),
        ("附属单位上缴", "subordinate_remittance"),
        ("上年结转|结转结余|上年结余", "carryover"),
        ("其他收入", "other"),
        (_TOTAL, "total"),
    ),
    K.FISCAL_APPROPRIATION_SUMMARY.value: (
        ("一般公共预算", "general_budget"),
        ("政府性基金", "government_fund"),
        ("国有资本经营", "state_capital"),
        ("合计|小计|总计", "total"),
        ("预算数|金额|预算|决算数", "amount"),
    ),
    K.INCOME_EXPENDITURE_SUMMARY.value: (("预算数|金额|预算|决算数|合计", "amount"),),
    K.PROJECT_EXPENDITURE.value: (
        ("一般公共预算", "general_budget"),
        ("政府性基金", "government_fund"),
        ("其他", "other"),
        (_TOTAL, "total"),
    ),
    K.GOVERNMENT_PROCUREMENT.value: (("货物", "goods"), ("工程", "works"), ("服务", "services"), (_TOTAL, "total")),
    K.OFFICE_OPERATING_EXPENSES.value: ((f"机关运行经费|{_TOTAL}", "total"),),
    K.THREE_PUBLIC_EXPENSES.value: (("执行数|决算数|实际", "actual"), ("预算数", "budget"), (_TOTAL, "amount")),
}

# 三公 items, by label words: parsers/columns.py (THREE_PUBLIC_LABELS).


def interpret_grid(grid: Grid) -> dict:
    """Turn one reconstructed table into a table dict of docs/contracts.md §4."""
    cells = [[_clean(c) for c in row] for row in grid.cells]
    width = max((len(r) for r in cells), default=0)
    cells = [r + [None] * (width - len(r)) for r in cells]
    n_header = grid.header_rows if grid.header_rows is not None else _header_row_count(cells)
    header, body = cells[:n_header], cells[n_header:]
    body_pages = grid.row_pages[n_header:]
    keep = [i for i, row in enumerate(body) if any(row) and not is_column_number_row(row)]
    body = [body[i] for i in keep]
    body_pages = [body_pages[i] for i in keep]
    kind = table_kind(grid, header)
    table = {
        "kind": kind.value,
        "title": grid.title,
        "unit": table_unit(grid),
        "pages": sorted({p for p in grid.row_pages if p is not None}),
        "columns": [],
        "rows": [],
        "note": table_note(grid, cells),
    }
    if kind is K.UNKNOWN:
        del table["rows"]
        table["cells"] = [list(r) for r in grid.cells]
        return table
    if kind is K.PERFORMANCE_TARGETS:
        table["rows"] = target_rows(header, body, body_pages, grid)
        return table
    if kind in SUMMARY_KINDS:  # halves, hierarchy, line roles, unit-keyed rows: parsers/summary.py
        return interpret_summary(table, grid, header, body, body_pages, [n_header + i for i in keep], kind)
    warnings: list[str] = []
    repairs: list = []
    if kind in colroles.KEYED_KINDS:  # a 注：… line is the table's note, not a row whose text makes a column text
        keep = [i for i, row in enumerate(body) if not _is_note_row(row)]
        body, body_pages = [body[i] for i in keep], [body_pages[i] for i in keep]
    if kind in colroles.KEYED_KINDS:  # figures swallowed by wrapped text beside them (parsers/columns.py)
        body, repairs, found = colroles.split_prose_amounts(header, body, kind, width)
        warnings += found
    layout = column_layout(header, body, kind, title=grid.title)
    if kind in colroles.KEYED_KINDS:
        if repairs and layout.segments:
            warnings += colroles.confirm_repairs(body, repairs, layout.segments[0].amount_cols, kind)
        body, found = colroles.unglue_trailing_amounts(body, _label_cols(layout), layout.amount_cols)
        warnings += found
    if kind is K.THREE_PUBLIC_EXPENSES:
        read = colroles.three_public_table(header, body, body_pages, _label_cols(layout), layout.amount_cols, width)
        if read is not None:  # items printed as columns: the rows carry the keys
            rows, found = read
            warnings += found
            layout.segments = []
        else:
            rows = three_public_rows(layout, body, body_pages)
    else:
        rows = amount_rows(layout, body, body_pages, kind)
    table["rows"] = rows
    table["columns"] = _columns_in_order(layout, rows)
    codes.resolve_codes(table, kind, codes.grid_name_cells(grid, n_header, _label_cols(layout)),
                        layout.header_texts[layout.code_col] if layout.code_col is not None else None)
    if warnings:
        table.setdefault("warnings", []).extend(warnings)
    return table


def _is_note_row(row: list[str | None]) -> bool:
    cells = [c for c in row if c]
    return len(cells) == 1 and not is_amount(cells[0]) and bool(re.match(r"^(注|备注|说明)\s*[:：]", _norm(cells[0])))


def _label_cols(layout: "Layout") -> list[int]:
    return layout.segments[0].label_cols if layout.segments else []


# ------------------------------------------------------------------ basics


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    s = text.replace("\u3000", " ").replace("\u00a0", " ").strip()  # as printed: no NFKC
    s = re.sub(r"\s+", " ", s)
    return s or None


# one definition of "normalised text" and "the amount of a cell", in parsers/columns.py
_norm = colroles.norm
amount_of = colroles.amount_text  # the decimal string of an amount cell, or None (blank, dash, not a number)


def is_amount(text: str | None) -> bool:
    return text is not None and amount_of(text) is not None


def is_column_number_row(row: list[str | None]) -> bool:
    """A 栏次 row numbering the columns (栏次 1 2 3 …, or just 1 2 3 …)."""
    cells = [c for c in row if c]
    if not cells:
        return False
    if any(_norm(c) in ("栏次", "行次", "栏号") for c in cells):
        return True
    nums = [int(c) for c in cells if COLUMN_NUMBER_RE.match(c)]
    return len(nums) >= 3 and len(nums) >= len(cells) - 2 and nums == sorted(nums) and len(set(nums)) == len(nums)


def _header_row_count(cells: list[list[str | None]]) -> int:
    """Rows before the first row carrying an amount (栏次 rows count as header)."""
    for i, row in enumerate(cells):
        if is_column_number_row(row):
            continue
        if any(is_amount(c) for c in row[1:]) or (row and row[0] and CODE_IN_NAME_RE.match(row[0]) and any(row[1:])):
            return i
    # no amounts at all (an empty table): the body starts at its 合计 row, if printed
    for i, row in enumerate(cells[1:], start=1):
        if any(c and TOTAL_RE.match(_norm(c)) for c in row) and sum(1 for c in row if c) == 1:
            return i
    return len(cells)


def table_unit(grid: Grid) -> str | None:
    texts = [grid.unit_text, *grid.context, grid.title] + [c for row in grid.cells[:3] for c in row if c]
    for t in texts:
        m = UNIT_RE.search(unicodedata.normalize("NFKC", t or ""))
        if m:
            return m.group(1)
    return None


def table_note(grid: Grid, cells: list[list[str | None]]) -> str | None:
    """A note saying the table is empty (本表无数据, 空表列示 …), from the table or around it."""
    has_amounts = any(
        is_amount(c) and amount_of(c) not in ("0", "0.00", "0.0") and not is_column_number_row(row)
        for row in cells
        for c in row[1:]
    )
    candidates = [c for row in cells for c in row if c and not is_amount(c)] + list(grid.context)
    for c in candidates:
        if NOTE_RE.search(_norm(c)) and (not has_amounts or _norm(c).startswith(("注", "备注"))):
            if not has_amounts or "无" in c or "空" in c:
                return c
    return None


def table_kind(grid: Grid, header: list[list[str | None]]) -> TableKind:
    title = _title_core(_norm(grid.title))
    for pattern, kind in TITLE_KINDS:
        if title and pattern.search(title):
            if kind is K.UNKNOWN:
                break
            if kind is K.BASIC_EXPENDITURE_BY_ECONOMIC or kind is K.EXPENDITURE_BY_FUNCTION:
                kind = _refine_by_header(kind, header, title)
            if kind is K.BASIC_EXPENDITURE_BY_ECONOMIC:  # basic only when it says so (parsers/columns.py)
                kind = colroles.refine_economic_kind(title, header)
            return kind
    words = _norm("".join(c for row in header for c in row if c))
    if "一级指标" in words or "三级指标" in words or "指标值" in words:
        return K.PERFORMANCE_TARGETS
    if "因公出国" in words:
        return K.THREE_PUBLIC_EXPENSES
    if _names_three_public_items(grid):
        return K.THREE_PUBLIC_EXPENSES
    if "基本支出" in words and "项目支出" in words and ("科目" in words or "类" in words):
        return K.EXPENDITURE_BY_FUNCTION
    return K.UNKNOWN


# The items every 三公 table prints, whatever its title says (or OCR read of it).
THREE_PUBLIC_ITEM_WORDS = ("因公出国", "公务用车", "公务接待")


def _names_three_public_items(grid: Grid) -> bool:
    """A table without a title of its kind (one misread: 综台预昇…支出美) whose
    rows are the 三公 items, each named, is the 三公 table."""
    names = _norm("".join(c for row in grid.cells for c in row[:2] if c))
    return all(w in names for w in THREE_PUBLIC_ITEM_WORDS)


def _refine_by_header(kind: TableKind, header: list[list[str | None]], title: str) -> TableKind:
    """By-function and by-economic tables differ in their columns more reliably than in their titles."""
    words = _norm("".join(c for row in header for c in row if c))
    if "功能" in title:
        return K.EXPENDITURE_BY_FUNCTION
    if "经济" in title:
        return K.BASIC_EXPENDITURE_BY_ECONOMIC
    if "功能" in words and "经济" not in words:  # function | economic codes per row: by economic class
        return K.EXPENDITURE_BY_FUNCTION
    if "经济" in words:
        return K.BASIC_EXPENDITURE_BY_ECONOMIC
    if ("人员经费" in words or "公用经费" in words) and not colroles.names_project_column(words):
        return K.BASIC_EXPENDITURE_BY_ECONOMIC
    return kind


# ------------------------------------------------------------ column layout


@dataclass
class Segment:
    """One half of a table: its label columns and its amount columns (key by index)."""

    label_cols: list[int]
    amount_cols: dict[int, str]
    side: str | None = None


@dataclass
class Layout:
    segments: list[Segment]
    code_col: int | None
    split_code_cols: list[int]  # 类, 款, 项 columns in order
    header_texts: list[str]
    amount_cols: list[int]  # every column holding amounts, keyed or not
    # label columns that describe a row (绩效目标, 备注 …) rather than name it
    description_cols: list[int] = field(default_factory=list)
    # classification columns of a table printing several per row (parsers/columns.py)
    classification_cols: list = field(default_factory=list)


def column_leaf_texts(header: list[list[str | None]], width: int) -> list[str]:
    """Each column's lowest header cell: the label of that column alone (a
    group label such as 基本支出 over 人员经费 | 公用经费 sits higher up)."""
    leaves = [""] * width
    for row in header:
        if is_column_number_row(row):
            continue
        for i, c in enumerate(row[:width]):
            if c:
                leaves[i] = _norm(c)
    return leaves


GENERIC_LEAF_RE = re.compile(r"^(其中[:：]?)?(小计|合计|总计|金额|预算数|预算|决算数|本年预算|计)?$")


def column_header_texts(header: list[list[str | None]], width: int) -> list[str]:
    """Each column's header words, top to bottom. A merged (spanning) header
    cell labels only the column it starts in: its extent is unknown here, and
    the words that decide a key (合计, 基本支出 …) sit in the lowest row anyway."""
    texts = [""] * width
    for row in header:
        if is_column_number_row(row):
            continue
        for i, c in enumerate(row[:width]):
            if c:
                texts[i] += _norm(c)
    return texts


def column_layout(
    header: list[list[str | None]], body: list[list[str | None]], kind: TableKind, title: str | None = None
) -> Layout:
    width = max((len(r) for r in header + body), default=0)
    htexts = column_header_texts(header, width)
    split = _split_code_columns(header, width)
    code_col = None
    for i, h in enumerate(htexts):
        if i not in split and any(w in h for w in CODE_WORDS):
            code_col = i
            break
    amount_cols = [
        i for i in range(width)
        if i not in split and i != code_col and not any(w in htexts[i] for w in SERIAL_WORDS + CODE_WORDS)
        and _is_amount_column(body, i)
    ]
    if not amount_cols:  # an empty table: its amount columns are known by their headers only
        patterns = [p for p, _ in HEADER_KEYS.get(kind.value, ())]
        amount_cols = [
            i for i in range(width)
            if i not in split and i != code_col and htexts[i] and any(re.search(p, htexts[i]) for p in patterns)
            and not any(w in htexts[i] for w in SERIAL_WORDS + CODE_WORDS + ("名称",))
        ]
    if code_col is None and not split:
        code_col = _code_column_by_values(body, amount_cols, width)
        if code_col is not None and code_col in amount_cols:
            amount_cols.remove(code_col)
    if kind in colroles.KEYED_KINDS:  # 政府经济分类 | 50101 …: codes, not figures
        amount_cols = [i for i in amount_cols if not colroles.is_code_column(header, body, i, width)]
    label_cols = [
        i for i in range(width)
        if i not in amount_cols and i not in split and i != code_col and not any(w in htexts[i] for w in SERIAL_WORDS)
        and not _is_serial_column(body, i)
    ]
    segments = _segments(label_cols, amount_cols)
    two_halves = kind in (K.INCOME_EXPENDITURE_SUMMARY, K.FISCAL_APPROPRIATION_SUMMARY) and len(segments) >= 2
    if two_halves:
        segments = segments[:2]
        segments[0].side, segments[1].side = "income", "expenditure"
    elif segments:
        segments = [Segment(label_cols, {i: "" for i in amount_cols})]
    for seg in segments:
        if kind in colroles.KEYED_KINDS:  # roles from header words, judged by the identities
            seg.amount_cols = colroles.key_amount_columns(sorted(seg.amount_cols), header, body, kind, width, title)
        else:
            seg.amount_cols = _key_columns(seg, htexts, column_leaf_texts(header, width), kind)
    layout = Layout(segments, code_col, split, htexts, amount_cols)
    if kind in colroles.KEYED_KINDS and segments:
        layout.description_cols = colroles.description_columns(header, body, segments[0].label_cols, width)
        layout.classification_cols = colroles.classification_columns(
            header, body, code_col, [i for i in segments[0].label_cols if i not in layout.description_cols], width,
            split,
        )
    return layout


def _split_code_columns(header: list[list[str | None]], width: int) -> list[int]:
    """Columns headed 类 | 款 | 项 (a classification code printed in parts)."""
    for row in header:
        parts = [(i, _norm(c)) for i, c in enumerate(row) if c]
        names = [p for _, p in parts]
        for start in range(len(parts)):
            window = names[start : start + 3]
            if window[:2] == ["类", "款"]:
                cols = [parts[start][0], parts[start + 1][0]]
                if len(window) == 3 and window[2] == "项":
                    cols.append(parts[start + 2][0])
                return cols
    return []


def _is_amount_column(body: list[list[str | None]], i: int) -> bool:
    """Mostly amounts, or only dashes (a column printed blank as "-")."""
    values = [r[i] for r in body if i < len(r) and r[i]]
    if not values:
        return False
    filled = [v for v in values if not is_blank_mark(v)]
    if not filled:
        return True
    amounts = sum(1 for v in filled if is_amount(v))
    return amounts >= max(1, 0.6 * len(filled))


def is_blank_mark(text: str) -> bool:
    """A dash or slash printed for "nothing" in an amount cell."""
    return _norm(text) in ("-", "—", "--", "——", "/", "－", "–")


def _is_serial_column(body: list[list[str | None]], i: int) -> bool:
    values = [r[i] for r in body if i < len(r) and r[i]]
    if len(values) < 3 or not all(v.isdigit() and len(v) <= 3 for v in values):
        return False
    nums = [int(v) for v in values]
    return nums == list(range(nums[0], nums[0] + len(nums)))


def _code_column_by_values(body: list[list[str | None]], amount_cols: list[int], width: int) -> int | None:
    """A leftmost column of bare 3/5/7-digit codes (no separators, no decimals)."""
    first_text = next((i for i in range(width) if i not in amount_cols and _has_text(body, i)), width)
    for i in range(first_text):
        values = [r[i] for r in body if i < len(r) and r[i]]
        if values and all(re.fullmatch(r"\d{3,8}", v) for v in values):
            return i
    return None


def _has_text(body: list[list[str | None]], i: int) -> bool:
    return any(i < len(r) and r[i] and not is_amount(r[i]) for r in body)


def _segments(label_cols: list[int], amount_cols: list[int]) -> list[Segment]:
    """Split columns into label…amount groups: two groups make a two-halves summary."""
    segments: list[Segment] = []
    for i in sorted(label_cols + amount_cols):
        if i in label_cols:
            if not segments or segments[-1].amount_cols:
                segments.append(Segment([i], {}))
            else:
                segments[-1].label_cols.append(i)
        else:
            if not segments:
                segments.append(Segment([], {}))
            segments[-1].amount_cols[i] = ""
    return [s for s in segments if s.amount_cols]


def _key_columns(seg: Segment, htexts: list[str], leaves: list[str], kind: TableKind) -> dict[int, str]:
    """Column key of each amount column, from its own (lowest) header label,
    or from all its header words when that label is generic (小计 under 基本支出)."""
    rules = HEADER_KEYS.get(kind.value, ())
    allowed = COLUMN_KEYS.get(kind.value, ())
    if kind is K.THREE_PUBLIC_EXPENSES and not any(
        re.search("执行|决算|实际", htexts[i]) for i in seg.amount_cols if i < len(htexts)
    ):
        rules = ((_TOTAL, "amount"),)  # a budget's single figure per item: no budget/actual split
    keys: dict[int, str] = {}
    used: set[str] = set()
    cols = sorted(seg.amount_cols)
    for i in cols:
        leaf = leaves[i] if i < len(leaves) else ""
        # a generic or clipped label ("小计", the "出" of a wrapped "基本支出") needs the words above it
        vague = GENERIC_LEAF_RE.match(leaf) or len(leaf) <= 2
        texts = [leaf] + ([htexts[i]] if i < len(htexts) and vague else [])
        key = next((k for t in texts if t for k in _keys_matching(t, rules, allowed, used, seg, kind)), None)
        if key is not None:
            keys[i] = key
            used.add(key)
    if not keys and cols:
        # a single unlabelled amount column is the table's figure
        default = "amount" if "amount" in allowed and (seg.side == "income" or "total" not in allowed) else "total"
        keys[cols[0]] = default if default in allowed else (allowed[0] if allowed else "total")
    if seg.side == "income" and kind is K.FISCAL_APPROPRIATION_SUMMARY and cols and not keys:
        keys[cols[0]] = "amount"
    return keys


def _keys_matching(text: str, rules, allowed, used: set[str], seg: Segment, kind: TableKind):
    for pattern, key in rules:
        if key in used or key not in allowed:
            continue
        if seg.side == "income" and kind is K.FISCAL_APPROPRIATION_SUMMARY and key != "amount":
            continue
        if re.search(pattern, text):
            yield key


def _columns_in_order(layout: Layout, rows: list[dict]) -> list[str]:
    out: list[str] = []
    for seg in layout.segments:
        for _, key in sorted(seg.amount_cols.items()):
            if key not in out:
                out.append(key)
    for r in rows:
        for key in r["amounts"]:
            if key not in out:
                out.append(key)
    return out


# ------------------------------------------------------------- amount rows


def amount_rows(layout: Layout, body: list[list[str | None]], pages: list[int], kind: TableKind) -> list[dict]:
    rows: list[dict] = []
    split_parts: list[str] = ["", "", ""]
    for row, page in zip(body, pages):
        for seg in layout.segments:
            # the texts of several label columns (procurement: 品目 | 专项 | 经济科目 …) stay apart
            joiner = " " if kind in (K.PROJECT_EXPENDITURE, K.GOVERNMENT_PROCUREMENT) else ""
            label = joiner.join(row[i] for i in seg.label_cols if i < len(row) and row[i] and not is_blank_mark(row[i])
                                and i not in layout.description_cols)
            code = None
            other_codes: dict[str, str] = {}
            if seg is layout.segments[0]:
                code, split_parts = _row_code(row, layout, split_parts)
            amounts = {key: amount_of(row[i]) if i < len(row) else None for i, key in sorted(seg.amount_cols.items())}
            if not label and seg is layout.segments[0]:
                label = _label_in_code_columns(row, layout)  # "合计" printed across the code columns
            if layout.classification_cols and seg is layout.segments[0]:
                # several classifications per row: the table's own is the code, the others other_codes
                code, name, other_codes = colroles.classified_row(
                    row, layout.classification_cols, kind, code if layout.split_code_cols else None)
                name = name or colroles.text_of_code_columns(row, layout.classification_cols) or None
                if name and TOTAL_RE.match(_norm(name)):
                    code = None
            else:
                name, code = _name_and_code(label, code, kind)
            if not name and code is None and not any(v is not None for v in amounts.values()):
                continue
            if name and NOTE_RE.search(_norm(name)) and not any(v is not None for v in amounts.values()):
                continue  # the 本表无数据 line: it is the table's note, not a row
            entry = {"code": code, "name": name, "item": None, "side": seg.side, "page": page, "amounts": amounts}
            if other_codes:
                entry["other_codes"] = other_codes
            rows.append(entry)
    return rows


def _label_in_code_columns(row: list[str | None], layout: Layout) -> str:
    cols = [*layout.split_code_cols, *([layout.code_col] if layout.code_col is not None else [])]
    return "".join(row[i] for i in cols if i < len(row) and row[i] and not re.search(r"\d", row[i]))


def _row_code(row: list[str | None], layout: Layout, parts: list[str]) -> tuple[str | None, list[str]]:
    """The row's code from a code column or from 类 | 款 | 项 columns (blank
    leading parts repeat the row above, as some tables print them once)."""
    if layout.split_code_cols:
        raw = [(_norm(row[i]) if i < len(row) and row[i] else "") for i in layout.split_code_cols]
        if not any(raw):
            return None, parts
        raw = [re.sub(r"\D", "", p) for p in raw]
        if len(raw) == 3 and raw[0] and len(raw[0]) == 7:  # whole code printed in the 类 column
            return raw[0], parts
        new = list(parts)
        for k, p in enumerate(raw):
            if p:
                new[k] = p
            elif any(raw[k + 1 :]):
                new[k] = parts[k]
            else:
                new[k] = ""
        code = "".join(x for x in new if x)
        return (code or None), new + [""] * (3 - len(new))
    if layout.code_col is not None and layout.code_col < len(row) and row[layout.code_col]:
        return _norm(row[layout.code_col]), parts
    return None, parts


def _name_and_code(label: str, code: str | None, kind: TableKind) -> tuple[str | None, str | None]:
    """Name as printed; a code printed in front of the name ("[201]一般公共服务支出",
    "2010301 行政运行") is taken out of it."""
    name = label.strip() or None
    if name and code is None:
        m = CODE_IN_NAME_RE.match(name)
        if m and (m.group(2) or len(m.group(1)) in (3, 5, 7)):
            code = m.group(1)
            name = (m.group(2) or "").strip() or None
        elif kind is K.PROJECT_EXPENDITURE:
            head = name.split(" ")[0]
            if PROJECT_CODE_RE.match(head) and " " in name:
                code, name = head, name[len(head) :].strip()
    if code is not None and kind is not K.PROJECT_EXPENDITURE:
        code = re.sub(r"\D", "", code) or None
    if name and TOTAL_RE.match(_norm(name)):
        code = None
    return name, code


# -------------------------------------------------------------- 三公 rows


def three_public_item(label: str) -> str | None:
    """The 三公 item a label names (the vehicle subtotal and 机关运行经费 are none)."""
    item = colroles.three_public_item(label)
    return None if item == colroles.SUBTOTAL else item


def three_public_rows(layout: Layout, body: list[list[str | None]], pages: list[int]) -> list[dict]:
    """Rows keyed by item; a table printing the items as columns of one row
    (合计 | 因公出国(境)费 | 公务接待费 | 购置费 | 运行费) is turned into rows."""
    amount_cols = layout.amount_cols
    col_items = {i: three_public_item(layout.header_texts[i]) for i in amount_cols}
    if sum(1 for v in col_items.values() if v and v != "total") >= 2:
        return _three_public_from_columns(layout, body, pages, col_items)
    seg = layout.segments[0] if layout.segments else Segment([], {})
    rows: list[dict] = []
    for row, page in zip(body, pages):
        label = "".join(row[i] for i in seg.label_cols if i < len(row) and row[i] and i not in layout.description_cols)
        item = three_public_item(label)
        amounts = {key: amount_of(row[i]) for i, key in sorted(seg.amount_cols.items())}
        if item is None and not any(v is not None for v in amounts.values()):
            continue  # a note line
        # 行政经费, 机关运行经费 … printed beside the 三公 items stay rows (item null): no figure is dropped
        rows.append({"code": None, "name": label, "item": item, "side": None, "page": page, "amounts": amounts})
    return rows


def _three_public_from_columns(
    layout: Layout, body: list[list[str | None]], pages: list[int], col_items: dict[int, str | None]
) -> list[dict]:
    rows: list[dict] = []
    for row, page in zip(body, pages):
        if not any(is_amount(row[i]) for i in col_items if i < len(row)):
            continue
        key = _three_public_row_key(row, layout)
        for i, item in col_items.items():
            if item is None:
                continue
            header = layout.header_texts[i]
            rows.append(
                {
                    "code": None,
                    "name": header or item,
                    "item": item,
                    "side": None,
                    "page": page,
                    "amounts": {key: amount_of(row[i]) if i < len(row) else None},
                }
            )
        break  # one figure per item: the first data row (budget tables have one)
    return rows


def _three_public_row_key(row: list[str | None], layout: Layout) -> str:
    label = "".join(c for c in row if c and not is_amount(c))
    if re.search("执行|决算|实际", label):
        return "actual"
    if re.search("预算", label) and re.search("执行|决算", "".join(layout.header_texts)):
        return "budget"
    return "amount"


# ------------------------------------------------------ performance targets

PROJECT_INFO_LABELS = {
    "项目名称": "project_name",
    "项目编码": "project_code",
    "项目代码": "project_code",
    "项目编号": "project_code",
}
INFO_ONLY_LABELS = ("主管部门", "实施单位", "资金总额", "项目资金", "预算单位", "部门名称", "年度资金总额")


def _project_info(row: list[str | None], texts: list[str], project: dict) -> bool:
    """A 项目名称 | … / 项目编码 | … / 主管部门 | … line of a target table: it
    names the project (label, value pairs) and is not an indicator row."""
    labels = [i for i, t in enumerate(texts) if t in PROJECT_INFO_LABELS or t.startswith(INFO_ONLY_LABELS)]
    if not labels or len(labels) * 2 < len([t for t in texts if t]):
        return False
    for i in labels:
        key = PROJECT_INFO_LABELS.get(texts[i])
        value = next((c for c in row[i + 1 :] if c), None)
        if key and value and _norm(value) not in PROJECT_INFO_LABELS:
            project[key] = value
    return True


TARGET_HEADERS: tuple[tuple[str, str], ...] = (
    ("一级指标", "level1"),
    ("二级指标", "level2"),
    ("三级指标", "level3"),
    ("指标值|目标值|指标目标值|预期目标值|年度指标值|绩效目标值", "target"),
    ("项目名称", "project_name"),
    ("项目编码|项目代码|项目编号", "project_code"),
)


FUNDS_UNIT_RE = re.compile(r"[（(]\s*(万元|元)\s*[)）]")


def _project_funds(row: list[str | None], funds: dict[str, str], unit: list[str]) -> bool:
    """A funding line of a project's form above its indicators (资金总额 | 44.47,
    专项资金情况（万元） | 财政拨款 | 44.47, 其他资金 | 0.00): each amount under the
    label printed before it. The amounts are figures of the document, kept as such."""
    found = False
    label = None
    for cell in row:
        if not cell:
            continue
        m = FUNDS_UNIT_RE.search(cell)
        if m:
            unit[:] = [m.group(1)]
        if is_amount(cell) and label is not None:
            funds.setdefault(label, amount_of(cell))
            found = True
        elif not is_amount(cell):
            label = FUNDS_UNIT_RE.sub("", _norm(cell))
    return found


def target_rows(header: list[list[str | None]], body: list[list[str | None]], pages: list[int], grid: Grid) -> list[dict]:
    """Indicator rows: project, indicator levels 1-3 (blank cells repeat the
    level above, merged cells), target value. The project comes from a
    项目名称 column or a 项目名称 | … row above the indicators, with its funding
    lines (``project_funds``, label → amount, in ``project_funds_unit``)."""
    all_rows = header + body
    all_pages = grid.row_pages[: len(header)] + pages
    project = {"project_code": None, "project_name": None}
    funds: dict[str, str] = {}
    funds_unit: list[str] = []
    for line in grid.context + ([grid.title] if grid.title else []):
        m = re.search(r"项目名称[:：]\s*(\S+)", line or "")
        if m:
            project["project_name"] = m.group(1)
    cols: dict[str, int] = {}
    rows: list[dict] = []
    carry = {"level1": None, "level2": None}
    for row, page in zip(all_rows, all_pages):
        texts = [_norm(c) if c else "" for c in row]
        if "项目名称" in texts[:-1] and cols:  # the next project's form: its own funding and indicator header
            cols, funds, funds_unit = {}, {}, []
        if not cols and _project_funds(row, funds, funds_unit):
            continue
        if _project_info(row, texts, project):
            continue
        found = {}
        for i, t in enumerate(texts):
            for pattern, key in TARGET_HEADERS:
                if t and re.fullmatch(f"({pattern})", t):
                    found.setdefault(key, i)
        if {"level1", "level3"} <= set(found) or {"level3", "target"} <= set(found):
            cols = found
            carry = {"level1": None, "level2": None}
            continue
        if not cols:
            continue
        def cell(key: str) -> str | None:
            i = cols.get(key)
            return row[i] if i is not None and i < len(row) else None
        level3 = cell("level3")
        if not level3:
            continue
        for key in ("level1", "level2"):
            if cell(key):
                carry[key] = cell(key)
        rows.append(
            {
                "project_code": cell("project_code") or project["project_code"],
                "project_name": cell("project_name") or project["project_name"],
                "level1": carry["level1"],
                "level2": carry["level2"],
                "level3": level3,
                "target": cell("target"),
                "page": page,
                **({"project_funds": dict(funds), "project_funds_unit": (funds_unit or [table_unit(grid)])[0]}
                   if funds else {}),
            }
        )
    return rows
