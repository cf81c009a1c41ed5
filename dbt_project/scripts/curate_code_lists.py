"""Extract the 类 / 款 codes and names that real disclosures print, for the curated seeds.

No machine-readable edition of the Ministry of Finance's 政府收支分类科目 is
available offline, so the curated seeds hold only what can be verified: a code
is kept when it is printed beside its name in the text of real documents
(``../shared/seeds/*.txt`` and ``pdftotext -layout`` of ``../shared/real/*.pdf``),
its prefix parent is kept too (项 → 款 → 类), and the name used is the one
printed most often. The output is reviewed by hand before it replaces a seed.

    python dbt_project/scripts/curate_code_lists.py /work/shared > /tmp/codes.csv
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

# code, then its name printed right after it (Chinese text, brackets, 、 and quotes)
LINE_RE = re.compile(r"^\s*(\d{3}|\d{5})[\s\t]+([\u4e00-\u9fff（）()、“”\"]{2,40})(?=[\s\t]|$)")
FAMILIES = {"2": "function", "3": "economic_department", "5": "economic_government"}
NOT_BUDGETS = ("饮片目录", "运行情况报告")  # documents in ../shared/real that are not disclosures


def document_texts(shared: Path) -> dict[str, str]:
    texts = {f"seeds/{p.name}": p.read_text(encoding="utf-8") for p in sorted((shared / "seeds").glob("*.txt"))}
    with tempfile.TemporaryDirectory() as tmp:
        for pdf in sorted((shared / "real").glob("*.pdf")):
            if any(word in pdf.name for word in NOT_BUDGETS):
                continue
            out = Path(tmp) / "out.txt"
            done = subprocess.run(["pdftotext", "-layout", str(pdf), str(out)], capture_output=True)
            if done.returncode == 0 and out.exists():
                texts[f"real/{pdf.name}"] = out.read_text(encoding="utf-8", errors="replace")
    return texts


def code_names(texts: dict[str, str]) -> dict[str, Counter]:
    """code -> Counter of (name) over distinct documents."""
    seen: dict[str, Counter] = defaultdict(Counter)
    for text in texts.values():
        pairs = set()
        for line in text.splitlines():
            match = LINE_RE.match(line)
            if match and match.group(1)[0] in FAMILIES:
                pairs.add((match.group(1), match.group(2).replace("(", "（").replace(")", "）")))
        for code, name in pairs:
            seen[code][name] += 1
    return seen


def main(shared: Path) -> None:
    seen = code_names(document_texts(shared))
    writer = csv.writer(sys.stdout)
    writer.writerow(["code", "family", "level", "parent_code", "name", "n_documents", "name_variants"])
    for code in sorted(seen):
        parent = code[:3] if len(code) == 5 else ""
        if parent and parent not in seen:
            continue  # prefix inconsistency: a 款 whose 类 is never printed is not verified
        name, n = seen[code].most_common(1)[0]
        variants = "|".join(v for v in seen[code] if v != name)
        writer.writerow([code, FAMILIES[code[0]], "class" if len(code) == 3 else "subclass", parent, name,
                         sum(seen[code].values()), variants])


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared"))
