from decimal import Decimal

import pytest

from countybudget.money import (
    normalise_amount_text,
    parse_amount,
    printed_unit,
    printed_units,
    to_yuan,
)


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("1,623.35", "1623.35"),
        ("１，６２３．３５", "1623.35"),  # full-width
        ("950. 10", "950.10"),  # a space left by a wrapped cell
        ("1166\n.60", "1166.60"),
        ("(12.00)", "-12.00"),
        ("0.00", "0.00"),
    ],
)
def test_normalise_amount_text_keeps_printed_digits(printed: str, expected: str) -> None:
    assert normalise_amount_text(printed) == expected


@pytest.mark.parametrize("blank", ["", "  ", "-", "—", "--"])
def test_blank_cells_are_none(blank: str) -> None:
    assert parse_amount(blank) is None


def test_non_amount_is_rejected() -> None:
    with pytest.raises(ValueError, match="not an amount"):
        parse_amount("行政运行")


def test_to_yuan_is_exact() -> None:
    assert to_yuan(Decimal("449.30"), "万元") == Decimal("4493000.00")
    assert to_yuan(Decimal("0.01"), "万元") == Decimal("100.00")
    assert to_yuan(Decimal("12345.67"), "元") == Decimal("12345.67")
    with pytest.raises(ValueError, match="unknown currency unit"):
        to_yuan(Decimal(1), "千元")


def test_to_yuan_rounds_half_away_from_zero_like_the_warehouse() -> None:
    assert to_yuan(Decimal("0.125"), "元") == Decimal("0.13")
    assert to_yuan(Decimal("-0.125"), "元") == Decimal("-0.13")


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("单位：万元", "万元"),
        ("金额单位：元", "元"),
        ("计量单位: 人民币万元", "万元"),
        ("单位 ： 千元", "千元"),  # never mistaken for 元
        ("单位：亿元", "亿元"),
        ("（单位：万元）", "万元"),
        ("单位:元", "元"),  # full-width and half-width colons alike
        ("预算单位：平乡县人民政府办公室", None),  # a unit *name*, not a currency unit
        ("2024年部门预算", None),
    ],
)
def test_the_unit_rule(text: str, unit: str | None) -> None:
    assert printed_unit(text) == unit
    assert printed_units(f"{text} 表二 {text}") == ([unit, unit] if unit else [])
