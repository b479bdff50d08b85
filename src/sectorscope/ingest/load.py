"""Loading files into the store: a dataset folder (sources, FX, observation files) or single files.

Everything is read and validated first; the store is written only when every row of every file passed,
as one vintage (see `Store.write`). A failure anywhere leaves the store file byte-identical.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import CatalogError, RowFailure, SectorscopeError, ValidationError
from ..model import Catalog, FxRate, FxTable, load_catalog, load_rules
from ..store import DEFAULT_WAIT, Batch, Store, VintageSummary
from .columns import ROW_COLUMN
from .dataset import Dataset, collect, default_dataset_dir, sha256_file
from .read import hashed_bytes, read_rows, recording_reads, utf8_text
from .reference_files import fx_rates_of, read_fx, read_sources
from .validate import SourceInfo, normalise_rows, repeats_across_files

# Dataset, collect, default_dataset_dir, sha256_file, read_sources, read_fx and fx_rates_of live in
# dataset.py and reference_files.py; they stay importable from here, where callers have found them.
__all__ = [
    "MAX_WITHDRAW_SHARE",
    "Dataset",
    "collect",
    "default_dataset_dir",
    "fx_rates_of",
    "load_default",
    "load_paths",
    "read_fx",
    "read_sources",
    "sha256_file",
    "write_batch",
]

# The largest share of a source's figures a load with withdraw_missing may withdraw unless told otherwise: a
# truncated or partial file must not quietly withdraw the rest (issue #18).
MAX_WITHDRAW_SHARE = 0.5


def _read_sources_files(ds: Dataset, failures: list[RowFailure], on_file: Callable[[Path], None] | None
                        ) -> tuple[list[pd.DataFrame], dict[str, SourceInfo]]:
    """The sources files of the load: their frames, and what validation needs to know of each source."""
    src_frames, infos = [], {}
    for f in ds.sources:
        try:
            frame, info = read_sources(f)
            src_frames.append(frame)
            infos.update(info)
        except ValidationError as exc:
            failures += exc.failures
        if on_file:
            on_file(f)
    return src_frames, infos


def _read_fx_files(ds: Dataset, sources: Sequence[str], failures: list[RowFailure],
                   on_file: Callable[[Path], None] | None) -> pd.DataFrame | None:
    """The FX files of the load as one frame (None when there are none)."""
    fx_frames = []
    for f in ds.fx:
        try:
            fx_frames.append(read_fx(f, sources))
        except ValidationError as exc:
            failures += exc.failures
        if on_file:
            on_file(f)
    return pd.concat(fx_frames, ignore_index=True) if fx_frames else None


def _read_observation_files(ds: Dataset, catalog: Catalog, fx: FxTable, infos: dict[str, SourceInfo],
                            failures: list[RowFailure], on_file: Callable[[Path], None] | None,
                            today: date | None = None) -> pd.DataFrame:
    """The observation files of the load, validated and normalised, as one frame; a figure two files state
    (one key, one vintage) fails both rows' files, once every file has been read. `today`: the day of the
    load, for validation (an actual may not be for a period that has not begun)."""
    parts = []
    for f in ds.observations:
        try:
            rows, _ = read_rows(f)
            # Arrow text columns: the store reads them without a copy (a million Python strings cost seconds)
            frame = normalise_rows(rows, file=str(f), catalog=catalog, fx=fx, sources=infos, today=today,
                                   strings="arrow")
            parts.append((str(f), rows[ROW_COLUMN].to_numpy(copy=True), frame))
        except ValidationError as exc:
            failures += exc.failures
        if on_file:
            on_file(f)
    failures += repeats_across_files(parts)
    return pd.concat([frame for _, _, frame in parts], ignore_index=True) if parts else pd.DataFrame()


def _read_rule_files(ds: Dataset, catalog: Catalog, failures: list[RowFailure],
                     on_file: Callable[[Path], None] | None) -> list[dict]:
    """The alert-rule files of the load, each checked by parsing it, as rows of the store's rule table."""
    rule_rows = []
    for f in ds.rules:
        try:
            data, sha256 = hashed_bytes(f)  # the hash of the bytes checked and stored, read once
            text = utf8_text(data)
            load_rules(text, f.name, catalog)
        except UnicodeDecodeError:
            failures.append(RowFailure(str(f), None, None, None, "a rules file must be UTF-8 text"))
            continue
        except CatalogError as exc:
            failures.append(RowFailure(str(f), None, None, None, f"not a valid rules file: {exc}"))
        rule_rows.append({"name": f.name, "text": text, "sha256": sha256})
        if on_file:
            on_file(f)
    return rule_rows


def load_paths(
    store: Store,
    paths: Sequence[str | Path],
    *,
    sources: str | Path | None = None,
    catalog: Catalog | None = None,
    label: str = "",
    note: str = "",
    withdraw_missing: bool = False,
    max_withdraw_share: float | None = MAX_WITHDRAW_SHARE,
    loaded_at: datetime | None = None,
    on_file: Callable[[Path], None] | None = None,
    dry_run: bool = False,
    wait: float = DEFAULT_WAIT,
    on_wait: Callable[[], None] | None = None,
) -> VintageSummary:
    """Validate every file, then write them to `store` as one vintage.

    `withdraw_missing`: figures of a source in this load that the load no longer states are withdrawn
    (a tombstone in the new vintage), so a re-curated dataset replaces its previous state; refused when that
    would withdraw more than `max_withdraw_share` of a source's figures (None: no limit).
    `dry_run`: validate and write, report the counts, and roll the vintage back.
    `wait`: seconds to wait for another writer, after validation (`on_wait` is told when it must).
    Raises ValidationError listing every failing row of every file; nothing is written then.
    """
    catalog = catalog or load_catalog()
    ds = collect(paths, sources)
    failures: list[RowFailure] = []
    with recording_reads() as reads:  # the vintage's digest is of the bytes parsed, hashed as they were read
        src_frames, infos = _read_sources_files(ds, failures, on_file)
        store_fx: list[FxRate] = []
        if store.exists():
            for sid in store.sources().source_id.execute():
                infos.setdefault(sid, SourceInfo(sid))
            store_fx = fx_rates_of(store.fx_rates().execute())
        fx_frame = _read_fx_files(ds, list(infos), failures, on_file)
        fx = FxTable(store_fx + (fx_rates_of(fx_frame) if fx_frame is not None else []))
        observations = _read_observation_files(ds, catalog, fx, infos, failures, on_file,
                                               today=loaded_at.date() if loaded_at else None)
        rule_rows = _read_rule_files(ds, catalog, failures, on_file)
    if failures:
        raise ValidationError(failures)
    digest = hashlib.sha256()
    for f in ds.all_files():
        digest.update(reads.take(f).encode())
    withdraw: tuple[str, ...] = ()
    if withdraw_missing:
        ids = set(observations["source_id"]) if len(observations) else set()
        withdraw = tuple(sorted(ids | {s for fr in src_frames for s in fr["source_id"]}))
    batch = Batch(
        observations=observations,
        sources=pd.concat(src_frames, ignore_index=True) if src_frames else None,
        fx_rates=fx_frame,
        indicators=pd.DataFrame(catalog.records()),
        rule_files=pd.DataFrame(rule_rows) if rule_rows else None,
        files=[str(f) for f in ds.all_files()],
        sha256=digest.hexdigest(),
        withdraw_missing=withdraw,
        max_withdraw_share=max_withdraw_share,
    )
    return write_batch(store, batch, label=label, note=note, loaded_at=loaded_at, dry_run=dry_run, wait=wait,
                       on_wait=on_wait)


def write_batch(store: Store, batch: Batch, **kwargs: Any) -> VintageSummary:
    """`store.write`, with an engine error turned into one that says nothing was changed."""
    try:
        return store.write(batch, **kwargs)
    except SectorscopeError:
        raise
    except Exception as exc:  # an engine error during the write: the transaction was rolled back
        raise SectorscopeError(f"writing to {store.path} failed, nothing was changed: {exc}") from exc


def load_default(store: Store, **kwargs: Any) -> VintageSummary:
    """Load the embedded default dataset (data/default) as a vintage; figures it dropped are withdrawn."""
    kwargs.setdefault("label", "default dataset")
    kwargs.setdefault("withdraw_missing", True)
    kwargs.setdefault("max_withdraw_share", None)  # the embedded dataset is complete by construction
    return load_paths(store, [default_dataset_dir()], **kwargs)
