"""The concordance: which HS codes belong to which of the catalog's markets and products, kept as data
(data/default/concordance/hs_catalog.csv) so that an analyst extends it without code.

Why a longest-prefix rule: a 6-digit row says what a whole subheading is; an 8- or 10-digit row refines one
national line of it (an analyst who knows that 85011091 alone is the micro-motor line writes that row, and the
rest of 850110 keeps the 6-digit mapping). Why per HS edition: codes move between editions (HS2017 852580 is
HS2022 852581…852589; the seed's 8548.90 no longer exists in HS2022), so a line matches only the rows of its
own batch's edition. Why shares: a code wider than the market (HS2017 9026 holds the MEMS pressure sensors
that HS2022 moved to 8541.51, and much else) counts for the market only with the part its row states, and that
part names its source. Shares of one code for one market add up to at most 1; a code may count for two markets
(a MEMS pressure sensor is also a sensor).

The match is an Ibis join per prefix length (no Python per line), so it runs on DuckDB and on Spark alike, and
lines whose code maps to nothing are counted and reported by `unmapped`, never dropped silently.
"""
from __future__ import annotations

import csv
import hashlib
import uuid
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, Reason, RowFailure, ValidationError

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pyarrow as pa
    from ibis.backends import BaseBackend

__all__ = [
    "CODE_LENGTHS",
    "COLUMNS",
    "EDITIONS",
    "Concordance",
    "ConcordanceRow",
    "apply",
    "load_concordance",
    "materialised",
    "unmapped",
]

COLUMNS = ("version", "hs_edition", "code", "market", "product", "share", "source", "note")
EDITIONS = ("HS2012", "HS2017", "HS2022")
CODE_LENGTHS = (6, 8, 10)
_SHARE_DECIMALS = 6


@dataclass(frozen=True)
class ConcordanceRow:
    """One mapping: the trade of `code` (and of every longer code it prefixes that has no row of its own) in
    `hs_edition` counts for `market`/`product` with `share` of its value. `row` is its line in the file."""

    hs_edition: str
    code: str
    market: str
    product: str  # "" when the row maps to the market as a whole
    share: Decimal
    source: str
    note: str
    row: int


@dataclass(frozen=True)
class Concordance:
    """A validated concordance. `version_id` = the file's version column + a hash of its rows' content, so a
    figure cites exactly the mapping it was computed with and an edit without a new version is still seen."""

    version: str
    version_id: str
    path: str
    rows: tuple[ConcordanceRow, ...]

    def to_arrow(self) -> pa.Table:
        """The rows as an Arrow table (hs_edition, code, code_len, market, product, share) for the engines."""
        import pyarrow as pa

        return pa.table({
            "hs_edition": pa.array([r.hs_edition for r in self.rows], pa.string()),
            "code": pa.array([r.code for r in self.rows], pa.string()),
            "code_len": pa.array([len(r.code) for r in self.rows], pa.int32()),
            "market": pa.array([r.market for r in self.rows], pa.string()),
            "product": pa.array([r.product for r in self.rows], pa.string()),
            "share": pa.array([r.share for r in self.rows], pa.decimal128(7, _SHARE_DECIMALS)),
        })

    def lengths(self) -> tuple[int, ...]:
        """The code lengths the rows use, longest first (the joins `apply` makes)."""
        return tuple(sorted({len(r.code) for r in self.rows}, reverse=True))


def load_concordance(path: str | Path) -> Concordance:
    """Read and validate a concordance CSV (UTF-8, columns COLUMNS). Every problem of every row is reported at
    once as a ValidationError (file, row, field, reason): a code that is not 6, 8 or 10 digits, a share outside
    (0, 1], an unknown edition, an empty market or source, two rows with the same (version, edition, code,
    market, product), shares of one code for one market adding up to more than 1, more than one version."""
    p = Path(path)
    name = str(p)
    if not p.is_file():
        raise InputError("concordance file not found; pass the path of hs_catalog.csv", file=name,
                         reason=Reason.FILE_NOT_FOUND)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8", file=name,
                         reason=Reason.UNREADABLE) from None
    reader = csv.DictReader(text.splitlines())
    header = reader.fieldnames or []
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ValidationError([RowFailure(name, 1, c, None, f"column missing; the columns are {', '.join(COLUMNS)}",
                                          code=Reason.WRONG_SHAPE) for c in missing], file=name)
    failures: list[RowFailure] = []
    rows: list[ConcordanceRow] = []
    versions: dict[str, int] = {}
    seen: dict[tuple[str, str, str, str, str], int] = {}
    for n, raw in enumerate(reader, start=2):
        rec = {k: (raw.get(k) or "").strip() for k in COLUMNS}
        if not any(rec.values()):
            continue
        row = _row(name, n, rec, failures)
        versions.setdefault(rec["version"], n)
        if row is None:
            continue
        key = (rec["version"], row.hs_edition, row.code, row.market, row.product)
        if key in seen:
            failures.append(RowFailure(name, n, "code", row.code,
                                       f"same version, edition, code, market and product as row {seen[key]}; "
                                       "keep one of the two rows", code=Reason.DUPLICATE))
            continue
        seen[key] = n
        rows.append(row)
    if len(versions) > 1:
        first, *others = versions.items()
        failures += [RowFailure(name, at, "version", v, f"one file holds one version; row {first[1]} says "
                                f"{first[0]!r}", code=Reason.INCONSISTENT) for v, at in others]
    failures += _over_one(name, rows)
    if not rows and not failures:
        raise InputError("the concordance has no rows", file=name, reason=Reason.MISSING_VALUE)
    if failures:
        raise ValidationError(sorted(failures, key=lambda f: (f.row or 0, f.field or "")), file=name)
    version = next(iter(versions))
    return Concordance(version=version, version_id=f"{version}+{_content_hash(rows)}", path=name, rows=tuple(rows))


def _row(name: str, n: int, rec: dict[str, str], failures: list[RowFailure]) -> ConcordanceRow | None:
    before = len(failures)
    if not rec["version"]:
        failures.append(RowFailure(name, n, "version", None, "empty; give the concordance's version (e.g. 2026-12)",
                                   code=Reason.MISSING_VALUE))
    edition = rec["hs_edition"].upper().replace(" ", "")
    if edition not in EDITIONS:
        failures.append(RowFailure(name, n, "hs_edition", rec["hs_edition"],
                                   f"unknown HS edition; editions are {', '.join(EDITIONS)}", code=Reason.UNKNOWN_CODE))
    code = rec["code"].replace(".", "").replace(" ", "")
    if not (code.isascii() and code.isdigit() and len(code) in CODE_LENGTHS):
        failures.append(RowFailure(name, n, "code", rec["code"], "an HS code is 6, 8 or 10 digits (dots allowed)"))
    for field in ("market", "source"):
        if not rec[field]:
            what = "the catalog's market (subject) name" if field == "market" else "where the mapping and share come from"
            failures.append(RowFailure(name, n, field, None, f"empty; give {what}", code=Reason.MISSING_VALUE))
    share = _share(rec["share"])
    if share is None:
        failures.append(RowFailure(name, n, "share", rec["share"],
                                   f"a share is a number above 0 and at most 1, with at most {_SHARE_DECIMALS} decimals"))
    if len(failures) > before or share is None:
        return None
    return ConcordanceRow(edition, code, rec["market"], rec["product"], share, rec["source"], rec["note"], n)


def _share(text: str) -> Decimal | None:
    try:
        share = Decimal(text)
    except InvalidOperation:
        return None
    exponent = share.as_tuple().exponent
    if not share.is_finite() or not 0 < share <= 1 or (isinstance(exponent, int) and exponent < -_SHARE_DECIMALS):
        return None
    return share


def _over_one(name: str, rows: list[ConcordanceRow]) -> list[RowFailure]:
    """Shares of one code for one market must add up to at most 1 (more would count trade twice)."""
    groups: dict[tuple[str, str, str], list[ConcordanceRow]] = {}
    for r in rows:
        groups.setdefault((r.hs_edition, r.code, r.market), []).append(r)
    out = []
    for (edition, code, market), group in groups.items():
        total = sum((r.share for r in group), Decimal(0))
        if total > 1:
            out.append(RowFailure(name, group[-1].row, "share", str(total),
                                  f"the shares of {edition} {code} for {market} add up to more than 1 (rows "
                                  f"{', '.join(str(r.row) for r in group)}); lower them", code=Reason.INCONSISTENT))
    return out


def _content_hash(rows: list[ConcordanceRow]) -> str:
    """A hash of what the rows say, in a canonical order: reordering rows or editing notes' whitespace keeps
    it; a changed code, market, product, share, source or note changes it."""
    lines = sorted("\t".join((r.hs_edition, r.code, r.market, r.product, str(r.share.normalize()), r.source, r.note))
                   for r in rows)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:12]


def _table(conc: Concordance, con: BaseBackend | None) -> ir.Table:
    """The concordance as a table on the lines' engine (a temp view on Spark, where a memtable is fine too but
    a named view shows up readably in plans)."""
    import ibis

    t = ibis.memtable(conc.to_arrow())
    if con is not None and getattr(con, "name", "") == "pyspark":
        view = f"concordance_{conc.version_id.split('+')[-1]}"
        return con.create_view(view, t, overwrite=True)
    return t


_CODE_KEYS = ("hs_edition", "hs_code", "hs6", "flow", "currency")


def _per_code(lines: ir.Table, con: BaseBackend | None) -> ir.Table:
    """The lines counted and summed by code (hs_edition, hs_code, hs6, flow, currency): n_lines, value. A few
    thousand rows, from one scan of the lines; the code map (`_code_map`) and `unmapped` both read it, and on
    DuckDB it is computed once (`materialised`), so that neither reads the lines again."""
    t = lines.group_by(list(_CODE_KEYS)).aggregate(n_lines=lines.count(), value=lines.value.sum())
    return materialised(t, con)


def _code_map(codes: ir.Table, conc: Concordance, ctab: ir.Table) -> ir.Table:
    """The distinct (hs_edition, hs_code) of `codes` (the lines, or `_per_code` of them), each with
    `conc_code`: the longest concordance code of its edition that prefixes it, or null. The prefix joins (one
    left join per code length against the distinct (edition, code) pairs of that length) run on these few
    thousand codes, not on every line."""
    import ibis

    out = codes.select(_ed=codes.hs_edition, _code=codes.hs_code).distinct()
    lengths = list(conc.lengths())
    for n in lengths:
        keys = ctab.filter(ctab.code_len == n).select(
            **{f"_e{n}": ctab.hs_edition, f"_c{n}": ctab.code}).distinct()
        cond = [out._ed == keys[f"_e{n}"], out._code.substr(0, n) == keys[f"_c{n}"], out._code.length() >= n]
        out = out.left_join(keys, cond)
        out = out.mutate(**{f"_m{n}": out[f"_c{n}"].notnull()}).drop(f"_e{n}", f"_c{n}")
    branches = [(out[f"_m{n}"], out._code.substr(0, n)) for n in lengths]
    return out.select("_ed", "_code", conc_code=ibis.cases(*branches, else_=ibis.null("string")))


_KEEP_AT_MOST = 16  # kept tables per connection; the oldest is dropped beyond (each is small: see callers)
_KEPT: weakref.WeakKeyDictionary[Any, OrderedDict[str, str]] = weakref.WeakKeyDictionary()


def materialised(expr: ir.Table, con: BaseBackend | None = None) -> ir.Table:
    """`expr` computed once, now, into a temporary table of its engine's connection (`con`, else the one the
    expression is bound to) — on DuckDB a temporary table, on Spark a cached DataFrame under a temporary view —
    and the same table again for an equal expression (same SQL) on that connection: `apply` and `unmapped` of
    the same lines share their per-code table, and the indicators of the same mapped lines their summary. For
    an expression bound to no engine (memtables only), `expr` itself.

    Why: without it each indicator's query read every line again — twice, for their distinct codes and for
    the join (on Spark, twelve indicators over 10 M lines took 86× DuckDB's time, measured). The tables kept
    are small (a few thousand codes; a summary as large as its distinct keys) and live with the connection (at
    most _KEEP_AT_MOST per connection, the oldest dropped). Why not Ibis's `Table.cache()`: it caches on the
    expression's backend — none for memtables (they would land in Ibis's default DuckDB, not on `con`) — and
    its finalizer drops the table when the expression is collected, which fails loudly ("Connection already
    closed") once the connection is closed. What is kept is the data when first asked for: lines read by
    `open_lines` never change (batches are never overwritten)."""
    import ibis
    from ibis.common.exceptions import IbisError

    if con is None:
        try:
            con = expr._find_backend(use_default=False)
        except IbisError:  # memtables only: no engine to keep it on
            return expr
    engine = getattr(con, "name", "")
    if engine not in ("duckdb", "pyspark"):
        return expr
    key = ibis.to_sql(expr, dialect=engine)
    kept = _KEPT.setdefault(con, OrderedDict())
    name = kept.get(key)
    if name is not None:
        kept.move_to_end(key)
        return con.table(name)
    name = f"_sectorscope_kept_{uuid.uuid4().hex[:16]}"
    if engine == "pyspark":
        frame = con._session.sql(con.compile(expr)).cache()
        frame.count()  # computed now, as on DuckDB (Spark's cache fills at the first action)
        frame.createOrReplaceTempView(name)
        table = con.table(name)
    else:
        table = con.create_table(name, expr, temp=True)
    kept[key] = name
    while len(kept) > _KEEP_AT_MOST:
        _, old = kept.popitem(last=False)
        _drop_kept(con, old)
    return table


def _drop_kept(con: BaseBackend, name: str) -> None:
    if getattr(con, "name", "") == "pyspark":
        session = con._session
        session.table(name).unpersist()
        session.catalog.dropTempView(name)
    else:
        con.drop_table(name, force=True)


def apply(lines: ir.Table, conc: Concordance, con: BaseBackend | None = None) -> ir.Table:
    """Lines joined to the markets and products their codes map to: the lines' columns plus `market`,
    `product` ("" for a whole market), `share` (decimal) and `conc_code` (the concordance code that matched:
    the longest one that prefixes the line's code in its edition). A line mapped to two markets appears
    twice; a line mapped to nothing is not in the result (see `unmapped`). `con` is the lines' engine (on
    Spark the concordance is registered as a view there).

    The lines are read once for their codes (`_per_code`, mapped by `_code_map`; on DuckDB computed here,
    once), and then in one equi-join with the small code → market table, which measured faster than prefix
    joins on every line. On DuckDB the codes are those the lines have when `apply` is called: lines read by
    `open_lines` never change (batches are never overwritten)."""
    ctab = _table(conc, con)
    cmap = _code_map(_per_code(lines, con), conc, ctab)
    rows = ctab.select(_ce=ctab.hs_edition, _cc=ctab.code, market=ctab.market, product=ctab.product,
                       share=ctab.share)
    small = cmap.join(rows, [cmap._ed == rows._ce, cmap.conc_code == rows._cc]).drop("_ce", "_cc")
    mapped = lines.join(small, [lines.hs_edition == small._ed, lines.hs_code == small._code])
    return mapped.drop("_ed", "_code")


def unmapped(lines: ir.Table, conc: Concordance, con: BaseBackend | None = None) -> ir.Table:
    """The lines whose code maps to nothing in their edition, counted and summed, by hs_edition, hs6, flow and
    currency: columns hs_edition, hs6, flow, currency, n_lines, value. Reported beside every figure, so trade
    the concordance misses is visible rather than silently dropped."""
    per_code = _per_code(lines, con)
    cmap = _code_map(per_code, conc, _table(conc, con))
    miss = cmap.filter(cmap.conc_code.isnull())
    j = per_code.join(miss, [per_code.hs_edition == miss._ed, per_code.hs_code == miss._code])
    return j.group_by(["hs_edition", "hs6", "flow", "currency"]).aggregate(n_lines=j.n_lines.sum(),
                                                                           value=j.value.sum())
