"""Text in a legacy Chinese encoding turned into UTF-8, a chunk at a time, for the parsers that read UTF-8 only
(DuckDB's read_csv knows UTF-8, UTF-16 and Latin-1; GB18030 would need an extension that is a download).

Why one function: both the figure files' reader and the record files' reader meet GBK/GB18030 exports, and
a file of gigabytes must be transcoded without holding it.
"""
from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path
from typing import IO

__all__ = ["transcode_to_utf8"]


def transcode_to_utf8(src: Path, out: IO[bytes], *, encoding: str = "gb18030", chunk: int = 1 << 20,
                      on_chunk: Callable[[bytes], None] | None = None) -> None:
    """Write `src`'s text, decoded as `encoding`, to `out` as UTF-8, `chunk` bytes of input at a time (a
    character split across two chunks is decoded whole). `on_chunk` sees each piece of UTF-8 written.
    Raises UnicodeDecodeError where the bytes are not `encoding`."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with open(src, "rb") as fh:
        while data := fh.read(chunk):
            piece = decoder.decode(data).encode("utf-8")
            out.write(piece)
            if on_chunk:
                on_chunk(piece)
    piece = decoder.decode(b"", final=True).encode("utf-8")
    out.write(piece)
    if on_chunk:
        on_chunk(piece)
