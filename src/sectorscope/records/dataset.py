"""The record files a dataset folder ships (`records/records.yaml`), loaded into a store's record set by the main
job — each file once.

Why a list in the dataset and not "every CSV under records/": a record file needs what its bytes do not say
(the HS edition its codes are in, its publisher, the concordance that maps it), and a customs export looks
like any other CSV. Why "once": the main job is re-run on the same folder; a batch is never overwritten, and
a file whose bytes are already a batch of the store is skipped rather than refused, so a re-run adds no
vintage. A changed file is a new batch (its own sha256); it supersedes nothing unless the list says so.

    # records/records.yaml
    files:
      - file: customs_cn_2021_2025.csv     # relative to this folder
        hs_edition: HS2022
        publisher: 海关总署
        format: customs_cn                  # optional: found from the header otherwise
        supersedes: []                      # optional: batch ids this file corrects
    concordance: ../concordance/hs_catalog.csv   # optional: the default dataset's otherwise
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, Reason

if TYPE_CHECKING:
    from ..store import Store
    from .load import LoadedRecords

__all__ = ["RECORDS_FILE", "DatasetLoad", "DatasetRecords", "RecordSource", "load_dataset_records", "read_dataset_records"]

RECORDS_FILE = Path("records") / "records.yaml"
_FILE_KEYS = {"file", "hs_edition", "publisher", "format", "supersedes"}
_TOP_KEYS = {"files", "concordance"}


@dataclass(frozen=True)
class RecordSource:
    """One record file of a dataset, with what its loader needs to know."""

    path: Path
    hs_edition: str
    publisher: str = ""
    fmt: str | None = None
    supersedes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DatasetRecords:
    """A dataset's record files and the concordance that maps them (None: the default dataset's)."""

    file: Path
    sources: tuple[RecordSource, ...] = ()
    concordance: Path | None = None


def _text(value: Any, key: str, file: Path, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{key}: expected text, got {value!r}", file=str(file), reason=Reason.BAD_VALUE)
    return value.strip()


def read_dataset_records(dataset_dir: str | Path) -> DatasetRecords | None:
    """The dataset's `records/records.yaml`, checked (None when the dataset has none). InputError naming the
    file and key for an unknown key, a missing field, a file that does not exist or a file listed twice."""
    import yaml

    from .formats import FORMATS
    from .nomenclature import EDITIONS as HS_EDITIONS

    path = Path(dataset_dir) / RECORDS_FILE
    if not path.is_file():
        return None
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"not a valid YAML file: {exc}", file=str(path), reason=Reason.UNREADABLE) from None
    if not isinstance(raw, dict):
        raise InputError("expected a mapping with the key files (and optionally concordance)", file=str(path),
                         reason=Reason.WRONG_SHAPE)
    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        raise InputError(f"unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_TOP_KEYS))}",
                         file=str(path), reason=Reason.WRONG_SHAPE)
    files = raw.get("files") or []
    if not isinstance(files, list):
        raise InputError("files: expected a list of record files", file=str(path), reason=Reason.WRONG_SHAPE)
    out: list[RecordSource] = []
    seen: set[Path] = set()
    for n, item in enumerate(files, start=1):
        where = f"files[{n}]"
        if not isinstance(item, dict):
            raise InputError(f"{where}: expected a mapping with file and hs_edition", file=str(path),
                             reason=Reason.WRONG_SHAPE)
        bad = sorted(set(item) - _FILE_KEYS)
        if bad:
            raise InputError(f"{where}: unknown key(s) {', '.join(bad)}; known: {', '.join(sorted(_FILE_KEYS))}",
                             file=str(path), reason=Reason.WRONG_SHAPE)
        rel = _text(item.get("file"), f"{where}.file", path)
        target = (path.parent / rel).resolve()
        if not target.is_file():
            raise InputError(f"{where}.file: {rel} does not exist next to {RECORDS_FILE.name}", file=str(path),
                             reason=Reason.FILE_NOT_FOUND)
        if target in seen:
            raise InputError(f"{where}.file: {rel} is listed twice", file=str(path), reason=Reason.DUPLICATE)
        seen.add(target)
        edition = _text(item.get("hs_edition"), f"{where}.hs_edition", path)
        if edition not in HS_EDITIONS:
            raise InputError(f"{where}.hs_edition: {edition!r} is not one of {', '.join(HS_EDITIONS)}",
                             file=str(path), reason=Reason.BAD_VALUE)
        fmt = _text(item.get("format"), f"{where}.format", path, required=False) or None
        if fmt is not None and fmt not in FORMATS:
            raise InputError(f"{where}.format: {fmt!r} is not one of {', '.join(FORMATS)}", file=str(path),
                             reason=Reason.BAD_VALUE)
        sup = item.get("supersedes") or []
        if not isinstance(sup, list) or not all(isinstance(s, str) and s.strip() for s in sup):
            raise InputError(f"{where}.supersedes: expected a list of batch ids", file=str(path),
                             reason=Reason.BAD_VALUE)
        out.append(RecordSource(target, edition, _text(item.get("publisher"), f"{where}.publisher", path,
                                                       required=False), fmt, tuple(s.strip() for s in sup)))
    conc = None
    if raw.get("concordance") is not None:
        conc = (path.parent / _text(raw["concordance"], "concordance", path)).resolve()
        if not conc.is_file():
            raise InputError(f"concordance: {raw['concordance']} does not exist", file=str(path),
                             reason=Reason.FILE_NOT_FOUND)
    return DatasetRecords(path, tuple(out), conc)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class DatasetLoad:
    """What loading a dataset's record files did: the batches committed and the files skipped as already
    loaded (their batch ids)."""

    records: DatasetRecords | None
    loaded: list[LoadedRecords] = field(default_factory=list)
    skipped: dict[Path, str] = field(default_factory=dict)


def load_dataset_records(store: Store, dataset_dir: str | Path, **load_options: Any) -> DatasetLoad:
    """Load every record file `records/records.yaml` lists that the store's record set does not already hold
    (by the sha256 of its bytes), in the listed order; `load_options` go to `load_records` (root, loaded_at
    …). Each file is its own batch: a failing file raises its error and leaves the batches committed before
    it in place, as loading the files one by one would."""
    from .batches import list_batches
    from .load import load_records

    spec = read_dataset_records(dataset_dir)
    result = DatasetLoad(spec)
    if spec is None:
        return result
    held = list_batches(store)
    by_sha = dict(zip(held["sha256"], held["batch_id"], strict=True)) if len(held) else {}
    for src in spec.sources:
        sha = _sha256(src.path)
        if sha in by_sha:
            result.skipped[src.path] = str(by_sha[sha])
            continue
        loaded = load_records(store, src.path, hs_edition=src.hs_edition, fmt=src.fmt, publisher=src.publisher,
                              supersedes=src.supersedes, **load_options)
        by_sha[sha] = loaded.summary.batch_id
        result.loaded.append(loaded)
    return result
