"""Tables fit a 100-column terminal and never cut a code: columns are dropped (and the caption says which),
long text folds."""
from __future__ import annotations

from rich.cells import cell_len
from typer.testing import CliRunner

from sectorscope.cli.main import app
from sectorscope.model import load_catalog

runner = CliRunner()


def test_query_and_vintages_fit_100_columns(default_store_path):
    codes = set(load_catalog().codes())
    for args in (["query", "--limit", "50"], ["vintages"], ["catalog"], ["query", "-i", "market_size"]):
        r = runner.invoke(app, [*args, "--store", str(default_store_path)] if args[0] != "catalog" else args)
        assert r.exit_code == 0, r.output
        lines = r.stdout.splitlines()
        assert lines and max(cell_len(line) for line in lines) <= 100, (args, max(map(cell_len, lines)))
        if args[0] == "query":
            # every indicator cell is a whole catalog code (a cut one would not be in the catalog)
            cells = [c.strip() for line in lines if line.startswith("│") for c in line.split("│")[1:-1]]
            named = {c for c in cells if c.replace("_", "").isascii() and "_" in c}
            assert named and named <= codes | {""}, named - codes


def test_a_narrow_table_says_what_it_left_out(default_store_path):
    r = runner.invoke(app, ["vintages", "--store", str(default_store_path)])
    assert r.exit_code == 0
    if "not shown for width" in r.stdout:
        assert "--format json shows every column" in r.stdout
    r = runner.invoke(app, ["vintages", "--store", str(default_store_path), "--format", "json"])
    # one line per vintage: the load, the record batch, the figures derived from it, the analysis, the forecasts
    assert r.exit_code == 0 and r.stdout.count("\n") == 5 and '"n_withdrawn"' in r.stdout
