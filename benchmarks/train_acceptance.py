"""Fit the extractor's acceptance model (src/sectorscope/ingest/extract/acceptance.yaml) on the
held-out corpus's DEVELOPMENT documents only; the test documents are never read here.

Each candidate of each dev document (read with the readers' own scores: `extract(calibrated=False)`) is
one example: its features (`acceptance.features`) and whether it is right — its value, unit and period equal
a labelled figure's at the same place (benchmarks/extract.py's `corpus_match`). A logistic regression
(scikit-learn, L2, C below) is fitted and its weights written as YAML, with the data it was fitted on.

    python benchmarks/train_acceptance.py [--check]

--check fits again and fails if the shipped file differs (the model is reproducible from the corpus).
"""
from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
from extract import CORPUS, corpus_match, report_day

from sectorscope.ingest.extract import extract, load_lexicon, read_report
from sectorscope.ingest.extract.acceptance import FEATURES, features
from sectorscope.model.catalog import load_catalog

MODEL = Path(__file__).resolve().parents[1] / "src/sectorscope/ingest/extract/acceptance.yaml"
C = 1.0


def examples(split: str = "dev") -> tuple[np.ndarray, np.ndarray, list[str]]:
    with open(CORPUS / "documents.csv", encoding="utf-8") as fh:
        docs = [d for d in csv.DictReader(fh) if d["split"] == split]
    with open(CORPUS / "labels.csv", encoding="utf-8") as fh:
        labels: dict[str, list[dict]] = defaultdict(list)
        for r in csv.DictReader(fh):
            labels[r["doc_id"]].append(r)
    lexicon, catalog = load_lexicon(), load_catalog()
    xs, ys = [], []
    for d in docs:
        doc = read_report(CORPUS / "docs" / f"{d['doc_id']}.txt")
        day = report_day(d["report_date"])
        ex = extract(doc, lexicon=lexicon, catalog=catalog, report_date=day, calibrated=False)
        hit = corpus_match(ex.candidates, labels[d["doc_id"]])
        for i, c in enumerate(ex.candidates):
            f = features(c)
            xs.append([f[name] for name in FEATURES])
            ys.append(1 if i in hit else 0)
    return np.array(xs), np.array(ys), [d["doc_id"] for d in docs]


def fit() -> dict:
    x, y, ids = examples("dev")
    model = LogisticRegression(C=C, max_iter=1000).fit(x, y)
    return {
        "trained_on": f"benchmarks/corpus/extract dev documents {', '.join(ids)}: {len(y)} candidates, "
                      f"{int(y.sum())} right (value, unit and period equal a label's)",
        "regularisation_C": C,
        "intercept": round(float(model.intercept_[0]), 3),
        "weights": {name: round(float(w), 3) for name, w in zip(FEATURES, model.coef_[0], strict=True)},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)
    data = fit()
    text = ("# The extractor's acceptance model: written by benchmarks/train_acceptance.py, do not edit by hand.\n"
            "# confidence = 1 / (1 + exp(-(intercept + sum(weight * feature)))); features: acceptance.FEATURES.\n"
            + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120))
    if args.check:
        same = MODEL.exists() and MODEL.read_text(encoding="utf-8") == text
        print("acceptance.yaml is up to date" if same else "acceptance.yaml differs from a fresh fit")
        return 0 if same else 1
    MODEL.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
