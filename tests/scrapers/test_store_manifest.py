"""Content-addressed atomic landing and the append-only manifest."""

from __future__ import annotations

import fcntl
import hashlib
import os
from datetime import date, datetime, timezone
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from countybudget import paths
from scrapers import manifest, store

PDF = b"%PDF-1.4\n" + "平乡县人民政府办公室2024年部门预算".encode() + b"\n%%EOF\n"


def _land(data: bytes) -> store.Landed:
    with store.LandingWriter() as writer:
        writer.write(data[:10])
        writer.write(data[10:])
        return writer.commit()


def test_a_file_lands_under_its_sha256_with_the_type_from_its_bytes(lake: Path) -> None:
    landed = _land(PDF)
    digest = hashlib.sha256(PDF).hexdigest()
    assert landed.path == paths.landing_file(digest, "pdf")
    assert landed.path.read_bytes() == PDF
    assert (landed.sha256, landed.size_bytes, landed.detected_type, landed.already_present) == (digest, len(PDF), "pdf", False)
    assert store.verify_landed_file(landed.path)
    assert list(store.tmp_dir().iterdir()) == []  # the temporary file became the landed one


def test_the_same_bytes_are_stored_once(lake: Path) -> None:
    first, second = _land(PDF), _land(PDF)
    assert second.already_present and first.path == second.path
    assert sum(1 for p in paths.landing_files_dir().rglob("*") if p.is_file()) == 1
    assert list(store.tmp_dir().iterdir()) == []


def test_a_reset_download_starts_over(lake: Path) -> None:
    with store.LandingWriter() as writer:
        writer.write(b"half a broken download")
        writer.reset()
        writer.write(PDF)
        landed = writer.commit()
    assert landed.path.read_bytes() == PDF and landed.sha256 == hashlib.sha256(PDF).hexdigest()


def test_an_abandoned_download_leaves_nothing_in_landing(lake: Path) -> None:
    with store.LandingWriter() as writer:
        writer.write(PDF[:5])
    assert not paths.landing_files_dir().exists() or not any(paths.landing_files_dir().rglob("*.*"))
    assert list(store.tmp_dir().iterdir()) == []


def test_orphan_temporary_files_are_removed_but_not_those_still_being_written(lake: Path) -> None:
    store.tmp_dir().mkdir(parents=True)
    orphan = store.tmp_dir() / "dead.part"
    orphan.write_bytes(b"partial")
    live = store.LandingWriter()  # holds its lock like a parallel fetch would
    live.write(b"in progress")
    assert store.remove_orphan_tmp_files() == 1
    assert not orphan.exists() and live.tmp_path.exists()
    live.discard()


def _row(**overrides) -> dict:
    row = {
        "run_id": "crawl-test", "attempt_id": manifest.new_attempt_id(), "portal_id": "pingxiang",
        "url": "http://127.0.0.1:1/a.pdf", "detail_url": "http://127.0.0.1:1/t.html", "title": "平乡县2024年部门预算",
        "publish_date": date(2024, 2, 5), "fiscal_year": 2024, "doc_type": "budget", "unit_name": "平乡县财政局",
        "fetched_at": datetime(2024, 3, 1, tzinfo=timezone.utc), "http_status": 200, "outcome": "new", "error": None,
        "etag": '"e1"', "last_modified": None, "size_bytes": 10, "detected_type": "pdf", "sha256": "ab" * 32,
        "landing_path": "landing/files/ab/" + "ab" * 32 + ".pdf",
    }
    return {**row, **overrides}


def test_manifest_rows_become_an_immutable_parquet_file_with_the_contract_schema(lake: Path) -> None:
    with manifest.ManifestWriter("crawl-test", "pingxiang") as writer:
        writer.append(_row())
        writer.append(_row(outcome="failed", http_status=404, error="HTTP 404", sha256=None, landing_path=None, size_bytes=None))
    files = list(paths.manifest_dir().glob("*.parquet"))
    assert len(files) == 1
    table = pq.read_table(files[0])
    assert table.schema.names == list(manifest.COLUMNS)
    assert [r["outcome"] for r in table.to_pylist()] == ["new", "failed"]
    assert table.to_pylist()[0]["publish_date"] == date(2024, 2, 5)
    assert not any(manifest.journal_dir().iterdir())


def test_a_row_with_an_unknown_outcome_or_column_is_refused(lake: Path) -> None:
    with manifest.ManifestWriter("crawl-test", "pingxiang") as writer:
        with pytest.raises(ValueError, match="outcome"):
            writer.append(_row(outcome="great"))
        with pytest.raises(ValueError, match="not manifest columns"):
            writer.append(_row(colour="red"))


def test_the_journal_of_a_dead_run_is_recovered_and_a_live_one_is_left_alone(lake: Path) -> None:
    live = manifest.ManifestWriter("crawl-live", "huainan")
    live.append(_row(run_id="crawl-live", portal_id="huainan"))
    dead_path = manifest.journal_dir() / "crawl-dead__pingxiang__x.jsonl"
    dead = manifest.ManifestWriter("crawl-dead", "pingxiang")
    dead.append(_row(run_id="crawl-dead"))
    dead._file.close()  # the process died: its lock is gone, the journal stays
    os.replace(dead.journal_path, dead_path)
    with dead_path.open("a", encoding="utf-8") as handle:
        handle.write('{"run_id": "crawl-dead", "cut sh')  # a line cut by kill -9
    assert manifest.recover_orphan_journals() == 1
    recovered = manifest.read_manifest().to_pylist()
    assert [r["run_id"] for r in recovered] == ["crawl-dead"]
    assert live.journal_path.exists()
    with open(live.journal_path) as handle:  # still locked by its writer
        with pytest.raises(BlockingIOError):
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    live.close()
    assert {r["run_id"] for r in manifest.read_manifest().to_pylist()} == {"crawl-dead", "crawl-live"}


def test_last_good_copy_per_url_ignores_failures_and_takes_the_latest(lake: Path) -> None:
    early = _row(fetched_at=datetime(2024, 3, 1, tzinfo=timezone.utc), etag='"old"')
    late = _row(fetched_at=datetime(2024, 4, 1, tzinfo=timezone.utc), etag='"new"', outcome="not_modified")
    failed = _row(fetched_at=datetime(2024, 5, 1, tzinfo=timezone.utc), outcome="failed", sha256=None)
    best = manifest.last_good_by_url([early, late, failed])
    assert best["http://127.0.0.1:1/a.pdf"]["etag"] == '"new"'


def test_office_files_land_with_the_type_of_their_zip_members(lake: Path) -> None:
    import io

    import docx
    import openpyxl

    word, sheet = io.BytesIO(), io.BytesIO()
    document = docx.Document()
    document.add_paragraph("淮南市人民政府办公室2024年度项目支出绩效目标")
    document.save(word)
    book = openpyxl.Workbook()
    book.active["A1"] = "科目编码"
    book.save(sheet)
    assert _land(word.getvalue()).path.suffix == ".docx"
    assert _land(sheet.getvalue()).path.suffix == ".xlsx"
    assert _land(b"").detected_type == "unknown"  # an empty file is no document, whatever its name
