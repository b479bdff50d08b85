"""A report as text: bytes decoded (UTF-8, UTF-16, GB18030/GBK, Big5), then normalised for matching —
artefacts stripped, full-width forms folded, traditional → simplified — with a map from every normalised
character back to its offset in the decoded original, so each candidate quotes the file as given.

Why a map rather than matching on the original: the patterns are written once, for simplified text with
ASCII digits and punctuation; the seeds arrive traditional, with pinyin glosses inside words (`數(shù)據(jù)`) and
full-width digits. Offsets into the original are what an analyst (and `quote_start`) can check.
"""
from __future__ import annotations

import bisect
import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ...errors import InputError, Reason
from ...model import ARTEFACT, simplify_text

__all__ = ["MAX_REPORT_BYTES", "Document", "decode_report", "read_report", "read_text"]

MAX_REPORT_BYTES = 50 * 1024 * 1024
"""A report larger than this is refused (override with `max_bytes`): the seeds are 30–90 KB, a 50 MB
text is a book shelf, and a 200 MB upload is far more likely a wrong file than a report."""

# Characters NFKC would change that carry meaning here: keep them as printed.
_KEEP = set("–—～~±≥≤×·")


_SPECIAL = re.compile("[" + re.escape("".join(sorted(_KEEP))) + "\u3000\xa0]")
_SPECIAL_SPLIT = re.compile("(" + _SPECIAL.pattern + ")")


def _fold(ch: str) -> str:
    if ch in _KEEP:
        return ch
    if ch in "\u3000\xa0":
        return " "
    return unicodedata.normalize("NFKC", ch)


@dataclass
class Document:
    """One report. `original` is the decoded text as given; `text` the normalised form the extractor reads;
    `offsets[i]` is the original offset of `text[i]` (one extra entry at the end: len(original))."""

    name: str
    original: str
    text: str
    offsets: np.ndarray
    encoding: str = "utf-8"
    format: str = "text"                                  # text | pdf | docx | html: what the file was
    pages: list[int] = field(default_factory=list)        # PDF: original offset where each page starts
    _lines: list[int] = field(default_factory=list, repr=False)

    @classmethod
    def from_text(cls, original: str, name: str = "<text>", encoding: str = "utf-8", *, format: str = "text",
                  pages: list[int] | None = None) -> Document:
        chars: list[str] = []
        index: list[np.ndarray] = []
        pos = 0
        for m in [*ARTEFACT.finditer(original), None]:
            end = m.start() if m else len(original)
            seg = original[pos:end]
            # NFKC piece by piece between the characters kept as printed; a piece whose length NFKC
            # changes (ligatures, ㎡) is mapped character by character
            at = pos
            for piece in _SPECIAL_SPLIT.split(seg):
                if not piece:
                    continue
                if len(piece) == 1 and _SPECIAL.match(piece):
                    f = _fold(piece)
                    chars.append(f)
                    index.append(np.full(len(f), at, dtype=np.int64))
                else:
                    folded = unicodedata.normalize("NFKC", piece)
                    if len(folded) == len(piece):
                        chars.append(folded)
                        index.append(np.arange(at, at + len(piece), dtype=np.int64))
                    else:
                        for i, ch in enumerate(piece):
                            f = _fold(ch)
                            chars.append(f)
                            index.append(np.full(len(f), at + i, dtype=np.int64))
                at += len(piece)
            if m:
                pos = m.end()
        folded_text = "".join(chars)
        offsets = np.concatenate([*index, np.array([len(original)], dtype=np.int64)]) if index else np.array([len(original)], dtype=np.int64)
        text = simplify_text(folded_text)
        if len(text) != len(folded_text):  # OpenCC changed a length somewhere: map line by line
            text, offsets = _simplify_by_line(folded_text, offsets)
        return cls(name=name, original=original, text=text, offsets=offsets, encoding=encoding, format=format,
                   pages=list(pages or []))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the normalised span text[start:end]."""
        if end <= start:
            o = int(self.offsets[start])
            return o, o
        return int(self.offsets[start]), int(self.offsets[end - 1]) + 1

    def quote(self, start: int, end: int) -> str:
        """The original text behind normalised text[start:end]."""
        s, e = self.span(start, end)
        return self.original[s:e]

    def line_of(self, original_offset: int) -> int:
        """1-based line number of an original offset (for messages)."""
        if not self._lines:
            self._lines = [m.end() for m in re.finditer("\n", self.original)]
        return int(np.searchsorted(np.asarray(self._lines), original_offset, side="right")) + 1

    def page_of(self, original_offset: int) -> int | None:
        """1-based page of an original offset, or None for a document without pages (text, DOCX, HTML)."""
        if not self.pages:
            return None
        return max(1, bisect.bisect_right(self.pages, original_offset))


def _simplify_by_line(text: str, offsets: np.ndarray) -> tuple[str, np.ndarray]:
    out: list[str] = []
    idx: list[np.ndarray] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        conv = simplify_text(line)
        if len(conv) == len(line):
            out.append(conv)
            idx.append(offsets[pos : pos + len(line)])
        else:
            for i, ch in enumerate(line):
                c = simplify_text(ch)
                out.append(c)
                idx.append(np.full(len(c), offsets[pos + i], dtype=np.int64))
        pos += len(line)
    idx.append(offsets[-1:])
    return "".join(out), np.concatenate(idx)


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > len(sample) * 0.01


def decode_report(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Decode report bytes; returns (text, encoding). Tries a BOM, then UTF-8, then GB18030 (a superset of
    GBK and GB2312) and Big5, keeping whichever decodes strictly and reads most like Chinese text."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise InputError(f"starts with a {enc} byte-order mark but is not {enc} text "
                                 f"(bad byte at offset {exc.start})", file=name) from None
    if _looks_binary(data):
        raise InputError("is not text (binary bytes such as NUL) and not a PDF, DOCX or HTML file: give the "
                         "report in one of those formats (an image or a spreadsheet is not read)", file=name)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best: tuple[float, str, str] | None = None
    for enc in ("gb18030", "big5"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = _chinese_score(text)
        if best is None or score > best[0]:
            best = (score, text, enc)
    if best is None or best[0] < 0.5:
        raise InputError("is neither UTF-8, GB18030/GBK nor Big5 text; save it as UTF-8 and try again", file=name)
    return best[1], best[2]


# The most common characters of Chinese prose (simplified and traditional): a wrong decoding yields rare ones.
_COMMON = set("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而"
              "方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开"
              "它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条"
              "只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边"
              "流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规"
              "热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万"
              "每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影"
              "算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精"
              "值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁"
              "價格國產業這為數據發與於場從對內區術動會電進機應實體們來時過還後個進將廠")


def _chinese_score(text: str) -> float:
    cjk = [c for c in text[:200000] if "\u4e00" <= c <= "\u9fff"]
    if not cjk:
        return 1.0 if text.isascii() else 0.0
    return sum(c in _COMMON for c in cjk) / len(cjk) * 2.5


def read_report(path: str | Path, *, max_bytes: int = MAX_REPORT_BYTES) -> Document:
    """Read a report file — PDF, DOCX, HTML or text, told apart by its content — into a Document;
    InputError naming the file when it is empty, too large, corrupt or in no format or encoding we read.

    Why the size check comes first, for every format: a 200 MB upload is refused before any parser sees it."""
    p = Path(path)
    name = str(p)
    if not p.is_file():
        raise InputError("no such file", file=name)
    size = p.stat().st_size
    if size == 0:
        raise InputError("is empty: there is nothing to extract", file=name)
    if size > max_bytes:
        raise InputError(f"is {size / 2**20:.1f} MB, above the {max_bytes / 2**20:.0f} MB limit for one report; "
                         "split it, or raise the limit (--max-mb) if it really is one report", file=name,
                         reason=Reason.TOO_LARGE)
    from .formats import read_document  # the format readers import their parsers on first use

    return read_document(p, name)


def read_text(data: bytes, name: str) -> Document:
    """A plain-text report: decoded, refused when it holds only whitespace."""
    text, enc = decode_report(data, name)
    if not text.strip():
        raise InputError("holds only whitespace: there is nothing to extract", file=name)
    return Document.from_text(text, name=name, encoding=enc)
