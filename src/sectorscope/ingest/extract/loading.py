"""Loading extracted (or reviewed) candidates: one vintage whose source is the report itself, with the
report's text kept for the quote-offset check, through the same validation as every other file."""
from __future__ import annotations

import hashlib
import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import InputError
from ...model import Catalog, FxRate, FxTable, load_catalog, normalise
from ..columns import OPTIONAL, REQUIRED, ROW_COLUMN
from .document import Document
from .extractor import ACCEPT_CONFIDENCE, Extraction

if TYPE_CHECKING:
    import pandas as pd

    from ...store import Store, VintageSummary

__all__ = ["fx_table", "load_extraction", "load_review", "source_id_for"]

_LONG = {*REQUIRED, *OPTIONAL}
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def source_id_for(doc: Document) -> str:
    """A source id from the file name when it is a plain one, else from the text's hash (stable: the same
    report extracted twice is the same source, and a re-extraction makes revisions, not duplicates)."""
    stem = Path(doc.name).stem
    if _ID.match(stem):
        return stem
    return "report-" + hashlib.sha256(doc.original.encode()).hexdigest()[:10]


def _title(doc: Document) -> str:
    for line in doc.original.splitlines():
        if line.strip():
            return normalise(line.strip())[:200]
    return Path(doc.name).name


def _fx(store: Store) -> tuple[FxTable, pd.DataFrame | None, pd.DataFrame | None]:
    """The store's FX table; on a store without one, the default dataset's (loaded with its source), so
    figures in 美元 convert the same way the default dataset's do."""
    from ..reference_files import fx_rates_of

    if store.exists():
        rates = fx_rates_of(store.fx_rates().execute())
        if rates:
            return FxTable(rates), None, None
    return _default_fx()


def _default_fx() -> tuple[FxTable, pd.DataFrame, pd.DataFrame]:
    from ..dataset import default_dataset_dir
    from ..reference_files import fx_rates_of, read_fx, read_sources

    data = default_dataset_dir()
    sources, _ = read_sources(data / "sources.csv")
    fx = read_fx(data / "fx_rates.csv", list(sources["source_id"]))
    used = sources[sources["source_id"].isin(set(fx["source_id"]))]
    return FxTable(fx_rates_of(fx)), fx, used


class _FxWhenAsked(FxTable):
    """An FX table read on its first use: most reports state no foreign money, and reading the rates costs the
    CLI pandas (0.2 s of a 0.7 s one-page `extract`, measured)."""

    def __init__(self, store_path: str | Path | None) -> None:
        super().__init__()
        self._path, self._read = store_path, False

    def _load(self) -> None:
        if not self._read:
            self._read = True
            if self._path is not None and Path(self._path).exists():
                from ...store import Store

                self._rates = _fx(Store(self._path))[0]._rates
            else:
                self._rates = _default_fx()[0]._rates

    def __len__(self) -> int:
        self._load()
        return super().__len__()

    def rates(self) -> list[FxRate]:
        self._load()
        return super().rates()

    def rate(self, currency: str, year: int) -> tuple[FxRate, str]:
        self._load()
        return super().rate(currency, year)


def fx_table(store_path: str | Path | None = None) -> FxTable:
    """The exchange rates an extraction converts foreign money with (48.7亿美元 → 元 at its year's rate): the
    store's at `store_path` when it holds some, else the default dataset's — the rates a load would use, so
    what `extract` prints is what `extract --load` stores. Read when first asked for a rate, not before."""
    return _FxWhenAsked(store_path)


def _write(store: Store, rows: pd.DataFrame, doc: Document, *, file: str, source_id: str, title: str | None,
           catalog: Catalog | None, label: str, note: str, loaded_at: datetime | None) -> VintageSummary:
    """Validate the rows as an observation file of the report, then write them, the report's source (and
    the default FX table's, when the store has none) as one vintage."""
    import pandas as pd  # pandas, pandera and the store: only loading pays for them, not `extract`

    from ...store import Batch
    from ..load import write_batch
    from ..validate import SourceInfo, normalise_rows

    catalog = catalog or load_catalog()
    if rows.empty:
        raise InputError("no accepted candidates to load (lower --min-confidence, or accept rows in a review file)",
                         file=file)
    fx, fx_frame, fx_sources = _fx(store)
    infos = {source_id: SourceInfo(source_id, doc.original)}
    if fx_sources is not None:
        infos.update({s: SourceInfo(s) for s in fx_sources["source_id"]})
    if store.exists():
        for sid in store.sources().source_id.execute():
            infos.setdefault(sid, SourceInfo(sid))
    observations = normalise_rows(rows, file=file, catalog=catalog, fx=fx, sources=infos)
    digest = hashlib.sha256(doc.original.encode()).hexdigest()
    source = pd.DataFrame([{
        "source_id": source_id, "title": title or _title(doc), "title_en": None, "publisher": None,
        "published": None, "document": Path(doc.name).name, "document_sha256": digest, "lang": "zh",
        "note": f"extracted by sectorscope extract from {Path(doc.name).name} ({doc.encoding})",
    }])
    sources = pd.concat([source, fx_sources], ignore_index=True) if fx_sources is not None else source
    batch = Batch(observations=observations, sources=sources, fx_rates=fx_frame,
                  indicators=pd.DataFrame(catalog.records()), files=[doc.name, file], sha256=digest)
    return write_batch(store, batch, label=label, note=note, loaded_at=loaded_at)


def load_extraction(store: Store, extraction: Extraction, *, source_id: str | None = None, title: str | None = None,
                    min_confidence: float = ACCEPT_CONFIDENCE, catalog: Catalog | None = None,
                    label: str = "", note: str = "", loaded_at: datetime | None = None) -> VintageSummary:
    """Load the accepted candidates of `extraction` as one vintage with the report as their source."""
    from .review import to_rows

    doc = extraction.document
    sid = source_id or source_id_for(doc)
    frame = to_rows(extraction, sid, candidates=extraction.loadable(min_confidence))
    rows = frame.drop(columns=[c for c in frame.columns if c not in _LONG]).assign(**{ROW_COLUMN: range(2, len(frame) + 2)})
    return _write(store, rows, doc, file=f"{doc.name} (extracted)", source_id=sid, title=title, catalog=catalog,
                  label=label or f"extract {Path(doc.name).name}", note=note, loaded_at=loaded_at)


def load_review(store: Store, review: str | Path, doc: Document, *, source_id: str | None = None,
                title: str | None = None, catalog: Catalog | None = None, label: str = "", note: str = "",
                loaded_at: datetime | None = None) -> VintageSummary:
    """Load an analyst's corrected review file (its rows with accept = yes) for the report `doc`."""
    from .review import read_review

    rows = read_review(review)
    sid = source_id or source_id_for(doc)
    if "source" in rows.columns:
        other = rows[(rows["source"] != sid) & (rows["source"] != "")]
        if len(other):
            r = int(other.iloc[0][ROW_COLUMN])
            raise InputError(f"row {r}, field source: {other.iloc[0]['source']!r} is not this report's source id "
                             f"{sid!r} (use --source-id)", file=str(review))
    return _write(store, rows, doc, file=str(review), source_id=sid, title=title, catalog=catalog,
                  label=label or f"review {Path(review).name}", note=note, loaded_at=loaded_at)

