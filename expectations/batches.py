"""The batches the suites validate, built with DuckDB SQL over the raw layer.

Each batch is a pandas DataFrame (GX's pandas datasource; its SQL datasource
over duckdb-engine returned empty metrics here). The totals, units and claims
batches hold *check rows*: one row per instance of an identity (document,
table, code, figure a, figure b, number of rounded terms, tolerance), so a
GX expectation such as "``excess_thousandths`` ≤ 0" is the identity, and the failing rows
name the document, table, code and the two figures that disagree.

Which tables and columns take part in which identity is defined once, in
``countybudget.identities``; this module only turns those rules into SQL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from countybudget import paths
from countybudget.contracts import PARSE_NOT_BUDGET, SOURCE_OCR, SOURCE_TEXT_LAYER
from countybudget.identities import (
    CROSS_TABLE_TERMS,
    FUNCTION_CODED_KINDS,
    HIERARCHICAL_KINDS,
    SUMMARY_KINDS,
    THREE_PUBLIC_PARTS,
    row_total_rules,
    tolerance_sql,
    total_row_sql,
)
from countybudget.money import UNIT_FACTORS
from countybudget.table_kinds import TableKind
from expectations import sources

log = logging.getLogger(__name__)

BATCH_NAMES: tuple[str, ...] = (
    "documents", "amounts", "codes", "totals", "units", "claims", "regions", "staging_columns",
)


@dataclass
class Batches:
    frames: dict[str, pd.DataFrame]
    documents: list[str]  # sha256 of every document checked
    labels: dict[str, str]  # sha256 -> "unit_name fiscal_year doc_type (sha…)", for messages
    code_lists: str  # where the official code lists came from
    # (sha256, table_index) -> table kind of every parsed table (raw ``tables``, empty ones included)
    table_kinds: dict[tuple[str, int], str] = field(default_factory=dict)


def sql_list(values: Iterable[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def values_table(con: duckdb.DuckDBPyConnection, name: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    frame = pd.DataFrame(rows, columns=list(columns))  # noqa: F841 - read by DuckDB below
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM frame")


def query_frame(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    """Run ``sql`` into pandas through Arrow, so DECIMAL stays Decimal (``.df()`` gives float)."""
    return con.sql(sql).to_arrow_table().to_pandas()


# ------------------------------------------------------------ reference tables


def load_rules(con: duckdb.DuckDBPyConnection) -> None:
    """The identity rules and vocabularies as small tables the SQL joins to."""
    load_row_total_rules(con)
    values_table(con, "unit_factors", ("unit", "factor"), [(u, str(f)) for u, f in UNIT_FACTORS.items()])
    con.execute("CREATE OR REPLACE TEMP TABLE unit_factor AS SELECT unit, CAST(factor AS DECIMAL(18,2)) AS factor FROM unit_factors")
    values_table(con, "three_public_parts", ("item",), [(i,) for i in THREE_PUBLIC_PARTS])


def load_row_total_rules(con: duckdb.DuckDBPyConnection) -> None:
    """``row_total_rules(sha256, table_index, rule_index, total_key, part_key)``:
    the row-total rules as they apply to each table, given the columns it prints
    (``identities.row_total_rules``: a part printed only as its own parts is
    checked against those)."""
    printed = con.execute(
        "SELECT sha256, table_index, any_value(table_kind), list(DISTINCT column_key) FROM raw_amounts GROUP BY ALL"
    ).fetchall()
    rows = [
        (sha, index, rule_index, total, part)
        for sha, index, kind, columns in printed
        for rule_index, (total, parts) in enumerate(row_total_rules(str(kind), columns or ()))
        for part in parts
    ]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE row_total_rules (sha256 VARCHAR, table_index INTEGER, rule_index INTEGER, "
        "total_key VARCHAR, part_key VARCHAR)"
    )
    if rows:
        frame = pd.DataFrame(rows, columns=["sha256", "table_index", "rule_index", "total_key", "part_key"])  # noqa: F841
        con.execute("INSERT INTO row_total_rules SELECT * FROM frame")


def load_code_list(con: duckdb.DuckDBPyConnection) -> str:
    """``code_list(family, code, name, alias)`` and ``code_classes(family, class_code, listed)``.

    The lists are the dbt seeds, read through ``countybudget.code_lists`` (the
    one reader the parser uses too). ``family`` is the checks' family:
    ``function`` or ``economic`` (部门 and 政府 economic codes together: a
    basic-expenditure table may print a 政府经济分类 code among 部门 ones).
    ``code_classes`` holds every 类 of each family: the listed ones and the
    classification's structural 类 no document here printed (202 外交支出,
    501 机关工资福利支出 …), which are valid but not yet named.
    Returns where the lists came from, for the run report.
    """
    from countybudget import code_lists

    lists = code_lists.load()
    check_family = {"function": "function", "economic_department": "economic", "economic_government": "economic"}
    rows: list[tuple[str, str, str | None, str | None]] = []
    for entry in lists.entries.values():
        family = check_family[entry.family]
        rows.append((family, entry.code, entry.name, None))
        rows += [(family, entry.code, entry.name, alias) for alias in entry.aliases]
    classes = {(check_family[f], c): False for f, cs in code_lists.STRUCTURAL_CLASSES.items() for c in cs}
    classes.update({(check_family[e.family], e.code): True for e in lists.entries.values() if len(e.code) == 3})
    values_table(con, "code_list", ("family", "code", "name", "alias"), rows)
    values_table(con, "code_classes", ("family", "class_code", "listed"),
                 [(f, c, listed) for (f, c), listed in sorted(classes.items())])
    return "; ".join(str(Path(p).relative_to(paths.REPO_ROOT)) for p in lists.sources) or "no code lists found"


# ------------------------------------------------------------ base views


def create_base_views(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE OR REPLACE TEMP VIEW doc_labels AS
        SELECT sha256,
               CASE WHEN unit_name IS NULL
                    -- an unreadable file has no unit name yet: name it by its file
                    THEN format('{} ({})', coalesce(regexp_extract(source_path, '[^/]+$'), '?'), left(sha256, 12))
                    ELSE format('{} {} {} ({})', unit_name, coalesce(CAST(fiscal_year AS VARCHAR), '?'),
                                coalesce(doc_type, '?'), left(sha256, 12)) END AS document,
               fiscal_year
        FROM raw_documents
        """
    )
    # One row per printed figure, as an exact decimal with the step it was printed at.
    # A table, not a view: every identity reads it.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE cells AS
        SELECT a.sha256, a.table_index, a.table_kind, a.unit, a.row_index, a.code,
               replace(replace(a.name, ' ', ''), '　', '') AS name, a.item, a.side, a.column_key,
               a.row_role, a.row_level,
               -- exact as printed: 万元 figures to 4-6 decimals (exact to the cent in 元) are not rounded here
               TRY_CAST(a.amount AS DECIMAL(24,6)) AS value,
               CASE WHEN strpos(a.amount, '.') > 0 THEN least(length(a.amount) - strpos(a.amount, '.'), 6) ELSE 0 END AS places,
               coalesce(f.factor, 1) AS factor
        FROM raw_amounts a LEFT JOIN unit_factor f ON f.unit = a.unit
        WHERE TRY_CAST(a.amount AS DECIMAL(24,6)) IS NOT NULL
          AND a.table_kind NOT IN ('{TableKind.PERFORMANCE_TARGETS.value}', '{TableKind.UNKNOWN.value}')
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE total_rows AS
        SELECT * FROM cells
        WHERE {total_row_sql()}
        """
    )


# The rounding step of a figure printed with ``places`` decimals, as DECIMAL.
STEP = (
    "CASE {p} WHEN -2 THEN CAST(100 AS DECIMAL(24,6)) WHEN 0 THEN CAST(1 AS DECIMAL(24,6)) "
    "WHEN 1 THEN CAST(0.1 AS DECIMAL(24,6)) WHEN 2 THEN CAST(0.01 AS DECIMAL(24,6)) "
    "WHEN 3 THEN CAST(0.001 AS DECIMAL(24,6)) WHEN 4 THEN CAST(0.0001 AS DECIMAL(24,6)) "
    "WHEN 5 THEN CAST(0.00001 AS DECIMAL(24,6)) ELSE CAST(0.000001 AS DECIMAL(24,6)) END"
)  # places = -2: a cent of a 万元 figure, expressed in yuan

# Excess over the tolerance is compared as an exact integer number of thousandths
# (figures have 2 decimals, tolerances 3): vectorised in pandas, where a Decimal
# column would be compared in a Python loop, and still never a float.
# Rounded up, so an excess finer than a thousandth (figures printed to 4-6 decimals) still counts.
EXCESS = "CAST(ceil(({difference} - {tolerance}) * 1000) AS BIGINT)"


CHECK_COLUMNS = (
    "identity, sha256, table_index, table_kind, unit, code, column_key, "
    "label_a, figure_a, label_b, figure_b, n_terms, places"
)


def identity_rows_sql() -> str:
    hierarchical = sql_list(sorted(HIERARCHICAL_KINDS))
    summary_kinds = sql_list(SUMMARY_KINDS)
    return f"""
    WITH
    -- row_total: 合计 = 基本支出 + 项目支出 (+ …), per row, rules from identities.ROW_TOTAL_RULES
    -- (rules resolved per table: load_row_total_rules)
    totals AS (
        SELECT c.*, r.rule_index, r.total_key FROM cells c
        JOIN (SELECT DISTINCT sha256, table_index, rule_index, total_key FROM row_total_rules) r
          ON c.sha256 = r.sha256 AND c.table_index = r.table_index AND c.column_key = r.total_key),
    -- n counts the part columns the table prints, blank cells included (as identities.py does)
    table_parts AS (
        SELECT sha256, table_index, rule_index, count(DISTINCT part_key) AS n FROM row_total_rules GROUP BY ALL),
    parts AS (
        SELECT c.sha256, c.table_index, c.row_index, r.rule_index, sum(c.value) AS value, any_value(tp.n) AS n,
               max(c.places) AS places, string_agg(c.column_key, ' + ' ORDER BY c.column_key) AS keys
        FROM cells c JOIN row_total_rules r
          ON c.sha256 = r.sha256 AND c.table_index = r.table_index AND c.column_key = r.part_key
        JOIN table_parts tp ON tp.sha256 = c.sha256 AND tp.table_index = c.table_index AND tp.rule_index = r.rule_index
        GROUP BY c.sha256, c.table_index, c.row_index, r.rule_index),
    row_total AS (
        SELECT 'row_total' AS identity, t.sha256, t.table_index, t.table_kind, t.unit,
               coalesce(t.code, t.item, t.name) AS code, t.total_key AS column_key,
               t.total_key AS label_a, t.value AS figure_a, p.keys AS label_b, p.value AS figure_b,
               p.n AS n_terms, greatest(t.places, p.places) AS places
        FROM totals t JOIN parts p USING (sha256, table_index, row_index, rule_index)),
    -- parent_sum: a code = the sum of the next level of codes printed below it; a table keyed
    -- by unit and function (a unit row over its function rows, row_role subtotal) holds one
    -- hierarchy per unit, so codes are summed within their unit's block (identities.unit_blocks)
    row_blocks AS (
        SELECT sha256, table_index, row_index,
               sum(CASE WHEN code IS NULL AND row_role = 'subtotal' THEN 1 ELSE 0 END)
                   OVER (PARTITION BY sha256, table_index ORDER BY row_index) AS block
        FROM (SELECT DISTINCT sha256, table_index, row_index, code, row_role FROM cells
              WHERE table_kind IN ({hierarchical}))),
    coded_cells AS (
        SELECT c.*, b.block FROM cells c JOIN row_blocks b USING (sha256, table_index, row_index)
        WHERE c.code IS NOT NULL),
    by_code AS (
        SELECT sha256, table_index, block, table_kind, unit, column_key, code, sum(value) AS value, max(places) AS places,
               count(*) AS n_rows
        FROM coded_cells GROUP BY ALL),
    -- the codes a table prints (in any column): a child blank in this column still counts
    table_codes AS (SELECT DISTINCT sha256, table_index, block, code FROM coded_cells),
    descendants AS (
        SELECT p.sha256, p.table_index, p.block, p.table_kind, p.unit, p.column_key, p.code, p.value, p.places,
               c.code AS child,
               length(c.code) = min(length(c.code)) OVER (
                   PARTITION BY p.sha256, p.table_index, p.block, p.column_key, p.code) AS is_child
        FROM by_code p JOIN table_codes c
          ON c.sha256 = p.sha256 AND c.table_index = p.table_index AND c.block = p.block
         AND length(c.code) > length(p.code) AND starts_with(c.code, p.code)),
    parent_sum AS (
        SELECT 'parent_sum' AS identity, d.sha256, d.table_index, d.table_kind, d.unit, d.code, d.column_key,
               'parent ' || d.code AS label_a, any_value(d.value) AS figure_a,
               'children ' || string_agg(d.child, '+' ORDER BY d.child) AS label_b,
               coalesce(sum(k.value), 0) AS figure_b,
               -- every printed child row is a rounded term (a code printed once per sub-unit is several)
               sum(coalesce(k.n_rows, 1)) AS n_terms, greatest(max(d.places), coalesce(max(k.places), 0)) AS places
        FROM descendants d LEFT JOIN by_code k
          ON k.sha256 = d.sha256 AND k.table_index = d.table_index AND k.block = d.block
         AND k.column_key = d.column_key AND k.code = d.child
        WHERE d.is_child
        GROUP BY d.sha256, d.table_index, d.block, d.table_kind, d.unit, d.code, d.column_key),
    -- class_sum: the 类 (3-digit) rows add up to the table's single total row
    single_total AS (
        SELECT sha256, table_index FROM total_rows WHERE table_kind IN ({hierarchical})
        GROUP BY ALL HAVING count(DISTINCT row_index) = 1),
    class_codes AS (
        SELECT sha256, table_index, count(DISTINCT row_index) AS n, string_agg(DISTINCT code, '+' ORDER BY code) AS codes
        FROM cells WHERE length(code) = 3 AND table_kind IN ({hierarchical}) GROUP BY ALL),
    classes AS (
        SELECT c.sha256, c.table_index, c.column_key, sum(c.value) AS value, any_value(cc.n) AS n,
               max(c.places) AS places, any_value(cc.codes) AS codes
        FROM cells c JOIN class_codes cc USING (sha256, table_index)
        WHERE length(c.code) = 3 AND c.table_kind IN ({hierarchical}) GROUP BY c.sha256, c.table_index, c.column_key),
    class_sum AS (
        SELECT 'class_sum' AS identity, t.sha256, t.table_index, t.table_kind, t.unit, NULL AS code, t.column_key,
               t.name AS label_a, t.value AS figure_a, '类 ' || c.codes AS label_b, c.value AS figure_b,
               c.n AS n_terms, greatest(t.places, c.places) AS places
        FROM total_rows t JOIN single_total USING (sha256, table_index)
        JOIN classes c USING (sha256, table_index, column_key)),
    -- the lines of the two-sided summaries (a line printing no figure has no row here, nor in
    -- identities.half_structure), with the role and level the parser read; halves without
    -- roles (the corpus ground truth) get the role their names suggest (identities.name_role)
    summary_lines AS (
        SELECT sha256, table_index, any_value(table_kind) AS table_kind, any_value(unit) AS unit, side, row_index,
               any_value(name) AS name, any_value(row_role) AS row_role, coalesce(any_value(row_level), 0) AS level
        FROM cells
        WHERE table_kind IN ({summary_kinds}) AND side IN ('income', 'expenditure')
        GROUP BY sha256, table_index, side, row_index),
    half_mode AS (
        SELECT sha256, table_index, side, bool_or(row_role IS NOT NULL) AS by_role
        FROM summary_lines GROUP BY ALL),
    half_lines AS (
        SELECT l.*, h.by_role,
               CASE WHEN h.by_role THEN coalesce(l.row_role, 'item')
                    WHEN strpos(l.name, '本年收入合计') > 0 OR strpos(l.name, '本年支出合计') > 0 THEN 'subtotal'
                    WHEN strpos(l.name, '收入总计') > 0 OR strpos(l.name, '支出总计') > 0 THEN 'total'
                    WHEN strpos(l.name, '合计') > 0 OR strpos(l.name, '小计') > 0 OR strpos(l.name, '总计') > 0
                      OR strpos(l.name, '其中') > 0 THEN 'other_sum'
                    ELSE 'item' END AS role
        FROM summary_lines l JOIN half_mode h USING (sha256, table_index, side)),
    half_marks AS (
        SELECT sha256, table_index, side, any_value(by_role) AS by_role,
               min(row_index) FILTER (WHERE role = 'subtotal') AS sub_at,
               min(row_index) FILTER (WHERE role = 'total') AS total_at
        FROM half_lines GROUP BY ALL),
    half_heads AS (
        SELECT m.*, s.level AS sub_level,
               -- a heading (一、本年收入 over （一）…) when the line right under it is one level deeper:
               -- its parts are those lines; else the level-0 items above it (identities.half_structure)
               coalesce(n.role = 'item' AND n.level > s.level, false) AS heading,
               (SELECT min(b.row_index) FROM half_lines b
                 WHERE b.sha256 = m.sha256 AND b.table_index = m.table_index AND b.side = m.side
                   AND b.row_index > m.sub_at AND (b.level <= s.level OR b.role IN ('subtotal', 'total'))) AS heading_end
        FROM half_marks m
        LEFT JOIN half_lines s
          ON s.sha256 = m.sha256 AND s.table_index = m.table_index AND s.side = m.side AND s.row_index = m.sub_at
        LEFT JOIN half_lines n
          ON n.sha256 = m.sha256 AND n.table_index = m.table_index AND n.side = m.side
         AND n.row_index = (SELECT min(a.row_index) FROM half_lines a
                             WHERE a.sha256 = m.sha256 AND a.table_index = m.table_index AND a.side = m.side
                               AND a.row_index > m.sub_at)),
    half_parts AS (
        SELECT l.sha256, l.table_index, l.side, l.row_index, l.role, h.sub_at, h.total_at,
               CASE WHEN h.sub_at IS NULL THEN false
                    WHEN NOT h.by_role THEN l.role = 'item' AND l.row_index < h.sub_at
                    WHEN h.by_role AND h.heading THEN l.role = 'item' AND l.row_index > h.sub_at
                         AND l.row_index < coalesce(h.heading_end, 2147483647) AND l.level = h.sub_level + 1
                    ELSE l.role = 'item' AND l.level = 0 AND l.row_index < h.sub_at END AS in_sub
        FROM half_lines l JOIN half_heads h USING (sha256, table_index, side)),
    half_parts_total AS (
        SELECT p.*,
               CASE WHEN p.total_at IS NULL THEN false
                    WHEN p.row_index = p.sub_at THEN l.by_role OR p.sub_at < p.total_at
                    WHEN NOT l.by_role THEN p.role = 'item' AND p.row_index < p.total_at
                         AND p.row_index > coalesce(p.sub_at, -1)
                    ELSE p.role = 'item' AND l.level = 0 AND NOT p.in_sub AND p.row_index <> p.total_at END AS in_total,
               -- the carry-over lines: the level-0 items outside the subtotal
               l.by_role AND p.sub_at IS NOT NULL AND p.role = 'item' AND l.level = 0 AND NOT p.in_sub AS is_carry
        FROM half_parts p JOIN half_lines l USING (sha256, table_index, side, row_index)),
    -- summary_items_sum: a half's parts add up to its 本年收入合计 / 本年支出合计, and that
    -- subtotal with the carry-over lines to its 总计 (identities.summary_half_checks)
    half_sums AS (
        SELECT c.sha256, c.table_index, c.side, c.column_key, t.target, t.target_at,
               sum(c.value) AS value, count(*) AS n, max(c.places) AS places
        FROM cells c JOIN half_parts_total p USING (sha256, table_index, side, row_index)
        JOIN (SELECT DISTINCT sha256, table_index, side, 'subtotal' AS target, sub_at AS target_at FROM half_parts
               WHERE sub_at IS NOT NULL
              UNION ALL
              SELECT DISTINCT sha256, table_index, side, 'total', total_at FROM half_parts WHERE total_at IS NOT NULL) t
          USING (sha256, table_index, side)
        WHERE (t.target = 'subtotal' AND p.in_sub) OR (t.target = 'total' AND p.in_total)
        GROUP BY ALL),
    summary_items_sum AS (
        SELECT 'summary_items_sum' AS identity, t.sha256, t.table_index, t.table_kind, t.unit, t.side AS code,
               t.column_key, t.name AS label_a, t.value AS figure_a,
               CASE s.target WHEN 'subtotal' THEN 'the ' || s.n || ' lines that make it up'
                             ELSE 'the subtotal and the carry-over lines' END AS label_b,
               s.value AS figure_b, s.n AS n_terms, greatest(t.places, s.places) AS places
        FROM cells t JOIN half_sums s
          ON s.sha256 = t.sha256 AND s.table_index = t.table_index AND s.side = t.side
         AND s.column_key = t.column_key AND s.target_at = t.row_index),
    -- income_equals_expenditure: 收入总计 = 支出总计, and 本年收入合计 + 上年结转 = 本年支出合计 +
    -- 年终结转结余 (halves without roles: 本年收入合计 = 本年支出合计), in the column the halves
    -- share: income amount, expenditure total (or amount)
    compare_cells AS (
        SELECT c.*, row_number() OVER (PARTITION BY c.sha256, c.table_index, c.side, c.row_index
                                       ORDER BY c.column_key = 'total' DESC, c.column_key = 'amount' DESC) AS pick
        FROM cells c
        WHERE c.table_kind IN ({summary_kinds})
          AND ((c.side = 'income' AND c.column_key = 'amount')
               OR (c.side = 'expenditure' AND c.column_key IN ('total', 'amount')))),
    half_figures AS (
        SELECT p.sha256, p.table_index, p.side, 1 AS pair, any_value(c.name) AS name, any_value(c.value) AS value,
               max(c.places) AS places, 1 AS n
        FROM half_parts p JOIN compare_cells c USING (sha256, table_index, side, row_index)
        WHERE c.pick = 1 AND p.row_index = p.total_at GROUP BY ALL
        UNION ALL
        SELECT p.sha256, p.table_index, p.side, 2 AS pair,
               any_value(c.name) FILTER (WHERE p.row_index = p.sub_at)
                 || CASE WHEN count(*) > 1 THEN ' + carry-overs' ELSE '' END AS name,
               sum(c.value) AS value, max(c.places) AS places, count(*) AS n
        FROM half_parts_total p JOIN compare_cells c USING (sha256, table_index, side, row_index)
        WHERE c.pick = 1 AND p.sub_at IS NOT NULL
          AND (p.row_index = p.sub_at OR p.is_carry)
        GROUP BY ALL
        HAVING bool_or(p.row_index = p.sub_at)),
    income_equals_expenditure AS (
        SELECT 'income_equals_expenditure' AS identity, i.sha256, i.table_index, k.table_kind, k.unit,
               NULL AS code, 'amount' AS column_key, i.name AS label_a, i.value AS figure_a,
               e.name AS label_b, e.value AS figure_b,
               -- each side a sum of rounded figures: n_a + n_b - 1 half-steps (1 for two printed figures)
               i.n + e.n - 1 AS n_terms, greatest(i.places, e.places) AS places
        FROM half_figures i JOIN half_figures e USING (sha256, table_index, pair)
        JOIN (SELECT DISTINCT sha256, table_index, table_kind, unit FROM summary_lines) k USING (sha256, table_index)
        WHERE i.side = 'income' AND e.side = 'expenditure'),
    -- function_within_summary: a general-budget (or fund) function figure cannot exceed the
    -- all-funds figure of the same code in the expenditure summary (支出总表)
    summary_codes AS (
        SELECT sha256, table_index, code, column_key, sum(value * factor) AS yuan, max(places) AS places, any_value(factor) AS factor
        FROM cells WHERE table_kind = '{TableKind.EXPENDITURE_SUMMARY.value}' AND code IS NOT NULL GROUP BY ALL),
    fund_codes AS (
        SELECT sha256, table_index, table_kind, unit, code, column_key, sum(value * factor) AS yuan, max(places) AS places,
               any_value(factor) AS factor
        FROM cells
        WHERE table_kind IN ('{TableKind.EXPENDITURE_BY_FUNCTION.value}', '{TableKind.GOVERNMENT_FUND_EXPENDITURE.value}',
                             '{TableKind.STATE_CAPITAL_EXPENDITURE.value}')
          AND code IS NOT NULL AND value > 0
          -- only columns the document's summary prints: a column it lacks (a fund table's
          -- split, a col:<header> kept as printed) has nothing there to be within
          AND (sha256, column_key) IN (SELECT (sha256, column_key) FROM summary_codes)
        GROUP BY ALL),
    function_within_summary AS (
        SELECT 'function_within_summary' AS identity, f.sha256, f.table_index, f.table_kind, '元' AS unit, f.code,
               -- the summary it is compared with (the document's first one when the code is not in any)
               coalesce(s.table_index, (SELECT min(x.table_index) FROM summary_codes x WHERE x.sha256 = f.sha256))
                   AS other_table_index,
               f.column_key, format('{{}} in table {{}}', f.column_key, f.table_index) AS label_a,
               CAST(f.yuan AS DECIMAL(18,2)) AS figure_a,
               CASE WHEN s.code IS NULL THEN 'not in the expenditure summary'
                    ELSE format('at most the summary''s (table {{}})', s.table_index) END AS label_b,
               CAST(least(coalesce(s.yuan, 0), f.yuan) AS DECIMAL(18,2)) AS figure_b,
               2 AS n_terms,
               -- tolerance in yuan: the step of the coarser table, so places = 2 of a 万元-scaled step
               CASE WHEN greatest(f.factor, coalesce(s.factor, 1)) > 1 THEN -2 ELSE greatest(f.places, coalesce(s.places, 0)) END AS places
        FROM fund_codes f LEFT JOIN summary_codes s USING (sha256, code, column_key)
        QUALIFY row_number() OVER (PARTITION BY f.sha256, f.table_index, f.code, f.column_key ORDER BY s.yuan DESC NULLS LAST) = 1),
    -- three_public_sum: 三公 = 出国 + 车购 + 车运 + 接待
    tp AS (SELECT * FROM cells WHERE table_kind = '{TableKind.THREE_PUBLIC_EXPENSES.value}'),
    three_public_sum AS (
        SELECT 'three_public_sum' AS identity, t.sha256, t.table_index, t.table_kind, t.unit, 'total' AS code,
               t.column_key, '三公 total' AS label_a, any_value(t.value) AS figure_a,
               string_agg(p.item, ' + ' ORDER BY p.item) AS label_b, sum(p.value) AS figure_b,
               count(*) AS n_terms, greatest(max(t.places), max(p.places)) AS places
        FROM tp t JOIN tp p ON p.sha256 = t.sha256 AND p.table_index = t.table_index AND p.column_key = t.column_key
         AND p.item IN (SELECT item FROM three_public_parts)
        WHERE t.item = 'total'
        GROUP BY t.sha256, t.table_index, t.table_kind, t.unit, t.column_key)
    SELECT {CHECK_COLUMNS} FROM row_total
    UNION ALL SELECT {CHECK_COLUMNS} FROM parent_sum
    UNION ALL SELECT {CHECK_COLUMNS} FROM class_sum
    UNION ALL SELECT {CHECK_COLUMNS} FROM income_equals_expenditure
    UNION ALL SELECT {CHECK_COLUMNS} FROM three_public_sum
    UNION ALL SELECT {CHECK_COLUMNS} FROM summary_items_sum
    UNION ALL BY NAME SELECT {CHECK_COLUMNS}, other_table_index FROM function_within_summary
    """


def cross_table_rows_sql() -> str:
    """Figures two tables of a document both print, compared in yuan.

    ``basic_function_equals_economic`` pairs the n-th function table with the
    n-th economic-class table (one pair per unit). ``shared_codes`` compares
    every pair of tables printing the same code and column (except tables of
    two separate budgets: general, government fund, state capital): their
    figures need not be equal (fund scopes nest) but where they are closest
    they must be of the same order of magnitude, which is how a table in 元
    labelled 万元 shows itself (10^4 off on every code).
    """
    fund_scopes = sql_list(
        [TableKind.EXPENDITURE_BY_FUNCTION.value, TableKind.GOVERNMENT_FUND_EXPENDITURE.value,
         TableKind.STATE_CAPITAL_EXPENDITURE.value])
    return f"""
    WITH ranked AS (
        SELECT *, dense_rank() OVER (PARTITION BY sha256, table_kind ORDER BY table_index) AS nth FROM total_rows),
    fn_basic AS (SELECT * FROM ranked WHERE table_kind = '{TableKind.EXPENDITURE_BY_FUNCTION.value}' AND column_key = 'basic'),
    -- a function table printing 人员经费 | 公用经费 without a 基本支出 column: 基本支出 is their sum
    fn_parts AS (
        SELECT r.sha256, r.table_index, any_value(r.table_kind) AS table_kind, any_value(r.unit) AS unit, r.row_index,
               sum(r.value) AS value, max(r.places) AS places, any_value(r.factor) AS factor, any_value(r.nth) AS nth
        FROM ranked r
        WHERE r.table_kind = '{TableKind.EXPENDITURE_BY_FUNCTION.value}' AND r.column_key IN ('personnel', 'public')
          AND NOT EXISTS (SELECT 1 FROM cells c WHERE c.sha256 = r.sha256 AND c.table_index = r.table_index
                                                AND c.column_key = 'basic')
        GROUP BY r.sha256, r.table_index, r.row_index),
    fn AS (
        SELECT sha256, table_index, table_kind, unit, row_index, value, places, factor, nth FROM fn_basic
        UNION ALL
        SELECT sha256, table_index, table_kind, unit, row_index, value, places, factor, nth FROM fn_parts),
    ec AS (SELECT * FROM ranked WHERE table_kind = '{TableKind.BASIC_EXPENDITURE_BY_ECONOMIC.value}' AND column_key = 'total'),
    basic AS (
        SELECT 'basic_function_equals_economic' AS identity, f.sha256,
               f.table_index AS table_a, f.table_kind AS kind_a, f.unit AS unit_a,
               e.table_index AS table_b, e.table_kind AS kind_b, e.unit AS unit_b,
               NULL AS code, 'basic' AS column_key,
               CAST(f.value * f.factor AS DECIMAL(18,2)) AS figure_a, CAST(e.value * e.factor AS DECIMAL(18,2)) AS figure_b,
               CAST(greatest({STEP.format(p='f.places')} * f.factor, {STEP.format(p='e.places')} * e.factor) AS DECIMAL(18,2)) AS step_yuan,
               1 AS n_codes
        FROM fn f JOIN ec e USING (sha256, nth)
        QUALIFY row_number() OVER (PARTITION BY f.sha256, f.table_index ORDER BY f.row_index, e.row_index) = 1),
    coded AS (
        SELECT sha256, table_index, table_kind, unit, code, column_key, CAST(value * factor AS DECIMAL(18,2)) AS yuan,
               CAST({STEP.format(p='places')} * factor AS DECIMAL(18,2)) AS step_yuan
        FROM cells WHERE code IS NOT NULL AND value <> 0),
    -- every code and column two tables both print, with how far apart the two figures are
    shared_cells AS (
        SELECT a.sha256, a.table_index AS table_a, a.table_kind AS kind_a, a.unit AS unit_a,
               b.table_index AS table_b, b.table_kind AS kind_b, b.unit AS unit_b, a.code, a.column_key,
               abs(a.yuan) AS figure_a, abs(b.yuan) AS figure_b, greatest(a.step_yuan, b.step_yuan) AS step_yuan,
               abs(log10(CAST(abs(a.yuan) AS DOUBLE) / CAST(abs(b.yuan) AS DOUBLE))) AS gap
        FROM coded a JOIN coded b
          ON a.sha256 = b.sha256 AND a.table_index < b.table_index
         AND a.code = b.code AND a.column_key = b.column_key
        -- the general budget, the government funds and state capital are separate budgets:
        -- the same 类 code in two of them is different money, with no relation to compare
        WHERE NOT (a.table_kind IN ({fund_scopes}) AND b.table_kind IN ({fund_scopes}) AND a.table_kind <> b.table_kind)),
    -- A pair is as close as its closest shared figure: tables of nested scopes (the
    -- all-funds summary and a fund table) differ on codes with other money in them, but
    -- tables in the same unit agree wherever one holds all of a code's money, while a
    -- table in 元 labelled 万元 is 10^4 off on every code.
    shared AS (
        SELECT 'shared_codes' AS identity, sha256, table_a, kind_a, unit_a, table_b, kind_b, unit_b,
               code, column_key, figure_a, figure_b, step_yuan,
               count(*) OVER (PARTITION BY sha256, table_a, table_b) AS n_codes
        FROM shared_cells
        QUALIFY row_number() OVER (PARTITION BY sha256, table_a, table_b ORDER BY gap, code, column_key) = 1)
    SELECT * FROM basic UNION ALL SELECT * FROM shared
    """


def codes_sql() -> str:
    """One row per coded row of a hierarchical table, with what the lists say of its code.

    ``parent_printed`` is NULL (not checked) where the table prints no code
    of the parent's level at all: tables that print only 项 rows exist, and
    their 款 is checked through the lists instead. ``other_code`` names the
    listed code of the same level (a 款: under the same 类) whose name an
    unlisted 类 / 款 is printed with: a wrong digit. Codes in ``other_codes``
    (a second classification printed on the row) are checked as codes of
    their own family; they are compared among themselves for parents.
    """
    function_kinds = sql_list(sorted(FUNCTION_CODED_KINDS))
    hierarchical = sql_list(sorted(HIERARCHICAL_KINDS))
    return f"""
    WITH coded AS (
        SELECT DISTINCT a.sha256, a.table_index, a.table_kind, a.row_index, a.code, a.code_source,
               replace(replace(a.name, ' ', ''), '　', '') AS name,
               CASE WHEN a.table_kind IN ({function_kinds}) THEN 'function' ELSE 'economic' END AS family,
               'code' AS code_column
        FROM raw_amounts a WHERE a.code IS NOT NULL AND a.table_kind IN ({hierarchical})
        UNION
        -- the other classifications printed on the same row (部门 + 政府经济分类 side by side):
        -- checked as codes of their own family, without a name of their own
        SELECT DISTINCT a.sha256, a.table_index, a.table_kind, a.row_index, o.code, a.code_source, NULL AS name,
               CASE WHEN o.scheme = 'function' THEN 'function' ELSE 'economic' END AS family,
               'other_codes.' || o.scheme AS code_column
        FROM raw_amounts a,
             LATERAL (SELECT k AS scheme, CAST(a.other_codes AS JSON) ->> k AS code
                      FROM unnest(json_keys(CAST(a.other_codes AS JSON))) t(k)) o
        WHERE a.other_codes IS NOT NULL AND json_valid(a.other_codes) AND o.code IS NOT NULL
          AND a.table_kind IN ({hierarchical})),
    printed AS (SELECT DISTINCT sha256, table_index, code_column, code FROM coded),
    printed_lengths AS (SELECT DISTINCT sha256, table_index, code_column, length(code) AS n FROM coded),
    listed AS (SELECT family, code, any_value(name) AS official_name, list(DISTINCT alias) AS aliases
               FROM code_list GROUP BY family, code),
    named AS (SELECT DISTINCT family, length(code) AS n, {name_key('name')} AS key, code FROM code_list
              UNION SELECT family, length(code), {name_key('alias')}, code FROM code_list WHERE alias IS NOT NULL),
    placed AS (
        SELECT c.*, d.fiscal_year,
               CASE length(c.code) WHEN 3 THEN '类' WHEN 5 THEN '款' WHEN 7 THEN '项' END AS level,
               left(c.code, 3) AS class_code,
               CASE WHEN length(c.code) > 3 THEN left(c.code, length(c.code) - 2) END AS parent_code,
               l.code IS NOT NULL AS in_list,
               -- the official name, or the printed name itself when it is a recorded alias
               CASE WHEN list_contains(l.aliases, c.name) THEN c.name ELSE l.official_name END AS official_name
        FROM coded c LEFT JOIN doc_labels d USING (sha256)
        LEFT JOIN listed l ON l.family = c.family AND l.code = c.code)
    SELECT p.*,
           (SELECT any_value(coalesce(l.official_name, p.class_code)) FROM listed l
             WHERE l.family = p.family AND l.code = p.class_code) AS class_name,
           EXISTS (SELECT 1 FROM code_classes k WHERE k.family = p.family AND k.class_code = p.class_code) AS class_known,
           CASE WHEN p.parent_code IS NOT NULL AND EXISTS (
                    SELECT 1 FROM printed_lengths n WHERE n.sha256 = p.sha256 AND n.table_index = p.table_index
                      AND n.code_column = p.code_column AND n.n = length(p.parent_code))
                THEN EXISTS (
                    SELECT 1 FROM printed q WHERE q.sha256 = p.sha256 AND q.table_index = p.table_index
                      AND q.code_column = p.code_column AND q.code = p.parent_code) END AS parent_printed,
           CASE WHEN NOT p.in_list AND p.level IN ('类', '款') THEN (
               SELECT min(n.code) FROM named n WHERE n.family = p.family AND n.n = length(p.code)
                 AND n.key = {name_key('p.name')} AND n.code <> p.code
                 AND (p.level = '类' OR left(n.code, 3) = p.class_code)) END AS other_code
    FROM placed p
    """


def name_key(column: str) -> str:
    """A name as compared: no spaces, full-width parentheses, no quotes (both
    spellings are printed); as ``countybudget.code_lists.canonical_name``."""
    return (f"regexp_replace(replace(replace(replace(replace({column}, ' ', ''), '　', ''), '(', '（'), ')', '）'), "
            "'[\"“”‘’'']', '', 'g')")



def claims_sql() -> str:
    """Each narrative figure next to the table figure its subject names, with its verdict.

    The parser resolves each claim by meaning and decides its verdict
    (``parsers/claim_figures.py``: ``figure``, ``resolved_*``, ``verdict``,
    ``agrees_by_truncation``, ``unresolved_class`` of raw/claims); this batch reads
    that verdict, as ``marts.mart_claim_checks`` does, so the warnings and the mart
    say the same (a claim agreeing by truncation, or whose figure no table prints,
    warns in neither). The yuan figures and the tolerance are for the messages.
    """
    claim_factor = ("CASE c.unit WHEN '元' THEN CAST(1 AS DECIMAL(18,2)) WHEN '万元' THEN CAST(10000 AS DECIMAL(18,2)) "
                    "WHEN '亿元' THEN CAST(100000000 AS DECIMAL(18,2)) END")
    table_factor = claim_factor.replace("c.unit", "c.resolved_unit")
    places = "CASE WHEN strpos({a}, '.') > 0 THEN least(length({a}) - strpos({a}, '.'), 2) ELSE 0 END"
    return f"""
    WITH resolved AS (
        SELECT c.*, {claim_factor} AS claim_factor, {table_factor} AS table_factor,
               {places.format(a='c.amount')} AS claim_places, {places.format(a='c.resolved_amount')} AS table_places
        FROM raw_claims c
        WHERE TRY_CAST(c.amount AS DECIMAL(18,2)) IS NOT NULL AND c.subject IS NOT NULL),
    kinds AS (SELECT DISTINCT sha256, table_index, table_kind FROM raw_amounts)
    SELECT r.sha256, r.claim_index, r.page, replace(r.subject, ' ', '') AS subject, r.text,
           TRY_CAST(r.amount AS DECIMAL(18,2)) AS claim_value, r.unit AS claim_unit,
           CAST(TRY_CAST(r.amount AS DECIMAL(20,6)) * r.claim_factor AS DECIMAL(18,2)) AS claim_yuan,
           r.resolved_table_index || ':' || coalesce(k.table_kind, '?') AS "table",
           r.resolved_table_index AS table_index, k.table_kind, r.code, r.resolved_column_key AS column_key,
           TRY_CAST(r.resolved_amount AS DECIMAL(18,2)) AS table_value, r.resolved_unit AS table_unit,
           CAST(TRY_CAST(r.resolved_amount AS DECIMAL(20,6)) * r.table_factor AS DECIMAL(18,2)) AS table_yuan,
           CAST(({STEP.format(p='r.claim_places')} * r.claim_factor
                 + coalesce(r.resolved_n_terms, 1) * {STEP.format(p='r.table_places')} * r.table_factor) * 0.5
                AS DECIMAL(18,3)) AS tolerance_yuan,
           r.verdict, coalesce(r.agrees_by_truncation, false) AS agrees_by_truncation, r.unresolved_class,
           r.resolution_note
    FROM resolved r LEFT JOIN kinds k ON k.sha256 = r.sha256 AND k.table_index = r.resolved_table_index
    """


REGION_COLUMNS = "sha256 VARCHAR, unit_name VARCHAR, region_code VARCHAR, region_match VARCHAR"


def region_codes() -> list[str]:
    """The GB/T 2260 codes of the dbt seed (the one copy of the national list)."""
    return sorted({row["code"] for row in sources.read_seed_rows(sources.find_seed(("region_codes",))) if row.get("code")})


def load_warehouse_facts(con: duckdb.DuckDBPyConnection) -> None:
    """What the checks need from the warehouse dbt built before them.

    ``document_regions``: each document's region as the warehouse placed it
    (``intermediate.int_documents``; the raw layer carries no region).
    ``staging_columns``: the columns of the staging views. Both stay empty
    when the warehouse has not been built yet.
    """
    con.execute(f"CREATE OR REPLACE TEMP TABLE document_regions ({REGION_COLUMNS})")
    con.execute("CREATE OR REPLACE TEMP TABLE staging_columns (relation_column VARCHAR)")
    warehouse = paths.warehouse_path()
    if not warehouse.exists():
        return
    try:
        con.execute("ATTACH ? AS wh (READ_ONLY)", [str(warehouse)])
        tables = {
            (r[0], r[1]) for r in con.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'wh'"
            ).fetchall()
        }
        if ("intermediate", "int_documents") in tables:
            con.execute(
                "INSERT INTO document_regions SELECT document_sha256, unit_name, region_code, region_match "
                "FROM wh.intermediate.int_documents"
            )
        con.execute(
            "INSERT INTO staging_columns SELECT table_name || '.' || column_name FROM duckdb_columns() "
            "WHERE database_name = 'wh' AND schema_name = 'staging'"
        )
    except duckdb.Error as exc:  # a locked or half-built warehouse: check the rest, say why
        log.warning("warehouse checks skipped: cannot read %s: %s", warehouse, exc)
    finally:
        if con.execute("SELECT count(*) FROM duckdb_databases() WHERE database_name = 'wh'").fetchall()[0][0]:
            con.execute("DETACH wh")


def staging_columns_declared() -> list[str]:
    """``model.column`` of every column the dbt staging YAML declares (the staging contract)."""
    import yaml

    declared = []
    for path in sorted((paths.DBT_PROJECT_DIR / "models" / "staging").glob("*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models") or []:
            declared += [f"{model['name']}.{c['name']}" for c in model.get("columns") or []]
    return sorted(declared)


# ------------------------------------------------------------ the batches


def printed(expr: str, places: str) -> str:
    """``expr`` as text with ``places`` decimals (0-7): a figure shown as printed, not
    padded to the six decimals the checks compute with."""
    cases = " ".join(f"WHEN {p} THEN CAST(CAST({expr} AS DECIMAL(24,{p})) AS VARCHAR)" for p in range(0, 8))
    return f"CASE greatest(least({places}, 7), 0) {cases} END"


def finish_check_rows(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    """Add the tolerance and the excess over it to identity check rows."""
    from countybudget import identities

    # the tolerance is places' step × ROUNDING_SHARE: shown with the share's decimals beyond the places
    share_places = max(-identities.ROUNDING_SHARE.normalize().as_tuple().exponent, 0)
    return query_frame(
        con,
        f"""
        WITH r AS ({sql}),
        t AS (SELECT r.*, {tolerance_sql('n_terms', STEP.format(p='places'))} AS tolerance FROM r),
        -- tables with figures read by OCR: a failing identity there most likely means a misread digit
        ocr_tables AS (SELECT DISTINCT sha256, table_index FROM raw_amounts WHERE source = '{SOURCE_OCR}')
        SELECT identity, sha256, table_index || ':' || table_kind AS "table", table_index,
               CAST(other_table_index AS INTEGER) AS other_table_index, table_kind,
               -- figures as their exact decimal text: they are read, not computed with, from here on
               unit, coalesce(code, '') AS code, column_key, label_a,
               {printed('figure_a', 'CASE WHEN places < 0 THEN 2 ELSE places END')} AS figure_a,
               label_b, {printed('figure_b', 'CASE WHEN places < 0 THEN 2 ELSE places END')} AS figure_b, n_terms,
               {printed('tolerance', f'CASE WHEN places < 0 THEN 0 ELSE places + {share_places} END')} AS tolerance,
               {EXCESS.format(difference='abs(figure_a - figure_b)', tolerance='tolerance')} AS excess_thousandths,
               CASE WHEN o.sha256 IS NULL THEN '{SOURCE_TEXT_LAYER}' ELSE '{SOURCE_OCR}' END AS read_by
        FROM t LEFT JOIN ocr_tables o USING (sha256, table_index)
        ORDER BY sha256, table_index, identity, code, column_key
        """,
    )


def build_batches(con: duckdb.DuckDBPyConnection, only: Iterable[str] | None = None) -> Batches:
    """Load the raw layer (all documents, or ``only`` these hashes) and build every batch."""
    only = list(only) if only is not None else None
    for table in ("documents", "amounts", "claims", "tables"):
        sources.load_raw_table(con, table, only)
    # not a budget disclosure (parsers/classification.py): nothing of it is published, so nothing to check
    con.execute("DELETE FROM raw_documents WHERE status = ?", [PARSE_NOT_BUDGET])
    load_rules(con)
    code_lists = load_code_list(con)
    create_base_views(con)
    labels = dict(con.execute("SELECT sha256, document FROM doc_labels").fetchall())
    # every table: the raw tables table, and tables of a lake written before it existed (from their amounts)
    table_kinds = {
        (sha, int(index)): kind for sha, index, kind in con.execute(
            "SELECT sha256, table_index, any_value(table_kind) FROM ("
            " SELECT sha256, table_index, table_kind FROM raw_tables UNION ALL"
            " SELECT DISTINCT sha256, table_index, table_kind FROM raw_amounts) "
            "WHERE sha256 IS NOT NULL AND table_index IS NOT NULL GROUP BY ALL").fetchall()
    }
    documents = sorted(
        {r[0] for r in con.execute(
            "SELECT sha256 FROM raw_documents UNION SELECT sha256 FROM raw_amounts").fetchall() if r[0]}
    )

    frames: dict[str, pd.DataFrame] = {}
    frames["documents"] = query_frame(con, "SELECT * FROM raw_documents ORDER BY sha256")
    frames["amounts"] = query_frame(
        con,
        "SELECT *, table_kind || '.' || column_key AS kind_column, "
        # a key kept as printed (col:<header>, docs/contracts.md §4) is outside the vocabulary by design
        "CASE WHEN starts_with(column_key, 'col:') THEN 'as_printed' ELSE 'vocabulary' END AS column_mapping "
        "FROM raw_amounts "
        "ORDER BY sha256, table_index, row_index, column_key",
    )
    frames["codes"] = query_frame(
        con,
        f"SELECT *, {name_key('name')} AS name_key, {name_key('official_name')} AS official_name_key "
        f"FROM ({codes_sql()}) ORDER BY sha256, table_index, row_index",
    )
    frames["totals"] = finish_check_rows(con, identity_rows_sql())
    cross_table_tolerance = tolerance_sql(str(CROSS_TABLE_TERMS), "step_yuan")  # two rounded figures
    frames["units"] = query_frame(
        con,
        f"""
        WITH r AS ({cross_table_rows_sql()})
        SELECT identity, sha256, r.table_a AS table_index, r.table_b AS other_table_index, coalesce(code, '') AS code,
               format('{{}}:{{}}', table_a, kind_a) AS table_a, unit_a,
               format('{{}}:{{}}', table_b, kind_b) AS table_b, unit_b, column_key, n_codes,
               figure_a AS yuan_a, figure_b AS yuan_b,
               -- a ratio, not money: how many powers of ten apart the two tables are
               CASE WHEN figure_a > 0 AND figure_b > 0
                    THEN round(log10(CAST(figure_a AS DOUBLE) / CAST(figure_b AS DOUBLE)), 2) END AS magnitude_gap,
               CAST({cross_table_tolerance} AS DECIMAL(18,2)) AS tolerance_yuan,
               {EXCESS.format(difference='abs(figure_a - figure_b)', tolerance=cross_table_tolerance)} AS excess_thousandths
        FROM r ORDER BY sha256, table_a, table_b
        """,
    )
    frames["claims"] = query_frame(con, claims_sql())
    load_warehouse_facts(con)
    regions = query_frame(con, "SELECT * FROM document_regions ORDER BY sha256")
    frames["regions"] = regions[regions["sha256"].isin(documents)].reset_index(drop=True)
    frames["staging_columns"] = query_frame(con, "SELECT * FROM staging_columns ORDER BY relation_column")
    return Batches(frames=frames, documents=documents, labels=labels, code_lists=code_lists, table_kinds=table_kinds)
