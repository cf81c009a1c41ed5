"""The scale benchmark of issue 15: what one night costs on a big warehouse.

For each size (5,000 and 50,000 documents of the scale corpus, ``testkit.scale_corpus``):

1. a **base** lake: the documents written, then one full night (plan, dbt, GX, marts,
   publish). Built once and cached under ``data/bench/scale/base-<n>-<code>/`` (``<code>``:
   the digest of the models and checks, so a change of them builds it anew);
2. a **night** on a copy of it (raw and landing files hard-linked: writers replace a
   document's files whole, so the base is never written through a link; the warehouse,
   its stamp and the serving copy copied): 1,000 new documents (the next fiscal year's)
   and 100 re-parsed ones (their raw files written again, as a re-parse that reads the
   same rows leaves them), then the nightly steps.

Each step runs in its own process, like the DAG's tasks; its wall time and peak RSS (of
the process and everything it started, dbt included: ``os.wait4``) are reported. Linear
extrapolation to 5 M documents from the two sizes: docs/operations.md.

    python -m benchmarks.scale_bench                 # 5,000 and 50,000
    COUNTYBUDGET_BENCH_SCALE_SIZES=5000 python -m benchmarks.scale_bench
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from countybudget import paths

SIZES = tuple(int(n) for n in os.environ.get("COUNTYBUDGET_BENCH_SCALE_SIZES", "5000,50000").split(","))
NEW_DOCUMENTS = 1_000
REPARSED_DOCUMENTS = 100
NIGHT_YEAR = 2026  # the scale corpus covers 2023-2025: a night's new documents are the next year's
STEPS = ("plan", "dbt", "quality", "marts", "publish")
TARGET_NIGHT_SECONDS = 120  # dbt + GX + marts + publish, issue 15
EXTRAPOLATE_TO = 5_000_000


def bench_root() -> Path:
    return paths.data_dir() / "bench" / "scale"


# ---------------------------------------------------------------- one step, in its own process


def run_step(step: str, run_id: str) -> dict[str, Any]:
    """One nightly step in this process (the child side of ``timed_step``)."""
    from orchestration import pipeline

    if step == "plan":
        return {"rebuild": pipeline.plan_warehouse(run_id)}
    if step == "quality-last-batch":  # the base's check: its last batch, after the shards (sharded_quality)
        from expectations.checkpoint import run_quality

        last = (paths.reports_dir() / "last-batch.txt").read_text(encoding="utf-8").split()
        result = run_quality(only=last, others_keep_verdicts=True)
        return {"error": result.error, "documents_checked": result.documents_checked}
    call = {"dbt": pipeline.build_models, "quality": pipeline.check_quality, "marts": pipeline.build_marts,
            "publish": pipeline.publish_serving}[step]
    result = call(run_id)
    figures = {k: result[k] for k in ("error", "documents_checked", "counts", "execution_seconds") if k in result}
    if step in ("dbt", "marts"):
        figures["slowest_nodes"] = slowest_dbt_nodes()
    return figures


SLOWEST_NODES = 8


def slowest_dbt_nodes() -> list[list[Any]]:
    """The dbt step's slowest nodes, [name, seconds]: which models and tests grow with the warehouse."""
    from orchestration.warehouse import dbt_state_dir

    run_results = dbt_state_dir() / "target" / "run_results.json"
    if not run_results.exists():
        return []
    nodes = json.loads(run_results.read_text(encoding="utf-8")).get("results") or []
    timed = sorted(((n["unique_id"].split(".", 2)[-1], round(n.get("execution_time") or 0, 2)) for n in nodes),
                   key=lambda pair: -pair[1])
    return [list(pair) for pair in timed[:SLOWEST_NODES]]


def own_peak_mib() -> dict[str, float]:
    """This process's peak RSS since its exec (VmHWM) and the largest of its waited-for children's (dbt).

    Not ``ru_maxrss`` as the parent sees it: Linux carries a forked child's pre-exec peak (the
    bench's own, which grows to gigabytes with the corpus it writes) into its ``ru_maxrss``, so a
    step measured that way was never smaller than the bench. ``VmHWM`` is reset by exec; a child's
    ``ru_maxrss`` can hold at most this process's size at the fork, which its VmHWM already covers.
    """
    import resource

    status = Path("/proc/self/status").read_text(encoding="utf-8")
    hwm_kib = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
    children_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"process": round(hwm_kib / 1024, 1), "children": round(children_kib / 1024, 1)}


def step_peak_mib(result: dict[str, Any] | None, usage: Any) -> float:
    """A step's peak RSS: the largest process of its tree, as the step measured it (``own_peak_mib``);
    the parent's view (``ru_maxrss``, an overestimate, see there) only when the step died."""
    peaks = (result or {}).pop("peak_mib", None)
    return max(peaks.values()) if peaks else round(usage.ru_maxrss / 1024, 1)


def timed_step(lake: Path, step: str, run_id: str) -> dict[str, Any]:
    """Run ``step`` in a child process on ``lake``: wall seconds, peak RSS (MiB) of its process tree, its result."""
    env = {**os.environ, "COUNTYBUDGET_DATA": str(lake)}
    env.pop("COUNTYBUDGET_WAREHOUSE", None)
    env.pop("COUNTYBUDGET_SERVING", None)
    log = lake / "reports" / f"step-{run_id}-{step}"
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with open(f"{log}.out", "w") as out, open(f"{log}.err", "w") as err:
        child = subprocess.Popen([sys.executable, "-m", "benchmarks.scale_bench", "step", step, run_id], env=env,
                                 stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)  # not child.wait(): the rusage is wanted
    child.returncode = code = os.waitstatus_to_exitcode(status)
    seconds = round(time.perf_counter() - started, 2)
    lines = Path(f"{log}.out").read_text(encoding="utf-8").strip().splitlines()
    result = json.loads(lines[-1]) if code == 0 and lines else None
    return {
        "seconds": seconds,
        "peak_rss_mib": step_peak_mib(result, usage),
        "ok": code == 0,
        "result": result,
        "error_tail": None if code == 0 else Path(f"{log}.err").read_text(encoding="utf-8")[-1500:],
    }


def run_night(lake: Path, run_id: str) -> dict[str, Any]:
    steps: dict[str, Any] = {}
    for step in STEPS:
        steps[step] = timed_step(lake, step, run_id)
        if not steps[step]["ok"] or (step == "plan" and not (steps[step]["result"] or {}).get("rebuild")):
            break
    warehouse_steps = [s for s in ("dbt", "quality", "marts", "publish") if s in steps]
    return {
        "steps": steps,
        "ok": all(s["ok"] for s in steps.values()),
        "warehouse_seconds": round(sum(steps[s]["seconds"] for s in warehouse_steps), 2),
        "peak_rss_mib": max((s["peak_rss_mib"] or 0) for s in steps.values()),
    }


# ---------------------------------------------------------------- base lake, cached

# What the generated raw layer depends on: the generator, the raw writer and schemas, the seeds it draws from.
CORPUS_SOURCES = ("testkit/scale_corpus.py", "testkit/ground_truth_lake.py", "countybudget/contracts.py",
                  "countybudget/identities.py", "dbt_project/seeds/region_codes_2024.csv",
                  "dbt_project/seeds/function_classes_curated.csv", "dbt_project/seeds/economic_classes_curated.csv")


CORPUS_JOBS = int(os.environ.get("COUNTYBUDGET_BENCH_CORPUS_JOBS", str(os.cpu_count() or 1)))


def corpus_digest() -> str:
    digest = hashlib.sha256()
    for name in CORPUS_SOURCES:
        digest.update(name.encode() + b"\0" + (paths.REPO_ROOT / name).read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def cached_corpus(n_documents: int) -> tuple[Path, dict[str, Any]]:
    """The generated raw layer and manifest of ``n_documents``, written once and kept under
    ``data/bench/scale/corpus-<n>-<generator digest>/``: writing 50,000 documents (300,000
    Parquet files) takes most of half an hour here, and it does not depend on the models or
    checks, so a change of those re-runs the base night without writing the corpus again."""
    from testkit.scale_corpus import write_scale_corpus

    corpus = bench_root() / f"corpus-{n_documents}-{corpus_digest()}"
    ready = corpus / "corpus.json"
    if ready.exists():
        return corpus, {**json.loads(ready.read_text(encoding="utf-8")), "cached": True}
    for stale in bench_root().glob(f"corpus-{n_documents}-*"):
        if stale != corpus:
            shutil.rmtree(stale, ignore_errors=True)
    corpus.mkdir(parents=True, exist_ok=True)
    # an interrupted write of this corpus is resumed; its manifest is written again whole
    shutil.rmtree(corpus / "landing", ignore_errors=True)
    started = time.perf_counter()
    with paths.environment(COUNTYBUDGET_DATA=str(corpus), COUNTYBUDGET_WAREHOUSE=None, COUNTYBUDGET_SERVING=None):
        written = write_scale_corpus(n_documents, jobs=CORPUS_JOBS, keep_written=True)
    figures = {"documents": written["documents"], "rows": written["rows"],
               "write_seconds": round(time.perf_counter() - started, 2)}
    ready.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return corpus, {**figures, "cached": False}


# The base's full check runs its batches in this many processes at once, each on its own copy of
# the build (DuckDB has one writer per file), and their verdicts are merged into the build:
# the pipeline checks a big raw layer in batches one after another (pipeline.check_quality),
# which on 50,000 documents takes hours here. The night is checked as the pipeline checks it.
BASE_QUALITY_SHARDS = int(os.environ.get("COUNTYBUDGET_BENCH_QUALITY_SHARDS", "3"))
QUALITY_TABLES = ("expectation_results", "quarantined_documents", "quarantined_tables")


def check_shard(documents_file: str) -> dict[str, Any]:
    """The child side of a shard of the base's check: run_quality over its documents, batch by batch."""
    from expectations.checkpoint import run_quality
    from orchestration.pipeline import QUALITY_BATCH_DOCUMENTS

    documents = Path(documents_file).read_text(encoding="utf-8").split()
    totals = {"documents_checked": 0, "documents_quarantined": 0, "batches": 0}
    for start in range(0, len(documents), QUALITY_BATCH_DOCUMENTS):
        result = run_quality(only=documents[start:start + QUALITY_BATCH_DOCUMENTS], others_keep_verdicts=True,
                             build_docs=False)
        if not result.ok:
            raise RuntimeError(f"quality shard failed: {result.error}")
        totals["documents_checked"] += result.documents_checked
        totals["documents_quarantined"] += result.documents_quarantined
        totals["batches"] += 1
    return totals


def shard_lake(lake: Path, shard: int) -> Path:
    """A lake that shares the base's raw layer and manifest, with its own copy of the build and quality dir."""
    root = lake / "shards" / f"shard-{shard}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for folder in ("raw", "landing"):
        (root / folder).symlink_to(lake / folder)
    shutil.copy2(lake / "warehouse.duckdb", root / "warehouse.duckdb")
    return root


def merge_verdicts(lake: Path, shards: list[Path]) -> None:
    """The shards' verdicts into the base's build (each shard checked its own documents only)."""
    import duckdb

    from countybudget import build_stamp

    build = lake / "warehouse.duckdb"
    stamp = build_stamp.read(build)
    with duckdb.connect(str(build)) as con:
        for n, shard in enumerate(shards):
            con.execute(f"attach '{shard / 'warehouse.duckdb'}' as shard{n} (read_only)")
            for table in QUALITY_TABLES:
                checked = f"(select distinct sha256 from shard{n}.quality.expectation_results)"
                con.execute(f"delete from quality.{table} where sha256 in {checked}")
                con.execute(f"insert into quality.{table} by name select * from shard{n}.quality.{table} "
                            f"where sha256 in {checked}")
            con.execute(f"detach shard{n}")
    # the dbt step's record follows the file: the bench wrote only the checks' own verdicts into it
    build_stamp.rebase(build, stamp)


def sharded_quality(lake: Path, run_id: str) -> dict[str, Any]:
    """The base's full check: all documents but the last batch in shards at once, then the last batch
    as the nightly step checks a delta (run_quality on the build itself, stamped as the build's check)."""
    from orchestration.pipeline import QUALITY_BATCH_DOCUMENTS

    with paths.environment(COUNTYBUDGET_DATA=str(lake), COUNTYBUDGET_WAREHOUSE=None, COUNTYBUDGET_SERVING=None):
        from orchestration.delta import document_digests

        documents = sorted(document_digests())
    last, rest = documents[-QUALITY_BATCH_DOCUMENTS:], documents[:-QUALITY_BATCH_DOCUMENTS]
    started = time.perf_counter()
    shards = [shard_lake(lake, k) for k in range(BASE_QUALITY_SHARDS)]
    children = []
    for k, shard in enumerate(shards):
        listed = shard / "documents.txt"
        listed.write_text("\n".join(rest[k::BASE_QUALITY_SHARDS]), encoding="utf-8")
        env = {**os.environ, "COUNTYBUDGET_DATA": str(shard)}
        env.pop("COUNTYBUDGET_WAREHOUSE", None)
        env.pop("COUNTYBUDGET_SERVING", None)
        out = open(shard / "check.out", "w")
        err = open(shard / "check.err", "w")
        children.append((subprocess.Popen([sys.executable, "-m", "benchmarks.scale_bench", "shard", str(listed)],
                                          env=env, stdout=out, stderr=err), out, err, shard))
    peaks, failed = [], []
    for child, out, err, shard in children:
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.close()
        err.close()
        lines = (shard / "check.out").read_text(encoding="utf-8").strip().splitlines()
        peaks.append(step_peak_mib(json.loads(lines[-1]) if child.returncode == 0 and lines else None, usage))
        if child.returncode != 0:
            failed.append((shard / "check.err").read_text(encoding="utf-8")[-1500:])
    if failed:
        return {"seconds": round(time.perf_counter() - started, 2), "ok": False, "error_tail": failed[0],
                "peak_rss_mib": sum(peaks), "result": None}
    merge_verdicts(lake, shards)
    shards_seconds = round(time.perf_counter() - started, 2)
    (lake / "reports").mkdir(parents=True, exist_ok=True)
    (lake / "reports" / "last-batch.txt").write_text("\n".join(last), encoding="utf-8")
    final = timed_step(lake, "quality-last-batch", run_id)
    shutil.rmtree(lake / "shards", ignore_errors=True)
    return {**final, "seconds": round(time.perf_counter() - started, 2), "shards_seconds": shards_seconds,
            "shards": BASE_QUALITY_SHARDS, "peak_rss_mib": max(sum(peaks), final["peak_rss_mib"] or 0)}


def run_base_night(lake: Path, run_id: str) -> dict[str, Any]:
    """The base's first night: as ``run_night``, with the full check in shards (``sharded_quality``)."""
    steps: dict[str, Any] = {}
    for step in STEPS:
        steps[step] = sharded_quality(lake, run_id) if step == "quality" else timed_step(lake, step, run_id)
        if not steps[step]["ok"]:
            break
    warehouse_steps = [s for s in ("dbt", "quality", "marts", "publish") if s in steps]
    return {"steps": steps, "ok": all(s["ok"] for s in steps.values()),
            "warehouse_seconds": round(sum(steps[s]["seconds"] for s in warehouse_steps), 2),
            "peak_rss_mib": max((s["peak_rss_mib"] or 0) for s in steps.values())}


def base_lake(n_documents: int) -> tuple[Path, dict[str, Any]]:
    """The cached base of ``n_documents`` (its corpus cached apart, ``cached_corpus``; built,
    checked and published once); its build figures."""
    from orchestration.delta import code_digest

    corpus, written = cached_corpus(n_documents)
    lake = bench_root() / f"base-{n_documents}-{code_digest()[:12]}"
    ready = lake / "base.json"
    if ready.exists():
        return lake, {**json.loads(ready.read_text(encoding="utf-8")), "cached": True}
    for stale in bench_root().glob(f"base-{n_documents}-*"):
        shutil.rmtree(stale, ignore_errors=True)
    lake.mkdir(parents=True)
    for folder in ("raw", "landing"):  # hard links: nothing writes a base's files in place
        subprocess.run(["cp", "-al", str(corpus / folder), str(lake / folder)], check=True)
    night = run_base_night(lake, "scale-base")
    figures = {"documents": written["documents"], "rows": written["rows"], "write_seconds": written["write_seconds"],
               "corpus_cached": written["cached"], "full_night": night}
    if night["ok"]:
        ready.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return lake, {**figures, "cached": False}


def copy_for_a_night(base: Path, night: Path) -> None:
    shutil.rmtree(night, ignore_errors=True)
    night.mkdir(parents=True)
    for folder in ("raw", "landing"):
        subprocess.run(["cp", "-al", str(base / folder), str(night / folder)], check=True)
    for built in base.glob("warehouse.duckdb*"):
        shutil.copy2(built, night / built.name)
    shutil.copytree(base / "serving", night / "serving")


def reparse_in_place(sha256s: list[str]) -> None:
    """Write these documents' raw files again (a new file each: never through the base's hard link)."""
    for sha in sha256s:
        for table in sorted(paths.RAW_TABLES, key=lambda t: t == "documents"):  # the commit marker last
            target = paths.raw_table_file(table, sha)
            body = target.read_bytes()
            target.unlink()
            target.write_bytes(body)


def add_the_night(night: Path) -> dict[str, Any]:
    from testkit.scale_corpus import write_scale_corpus

    with paths.environment(COUNTYBUDGET_DATA=str(night), COUNTYBUDGET_WAREHOUSE=None, COUNTYBUDGET_SERVING=None):
        existing = sorted(p.name[: -len(".parquet")] for p in paths.raw_table_dir("documents").glob("*.parquet"))
        step = max(1, len(existing) // REPARSED_DOCUMENTS)
        reparsed = existing[::step][:REPARSED_DOCUMENTS]
        reparse_in_place(reparsed)
        written = write_scale_corpus(NEW_DOCUMENTS, seed=0, years=(NIGHT_YEAR,))
    return {"new": written["documents"], "reparsed": len(reparsed)}


def bench_size(n_documents: int) -> dict[str, Any]:
    base, built = base_lake(n_documents)
    if not built["full_night"]["ok"]:
        return {"documents": n_documents, "base": built, "error": "the base night failed"}
    night_lake = bench_root() / f"night-{n_documents}"
    copy_for_a_night(base, night_lake)
    delta = add_the_night(night_lake)
    night = run_night(night_lake, "scale-night")
    no_op = run_night(night_lake, "scale-no-op")  # the night after: nothing new
    shutil.rmtree(night_lake, ignore_errors=True)
    measured = {"documents": n_documents, "base": built, "delta": delta, "night": night, "no_op_night": no_op,
                "within_target": bool(night["ok"] and night["warehouse_seconds"] < TARGET_NIGHT_SECONDS)}
    # each size as soon as it is measured: the big one takes long on a shared machine
    (bench_root() / f"result-{n_documents}.json").write_text(json.dumps(measured, indent=1, default=str), "utf-8")
    return measured


def extrapolate(by_size: dict[int, dict[str, Any]]) -> dict[str, Any] | None:
    """Night and full-build seconds at ``EXTRAPOLATE_TO`` documents, on the line through the two sizes."""
    sizes = sorted(n for n, r in by_size.items() if r.get("night", {}).get("ok"))
    if len(sizes) < 2:
        return None
    small, big = sizes[0], sizes[-1]

    def line(value) -> dict[str, Any]:
        y0, y1 = value(by_size[small]), value(by_size[big])
        slope = (y1 - y0) / (big - small)
        if slope <= 0:  # the bigger warehouse was no slower: no growth measured, the noise of one run
            return {"per_million_documents": 0.0, "growth_measured": False,
                    f"at_{EXTRAPOLATE_TO}": round(max(y0, y1), 1)}
        return {"per_million_documents": round(slope * 1e6, 1), "growth_measured": True,
                f"at_{EXTRAPOLATE_TO}": round(y0 + slope * (EXTRAPOLATE_TO - small), 1)}

    return {
        "night_seconds": line(lambda r: r["night"]["warehouse_seconds"]),
        "full_build_seconds": line(lambda r: r["base"]["full_night"]["warehouse_seconds"]),
        "night_ratio_big_to_small": round(by_size[big]["night"]["warehouse_seconds"]
                                          / by_size[small]["night"]["warehouse_seconds"], 2),
    }


def run_scale_benchmark() -> dict[str, Any]:
    by_size = {n: bench_size(n) for n in SIZES}
    return {"sizes": by_size, "extrapolation": extrapolate(by_size), "target_night_seconds": TARGET_NIGHT_SECONDS}


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "step":
        print(json.dumps({**run_step(sys.argv[2], sys.argv[3]), "peak_mib": own_peak_mib()}, ensure_ascii=False,
                         default=str))
    elif len(sys.argv) == 3 and sys.argv[1] == "shard":
        print(json.dumps({**check_shard(sys.argv[2]), "peak_mib": own_peak_mib()}, ensure_ascii=False, default=str))
    else:
        print(json.dumps(run_scale_benchmark(), ensure_ascii=False, indent=2, default=str))
