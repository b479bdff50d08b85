"""Loading files into the store: a dataset folder (sources, FX, observation files) or single files.

Everything is read and validated first; the store is written only when every row of every file passed,
as one vintage (see `Store.write`). A failure anywhere leaves the store file byte-identical.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from ..errors import CatalogError, InputError, RowFailure, SectorscopeError, ValidationError
from ..model.catalog import Catalog, load_catalog
from ..model.fx import FxRate, FxTable
from ..model.rules import load_rules
from ..model.text import normalise
from ..store import Batch, Store, VintageSummary
from .read import ROW_COLUMN, read_rows, read_table
from .validate import SourceInfo, normalise_rows

__all__ = [
    "load_paths", "load_default", "default_dataset_dir", "read_sources", "read_fx", "Dataset", "collect", "sha256_file",
    "fx_rates_of", "write_batch",
]

SOURCE_COLUMNS = ("source_id", "title", "title_en", "publisher", "published", "document", "lang", "note")
FX_COLUMNS = ("year", "currency", "cny_per_unit", "source", "quote")
OBS_SUFFIXES = (".csv", ".xlsx", ".xlsm")


def default_dataset_dir() -> Path:
    """The embedded default dataset: `data/default` of the checkout (or $SECTORSCOPE_DEFAULT_DATA)."""
    env = os.environ.get("SECTORSCOPE_DEFAULT_DATA")
    path = Path(env) if env else Path(__file__).resolve().parents[3] / "data" / "default"
    if not (path / "sources.csv").is_file():
        raise InputError(f"the default dataset is not at {path}; set SECTORSCOPE_DEFAULT_DATA to its folder")
    return path


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_sources(path: Path) -> tuple[pd.DataFrame, dict[str, SourceInfo]]:
    """A sources file, validated, with the text of each source's document where one is named."""
    rows = read_table(path)
    file = str(path)
    unknown = [c for c in rows.columns if c not in (*SOURCE_COLUMNS, ROW_COLUMN)]
    if "source_id" not in rows.columns or "title" not in rows.columns or unknown:
        raise InputError(f"a sources file needs columns source_id and title (optional: "
                         f"{', '.join(SOURCE_COLUMNS[2:])}){'; unknown: ' + ', '.join(unknown) if unknown else ''}", file=file)
    rows = rows.reindex(columns=[*SOURCE_COLUMNS, ROW_COLUMN], fill_value="")
    failures: list[RowFailure] = []
    infos: dict[str, SourceInfo] = {}
    out = []
    for rec in rows.to_dict("records"):
        r = int(rec[ROW_COLUMN])
        sid = rec["source_id"]
        if not sid:
            failures.append(RowFailure(file, r, "source_id", sid, "empty: every source needs an id"))
            continue
        if sid in infos:
            failures.append(RowFailure(file, r, "source_id", sid, "this source id appears twice"))
        published = None
        if rec["published"]:
            try:
                published = date.fromisoformat(rec["published"])
            except ValueError:
                failures.append(RowFailure(file, r, "published", rec["published"], "not an ISO date (2025-06-30)"))
        text, digest = None, None
        if rec["document"]:
            doc = (path.parent / rec["document"]).resolve()
            if not doc.is_relative_to(path.parent.resolve()) or not doc.is_file():
                failures.append(RowFailure(file, r, "document", rec["document"],
                                           "no such document beside the sources file"))
            else:
                try:
                    text = doc.read_text(encoding="utf-8")
                except UnicodeDecodeError:
                    failures.append(RowFailure(file, r, "document", rec["document"], "the document is not UTF-8 text"))
                digest = sha256_file(doc)
        infos[sid] = SourceInfo(sid, text)
        out.append({
            "source_id": sid, "title": normalise(rec["title"]), "title_en": rec["title_en"] or None,
            "publisher": normalise(rec["publisher"]) or None, "published": published,
            "document": rec["document"] or None, "document_sha256": digest, "lang": rec["lang"] or None,
            "note": rec["note"] or None,
        })
    if failures:
        raise ValidationError(failures, file=file)
    return pd.DataFrame(out), infos


def read_fx(path: Path, sources: Sequence[str]) -> pd.DataFrame:
    """An FX file: year, currency (ISO), CNY per unit, and the source each rate comes from."""
    rows = read_table(path)
    file = str(path)
    missing = [c for c in FX_COLUMNS[:4] if c not in rows.columns]
    if missing:
        raise InputError(f"an FX file needs columns {', '.join(FX_COLUMNS)}; missing {', '.join(missing)}", file=file)
    rows = rows.reindex(columns=[*FX_COLUMNS, ROW_COLUMN], fill_value="")
    failures, out, seen = [], [], set()
    for rec in rows.to_dict("records"):
        r = int(rec[ROW_COLUMN])
        if not rec["year"].isdigit() or not 1900 <= int(rec["year"]) <= 2200:
            failures.append(RowFailure(file, r, "year", rec["year"], "not a year"))
            continue
        cur = rec["currency"].upper()
        if len(cur) != 3 or not cur.isalpha():
            failures.append(RowFailure(file, r, "currency", rec["currency"], "not an ISO currency code (USD)"))
            continue
        try:
            rate = float(rec["cny_per_unit"])
            assert rate > 0
        except (ValueError, AssertionError):
            failures.append(RowFailure(file, r, "cny_per_unit", rec["cny_per_unit"], "not a positive number"))
            continue
        if rec["source"] not in sources:
            failures.append(RowFailure(file, r, "source", rec["source"], "unknown source: add it to the sources file"))
        if (cur, int(rec["year"])) in seen:
            failures.append(RowFailure(file, r, "year", rec["year"], f"a second {cur} rate for this year"))
        seen.add((cur, int(rec["year"])))
        out.append({"year": int(rec["year"]), "currency": cur, "cny_per_unit": rate,
                    "source_id": rec["source"], "quote": rec["quote"] or None})
    if failures:
        raise ValidationError(failures, file=file)
    return pd.DataFrame(out)


def fx_rates_of(frame: pd.DataFrame) -> list[FxRate]:
    """FX table rows (as read or as stored) → FxRate records."""
    return [FxRate(int(r.year), r.currency, float(r.cny_per_unit), r.source_id, r.quote if isinstance(r.quote, str) else "")
            for r in frame.itertuples()]


class Dataset:
    """The files of one load, grouped: sources files, FX files, observation files."""

    def __init__(self) -> None:
        self.sources: list[Path] = []
        self.fx: list[Path] = []
        self.observations: list[Path] = []
        self.rules: list[Path] = []

    def all_files(self) -> list[Path]:
        return [*self.sources, *self.fx, *self.rules, *self.observations]


def collect(paths: Sequence[str | Path], sources: str | Path | None = None) -> Dataset:
    """Sort the given paths into a Dataset. A folder contributes its sources.csv, fx_rates.csv and every
    CSV/XLSX in it and in its observations/ subfolder."""
    ds = Dataset()
    if sources:
        ds.sources.append(Path(sources))
    for p in map(Path, paths):
        if p.is_dir():
            if (p / "sources.csv").is_file():
                ds.sources.append(p / "sources.csv")
            if (p / "fx_rates.csv").is_file():
                ds.fx.append(p / "fx_rates.csv")
            if (p / "rules.yaml").is_file():
                ds.rules.append(p / "rules.yaml")
            for sub in (p, p / "observations"):
                if sub.is_dir():
                    ds.observations += sorted(
                        f for f in sub.iterdir()
                        if f.suffix.lower() in OBS_SUFFIXES and f.name not in ("sources.csv", "fx_rates.csv")
                        and not f.name.startswith((".", "~$"))
                    )
        elif p.name == "sources.csv":
            ds.sources.append(p)
        elif p.name == "fx_rates.csv":
            ds.fx.append(p)
        elif p.name.endswith((".yaml", ".yml")):
            ds.rules.append(p)
        else:
            ds.observations.append(p)
    if not ds.observations and not ds.sources and not ds.fx and not ds.rules:
        raise InputError(f"nothing to load in {', '.join(map(str, paths))}")
    return ds


def load_paths(
    store: Store,
    paths: Sequence[str | Path],
    *,
    sources: str | Path | None = None,
    catalog: Catalog | None = None,
    label: str = "",
    note: str = "",
    withdraw_missing: bool = False,
    loaded_at: datetime | None = None,
    on_file: Callable[[Path], None] | None = None,
) -> VintageSummary:
    """Validate every file, then write them to `store` as one vintage.

    `withdraw_missing`: figures of a source in this load that the load no longer states are withdrawn
    (a tombstone in the new vintage), so a re-curated dataset replaces its previous state.
    Raises ValidationError listing every failing row of every file; nothing is written then.
    """
    catalog = catalog or load_catalog()
    ds = collect(paths, sources)
    failures: list[RowFailure] = []
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
    store_fx: list[FxRate] = []
    if store.exists():
        for sid in store.sources().source_id.execute():
            infos.setdefault(sid, SourceInfo(sid))
        store_fx = fx_rates_of(store.fx_rates().execute())
    fx_frames = []
    for f in ds.fx:
        try:
            fx_frames.append(read_fx(f, list(infos)))
        except ValidationError as exc:
            failures += exc.failures
        if on_file:
            on_file(f)
    fx_frame = pd.concat(fx_frames, ignore_index=True) if fx_frames else None
    fx = FxTable(store_fx + (fx_rates_of(fx_frame) if fx_frame is not None else []))
    obs_frames = []
    for f in ds.observations:
        try:
            rows, _ = read_rows(f)
            obs_frames.append(normalise_rows(rows, file=str(f), catalog=catalog, fx=fx, sources=infos))
        except ValidationError as exc:
            failures += exc.failures
        if on_file:
            on_file(f)
    rule_rows = []
    for f in ds.rules:
        try:
            text = f.read_text(encoding="utf-8")
            load_rules(text, f.name, catalog)
        except UnicodeDecodeError:
            failures.append(RowFailure(str(f), None, None, None, "a rules file must be UTF-8 text"))
            continue
        except CatalogError as exc:
            failures.append(RowFailure(str(f), None, None, None, f"not a valid rules file: {exc}"))
        rule_rows.append({"name": f.name, "text": text, "sha256": sha256_file(f)})
        if on_file:
            on_file(f)
    if failures:
        raise ValidationError(failures)
    observations = pd.concat(obs_frames, ignore_index=True) if obs_frames else pd.DataFrame()
    digest = hashlib.sha256()
    for f in ds.all_files():
        digest.update(sha256_file(f).encode())
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
    )
    return write_batch(store, batch, label=label, note=note, loaded_at=loaded_at)


def write_batch(store: Store, batch: Batch, **kwargs) -> VintageSummary:
    """`store.write`, with an engine error turned into one that says nothing was changed."""
    try:
        return store.write(batch, **kwargs)
    except SectorscopeError:
        raise
    except Exception as exc:  # an engine error during the write: the store file was not replaced
        raise SectorscopeError(f"writing to {store.path} failed, nothing was changed: {exc}") from exc


def load_default(store: Store, **kwargs) -> VintageSummary:
    """Load the embedded default dataset (data/default) as a vintage; figures it dropped are withdrawn."""
    kwargs.setdefault("label", "default dataset")
    kwargs.setdefault("withdraw_missing", True)
    return load_paths(store, [default_dataset_dir()], **kwargs)
