"""What a stage function returns (docs/contracts.md §7), and the one way it says failure.

Every stage result is a small frozen dataclass deriving from ``StageResult``:

- ``error`` is ``None`` when the stage did its job, else the reason it did not
  (a portal that cannot be read, a document that did not parse, a dbt build
  that failed, a quality run whose expectations crashed);
- ``ok`` is ``error is None``; nothing else says failure;
- ``to_dict()`` is its JSON form (plus ``ok``), which is what the DAG passes
  between tasks (Airflow XCom) and what the run journal records.

Which failures fail a task is the orchestration's decision, not the stage's
(``orchestration.pipeline``): a failed dbt build or quality run does; a
document that did not parse is recorded and the run goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any


def jsonable(value: Any) -> Any:
    """``value`` with dataclasses, tuples, dates, paths, decimals and enums made JSON types."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (Path, Decimal)):
        return str(value)
    return value


@dataclass(frozen=True, kw_only=True)
class StageResult:
    """The base of every stage result: ``error`` says why the stage failed, ``ok`` whether it did."""

    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        return {**jsonable(self), "ok": self.ok}
