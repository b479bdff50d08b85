"""Observation queries: a JSON page, one figure with its source and inputs, and downloads through
report/export.py (the engine writes the file batch by batch; the server streams the file)."""
from __future__ import annotations

import shutil
from pathlib import Path

from ...report import export_query
from ...store import Store
from ..convert import clean_row
from ..models import OBSERVATION_FIELDS
from ..problems import ApiProblem
from ..scratch import scratch_folder
from .common import Filters, check_filters, figures, observation_rows, resolve

__all__ = ["EXPORT_NAMES", "export_file", "observation_detail", "observation_page"]

EXPORT_NAMES = {"csv": "observations.csv", "parquet": "observations.parquet", "sdmx-csv": "observations.sdmx.csv"}


def observation_page(store: Store, f: Filters, as_of: str | None, *, limit: int, after: int | None) -> dict:
    """Up to `limit` figures with obs_id > `after`, in obs_id order (a cursor stable under new vintages,
    since the `next` link pins the vintage)."""
    vid = resolve(store, as_of)
    at = vid if vid is not None else as_of  # nothing loaded by then: the store answers empty
    check_filters(store, f)
    t = store.query(at, **f.query_kwargs())
    if after is not None:
        t = t.filter(t.obs_id > after)
    frame = t.order_by("obs_id").limit(limit + 1).select(*OBSERVATION_FIELDS).execute()
    more = len(frame) > limit
    frame = frame.iloc[:limit]
    items = observation_rows(frame)
    last = items[-1]["obs_id"] if items and more else None
    return {"vintage_id": vid, "count": len(items), "limit": limit, "next_after": last, "items": items}


def observation_detail(store: Store, obs_id: int) -> dict:
    """Any version of any figure by id (a replaced version too), its source with title, whether it is the
    current version at the latest vintage, and the figures it was computed from."""
    obs = store.table("observations")
    frame = obs.filter(obs.obs_id == obs_id).select(*OBSERVATION_FIELDS, "withdrawn").execute()
    if not len(frame) or bool(frame["withdrawn"].iloc[0]):  # a tombstone is not a figure
        raise ApiProblem(404, "no-such-observation", f"no figure with id {obs_id}; /api/observations lists them")
    row = observation_rows(frame)[0]
    vid = store.latest_vintage()
    key = row["obs_key"]
    cur = store.observations(vid, prefilter=lambda t: t.filter(t.obs_key == key))
    current = obs_id in set(cur.obs_id.execute())
    src = store.sources(vid)
    s = src.filter(src.source_id == row["source_id"]).select(
        "source_id", "title", "title_en", "publisher", "published", "document", "lang").execute()
    source = clean_row(s.to_dict("records")[0]) if len(s) else None
    if source and source.get("published"):
        source["published"] = str(source["published"])[:10]
    inputs = figures(store, row["input_ids"] or [], vid)
    return {"observation": row, "source": source, "current": current, "inputs": inputs}


def export_file(store: Store, f: Filters, as_of: str | None, fmt: str, *, excel: bool) -> tuple[Path, Path, int | None]:
    """The query written to a temp file the server names (never a client's name): (file, its folder to
    remove after sending, vintage)."""
    vid = resolve(store, as_of)
    at = vid if vid is not None else as_of  # nothing loaded by then: the store answers empty
    check_filters(store, f)
    folder = scratch_folder("sectorscope-export-")
    try:
        summary = export_query(store, folder / EXPORT_NAMES[fmt], fmt=fmt, as_of=at, excel=excel, **f.query_kwargs())
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return summary.path, folder, vid

