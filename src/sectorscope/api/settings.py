"""What one server serves: the store, the data directory requests may name files in, the dataset whose
configuration it reads (alert rules, analytics settings, the documents TRL evidence is checked against),
whether writes are allowed, the tokens file and the limits.

Why a data directory: a request may name a file (an alert rule file to evaluate); every such name is
resolved and must lie inside `data_dir`, so `../`, absolute paths and their URL-encoded forms reach
nothing else. The operator's own choices (`--rules`, the dataset) are not request input and may lie anywhere.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .limits import Limits
from .problems import ApiProblem
from .security import TokenStore, tokens_path_for

__all__ = ["ApiSettings", "confined"]


@dataclass(frozen=True)
class ApiSettings:
    store_path: Path
    data_dir: Path
    dataset_dir: Path | None = None      # alerts.yaml, analytics/ (default: the embedded default dataset)
    rules_path: Path | None = None       # default alert rules (default: the dataset's alerts.yaml)
    allow_writes: bool = False
    token_store: TokenStore | None = None
    limits: Limits = field(default_factory=Limits)

    @classmethod
    def make(cls, store_path: str | Path, *, data_dir: str | Path | None = None, dataset_dir: str | Path | None = None,
             rules_path: str | Path | None = None, allow_writes: bool = False, token_store: TokenStore | None = None,
             limits: Limits | None = None) -> ApiSettings:
        store_path = Path(store_path).resolve()
        data = Path(data_dir).resolve() if data_dir is not None else store_path.parent
        return cls(store_path=store_path, data_dir=data,
                   dataset_dir=Path(dataset_dir).resolve() if dataset_dir is not None else None,
                   rules_path=Path(rules_path).resolve() if rules_path is not None else None,
                   allow_writes=allow_writes, token_store=token_store or TokenStore(tokens_path_for(store_path)),
                   limits=limits or Limits())


def confined(data_dir: Path, name: str, *, suffixes: tuple[str, ...] = ()) -> Path:
    """The file `name` names inside `data_dir`, refused (403) when it resolves anywhere else — `..`, an
    absolute path, a symlink pointing out — and 404 when there is no such file."""
    if not name or "\x00" in name or len(name) > 255:
        raise ApiProblem(400, "bad-path", "give a file name relative to the server's data directory")
    root = data_dir.resolve()
    try:
        path = (root / name).resolve()
    except (OSError, RuntimeError, ValueError):
        raise ApiProblem(400, "bad-path", f"{name!r} is not a usable file name") from None
    if not path.is_relative_to(root):
        raise ApiProblem(403, "outside-data-dir", f"{name!r} lies outside the server's data directory; name a file "
                         "inside it (relative, without ..)")
    if suffixes and path.suffix.lower() not in suffixes:
        raise ApiProblem(400, "bad-path", f"{name!r}: expected a {' or '.join(suffixes)} file")
    if not path.is_file():
        raise ApiProblem(404, "no-such-file", f"no file {name!r} in the server's data directory")
    return path
