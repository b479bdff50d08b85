"""The three writes: a file loaded as a new vintage, a house view, a TRL assessment. Each is one library call
on a store object of its own (never a pooled reader), atomic like every write: a refused write leaves the
store file byte-identical.

How a TRL assessment enters the store: it is checked exactly as a row of a dataset's trl_assessments.csv is
(analytics.trl.read_assessments: TRL 1–9, ISO date not in the future, evidence quoted verbatim from the
source's document when the dataset has it), then written as a `trl` figure of its own source,
`sectorscope-trl` (TRL assessments recorded through the API), with the evidence as its quote — the shape
`sectorscope analyse` gives the assessments of the file. Its key is the technology, subject and year, so a
re-assessment the same year is a revision; `analyse` does not withdraw it (it withdraws only its own
figures). To make it part of the dual-track input the analysis matches demand against, add it to the
dataset's trl_assessments.csv as well (docs/api.md).
"""
from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pandas as pd

from ...analytics import ASSESSMENT_COLUMNS, read_assessments
from ...audit import choose
from ...errors import SectorscopeError
from ...ingest import MAX_WITHDRAW_SHARE, load_paths, read_sources
from ...model import ASSESSMENT, parse_period
from ...store import Batch, Store, VintageSummary
from ..problems import ApiProblem, Scrubber, library_problem
from ..scratch import scratch_folder

__all__ = ["TRL_LOCATION", "TRL_SOURCE", "TRL_SOURCE_ROW", "load_files", "record_house_view", "record_trl", "summary"]

TRL_SOURCE = "sectorscope-trl"
TRL_LOCATION = "TRL评估(API)"
TRL_SOURCE_ROW = {
    "source_id": TRL_SOURCE, "title": "通过 API 记录的技术成熟度评估",
    "title_en": "TRL assessments recorded through the API",
    "publisher": "sectorscope", "lang": "zh",
    "note": "证据引文与评估人见每条 trl 数据 / evidence quote and assessor on every trl figure",
}


def summary(s: VintageSummary) -> dict:
    return {"vintage_id": s.vintage_id, "loaded_at": s.loaded_at.isoformat(), "n_rows": s.n_rows, "n_new": s.n_new,
            "n_revised": s.n_revised, "n_unchanged": s.n_unchanged, "n_withdrawn": s.n_withdrawn,
            "link": f"/api/vintages/{s.vintage_id}"}


def load_files(store_path: Path, files: list[tuple[Path, str]], sources: tuple[Path, str] | None, *, label: str,
               note: str, withdraw_missing: bool, scrub: Scrubber, allow_mass_withdraw: bool = False) -> dict:
    """`load_paths` on files saved under names the server chose; failures name the client's file names."""
    rename = {str(p): name for p, name in files}
    if sources is not None:
        rename[str(sources[0])] = sources[1]
    try:
        s = load_paths(Store(store_path), [p for p, _ in files], sources=sources[0] if sources else None,
                       label=label or "API upload", note=note, withdraw_missing=withdraw_missing,
                       max_withdraw_share=None if allow_mass_withdraw else MAX_WITHDRAW_SHARE)
    except SectorscopeError as exc:
        raise library_problem(exc, scrub, rename) from None
    return summary(s)


def record_house_view(store_path: Path, obs_id: int, reason: str, analyst: str) -> dict:
    store = Store(store_path)
    try:
        obs = store.observations()
        if not len(obs.filter(obs.obs_id == obs_id).select("obs_id").execute()):
            raise ApiProblem(404, "no-such-observation", f"no current figure with id {obs_id}; choose one listed by "
                             "/api/observations (a replaced version cannot be the house view)")
        return summary(choose(store, obs_id, reason, analyst=analyst))
    finally:
        store.close()


def _texts(dataset_dir: Path | None) -> dict[str, str] | None:
    if dataset_dir is None or not (dataset_dir / "sources.csv").is_file():
        return None
    _, infos = read_sources(dataset_dir / "sources.csv")
    return {k: v.document_text for k, v in infos.items() if v.document_text}


def record_trl(store_path: Path, body: dict, dataset_dir: Path | None, scrub: Scrubber) -> dict:
    """Check one assessment as a trl_assessments.csv row, then write it as a `trl` figure (module docstring)."""
    store = Store(store_path)
    try:
        known = set(store.sources().source_id.execute())
        if body["source_id"] not in known:
            raise ApiProblem(422, "unknown-source", f"source {body['source_id']!r} is not in the store; the evidence "
                             "must be quoted from a loaded source (/api/sources lists them)")
        tmp = scratch_folder("sectorscope-upload-")
        try:
            path = tmp / "assessment.csv"
            with open(path, "w", encoding="utf-8", newline="") as fh:
                w = csv.DictWriter(fh, fieldnames=list(ASSESSMENT_COLUMNS))
                w.writeheader()
                w.writerow({c: "" if body.get(c) is None else str(body.get(c)) for c in ASSESSMENT_COLUMNS})
            try:
                texts = _texts(dataset_dir)
                frame = read_assessments(path, texts={k: v for k, v in texts.items() if k == body["source_id"]}
                                         if texts and body["source_id"] in texts else None, today=date.today())
            except SectorscopeError as exc:
                raise library_problem(exc, scrub, {str(path): "assessment"}) from None
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        r = frame.iloc[0]
        period = parse_period(str(r["assessed_on"])[:4])
        loc = " ".join(x for x in (str(r["source_id"]), r["location"] or "") if x)
        row = {
            "indicator": "trl", "subject": body.get("subject") or "缩微机械", "product": r["technology"],
            "period": period.text, "period_start": period.start, "period_end": period.end, "value": float(r["trl"]),
            "qualifier": "exact", "unit": "", "value_as_printed": str(int(r["trl"])), "unit_as_printed": "",
            "status": r["status"], "source_id": TRL_SOURCE, "quote": r["evidence"],
            "quote_start": None if pd.isna(r["quote_start"]) else int(r["quote_start"]),
            "quote_end": None if pd.isna(r["quote_end"]) else int(r["quote_end"]),
            "location": TRL_LOCATION, "basis": f"TRL评估,证据出自 {loc}",
            "note": f"{r['assessor']}({r['assessed_on']}):{r['note'] or ''}" + (
                f" [{r['technology_en']}]" if r["technology_en"] else ""),
            "method": "trl_assessment (NASA / GB/T 22900), recorded through the API", "withdrawn": False,
            "kind": ASSESSMENT,
        }
        batch = Batch(observations=pd.DataFrame([row]), sources=pd.DataFrame([TRL_SOURCE_ROW]), files=[])
        try:
            s = store.write(batch, label=f"trl assessment: {r['technology']}", note=f"by {r['assessor']}")
        except SectorscopeError as exc:
            raise library_problem(exc, scrub) from None
        return summary(s)
    finally:
        store.close()
