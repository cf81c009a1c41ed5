"""Units of tables that print no ``单位：`` line of their own.

A table's unit is ``printed`` when its own title block, header or border
says it (``单位：万元``; on a table continued over pages, any of its pages).
A table of amounts without one takes the unit the document's other tables
print, recorded as ``unit_source: inferred``:

- when every table that prints a unit prints the same one, that unit;
- else the unit of the nearest table before it that prints one (tables of a
  disclosure come in sets: the 收支总表 … 支出表 of one fund share a unit),
  else of the nearest one after it.

A table nothing can be inferred for keeps ``unit: null`` (the gate's
``table_unit_present`` then withholds it). Nothing here reads coordinates or
titles: only the units the document itself prints.
"""

from __future__ import annotations

from typing import Any

NO_AMOUNTS = ("unknown", "performance_targets")


def infer_units(tables: list[dict[str, Any]]) -> None:
    """Set ``unit_source`` on every table with a unit, inferring the missing ones in place."""
    printed = [(i, t["unit"]) for i, t in enumerate(tables) if t.get("unit") and t.get("kind") not in NO_AMOUNTS]
    for t in tables:
        if t.get("unit") and not t.get("unit_source"):
            t["unit_source"] = "printed"
    distinct = {u for _, u in printed}
    for i, t in enumerate(tables):
        if t.get("unit") or t.get("kind") in NO_AMOUNTS or not _has_amounts(t):
            continue
        unit = None
        if len(distinct) == 1:
            unit = next(iter(distinct))
        else:
            before = [u for k, u in printed if k < i]
            after = [u for k, u in printed if k > i]
            unit = before[-1] if before else (after[0] if after else None)
        if unit is not None:
            t["unit"] = unit
            t["unit_source"] = "inferred"


def _has_amounts(table: dict[str, Any]) -> bool:
    return any(v is not None for r in table.get("rows") or [] for v in (r.get("amounts") or {}).values())
