"""Reading CSV files (issue #18): one parser for every size and line ending, exact cell counts, every bad row
named at once, bounded columns, cells and rows, and no whole-file copy in memory."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sectorscope.errors import InputError, Reason, ValidationError
from sectorscope.ingest import load_paths, read_table
from sectorscope.store import Store


@pytest.fixture(scope="module", params=["duckdb", "exact"], autouse=True)
def reader(request):
    """Every test twice: files of any size read by DuckDB, and by the exact reader (csv module) alone."""
    from sectorscope.ingest import read

    saved = read._DUCKDB_FROM
    read._DUCKDB_FROM = 0 if request.param == "duckdb" else 2**62
    yield request.param
    read._DUCKDB_FROM = saved


HEADER = "indicator,subject,period,value,unit,status,source,quote,location"
WIDTH = len(HEADER.split(","))


def _row(n: int, period: str = "2024") -> str:
    return f"market_size,成像仪,{period},100,亿元,actual,src-a,市场规模为100亿元,p{n}"


def _failures(info: pytest.ExceptionInfo[ValidationError]) -> list[tuple]:
    return [(f.file, f.row, f.field, f.code, f.reason) for f in info.value.failures]


def _wrong_cells(n: int) -> str:
    return (f"{n} cells, but the header has {WIDTH}: every row needs one cell per column (a file cut short, "
            "or a missing or extra comma)")


def test_short_and_long_rows_are_all_named_and_nothing_is_loaded(tmp_path, sources_csv):
    path = tmp_path / "obs.csv"
    short = ",".join(_row(2).split(",")[:WIDTH - 3])  # 6 of 9 cells: location, quote and source lost
    path.write_text("\n".join([HEADER, _row(1), short, _row(3), _row(4) + ",extra", _row(5)]) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        load_paths(Store(tmp_path / "s.duckdb"), [path], sources=sources_csv)
    assert _failures(info) == [(str(path), 3, None, Reason.WRONG_SHAPE, _wrong_cells(WIDTH - 3)),
                               (str(path), 5, None, Reason.WRONG_SHAPE, _wrong_cells(WIDTH + 1))]
    assert info.value.reason == Reason.WRONG_SHAPE
    assert f"{path}, row 3: {_wrong_cells(WIDTH - 3)}" in str(info.value)
    assert not (tmp_path / "s.duckdb").exists()


@given(cut=st.integers(min_value=0, max_value=len(_row(3).rsplit(",", 1)[0])))
def test_a_file_cut_in_its_last_row_is_refused(tmp_path_factory, cut):
    """Anywhere before the last row's last comma, a cut leaves too few cells: that row is named, not padded
    into a new figure."""
    path = tmp_path_factory.mktemp("cut") / "obs.csv"
    path.write_text("\n".join([HEADER, _row(1), _row(2), _row(3)[:cut]]), encoding="utf-8")
    if cut == 0:  # the file ends after row 2's newline: nothing was cut from a row
        assert len(read_table(path)) == 2
        return
    with pytest.raises(ValidationError) as info:
        read_table(path)
    n = _row(3)[:cut].count(",") + 1
    assert _failures(info) == [(str(path), 4, None, Reason.WRONG_SHAPE, _wrong_cells(n))]


def test_an_unterminated_quote_is_named(tmp_path):
    path = tmp_path / "obs.csv"
    path.write_text(f'{HEADER}\n{_row(1)}\nmarket_size,成像仪,2025,1,亿元,actual,src-a,"市场规模\n为1亿元,p2\n{_row(3)}\n',
                    encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        read_table(path)
    assert _failures(info) == [(str(path), 3, None, Reason.UNREADABLE,
                                'a quote (") opened in this row is never closed: lines 3 to 5 (the end of the file) '
                                "were read as one cell; close the quote")]


def test_row_numbers_are_the_line_a_record_starts_on(tmp_path):
    """Header = row 1; a record whose quoted cell spans lines has its first line's number; blank lines are
    skipped but counted."""
    path = tmp_path / "obs.csv"
    path.write_text(f'{HEADER}\n{_row(1)}\n\nmarket_size,成像仪,2025,1,亿元,actual,src-a,"两行\n的引文",p2\n{_row(3)}\n',
                    encoding="utf-8")
    frame = read_table(path)
    assert list(frame["_row"]) == [2, 4, 6]
    assert list(frame["quote"]) == ["市场规模为100亿元", "两行\n的引文", "市场规模为100亿元"]


def _field(cell: str) -> str:
    """A cell as a careful writer (Excel) writes it: quoted when it holds a comma, a quote or a line break.
    (csv.writer quotes only the characters of its own line terminator, so a bare CR with LF endings would be
    written unquoted: a line break to any reader.)"""
    return '"' + cell.replace('"', '""') + '"' if re.search(r'[,"\r\n]', cell) else cell


_CELL = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)


@given(rows=st.integers(min_value=2, max_value=5).flatmap(
           lambda w: st.lists(st.lists(_CELL, min_size=w, max_size=w), max_size=12).map(lambda r: (w, r))),
       eol=st.sampled_from(["\n", "\r\n", "\r"]), encoding=st.sampled_from(["utf-8", "utf-8-sig"]))
def test_any_table_reads_back_exactly_whatever_the_line_ending(tmp_path_factory, rows, eol, encoding):
    """Quoted newlines, quotes, commas, CR-only lines, a BOM: the cells come back stripped and every row
    numbered by the line it starts on."""
    width, data = rows
    header = [f"c{i}" for i in range(width)]
    lines = [",".join(map(_field, r)) + eol for r in [header, *data]]
    starts = [2 + sum(len(re.findall(r"\r\n|\r|\n", x)) for x in lines[1:i]) for i in range(1, len(lines))]
    path = tmp_path_factory.mktemp("t") / "t.csv"
    path.write_bytes("".join(lines).encode(encoding))
    frame = read_table(path)
    assert frame[header].values.tolist() == [[c.strip() for c in r] for r in data]
    assert list(frame["_row"]) == starts


def test_gb18030_with_cr_line_endings_and_a_quoted_newline(tmp_path):
    path = tmp_path / "gb.csv"
    text = "indicator,subject,note\rmarket_size,𠀀成像仪,\"第一行\r第二行 €\"\r"
    path.write_bytes(text.encode("gb18030"))
    frame = read_table(path)
    assert frame[["indicator", "subject", "note"]].values.tolist() == [["market_size", "𠀀成像仪", "第一行\r第二行 €"]]


def test_a_large_file_keeps_quoted_newlines(tmp_path):
    """Over 50 MB pandas switched to its pyarrow engine, which refused a newline inside quotes."""
    path = tmp_path / "big.csv"
    cell = ("y" * 999 + "\n") * 850
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("indicator,note,value\n")
        for i in range(62):
            fh.write(f'x{i},"{cell}",{i}\n')
    assert path.stat().st_size > 52_000_000
    frame = read_table(path)
    assert len(frame) == 62 and frame["note"].iloc[61] == cell.strip() and frame["value"].iloc[61] == "61"
    assert list(frame["_row"][:2]) == [2, 2 + 851]


def test_the_file_is_streamed_not_read_whole(tmp_path, monkeypatch):
    path = tmp_path / "obs.csv"
    path.write_text(HEADER + "\n" + _row(1) + "\n", encoding="utf-8")

    def whole(*a, **k):
        raise AssertionError("the file was read whole")

    monkeypatch.setattr(Path, "read_bytes", whole)
    monkeypatch.setattr(Path, "read_text", whole)
    assert len(read_table(path)) == 1


def test_too_many_columns_is_refused_from_the_header(tmp_path):
    from sectorscope.ingest.read import MAX_COLUMNS

    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(MAX_COLUMNS + 1)) + "\n" + "1," * MAX_COLUMNS + "1\n")
    with pytest.raises(InputError) as info:
        read_table(path)
    assert str(info.value) == (f"{path}: the header has 1,025 columns; sectorscope reads at most 1,024 (the long format "
                               "has 23, a wide file one per period): is this the right file?")
    assert info.value.reason == Reason.TOO_LARGE


def test_a_cell_beyond_the_limit_is_named(tmp_path):
    from sectorscope.ingest.read import MAX_CELL_CHARS

    path = tmp_path / "cell.csv"
    long = "整页引文\n" * (MAX_CELL_CHARS // 5 + 1)
    path.write_text(f'indicator,quote,value\nx,"{"页" * 5000}",1\nx,"{long}",2\n', encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        read_table(path)
    assert _failures(info) == [(str(path), 3, "quote", Reason.TOO_LARGE,
                                f"a cell of {len(long):,} characters; sectorscope reads cells up to 1,048,576")]


def test_a_row_beyond_the_limit_is_refused_before_it_is_held(tmp_path):
    from sectorscope.ingest.read import MAX_RECORD_CHARS

    path = tmp_path / "line.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("indicator,value\nx,1\n")
        fh.write("y" * (MAX_RECORD_CHARS + 10) + "\n")
    with pytest.raises(InputError) as info:
        read_table(path)
    assert str(info.value) == (f"{path}: row 3: a row of more than 16,777,216 characters; sectorscope reads rows up to "
                               "that size (is this a CSV file?)")


@pytest.mark.parametrize(("content", "message"), [
    (b"", "the file is empty: it needs a header row"),
    (b"\n\r\n  \n", "the file is empty: it needs a header row"),
    (b"a,b\n\xff\xfe\xfd\xfc\x80\x80", "cannot decode the file as UTF-8 or GB18030"),
])
def test_empty_and_undecodable_files(tmp_path, content, message):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_table(path)


def test_rows_are_gathered_in_batches_and_repeated_values_shared(tmp_path, monkeypatch):
    from sectorscope.ingest import read

    monkeypatch.setattr(read, "_BATCH", 9)  # two batches; in the first, 1 and 2 distinct values of 9 repeat
    path = tmp_path / "obs.csv"
    path.write_text(HEADER + "\n" + "\n".join(_row(n, period=f" {2020 + n % 2} ") for n in range(10)) + "\n",
                    encoding="utf-8")
    frame = read_table(path, strings="object")
    assert list(frame["location"]) == [f"p{n}" for n in range(10)]
    assert list(frame["period"]) == ["2020", "2021"] * 5
    assert list(frame["_row"]) == list(range(2, 12))
    assert len({id(v) for v in frame["indicator"]}) == 1 and len({id(v) for v in frame["period"]}) == 2
