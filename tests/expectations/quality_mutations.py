"""Defective and mutated copies of the clean test document."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from quality_documents import clean_document, copy_of, find_row


def amount_mutants() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every printed amount of the clean document, one at a time, plus 1.00."""
    base = clean_document()
    for t, table in enumerate(base["tables"]):
        for r, row in enumerate(table["rows"]):
            for key, value in row["amounts"].items():
                if value is None:
                    continue
                doc = copy_of(base)
                doc["tables"][t]["rows"][r]["amounts"][key] = str(Decimal(value) + Decimal("1.00"))
                yield f"amount {table['kind']} row {r} ({row['code'] or row['item'] or row['name']}) {key}", doc


def code_mutants() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every classification code of the clean document, one digit at a time (d → d+1 mod 10)."""
    base = clean_document()
    for t, table in enumerate(base["tables"]):
        for r, row in enumerate(table["rows"]):
            code = row["code"]
            if not code:
                continue
            for position, digit in enumerate(code):
                mutated = code[:position] + str((int(digit) + 1) % 10) + code[position + 1:]
                doc = copy_of(base)
                doc["tables"][t]["rows"][r]["code"] = mutated
                yield f"code {table['kind']} {code} -> {mutated}", doc


def parent_not_sum_of_children() -> dict[str, Any]:
    """20103 prints 10.00 more than its 项 rows (and its row no longer adds up either)."""
    doc = clean_document()
    row = find_row(doc, "expenditure_by_function", code="20103")
    row["amounts"]["total"] = "960.10"
    row["amounts"]["basic"] = "810.10"
    return doc


def invalid_function_code() -> dict[str, Any]:
    """A 项 code under a 类 that does not exist (299)."""
    doc = clean_document()
    find_row(doc, "expenditure_by_function", code="2060101")["code"] = "2990101"
    return doc


def unit_mislabelled() -> dict[str, Any]:
    """The economic-class table printed in 元 but labelled 万元."""
    doc = clean_document()
    for table in doc["tables"]:
        if table["kind"] == "basic_expenditure_by_economic":
            for row in table["rows"]:
                row["amounts"] = {
                    k: (None if v is None else str(Decimal(v) * 10000)) for k, v in row["amounts"].items()
                }
    return doc


def economic_disagrees_with_function() -> dict[str, Any]:
    """The economic-class table adds up (its 301 款 and the total carry 10.00 more) but no
    longer equals 基本支出 by function: a cross-table failure, neither table's own."""
    doc = clean_document()
    for table in doc["tables"]:
        if table["kind"] == "basic_expenditure_by_economic":
            for row in table["rows"]:
                if row["code"] in (None, "301", "30101"):
                    for key in ("total", "personnel"):
                        row["amounts"][key] = str(Decimal(row["amounts"][key]) + Decimal("10.00"))
    return doc


def column_kept_as_printed() -> dict[str, Any]:
    """The function table prints a column the vocabulary lacks (人员经费, here equal to
    基本支出): the parser keeps it as col:人员经费 (docs/contracts.md §4)."""
    doc = clean_document()
    for table in doc["tables"]:
        if table["kind"] == "expenditure_by_function":
            table["columns"].append("col:人员经费")
            for row in table["rows"]:
                row["amounts"]["col:人员经费"] = row["amounts"]["basic"]
    return doc


def claim_mismatch() -> dict[str, Any]:
    """The narrative says 905.10 where the table prints 950.10 (a warning, not a block)."""
    doc = clean_document()
    doc["claims"][0]["amount"] = "905.10"
    return doc


def rounded_within_tolerance() -> dict[str, Any]:
    """20103's 项 rows sum 0.01 short of it: rounding (2 terms allow 0.01), not an error."""
    doc = clean_document()
    for table in doc["tables"]:
        if table["kind"] in ("expenditure_by_function", "expenditure_summary"):
            for row in table["rows"]:
                if row["code"] == "2010301":
                    row["amounts"]["total"] = row["amounts"]["basic"] = "800.09"
    return doc


def in_ten_thousandths() -> dict[str, Any]:
    """Every figure divided by 10000 (万元 printed to six decimals, exact to the
    cent in 元): every identity still holds exactly."""
    doc = clean_document()
    for table in doc["tables"]:
        for row in table["rows"]:
            row["amounts"] = {
                k: (None if v is None else f"{Decimal(v) / 10000:.6f}") for k, v in row["amounts"].items()
            }
    doc["claims"] = []
    return doc


def in_ten_thousandths_a_cent_off() -> dict[str, Any]:
    """The six-decimal document with one 项 row a cent (0.000001 万元) short of its total."""
    doc = in_ten_thousandths()
    row = find_row(doc, "expenditure_by_function", code="2010301")
    row["amounts"]["total"] = f"{Decimal(row['amounts']['total']) - Decimal('0.000003'):.6f}"
    return doc


def basic_printed_as_its_parts() -> dict[str, Any]:
    """The function table prints 人员经费 | 公用经费 instead of a 基本支出 column
    (合计 = 人员 + 公用 + 项目; 基本支出 by function = 人员 + 公用): still clean."""
    doc = clean_document()
    for table in doc["tables"]:
        if table["kind"] != "expenditure_by_function":
            continue
        table["columns"] = ["total", "personnel", "public", "project"]
        for row in table["rows"]:
            basic = row["amounts"].pop("basic")
            public = "100.00" if row["code"] in (None, "201", "20103", "2010301") else None
            personnel = None if basic is None else str(Decimal(basic) - Decimal(public or 0))
            row["amounts"] = {"total": row["amounts"]["total"], "personnel": personnel, "public": public,
                              "project": row["amounts"]["project"]}
    return doc


def basic_parts_off() -> dict[str, Any]:
    """As ``basic_printed_as_its_parts`` with one 公用经费 figure 1.00 short."""
    doc = basic_printed_as_its_parts()
    find_row(doc, "expenditure_by_function", code="2010301")["amounts"]["public"] = "99.00"
    return doc


def read_by_ocr(confidence: float = 0.99) -> dict[str, Any]:
    """The clean document as OCR of its scan gives it: every figure with the engine's confidence."""
    doc = clean_document()
    for table in doc["tables"]:
        for row in table["rows"]:
            row["confidence"] = {key: confidence for key, value in row["amounts"].items() if value is not None}
    return doc


def ocr_low_confidence() -> dict[str, Any]:
    """One figure of the scanned function table the engine was unsure of."""
    doc = read_by_ocr()
    find_row(doc, "expenditure_by_function", code="20103")["confidence"]["basic"] = 0.31
    return doc


def ocr_misread() -> dict[str, Any]:
    """A digit of the scanned function table misread with full confidence: its identities fail."""
    doc = read_by_ocr()
    row = find_row(doc, "expenditure_by_function", code="20103")
    row["amounts"]["total"] = str(Decimal(row["amounts"]["total"]) + Decimal("100.00"))
    return doc
