"""Observation queries: a JSON page, one figure with its source and inputs, and downloads through
report/export.py (the engine writes the file batch by batch; the server streams the file)."""
from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ibis.expr.types as ir

from ...report import export_query
from ...store import Store
from ..convert import clean_row
from ..models import OBSERVATION_FIELDS
from ..problems import ApiProblem
from ..scratch import scratch_folder
from .common import QUERIES, Filters, check_filters, figures, json_items, observation_rows, query_of, resolve

__all__ = ["EXPORT_NAMES", "export_file", "observation_detail", "observation_page", "page_json"]

EXPORT_NAMES = {"csv": "observations.csv", "parquet": "observations.parquet", "sdmx-csv": "observations.sdmx.csv"}


def _page_query(store: Store, at: int | str | None, slots: Mapping[str, Any]) -> ir.Table:
    """The page's query, from `slots` (the filters, `limit` and, when paging on, `after`): `Store.query`, then
    the cursor, order and page size, each row as JSON. Compiled once per shape (common.QUERIES)."""
    t = query_of(store, at, slots)
    if "after" in slots:
        t = t.filter(t.obs_id > slots["after"])
    return json_items(t.order_by("obs_id").limit(slots["limit"]).select(*OBSERVATION_FIELDS))


def observation_page(store: Store, f: Filters, as_of: str | None, *, limit: int, after: int | None) -> dict:
    """Up to `limit` figures with obs_id > `after`, in obs_id order (a cursor stable under new vintages,
    since the `next` link pins the vintage). `items` holds each figure as JSON text (`page_json` writes the
    page); `json.loads` of one is what `observation_rows` gives for its row."""
    vid = resolve(store, as_of)
    at = vid if vid is not None else as_of  # nothing loaded by then: the store answers empty
    check_filters(store, f)
    slots: dict[str, Any] = {**f.slots(), "limit": limit + 1}
    if after is not None:
        slots["after"] = after
    rows = QUERIES.arrow(store, ("observation-page", at), lambda v: _page_query(store, at, v), slots)
    more = rows.num_rows > limit
    items = rows.column("item").to_pylist()[:limit]
    last = rows.column("obs_id")[limit - 1].as_py() if more else None
    return {"vintage_id": vid, "count": len(items), "limit": limit, "next_after": last, "items": items}


def page_json(page: Mapping[str, Any], next_url: str | None) -> bytes:
    """The page as the JSON body the route sends: its fields, the figures' JSON texts as they are, `next`."""
    head = json.dumps({k: page[k] for k in ("vintage_id", "count", "limit", "next_after")}, separators=(",", ":"))
    return "".join((head[:-1], ',"items":[', ",".join(page["items"]), '],"next":',
                    json.dumps(next_url, ensure_ascii=False), "}")).encode("utf-8")


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

