"""Scratch folders for uploads and downloads, named after the server process that made them.

Why: a request's temporary folder is removed when the request ends, but a server killed mid-request (kill -9,
a power cut) never gets there, and the system temp folder fills with `sectorscope-upload-…` folders nobody
removes (issue #18). Each folder's name carries its process id; a server starting up removes the folders of
processes that no longer run.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["PREFIXES", "scratch_folder", "sweep_scratch"]

PREFIXES = ("sectorscope-upload-", "sectorscope-export-")


def scratch_folder(prefix: str) -> Path:
    """A new private folder `<prefix><pid>-<random>` in the system temp folder."""
    if prefix not in PREFIXES:
        raise ValueError(f"unknown scratch prefix {prefix!r}")
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive, and not ours to touch
        return True
    return True


def sweep_scratch(root: Path | None = None) -> list[Path]:
    """Remove the scratch folders of processes that are gone (and of this one's pid, reused from a dead one
    when the server starts); returns what was removed. Folders of other users are left alone."""
    root = Path(root or tempfile.gettempdir())
    removed = []
    for prefix in PREFIXES:
        for folder in root.glob(f"{prefix}*"):
            pid_text = folder.name[len(prefix):].split("-", 1)[0]
            if not pid_text.isdigit() or not folder.is_dir() or folder.stat().st_uid != os.getuid():
                continue
            pid = int(pid_text)
            if pid == os.getpid() or not _alive(pid):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    return removed
