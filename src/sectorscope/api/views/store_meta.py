"""The catalog, sources with their quotes, vintages and the diff between two of them."""
from __future__ import annotations

from pathlib import PurePath

from ...monitor import CHANGES, diff_vintages
from ...store import Store
from ..convert import clean, records
from ..problems import ApiProblem
from .common import FIGURE_COLUMNS, PRINTED_COLUMNS, figures_of, printed_by_id, resolve

__all__ = ["catalog", "diff", "source_detail", "sources", "vintage", "vintages"]


def catalog(store: Store, as_of: str | None) -> dict:
    vid = resolve(store, as_of)
    at = vid if vid is not None else as_of  # nothing loaded by then: the store answers empty
    t = store.indicators(at).order_by("code")
    cols = ["code", "name_zh", "name_en", "unit_kind", "canonical_unit", "aggregation", "definition_zh",
            "definition_en", "lower", "upper", "vintage_id"]
    return {"vintage_id": vid, "indicators": records(t.select(*cols).execute(), cols)}


_SOURCE_COLS = ["source_id", "title", "title_en", "publisher", "published", "document", "document_sha256", "lang",
                "note", "vintage_id"]


def _source_rows(store: Store, at: int | str | None, source_id: str | None = None) -> list[dict]:
    src = store.sources(at)
    if source_id is not None:
        src = src.filter(src.source_id == source_id)
    rows = records(src.order_by("source_id").select(*_SOURCE_COLS).execute(), _SOURCE_COLS)
    obs = store.observations(at, prefilter=(lambda t: t.filter(t.source_id == source_id)) if source_id else None)
    counts = obs.group_by("source_id").aggregate(n=obs.count()).execute()
    n = {r.source_id: int(r.n) for r in counts.itertuples()}
    for r in rows:
        r["published"] = r["published"][:10] if r["published"] else None
        r["n_figures"] = n.get(r["source_id"], 0)
    return rows


def sources(store: Store, as_of: str | None) -> dict:
    vid = resolve(store, as_of)
    at = vid if vid is not None else as_of  # nothing loaded by then: the store answers empty
    return {"vintage_id": vid, "sources": _source_rows(store, at)}


def source_detail(store: Store, source_id: str, as_of: str | None, *, limit: int, after: int | None) -> dict:
    vid = resolve(store, as_of)
    at = vid if vid is not None else as_of  # nothing loaded by then: the store answers empty
    rows = _source_rows(store, at, source_id)
    if not rows:
        raise ApiProblem(404, "unknown-source", f"no source {source_id!r}; /api/sources lists them")
    t = store.query(at, source_id=source_id)
    if after is not None:
        t = t.filter(t.obs_id > after)
    frame = t.order_by("obs_id").limit(limit + 1).select(*dict.fromkeys((*FIGURE_COLUMNS, *PRINTED_COLUMNS))).execute()
    more = len(frame) > limit
    quotes = figures_of(frame.iloc[:limit], vid)
    return {"source": rows[0], "count": len(quotes), "next_after": quotes[-1]["obs_id"] if more else None,
            "quotes": quotes}


def _vintage_row(r: dict) -> dict:
    files = [PurePath(f.strip()).name for f in (r.get("files") or "").split(";") if f.strip()]
    out = {k: clean(r.get(k)) for k in ("vintage_id", "label", "sha256", "n_rows", "n_new", "n_revised", "n_unchanged",
                                         "n_withdrawn", "note")}
    out["loaded_at"] = clean(r["loaded_at"])
    out["files"] = files  # names only: where the server keeps files is not the client's business
    return out


def vintages(store: Store) -> dict:
    return {"vintages": [_vintage_row(r) for r in store.vintages().execute().to_dict("records")]}


def vintage(store: Store, vintage_id: int) -> dict:
    v = store.vintages()
    rows = v.filter(v.vintage_id == vintage_id).execute().to_dict("records")
    if not rows:
        raise ApiProblem(404, "no-such-vintage", f"no vintage {vintage_id}; /api/vintages lists them")
    return _vintage_row(rows[0])


def diff(store: Store, since: str, until: str | None, *, source: str | None, change: str | None, offset: int,
         limit: int) -> dict:
    old, new = resolve(store, since), resolve(store, until)
    if new is None:
        raise ApiProblem(404, "no-such-vintage",
                         f"nothing had been loaded by {until!r}; /api/vintages lists the vintages")
    if old is not None and old > new:
        raise ApiProblem(400, "bad-diff", f"since ({since!r} = v{old}) is after until ({until!r} = v{new}); "
                         "a diff runs forward in time")
    frame = diff_vintages(store, old if old is not None else since, new)
    if source and len(frame):
        frame = frame[frame["source_id"] == source]
    if change and len(frame):
        frame = frame[frame["change"] == change]
    counts = {c: int((frame["change"] == c).sum()) if len(frame) else 0 for c in CHANGES}
    page = frame.iloc[offset:offset + limit] if len(frame) else frame
    rows = records(page) if len(page) else []
    return {"since_vintage": old, "until_vintage": new, "counts": counts, "count": len(frame), "offset": offset,
            "limit": limit, "changes": _printed_sides(store, rows)}


def _printed_sides(store: Store, rows: list[dict]) -> list[dict]:
    """The old and new figure of each change as the presentation layer prints them (what the report and the
    dashboard show), where the diff names a printed form."""
    shown = printed_by_id(store, [r[f"obs_id_{side}"] for r in rows for side in ("old", "new")
                                  if r.get(f"obs_id_{side}") is not None])
    for r in rows:
        for side in ("old", "new"):
            oid = r.get(f"obs_id_{side}")
            if r.get(f"printed_{side}") is not None and oid in shown:
                r[f"printed_{side}"] = shown[oid]
    return rows
