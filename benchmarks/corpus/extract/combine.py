#!/usr/bin/env python
"""Check and combine the labellers' files into `documents.csv` and `labels.csv` (see PROTOCOL.md).

    python benchmarks/corpus/extract/combine.py [--check]

Every label is checked against its text (the span at start:end is the label's `text`), every field against
the protocol's values, every document against its file; the first problem of each kind is reported with the
file, row and field, all of them at once. With --check, only checks the combined files already there.
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOC_COLUMNS = ["doc_id", "url", "title", "publisher", "retrieved", "report_date", "language", "sector", "forms",
               "split", "labeller", "notes"]
LABEL_COLUMNS = ["doc_id", "fig", "start", "end", "text", "value", "value_high", "unit", "sign", "qualifier", "period",
                 "indicator", "phrase", "region", "subject", "dims", "status", "kind", "notes"]
QUALIFIERS = {"exact", "about", "at_least", "at_most", "range"}
STATUSES = {"actual", "forecast", "target"}
KINDS = {"prose", "list", "table"}
PERIOD = re.compile(r"^\d{4}(Q[1-4]|-(0[1-9]|1[0-2])(/\d{4}-(0[1-9]|1[0-2]))?|/\d{4})?$")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def check_documents(rows: list[dict[str, str]], where: str) -> list[str]:
    out = []
    for i, r in enumerate(rows, start=2):
        at = f"{where}, row {i}"
        if list(r) != DOC_COLUMNS:
            return [f"{where}: columns {list(r)}; expected {DOC_COLUMNS}"]
        if not (HERE / "docs" / f"{r['doc_id']}.txt").is_file():
            out.append(f"{at}, doc_id: no file docs/{r['doc_id']}.txt")
        if r["split"] not in ("dev", "test"):
            out.append(f"{at}, split: {r['split']!r} is not dev or test")
        if r["language"] not in ("zh-Hans", "zh-Hant"):
            out.append(f"{at}, language: {r['language']!r} is not zh-Hans or zh-Hant")
        if not r["url"].startswith(("http://", "https://")):
            out.append(f"{at}, url: {r['url']!r} is not an address")
        if r["report_date"] and not DATE.match(r["report_date"]):
            out.append(f"{at}, report_date: {r['report_date']!r} is not YYYY[-MM[-DD]]")
    ids = [r["doc_id"] for r in rows]
    out += [f"{where}: doc_id {d!r} twice" for d in sorted({d for d in ids if ids.count(d) > 1})]
    return out


def check_labels(rows: list[dict[str, str]], docs: set[str], where: str) -> list[str]:
    out = []
    texts: dict[str, str] = {}
    for i, r in enumerate(rows, start=2):
        at = f"{where}, row {i}"
        if list(r) != LABEL_COLUMNS:
            return [f"{where}: columns {list(r)}; expected {LABEL_COLUMNS}"]
        if r["doc_id"] not in docs:
            out.append(f"{at}, doc_id: {r['doc_id']!r} is in no documents file")
            continue
        txt = texts.setdefault(r["doc_id"], (HERE / "docs" / f"{r['doc_id']}.txt").read_text(encoding="utf-8"))
        try:
            start, end = int(r["start"]), int(r["end"])
        except ValueError:
            out.append(f"{at}, start/end: not whole numbers ({r['start']!r}, {r['end']!r})")
            continue
        if not (0 <= start < end <= len(txt)) or txt[start:end] != r["text"]:
            out.append(f"{at}, text: {r['text']!r} is not the text at {start}:{end} ({txt[start:end]!r})")
        for col in ("value", "value_high"):
            if (r[col] or col == "value") and not NUMBER.match(r[col]):
                out.append(f"{at}, {col}: {r[col]!r} is not a plain decimal")
        if r["qualifier"] not in QUALIFIERS:
            out.append(f"{at}, qualifier: {r['qualifier']!r} is not one of {sorted(QUALIFIERS)}")
        if (r["qualifier"] == "range") != bool(r["value_high"]):
            out.append(f"{at}, value_high: a range has value_high, nothing else does")
        if r["period"] and not PERIOD.match(r["period"]):
            out.append(f"{at}, period: {r['period']!r} is not YYYY, YYYYQn, YYYY-MM, YYYY/YYYY or YYYY-MM/YYYY-MM")
        if r["sign"] not in ("", "-"):
            out.append(f"{at}, sign: {r['sign']!r} is not empty or -")
        if r["status"] and r["status"] not in STATUSES:  # empty: the text leaves it open (notes say why)
            out.append(f"{at}, status: {r['status']!r} is not one of {sorted(STATUSES)}")
        if r["kind"] not in KINDS:
            out.append(f"{at}, kind: {r['kind']!r} is not one of {sorted(KINDS)}")
        if not r["unit"] or not r["phrase"]:
            out.append(f"{at}, unit/phrase: both are always filled")
    keys = [(r["doc_id"], r["start"]) for r in rows]
    out += [f"{where}: two labels start at {d}:{s}" for d, s in sorted({k for k in keys if keys.count(k) > 1})]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="check documents.csv and labels.csv only")
    args = ap.parse_args()
    if args.check:
        docs, labels = read(HERE / "documents.csv"), read(HERE / "labels.csv")
        problems = check_documents(docs, "documents.csv")
        problems += check_labels(labels, {d["doc_id"] for d in docs}, "labels.csv")
    else:
        docs, labels, problems = [], [], []
        for f in sorted(HERE.glob("documents-*.csv")):
            rows = read(f)
            problems += check_documents(rows, f.name)
            docs += rows
        ids = {d["doc_id"] for d in docs}
        for f in sorted((HERE / "labels").glob("*.csv")):
            rows = read(f)
            problems += check_labels(rows, ids, f"labels/{f.name}")
            labels += rows
        if not problems:
            for name, rows, cols, key in (
                    ("documents.csv", docs, DOC_COLUMNS, lambda r: r["doc_id"]),
                    ("labels.csv", labels, LABEL_COLUMNS, lambda r: (r["doc_id"], int(r["start"])))):
                with open(HERE / name, "w", encoding="utf-8", newline="") as fh:
                    w = csv.DictWriter(fh, fieldnames=cols, lineterminator="\n")
                    w.writeheader()
                    w.writerows(sorted(rows, key=key))
    for p in problems:
        print(p, file=sys.stderr)
    if not problems:
        split = {d["doc_id"]: d["split"] for d in docs}
        n = {s: sum(1 for r in labels if split[r["doc_id"]] == s) for s in ("dev", "test")}
        print(f"{len(docs)} documents ({sum(1 for d in docs if d['split'] == 'dev')} dev, "
              f"{sum(1 for d in docs if d['split'] == 'test')} test), {len(labels)} figures "
              f"({n['dev']} dev, {n['test']} test)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
