"""What one disclosure says, independent of how it is printed.

A ``Budget`` holds only leaf figures (项 function lines split into basic and
project, 款 economic lines, projects, 三公 items). Every parent, class and
total is derived from them by exact Decimal sums, so the identities of
the domain notes hold to the cent by construction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from testkit.corpus.codes import PERSONNEL_CLASSES

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def d(text: str | int) -> Decimal:
    """A figure as printed, exact."""
    return Decimal(str(text)).quantize(CENT)


@dataclass(frozen=True)
class Target:
    level1: str  # 产出指标 / 效益指标 / 满意度指标
    level2: str  # 数量指标 …
    level3: str  # the indicator
    value: str  # 指标值


@dataclass(frozen=True)
class Project:
    code: str
    name: str
    amount: Decimal
    function_code: str
    unit_name: str
    printed_amount: str | None = None  # as a seed prints it ("72.8"), when not 2 decimals
    targets: tuple[Target, ...] = ()


@dataclass(frozen=True)
class Unit:
    """A budget unit inside the department (本级 or a subordinate unit)."""

    name: str
    functions: dict[str, tuple[Decimal, Decimal]]  # 项 code -> (basic, project)


@dataclass
class Budget:
    id: str
    department: str  # e.g. 平乡县人民政府办公室
    county: str  # 平乡县
    region_code: str
    province: str
    portal: str
    fiscal_year: int
    doc_type: str  # budget | final_account
    currency: str  # 万元 | 元
    units: list[Unit]
    economics: dict[str, Decimal]  # 款 economic code -> basic expenditure
    projects: list[Project] = field(default_factory=list)
    three_public: dict[str, Decimal] = field(default_factory=dict)  # item -> amount (actual for 决算)
    three_public_budget: dict[str, Decimal] | None = None  # 决算: the budgeted figures
    fund_functions: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)  # 政府性基金
    previous_total: Decimal | None = None  # last year's total, for the narrative's changes
    previous_three_public: Decimal | None = None
    staff: tuple[int, int] = (20, 15)  # 编制, 实有
    source_note: str = ""  # where the figures come from (seed or invented)
    # economic lines printed on several rows with the same code (one per sub-unit, as seed 003 does)
    economic_split: dict[str, tuple[Decimal, ...]] = field(default_factory=dict)

    # ---- derived figures

    @property
    def functions(self) -> dict[str, tuple[Decimal, Decimal]]:
        """General-budget 项 lines of all units together."""
        merged: dict[str, tuple[Decimal, Decimal]] = {}
        for unit in self.units:
            for code, (basic, project) in unit.functions.items():
                b, p = merged.get(code, (ZERO, ZERO))
                merged[code] = (b + basic, p + project)
        return dict(sorted(merged.items()))

    @property
    def all_functions(self) -> dict[str, tuple[Decimal, Decimal]]:
        """General budget and government funds together (the 支出总表)."""
        merged = dict(self.functions)
        for code, (basic, project) in self.fund_functions.items():
            b, p = merged.get(code, (ZERO, ZERO))
            merged[code] = (b + basic, p + project)
        return dict(sorted(merged.items()))

    @property
    def general_total(self) -> Decimal:
        return sum((b + p for b, p in self.functions.values()), ZERO)

    @property
    def fund_total(self) -> Decimal:
        return sum((b + p for b, p in self.fund_functions.values()), ZERO)

    @property
    def total(self) -> Decimal:
        return self.general_total + self.fund_total

    @property
    def basic_total(self) -> Decimal:
        return sum((b for b, _ in self.functions.values()), ZERO)

    @property
    def project_total(self) -> Decimal:
        return sum((p for _, p in self.all_functions.values()), ZERO)

    @property
    def personnel_total(self) -> Decimal:
        return sum((v for c, v in self.economics.items() if c[:3] in PERSONNEL_CLASSES), ZERO)

    @property
    def public_total(self) -> Decimal:
        return sum((v for c, v in self.economics.items() if c[:3] not in PERSONNEL_CLASSES), ZERO)

    def unit_total(self, unit: Unit) -> Decimal:
        return sum((b + p for b, p in unit.functions.values()), ZERO)

    def validate(self) -> None:
        """The leaves must agree with each other before anything is printed."""
        economic = sum(self.economics.values(), ZERO)
        if economic != self.basic_total:
            raise ValueError(f"{self.id}: basic by economic {economic} != by function {self.basic_total}")
        for code, parts in self.economic_split.items():
            if sum(parts, ZERO) != self.economics[code]:
                raise ValueError(f"{self.id}: the rows of {code} sum to {sum(parts, ZERO)}, not {self.economics[code]}")
        if self.projects:
            projects = sum((p.amount for p in self.projects), ZERO)
            if projects != self.project_total:
                raise ValueError(f"{self.id}: projects sum {projects} != project expenditure {self.project_total}")


def hierarchy(leaves: dict[str, tuple[Decimal, ...]]) -> list[tuple[str, tuple[Decimal, ...]]]:
    """类, 款 and 项 lines in printed order, each parent the exact sum of its children.

    Works for 7-digit function codes (3/5/7) and 5-digit economic codes (3/5).
    """
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [])
    for code, values in leaves.items():
        for prefix in {code[:3], code[:5], code}:
            acc = sums[prefix]
            if not acc:
                acc.extend([ZERO] * len(values))
            for i, v in enumerate(values):
                acc[i] += v
    return [(code, tuple(sums[code])) for code in sorted(sums, key=lambda c: (c[:3], c[:5], len(c), c))]


def share(part: Decimal, whole: Decimal) -> Decimal:
    """Percentage with two decimals, rounded half up as finance offices do."""
    if whole == 0:
        return Decimal("0.00")
    return (part * 100 / whole).quantize(CENT, rounding=ROUND_HALF_UP)
