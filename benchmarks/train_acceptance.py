"""Fit the extractor's acceptance model (src/sectorscope/ingest/extract/acceptance.yaml) on the
held-out corpus's DEVELOPMENT documents only; the test documents are never read here.

Each candidate of each dev document, and each seed candidate near a curated figure, (read with the readers' own scores: `extract(calibrated=False)`) is
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
from extract import CORPUS, _near, corpus_match, curated, match, report_day

from sectorscope.ingest.extract import extract, load_lexicon, read_report
from sectorscope.ingest.extract.acceptance import FEATURES, features
from sectorscope.ingest.load import default_dataset_dir
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


def seed_examples() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The seeds against the curated default dataset: a candidate near a curated figure's quote is right when
    value, unit, indicator and period equal that figure's (the seeds benchmark's match). Candidates far from
    every curated quote are left out: the curators did not label every figure, so absence is not a label."""
    data = default_dataset_dir()
    truth = curated(data)
    lexicon, catalog = load_lexicon(), load_catalog()
    with open(data / "sources.csv", encoding="utf-8") as fh:
        sources = [r for r in csv.DictReader(fh) if r["document"]]
    xs, ys, ids = [], [], []
    for src in sources:
        rows = truth.get(src["source_id"], [])
        doc = read_report(data / src["document"])
        ex = extract(doc, lexicon=lexicon, catalog=catalog, calibrated=False)
        _, hit_c = match(ex.candidates, rows, catalog)
        for i, c in enumerate(ex.candidates):
            if i in hit_c or any(_near(c.start, c.end, r) for r in rows):
                f = features(c)
                xs.append([f[name] for name in FEATURES])
                ys.append(1 if i in hit_c else 0)
        ids.append(src["source_id"])
    return np.array(xs), np.array(ys), ids


def fit() -> dict:
    x, y, ids = examples("dev")
    xs, ys, seeds = seed_examples()
    model = LogisticRegression(C=C, max_iter=1000).fit(np.vstack([x, xs]), np.concatenate([y, ys]))
    return {
        "trained_on": f"benchmarks/corpus/extract dev documents {', '.join(ids)}: {len(y)} candidates, "
                      f"{int(y.sum())} right (value, unit and period equal a label's); the seeds "
                      f"{', '.join(seeds)}: {len(ys)} candidates near a curated figure, {int(ys.sum())} right "
                      f"(value, unit, indicator and period equal the curated figure's)",
        "regularisation_C": C,
        "intercept": round(float(model.intercept_[0]), 4),
        "weights": {name: round(float(w), 4) for name, w in zip(FEATURES, model.coef_[0], strict=True)},
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
