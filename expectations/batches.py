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
from dataclasses import dataclass

import duckdb
import pandas as pd

from countybudget import paths
from countybudget.identities import (
    FUNCTION_CLASSES,
    FUNCTION_CODED_KINDS,
    HIERARCHICAL_KINDS,
    THREE_PUBLIC_PARTS,
    row_total_rules,
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
    """``code_list(family, code, name, alias)``: the official codes with names.

    Read from the dbt seeds (function and economic classification). Where no
    seed is there yet, the function 类 fall back to the class list of
    ``countybudget.identities`` (names unknown), so the class check still runs.
    Returns where the list came from, for the run report.
    """
    rows: list[tuple[str, str, str | None, str | None]] = []
    origins: list[str] = []
    for family, words in (("function", ("function",)), ("economic", ("economic",))):
        path = sources.find_seed(words)
        for seed_row in sources.read_seed_rows(path):
            code = (seed_row.get("code") or "").strip()
            if code:
                name = (seed_row.get("name") or "").strip() or None
                rows.append((family, code, name, None))
                for alias in (seed_row.get("aliases") or seed_row.get("alias") or "").split("|"):
                    if alias.strip():
                        rows.append((family, code, name, alias.strip()))
        if path is not None:
            origins.append(str(path.relative_to(paths.REPO_ROOT)))
    if not any(r[0] == "function" for r in rows):
        rows += [("function", c, None, None) for c in sorted(FUNCTION_CLASSES)]
        origins.append("countybudget.identities.FUNCTION_CLASSES (function 类 only)")
    values_table(con, "code_list", ("family", "code", "name", "alias"), rows)
    return "; ".join(origins)


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
        """
        CREATE OR REPLACE TEMP TABLE total_rows AS
        SELECT * FROM cells
        WHERE code IS NULL AND item IS NULL AND (name LIKE '%合计%' OR name LIKE '%总计%')
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
    -- parent_sum: a code = the sum of the next level of codes printed below it
    by_code AS (
        SELECT sha256, table_index, table_kind, unit, column_key, code, sum(value) AS value, max(places) AS places,
               count(*) AS n_rows
        FROM cells WHERE code IS NOT NULL AND table_kind IN ({hierarchical}) GROUP BY ALL),
    -- the codes a table prints (in any column): a child blank in this column still counts
    table_codes AS (
        SELECT DISTINCT sha256, table_index, code FROM cells
        WHERE code IS NOT NULL AND table_kind IN ({hierarchical})),
    descendants AS (
        SELECT p.sha256, p.table_index, p.table_kind, p.unit, p.column_key, p.code, p.value, p.places,
               c.code AS child,
               length(c.code) = min(length(c.code)) OVER (
                   PARTITION BY p.sha256, p.table_index, p.column_key, p.code) AS is_child
        FROM by_code p JOIN table_codes c
          ON c.sha256 = p.sha256 AND c.table_index = p.table_index
         AND length(c.code) > length(p.code) AND starts_with(c.code, p.code)),
    parent_sum AS (
        SELECT 'parent_sum' AS identity, d.sha256, d.table_index, d.table_kind, d.unit, d.code, d.column_key,
               'parent ' || d.code AS label_a, any_value(d.value) AS figure_a,
               'children ' || string_agg(d.child, '+' ORDER BY d.child) AS label_b,
               coalesce(sum(k.value), 0) AS figure_b,
               -- every printed child row is a rounded term (a code printed once per sub-unit is several)
               sum(coalesce(k.n_rows, 1)) AS n_terms, greatest(max(d.places), coalesce(max(k.places), 0)) AS places
        FROM descendants d LEFT JOIN by_code k
          ON k.sha256 = d.sha256 AND k.table_index = d.table_index AND k.column_key = d.column_key AND k.code = d.child
        WHERE d.is_child
        GROUP BY d.sha256, d.table_index, d.table_kind, d.unit, d.code, d.column_key),
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
    -- income_equals_expenditure: 收入总计 = 支出总计, 本年收入合计 = 本年支出合计
    markers(pair, side, marker) AS (VALUES
        (1, 'income', '收入总计'), (1, 'expenditure', '支出总计'),
        (2, 'income', '本年收入合计'), (2, 'expenditure', '本年支出合计')),
    summary_figures AS (
        SELECT s.sha256, s.table_index, s.table_kind, s.unit, m.pair, s.side, s.name, s.value, s.places,
               row_number() OVER (PARTITION BY s.sha256, s.table_index, m.pair, s.side
                                  ORDER BY s.row_index, s.column_key = 'amount') AS pick
        FROM cells s JOIN markers m ON s.side = m.side AND strpos(s.name, m.marker) > 0
        WHERE s.table_kind IN ('{TableKind.INCOME_EXPENDITURE_SUMMARY.value}', '{TableKind.FISCAL_APPROPRIATION_SUMMARY.value}')
          AND ((s.side = 'income' AND s.column_key = 'amount')
               OR (s.side = 'expenditure' AND s.column_key IN ('total', 'amount')))),
    income_equals_expenditure AS (
        SELECT 'income_equals_expenditure' AS identity, i.sha256, i.table_index, i.table_kind, i.unit,
               NULL AS code, 'amount' AS column_key, i.name AS label_a, i.value AS figure_a,
               e.name AS label_b, e.value AS figure_b, 1 AS n_terms, greatest(i.places, e.places) AS places
        FROM summary_figures i JOIN summary_figures e USING (sha256, table_index, pair)
        WHERE i.side = 'income' AND e.side = 'expenditure' AND i.pick = 1 AND e.pick = 1),
    -- summary_items_sum: in the two-sided summaries, the items of a side add up to its
    -- 本年收入合计 / 本年支出合计, and that subtotal plus the carry-over lines to its 总计
    side_rows AS (
        SELECT sha256, table_index, table_kind, unit, side, column_key, row_index, name, value, places,
               CASE WHEN strpos(name, '本年收入合计') > 0 OR strpos(name, '本年支出合计') > 0 THEN 'subtotal'
                    WHEN strpos(name, '收入总计') > 0 OR strpos(name, '支出总计') > 0 THEN 'total'
                    WHEN strpos(name, '合计') > 0 OR strpos(name, '小计') > 0 OR strpos(name, '总计') > 0
                      OR strpos(name, '其中') > 0 THEN 'other_sum'
                    ELSE 'item' END AS role
        FROM cells
        WHERE table_kind IN ('{TableKind.INCOME_EXPENDITURE_SUMMARY.value}', '{TableKind.FISCAL_APPROPRIATION_SUMMARY.value}')
          AND side IN ('income', 'expenditure')),
    side_marks AS (
        SELECT sha256, table_index, side, column_key,
               min(row_index) FILTER (WHERE role = 'subtotal') AS subtotal_at,
               min(row_index) FILTER (WHERE role = 'total') AS total_at
        FROM side_rows GROUP BY ALL),
    side_sums AS (
        -- items above the subtotal make the subtotal; subtotal and lines between make the total
        SELECT r.sha256, r.table_index, r.table_kind, r.unit, r.side, r.column_key, s.target, s.target_at,
               sum(r.value) AS value, count(*) AS n, max(r.places) AS places
        FROM side_rows r JOIN (
            SELECT *, 'subtotal' AS target, subtotal_at AS target_at, -1 AS from_at FROM side_marks WHERE subtotal_at IS NOT NULL
            UNION ALL
            SELECT *, 'total' AS target, total_at AS target_at, coalesce(subtotal_at, -1) - 1 AS from_at
            FROM side_marks WHERE total_at IS NOT NULL
        ) s USING (sha256, table_index, side, column_key)
        WHERE r.row_index < s.target_at AND r.row_index > s.from_at
          AND (r.role = 'item' OR (s.target = 'total' AND r.row_index = s.subtotal_at))
        GROUP BY ALL),
    summary_items_sum AS (
        SELECT 'summary_items_sum' AS identity, t.sha256, t.table_index, t.table_kind, t.unit, t.side AS code,
               t.column_key, t.name AS label_a, t.value AS figure_a,
               CASE s.target WHEN 'subtotal' THEN 'the ' || s.n || ' lines above it'
                             ELSE 'the subtotal and the carry-over lines' END AS label_b,
               s.value AS figure_b, s.n AS n_terms, greatest(t.places, s.places) AS places
        FROM side_rows t JOIN side_sums s
          ON s.sha256 = t.sha256 AND s.table_index = t.table_index AND s.side = t.side
         AND s.column_key = t.column_key AND s.target_at = t.row_index),
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
          -- only the columns the summary prints (人员经费 | 公用经费 of a function table have no counterpart there)
          AND (sha256, column_key) IN (SELECT sha256, column_key FROM summary_codes)
        GROUP BY ALL),
    function_within_summary AS (
        SELECT 'function_within_summary' AS identity, f.sha256, f.table_index, f.table_kind, '元' AS unit, f.code,
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
    UNION ALL SELECT {CHECK_COLUMNS} FROM function_within_summary
    """


def cross_table_rows_sql() -> str:
    """Figures two tables of a document both print, compared in yuan.

    ``basic_function_equals_economic`` pairs the n-th function table with the
    n-th economic-class table (one pair per unit). ``shared_codes`` compares
    every pair of tables printing the same code and column: their totals need
    not be equal (fund scopes differ) but must be of the same order of
    magnitude, which is how a table in 元 labelled 万元 shows itself.
    """
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
    shared AS (
        SELECT 'shared_codes' AS identity, a.sha256,
               a.table_index AS table_a, any_value(a.table_kind) AS kind_a, any_value(a.unit) AS unit_a,
               b.table_index AS table_b, any_value(b.table_kind) AS kind_b, any_value(b.unit) AS unit_b,
               NULL AS code, 'all shared' AS column_key,
               sum(abs(a.yuan)) AS figure_a, sum(abs(b.yuan)) AS figure_b,
               greatest(max(a.step_yuan), max(b.step_yuan)) AS step_yuan, count(*) AS n_codes
        FROM coded a JOIN coded b
          ON a.sha256 = b.sha256 AND a.table_index < b.table_index
         AND a.code = b.code AND a.column_key = b.column_key
        GROUP BY a.sha256, a.table_index, b.table_index)
    SELECT * FROM basic UNION ALL SELECT * FROM shared
    """


def codes_sql() -> str:
    function_kinds = sql_list(sorted(FUNCTION_CODED_KINDS))
    hierarchical = sql_list(sorted(HIERARCHICAL_KINDS))
    return f"""
    WITH coded AS (
        SELECT DISTINCT a.sha256, a.table_index, a.table_kind, a.row_index, a.code,
               replace(replace(a.name, ' ', ''), '　', '') AS name,
               CASE WHEN a.table_kind IN ({function_kinds}) THEN 'function' ELSE 'economic' END AS family
        FROM raw_amounts a WHERE a.code IS NOT NULL AND a.table_kind IN ({hierarchical})),
    printed AS (SELECT DISTINCT sha256, table_index, code FROM coded)
    SELECT c.*, d.fiscal_year,
           CASE length(c.code) WHEN 3 THEN '类' WHEN 5 THEN '款' WHEN 7 THEN '项' END AS level,
           left(c.code, 3) AS class_code,
           (SELECT any_value(coalesce(l.name, l.code)) FROM code_list l
             WHERE l.family = c.family AND l.code = left(c.code, 3)) AS class_name,
           CASE WHEN length(c.code) > 3 THEN left(c.code, length(c.code) - 2) END AS parent_code,
           CASE WHEN length(c.code) > 3 THEN EXISTS (
               SELECT 1 FROM printed p WHERE p.sha256 = c.sha256 AND p.table_index = c.table_index
                 AND p.code = left(c.code, length(c.code) - 2)) END AS parent_printed,
           -- the official name, or the printed name itself when it is a recorded alias
           (SELECT CASE WHEN bool_or(l.alias = c.name) THEN c.name ELSE any_value(l.name) END
              FROM code_list l WHERE l.family = c.family AND l.code = c.code AND l.name IS NOT NULL) AS official_name
    FROM coded c LEFT JOIN doc_labels d USING (sha256)
    """


def name_key(column: str) -> str:
    """A name as compared: no spaces, full-width parentheses (both spellings are printed)."""
    return f"replace(replace(replace(replace({column}, ' ', ''), '　', ''), '(', '（'), ')', '）')"



# Narrative subjects that name a figure rather than a printed row: (words in the
# subject, table kind, which row, column), best first. Rows: "total" = the
# table's 合计/总计 row, "income_total" = 收入总计 of a summary, "vehicles" = the
# two vehicle items summed, else a 三公 item.
CLAIM_FIGURES: tuple[tuple[str, str, str, str], ...] = (
    ("收支总", TableKind.INCOME_EXPENDITURE_SUMMARY.value, "income_total", "amount"),
    ("收支总", TableKind.EXPENDITURE_SUMMARY.value, "total", "total"),
    ("支出合计", TableKind.EXPENDITURE_SUMMARY.value, "total", "total"),
    ("支出总计", TableKind.EXPENDITURE_SUMMARY.value, "total", "total"),
    ("收入合计", TableKind.INCOME_SUMMARY.value, "total", "total"),
    ("收入总计", TableKind.INCOME_SUMMARY.value, "total", "total"),
    ("基本支出", TableKind.EXPENDITURE_SUMMARY.value, "total", "basic"),
    ("基本支出", TableKind.EXPENDITURE_BY_FUNCTION.value, "total", "basic"),
    ("项目支出", TableKind.EXPENDITURE_SUMMARY.value, "total", "project"),
    ("项目支出", TableKind.EXPENDITURE_BY_FUNCTION.value, "total", "project"),
    ("人员经费", TableKind.BASIC_EXPENDITURE_BY_ECONOMIC.value, "total", "personnel"),
    ("公用经费", TableKind.BASIC_EXPENDITURE_BY_ECONOMIC.value, "total", "public"),
    ("政府性基金", TableKind.GOVERNMENT_FUND_EXPENDITURE.value, "total", "total"),
    ("三公", TableKind.THREE_PUBLIC_EXPENSES.value, "total", "amount"),
    ("三公", TableKind.THREE_PUBLIC_EXPENSES.value, "total", "actual"),
    ("三公", TableKind.THREE_PUBLIC_EXPENSES.value, "total", "budget"),
    # 公务用车购置及运行维护费 is the two vehicle items together; before "公务用车购置"
    ("公务用车购置及运行", TableKind.THREE_PUBLIC_EXPENSES.value, "vehicles", "amount"),
    ("公务用车购置及运行", TableKind.THREE_PUBLIC_EXPENSES.value, "vehicles", "actual"),
    ("公务接待", TableKind.THREE_PUBLIC_EXPENSES.value, "reception", "amount"),
    ("公务接待", TableKind.THREE_PUBLIC_EXPENSES.value, "reception", "actual"),
    ("公务用车运行", TableKind.THREE_PUBLIC_EXPENSES.value, "vehicle_operation", "amount"),
    ("公务用车运行", TableKind.THREE_PUBLIC_EXPENSES.value, "vehicle_operation", "actual"),
    ("公务用车购置", TableKind.THREE_PUBLIC_EXPENSES.value, "vehicle_purchase", "amount"),
    ("公务用车购置", TableKind.THREE_PUBLIC_EXPENSES.value, "vehicle_purchase", "actual"),
    ("因公出国", TableKind.THREE_PUBLIC_EXPENSES.value, "overseas", "amount"),
    ("因公出国", TableKind.THREE_PUBLIC_EXPENSES.value, "overseas", "actual"),
)


def load_claim_figures(con: duckdb.DuckDBPyConnection) -> None:
    values_table(
        con, "claim_figures", ("words", "table_kind", "row_key", "column_key", "preference"),
        [(*entry, rank) for rank, entry in enumerate(CLAIM_FIGURES)],
    )


def claims_sql() -> str:
    """Each narrative figure next to the table figure its subject names.

    A subject naming a figure (基本支出, 人员经费, “三公”经费 …) is looked up in
    ``CLAIM_FIGURES``; otherwise it is matched to a printed row name of the
    same document (a function class such as 一般公共服务支出), the
    general-budget function table first, total column first.
    """
    return f"""
    SELECT *, {EXCESS.format(difference='abs(claim_yuan - table_yuan)', tolerance='tolerance_yuan')} AS excess_thousandths
    FROM (
    WITH claims AS (
        SELECT c.sha256, c.claim_index, c.page, replace(c.subject, ' ', '') AS subject, c.text,
               TRY_CAST(c.amount AS DECIMAL(18,2)) AS claim_value, c.unit AS claim_unit,
               CASE WHEN strpos(c.amount, '.') > 0 THEN least(length(c.amount) - strpos(c.amount, '.'), 2) ELSE 0 END AS claim_places,
               coalesce(f.factor, 1) AS claim_factor
        FROM raw_claims c LEFT JOIN unit_factor f ON f.unit = c.unit
        WHERE TRY_CAST(c.amount AS DECIMAL(18,2)) IS NOT NULL AND c.subject IS NOT NULL),
    figure_cells AS (
        SELECT *, 1 AS n_terms FROM cells
        UNION ALL BY NAME
        SELECT sha256, table_index, table_kind, any_value(unit) AS unit, min(row_index) AS row_index,
               'vehicles' AS item, column_key, sum(value) AS value, max(places) AS places,
               any_value(factor) AS factor, count(*) AS n_terms
        FROM cells
        WHERE table_kind = '{TableKind.THREE_PUBLIC_EXPENSES.value}' AND item IN ('vehicle_purchase', 'vehicle_operation')
        GROUP BY sha256, table_index, table_kind, column_key),
    named_figures AS (
        SELECT cl.sha256, cl.claim_index, t.*, f.preference
        FROM claims cl JOIN claim_figures f ON strpos(cl.subject, f.words) > 0
        JOIN figure_cells t ON t.sha256 = cl.sha256 AND t.table_kind = f.table_kind AND t.column_key = f.column_key
         AND CASE f.row_key
                 WHEN 'total' THEN (t.table_kind = '{TableKind.THREE_PUBLIC_EXPENSES.value}' AND t.item = 'total')
                                   OR (t.code IS NULL AND t.item IS NULL AND t.side IS NULL
                                       AND (t.name LIKE '%合计%' OR t.name LIKE '%总计%'))
                 WHEN 'income_total' THEN t.side = 'income' AND strpos(t.name, '收入总计') > 0
                 ELSE t.item = f.row_key END),
    named_rows AS (
        SELECT cl.sha256, cl.claim_index, t.*, 1 AS n_terms,
               100 + CASE t.table_kind WHEN '{TableKind.EXPENDITURE_BY_FUNCTION.value}' THEN 0
                                       WHEN '{TableKind.EXPENDITURE_SUMMARY.value}' THEN 1 ELSE 2 END
                   + CASE WHEN t.column_key IN ('total', 'amount') THEN 0 ELSE 5 END AS preference
        FROM claims cl JOIN cells t ON t.sha256 = cl.sha256 AND (t.name = cl.subject OR t.code = cl.subject)),
    candidates AS (
        SELECT *, row_number() OVER (PARTITION BY sha256, claim_index ORDER BY preference, table_index, row_index) AS pick
        FROM (SELECT * FROM named_figures UNION ALL BY NAME SELECT * FROM named_rows))
    SELECT cl.sha256, cl.claim_index, cl.page, cl.subject, cl.text, cl.claim_value, cl.claim_unit,
           CAST(cl.claim_value * cl.claim_factor AS DECIMAL(18,2)) AS claim_yuan,
           c.table_index || ':' || c.table_kind AS "table",
           c.table_index, c.table_kind, c.code, c.column_key, c.value AS table_value, c.unit AS table_unit,
           CAST(c.value * c.factor AS DECIMAL(18,2)) AS table_yuan,
           CAST(({STEP.format(p='cl.claim_places')} * cl.claim_factor + c.n_terms * {STEP.format(p='c.places')} * c.factor) * 0.5
                AS DECIMAL(18,3)) AS tolerance_yuan
    FROM claims cl LEFT JOIN (SELECT * FROM candidates WHERE pick = 1) c USING (sha256, claim_index)
    )
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
    return query_frame(
        con,
        f"""
        WITH r AS ({sql}),
        t AS (SELECT r.*, n_terms * {STEP.format(p='places')} * 0.5 AS tolerance FROM r)
        SELECT identity, sha256, table_index || ':' || table_kind AS "table", table_index, table_kind,
               -- figures as their exact decimal text: they are read, not computed with, from here on
               unit, coalesce(code, '') AS code, column_key, label_a,
               {printed('figure_a', 'CASE WHEN places < 0 THEN 2 ELSE places END')} AS figure_a,
               label_b, {printed('figure_b', 'CASE WHEN places < 0 THEN 2 ELSE places END')} AS figure_b, n_terms,
               {printed('tolerance', 'CASE WHEN places < 0 THEN 0 ELSE places + 1 END')} AS tolerance,
               {EXCESS.format(difference='abs(figure_a - figure_b)', tolerance='tolerance')} AS excess_thousandths
        FROM t
        ORDER BY sha256, table_index, identity, code, column_key
        """,
    )


def build_batches(con: duckdb.DuckDBPyConnection, only: Iterable[str] | None = None) -> Batches:
    """Load the raw layer (all documents, or ``only`` these hashes) and build every batch."""
    only = list(only) if only is not None else None
    for table in ("documents", "amounts", "claims"):
        sources.load_raw_table(con, table, only)
    load_rules(con)
    code_lists = load_code_list(con)
    load_claim_figures(con)
    create_base_views(con)
    labels = dict(con.execute("SELECT sha256, document FROM doc_labels").fetchall())
    documents = sorted(
        {r[0] for r in con.execute(
            "SELECT sha256 FROM raw_documents UNION SELECT sha256 FROM raw_amounts").fetchall() if r[0]}
    )

    frames: dict[str, pd.DataFrame] = {}
    frames["documents"] = query_frame(con, "SELECT * FROM raw_documents ORDER BY sha256")
    frames["amounts"] = query_frame(
        con,
        # a col:<header words> key (an amount column no role was found for) is kept, not a vocabulary error
        "SELECT *, CASE WHEN starts_with(column_key, 'col:') THEN NULL ELSE table_kind || '.' || column_key END "
        "AS kind_column FROM raw_amounts "
        "ORDER BY sha256, table_index, row_index, column_key",
    )
    frames["codes"] = query_frame(
        con,
        f"SELECT *, {name_key('name')} AS name_key, {name_key('official_name')} AS official_name_key "
        f"FROM ({codes_sql()}) ORDER BY sha256, table_index, row_index",
    )
    frames["totals"] = finish_check_rows(con, identity_rows_sql())
    frames["units"] = query_frame(
        con,
        f"""
        WITH r AS ({cross_table_rows_sql()})
        SELECT identity, sha256, format('{{}}:{{}}', table_a, kind_a) AS table_a, unit_a,
               format('{{}}:{{}}', table_b, kind_b) AS table_b, unit_b, column_key, n_codes,
               figure_a AS yuan_a, figure_b AS yuan_b,
               -- a ratio, not money: how many powers of ten apart the two tables are
               CASE WHEN figure_a > 0 AND figure_b > 0
                    THEN round(log10(CAST(figure_a AS DOUBLE) / CAST(figure_b AS DOUBLE)), 2) END AS magnitude_gap,
               step_yuan AS tolerance_yuan,
               {EXCESS.format(difference='abs(figure_a - figure_b)', tolerance='step_yuan')} AS excess_thousandths
        FROM r ORDER BY sha256, table_a, table_b
        """,
    )
    frames["claims"] = query_frame(con, claims_sql())
    load_warehouse_facts(con)
    regions = query_frame(con, "SELECT * FROM document_regions ORDER BY sha256")
    frames["regions"] = regions[regions["sha256"].isin(documents)].reset_index(drop=True)
    frames["staging_columns"] = query_frame(con, "SELECT * FROM staging_columns ORDER BY relation_column")
    return Batches(frames=frames, documents=documents, labels=labels, code_lists=code_lists)
