"""Reading XLSX files (issue #18): formulas refused by cell, a zip bomb or an oversized sheet refused before it
is expanded, and every other cell read as pandas.read_excel(dtype=str) read it."""
from __future__ import annotations

import datetime as dt
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from sectorscope.errors import InputError, Reason, ValidationError
from sectorscope.ingest import load_paths, read_table
from sectorscope.store import Store

from ..conftest import obs


def _book(path: Path, rows: list[list]) -> Path:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def _with_sheet(path: Path, sheet_xml: str, level: int = 9) -> Path:
    """`path` (a workbook) with its first sheet's XML replaced, as a hand-made file could be."""
    with zipfile.ZipFile(path) as zi:
        parts = {i.filename: zi.read(i.filename) for i in zi.infolist()}
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zo:
        for name, data in parts.items():
            zo.writestr(name, data)
    return path


def _sheet(rows: str, dimension: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"{dim}<sheetData>{rows}</sheetData></worksheet>")


HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>indicator</t></is></c><c r="B1" t="inlineStr"><is><t>value</t></is></c></row>'


def test_a_formula_is_refused_naming_sheet_and_cell(tmp_path, sources_csv):
    """openpyxl and pandas write formulas without a cached value: the figure loaded silently empty."""
    header = list(obs().keys())
    row = list(obs().values())
    path = _book(tmp_path / "f.xlsx", [header, row, [*row[:3], "=B2*2", *row[4:-1], "p2"]])
    with pytest.raises(ValidationError) as info:
        load_paths(Store(tmp_path / "s.duckdb"), [path], sources=sources_csv)
    assert [(f.file, f.row, f.field, f.code, f.reason) for f in info.value.failures] == [
        (str(path), 3, "value", Reason.BAD_VALUE,
         "Sheet!D3 is a formula (=B2*2); paste values (Copy, then Paste Special → Values) so the file holds the "
         "figure itself")]
    assert not (tmp_path / "s.duckdb").exists()


def test_cells_read_as_before(tmp_path):
    """Numbers, dates, booleans, blank rows inside and after the data, a ragged last column: the same text
    as pandas.read_excel(dtype=str) gave (the reader it replaces), with sheet row numbers."""
    path = _book(tmp_path / "t.xlsx", [
        ["indicator", "value", " note ", "d"],
        ["a", 100, "  x  ", dt.datetime(2024, 1, 2)],
        ["b", 165.3, True, dt.date(2024, 3, 4)],
        [],
        ["c", 1e16, None, -4.70],
        ["d", None, "", None, "far"],
        [], [],
    ])
    old = pd.read_excel(path, dtype=str, keep_default_na=False, header=None, engine="openpyxl")
    old.columns = [str(c).strip() for c in old.iloc[0]]
    old = old.iloc[1:].reset_index(drop=True).astype(str).apply(lambda s: s.str.strip())
    got = read_table(path)
    assert got.drop(columns="_row").values.tolist() == old.values.tolist()
    assert list(got.columns[:-1]) == list(old.columns) == ["indicator", "value", "note", "d", ""]
    assert list(got["_row"]) == [2, 3, 4, 5, 6]
    assert got["value"].tolist() == ["100", "165.3", "", "10000000000000000", ""]


def test_a_zip_bomb_is_refused_before_it_is_expanded(tmp_path):
    junk = "<row/>" * 1_500_000  # 9 MB of rows that compress to a few KB: no dimension to check
    path = _with_sheet(_book(tmp_path / "bomb.xlsx", [["indicator", "value"]]), _sheet(HEADER_ROW + junk))
    t0 = time.perf_counter()
    with pytest.raises(InputError) as info:
        read_table(path)
    assert time.perf_counter() - t0 < 5
    msg = str(info.value)
    assert msg.startswith(f"{path}: xl/worksheets/sheet1.xml expands ") and "× (" in msg
    assert "more than 100× is what a zip bomb or a sheet of junk rows does" in msg
    assert info.value.reason == Reason.TOO_LARGE


def test_a_declared_sheet_beyond_excel_is_refused_before_its_rows_are_read(tmp_path):
    path = _with_sheet(_book(tmp_path / "big.xlsx", [["indicator", "value"]]),
                       _sheet(HEADER_ROW, dimension="A1:B1500000"))
    with pytest.raises(InputError) as info:
        read_table(path)
    assert str(info.value) == (f"{path}: sheet 'Sheet' declares 1,500,000 rows (A1:B1500000); a sheet has at most "
                               "1,048,576 (Excel's limit)")


def test_rows_beyond_the_limit_are_refused_while_reading(tmp_path, monkeypatch):
    """A sheet that declares no dimension (or a wrong one) is still bounded as it streams."""
    from sectorscope.ingest import read

    monkeypatch.setattr(read, "MAX_SHEET_ROWS", 5)
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x</t></is></c><c r="B{r}"><v>{r}</v></c></row>'
                   for r in range(2, 10))
    path = _with_sheet(_book(tmp_path / "rows.xlsx", [["indicator", "value"]]), _sheet(HEADER_ROW + rows))
    with pytest.raises(InputError, match=r"sheet 'Sheet' has more than 5 rows \(Excel's limit\)"):
        read_table(path)


def test_a_workbook_expanding_beyond_the_limit_is_refused(tmp_path, monkeypatch):
    from sectorscope.ingest import read

    path = _book(tmp_path / "x.xlsx", [["indicator", "value"], ["x", 1]])
    total = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
    monkeypatch.setattr(read, "MAX_BYTES", total - 1)
    with pytest.raises(InputError) as info:
        read_table(path)
    assert str(info.value) == (f"{path}: the workbook expands to {total:,} bytes; sectorscope reads at most "
                               f"{total - 1:,}: split it or save its sheet as CSV")


def test_not_a_workbook(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(InputError, match="not a readable XLSX workbook"):
        read_table(path)
