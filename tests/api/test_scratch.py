"""Scratch folders of a killed server are removed by the next one (issue #18, defect 6)."""
from __future__ import annotations

import os
import subprocess
import sys

from sectorscope.api.scratch import scratch_folder, sweep_scratch


def test_a_dead_servers_scratch_folders_are_swept_and_a_live_ones_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    live_pid = os.getppid()
    left = [tmp_path / f"sectorscope-upload-{dead_pid}-abc", tmp_path / f"sectorscope-export-{dead_pid}-x"]
    kept = [tmp_path / f"sectorscope-upload-{live_pid}-def", tmp_path / "sectorscope-upload-notapid",
            tmp_path / "other-folder"]
    for f in left + kept:
        f.mkdir()
        (f / "observations.csv").write_text("x")
    mine = scratch_folder("sectorscope-upload-")
    assert mine.parent == tmp_path and mine.name.startswith(f"sectorscope-upload-{os.getpid()}-")
    removed = sweep_scratch()
    assert sorted(removed) == sorted([*left, mine])  # this pid's folders are a dead process's when a server starts
    assert all(f.exists() for f in kept) and not any(f.exists() for f in left)
