"""The run report as a page: ``reports/run-<run>.html`` beside the JSON.

Charts (documents found / parsed / published / withheld per portal over the last
runs, reasons for withholding, spending by region and function class) and the
tables behind them, with every withheld document or table linked to its reasons
and its source URL. The figures are read from the serving copy (what BI users
see after this run) and from the run reports kept beside this one; the charts are
matplotlib SVG inlined into the page, so viewing it fetches nothing.
"""

from __future__ import annotations

import html
import io
import json
import logging
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from countybudget import paths

log = logging.getLogger(__name__)

# How many runs the per-portal history chart shows (this one and the ones before it).
HISTORY_RUNS = 10
# CJK-capable fonts first (unit, region and class names are Chinese); the SVG keeps text
# as text, so the viewer's browser draws it with whichever of these it has.
FONT_FAMILIES = ["WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "DejaVu Sans"]
PORTAL_MEASURES = ("found", "parsed", "published", "partial", "withheld")


def portal_documents(serving: Path | None = None) -> dict[str, dict[str, int]]:
    """Per portal, from ``marts.dim_document`` of the serving copy: documents found
    (every crawled document the warehouse knows), parsed, published in full, in part,
    and withheld whole."""
    rows = _query(
        serving,
        """
        select coalesce(portal_id, '(unknown)'),
               count(*),
               count(*) filter (where parse_status = 'ok'),
               count(*) filter (where publication_status = 'published'),
               count(*) filter (where publication_status = 'partial'),
               count(*) filter (where publication_status = 'withheld')
        from marts.dim_document group by 1 order by 1
        """,
    )
    return {row[0]: dict(zip(PORTAL_MEASURES, (int(n) for n in row[1:]))) for row in rows}


def spending_by_region_class(serving: Path | None = None) -> list[dict[str, Any]]:
    """``marts.mart_region_function_spending`` with region names: one row per region ×
    year × document type × function 类, amounts as exact Decimals."""
    rows = _query(
        serving,
        """
        select m.region_code, coalesce(r.region_name, m.region_code), m.fiscal_year, m.doc_type,
               m.class_code, m.class_name, m.total_yuan, m.change_percent, m.is_complete
        from marts.mart_region_function_spending m
        left join marts.dim_region r using (region_code)
        order by m.fiscal_year desc, m.doc_type, m.region_code, m.class_code
        """,
    )
    keys = ("region_code", "region_name", "fiscal_year", "doc_type", "class_code", "class_name",
            "total_yuan", "change_percent", "is_complete")
    return [dict(zip(keys, row)) for row in rows]


def withheld_items(serving: Path | None = None) -> list[dict[str, Any]]:
    """Every document or table the quality gate withheld (``marts.mart_quarantine``), with
    its reasons and the URL it was downloaded from (``marts.dim_document``)."""
    rows = _query(
        serving,
        """
        select q.withheld, q.document_sha256, q.table_index, q.table_kind, q.unit_name,
               q.fiscal_year, q.doc_type, q.failed_expectations, q.reasons,
               d.attachment_url, d.detail_page_url, d.portal_id
        from marts.mart_quarantine q
        left join marts.dim_document d using (document_sha256)
        order by q.document_sha256, q.table_index nulls first
        """,
    )
    keys = ("withheld", "sha256", "table_index", "table_kind", "unit_name", "fiscal_year", "doc_type",
            "failed_expectations", "reasons", "attachment_url", "detail_page_url", "portal_id")
    return [dict(zip(keys, row)) for row in rows]


def _query(serving: Path | None, sql: str) -> list[tuple[Any, ...]]:
    import duckdb

    database = Path(serving or paths.serving_path())
    if not database.is_file():
        return []
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def portal_history(report: Mapping[str, Any], limit: int = HISTORY_RUNS) -> list[tuple[str, dict[str, dict[str, int]]]]:
    """(run id, per-portal counts) of the last ``limit`` runs whose reports carry them, oldest first,
    this run last (its report may not be on disk yet when the page is built)."""
    runs: dict[str, dict[str, dict[str, int]]] = {}
    for path in sorted(paths.reports_dir().glob("run-*.json"), key=lambda p: p.stat().st_mtime):
        try:
            earlier = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(earlier, dict) and earlier.get("by_portal") and earlier.get("run_id") != report["run_id"]:
            runs[str(earlier["run_id"])] = earlier["by_portal"]
    history = list(runs.items())[-(limit - 1):] if limit > 1 else []
    return [*history, (str(report["run_id"]), dict(report.get("by_portal") or {}))]


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg"):]  # drop the XML prolog and DOCTYPE: the SVG is inline


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "font.family": "sans-serif", "font.sans-serif": FONT_FAMILIES,
                         "axes.unicode_minus": False, "figure.dpi": 96})
    return plt


def _chart(draw: Any) -> str:
    plt = _pyplot()
    with warnings.catch_warnings():
        # the SVG keeps text as text: a CJK glyph this machine's fonts lack is the viewer's to draw
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from", category=UserWarning)
        figure = draw(plt)
        try:
            return _svg(figure)
        finally:
            plt.close(figure)


def history_chart(history: Sequence[tuple[str, Mapping[str, Mapping[str, int]]]]) -> str:
    portals = sorted({p for _, by_portal in history for p in by_portal})

    def draw(plt: Any) -> Any:
        figure, axes = plt.subplots(1, len(PORTAL_MEASURES) - 1, figsize=(12, 3.2), sharey=True, squeeze=False)
        runs = [run for run, _ in history]
        labels = [run[-19:] for run in runs]
        for ax, measure in zip(axes[0], ("found", "parsed", "published", "withheld")):
            for portal in portals:
                ax.plot(labels, [by_portal.get(portal, {}).get(measure, 0) for _, by_portal in history],
                        marker="o", label=portal)
            ax.set_title(f"documents {measure}")
            ax.tick_params(axis="x", labelrotation=60, labelsize=7)
        if portals:
            axes[0][0].legend(fontsize=7)
        return figure

    return _chart(draw)


def reasons_chart(items: Sequence[Mapping[str, Any]]) -> str:
    counts = reason_counts(items)

    def draw(plt: Any) -> Any:
        figure, ax = plt.subplots(figsize=(8, 0.4 * max(len(counts), 1) + 1))
        names = list(counts)[::-1]
        ax.barh(names, [counts[n] for n in names], color="#c0504d")
        ax.set_xlabel("documents or tables withheld")
        ax.set_title("reasons for withholding (failed expectation)")
        return figure

    return _chart(draw)


def reason_counts(items: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Withheld documents and tables per failed expectation, most frequent first."""
    counter: Counter[str] = Counter()
    for item in items:
        for name in item.get("failed_expectations") or ["(no reason recorded)"]:
            counter[name] += 1
    return dict(counter.most_common())


def spending_chart(spending: Sequence[Mapping[str, Any]]) -> str:
    """Stacked bars: each region's latest budget year, split by function 类 (万元)."""
    latest = _latest_budget_rows(spending)
    regions = sorted({(r["region_name"], r["fiscal_year"]) for r in latest})
    classes = sorted({(r["class_code"], r["class_name"]) for r in latest})

    def draw(plt: Any) -> Any:
        figure, ax = plt.subplots(figsize=(10, 0.5 * max(len(regions), 1) + 2))
        labels = [f"{name} {year}" for name, year in regions]
        left = [0.0] * len(regions)
        colors = plt.get_cmap("tab20")
        for i, (code, name) in enumerate(classes):
            widths = [float(sum((r["total_yuan"] for r in latest if (r["region_name"], r["fiscal_year"]) == region
                                 and r["class_code"] == code), Decimal(0))) / 1e4
                      for region in regions]
            ax.barh(labels, widths, left=left, label=f"{code} {name}", color=colors(i % 20))
            left = [a + b for a, b in zip(left, widths)]
        ax.set_title("spending by region and function class (each region's latest budget, 万元)")
        if classes:
            ax.legend(fontsize=7, bbox_to_anchor=(1.01, 1), loc="upper left")
        return figure

    return _chart(draw)


def _latest_budget_rows(spending: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    budgets = [r for r in spending if r["doc_type"] == "budget"] or list(spending)
    latest: dict[str, int] = {}
    for r in budgets:
        latest[r["region_code"]] = max(latest.get(r["region_code"], r["fiscal_year"]), r["fiscal_year"])
    return [r for r in budgets if r["fiscal_year"] == latest[r["region_code"]]]


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _link(url: Any) -> str:
    return f'<a href="{_e(url)}">{_e(url)}</a>' if url else ""


def _table(table_id: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "\n".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>'


STYLE = """
body{font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top}
th{background:#eee}td{max-width:48em;overflow-wrap:break-word}td a{word-break:break-all}td.num{text-align:right;font-variant-numeric:tabular-nums}.bad{color:#a00}
svg{max-width:100%;height:auto}
"""


def render_run_page(report: Mapping[str, Any], serving: Path | None = None) -> str:
    """The page's HTML for ``report`` (a ``build_run_report`` dict) and the serving copy."""
    spending = spending_by_region_class(serving)
    withheld = withheld_items(serving)
    history = portal_history(report)
    d = report["documents"]
    by_portal = report.get("by_portal") or {}
    found_this_run = {pid: p.get("discovered", 0) for pid, p in (report.get("portals") or {}).items()}
    warehouse = report.get("warehouse") or {}
    unchanged = bool(warehouse.get("unchanged"))  # a no-op night: the serving copy stays as it was
    status = "published" if report["published"] else "nothing to rebuild" if unchanged else "NOT published"
    parts = [
        "<!doctype html><html lang='zh'><head><meta charset='utf-8'>",
        f"<title>countybudget run {_e(report['run_id'])}</title><style>{STYLE}</style></head><body>",
        f"<h1>countybudget run {_e(report['run_id'])}: <span class='{'' if report['published'] or unchanged else 'bad'}'>{status}</span></h1>",
        *([f"<p id='warehouse-plan'>{_e(warehouse['reason'])}</p>"] if warehouse.get("planned") else []),
        _table("run-documents", ["discovered", "downloaded", "parsed", "not parsed", "quarantined",
                                 "published in full", "in part", "tables withheld"],
               [[_e(d.get(k, 0)) for k in ("discovered", "downloaded", "parsed", "not_parsed", "quarantined",
                                            "published", "partial", "tables_withheld")]]),
        "<h2>Documents per portal</h2>",
        history_chart(history),
        _table("portal-documents", ["portal", "found this run", *PORTAL_MEASURES],
               [[_e(pid), f"<span class='num'>{_e(found_this_run.get(pid, 0))}</span>",
                 *(_e(counts.get(m, 0)) for m in PORTAL_MEASURES)]
                for pid, counts in sorted(by_portal.items())]),
        "<h2>What was withheld, and why</h2>",
        reasons_chart(withheld),
        _table("withheld-reasons", ["failed expectation", "withheld"],
               [[_e(name), _e(n)] for name, n in reason_counts(withheld).items()]),
        _table("withheld", ["withheld", "document", "unit", "year", "type", "table", "reasons", "source"],
               [[_e(w["withheld"]), f"<code>{_e(w['sha256'][:16])}</code>", _e(w["unit_name"]),
                 _e(w["fiscal_year"]), _e(w["doc_type"]),
                 _e(f"{w['table_index']}:{w['table_kind']}" if w["table_index"] is not None else ""),
                 "<br>".join(_e(r) for r in (w["reasons"] or [])),
                 _link(w["attachment_url"]) + (f"<br>page: {_link(w['detail_page_url'])}" if w["detail_page_url"] else "")]
                for w in withheld]),
        "<h2>Not budget disclosures (kept in the landing zone, never published)</h2>",
        _table("not-budget", ["document", "source", "why"],
               [[f"<code>{_e(n['sha256'][:16])}</code>", _e(n.get("source_path")), _e(n.get("reason"))]
                for n in (report.get("left_out") or {}).get("not_budget", [])]),
        "<h2>Spending by region and function class</h2>",
        spending_chart(spending),
        _table("spending", ["region", "region code", "fiscal year", "type", "class", "class name",
                            "spending (元)", "change on previous year (%)", "complete"],
               [[_e(s["region_name"]), _e(s["region_code"]), _e(s["fiscal_year"]), _e(s["doc_type"]),
                 _e(s["class_code"]), _e(s["class_name"]), f"<span class='num'>{_e(s['total_yuan'])}</span>",
                 _e(s["change_percent"]), _e("yes" if s["is_complete"] else "no (documents withheld)")]
                for s in spending]),
        f"<p>Serving database: <code>{_e(report.get('serving_database'))}</code>. "
        f"Figures are those of the serving copy after this run; the JSON beside this page has the rest.</p>",
        "</body></html>",
    ]
    return "\n".join(parts)


def write_run_page(report: Mapping[str, Any], json_path: Path) -> Path | None:
    """Write the page beside the run's JSON (``latest.html`` too); a page that cannot be built is
    logged and skipped, never a reason to lose the JSON report."""
    try:
        page = render_run_page(report)
    except Exception:  # the JSON report is the record; the page is a view of it
        log.exception("the run report page could not be built for %s", report.get("run_id"))
        return None
    path = json_path.with_suffix(".html")
    path.write_text(page, encoding="utf-8")
    (json_path.parent / "latest.html").write_text(page, encoding="utf-8")
    return path
