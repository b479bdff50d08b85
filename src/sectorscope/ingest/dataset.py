"""What a load is made of: the embedded default dataset's folder, and the files a set of paths names,
sorted into sources, FX, alert-rule and observation files.

Why apart from loading: commands that only need to know where the default dataset is, or which files a
folder holds, should not pay for pandas and the store.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError, Reason, printable

__all__ = ["OBS_SUFFIXES", "Dataset", "collect", "default_dataset_dir", "sha256_file"]

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
    """Sort the given paths into a Dataset. A folder contributes its sources.csv, fx_rates.csv, rules.yaml and
    every CSV/XLSX in it and in its observations/ subfolder; a folder that holds none of them is an error
    (a load of a wrong or empty folder would otherwise write a vintage with nothing in it)."""
    ds = Dataset()
    if sources:
        ds.sources.append(Path(sources))
    for p in map(Path, paths):
        if p.is_dir():
            if not _add_folder(ds, p):
                raise InputError(f"nothing to load in {printable(str(p))}: no sources.csv, fx_rates.csv, rules.yaml "
                                 "or .csv/.xlsx files", reason=Reason.FILE_NOT_FOUND)
        elif p.name == "sources.csv":
            ds.sources.append(p)
        elif p.name == "fx_rates.csv":
            ds.fx.append(p)
        elif p.name.endswith((".yaml", ".yml")):
            ds.rules.append(p)
        else:
            ds.observations.append(p)
    if not ds.observations and not ds.sources and not ds.fx and not ds.rules:
        raise InputError(f"nothing to load in {printable(', '.join(map(str, paths)))}", reason=Reason.FILE_NOT_FOUND)
    return ds


def _add_folder(ds: Dataset, p: Path) -> int:
    """Add a dataset folder's files to `ds`; how many there were."""
    before = len(ds.all_files())
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
    return len(ds.all_files()) - before
