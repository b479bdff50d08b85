"""The reader of tables whose cell separators were lost when the report was turned into text.

Why a reader of its own: the printed table still carries enough structure to rebuild it. A row-key header
(年份, 产品类别 …, from the lexicon) opens the table; the header cells that follow tell how many cells a row
has and what they mean; rows are keyed by consecutive years or by text labels. Every split that obeys the
hard rules is enumerated (`splits`), evidence narrows them (`resolve`), and a row that stays ambiguous is
reported as an Ambiguity, never guessed. Ambiguity offsets, like candidate offsets, are offsets into the
original text.
"""
from __future__ import annotations

import re

from ..candidate import Ambiguity, Candidate, TableCell
from ..document import Document
from ..lexicon import Lexicon
from .cell_meaning import indicator_of, period_of, status_of
from .columns import SHARE_OF_WHOLE, Column, header_base, make_column, unit_or_year
from .identities import Identities, find_identities
from .resolve import RowOutcome, resolve_rows
from .result import Table, TableResult
from .rows import MAX_SEQUENCES, read_label_rows, read_year_rows
from .text_scan import BOUNDARY, YEAR, bad_label, header_chunks, label_zone_end

__all__ = ["read_flattened"]

_CAPTION = re.compile(r"表\s*\d+(?:[-.]\d+)?[^。!?;\n]{0,60}$")


def _emit(doc: Document, lexicon: Lexicon, table: Table, cols: list[Column], key_dim: str, year_rows: bool,
          outs: list[RowOutcome], res: TableResult) -> None:
    """A table's rows into the result: an Ambiguity per open row, a Candidate per number of a resolved one."""
    text = doc.text
    for ri, ro in enumerate(outs):
        qs, qe = doc.span(ro.start, ro.end)
        if ro.split is None:
            table.rows.append((ro.label, []))
            res.ambiguities.append(Ambiguity(
                table=table.name, row=ro.label, start=qs, end=qe, text=doc.original[qs:qe],
                readings=[[c.printed for c in s.cells] for s in ro.readings],
                reason=("no split of the row fits the header" if not ro.readings else
                        f"{len(ro.readings)} splits fit the columns, formats and identities")))
            continue
        table.rows.append((ro.label, [c.printed for c in ro.split.cells]))
        status = status_of(ro.label)
        for ci, (col, cell) in enumerate(zip(cols, ro.split.cells, strict=False)):
            period, pwhy = period_of(col, ro.label, year_rows, cols, text, table.start)
            for k, num in enumerate(cell.nums):
                colname = col.header if not col.parts else f"{header_base(col.header)} / {col.parts[k]}"
                unit = col.unit or cell.unit or ("%" if col.parts and any(w in col.header for w in SHARE_OF_WHOLE) else "")
                qualifier = "exact"
                if cell.prefix[:1] in ("<", "≤"):
                    qualifier = "at_most"
                elif cell.prefix[:1] in (">", "≥"):
                    qualifier = "at_least"
                dims = {key_dim: ro.label} if key_dim and key_dim != "period" else {}
                s, e = doc.span(num.start, num.end)
                ind, iwhy = indicator_of(lexicon, colname, cols, ro.label if key_dim != "period" else "")
                why = [*ro.why, pwhy, iwhy]
                conf = ro.confidence - (0.1 if pwhy.startswith("period from the nearest") else 0.0)
                cand = Candidate(
                    printed=cell.value(k), unit_as_printed=unit,
                    value_as_printed=cell.printed if len(cell.nums) == 1 else num.text,
                    start=s, end=e, quote=doc.original[qs:qe], quote_start=qs, quote_end=qe,
                    sentence=text[ro.start:ro.end], qualifier=qualifier, period=period,
                    indicator=ind, dimensions=dims,
                    confidence=round(max(conf, 0.05), 2), why=why, kind="table",
                    cell=TableCell(table.name, ro.label, colname, ri, ci))
                if status:
                    cand.status = status
                res.cells.append(cand)


def _key_hits(text: str, lexicon: Lexicon) -> list[tuple[int, int, str, str, str, int]]:
    """Row-key headers that open a sentence (or follow a caption `表3 …`): (start, end, key, dimension,
    caption, caption start)."""
    terms = sorted(lexicon.row_keys, key=len, reverse=True)
    terms = [t for t in terms if len(t) >= 2]
    if not terms:
        return []
    rx = re.compile("|".join(map(re.escape, terms)))
    out = []
    for m in rx.finditer(text):
        if m.start() == 0 or text[m.start() - 1] in BOUNDARY:
            out.append((m.start(), m.end(), m.group(0), lexicon.row_keys[m.group(0)], "", m.start()))
            continue
        c = _CAPTION.search(text, max(0, m.start() - 70), m.start())
        if c:
            out.append((m.start(), m.end(), m.group(0), lexicon.row_keys[m.group(0)],
                        c.group(0).strip(" :"), c.start()))
    return out


def _last_paren(chunk: str) -> str:
    """The text of the parenthesised group a header chunk ends with (every chunk ends with one)."""
    m = re.search(r"\(([^()]*)\)$", chunk)
    return m.group(1) if m else ""


def _header(text: str, start: int, zend: int, dim: str) -> tuple[list[str], str] | None:
    """(value-column headers, first row label) of the label zone text[start:zend] after a row key, or None
    when it is no table header. A year table's header is all columns; a label table's columns are the
    chunks whose group is a unit or a year, and what follows them is the first row's label."""
    chunks, tail = header_chunks(text[start:zend])
    if not chunks:
        return None
    if dim == "period":
        if tail or not YEAR.match(text, zend):
            return None
        headers, first_label = chunks, ""
    else:
        n = 0
        while n < len(chunks) and unit_or_year(_last_paren(chunks[n])):
            n += 1
        if n == 0:
            return None
        headers = chunks[:n]
        first_label = "".join(chunks[n:]) + tail
        if not first_label or bad_label(first_label) or len(first_label) > 40:
            return None
    if any(bad_label(h) for h in headers):
        return None
    return headers, first_label


def _year_outcomes(text: str, zend: int, limit: int, cols: list[Column], ids: Identities) -> list[RowOutcome] | None:
    """The rows of a year-keyed table, resolved under the best row-boundary sequence; rows on which the
    equally good sequences disagree are left open."""
    seqs = read_year_rows(text, zend, limit, cols)
    if not seqs:
        return None
    scored = [(resolve_rows(seq, cols, ids, True), seq) for seq in seqs]
    best = min(s[0][0] for s in scored)
    win = [s for s in scored if s[0][0] == best]
    outs = win[0][0][1]
    if len(seqs) >= MAX_SEQUENCES:  # the enumeration was cut short: nothing in this table is certain
        return [RowOutcome(o.label, o.start, o.end, None, [o.split] if o.split else o.readings,
                           ["too many row-boundary readings"], 0.0) for o in outs]
    for w in win[1:]:  # row boundaries themselves ambiguous: keep only rows all readings agree on
        other = w[0][1]
        if len(other) != len(outs):
            return [RowOutcome(o.label, o.start, o.end, None, o.readings, ["row boundaries ambiguous"], 0.0)
                    for o in outs]
        outs = [o if (p.split and o.split and p.split.cells == o.split.cells) else
                RowOutcome(o.label, o.start, o.end, None, [x for x in (o.split, p.split) if x] or o.readings,
                           ["row boundaries ambiguous"], 0.0) for o, p in zip(outs, other, strict=True)]
    return outs


def read_flattened(doc: Document, lexicon: Lexicon, res: TableResult) -> None:
    """Every flattened table of `doc` into `res`; a table's text is not read again for the next one."""
    text = doc.text
    taken_until = -1
    for ks, ke, key, dim, caption, cs in _key_hits(text, lexicon):
        if ks < taken_until:
            continue
        line_end = text.find("\n", ke)
        limit = len(text) if line_end < 0 else line_end
        zend = label_zone_end(text, ke, limit)
        header = _header(text, ke, zend, dim)
        if header is None:
            continue
        headers, first_label = header
        cols = [make_column(h) for h in headers]
        ids = find_identities(cols, dim == "period")
        if dim == "period":
            outs = _year_outcomes(text, zend, limit, cols, ids)
        else:
            rows = read_label_rows(text, zend, limit, cols, first_label)
            outs = resolve_rows(rows, cols, ids)[1] if len(rows) >= 2 else None
        if outs is None:
            continue
        end = max(o.end for o in outs)
        name = caption or " / ".join([key, *headers])
        table = Table(name=name, start=cs, end=end, key=key, columns=headers)
        _emit(doc, lexicon, table, cols, dim, dim == "period", outs, res)
        res.tables.append(table)
        res.spans.append((cs, end))
        taken_until = end
