"""The generated scale corpus: identity-consistent documents, written in the raw-layer shape."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq

from countybudget import paths
from countybudget.contracts import RAW_SCHEMAS
from countybudget.identities import check_document
from testkit.scale_corpus import generate_documents, split_cents, write_scale_corpus


def test_generated_documents_satisfy_every_identity() -> None:
    docs = [item.doc for item in generate_documents(120, seed=7) if item.doc["status"] == "ok"]
    assert len(docs) > 100
    violations = [v for doc in docs for v in check_document(doc)]
    assert violations == []


def test_generated_documents_mix_units_and_irregular_postings() -> None:
    items = list(generate_documents(200, seed=3))
    assert len(items) == 200
    units = Counter(item.doc["currency_unit"] for item in items if item.doc["status"] == "ok")
    assert units["元"] > 0 and units["万元"] > units["元"]
    assert any(item.n_postings == 2 for item in items)
    assert any(item.supersedes for item in items)
    assert any(item.doc["status"] == "error" for item in items)
    assert len({item.sha256 for item in items}) == len(items)


def test_split_cents_is_exact() -> None:
    import random

    rng = random.Random(1)
    for total, n in [(100, 3), (7, 7), (5, 9), (123456789, 5)]:
        parts = split_cents(total, n, rng)
        assert sum(parts) == total and len(parts) == n


def test_write_scale_corpus_writes_one_file_per_document_per_table(lake: Path) -> None:
    summary = write_scale_corpus(12, seed=1)
    documents = sorted(paths.raw_table_dir("documents").glob("*.parquet"))
    assert summary["documents"] == 12 == len(documents)
    table = pq.read_table(paths.raw_table_dir("amounts"))
    assert table.schema.names == RAW_SCHEMAS["amounts"].names
    assert table.num_rows == summary["rows"]["amounts"] > 0
    # amounts are decimal strings, never floats
    assert all(Decimal(a) == Decimal(a).quantize(Decimal("0.01")) for a in table.column("amount").to_pylist())
    tables = pq.read_table(paths.raw_table_dir("tables"))  # one row per table of every parsed document
    assert tables.schema.names == RAW_SCHEMAS["tables"].names
    assert tables.num_rows == summary["rows"]["tables"] == 6 * 12  # 6 tables per generated document
    manifest = pq.read_table(paths.manifest_dir())
    assert manifest.num_rows == summary["postings"] >= 12
