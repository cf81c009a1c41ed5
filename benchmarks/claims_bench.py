"""Words against figures, measured: resolved / agrees / differs per city.

Reads ``marts.mart_claim_checks`` of a built warehouse (the lake of
``countybudget parse --lake …`` → build → quality → build marts) and groups
the claims by city, the city being the ``NNN_城市__`` prefix of the file names
in ``../shared/real`` (else the document's region code)::

    COUNTYBUDGET_DATA=/tmp/real .venv/bin/countybudget parse --lake ../shared/real/*.pdf
    COUNTYBUDGET_DATA=/tmp/real .venv/bin/countybudget build --exclude marts
    COUNTYBUDGET_DATA=/tmp/real .venv/bin/countybudget quality
    COUNTYBUDGET_DATA=/tmp/real .venv/bin/countybudget build --select marts
    COUNTYBUDGET_DATA=/tmp/real .venv/bin/python -m benchmarks.claims_bench [--differs]

Two shares are reported: of every amount claim, and of the claims whose
figure the document's tables can print (leaving out figures no standard table
prints, such as 国有资产占用 or 机关运行经费 without a table line, and figures
whose table the document does not include, such as 政府采购 without its table:
``resolution_note`` says which).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import duckdb

from countybudget import paths
from countybudget.contracts import NOT_PRINTABLE_CLASSES

# unresolved claims whose figure no table of the document can print (the parser's classes)
NOT_PRINTABLE = "unresolved_class in (" + ", ".join(f"'{c}'" for c in NOT_PRINTABLE_CLASSES) + ")"


def claims_by_city(warehouse: Path | None = None) -> list[dict[str, Any]]:
    warehouse = warehouse or paths.warehouse_path()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute(f"""
            with checks as (
                select c.*, coalesce(nullif(regexp_extract(d.source_path, '/\\d+_([^_/]+)__', 1), ''),
                                     c.region_code, '?') as city
                from marts.mart_claim_checks c join marts.dim_document d using (document_sha256))
            select city,
                   count(distinct document_sha256) as documents,
                   count(*) as claims,
                   count(*) filter (where verdict <> 'unresolved') as resolved,
                   count(*) filter (where verdict = 'agrees') as agrees,
                   count(*) filter (where verdict = 'differs') as differs,
                   count(*) filter (where verdict = 'unresolved' and {NOT_PRINTABLE}) as unresolved_not_printable,
                   count(*) filter (where verdict = 'unresolved' and not {NOT_PRINTABLE}) as unresolved_other,
                   count(*) filter (where unit_suspect) as unit_suspect,
                   count(*) filter (where change_verdict is not null) as changes_checked,
                   count(*) filter (where change_verdict = 'differs') as changes_differ
            from checks group by city order by city""")
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r)) for r in cursor.fetchall()]
    for row in rows:
        printable = row["claims"] - row["unresolved_not_printable"]
        row["resolved_percent"] = round(100 * row["resolved"] / row["claims"], 1) if row["claims"] else None
        row["resolved_percent_of_printable"] = round(100 * row["resolved"] / printable, 1) if printable else None
    return rows


def differing_claims(warehouse: Path | None = None) -> list[dict[str, Any]]:
    """Every claim that differs, with both figures and where each is printed."""
    warehouse = warehouse or paths.warehouse_path()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute("""
            select unit_name, page_number, subject, claim_amount_text, claim_unit, resolved_table_kind,
                   resolved_page_number, resolved_row_name, resolved_column_key, table_amount_text, table_unit,
                   cast(difference_yuan as varchar) as difference_yuan, unit_suspect, claim_text
            from marts.mart_claim_checks where verdict = 'differs' order by unit_name, page_number""")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r)) for r in cursor.fetchall()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=None)
    parser.add_argument("--differs", action="store_true", help="also list every claim that differs")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rows = claims_by_city(args.warehouse)
    if args.json:
        print(json.dumps({"by_city": rows, "differs": differing_claims(args.warehouse) if args.differs else None},
                         ensure_ascii=False, indent=1, default=str))
        return
    header = ("city", "documents", "claims", "resolved", "agrees", "differs", "unresolved_not_printable",
              "unresolved_other", "resolved_percent", "resolved_percent_of_printable", "unit_suspect",
              "changes_checked", "changes_differ")
    print(" | ".join(header))
    for row in rows:
        print(" | ".join(str(row[h]) for h in header))
    if args.differs:
        for d in differing_claims(args.warehouse):
            print(f"differs: {d['unit_name']} p.{d['page_number']} {d['subject']} {d['claim_amount_text']} {d['claim_unit']}"
                  f" vs {d['resolved_table_kind']} p.{d['resolved_page_number']} {d['resolved_row_name']}"
                  f" [{d['resolved_column_key']}] {d['table_amount_text']} {d['table_unit']} (difference {d['difference_yuan']} 元)")


if __name__ == "__main__":
    main()
