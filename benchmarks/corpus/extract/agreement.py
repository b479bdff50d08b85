#!/usr/bin/env python
"""Agreement between the corpus's labels and a second labeller's independent labels of some documents.

    python benchmarks/corpus/extract/agreement.py review/R.csv

Figures are paired when their spans overlap; the table gives, per document and overall, how many figures
each side found and paired, and on the pairs how often each field agrees (value and sign, unit, period,
qualifier, indicator, region, status). What the second labeller was unsure of is in its own notes.
"""
from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIELDS = ("value", "unit", "period", "qualifier", "indicator", "region", "status")


def read(path: Path) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    with open(path, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            out[r["doc_id"]].append(r)
    return out


def same(field: str, a: dict[str, str], b: dict[str, str]) -> bool:
    if field == "value":
        return (float(a["value"]), a["sign"], a["value_high"] and float(a["value_high"])) == \
            (float(b["value"]), b["sign"], b["value_high"] and float(b["value_high"]))
    return a[field] == b[field]


def main(review: str) -> int:
    first, second = read(HERE / "labels.csv"), read(HERE / review)
    totals: dict[str, int] = defaultdict(int)
    lines = ["| document | first | second | paired | " + " | ".join(FIELDS) + " |",
             "|---|---:|---:|---:|" + "---:|" * len(FIELDS)]
    for doc in sorted(second):
        a, b = first[doc], second[doc]
        pairs, used = [], set()
        for x in a:
            for j, y in enumerate(b):
                if j not in used and int(x["start"]) < int(y["end"]) and int(y["start"]) < int(x["end"]):
                    pairs.append((x, y))
                    used.add(j)
                    break
        agree = {f: sum(same(f, x, y) for x, y in pairs) for f in FIELDS}
        for k, v in (("first", len(a)), ("second", len(b)), ("paired", len(pairs)), *agree.items()):
            totals[k] += v
        lines.append(f"| {doc} | {len(a)} | {len(b)} | {len(pairs)} | "
                     + " | ".join(f"{agree[f] / len(pairs):.0%}" if pairs else "–" for f in FIELDS) + " |")
    p = totals["paired"]
    lines.append(f"| **all** | {totals['first']} | {totals['second']} | {p} | "
                 + " | ".join(f"{totals[f] / p:.0%}" if p else "–" for f in FIELDS) + " |")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "review/R.csv"))
