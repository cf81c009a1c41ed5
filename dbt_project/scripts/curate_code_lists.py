"""Curate the classification code lists from what real disclosures print.

No machine-readable edition of the Ministry of Finance's 政府收支分类科目 is
available offline, so the lists hold what can be verified: a code is listed
when documents print it beside its name. Sources (every one is re-read on
each run, so the committed CSVs are exactly this script's output):

- the text layer (``pdftotext -layout``) of every PDF in ``<shared>/real``,
  with the page each line is on;
- the plain-text seeds ``<shared>/seeds/*.txt`` (with the line number);
- the synthetic corpus' ground truth ``corpus/ground_truth/*.json`` (rows with
  code and name, and their page);
- optionally the parser's own reading of the real PDFs (``--parsed``: the JSON
  Lines of ``countybudget parse --json``), which joins names wrapped over two
  lines of a cell that the text layer splits; only codes the parser read as
  printed count (``code_source`` not ``inferred``: an inferred code is the
  list's own output, not evidence).

A candidate is a code followed by its Chinese name on one line, printed as
``2010301 行政运行``, ``[30101]基本工资``, ``2040201-行政运行`` or in
``类 | 款 | 项`` columns (``205   03   02   中等职业教育``). It is kept when:

1. its family and length are those of a classification: 支出功能分类
   ``2xx`` / ``2xxxx`` / ``2xxxxxx`` (类 / 款 / 项), 部门预算支出经济分类
   ``30x``/``31x``/``399`` and their 款 (5 digits), 政府预算支出经济分类
   ``50x``/``51x``/``599`` and their 款;
2. the hierarchy holds among the candidates: a 款 / 项 needs its parent
   printed (in some document), and a 类 needs a printed child (a 3-digit
   unit code such as ``305 无锡市教育局`` has 6-digit children, never a 款);
3. it is not rejected in ``code_list_review.csv`` (hand decisions with their
   reason, applied on every run, so a review is never lost on re-running).

The name is the spelling printed in most documents (spaces removed, ``()``
written ``（）``, as the quality checks compare them). Other spellings are
*aliases* when the evidence supports them: printed in at least two documents,
or the same name in another script (NFKC: full-width / half-width), and not
a truncation of the name (a name wrapped onto the next line is cut, not a
variant). Everything else is listed as a rejected spelling for review.

Outputs (``--write``; without it a summary is printed):

- ``dbt_project/seeds/function_classes_curated.csv`` and
  ``economic_classes_curated.csv``: code, level, parent, name, aliases,
  number of documents, first place seen (document and page);
- ``dbt_project/scripts/code_list_evidence.csv``: every (code, printed name,
  document, pages) seen, kept or not, with the decision;

    .venv/bin/countybudget parse --json ../shared/real/*.pdf > /tmp/parsed.jsonl
    .venv/bin/python dbt_project/scripts/curate_code_lists.py --shared ../shared \
        --parsed /tmp/parsed.jsonl --write
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from countybudget.code_lists import canonical_name, family_of_code  # noqa: E402
SEEDS = REPO / "dbt_project" / "seeds"
SCRIPTS = REPO / "dbt_project" / "scripts"
REVIEW_FILE = SCRIPTS / "code_list_review.csv"
EVIDENCE_FILE = SCRIPTS / "code_list_evidence.csv"

# documents in ../shared/real that are not budget disclosures (a price list, a report)
NOT_BUDGETS = ("饮片目录", "运行情况报告")

CJK = "\u4e00-\u9fff"
NAME = rf"[{CJK}][{CJK}（）()、“”\"《》〈〉·]*"
# a code not glued to other digits, decimals, letters or a percent sign
BARE = rf"(?<![\d.,%A-Za-z\-])(\d{{3}}|\d{{5}}|\d{{7}})(?![\d.,%])\s*[-—_－:：]?\s*({NAME})"
BRACKETED = rf"[\[【]\s*(\d{{3}}|\d{{5}}|\d{{7}})\s*[\]】]\s*[-—_－:：]?\s*({NAME})"
SPLIT = rf"^\s*(\d{{3}})\s+(\d{{2}})(?:\s+(\d{{2}}))?\s+({NAME})"
PATTERNS = (re.compile(BRACKETED), re.compile(BARE))
SPLIT_RE = re.compile(SPLIT)

# what follows an amount, never a classification name (the words of counts, 200 场次,
# 50000 人, are left to the hierarchy rule: such a code has no printed parent or child)
MEASURE_RE = re.compile(r"^(万元|亿元|千元|元|人次|余|多)")  # the rest of the noise fails the hierarchy


def family_of(code: str) -> str | None:
    """``function`` / ``economic_department`` / ``economic_government``, or None."""
    return family_of_code(code)


def well_formed(code: str) -> bool:
    """A code of a family, with 款 / 项 parts 01-99 (``22000`` is no code)."""
    family = family_of(code)
    return family is not None and all(code[i : i + 2] != "00" for i in range(3, len(code), 2))


LEVELS = {3: "类", 5: "款", 7: "项"}


def canonical(name: str) -> str:
    """A name as the checks compare it (countybudget.code_lists.canonical_name)."""
    return canonical_name(name)


def parent_of(code: str) -> str | None:
    return code[:-2] if len(code) > 3 else None


# ---------------------------------------------------------------- sources


@dataclass
class Sighting:
    code: str
    name: str  # canonical
    document: str
    where: str  # "p.5" or "l.1132"


def pdf_pages(pdf: Path) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.txt"
        done = subprocess.run(["pdftotext", "-layout", str(pdf), str(out)], capture_output=True)
        if done.returncode != 0 or not out.exists():
            return []
        return out.read_text(encoding="utf-8", errors="replace").split("\f")


def line_pairs(line: str) -> list[tuple[str, str]]:
    """(code, name) pairs printed on one line of text."""
    pairs: list[tuple[str, str]] = []
    m = SPLIT_RE.match(line)
    if m and family_of(m.group(1)):
        code = m.group(1) + m.group(2) + (m.group(3) or "")
        pairs.append((code, m.group(4)))
    for pattern in PATTERNS:
        for m in pattern.finditer(line):
            pairs.append((m.group(1), m.group(2)))
    out = []
    for code, name in pairs:
        name = canonical(name)
        if well_formed(code) and len(name) >= 2 and not MEASURE_RE.match(name):
            out.append((code, name))
    return out


def text_sightings(document: str, pages: list[str], by_line: bool = False) -> list[Sighting]:
    seen: list[Sighting] = []
    for p, text in enumerate(pages, start=1):
        for n, line in enumerate(text.splitlines(), start=1):
            for code, name in line_pairs(line):
                seen.append(Sighting(code, name, document, f"l.{n}" if by_line else f"p.{p}"))
    return seen


def corpus_sightings(corpus: Path) -> list[Sighting]:
    seen: list[Sighting] = []
    for path in sorted((corpus / "ground_truth").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        for table in record.get("tables") or []:
            for row in table.get("rows") or []:
                code, name = row.get("code"), row.get("name")
                if code and name and re.fullmatch(r"\d+", code) and well_formed(code):
                    seen.append(Sighting(code, canonical(name), f"corpus/{path.name}", f"p.{row.get('page')}"))
    return seen


def parsed_sightings(jsonl: Path, shared: Path) -> list[Sighting]:
    """Rows with a printed code in the parser's output (one JSON record per line)."""
    seen: list[Sighting] = []
    real = {p.name for p in (shared / "real").glob("*.pdf")}
    for line in jsonl.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        name = Path(record.get("source") or "").name
        document = f"real/{name}" if name in real else f"parsed/{name}"
        if any(word in name for word in NOT_BUDGETS):
            continue
        for table in record.get("tables") or []:
            for row in table.get("rows") or []:
                code, label = row.get("code"), row.get("name")
                if row.get("code_source") == "inferred" or not code or not label or not well_formed(code):
                    continue
                label = canonical(label)
                if re.match(NAME + "$", label) and not MEASURE_RE.match(label):
                    seen.append(Sighting(code, label, document, f"p.{row.get('page')}"))
    return seen


def all_sightings(shared: Path, corpus: Path) -> list[Sighting]:
    seen: list[Sighting] = []
    for path in sorted((shared / "seeds").glob("*.txt")):
        seen += text_sightings(f"seeds/{path.name}", [path.read_text(encoding="utf-8")], by_line=True)
    for pdf in sorted((shared / "real").glob("*.pdf")):
        if any(word in pdf.name for word in NOT_BUDGETS):
            continue
        seen += text_sightings(f"real/{pdf.name}", pdf_pages(pdf))
    seen += corpus_sightings(corpus)
    return seen


SOURCE_ORDER = ("real", "seeds", "corpus", "parsed")  # where a code is shown as first seen, best first


# ---------------------------------------------------------------- review


def read_review() -> dict[tuple[str, str], dict[str, str]]:
    """Hand decisions: (code, name or '*') -> {decision, reason}. Decisions:
    ``reject`` (the pair, or every pair of the code with name '*', is not a
    classification code: a unit code, project text), ``alias`` (accept this
    spelling as an alias), ``name`` (this spelling is the official name)."""
    if not REVIEW_FILE.exists():
        return {}
    with REVIEW_FILE.open(encoding="utf-8", newline="") as handle:
        return {(r["code"], canonical(r["name"]) if r["name"] != "*" else "*"): r for r in csv.DictReader(handle)}


# ---------------------------------------------------------------- curation


@dataclass
class Entry:
    code: str
    family: str
    name: str
    aliases: list[str]
    n_documents: int
    first_seen: str
    spellings: dict[str, set[str]] = field(default_factory=dict)  # name -> documents


def is_truncation(variant: str, name: str) -> bool:
    """A name cut where it wrapped onto the next line (or its start lost)."""
    return variant != name and (name.startswith(variant) or name.endswith(variant))


def curate(sightings: list[Sighting], review: dict) -> tuple[dict[str, Entry], list[dict]]:
    by_code: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    places: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for s in sightings:
        decision = review.get((s.code, "*")) or review.get((s.code, s.name))
        if decision and decision["decision"] == "reject":
            continue
        by_code[s.code][s.name].add(s.document)
        places[(s.code, s.name, s.document)].add(s.where)

    # the hierarchy among candidates: iterate, a 类 needs a child, the rest a parent
    codes = set(by_code)
    while True:
        keep = set()
        for code in codes:
            parent = parent_of(code)
            if parent is None:
                if any(c != code and c.startswith(code) and len(c) == 5 for c in codes):
                    keep.add(code)
            elif parent in codes:
                keep.add(code)
        if keep == codes:
            break
        codes = keep

    entries: dict[str, Entry] = {}
    for code in sorted(codes):
        spellings = by_code[code]
        forced = [n for n in spellings if (review.get((code, n)) or {}).get("decision") == "name"]
        name = forced[0] if forced else max(spellings, key=lambda n: (len(spellings[n]), len(n), n))
        aliases = []
        for variant, docs in sorted(spellings.items()):
            if variant == name:
                continue
            decided = (review.get((code, variant)) or {}).get("decision")
            same_text = unicodedata.normalize("NFKC", variant) == unicodedata.normalize("NFKC", name)
            if decided == "alias" or (not is_truncation(variant, name) and (len(docs) >= 2 or same_text)):
                aliases.append(variant)
        docs = set().union(*spellings.values())
        first_doc = min(docs, key=lambda d: (SOURCE_ORDER.index(d.split("/")[0]) if d.split("/")[0] in SOURCE_ORDER else 9, d))
        first_name = next(n for n in spellings if first_doc in spellings[n])
        where = sorted(places[(code, first_name, first_doc)], key=lambda w: int(re.sub(r"\D", "", w) or 0))[0]
        entries[code] = Entry(code, family_of(code), name, aliases, len(docs), f"{first_doc} {where}", spellings)

    evidence = []
    for (code, name, document), where in sorted(places.items()):
        entry = entries.get(code)
        if entry is None:
            decision = "rejected: no printed parent/child"
        elif name == entry.name:
            decision = "name"
        elif name in entry.aliases:
            decision = "alias"
        else:
            decision = "spelling not kept (truncated or seen once)"
        evidence.append({
            "family": family_of(code), "code": code, "name_as_printed": name, "document": document,
            "where": " ".join(sorted(where, key=lambda w: int(re.sub(r"\D", "", w) or 0))), "decision": decision,
        })
    return entries, evidence


def write_outputs(entries: dict[str, Entry], evidence: list[dict]) -> None:
    function = [e for e in entries.values() if e.family == "function"]
    economic = [e for e in entries.values() if e.family != "function"]
    columns = ["code", "level", "parent_code", "name", "aliases", "n_documents_seen", "first_seen"]
    with (SEEDS / "function_classes_curated.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for e in function:
            writer.writerow([e.code, LEVELS[len(e.code)], parent_of(e.code) or "", e.name, "|".join(e.aliases),
                             e.n_documents, e.first_seen])
    with (SEEDS / "economic_classes_curated.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([*columns, "family"])
        for e in economic:
            writer.writerow([e.code, LEVELS[len(e.code)], parent_of(e.code) or "", e.name, "|".join(e.aliases),
                             e.n_documents, e.first_seen, e.family.removeprefix("economic_")])
    with EVIDENCE_FILE.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(evidence[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(evidence)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the shared folder (real/, seeds/)")
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus")
    parser.add_argument("--parsed", type=Path, action="append", default=[],
                        help="JSON Lines of `countybudget parse --json` over the real PDFs (repeatable)")
    parser.add_argument("--write", action="store_true", help="write the seeds and the evidence file")
    args = parser.parse_args(argv)
    sightings = all_sightings(args.shared, args.corpus)
    for jsonl in args.parsed:
        sightings += parsed_sightings(jsonl, args.shared)
    entries, evidence = curate(sightings, read_review())
    counts = Counter((e.family, LEVELS[len(e.code)]) for e in entries.values())
    for (family, level), n in sorted(counts.items()):
        print(f"{family:22s} {level} {n}", file=sys.stderr)
    if args.write:
        write_outputs(entries, evidence)
    return 0


if __name__ == "__main__":
    sys.exit(main())
