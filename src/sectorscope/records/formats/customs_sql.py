"""China Customs exports read into canonical lines and checked inside DuckDB, set-based: the path a load takes.

The file's cells come from the same reader as `RecordFile.chunks()` (records/formats/_source: pyarrow's CSV
parser or openpyxl, with every row's exact line number, blank lines and cut rows handled), as an Arrow stream
that DuckDB scans once into a table of raw text. From there everything is done by DuckDB on whole columns:
the conversions (HS codes, 数据年月, amounts with thousands separators, flows) are SQL expressions; the lookups
(partner codes and names, provinces, the HS codes of the batch's edition) are made once per *distinct* value
in Python, with the functions the Arrow reader uses (reference.py, nomenclature.py), and joined back; every
failing rule is one aggregate over the table, and only its first failing rows (capped, FailureLog) become
Python objects.

Why beside CustomsConverter and not instead of it: `RecordFile.chunks()` hands out Arrow chunks while it
reads (a caller may stream them anywhere), and that reader is the reference the tests pin down line by line and
failure by failure; this module must give the same lines and the same failures (a differential test compares
the two on every fixture), only faster — measured on 1 M lines, the Arrow reader read and checked them in 5.6 s
on one thread, this in about 2 s on two (the CSV parsing included), and the lines never leave DuckDB before
they are written as Parquet.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ...errors import Reason
from ..line_checks import (
    BAD_HS_CODE,
    NEGATIVE,
    NO_AMOUNT,
    NOT_A_NUMBER,
    PLAIN_NUMBER,
    FailureLog,
    edition_reason,
    period_reason,
)
from ..nomenclature import judge_code, outside_changes
from ..reference import customs_partners, partner_names, province_keys, trade_mode_category
from ..schema import LINE_SCHEMA
from ._record import RecordMeta
from ._source import LINE_NO, Source
from .customs_cn import (
    BAD_FLOW,
    BAD_PERIOD,
    NO_PARTNER,
    NOT_A_PROVINCE,
    UNKNOWN_PARTNER_CODE,
    UNKNOWN_PARTNER_NAME,
    CustomsConverter,
    declared_flow,
)

__all__ = ["CustomsLines", "stage_customs_lines"]

_SLAB_ROWS = 250_000  # lines DuckDB converts at a time


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _decimal(text: str, scale: int) -> str:
    """`text` (a plain number) as DECIMAL(20, scale), rounded to `scale` places. Through DECIMAL(18): DuckDB
    1.5 casts text to a DECIMAL wider than 18 digits a hundred times slower (8 s for 1 M cells, measured)."""
    return (f"coalesce(TRY_CAST({text} AS DECIMAL(18, {scale})), "
            f"round(TRY_CAST({text} AS DECIMAL(38, 10)), {scale}))::DECIMAL(20, {scale})")


@dataclass
class CustomsLines:
    """What staging a customs export in DuckDB gave: the table (a view) of canonical lines (LINE_SCHEMA columns,
    in that order), the reader's failures (capped, in row order) and its warnings, as RecordFile has them."""

    table: str
    n_lines: int
    failures: list[Any]
    warnings: list[str]
    by_cell: str | None = None  # a SELECT of the same lines sorted by cell (year, month, chapter, flow)


def _register_lookup(con: Any, name: str, keys: list[Any], columns: dict[str, tuple[list[Any], Any]]) -> None:
    import pyarrow as pa

    data = {"k": pa.array(keys, pa.string())}
    for col, (values, typ) in columns.items():
        data[col] = pa.array(values, typ)
    con.register(name, pa.table(data))


def stage_customs_lines(con: Any, meta: RecordMeta, src: Source, flow: str | None,
                        table: str = "_lines") -> CustomsLines:
    """Read `src` (a customs export: CSV, TSV or XLSX) into the DuckDB table `table` of canonical lines, with
    every row-level failure and warning `read_records(...).chunks()` would give for the same file."""
    import pyarrow as pa
    import pyarrow.compute as pc

    conv = CustomsConverter(meta, src.header, FailureLog(src.file), flow)  # the roles and the line checks' fields
    r, log, checks = conv.roles, conv.log, conv.checks
    src.failures = []
    prov_role = "province_code" if "province_code" in r else "province_name" if "province_name" in r else None
    mode_role = "trade_mode_name" if "trade_mode_name" in r else "trade_mode_code" if "trade_mode_code" in r else None
    value_col = r.get("usd") or r["cny"]
    numbers = {"value": (value_col, 2)}
    for q in ("quantity", "quantity2"):
        if q in r:
            numbers[q] = (r[q], 3)

    # The text each line column is read from, made per Arrow batch as the file is read (pyarrow's string
    # kernels: trimming Unicode whitespace in DuckDB, trim(x, characters), took 1.8 s a column of 1 M cells,
    # pyarrow's utf8_trim_whitespace 0.02 s); only these columns, and the raw cells a failure cites, enter DuckDB.
    def trimmed(a: pa.Array) -> pa.Array:
        return pc.utf8_trim_whitespace(a)

    texts: dict[str, tuple[str, Any]] = {  # helper column → (raw column, how)
        "_hs_text": (r["hs_code"], lambda a: trimmed(pc.replace_substring_regex(a, r"[.\s]", ""))),
        "_raw_hs_code": (r["hs_code"], None),
    }
    if "period" in r:
        texts["_period_text"] = (r["period"], lambda a: trimmed(pc.replace_substring_regex(a, r"[-/年月\s]", "")))
        texts["_raw_period"] = (r["period"], None)
    if "flow" in r:
        texts["_flow_cell"] = (r["flow"], trimmed)
    if "partner_code" in r or "partner_name" in r:
        texts["_partner"] = (r.get("partner_code") or r["partner_name"], trimmed)
    if prov_role:
        texts["_prov_cell"] = (r[prov_role], trimmed)
    if mode_role:
        texts["_mode"] = (r[mode_role], trimmed)
    for role in ("commodity_name", "quantity_unit", "quantity2_unit"):
        if role in r:
            texts[f"_{role}"] = (r[role], trimmed)
    for name, (header, _) in numbers.items():
        texts[f"_{name}_text"] = (header, lambda a: trimmed(pc.replace_substring(a, ",", "")))
        texts[f"_raw_{name}"] = (header, None)
    schema = pa.schema([(h, pa.string()) for h in texts] + [(LINE_NO, pa.int64())])

    def batches() -> Any:
        for b in src.raw_batches():
            arrays = [b.column(raw) if how is None else how(b.column(raw)) for raw, how in texts.values()]
            yield pa.RecordBatch.from_arrays([*arrays, b.column(LINE_NO)], schema=schema)

    joins: list[str] = []
    if "partner_code" in r:
        known = customs_partners()
        keys = sorted(known)
        _register_lookup(con, "_partner_lookup", keys, {"code": (keys, pa.string()),
                                                         "iso3": ([known[k].iso3 for k in keys], pa.string())})
        joins.append("LEFT JOIN _partner_lookup ON _partner_lookup.k = nullif(s._partner, '')")
    elif "partner_name" in r:
        names = partner_names()
        keys = sorted(names)
        _register_lookup(con, "_partner_lookup", keys, {
            "code": ([names[k] for k in keys], pa.string()),
            "iso3": ([customs_partners()[names[k]].iso3 for k in keys], pa.string())})
        joins.append("LEFT JOIN _partner_lookup ON _partner_lookup.k = nullif(s._partner, '')")
    if prov_role:
        provs = province_keys()
        keys = sorted(provs)
        _register_lookup(con, "_province_lookup", keys, {"code": ([provs[k] for k in keys], pa.string())})
        joins.append("LEFT JOIN _province_lookup ON _province_lookup.k = nullif(s._prov_cell, '')")

    cols: dict[str, str] = {}  # line column → SQL over the stream `s` and the lookups
    helpers: dict[str, str] = {}  # helper column kept beside the lines for the failures → SQL
    hs_ok = "regexp_full_match(s._hs_text, '(\\d{6}|\\d{8}|\\d{10})')"
    if "period" in r:
        period_ok = "regexp_full_match(s._period_text, '\\d{4}(0[1-9]|1[0-2])')"
    # the lines
    m = meta
    cols["batch_id"] = _lit(m.batch_id)
    cols["line_no"] = f"s.{_q(LINE_NO)}"
    cols["dataset"] = "'customs_cn'"
    cols["reporter"] = "'CHN'"
    if "flow" in r:
        cols["flow"] = "CASE s._flow_cell WHEN '进口' THEN 'import' WHEN '出口' THEN 'export' END"
        helpers["_flow_cell"] = "s._flow_cell"
    else:
        cols["flow"] = _lit(flow) if flow is not None else "NULL"
    cols["period_kind"] = _lit(m.period_kind)
    if "period" in r:
        cols["year"] = f"CASE WHEN {period_ok} THEN CAST(substr(s._period_text, 1, 4) AS INTEGER) END"
        cols["month"] = f"CASE WHEN {period_ok} THEN CAST(substr(s._period_text, 5, 2) AS INTEGER) END"
        helpers["_raw_period"] = "s._raw_period"
        helpers["_period_ok"] = period_ok
    else:
        assert m.period is not None
        cols["year"], cols["month"] = str(m.period[0]), str(m.period[2])
    cols["hs_edition"] = _lit(m.hs_edition)
    cols["hs_code"] = f"CASE WHEN {hs_ok} THEN s._hs_text END"
    cols["hs6"] = f"CASE WHEN {hs_ok} THEN substr(s._hs_text, 1, 6) END"
    cols["hs_chapter"] = f"CASE WHEN {hs_ok} THEN substr(s._hs_text, 1, 2) END"
    helpers["_raw_hs_code"] = "s._raw_hs_code"
    helpers["_hs_ok"] = hs_ok
    if "commodity_name" in r:
        cols["commodity_name"] = "nullif(s._commodity_name, '')"
    if "partner_code" in r:
        cols["partner_code"], cols["partner_iso3"] = "nullif(s._partner, '')", "_partner_lookup.iso3"
        helpers["_partner_known"] = "_partner_lookup.k IS NOT NULL"
    elif "partner_name" in r:
        cols["partner_code"], cols["partner_iso3"] = "_partner_lookup.code", "_partner_lookup.iso3"
        helpers["_partner"] = "nullif(s._partner, '')"
    if mode_role:
        cols["trade_mode"] = "nullif(s._mode, '')"
    if prov_role:
        cols["province"] = "_province_lookup.code"
        helpers["_prov_cell"] = "nullif(s._prov_cell, '')"
    for name, (_, scale) in numbers.items():
        ok = f"regexp_full_match(s._{name}_text, {_lit(PLAIN_NUMBER)})"
        cols[name] = f"CASE WHEN {ok} THEN {_decimal(f's._{name}_text', scale)} END"
        helpers[f"_{name}_ok"] = ok
        helpers[f"_{name}_empty"] = f"length(s._{name}_text) = 0"
        helpers[f"_raw_{name}"] = f"s._raw_{name}"
    for u in ("quantity_unit", "quantity2_unit"):
        if u in r:
            cols[u] = f"nullif(s._{u}, '')"
    cols["currency"] = _lit(m.currency)

    arrow = LINE_SCHEMA.to_pyarrow()

    def typed(f: str) -> str:
        return f"CAST({cols.get(f, 'NULL')} AS {_duck_type(arrow.field(f).type)})"

    # What a DuckDB table holds is copied into it row by row on one thread (1.1 s for 1 M lines of eleven text
    # columns, measured): so the lines table `_x` holds only the columns that vary from line to line, the view
    # `table` adds the batch's constants (batch id, dataset, edition …) and hs6/hs_chapter, and the raw cells
    # the reader's failures cite go to `_bad`, for the lines with a failure only.
    derived = {"hs6": "substr(hs_code, 1, 6)", "hs_chapter": "substr(hs_code, 1, 2)"}
    stored = [f for f in LINE_SCHEMA.names if f in cols and f not in derived and not _constant(cols[f])]
    full = [f"{typed(f)} AS {_q(f)}" for f in LINE_SCHEMA.names] + [f"{e} AS {h}" for h, e in helpers.items()]
    rules = _reader_rules(r, flow, prov_role, numbers)
    body_x = f"SELECT {', '.join(f'{typed(f)} AS {_q(f)}' for f in stored)} FROM _slab s {' '.join(joins)}"
    body_bad = (f"SELECT * FROM (SELECT {', '.join(full)} FROM _slab s {' '.join(joins)}) "
                f"WHERE {' OR '.join(f'({rule.cond})' for rule in rules)}")

    # The file in slabs of a few hundred thousand lines, each an Arrow table DuckDB converts on all its threads
    # (an Arrow *stream* is scanned by one thread, and the whole pipeline with it), read by a thread of its own
    # while DuckDB works on the slab before.
    def slabs() -> Iterator[pa.Table]:
        pending: list[pa.RecordBatch] = []
        for b in batches():
            pending.append(b)
            if sum(x.num_rows for x in pending) >= _SLAB_ROWS:
                yield pa.Table.from_batches(pending, schema)
                pending = []
        if pending:
            yield pa.Table.from_batches(pending, schema)

    con.register("_slab", schema.empty_table())
    con.execute(f"CREATE OR REPLACE TEMP TABLE _x AS {body_x}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _bad AS {body_bad}")
    reading = _Prefetch(slabs())
    try:
        for slab in reading:
            con.register("_slab", slab)
            con.execute(f"INSERT INTO _x {body_x}")
            con.execute(f"INSERT INTO _bad {body_bad}")
    finally:
        con.unregister("_slab")
        reading.close()
    n_raw = con.execute("SELECT count(*) FROM _x").fetchone()[0]
    view = [f"_x.{_q(f)}" if f in stored else f"CAST({derived[f]} AS VARCHAR) AS {_q(f)}" if f in derived
            else f"{typed(f)} AS {_q(f)}" for f in LINE_SCHEMA.names]
    con.execute(f"CREATE OR REPLACE TEMP VIEW {_q(table)} AS SELECT {', '.join(view)} FROM _x")
    lines = _q(table)
    # the lines sorted by cell for the partitioned write, the constants added after the sort (not sorted along)
    order = ", ".join("substr(hs_code, 1, 2)" if k == "hs_code" else k
                      for k in ("year", "month", "hs_code", "flow") if k in stored)
    by_cell = f"SELECT {', '.join(view)} FROM (SELECT * FROM _x ORDER BY {order}) AS _x"

    # ---- the failures: the reader's rules on `_bad`, then the line checks on the lines ----
    # the line checks (LineChecks.check): edition (each distinct code judged once), negatives, declared period
    hs6 = [c for (c,) in con.execute(f"SELECT DISTINCT hs6 FROM {lines} WHERE hs6 IS NOT NULL").fetchall()]
    bad = {c: v for c in hs6 if not (v := judge_code(c, m.hs_edition)).ok}
    if bad:
        keys = sorted(bad)
        _register_lookup(con, "_bad_codes", keys, {
            "message": ([bad[k].message for k in keys], pa.string()),
            "other": ([bad[k].edition is not None for k in keys], pa.bool_())})
        for other in (True, False):
            rules.append(_Rule(f"_bad_codes.other = {str(other).lower()}", "hs_code", checks.fields["hs_code"],
                               "", edition_reason(other), join=f"JOIN _bad_codes ON _bad_codes.k = {lines}.hs6",
                               reason_sql="_bad_codes.message", table=lines))
    for c in ("value", "quantity", "quantity2"):
        if c in checks.fields:
            what = "value" if "value" in c else "quantity"
            rules.append(_Rule(f"{_q(c)} < 0", f"CAST({_q(c)} AS VARCHAR)", checks.fields[c],
                               NEGATIVE.format(what=what), Reason.BAD_VALUE, table=lines))
    if m.period is not None:
        year, first, last = m.period
        ym = "year * 100 + month"
        rules.append(_Rule(f"{ym} < {year * 100 + first} OR {ym} > {year * 100 + last}",
                           "CAST(year AS VARCHAR) || '-' || lpad(CAST(month AS VARCHAR), 2, '0')",
                           checks.fields.get("month"), period_reason(m.period), Reason.BAD_VALUE, table=lines))
    _log_rules(con, rules, log)
    # the tallies LineChecks judges at the end (a code with two first units; codes checked against HS2022 only)
    if "quantity_unit" in r:
        for code, unit, first, n in con.execute(
                f"SELECT hs_code, quantity_unit, min(line_no), count(*) FROM {lines} WHERE hs_code IS NOT NULL AND "
                "quantity_unit IS NOT NULL GROUP BY ALL").fetchall():
            checks.tally_unit(code, unit, int(n), int(first))
    outside = [c for c in hs6 if outside_changes(c, m.hs_edition)]
    if outside:
        for code, n in con.execute(f"SELECT hs6, count(*) FROM {lines} WHERE hs6 IN (SELECT unnest($codes)) GROUP BY ALL",
                                   {"codes": outside}).fetchall():
            checks.tally_outside(code, int(n))
    # trade modes the table does not know: a warning with counts
    if mode_role:
        for mode, n in con.execute(f"SELECT trade_mode, count(*) FROM {lines} WHERE trade_mode IS NOT NULL "
                                   "GROUP BY ALL").fetchall():
            if trade_mode_category(mode) is None:
                conv.count_unknown_mode(mode, int(n))

    warnings = []
    if not n_raw:
        warnings.append("the file has no lines (a header and nothing else, or only dropped rows)")
    warnings.extend(conv.warnings())
    warnings.extend(checks.finish())
    for f in src.failures:
        log.add(f.row, f.field, f.value, f.reason, f.code)
    return CustomsLines(table, int(n_raw), log.all(), warnings, by_cell)


class _Prefetch:
    """The batches of `source`, made by a thread of their own a few ahead of the consumer: DuckDB pulls an Arrow
    stream from one thread at a time, so without it the file's parsing (pyarrow, which lets go of the GIL) and
    DuckDB's work on the previous batch take turns on one core (measured: 2.6 s of wall clock = 2.6 s of CPU
    for 1 M lines on two cores)."""

    _DONE = object()

    def __init__(self, source: Iterator[Any], depth: int = 2) -> None:
        import queue
        import threading

        self._queue: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(source,), name="records-read", daemon=True)
        self._thread.start()

    def _run(self, source: Iterator[Any]) -> None:
        import queue

        try:
            for item in source:
                while not self._stop.is_set():
                    try:
                        self._queue.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if self._stop.is_set():
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            self._error = exc
        finally:
            while not self._stop.is_set():
                try:
                    self._queue.put(self._DONE, timeout=0.1)
                    break
                except queue.Full:
                    continue

    def __iter__(self) -> Iterator[Any]:
        while True:
            item = self._queue.get()
            if item is self._DONE:
                self._thread.join()
                if self._error is not None:
                    raise self._error
                return
            yield item

    def close(self) -> None:
        """Stop the thread (the consumer gave up, or is done) and wait for it."""
        self._stop.set()
        self._thread.join()


@dataclass(frozen=True)
class _Rule:
    """One row-level rule over the staged table `_x`: the lines where `cond` holds fail with `reason` (or, for
    rules whose reason depends on the line, the SQL `reason_sql`), citing `value` (SQL; None: no value)."""

    cond: str
    value: str | None
    field: str | None
    reason: str
    code: Reason
    join: str = ""
    reason_sql: str | None = None
    table: str = "_bad"  # the reader's rules: the lines with a failure; the line checks: every line


def _constant(sql: str) -> bool:
    """Whether a line column's SQL is the same for every line (a literal, or NULL)."""
    return sql == "NULL" or sql.startswith("'") or sql.isdigit()


def _reader_rules(r: dict[str, str], flow: str | None, prov_role: str | None,
                  numbers: dict[str, tuple[str, int]]) -> list[_Rule]:
    """The reader's rules (CustomsConverter.convert's checks), in the order it logs them, over the columns of
    the full select (line columns and helpers)."""
    rules: list[_Rule] = [_Rule("NOT _hs_ok", "_raw_hs_code", r["hs_code"], BAD_HS_CODE, Reason.BAD_VALUE)]
    if "period" in r:
        rules.append(_Rule("NOT _period_ok", "_raw_period", r["period"], BAD_PERIOD, Reason.BAD_VALUE))
    if "flow" in r:
        rules.append(_Rule("flow IS NULL", "_flow_cell", r["flow"], BAD_FLOW, Reason.BAD_VALUE))
        if flow is not None:
            rules.append(_Rule(f"flow <> {_lit(flow)}", "_flow_cell", r["flow"], declared_flow(flow),
                               Reason.INCONSISTENT))
    if "partner_code" in r:
        rules.append(_Rule("partner_code IS NOT NULL AND NOT _partner_known", "partner_code", r["partner_code"],
                           UNKNOWN_PARTNER_CODE, Reason.UNKNOWN_CODE))
        rules.append(_Rule("partner_code IS NULL", None, r["partner_code"], NO_PARTNER, Reason.MISSING_VALUE))
    elif "partner_name" in r:
        rules.append(_Rule("partner_code IS NULL", "_partner", r["partner_name"], UNKNOWN_PARTNER_NAME,
                           Reason.UNKNOWN_CODE))
    if prov_role:
        rules.append(_Rule("province IS NULL", "_prov_cell", r[prov_role], NOT_A_PROVINCE, Reason.UNKNOWN_CODE))
    for name, (header, _) in numbers.items():
        empty = f"_{name}_empty"
        if name == "value":
            rules.append(_Rule(empty, None, header, NO_AMOUNT, Reason.MISSING_VALUE))
        rules.append(_Rule(f"NOT ({empty}) AND NOT _{name}_ok", f"_raw_{name}", header, NOT_A_NUMBER,
                           Reason.BAD_VALUE))
    return rules


def _log_rules(con: Any, rules: list[_Rule], log: FailureLog) -> None:
    """Every rule counted in one scan of its table; the first failing lines of each (as many as the log keeps)
    fetched — in the order of `rules`, the order the Arrow reader logs them in."""
    counts: dict[int, int] = {}
    for table in dict.fromkeys(rule.table for rule in rules):
        mine = [i for i, rule in enumerate(rules) if rule.table == table]
        joins = " ".join(dict.fromkeys(rules[i].join.replace("JOIN", "LEFT JOIN", 1) for i in mine if rules[i].join))
        got = con.execute("SELECT " + ", ".join(f"count(*) FILTER (WHERE {rules[i].cond})" for i in mine)
                          + f" FROM {table} {joins}").fetchone()
        assert got is not None
        counts.update(zip(mine, got, strict=True))
    for i, rule in enumerate(rules):
        n = counts[i]
        if not n:
            continue
        take = max(0, min(n, log.room(rule.field, rule.code)))
        rows = con.execute(f"SELECT line_no, {rule.value or 'NULL'}, {rule.reason_sql or _lit(rule.reason)} FROM "
                           f"{rule.table} {rule.join} WHERE {rule.cond} ORDER BY line_no LIMIT {take}").fetchall() if take else []
        log.extend([(row, None if v is None else str(v), why) for row, v, why in rows], n, rule.field, rule.code)


def _duck_type(t: Any) -> str:
    import pyarrow as pa

    if pa.types.is_decimal(t):
        return f"DECIMAL({t.precision}, {t.scale})"
    if pa.types.is_int64(t):
        return "BIGINT"
    if pa.types.is_int32(t):
        return "INTEGER"
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "VARCHAR"
    raise TypeError(f"no DuckDB type for {t}")  # pragma: no cover - LINE_SCHEMA has only these
