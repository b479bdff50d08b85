"""Store reads compiled once per query shape and run as parameterised statements.

Why: building an Ibis expression and compiling it to SQL costs 35–100 ms of Python, every time, while the
engine answers a filtered page of a 10 M-figure store in a few milliseconds. A server asks the same few
questions over and over with different values (`indicator=…&subject=…`), so each question is compiled once
per *shape* — which filters are given, how many indicators, which vintage — and run as a parameterised
statement with the request's values.

One definition: the query is still built by the library (`Store.query` and Ibis), never written again as
SQL. On a cache miss `build` is called with *sentinel* values (strings and integers no request can send),
the expression is compiled, and each sentinel literal in the compiled tree becomes a named parameter
(`$name`). A compiled query whose sentinels do not all survive compilation as literals (Ibis folded one
away) is refused, so a parameter can never be silently ignored. tests/store/test_prepared.py checks that
the compiled path returns exactly what the Ibis expression returns, for many filter combinations.

The engine: DuckDB runs the statement (`con.sql(text, params=…)`); a store on another engine runs the Ibis
expression built with the real values instead, so the answer is the same either way.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import StoreError

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pandas as pd
    import pyarrow as pa

    from .store import Store

__all__ = ["Compiled", "QueryCache"]

_Build = Callable[[Mapping[str, Any]], "ir.Table"]
# Integer sentinels sit far above any id or count a store holds and below 2**62 (the API's largest id), one
# per parameter; string sentinels carry a NUL, which the API refuses in every text it accepts.
_INT_BASE = 4_398_046_511_103_000_000


def _sentinels(values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i, (name, value) in enumerate(values.items()):
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise TypeError(f"parameter {name!r}: only text and integers can be parameters, not {type(value).__name__}")
        out[name] = f"\x00sectorscope-param-{i}\x00" if isinstance(value, str) else _INT_BASE + i
    return out


def _kinds(values: Mapping[str, Any]) -> tuple[tuple[str, type], ...]:
    return tuple((name, str if isinstance(v, str) else int) for name, v in values.items())


@dataclass(frozen=True)
class Compiled:
    """One compiled query shape: its SQL with `$name` parameters, and the expression it came from (whose
    schema types the result)."""

    sql: str
    names: tuple[str, ...]
    expr: ir.Table


def _compile(store: Store, build: _Build, values: Mapping[str, Any]) -> Compiled:
    import sqlglot.expressions as sge

    marks = _sentinels(values)
    expr = build(marks)
    con = store.con
    tree = con.compiler.to_sqlglot(expr)
    by_text = {str(v): name for name, v in marks.items()}
    seen: set[str] = set()

    def swap(node: sge.Expression) -> sge.Expression:
        if isinstance(node, sge.Literal) and node.this in by_text:
            is_text = isinstance(marks[by_text[node.this]], str)
            if node.is_string == is_text:
                seen.add(by_text[node.this])
                return sge.Placeholder(this=by_text[node.this])
        return node

    tree = tree.transform(swap)
    missing = set(marks) - seen
    if missing:
        raise StoreError(f"cannot prepare this query: parameter(s) {', '.join(sorted(missing))} did not compile to "
                         "a literal; run it as an Ibis expression")
    sql = tree.sql(dialect=con.compiler.dialect, pretty=False)
    return Compiled(sql=sql, names=tuple(marks), expr=expr)


def _frame(table: pa.Table, expr: ir.Table) -> pd.DataFrame:
    """An Arrow result as Ibis's DuckDB backend turns one into the frame `expr.execute()` returns (the same
    steps, ibis/backends/duckdb `execute`), so both paths give equal frames."""
    import pandas as pd
    import pyarrow.types as pat
    from ibis.backends.duckdb.converter import DuckDBPandasData

    df = pd.DataFrame({
        name: (col.to_pylist() if pat.is_nested(col.type) or pat.is_dictionary(col.type) or col.null_count
               else col.to_pandas())
        for name, col in zip(table.column_names, table.columns, strict=True)
    })
    df = DuckDBPandasData.convert_table(df, expr.as_table().schema())
    return expr.__pandas_result__(df)


class QueryCache:
    """Compiled query shapes, at most `size` of them (least recently used dropped first), shared by every
    thread and every store of the process.

    A shape's key is the caller's `key` (everything `build` depends on besides `values`: which filters, how
    many, the columns), the parameters' names and types, and the store: its file and its latest vintage
    (a write adds a vintage, and may add columns, so a compiled query never outlives the store it was
    compiled for)."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, Compiled] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def compiled(self, store: Store, key: Hashable, build: _Build, values: Mapping[str, Any]) -> Compiled:
        """The compiled query for this shape, compiled now if it is not cached."""
        try:
            st = os.stat(store.path)
            ident: tuple[object, ...] = (st.st_dev, st.st_ino)
        except OSError:
            ident = ()
        full = (str(store.path), ident, store.latest_vintage(), key, _kinds(values))
        with self._lock:
            hit = self._entries.get(full)
            if hit is not None:
                self._entries.move_to_end(full)
                self.hits += 1
                return hit
        compiled = _compile(store, build, values)
        with self._lock:
            self.misses += 1
            self._entries[full] = compiled
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return compiled

    def arrow(self, store: Store, key: Hashable, build: _Build, values: Mapping[str, Any]) -> pa.Table:
        """The answer as an Arrow table, with the columns and types of `build(values)`."""
        con = store.con
        raw = getattr(con, "con", None)
        if con.name != "duckdb" or raw is None:
            return build(values).to_pyarrow()
        c = self.compiled(store, key, build, values)
        return raw.sql(c.sql, params={n: values[n] for n in c.names}).to_arrow_table()

    def execute(self, store: Store, key: Hashable, build: _Build, values: Mapping[str, Any]) -> pd.DataFrame:
        """Exactly the frame `build(values).execute()` returns, without building or compiling it again."""
        con = store.con
        if con.name != "duckdb" or getattr(con, "con", None) is None:
            return build(values).execute()
        c = self.compiled(store, key, build, values)
        table = con.con.sql(c.sql, params={n: values[n] for n in c.names}).to_arrow_table()
        return _frame(table, c.expr)
