"""Format-independent table interpretation: a ``Grid`` becomes a typed table dict.

(Work in progress: the signature is final, the interpretation is being filled in.)
"""

from __future__ import annotations

from countybudget.table_kinds import TableKind
from parsers.model import Grid


def interpret_grid(grid: Grid) -> dict:
    """Turn one reconstructed table into a table dict of docs/contracts.md §4."""
    pages = sorted(set(grid.row_pages))
    return {
        "kind": TableKind.UNKNOWN.value,
        "title": grid.title,
        "unit": None,
        "pages": pages,
        "columns": [],
        "cells": [list(r) for r in grid.cells],
        "note": None,
    }
