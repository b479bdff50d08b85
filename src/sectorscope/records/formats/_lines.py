"""Small pieces both formats use to build a chunk of canonical lines from typed columns."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["assemble", "map_unique", "text_or_null"]


def text_or_null(cells: pa.Array) -> pa.Array:
    """Trimmed text; an empty cell is null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = pc.utf8_trim_whitespace(cells)
    return pc.if_else(pc.equal(pc.utf8_length(t), 0), pa.scalar(None, pa.string()), t)


def map_unique(cells: pa.Array, fn: Callable[[str], Any], typ: pa.DataType) -> pa.Array:
    """`fn` applied to each distinct value of `cells` once (a chunk has few distinct partners or provinces),
    spread back over the rows; null stays null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    uniq = pc.unique(cells)
    mapped = pa.array([None if v is None else fn(v) for v in uniq.to_pylist()], typ)
    return pc.take(mapped, pc.index_in(cells, value_set=uniq))


def assemble(n: int, columns: dict[str, Any]) -> pa.RecordBatch:
    """A LINE_SCHEMA batch of `n` rows: arrays from `columns`, a scalar repeated, a missing column null."""
    import pyarrow as pa

    from ..schema import LINE_SCHEMA

    schema = LINE_SCHEMA.to_pyarrow()
    arrays = []
    for f in schema:
        v = columns.get(f.name)
        if v is None:
            arrays.append(pa.nulls(n, f.type))
        elif isinstance(v, pa.Array | pa.ChunkedArray):
            arrays.append(v.cast(f.type) if v.type != f.type else v)
        else:
            arrays.append(pa.repeat(pa.scalar(v, f.type), n))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)
