"""The reader of whitespace layout tables numbered by rank: a header line whose first word is 序号, 排名 or
名次, then one line per rank (`1 name …`, `2 …`), cells separated by spaces.

Why a reader of its own: here the separators survived, so a cell is simply a line's token — none of the
split enumeration flattened tables need — but the rows must still be told from prose that happens to begin
with a number, which the consecutive ranks do.
"""
from __future__ import annotations

import re

from ....model import parse_number
from ..candidate import Candidate, TableCell
from ..document import Document
from ..lexicon import Lexicon
from .cell_meaning import context_year, indicator_of
from .result import Table, TableResult
from .text_scan import LABEL_BAD

__all__ = ["read_rank_layout"]

_RANK_HEADERS = ("序号", "排名", "名次")
_Line = tuple[int, str]                   # (start in the normalised text, the line)
_Row = tuple[int, str, list[str]]          # (start, line, its tokens)


def _ranked_rows(lines: list[_Line], i: int, width: int) -> tuple[list[_Row], int]:
    """The lines after header line i that hold ranks 1, 2, … (blank lines skipped; none wider than the
    header), and the index of the first line after them."""
    rows = []
    j = i + 1
    expect = 1
    while j < len(lines):
        ls, line = lines[j]
        toks = line.split()
        if not toks:
            j += 1
            continue
        if toks[0] != str(expect) or len(toks) > width:
            break
        rows.append((ls, line, toks))
        expect += 1
        j += 1
    return rows, j


def _key_column(tokens: list[str], lexicon: Lexicon) -> tuple[str, int]:
    """(dimension, column) of the first header token that is a row key, or ("", -1)."""
    for c, t in enumerate(tokens[1:], start=1):
        if t in lexicon.row_keys:
            return lexicon.row_keys[t], c
    return "", -1


def _caption(lines: list[_Line], i: int) -> str:
    """A short line right above the header that reads as a caption, or ''."""
    if i == 0:
        return ""
    p = lines[i - 1][1].strip()
    if p and len(p) <= 24 and not LABEL_BAD.search(p) and not p.startswith("数据来源"):
        return p
    return ""


def _row_cells(doc: Document, lexicon: Lexicon, table: Table, tokens: list[str], key: tuple[str, int],
               year: str, ri: int, row: _Row) -> list[Candidate]:
    """A Candidate per numeric token of one ranked row."""
    text = doc.text
    ls, line, toks = row
    key_dim, key_col = key
    label = f"第{toks[0]}行"
    table.rows.append((label, toks))
    qs, qe = doc.span(ls, ls + len(line))
    dims = {key_dim: toks[key_col]} if key_dim and key_col < len(toks) and key_dim != "period" else {}
    out = []
    pos = ls
    for ci, tok in enumerate(toks):
        tpos = text.index(tok, pos)
        pos = tpos + len(tok)
        if not re.fullmatch(r"[+\-]?\d+(?:\.\d+)?%?", tok):
            continue
        num = tok.rstrip("%")
        s, e = doc.span(tpos, tpos + len(num))
        out.append(Candidate(
            printed=parse_number(num), unit_as_printed="%" if tok.endswith("%") else "",
            value_as_printed=tok, start=s, end=e, quote=doc.original[qs:qe], quote_start=qs, quote_end=qe,
            sentence=line.strip(), period=year, indicator=indicator_of(lexicon, tokens[ci], [])[0],
            dimensions=dict(dims), confidence=0.75 if year else 0.7, kind="table",
            why=["whitespace layout table: cells are the line's tokens",
                 "period from the nearest year before the table (the table names none)" if year else "no period"],
            cell=TableCell(table.name, label, tokens[ci], ri, ci)))
    return out


def read_rank_layout(doc: Document, lexicon: Lexicon, res: TableResult) -> None:
    """Whitespace-separated tables: a header line with a rank column, then lines `1 name …`, `2 …`."""
    text = doc.text
    lines = [(m.start(), m.group(0)) for m in re.finditer(r"[^\n]+", text)]
    i = 0
    while i < len(lines):
        hs, hline = lines[i]
        tokens = hline.split()
        if len(tokens) < 3 or tokens[0] not in _RANK_HEADERS:
            i += 1
            continue
        rows, j = _ranked_rows(lines, i, len(tokens))
        if len(rows) < 2:
            i += 1
            continue
        name = _caption(lines, i) or " / ".join(tokens)
        end = rows[-1][0] + len(rows[-1][1])
        table = Table(name=name, start=hs, end=end, key=tokens[0], columns=tokens[1:])
        key = _key_column(tokens, lexicon)
        year = context_year(text, hs)
        for ri, row in enumerate(rows):
            res.cells += _row_cells(doc, lexicon, table, tokens, key, year, ri, row)
        res.tables.append(table)
        res.spans.append((hs, end))
        i = j
