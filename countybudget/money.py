"""Exact money: amounts are Decimal from the page to the warehouse, never float.

Tables print amounts in 万元 (ten thousand yuan) or 元 (yuan); the warehouse
stores yuan as DECIMAL(18,2). Conversion is explicit and the unit is recorded
next to every figure.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

UNIT_FACTORS: dict[str, Decimal] = {"元": Decimal(1), "万元": Decimal(10000)}
CENT = Decimal("0.01")

# The unit rule: the label a table prints its unit with (单位：万元, 金额单位：元,
# 计量单位: 人民币万元 …), searched in text whose full-width forms are normalised
# (NFKC). Group 1 is the unit; 千元 and 亿元 are recognised so they are never
# mistaken for 元, but only ``UNIT_FACTORS`` units are converted.
UNIT_LABEL_RE = re.compile(r"(?:金额|计量)?单位\s*[:：]\s*(?:人民币)?\s*(万元|千元|亿元|元)")

_AMOUNT_RE = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)$")


def normalise_amount_text(text: str) -> str | None:
    """Turn a printed amount into a plain decimal string, or None for a blank cell.

    Handles full-width digits and punctuation, thousands separators, spaces
    inside numbers (from wrapped cells), and a dash used for "nothing".
    Returns the digits as printed (no rounding, no trailing-zero changes).
    """
    s = unicodedata.normalize("NFKC", text)
    s = re.sub(r"[\s,，]", "", s)
    if s in ("", "-", "—", "--", "/", "－"):
        return None
    if s.startswith("(") and s.endswith(")"):  # accounting negative
        s = "-" + s[1:-1]
    if not _AMOUNT_RE.match(s):
        raise ValueError(f"not an amount: {text!r}")
    return s


def printed_units(text: str) -> list[str]:
    """The unit of every ``单位：…`` label in ``text``, in order."""
    return [m.group(1) for m in UNIT_LABEL_RE.finditer(unicodedata.normalize("NFKC", text))]


def printed_unit(text: str) -> str | None:
    """The unit the first ``单位：…`` label in ``text`` names, or None."""
    m = UNIT_LABEL_RE.search(unicodedata.normalize("NFKC", text))
    return m.group(1) if m else None


def parse_amount(text: str) -> Decimal | None:
    s = normalise_amount_text(text)
    if s is None:
        return None
    try:
        return Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - regex guards this
        raise ValueError(f"not an amount: {text!r}") from exc


def to_yuan(amount: Decimal, unit: str) -> Decimal:
    """Convert an amount in ``unit`` (元 or 万元) to yuan, exact to the cent."""
    try:
        factor = UNIT_FACTORS[unit]
    except KeyError as exc:
        raise ValueError(f"unknown currency unit {unit!r}; expected one of {list(UNIT_FACTORS)}") from exc
    # half away from zero, as DuckDB's ROUND does in the warehouse
    return (amount * factor).quantize(CENT, rounding=ROUND_HALF_UP)
