"""Fill `quote_start` / `quote_end` in a long-format observations CSV from the source documents.

Curators copy a quote from a seed; this finds it in the document named by sources.csv and writes its
character offsets. A quote found more than once is left for the curator to place (give `quote_start`
by hand or quote a longer span); offsets already present are checked, not overwritten.

    python scripts/fill_offsets.py data/default/observations/000_micromachinery.csv
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1] / "data" / "default"


def main(path: str) -> int:
    sources = {r["source_id"]: r for r in csv.DictReader(open(DEFAULT / "sources.csv", encoding="utf-8"))}
    docs: dict[str, str] = {}
    rows = list(csv.DictReader(open(path, encoding="utf-8-sig")))
    fields = list(rows[0].keys()) if rows else []
    for col in ("quote_start", "quote_end"):
        if col not in fields:
            fields.append(col)
    problems = 0
    for i, row in enumerate(rows, start=2):
        quote = row.get("quote") or ""
        if not quote:
            continue
        src = row["source"]
        if src not in docs:
            docs[src] = (DEFAULT / sources[src]["document"]).read_text(encoding="utf-8")
        doc = docs[src]
        start = (row.get("quote_start") or "").strip()
        if start:
            s = int(start)
            if doc[s : s + len(quote)] != quote:
                print(f"{path}:{i}: quote_start={s} does not point at the quote {quote!r}")
                problems += 1
            else:
                row["quote_end"] = str(s + len(quote))
            continue
        hits = []
        pos = doc.find(quote)
        while pos != -1:
            hits.append(pos)
            pos = doc.find(quote, pos + 1)
        if not hits:
            print(f"{path}:{i}: quote not found verbatim in {src}: {quote!r}")
            problems += 1
        elif len(hits) > 1:
            print(f"{path}:{i}: quote found {len(hits)} times at {hits}; set quote_start or lengthen: {quote!r}")
            problems += 1
        else:
            row["quote_start"], row["quote_end"] = str(hits[0]), str(hits[0] + len(quote))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    print(f"{path}: {len(rows)} rows, {problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(max(main(p) for p in sys.argv[1:]))
