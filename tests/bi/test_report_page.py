"""The nightly report as a page: produced by the run beside its JSON, self-contained,
and every figure it prints equal to the marts of the serving copy."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from bi_lake import NightlyLake

from orchestration.pipeline import run_slug

pytestmark = pytest.mark.slow


class Tables(HTMLParser):
    """Every <table id=...> of a page as lists of cell texts, plus every href and src."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.links: list[str] = []
        self.remote: list[str] = []
        self.svgs = 0
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._table = a.get("id") or ""
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self.tables[self._table].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")
        elif tag == "svg":
            self.svgs += 1
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        for key in ("src", "xlink:href"):  # anything the browser would fetch to show the page
            if a.get(key) and not a[key].startswith(("data:", "#")):
                self.remote.append(a[key])
        if tag == "link" and a.get("href"):
            self.remote.append(a["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._table is not None:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def body(table: list[list[str]]) -> list[list[str]]:
    return [row for row in table[1:] if row]


@pytest.fixture(scope="module")
def page(nightly_lake: NightlyLake) -> Tables:
    html_path = nightly_lake.data / "reports" / f"run-{run_slug(nightly_lake.report['run_id'])}.html"
    assert html_path.exists(), f"the run wrote no page beside its JSON: {sorted(p.name for p in html_path.parent.iterdir())}"
    assert (nightly_lake.data / "reports" / "latest.html").read_bytes() == html_path.read_bytes()
    parsed = Tables()
    parsed.feed(html_path.read_text(encoding="utf-8"))
    return parsed


def marts(lake: NightlyLake, sql: str) -> list[tuple]:
    with duckdb.connect(str(lake.serving), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_the_page_is_self_contained_with_its_charts(page: Tables) -> None:
    assert page.svgs >= 3, "history, reasons and spending charts inline"
    assert page.remote == [], f"the page would fetch {page.remote} at view time"


def test_documents_per_portal_equal_dim_document(page: Tables, nightly_lake: NightlyLake) -> None:
    shown = {row[0]: [int(n) for n in row[2:]] for row in body(page.tables["portal-documents"])}
    expected = {
        portal: [int(n) for n in counts]
        for portal, *counts in marts(nightly_lake, """
            select portal_id, count(*), count(*) filter (where parse_status = 'ok'),
                   count(*) filter (where publication_status = 'published'),
                   count(*) filter (where publication_status = 'partial'),
                   count(*) filter (where publication_status = 'withheld')
            from marts.dim_document group by 1""")
    }
    assert shown == expected and len(shown) >= 2
    assert sum(c[4] for c in shown.values()) >= 1, "the mirror's corpus has defective documents: some are withheld"
    found_this_run = {row[0]: int(row[1]) for row in body(page.tables["portal-documents"])}
    assert found_this_run == {p: v["discovered"] for p, v in nightly_lake.report["portals"].items()}


def test_spending_by_region_and_class_equals_the_mart_to_the_cent(page: Tables, nightly_lake: NightlyLake) -> None:
    shown = Counter((r[1], int(r[2]), r[3], r[4], Decimal(r[6])) for r in body(page.tables["spending"]))
    expected = Counter(marts(nightly_lake, """
        select region_code, fiscal_year, doc_type, class_code, total_yuan from marts.mart_region_function_spending"""))
    assert shown == expected and shown


def test_every_withheld_item_is_listed_with_its_reasons_and_source_url(page: Tables, nightly_lake: NightlyLake) -> None:
    rows = body(page.tables["withheld"])
    expected = marts(nightly_lake, """
        select q.withheld, q.document_sha256, q.reasons, d.attachment_url
        from marts.mart_quarantine q left join marts.dim_document d using (document_sha256)""")
    assert len(rows) == len(expected) and rows
    shown = Counter((r[0], r[1], tuple(r[6].split("\n"))) for r in rows)
    assert shown == Counter((w, sha[:16], tuple(reasons)) for w, sha, reasons, _ in expected)
    assert {url for *_, url in expected if url} <= set(page.links)
    reasons = {r[0]: int(r[1]) for r in body(page.tables["withheld-reasons"])}
    counted = Counter(name for (names,) in marts(nightly_lake, "select failed_expectations from marts.mart_quarantine")
                      for name in names)
    assert reasons == dict(counted)


def test_the_run_totals_are_the_reports(page: Tables, nightly_lake: NightlyLake) -> None:
    (row,) = body(page.tables["run-documents"])
    d = nightly_lake.report["documents"]
    keys = ("discovered", "downloaded", "parsed", "not_parsed", "quarantined", "published", "partial", "tables_withheld")
    assert [int(v) for v in row] == [d[k] for k in keys]
    assert nightly_lake.report["by_portal"], "the JSON keeps the per-portal counts the next run's history chart reads"


def test_a_page_that_cannot_be_built_loses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from orchestration import report_html

    json_path = tmp_path / "run-x.json"
    json_path.write_text("{}", encoding="utf-8")
    monkeypatch.setattr(report_html, "render_run_page", lambda report: 1 / 0)
    assert report_html.write_run_page({"run_id": "x"}, json_path) is None
    assert json_path.read_text(encoding="utf-8") == "{}" and not (tmp_path / "run-x.html").exists()
