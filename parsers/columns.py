"""Column roles of the amount tables other than the summaries.

By-function, fund, state-capital, by-economic-class, project and procurement
tables print their amount columns under headers in many wordings (合计 |
基本支出 小计 | 人员经费 | 公用经费 | 项目支出; 小计 | 其中：基本支出 | 项目支出;
总计 | 财政拨款 合计 | 一般公共预算 | … | 单位资金 …). A column's role is read
from its header words *as evidence* — its own (lowest) label first, the group
header printed over it where the label is generic (小计 under 基本支出) — and
the table's own identities are *the judge*: where the words leave a role open
(a generic 小计 / 合计, two columns claiming the same role, a header with no
words), the reading under which 合计 = Σ parts holds on the most rows wins.

An amount column no role is found for keeps its printed header words as the
key ``col:<group>/<leaf>`` (docs/contracts.md §4): a printed figure is never
dropped. The rules themselves (合计 = 基本 + 项目, 基本 = 人员 + 公用, 合计 =
财政拨款 + 财政专户 + 单位资金 + 上年结转 …) are defined once, in
``countybudget.identities.ROW_TOTAL_RULES``.

Everything here works on a ``Grid``'s text (format-independent); the hooks in
``parsers.tables`` call into it.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from countybudget.identities import ROW_TOTAL_RULES, row_total_rules, sum_beyond_rounding
from countybudget.money import normalise_amount_text
from countybudget.table_kinds import COLUMN_KEY_PREFIX_UNMAPPED, COLUMN_KEYS, TableKind

K = TableKind

# The kinds whose columns this module keys (the summaries key their own).
KEYED_KINDS: frozenset[TableKind] = frozenset(
    {
        K.EXPENDITURE_BY_FUNCTION,
        K.GOVERNMENT_FUND_EXPENDITURE,
        K.STATE_CAPITAL_EXPENDITURE,
        K.BASIC_EXPENDITURE_BY_ECONOMIC,
        K.EXPENDITURE_BY_ECONOMIC,
        K.PROJECT_EXPENDITURE,
        K.GOVERNMENT_PROCUREMENT,
        K.THREE_PUBLIC_EXPENSES,
        K.OFFICE_OPERATING_EXPENSES,
    }
)


def norm(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def amount_text(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        return normalise_amount_text(text)
    except ValueError:
        return None


# ------------------------------------------------------------------ header


COLUMN_NUMBER_RE = re.compile(r"^\d{1,2}$")


def _is_column_number_row(row: Sequence[str | None]) -> bool:
    cells = [c for c in row if c]
    if not cells:
        return False
    if any(norm(c) in ("栏次", "行次", "栏号") for c in cells):
        return True
    nums = [int(c) for c in cells if COLUMN_NUMBER_RE.match(c)]
    return len(nums) >= 3 and len(nums) >= len(cells) - 2 and nums == sorted(nums) and len(set(nums)) == len(nums)


@dataclass(frozen=True)
class ColumnWords:
    """A column's header words: its own label and the group headers over it."""

    index: int
    leaf: str  # the column's own (lowest) label, wrapped pieces joined; "" if none
    groups: list[str] = field(default_factory=list)  # group headers over it, outermost first

    @property
    def words(self) -> str:
        """Group and leaf joined by "/": the words of a ``col:`` key."""
        return "/".join(w for w in (*self.groups, self.leaf) if w)

    def tokens_inside_out(self) -> list[str]:
        return [w for w in (self.leaf, *reversed(self.groups)) if w]


def column_words(header: Sequence[Sequence[str | None]], width: int) -> list[ColumnWords]:
    """Each column's leaf label and group headers (see ``_column_words``)."""
    return list(_column_words(tuple(tuple(r) for r in header), width))


@functools.lru_cache(maxsize=256)
def _column_words(header: tuple[tuple[str | None, ...], ...], width: int) -> tuple[ColumnWords, ...]:
    """Each column's leaf label and group headers.

    A header cell with blank cells to its right, over columns that have their
    own labels lower down, is a group header spanning them (基本支出 over 小计 |
    人员经费 | 公用经费). A span stops at a column labelled in the same row, at a
    column labelled in a row above (another group's), and at a column with no
    label below (not a sub-column). Consecutive own cells of one column are a
    wrapped label ("基本支" / "出").
    """
    rows = [[norm(c) if c else "" for c in list(r)[:width]] + [""] * (width - len(r)) for r in header
            if not _is_column_number_row(r)]
    n = len(rows)
    # (row, col) -> the text covering it and whether it spans (a group header)
    cover: dict[tuple[int, int], tuple[str, bool]] = {}
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if not text:
                continue
            end = c
            below_text = rows[r + 1][c] if r < n - 1 else ""
            if below_text and not _known_words(text) and _known_words(text + below_text):
                pass  # a label wrapped onto the next row ("财政专" / "户拨款"), not a group header
            elif r < n - 1:
                j = c + 1
                while j < width and not row[j]:
                    above = any(rows[a][j] for a in range(r))
                    below = any(rows[b][j] for b in range(r + 1, n))
                    if above or not below:
                        break
                    end = j
                    j += 1
            for j in range(c, end + 1):
                cover[(r, j)] = (text, end > c)
    out: list[ColumnWords] = []
    for c in range(width):
        tokens = [(r, *cover[(r, c)]) for r in range(n) if (r, c) in cover]
        leaf_parts: list[str] = []
        groups: list[str] = []
        for r, text, spans in tokens:
            if spans:
                if leaf_parts:  # a group below an own label: the label was a group of one
                    groups.append("".join(leaf_parts))
                    leaf_parts = []
                groups.append(text)
            else:
                leaf_parts.append(text)
        out.append(ColumnWords(c, "".join(leaf_parts), groups))
    return tuple(out)


# -------------------------------------------------------------- vocabulary


def _known_words(text: str) -> bool:
    """Words the header vocabulary knows (a role, a 三公 item, 合计 …)."""
    t = WHEREOF_RE.sub("", text)
    return bool(t) and (bool(roles_in(t, _ROLE_RE)) or GENERIC_RE.match(t) is not None
                        or three_public_item(t) is not None)

_GENERIC = r"(合计|总计|小计|计|金额|预算数|预算|决算数|决算|执行数|本年预算|本年预算数|年初预算数?|调整预算数?|\d{4}年(度)?(预算|决算)?数?)"
GENERIC_RE = re.compile(rf"^(其中[:：]?)?{_GENERIC}?$")
ENDS_GENERIC_RE = re.compile(r"(合计|总计|小计)$")
WHEREOF_RE = re.compile(r"^其中[:：]?")

# Header words -> role, most specific first. Which roles a table may carry is
# its kind's COLUMN_KEYS; a word whose role the kind lacks is no evidence.
ROLE_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("personnel", re.compile(r"人员经费|人员支出")),
    ("public", re.compile(r"公用经费|公用支出|日常公用")),
    ("basic", re.compile(r"基本支出|基本经费")),
    ("project", re.compile(r"项目支出|专项业务|专项支出|专项经费|项目经费")),
    ("fiscal_special_account", re.compile(r"财政专户")),
    ("general_budget", re.compile(r"一般公共预算")),
    ("government_fund", re.compile(r"政府性基金")),
    ("state_capital", re.compile(r"国有资本")),
    ("operating", re.compile(r"事业单位经营|经营收入")),
    ("business", re.compile(r"事业收入")),
    ("superior_subsidy", re.compile(r"上级补助")),
    ("subordinate_remittance", re.compile(r"附属单位上缴|附属单位缴款")),
    ("carryover", re.compile(r"上年结转|结转结余|上年结余|结转和结余|结余|结转")),
    ("other", re.compile(r"其他收入|其他资金|^其他$")),
    ("fiscal_appropriation", re.compile(r"财政拨款")),
    ("unit_funds", re.compile(r"单位资金|单位自有资金")),
    ("goods", re.compile(r"^货物|货物类?$")),
    ("works", re.compile(r"^工程|工程类?$")),
    ("services", re.compile(r"^服务|服务类?$")),
    ("actual", re.compile(r"执行数|决算数|实际")),
)
_ROLE_RE = dict(ROLE_WORDS)


def roles_in(text: str, allowed: Iterable[str]) -> list[str]:
    """The allowed roles whose words ``text`` contains, most specific first."""
    allowed = set(allowed)
    return [key for key, pattern in ROLE_WORDS if key in allowed and pattern.search(text)]


def group_keys(kind: TableKind) -> set[str]:
    """Keys that are the sum of other keys in this kind (基本支出, 财政拨款, 单位资金, …)."""
    return {total for total, _ in ROW_TOTAL_RULES.get(kind.value, ())} - {"total", "amount"}


def parts_of(kind: TableKind, key: str) -> set[str]:
    """Every key ``key`` is the sum of, at any depth (基本支出: 人员经费, 公用经费)."""
    rules = dict(ROW_TOTAL_RULES.get(kind.value, ()))
    out: set[str] = set()
    todo = list(rules.get(key, ()))
    while todo:
        part = todo.pop()
        if part not in out:
            out.add(part)
            todo.extend(rules.get(part, ()) if part != key else ())
    return out


def base_key(kind: TableKind) -> str:
    return "amount" if kind is K.THREE_PUBLIC_EXPENSES else "total"


def word_candidates(words: ColumnWords, kind: TableKind) -> tuple[list[str], bool]:
    """The keys a column's words speak for, best first, and whether the words
    are generic (小计 / 合计 / 金额 …: the role is then the identities' to decide)."""
    allowed = [k for k in COLUMN_KEYS.get(kind.value, ()) if k not in ("amount", "total")]
    groups = group_keys(kind)
    base = base_key(kind)
    leaf = WHEREOF_RE.sub("", words.leaf)
    if leaf and not GENERIC_RE.match(leaf):
        found = roles_in(leaf, allowed)
        if found and not ENDS_GENERIC_RE.search(leaf):
            return found[:1], False
        if ENDS_GENERIC_RE.search(leaf):
            # "基本支出小计", "财政拨款合计": the total of a group; "一般公共预算支出合计": the table's
            prefix = ENDS_GENERIC_RE.sub("", leaf)
            scoped = [k for k in roles_in(prefix, allowed) if k in groups]
            return (scoped[:1] + [base]) if scoped else [base], True
        if found:
            return found[:1], False
        if words.groups:  # a label wrapped over two header rows ("其他资" / "金")
            joined = WHEREOF_RE.sub("", words.groups[-1] + leaf)
            found = roles_in(joined, allowed)
            if found and not ENDS_GENERIC_RE.search(joined):
                return found[:1], False
        return [], False  # words, but none this kind knows: col:<words>
    # a generic (or no) leaf: the innermost group with words says whose total it is
    for group in reversed(words.groups):
        g = WHEREOF_RE.sub("", group)
        if not g or GENERIC_RE.match(g):
            continue
        found = roles_in(g, allowed)
        if found and found[0] in groups:
            return [found[0], base], True
        if found and not leaf:  # a leaf-less column under a part's words (wrapped label)
            return found[:1], False
        break
    return [base], True


def unmapped_key(words: ColumnWords, index: int) -> str:
    text = words.words or f"column{index + 1}"
    return COLUMN_KEY_PREFIX_UNMAPPED + text


# ------------------------------------------------------- identity judging


def _row_values(body: Sequence[Sequence[str | None]], cols: Sequence[int]) -> list[list[Decimal | None]]:
    out = []
    for row in body:
        values = []
        for i in cols:
            text = amount_text(row[i]) if i < len(row) else None
            values.append(Decimal(text) if text is not None else None)
        out.append(values)
    return out


def identity_score(kind: TableKind, keys: Sequence[str], values: list[list[Decimal | None]]) -> tuple[int, int]:
    """(rows where every applicable rule holds, rows where one fails) under ``keys``."""
    position = {k: i for i, k in enumerate(keys)}
    rules = row_total_rules(kind.value, [k for k in keys if not k.startswith(COLUMN_KEY_PREFIX_UNMAPPED)])
    held = failed = 0
    for row in values:
        checked = ok = 0
        for total, parts in rules:
            figure = row[position[total]]
            part_values = [row[position[p]] for p in parts]
            if figure is None or all(v is None for v in part_values):
                continue
            checked += 1
            ok += sum_beyond_rounding(figure, part_values) is None
        if checked:
            held += ok == checked
            failed += ok < checked
    return held, failed


def key_amount_columns(
    cols: Sequence[int],
    header: Sequence[Sequence[str | None]],
    body: Sequence[Sequence[str | None]],
    kind: TableKind,
    width: int,
    title: str | None = None,
) -> dict[int, str]:
    """The key of each amount column (``cols``) of a table of ``kind``."""
    words = column_words(header, width)
    allowed = set(COLUMN_KEYS.get(kind.value, ()))
    base = base_key(kind)
    if kind is K.THREE_PUBLIC_EXPENSES and not any(_ROLE_RE["actual"].search(words[i].words) for i in cols):
        allowed -= {"actual", "budget"}  # a budget's single figure per item
    scope = scope_key(kind, title)
    periods = column_periods([words[i] for i in cols])
    options: list[list[str]] = []
    firsts = [word_candidates(words[i], kind)[0][:1] for i in cols]
    for n, i in enumerate(cols):
        cands, generic = word_candidates(words[i], kind)
        cands = [c for c in cands if c in allowed or c == base]
        if kind is K.THREE_PUBLIC_EXPENSES and "actual" in allowed:
            # a final account's 预算数 | 决算数 (执行数) columns: budget and actual, not one amount
            if _ROLE_RE["actual"].search(words[i].words):
                cands, generic = ["actual"], False
            elif re.search("预算", words[i].words) and (not cands or generic):
                cands, generic = ["budget"], False
        if generic:
            # a generic 小计 / 合计 is the table's total or the total of a group whose
            # parts follow it (人员经费 after 小计: 基本支出); the identities choose
            following = set(firsts[n + 1]) if n + 1 < len(firsts) else set()
            extra = [base] + [g for g in sorted(group_keys(kind) & allowed) if following & parts_of(kind, g)]
            cands = list(dict.fromkeys([*cands, *extra]))
        if not cands or periods[n] is not None:
            # no role, or the figures of another year / the change against it: kept under their words
            cands = [unmapped_key(words[i], i)]
        options.append(cands)
    if not any(base in o for o in options):
        # no column says 合计: the leftmost one without a role of its own (国有资本经营预算支出,
        # 金额 …) may be the table's figure; the identities say whether it is
        for n, o in enumerate(options):
            if len(o) == 1 and o[0].startswith(COLUMN_KEY_PREFIX_UNMAPPED) and periods[n] is None:
                options[n] = [base, o[0]]
                break
    if scope and len(cols) == 1 and options[0][0] == base:
        options[0] = [scope]  # 项目支出按经济分类: its one figure is the project figure
    fixed: set[str] = set()
    for n, (i, cands) in enumerate(zip(cols, options)):
        if len(cands) == 1:
            if cands[0] in fixed:  # the same words twice: the second keeps its own words
                alt = unmapped_key(words[i], i)
                options[n] = [alt if alt not in fixed else f"{alt}#{i + 1}"]
            fixed.add(options[n][0])
    for n, cands in enumerate(options):
        if len(cands) > 1:
            options[n] = [c for c in cands if c not in fixed] or [unmapped_key(words[cols[n]], cols[n])]
    return dict(zip(cols, choose_keys(kind, options, _row_values(body, cols))))


PRIOR_RE = re.compile(r"上年|上一年|去年|前一年")
CHANGE_RE = re.compile(r"增减|变动|变化|比上年|同比|差额|增长|增幅")
YEAR_IN_WORDS_RE = re.compile(r"(\d{4})\s*年")


def column_periods(columns: Sequence[ColumnWords]) -> list[str | None]:
    """"prior" / "change" for the columns of a table that compares years (2025年预算数 |
    2026年预算数 | 增减), None for the budget year's (the latest printed) and for every
    column of a table that does not compare. 上年结转 is a source, not a year."""
    texts = []
    for w in columns:
        tokens = [t for t in w.tokens_inside_out() if not _ROLE_RE["carryover"].search(t)]
        texts.append("".join(tokens))
    years = [int(y) for t in texts for y in YEAR_IN_WORDS_RE.findall(t)]
    latest = max(years) if years else None
    out: list[str | None] = []
    for t in texts:
        found = [int(y) for y in YEAR_IN_WORDS_RE.findall(t)]
        if CHANGE_RE.search(t):
            out.append("change")
        elif PRIOR_RE.search(t) or (found and latest is not None and max(found) < latest):
            out.append("prior")
        else:
            out.append(None)
    return out if any(p is None for p in out) else [None] * len(out)


def scope_key(kind: TableKind, title: str | None) -> str | None:
    """The role of a by-economic table's single figure when its title names it."""
    if kind is K.EXPENDITURE_BY_ECONOMIC and title and "项目支出" in norm(title):
        return "project"
    return None


def choose_keys(kind: TableKind, options: list[list[str]], values: list[list[Decimal | None]]) -> list[str]:
    """One key per column from its candidates: no key twice, and among the
    readings the words allow, the one under which the most rows satisfy the
    table's identities (ties: the words' first choice)."""
    ambiguous = [i for i, o in enumerate(options) if len(o) > 1]
    if len(ambiguous) > 6:  # too many to weigh: words alone
        ambiguous = ambiguous[:6]
    best: tuple[tuple[int, int, int], list[str]] | None = None
    for rank, combo in enumerate(itertools.product(*(options[i] for i in ambiguous))):
        keys = [o[0] for o in options]
        for i, k in zip(ambiguous, combo):
            keys[i] = k
        if len(set(keys)) < len(keys):
            continue
        held, failed = identity_score(kind, keys, values)
        score = (held - failed, -failed, -rank)
        if best is None or score > best[0]:
            best = (score, keys)
    if best is not None:
        return best[1]
    # no reading without a duplicate: keep the first column of each key, col: the others
    keys: list[str] = []
    for i, o in enumerate(options):
        k = next((c for c in o if c not in keys), None)
        keys.append(k if k is not None else f"{o[-1]}#{i + 1}" if o[-1].startswith(COLUMN_KEY_PREFIX_UNMAPPED)
                    else f"{COLUMN_KEY_PREFIX_UNMAPPED}column{i + 1}")
    return keys


# ------------------------------------------------ by-economic table kinds


def names_project_column(words: str) -> bool:
    """Header words naming a 项目支出 column (in any of its wordings)."""
    return _ROLE_RE["project"].search(words) is not None


def refine_economic_kind(title: str | None, header: Sequence[Sequence[str | None]]) -> TableKind:
    """A table by economic class is the *basic* expenditure table only when it
    says so: its title names 基本支出, or its columns are 人员经费 | 公用经费
    without 项目支出. 一般公共预算支出经济分类表 (all expenditure) and 项目支出
    按经济分类 are another kind: their figures are not 基本支出."""
    words = norm("".join(c for row in header for c in row if c))
    text = norm(title)
    if names_project_column(words) and ("基本支出" in words or "人员经费" in words):
        return K.EXPENDITURE_BY_ECONOMIC
    if "人员经费" in words or "公用经费" in words or "基本支出" in text:
        return K.BASIC_EXPENDITURE_BY_ECONOMIC
    if "经济" in text or "经济" in words:
        return K.EXPENDITURE_BY_ECONOMIC
    return K.BASIC_EXPENDITURE_BY_ECONOMIC


# ------------------------------------------------------ cell repairs

# An amount as printed in these tables: thousands separators, two to six decimals.
_AMOUNT_TOKEN = r"(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2,6}"
TRAILING_AMOUNT_RE = re.compile(rf"^(.*?\D)\s*({_AMOUNT_TOKEN})$")
# (which of several figures in a text is the column's is the row's identities' call)
EMBEDDED_AMOUNT_RE = re.compile(rf"(?<![\d.,]){_AMOUNT_TOKEN}(?![\d.,%％])")
PROSE_MIN_CHARS = 12


def _is_prose(text: str) -> bool:
    core = EMBEDDED_AMOUNT_RE.sub("", norm(text))
    return len(re.findall(r"[\u4e00-\u9fff]", core)) >= PROSE_MIN_CHARS


@dataclass
class Repair:
    """A figure taken out of the text that swallowed it (row, amount column,
    text column, the cell as printed, the figures in it: which one is the
    column's is for the row's identities to say)."""

    row: int
    column: int
    text_column: int
    printed: str
    figures: list[str]


FIGURE_AT_RE = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2}")


def embedded_figures(text: str) -> list[str]:
    """Amount-shaped figures in a text, the well-formed ones first, then those
    glued to digits of the text around them (`62.8980.00km`: 0.00)."""
    found = EMBEDDED_AMOUNT_RE.findall(text)
    for start in range(len(text)):
        if text[start].isdigit():
            m = FIGURE_AT_RE.match(text, start)
            if m and m.group(0) not in found:
                found.append(m.group(0))
    return found


def split_prose_amounts(
    header: Sequence[Sequence[str | None]], body: list[list[str | None]], kind: TableKind, width: int
) -> tuple[list[list[str | None]], list[Repair], list[str]]:
    """An amount swallowed by wrapped text beside it: a cell of an amount column
    (its header names an amount role) holding prose with one amount inside
    (`做好…加快推进0.00“放管服”…`), the text column next to it blank on that row,
    is read as the amount, the prose as the text column's. The reading stands
    only if the row's identities confirm it (``confirm_repairs``)."""
    words = column_words(header, width)
    amount_like = [bool(word_candidates(w, kind)[0]) and bool(w.words) for w in words]
    text_like = [not a and bool(w.words) for a, w in zip(amount_like, words)]
    warnings: list[str] = []
    repairs: list[Repair] = []
    out = [list(r) for r in body]
    for r, row in enumerate(out):
        for i, cell in enumerate(row):
            if not cell or not amount_like[i] or amount_text(cell) is not None or not _is_prose(cell):
                continue
            tokens = embedded_figures(norm(cell))
            beside = [j for j in (i + 1, i - 1) if 0 <= j < len(row) and text_like[j] and not row[j]]
            if tokens and beside:
                repairs.append(Repair(r, i, beside[0], cell, tokens))
                row[i] = tokens[0]
                row[beside[0]] = cell
            elif tokens:
                warnings.append(
                    f"row {r + 1}: amount column {words[i].words!r} holds text with figures "
                    f"{', '.join(tokens)}: not read as amounts"
                )
    return out, repairs, warnings


def confirm_repairs(
    body: list[list[str | None]], repairs: Sequence[Repair], keys: dict[int, str], kind: TableKind
) -> list[str]:
    """Keep a figure taken out of text only where the row's own identities
    (合计 = Σ parts) check it and hold; otherwise put the text back and warn."""
    warnings: list[str] = []
    cols = sorted(keys)
    names = [keys[i] for i in cols]
    rules = row_total_rules(kind.value, [k for k in names if not k.startswith(COLUMN_KEY_PREFIX_UNMAPPED)])
    for rep in repairs:
        row = body[rep.row]
        key = keys.get(rep.column)
        checks = [(t, p) for t, p in rules if key == t or key in p]
        confirmed = None
        for figure in rep.figures:
            row[rep.column] = figure
            values = dict(zip(names, _row_values([row], cols)[0]))
            if checks and all(
                values.get(t) is not None and sum_beyond_rounding(values[t], [values.get(q) for q in p]) is None
                for t, p in checks
            ):
                confirmed = figure
                break
        if confirmed is None:
            row[rep.column], row[rep.text_column] = rep.printed, None
            warnings.append(
                f"row {rep.row + 1}: the figures {', '.join(rep.figures)} inside the text of column "
                f"{key or rep.column + 1} are not confirmed by the row's totals: not read as an amount"
            )
        else:
            # the text without the figure that was the column's (its last occurrence: the
            # figure sits where the text's line met the row's line)
            text = norm(rep.printed)
            at = text.rfind(confirmed)
            row[rep.text_column] = text[:at] + text[at + len(confirmed):]
    return warnings


def unglue_trailing_amounts(
    body: list[list[str | None]], label_cols: Sequence[int], amount_cols: Sequence[int]
) -> tuple[list[list[str | None]], list[str]]:
    """A figure printed into the label cell (`[312]对企业补助95,792.00`) on a row
    whose amount cells are all blank, in a table with one amount column, is that
    column's figure. With several amount columns it cannot be placed: warned."""
    out = [list(r) for r in body]
    warnings: list[str] = []
    for r, row in enumerate(out):
        if any(i < len(row) and row[i] for i in amount_cols):
            continue
        for i in label_cols:
            cell = row[i] if i < len(row) else None
            m = TRAILING_AMOUNT_RE.match(norm(cell)) if cell else None
            if not m or not re.search(r"[\u4e00-\u9fff]", m.group(1)):
                continue
            if len(amount_cols) == 1:
                row[i] = m.group(1)
                row[amount_cols[0]] = m.group(2)
            else:
                warnings.append(f"row {r + 1}: label {cell!r} ends in the figure {m.group(2)}, which no column holds")
            break
    return out, warnings


# ------------------------------------------------------ text columns

PERCENT_RE = re.compile(r"^[-+]?\d+(\.\d+)?%$|^[-—/]$")
DESCRIPTION_WORDS_RE = re.compile(r"绩效目标|项目概述|项目说明|项目内容|主要内容|备注|说明|用途|实施内容|目标")
NAME_WORDS_RE = re.compile(r"名称|项目$|类别|科目|单位")


def description_columns(
    header: Sequence[Sequence[str | None]], body: Sequence[Sequence[str | None]], label_cols: Sequence[int], width: int
) -> list[int]:
    """Label columns that describe a row rather than name it (绩效目标, 项目概述,
    备注 …): by their header words, or by holding prose. A row's name never
    takes them in, so a long description cannot bury the name."""
    words = column_words(header, width)
    found: list[int] = []
    for i in label_cols:
        w = words[i].words
        values = [r[i] for r in body if i < len(r) and r[i]]
        if values and sum(1 for v in values if PERCENT_RE.match(norm(v))) >= 0.6 * len(values):
            found.append(i)  # 增减率 %: a ratio, neither a name nor a money figure
            continue
        if NAME_WORDS_RE.search(words[i].leaf or ""):
            continue
        prose = sum(1 for v in values if _is_prose(v) and re.search("[，。；;]", v))
        if (w and DESCRIPTION_WORDS_RE.search(w)) or (values and prose >= max(2, 0.5 * len(values))):
            found.append(i)
    names = [i for i in label_cols if i not in found]
    return found if names else []


# ------------------------------------------------ classification codes

SCHEMES = ("function", "economic_department", "economic_government")
PROJECT_CODE_RE = re.compile(r"^(?=.*\d)[0-9A-Z]{8,}[0-9A-Z\-]*$")
PROJECT_CODE_WORDS_RE = re.compile(r"项目(编码|代码|编号)")
SCHEME_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("economic_department", re.compile(r"部门(预算)?(支出)?经济")),
    ("economic_government", re.compile(r"政府(预算)?(支出)?经济")),
    ("function", re.compile(r"功能")),
)
CODE_WORDS_RE = re.compile(r"编码|代码|科目号")
BARE_CODE_RE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
CODE_NAME_RE = re.compile(r"^[\[【(（]?\s*(\d{3}(?:\d{2}){0,2})\s*[\]】)）]?\s*[-—－–.、:：]?\s*(\D.*)$")


CLASSIFICATION_WORDS_RE = re.compile(r"分类|科目|编码|代码")


def is_code_column(header: Sequence[Sequence[str | None]], body: Sequence[Sequence[str | None]], i: int,
                   width: int) -> bool:
    """A column of bare classification codes under classification words (政府经济分类 |
    50101): its digits read as amounts, but they are codes."""
    if not CLASSIFICATION_WORDS_RE.search(column_words(header, width)[i].words):
        return False
    values = [norm(r[i]) for r in body if i < len(r) and r[i]]
    return bool(values) and all(scheme_of_code(v) for v in values) and _scheme_of_values(values) is not None


def scheme_of_code(code: str) -> str | None:
    if not BARE_CODE_RE.match(code):
        return None
    if code[0] == "2" and len(code) in (3, 5, 7):
        return "function"
    if code[0] == "3" and len(code) in (3, 5):
        return "economic_department"
    if code[0] == "5" and len(code) in (3, 5):
        return "economic_government"
    return None


def _scheme_of_values(codes: Iterable[str]) -> str | None:
    schemes = {scheme_of_code(c) for c in codes}
    return schemes.pop() if len(schemes) == 1 else None


@dataclass
class CodeColumn:
    index: int
    scheme: str | None
    embedded: bool  # the column prints "code-name" in one cell
    name_col: int | None = None  # where its name is printed (embedded: itself)
    split: bool = False  # the code printed as 类 | 款 | 项 columns starting here (assembled by the caller)


def classification_columns(
    header: Sequence[Sequence[str | None]],
    body: Sequence[Sequence[str | None]],
    code_col: int | None,
    label_cols: Sequence[int],
    width: int,
    split_cols: Sequence[int] = (),
) -> list[CodeColumn]:
    """The classification-code columns of a table that prints more than one
    classification per row (部门经济分类 | 政府经济分类 side by side, or
    `2040201-行政运行 | 50101-工资奖金津补贴 | 30101-基本工资`); [] for a table
    with one (the ordinary code column handles it)."""
    words = column_words(header, width)
    found: list[CodeColumn] = []
    if split_cols:
        first = [norm(r[split_cols[0]]) for r in body if split_cols[0] < len(r) and r[split_cols[0]]]
        w = "".join(words[i].words for i in split_cols)
        scheme = next((s for s, p in SCHEME_WORDS if p.search(w)), None) or _scheme_of_values(
            [v for v in first if BARE_CODE_RE.match(v)])
        found.append(CodeColumn(split_cols[-1], scheme, False, split=True))
    candidates = ([code_col] if code_col is not None else []) + list(label_cols)
    for i in sorted(set(candidates)):
        values = [norm(r[i]) for r in body if i < len(r) and r[i]]
        if not values:
            continue
        w = words[i].words
        if sum(1 for v in values if PROJECT_CODE_RE.match(v)) >= 0.6 * len(values) and (
                PROJECT_CODE_WORDS_RE.search(w) or any(re.search("[A-Z]", v) for v in values)):
            found.append(CodeColumn(i, "project", False))  # 13053224P00273512885N: a project's code
            continue
        header_scheme = next((s for s, p in SCHEME_WORDS if p.search(w)), None)
        bare = [v for v in values if BARE_CODE_RE.match(v)]
        if i == code_col or ((CODE_WORDS_RE.search(w) or header_scheme) and len(bare) >= 0.8 * len(values)):
            found.append(CodeColumn(i, header_scheme or _scheme_of_values(bare), False))
            continue
        joined = [m.group(1) for m in (CODE_NAME_RE.match(v) for v in values) if m]
        if len(joined) >= max(1, 0.6 * len(values)):
            found.append(CodeColumn(i, header_scheme or _scheme_of_values(joined), True, i))
    projects = any(c.scheme == "project" for c in found)
    if not projects and (len(found) < 2 or len({c.scheme for c in found if c.scheme}) < 2
                         and all(c.scheme for c in found)):
        return []  # one classification (a name column split in two by the reader is not two)
    if projects and len(found) == 1 and found[0].index == code_col:
        return []  # the ordinary code column is the project code: nothing to add
    # each bare code column's name is the next label column before the next code column
    code_idx = {c.index for c in found}
    for c in found:
        if c.embedded:
            continue
        nxt = min([j for j in code_idx if j > c.index] or [width])
        c.name_col = next((j for j in label_cols if c.index < j < nxt and j not in code_idx), None)
    # unknown schemes: what is left, in the usual order function, department, government
    known = {c.scheme for c in found if c.scheme}
    for c in found:
        if c.scheme is None:
            c.scheme = next((s for s in SCHEMES if s not in known), None)
            if c.scheme:
                known.add(c.scheme)
    return found


def primary_scheme(kind: TableKind, columns: Sequence[CodeColumn]) -> str | None:
    """The table's own classification (docs/contracts.md §4 ``code``)."""
    schemes = [c.scheme for c in columns]
    if kind is K.PROJECT_EXPENDITURE and "project" in schemes:
        return "project"
    if kind in (K.BASIC_EXPENDITURE_BY_ECONOMIC, K.EXPENDITURE_BY_ECONOMIC):
        order = ("economic_department", "economic_government", "function")
    else:
        order = ("function", "economic_department", "economic_government")
    return next((s for s in order if s in schemes), None)


def classified_row(
    row: Sequence[str | None], columns: Sequence[CodeColumn], kind: TableKind, split_code: str | None = None
) -> tuple[str | None, str | None, dict[str, str]]:
    """(code, name, other_codes) of one row of a table with several classifications
    (``split_code``: the row's code assembled from its 类 | 款 | 项 columns)."""
    primary = primary_scheme(kind, columns)
    codes: dict[str, tuple[str, str | None]] = {}
    for c in columns:
        if c.split:
            if split_code and c.scheme:
                name = row[c.name_col] if c.name_col is not None and c.name_col < len(row) else None
                codes[c.scheme] = (split_code, (name or "").strip() or None)
            continue
        cell = norm(row[c.index]) if c.index < len(row) and row[c.index] else ""
        if not cell or not c.scheme:
            continue
        if c.embedded:
            m = CODE_NAME_RE.match(cell)
            if m:
                codes[c.scheme] = (m.group(1), m.group(2).strip() or None)
        elif BARE_CODE_RE.match(cell) or (c.scheme == "project" and PROJECT_CODE_RE.match(cell)):
            name = row[c.name_col] if c.name_col is not None and c.name_col < len(row) else None
            codes[c.scheme] = (cell, (name or "").strip() or None)
    if primary in codes:
        code, name = codes[primary]
    else:
        code, name = None, None
    others = {s: v[0] for s, v in codes.items() if s != primary}
    if name is None:
        # a row without the table's own code (合计, or a function subtotal line)
        name = next((v[1] for v in codes.values() if v[1]), None)
    return code, name, others


def text_of_code_columns(row: Sequence[str | None], columns: Sequence[CodeColumn]) -> str:
    """Words printed in code columns that are not codes (合计 across them)."""
    out = []
    for c in columns:
        cell = norm(row[c.index]) if c.index < len(row) and row[c.index] and not c.split else ""
        if cell and not CODE_NAME_RE.match(cell) and not BARE_CODE_RE.match(cell):
            out.append(cell)
    return "".join(out)


# ------------------------------------------------------------ 三公 tables

THREE_PUBLIC_NOT_ITEM_RE = re.compile(r"机关运行|机关经费|行政经费|运行经费|公用经费")
VEHICLE_SUBTOTAL_RE = re.compile(r"购置及运行|购置和运行|车辆购置及运行")
THREE_PUBLIC_LABELS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"因公出国|出国"), "overseas"),
    (re.compile(r"购置"), "vehicle_purchase"),
    (re.compile(r"运行"), "vehicle_operation"),
    (re.compile(r"接待"), "reception"),
    (re.compile(r"会议"), "meeting"),
    (re.compile(r"培训"), "training"),
    (re.compile(r"^(合计|总计|“?三公”?经费(合计|小计)?|三公经费)$|三公.*(合计|总计|小计)|^“?三公”?经费"), "total"),
)
SOURCE_WORDS = ("general_budget", "government_fund", "state_capital")
SUBTOTAL = "vehicles"  # the vehicle subtotal column/line: not an item of its own


def three_public_item(label: str) -> str | None:
    """The 三公 item a label names; ``SUBTOTAL`` for 公务用车购置及运行费; None
    for anything else (机关运行经费 printed beside the items is not one)."""
    text = norm(label)
    text = re.sub(r"^(其中[:：]?)?[（(]?[一二三四五六七八九十0-9]+[)）.、]?", "", text)
    text = WHEREOF_RE.sub("", text)
    if not text or THREE_PUBLIC_NOT_ITEM_RE.search(text):
        return None
    if VEHICLE_SUBTOTAL_RE.search(text):
        return SUBTOTAL
    for pattern, item in THREE_PUBLIC_LABELS:
        if pattern.search(text):
            return item
    if GENERIC_RE.match(text) and re.search("合计|总计", text):
        return "total"
    return None


def _source_of(token: str) -> str | None:
    found = roles_in(token, SOURCE_WORDS)
    return found[0] if found else None


@dataclass
class ItemColumn:
    index: int
    item: str | None  # THREE_PUBLIC_ITEMS key, SUBTOTAL, or None (not a 三公 item)
    source: str | None  # general_budget … when the column is one source of its item
    name: str  # the item's printed words (without the source)


def item_columns(header: Sequence[Sequence[str | None]], amount_cols: Sequence[int], width: int) -> list[ItemColumn]:
    words = column_words(header, width)
    out = []
    for i in amount_cols:
        item = source = None
        named: list[str] = []
        generic_seen = False
        for token in words[i].tokens_inside_out():
            t = WHEREOF_RE.sub("", token)
            src = _source_of(t) if not VEHICLE_SUBTOTAL_RE.search(t) and "三公" not in t else None
            if src and source is None and item is None:
                source = src
                continue
            if GENERIC_RE.match(t):
                generic_seen = True
                named.insert(0, token)
                continue
            found = three_public_item(t)
            named.insert(0, token)
            if found is not None or THREE_PUBLIC_NOT_ITEM_RE.search(t):
                item = found
                break
        if item is None and generic_seen and not any(THREE_PUBLIC_NOT_ITEM_RE.search(n) for n in named):
            item = "total" if not any(three_public_item(n) for n in named) else three_public_item(named[0])
        out.append(ItemColumn(i, item, source, "/".join(named) or words[i].words))
    return out


YEAR_RE = re.compile(r"(\d{4})\s*年")
ACTUAL_RE = re.compile(r"执行|决算|实际")


def _row_keys(variants: list[str]) -> list[str]:
    """The key of each row of one unit's block by its variant label (年度,
    预算/决算): the budget year's (latest year's) row carries the figures,
    budget/actual rows of a final account theirs, the others their label."""
    years = [int(m.group(1)) for v in variants if (m := YEAR_RE.search(v))]
    has_actual = any(ACTUAL_RE.search(v) for v in variants)
    keys: list[str] = []
    for n, v in enumerate(variants):
        m = YEAR_RE.search(v)
        if has_actual and ACTUAL_RE.search(v):
            key = "actual"
        elif has_actual and "预算" in v:
            key = "budget"
        elif m and years and int(m.group(1)) == max(years) and not CHANGE_RE.search(v):
            key = "amount"
        elif re.search("本年|今年", v) and not CHANGE_RE.search(v) and not years:
            key = "amount"
        elif n == 0 and (not v or not (years or PRIOR_RE.search(v) or CHANGE_RE.search(v)
                                       or any(re.search("本年|今年", x) for x in variants))):
            key = "amount"
        else:
            key = COLUMN_KEY_PREFIX_UNMAPPED + (v or f"row{n + 1}")
        keys.append(key if key not in keys else f"{key}#{n + 1}")
    return keys


def three_public_table(
    header: Sequence[Sequence[str | None]],
    body: Sequence[Sequence[str | None]],
    pages: Sequence[int],
    label_cols: Sequence[int],
    amount_cols: Sequence[int],
    width: int,
) -> tuple[list[dict], list[str]] | None:
    """Rows of a 三公 table printing its items as columns (合计 | 因公出国(境)费 |
    公务接待费 | 公务用车购置及运行费 (小计 | 购置费 | 运行费) | 机关运行经费),
    possibly each by source (一般公共预算 | 政府性基金 | 国有资本经营), with one
    row per budget unit and year (2025年 | 2026年 | 增减变化). None when the
    items are rows (the caller reads those).

    Every printed figure lands in a row: the department's items of the budget
    year are the ``item`` rows (keyed ``amount`` / ``budget`` / ``actual`` or
    by source); other years are ``col:<year>`` keys of the same rows; columns
    that are not 三公 items (机关运行经费) and the sub-units' blocks are rows
    with ``item: null``.
    """
    # item columns printed blank are still the table's columns: the items are read from the header
    text_cols = [c for c in label_cols if any(c < len(r) and r[c] and amount_text(r[c]) is None for r in body)]
    blank_cols = [c for c in label_cols if c not in text_cols]
    cols = [c for c in item_columns(header, sorted([*amount_cols, *blank_cols]), width)
            if c.index in amount_cols or c.item is not None]
    real = {c.item for c in cols if c.item not in (None, "total", SUBTOTAL)}
    if len(real) < 2:
        return None
    label_cols = text_cols
    warnings: list[str] = []
    data = [(row, page) for row, page in zip(body, pages)
            if any(i < len(row) and amount_text(row[i]) is not None for i in amount_cols)]
    unit_col = label_cols[0] if len(label_cols) >= 2 else None
    variant_cols = [c for c in label_cols if c != unit_col]
    blocks: list[tuple[str, list[tuple[Sequence[str | None], int, str]]]] = []
    current = ""
    for row, page in data:
        unit = (row[unit_col] or "").strip() if unit_col is not None and unit_col < len(row) else ""
        variant = "".join(norm(row[c]) for c in variant_cols if c < len(row) and row[c])
        if unit_col is None and not blocks:
            blocks.append(("", []))
        elif unit and (not blocks or unit != current):
            blocks.append((unit, []))
            current = unit
        elif not blocks:
            blocks.append(("", []))
        blocks[-1][1].append((row, page, variant))
    department = _department_block(blocks, cols)
    if department is None:
        warnings.append(
            f"三公 table of {len(blocks)} units without a department total: its items are kept as unit rows, not read as the department's"
        )
    rows: list[dict] = []
    for b, (unit, block) in enumerate(blocks):
        keys = _row_keys([v for _, _, v in block])
        merged: dict[int, dict] = {}
        for (row, page, _), key in zip(block, keys):
            for c in cols:
                value = amount_text(row[c.index]) if c.index < len(row) else None
                if key == "amount" and c.source:
                    column = c.source
                elif c.source:
                    column = f"{key if key.startswith(COLUMN_KEY_PREFIX_UNMAPPED) else COLUMN_KEY_PREFIX_UNMAPPED + key}/{_SOURCE_WORDS[c.source]}"
                else:
                    column = key
                target = _item_target(c, unit, b == department)
                entry = merged.setdefault(target, {"code": None, "name": target[1], "item": target[0], "side": None,
                                                   "page": page, "amounts": {}})
                if column not in entry["amounts"]:
                    entry["amounts"][column] = value
                    if page != entry["page"] and value is not None:
                        # a unit's block continued over a page break: say where this figure is printed
                        entry.setdefault("amount_pages", {})[column] = page
        rows.extend(merged.values())
    return rows, warnings


_SOURCE_WORDS = {"general_budget": "一般公共预算", "government_fund": "政府性基金预算", "state_capital": "国有资本经营预算"}


def _item_target(c: ItemColumn, unit: str, is_department: bool) -> tuple[str | None, str]:
    item = c.item if c.item != SUBTOTAL else None
    if is_department:
        return (item, c.name)
    return (None, f"{unit}/{c.name}" if unit else c.name)


def _department_block(blocks: list[tuple[str, list]], cols: list[ItemColumn]) -> int | None:
    """Which unit block is the department's: the only one, the one named 合计,
    or the first when it is the sum of the others (checked, not assumed)."""
    if len(blocks) == 1:
        return 0
    for b, (unit, _) in enumerate(blocks):
        if re.fullmatch(r"(合计|总计)", unit):
            return b

    def figures(block) -> list[Decimal | None]:
        keys = _row_keys([v for _, _, v in block])
        row = next((r for (r, _, _), k in zip(block, keys) if k == "amount"), None)
        if row is None:
            return []
        return [Decimal(t) if (t := amount_text(row[c.index] if c.index < len(row) else None)) else None for c in cols]

    first = figures(blocks[0][1])
    rest = [figures(block) for _, block in blocks[1:]]
    if not first or any(len(r) != len(first) for r in rest):
        return None
    for n, figure in enumerate(first):
        parts = [r[n] for r in rest]
        if figure is None:
            continue
        if sum_beyond_rounding(figure, parts) is not None:
            return None
    return 0
