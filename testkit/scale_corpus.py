"""A synthetic raw layer of any size, for warehouse tests and the scale benchmark.

``generate_documents`` makes parse-output documents (docs/contracts.md §4) for
real GB/T 2260 counties and real classification codes (the curated seeds in
``dbt_project/seeds/``) whose figures satisfy every identity of a correct
disclosure (``countybudget.identities``): rows add up, parents are the sum of
their children, 基本支出 by function equals 基本支出 by economic class, 三公 is
the sum of its items. Amounts are built in integer cents of the table's unit,
so the identities hold exactly; about one document in ten prints 元 instead of
万元. ``write_scale_corpus`` writes them into the lake (raw Parquet, one file
per document per table, plus a crawl manifest) with the irregularities the
warehouse must handle: the same file posted twice, a document republished with
new figures, and documents that failed to parse.

    python -m testkit.scale_corpus 5000     # into $COUNTYBUDGET_DATA
"""

from __future__ import annotations

import csv
import hashlib
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from countybudget import paths
from countybudget.identities import FUNCTION_CLASSES
from testkit.ground_truth_lake import failed_document, write_manifest, write_raw_document

SEEDS_DIR = paths.DBT_PROJECT_DIR / "seeds"
PARSER_VERSION = "scale-corpus"
YEARS = (2023, 2024, 2025)
DOC_TYPES = ("budget", "final_account")
DEPARTMENTS = (
    "人民政府办公室", "财政局", "教育局", "卫生健康局", "民政局", "公安局", "农业农村局", "自然资源和规划局",
    "住房和城乡建设局", "交通运输局", "人力资源和社会保障局", "审计局", "统计局", "司法局", "水利局",
    "文化旅游体育局", "市场监督管理局", "应急管理局", "退役军人事务局", "发展和改革委员会",
)
LEAF_NAMES = {"01": "行政运行", "02": "一般行政管理事务", "50": "事业运行", "99": "其他支出"}
PERSONNEL_CODES = ("30101", "30102", "30103", "30108", "30110", "30113", "30302")
PUBLIC_CODES = ("30201", "30211", "30215", "30216", "30217", "30228", "30231", "30299")
THREE_PUBLIC_PARTS = ("overseas", "vehicle_purchase", "vehicle_operation", "reception")
THREE_PUBLIC_LABELS = {"total": "合计", "overseas": "因公出国（境）费", "vehicle_purchase": "公务用车购置费",
                       "vehicle_operation": "公务用车运行维护费", "reception": "公务接待费"}
INCOME_SOURCES = ("fiscal_appropriation", "business", "other")


@dataclass(frozen=True)
class Department:
    region_code: str
    unit_name: str
    portal_id: str


@dataclass
class ScaleDocument:
    """One generated document, how it was posted, and how the warehouse should treat it."""

    doc: dict[str, Any]
    sha256: str
    department: Department
    publish_date: date
    n_postings: int  # 2 = the same file posted twice
    supersedes: str | None = None  # sha256 of the earlier version this one replaces


def _read_seed(name: str) -> list[dict[str, str]]:
    with (SEEDS_DIR / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def unambiguous_counties() -> list[tuple[str, str]]:
    """(code, name) of counties whose name is unique nationally, so a unit name places them."""
    regions = _read_seed("region_codes_2024.csv")
    counts: dict[str, int] = {}
    for r in regions:
        counts[r["name"]] = counts.get(r["name"], 0) + 1
    return [(r["code"], r["name"]) for r in regions if r["level"] == "county" and counts[r["name"]] == 1]


def function_tree() -> dict[str, list[tuple[str, str]]]:
    """类 code -> [(款 code, 款 name)] from the curated function-class seed."""
    tree: dict[str, list[tuple[str, str]]] = {}
    rows = _read_seed("function_classes_curated.csv")
    names = {r["code"]: r["name"] for r in rows}
    for r in rows:
        if r["level"] == "款":
            tree.setdefault(r["parent_code"], []).append((r["code"], r["name"]))
    # only the 类 the shared identity checks know, so generated documents pass them all
    return {code: kids for code, kids in tree.items() if code in names and code in FUNCTION_CLASSES}


def _class_names() -> dict[str, str]:
    rows = _read_seed("function_classes_curated.csv") + _read_seed("economic_classes_curated.csv")
    return {r["code"]: r["name"] for r in rows}


def split_cents(total: int, n: int, rng: random.Random) -> list[int]:
    """``total`` cents in ``n`` positive parts (exactly: the parts add up to the total)."""
    if n <= 1:
        return [total]
    cuts = sorted(rng.sample(range(1, total), n - 1)) if total > n else [1] * (n - 1)
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, total])]
    return parts if all(p > 0 for p in parts) else [total - (n - 1)] + [1] * (n - 1)


def cents_text(cents: int | None) -> str | None:
    if cents is None:
        return None
    return f"{'-' if cents < 0 else ''}{abs(cents) // 100}.{abs(cents) % 100:02d}"


class DocumentGenerator:
    """Builds identity-consistent parse-output documents from a seeded RNG."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)
        self.tree = function_tree()
        self.names = _class_names()
        self.classes = sorted(self.tree)

    def document(self, department: Department, fiscal_year: int, doc_type: str, source: str) -> dict[str, Any]:
        rng = self.rng
        unit = "元" if rng.random() < 0.1 else "万元"
        scale = 10000 if unit == "元" else 1  # the same money printed in 元 has 10000× the figures
        function_rows, basic_cents, total_cents = self._function_rows(scale)
        page = 3
        tables = [
            self._table("income_summary", "部门收入总表", unit, page, ["total", "current_year_subtotal", *INCOME_SOURCES, "carryover"],
                        self._income_rows(total_cents, page)),
            self._table("expenditure_by_function", "一般公共预算财政拨款支出表", unit, page + 1, ["total", "basic", "project"],
                        [dict(r, page=page + 1) for r in function_rows]),
            # all funds; this generator's departments have only general-budget money, so the same rows
            self._table("expenditure_summary", "部门支出总表", unit, page + 5, ["total", "basic", "project"],
                        [dict(r, page=page + 5) for r in function_rows]),
            self._table("basic_expenditure_by_economic", "一般公共预算基本支出表", unit, page + 2,
                        ["total", "personnel", "public"], self._economic_rows(basic_cents, page + 2)),
            self._table("three_public_expenses", "“三公”经费支出表", unit, page + 3,
                        ["amount"] if doc_type == "budget" else ["budget", "actual"],
                        self._three_public_rows(scale, doc_type, page + 3)),
            self._targets_table(department, fiscal_year, page + 4),
        ]
        return {
            "schema_version": "1", "source": source, "format": "pdf", "status": "ok", "error": None,
            "unit_name": department.unit_name, "fiscal_year": fiscal_year, "doc_type": doc_type,
            "currency_unit": unit, "n_pages": page + 6, "tables": tables,
            "claims": [{"text": f"支出合计{cents_text(total_cents)}{unit}", "subject": "支出合计",
                        "amount": cents_text(total_cents), "unit": unit, "page": 2, "share": None,
                        "change": None, "change_direction": None}],
            "warnings": [],
        }

    @staticmethod
    def _table(kind: str, title: str, unit: str, page: int, columns: list[str], rows: list[dict]) -> dict[str, Any]:
        return {"kind": kind, "title": title, "unit": unit, "pages": [page], "columns": columns, "rows": rows,
                "note": None}

    @staticmethod
    def _row(code: str | None, name: str, page: int | None = None, **amounts: int | None) -> dict[str, Any]:
        return {"code": code, "name": name, "item": None, "side": None, "page": page,
                "amounts": {k: cents_text(v) for k, v in amounts.items()}}

    def _function_rows(self, scale: int) -> tuple[list[dict], int, int]:
        """类 / 款 / 项 rows with total = basic + project and parents = sum of children."""
        rng = self.rng
        rows: list[dict] = []
        grand_basic = grand_project = 0
        for class_code in sorted(rng.sample(self.classes, rng.randint(4, 7))):
            class_rows: list[dict] = []
            class_basic = class_project = 0
            for sub_code, sub_name in sorted(rng.sample(self.tree[class_code], min(len(self.tree[class_code]), rng.randint(1, 3)))):
                leaf_rows: list[dict] = []
                sub_basic = sub_project = 0
                for suffix in sorted(rng.sample(sorted(LEAF_NAMES), rng.randint(1, 3))):
                    basic = rng.randint(10_000, 5_000_000) * scale if rng.random() < 0.85 else 0
                    project = rng.randint(1_000, 3_000_000) * scale if rng.random() < 0.5 or basic == 0 else 0
                    leaf_rows.append(self._row(sub_code + suffix, LEAF_NAMES[suffix], total=basic + project,
                                               basic=basic or None, project=project or None))
                    sub_basic, sub_project = sub_basic + basic, sub_project + project
                class_rows.append(self._row(sub_code, sub_name, total=sub_basic + sub_project,
                                            basic=sub_basic or None, project=sub_project or None))
                class_rows.extend(leaf_rows)
                class_basic, class_project = class_basic + sub_basic, class_project + sub_project
            rows.append(self._row(class_code, self.names[class_code], total=class_basic + class_project,
                                  basic=class_basic or None, project=class_project or None))
            rows.extend(class_rows)
            grand_basic, grand_project = grand_basic + class_basic, grand_project + class_project
        total = self._row(None, "合计", total=grand_basic + grand_project, basic=grand_basic or None,
                          project=grand_project or None)
        return [total, *rows], grand_basic, grand_basic + grand_project

    def _economic_rows(self, basic_cents: int, page: int) -> list[dict]:
        """基本支出 by economic class: personnel (301, 303) + public (302) = 基本支出 by function."""
        rng = self.rng
        personnel = basic_cents * rng.randint(60, 85) // 100 if basic_cents > 100 else basic_cents
        public = basic_cents - personnel
        by_code: dict[str, tuple[int, int]] = {}
        if personnel:
            codes = rng.sample(PERSONNEL_CODES, min(len(PERSONNEL_CODES), max(1, min(personnel, 5))))
            by_code.update({c: (v, 0) for c, v in zip(codes, split_cents(personnel, len(codes), rng))})
        if public:
            codes = rng.sample(PUBLIC_CODES, min(len(PUBLIC_CODES), max(1, min(public, 6))))
            by_code.update({c: (0, v) for c, v in zip(codes, split_cents(public, len(codes), rng))})
        rows = [self._row(None, "合计", page, total=basic_cents, personnel=personnel or None, public=public or None)]
        for class_code in sorted({c[:3] for c in by_code}):
            kids = sorted(c for c in by_code if c.startswith(class_code))
            p = sum(by_code[c][0] for c in kids)
            q = sum(by_code[c][1] for c in kids)
            rows.append(self._row(class_code, self.names[class_code], page, total=p + q, personnel=p or None, public=q or None))
            for c in kids:
                rows.append(self._row(c, self.names.get(c, c), page, total=sum(by_code[c]),
                                      personnel=by_code[c][0] or None, public=by_code[c][1] or None))
        return rows

    def _income_rows(self, total_cents: int, page: int) -> list[dict]:
        """收入总表 total row: 合计 = 本年收入小计 + 上年结转, 小计 = the sources."""
        rng = self.rng
        carryover = total_cents * rng.randint(0, 10) // 100
        subtotal = total_cents - carryover
        sources = dict(zip(INCOME_SOURCES, split_cents(subtotal, 3, rng) if subtotal > 3 else [subtotal, 0, 0]))
        return [self._row(None, "合计", page, total=total_cents, current_year_subtotal=subtotal,
                          carryover=carryover or None, **{k: v or None for k, v in sources.items()})]

    def _three_public_rows(self, scale: int, doc_type: str, page: int) -> list[dict]:
        rng = self.rng
        parts = {item: rng.randint(0, 300_000) * scale for item in THREE_PUBLIC_PARTS}
        columns = ["amount"] if doc_type == "budget" else ["budget", "actual"]
        figures = {col: dict(parts) if col != "actual" else
                   {k: v * rng.randint(70, 100) // 100 for k, v in parts.items()} for col in columns}
        rows = []
        for item in ("total", *THREE_PUBLIC_PARTS):
            amounts = {col: (sum(f.values()) if item == "total" else f[item]) for col, f in figures.items()}
            rows.append({"code": None, "name": THREE_PUBLIC_LABELS[item], "item": item, "side": None, "page": page,
                         "amounts": {k: cents_text(v) for k, v in amounts.items()}})
        return rows

    def _targets_table(self, department: Department, fiscal_year: int, page: int) -> dict[str, Any]:
        rows = []
        for p in range(2):
            code = f"{department.region_code}{fiscal_year}P{self.rng.randint(10**7, 10**8 - 1)}"
            for level1, level2, level3, target in (
                ("产出指标", "数量指标", "保障人数", f"≥{self.rng.randint(10, 500)}人"),
                ("产出指标", "时效指标", "完成时间", f"{fiscal_year}年12月31日前"),
                ("效益指标", "社会效益指标", "服务水平", "有所提升"),
                ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"),
            ):
                rows.append({"project_code": code, "project_name": f"{department.unit_name}专项{p + 1}",
                             "level1": level1, "level2": level2, "level3": level3, "target": target, "page": page})
        return {"kind": "performance_targets", "title": "项目支出绩效目标表", "unit": None, "pages": [page],
                "columns": [], "rows": rows, "note": None}


def _sha256(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def generate_documents(
    n_documents: int, seed: int = 0, years: tuple[int, ...] = YEARS
) -> Iterator[ScaleDocument]:
    """n documents: every department publishes a budget and a final account per year
    (``years``: a later year's documents are a night's new ones for a lake of earlier years).

    Every 50th document is posted twice, every 40th is republished later with
    new figures (the republication counts toward n), every 100th failed to parse.
    """
    generator = DocumentGenerator(seed)
    counties = unambiguous_counties()
    random.Random(seed).shuffle(counties)
    per_department = len(years) * len(DOC_TYPES)
    produced = 0
    department_index = 0
    while produced < n_documents:
        code, county = counties[(department_index // len(DEPARTMENTS)) % len(counties)]
        department = Department(code, county + DEPARTMENTS[department_index % len(DEPARTMENTS)], f"portal-{code}")
        department_index += 1
        for k in range(per_department):
            if produced >= n_documents:
                break
            year, doc_type = years[k // len(DOC_TYPES)], DOC_TYPES[k % len(DOC_TYPES)]
            published = date(year, 2, 1) if doc_type == "budget" else date(year + 1, 8, 15)
            sha = _sha256("scale", seed, department.unit_name, year, doc_type, 1)
            source = f"scale/{sha[:12]}.pdf"
            produced += 1
            if produced % 100 == 0:
                doc = failed_document({"file": source, "format": "pdf", "unit_name": department.unit_name,
                                       "fiscal_year": year, "doc_type": doc_type}, "PDFSyntaxError: truncated file")
                yield ScaleDocument(doc, sha, department, published, 1)
                continue
            doc = generator.document(department, year, doc_type, source)
            yield ScaleDocument(doc, sha, department, published, 2 if produced % 50 == 0 else 1)
            if produced % 40 == 0 and produced < n_documents:
                produced += 1
                new_sha = _sha256("scale", seed, department.unit_name, year, doc_type, 2)
                new_doc = generator.document(department, year, doc_type, f"scale/{new_sha[:12]}.pdf")
                yield ScaleDocument(new_doc, new_sha, department, published + timedelta(days=20), 1, supersedes=sha)


def manifest_rows(item: ScaleDocument, run_id: str, fetched_at: datetime) -> list[dict[str, Any]]:
    rows = []
    for n in range(item.n_postings):
        portal = item.department.portal_id if n == 0 else f"{item.department.portal_id}-mirror"
        rows.append({
            "run_id": run_id, "attempt_id": f"{run_id}-{item.sha256[:16]}-{n}", "portal_id": portal,
            "url": f"http://127.0.0.1:8765/{portal}/files/{item.sha256[:16]}.pdf",
            "detail_url": f"http://127.0.0.1:8765/{portal}/info/{item.sha256[:16]}.html",
            "title": f"{item.doc['unit_name']}{item.doc['fiscal_year']}年部门{'预算' if item.doc['doc_type'] == 'budget' else '决算'}公开",
            "publish_date": item.publish_date + timedelta(days=n), "fiscal_year": item.doc["fiscal_year"],
            "doc_type": item.doc["doc_type"], "unit_name": item.doc["unit_name"], "fetched_at": fetched_at,
            "http_status": 200, "outcome": "new" if n == 0 else "duplicate", "error": None, "etag": None,
            "last_modified": None, "size_bytes": 100_000, "detected_type": "pdf", "sha256": item.sha256,
            "landing_path": str(paths.landing_file(item.sha256, "pdf")),
        })
    return rows


def _write_share(n_documents: int, seed: int, years: tuple[int, ...], share: int, shares: int, run_id: str,
                 fetched_at: datetime, keep_written: bool) -> tuple[dict[str, int], list[dict], int]:
    """Write every ``shares``-th document from the ``share``-th on (all of them: generating is
    cheap next to writing, and the sequence must be walked whole to stay the same); their
    manifest rows. ``keep_written``: a document whose commit marker is already there (an
    interrupted write: the marker is written last) is counted, not written again."""
    import pyarrow.parquet as pq

    counts: dict[str, int] = {}
    manifest: list[dict] = []
    n_docs = 0
    for index, item in enumerate(generate_documents(n_documents, seed, years)):
        if index % shares != share:
            continue
        marker = paths.raw_table_file("documents", item.sha256)
        if keep_written and marker.exists():
            written = {table: pq.ParquetFile(paths.raw_table_file(table, item.sha256)).metadata.num_rows
                       for table in paths.RAW_TABLES if paths.raw_table_file(table, item.sha256).exists()}
        else:
            written = write_raw_document(item.doc, item.sha256, PARSER_VERSION, fetched_at)
        for table, n in written.items():
            counts[table] = counts.get(table, 0) + n
        manifest.extend(manifest_rows(item, run_id, fetched_at))
        n_docs += 1
    return counts, manifest, n_docs


def write_scale_corpus(n_documents: int, seed: int = 0, years: tuple[int, ...] = YEARS, jobs: int = 1,
                       keep_written: bool = False) -> dict[str, Any]:
    """Write n generated documents into the lake's raw layer and manifest (``jobs`` processes
    writing every jobs-th document each: the same files as one; ``keep_written``: resume an
    interrupted write of the same corpus)."""
    fetched_at = datetime.now(timezone.utc)
    run_id = f"scale-{seed}-{fetched_at:%Y%m%dT%H%M%S}"
    args = (n_documents, seed, years)
    if jobs <= 1:
        shares = [_write_share(*args, 0, 1, run_id, fetched_at, keep_written)]
    else:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(jobs) as pool:
            shares = list(pool.map(_write_share, *zip(*[(*args, k, jobs, run_id, fetched_at, keep_written)
                                                        for k in range(jobs)])))
    counts: dict[str, int] = {}
    manifest: list[dict] = []
    for share_counts, share_manifest, _ in shares:
        for table, n in share_counts.items():
            counts[table] = counts.get(table, 0) + n
        manifest.extend(share_manifest)
    write_manifest(manifest, run_id)
    return {"documents": sum(n for _, _, n in shares), "rows": counts, "postings": len(manifest),
            "lake": str(paths.data_dir())}


if __name__ == "__main__":
    print(write_scale_corpus(int(sys.argv[1]) if len(sys.argv) > 1 else 100))
