"""Figures in running text: a number with its unit, the bound or range around it, the period it belongs
to and the indicator the sentence says it is.

Why rules and a lexicon rather than a learned tagger: every decision has to be explainable to the analyst
who reviews it (`why`), the vocabulary has to be extendable by that analyst without a training run, and
nothing may be downloaded at run time. The patterns are written for normalised text (simplified Chinese,
half-width digits); offsets go back to the original through `Document.span`.

A figure is read in named steps, each adding its reasons to the figure's `why`: is it a figure at all,
its unit, its value (and range), its qualifier, its sign, its indicator (`figure_indicator`), its period
(`periods`), status and dimensions, then the quote an analyst checks it against.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ...model import Catalog, parse_number
from .candidate import Candidate, TableCell
from .clauses import CLAUSE_END, clause_start, sentences
from .discourse import Flow
from .document import Document
from .figure_indicator import (
    choose_indicator,
    fits_unit,
    index_term,
    indicator_after,
    refers_back,
    window_start,
)
from .figure_patterns import CN_DIGITS, CN_FIGURE_RE, FIGURE_RE, TENTHS, WORD_FIGURE_RE, WORD_FIGURES
from .lexicon import IndicatorTerm, Lexicon, TermHit
from .periods import (
    PERIOD_RE,
    Period,
    ReportDate,
    is_year_token,
    period_for,
    period_year,
    periods_in,
    report_year,
)
from .tables.dimension_layout import LayoutTable, layout_tables

__all__ = ["FIGURE_RE", "PERIOD_RE", "find_figures", "report_year", "sentences"]

_DEFICIT_AFTER = re.compile(r"[的贸易]*逆差")  # 2.1亿美元的贸易逆差: the figure is a deficit
# the last figure given an indicator in the sentence: (indicator, unit, end, the entry of its term if any)
_Previous = tuple[str, str, int, IndicatorTerm | None]


@dataclass
class _Reader:
    """What every sentence of one document shares: the text, the vocabulary, the table spans to skip, the
    indicator terms found once for the whole text and the line-layout tables."""

    doc: Document
    lexicon: Lexicon
    catalog: Catalog
    report: ReportDate
    skip: list[tuple[int, int]]
    hits: list[TermHit]
    layouts: list[LayoutTable]
    skip_starts: list[int] = field(init=False)
    hit_ends: list[int] = field(init=False)
    dims: list[TermHit] = field(init=False)       # dimension terms and status cues of the whole text, found
    status: list[TermHit] = field(init=False)     # once (a search per figure was the reader's hot spot)

    def __post_init__(self) -> None:
        self.skip_starts = [a for a, _ in self.skip]
        self.hit_ends = [h.end for h in self.hits]
        self.dims = self.lexicon.dimension_hits(self.doc.text)
        self.status = self.lexicon.status_hits(self.doc.text)

    @staticmethod
    def within(hits: list[TermHit], s: int, e: int) -> list[TermHit]:
        """The hits lying wholly in text[s:e] (hits are sorted by start)."""
        i = bisect.bisect_left(hits, s, key=lambda h: h.start)
        out = []
        while i < len(hits) and hits[i].start < e:
            if hits[i].end <= e:
                out.append(hits[i])
            i += 1
        return out

    @property
    def text(self) -> str:
        return self.doc.text

    @property
    def year0(self) -> int | None:
        return self.report.year

    def skipped(self, pos: int, end: int | None = None) -> bool:
        """Is [pos, end) (or pos) inside a table span? Spans are merged and sorted: one bisect."""
        i = bisect.bisect_right(self.skip_starts, pos) - 1
        return i >= 0 and (self.skip[i][1] >= end if end is not None else pos < self.skip[i][1])


@dataclass
class _Figure:
    """One figure as it is being read: where it is, and what has been decided so far."""

    m: re.Match[str]
    chinese: bool     # a Chinese numeral (CN_FIGURE_RE), not an Arabic number (FIGURE_RE)
    fs: int
    fe: int           # end of the figure; moves back when a range turns out not to be one
    unit: str
    printed: float = 0.0
    printed_high: float | None = None
    qualifier: str = "exact"
    why: list[str] = field(default_factory=list)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _cue_before(text: str, lo: int, pos: int, cues: dict[str, str],
                gap: str = "达为至到了已仍在约占是 \u3000\t") -> tuple[str, str] | None:
    """A cue ending right before `pos` (allowing a few filler characters)."""
    window = text[lo:pos]
    trimmed = window
    for _ in range(3):
        for cue in sorted(cues, key=len, reverse=True):
            if trimmed.endswith(cue):
                return cues[cue], cue
        if trimmed and trimmed[-1] in gap:
            trimmed = trimmed[:-1]
        else:
            break
    return None


def _not_a_figure(text: str, m: re.Match[str], chinese: bool) -> bool:
    """Numbers that are not figures: 一 or 第三 in words, parts of model names and codes, bare years,
    numbers glued to a letter, the start of a decimal the pattern cut."""
    fs, fe = m.start(), m.end()
    num = m.group("num")
    if chinese:
        return num in ("一", "十", "百", "千") or (fs > 0 and text[fs - 1] in CN_DIGITS + "第每")
    prev = text[fs - 1] if fs > 0 else ""
    if prev and (prev.isascii() and (prev.isalnum() or prev in "._/")):
        return True
    if is_year_token(text, m.start("num"), m.end("num"), num) and not m.group("u1"):
        return True
    nxt = text[fe : fe + 1]
    u_any = m.group("u2") or m.group("u1")
    if not u_any and nxt and nxt.isascii() and nxt.isalpha():
        return True
    return bool(not u_any and m.group("num2") is None and "." in text[fe : fe + 1])


def _unit(r: _Reader, m: re.Match[str], s: int) -> str | None:
    """The figure's unit as printed (元 made 元/台 by a 单台 before it), '' for an index value, or None when
    the number is not a figure: unitless (ranks, section numbers, model names) or a threshold."""
    text, fs, fe = r.text, m.start(), m.end()
    unit = (m.groupdict().get("u2") or m.group("u1") or "").strip()
    if not unit and not index_term(text, r.lexicon, r.catalog, s, fs):
        return None  # unitless numbers (ranks, section numbers, model names) are not figures here
    if unit == "°C":
        unit = "℃"
    if text[fe:fe + 1] == "有" or text[fe:fe + 3] in ("以上的", "以上企") or text[fe:fe + 2] == "的企":
        return None  # a threshold (营收超10亿元有7家), not a figure
    per = re.search(r"(?:单|每)(台|套|件|个|片|颗)[^,，。;；]{0,8}$", text[max(s, fs - 12):fs])
    if per and unit.endswith(("元", "美元")) and "/" not in unit:
        unit = f"{unit}/{per.group(1)}"
    return unit


def _value(text: str, m: re.Match[str], chinese: bool, unit: str) -> _Figure | None:
    """The number, its sign and, when a second number follows, the range; a second number that does not
    make a range (a year, a smaller value) is dropped with its unit, and without one the figure is too."""
    try:
        printed = parse_number(m.group("num"))
    except ValueError:
        return None
    if chinese and unit == TENTHS:  # 六成: six tenths, a share of 60 %
        printed, unit = printed * 10, "%"
    fig = _Figure(m, chinese, m.start(), m.end(), unit, printed)
    if chinese and unit == "%":
        fig.why.append(f"{m.group(0)} → {printed:g}%")
    sign = (m.groupdict().get("sign") or "")
    if sign in "-−" and sign:
        fig.printed = -fig.printed
    if not chinese and m.group("num2"):
        try:
            fig.printed_high = parse_number(m.group("num2"))
        except ValueError:
            fig.printed_high = None
        if fig.printed_high is not None and fig.printed_high > fig.printed and \
                not is_year_token(text, m.start("num2"), m.end("num2"), m.group("num2")):
            fig.qualifier = "range"
            fig.why.append("range")
        else:
            fig.printed_high = None
            fig.fe = m.start("sep")
            fig.unit = (m.group("u1") or "").strip()
            if not fig.unit:
                return None
    return fig


def _qualify(lexicon: Lexicon, text: str, s: int, fig: _Figure) -> None:
    """Bounds: 余/多 after the number, a cue before it (约, 超过, 不足 …) or after it (以上, 左右 …)."""
    m, fs, fe = fig.m, fig.fs, fig.fe
    if not fig.chinese and m.group("more") and fig.qualifier == "exact" and m.group("u1"):
        fig.qualifier = "at_least"
        fig.why.append(f"'{m.group('more')}' → at_least")
    if fig.qualifier != "exact":
        return
    q = _cue_before(text, max(s, fs - 8), fs, lexicon.qualifier_before)
    if q:
        fig.qualifier = q[0]
        fig.why.append(f"'{q[1]}' → {q[0]}")
    after = text[fe : fe + 6].lstrip(" \u3000\t")[:3]  # 80% 以上: a space does not part the cue from its figure
    for cue, qa in sorted(lexicon.qualifier_after.items(), key=lambda kv: -len(kv[0])):
        if after.startswith(cue) and not (cue == "多" and after.startswith("多个")):
            fig.qualifier = qa
            fig.why.append(f"'{cue}' after → {qa}")
            break


def _sign(lexicon: Lexicon, text: str, s: int, fig: _Figure, periods: list[Period]) -> str | None:
    """Sign from words: 下降7.4% is −7.4 (but 降至 states a level), a deficit is negative. Returns the change
    word before the figure, if any."""
    fs, fe = fig.fs, fig.fe
    change_word = None
    for w in lexicon.decrease + lexicon.increase:
        lo = max(s, fs - len(w) - 3)
        window = text[lo:fs]
        idx = window.rfind(w)
        if idx >= 0 and not window[idx + len(w):].strip("了达为约超过近 \u3000\t") and not w.endswith(("至", "到")):
            change_word = w
            break
    deficit = "逆差" in text[clause_start(text, s, fs):fs] or _DEFICIT_AFTER.match(text, fe, fe + 6) is not None
    if fig.printed > 0 and ((change_word in lexicon.decrease and fig.unit in ("%", "个百分点", "百分点")) or (
            change_word in lexicon.decrease and text[fs - 1:fs] not in "至到" and change_word not in ("降至",)
            and any(p.base for p in periods if p.end <= fs)) or deficit):
        change_word = "逆差" if deficit else change_word
        fig.printed = -fig.printed
        if fig.printed_high is not None:
            fig.printed, fig.printed_high = -fig.printed_high, fig.printed
        fig.why.append(f"'{change_word}' → negative")
    return change_word


def _indicator(r: _Reader, s: int, e: int, fig: _Figure, periods: list[Period], change_word: str | None,
               previous: _Previous | None) -> tuple[str, TermHit | None, str | None, bool, int]:
    """(indicator, its term, its form, whether it was inherited from the figure before, where the search
    for its term began): the nearest term before the figure in its clause whose kind fits the unit, else a
    term right after it, else the indicator of the figure before when this one refers back to it."""
    text, fs, fe, unit = r.text, fig.fs, fig.fe, fig.unit
    ws = window_start(text, s, fs, r.lexicon)
    is_change = unit in ("个百分点", "百分点") or bool(
        change_word and text[fs - 1 : fs] not in "至到" and unit not in ("%", "‰")
        and (any(p.base for p in periods if p.end <= fs) or change_word.startswith("同比")))
    indicator, term, form = choose_indicator(text, r.lexicon, r.catalog, r.hits, r.hit_ends, ws, fs, unit, is_change)
    if term is not None:
        fig.why.append(f"'{term.term}' → {indicator}" + (f" ({form})" if form else ""))
    else:
        indicator, term = indicator_after(text, r.lexicon, r.catalog, s, e, fs, fe, unit, is_change)
        if term is not None:
            fig.why.append(f"'{term.term}' after → {indicator}")
    inherited = False
    if not indicator and previous and previous[1] == unit and fs - previous[2] < 60 and refers_back(text, s, fs):
        # 远低于美国(41.3%)和日本(36.8%); 而日本和德国该比例分别达68%和73%: the indicator of the figure before
        indicator, inherited = previous[0], True
        fig.why.append(f"same indicator as the figure before ({indicator})")
    if not indicator and previous and previous[3] is not None and unit in ("%", "‰"):
        # 市场价值为35.4亿美元,…期间复合年增长率为6.9%: a growth or CAGR word with no term of its own is the
        # growth or CAGR of the quantity the sentence was speaking of
        cs = clause_start(text, s, fs)
        for f in ("cagr", "growth"):
            code = previous[3].form(f)
            if code and r.lexicon.form_hits(f, text, cs, fs) and fits_unit(r.catalog, code, unit):
                indicator, inherited, form = code, True, f
                fig.why.append(f"{f} of the quantity before it ({previous[0]})")
                break
    return indicator, term, form, inherited, ws


def _status(r: _Reader, s: int, fs: int, year: int, year0: int | None) -> str:
    cues = r.within(r.status, s, fs)
    kinds = {v for h in cues for v in h.values}
    if "target" in kinds:
        return "target"
    if year and year0 and year > year0:
        return "forecast"
    if year and year0 and year < year0:
        return "actual"
    if "forecast" in kinds:
        return "forecast" if year0 is None or not year or year > year0 else "estimate"
    return "estimate"


_DENOMINATOR = re.compile(r"(?:占|于|超过|高于|低于|领先)$")  # 占全球的32%: 全球 is what the share is of


def _dimensions(r: _Reader, s: int, ws: int, fs: int) -> dict[str, str]:
    """The figure's dimensions: the nearest mention of each before it — a region or country anywhere earlier in
    its sentence or list item (韩国:…设备支出增长3%), the others within its clause; a region right after 占
    (占全球市场的32%) names what a share is of, not whose figure it is."""
    dims: dict[str, str] = {}
    text = r.text
    for h in r.within(r.dims, s, fs):
        for dim, value in h.values:
            if dim in ("region", "country"):
                if _DENOMINATOR.search(text, max(s, h.start - 2), h.start):
                    continue
            elif h.start < ws:
                continue
            dims[dim] = value  # the nearest (last) mention before the figure wins
    return dims


def _quote(text: str, ws: int, term: TermHit | None, fe: int, e: int) -> tuple[int, int]:
    """The quote: from the clause holding the indicator term to the end of the figure's clause."""
    clause_end = min([m2.start() + 1 for m2 in CLAUSE_END.finditer(text, fe, e)] or [e])
    a, b = min(ws, term.start) if term else ws, clause_end
    while a < b and text[a] in " \n\t,，、:：;；)）":
        a += 1
    while b > a and text[b - 1] in " \n\t,，、:：;；(（":
        b -= 1
    return a, b


_PHRASE_FILLER = "达为至到了已仍在约占是超过近逾不足以上左右突破将有望预计实现共计合计累计分别"
_PHRASE_LEAD = re.compile(r"^(?:其中|而|和|及|以及|同时|此外|另外|并且|并|且|但|其|该|全年|共)+")


def _phrase(text: str, s: int, ws: int, term: TermHit | None, fs: int, periods: list[Period]) -> str:
    """The words the figure measures: its indicator term as printed, else the end of its clause before it,
    without periods, fillers (达, 约, 超过 …) and connectives (其中, 而 …)."""
    if term is not None:
        return term.term
    a = clause_start(text, s, fs)
    for p in periods:
        if a <= p.end <= fs:
            a = max(a, p.end)
    words = text[a:fs].strip(" \t\n,，、:：;；()（）-—")
    while words and words[-1] in _PHRASE_FILLER:
        words = words[:-1]
    words = _PHRASE_LEAD.sub("", words).strip(" ,，、:：的")
    return words[-24:]


def _candidate(r: _Reader, s: int, e: int, fig: _Figure, periods: list[Period], change_word: str | None,
               previous: _Previous | None, context: Period | None) -> tuple[Candidate, _Previous | None]:
    """The figure's Candidate (indicator, period, status, dimensions, confidence, quote, table row), and the
    figure the next one may refer back to."""
    text, doc, m, fs, fe, unit = r.text, r.doc, fig.m, fig.fs, fig.fe, fig.unit
    indicator, term, form, inherited, ws = _indicator(r, s, e, fig, periods, change_word, previous)
    if indicator and not inherited:
        entry = next((v for v in term.values if v.code == indicator or indicator in dict(v.forms).values()),
                     term.values[0]) if term is not None else None
        previous = (indicator, unit, fe, entry)
    elif indicator and previous is not None:
        previous = (indicator, unit, fe, previous[3])
    period, how = period_for(text, periods, s, fs, fe, form, context, fig.why)
    year = period_year(period) or 0
    status = _status(r, s, fs, year, r.year0)
    dims = _dimensions(r, s, ws, fs)
    conf = 0.1
    if indicator:
        conf += 0.35 if inherited else 0.45 + (0.1 if term and term.start >= clause_start(text, s, fs) else 0.0)
    if unit:
        conf += 0.2
    conf += {"sentence": 0.15, "context": 0.1}.get(how, 0.0)
    qs, qe = doc.span(*_quote(text, ws, term, fe, e))
    os_, oe = doc.span(fs, fe)
    if fig.chinese:
        vp, vhp = doc.quote(m.start("num"), m.end("num")), None
    else:
        ns = m.start("sign") if m.group("sign") else m.start("num")
        vp = doc.quote(ns, m.end("num"))
        vhp = doc.quote(m.start("num2"), m.end("num2")) if fig.printed_high is not None else None
    kind, cell = "prose", None
    lay = next((t for t in r.layouts if t.start <= fs < t.end), None)
    row = lay.row_at(fs) if lay else None
    if lay and row:
        kind = "table"
        cell = TableCell(lay.caption, row, term.term if term else "")
        dims[lay.key] = row
    return Candidate(
        printed=fig.printed, printed_high=fig.printed_high, unit_as_printed=unit,
        value_as_printed=vp, value_high_as_printed=vhp, start=os_, end=oe,
        quote=doc.original[qs:qe], quote_start=qs, quote_end=qe, sentence=text[max(s, fs - 200):min(e, fe + 200)].strip(),
        qualifier=fig.qualifier, period=period, indicator=indicator, dimensions=dims, status=status,
        confidence=round(min(conf, 1.0), 2), why=fig.why, kind=kind, cell=cell,
        phrase=_phrase(text, s, ws, term, fs, periods),
    ), previous


def _sentence_figures(r: _Reader, s: int, e: int, flow: Flow) -> list[Candidate]:
    """The figures of one sentence, left to right; a figure never starts inside the one before."""
    text = r.text
    context = flow.period
    periods = periods_in(text, s, e, period_year(context.text) if context else None, r.report)
    flow.leave(periods, e)
    figures = [(m, False) for m in FIGURE_RE.finditer(text, s, e)]
    figures += [(m, True) for m in CN_FIGURE_RE.finditer(text, s, e)]
    words = {m.start(): m for m in WORD_FIGURE_RE.finditer(text, s, e)}
    figures += [(m, True) for m in words.values()]
    figures.sort(key=lambda f: (f[0].start(), -f[0].end()))
    out: list[Candidate] = []
    last_end = -1
    previous: _Previous | None = None
    for m, chinese in figures:
        if m.start() < last_end or r.skipped(m.start()):
            continue
        fig: _Figure | None
        if words.get(m.start()) is m:  # 过半, 近一半, 翻一番: the words are the figure
            printed, word_unit, qualifier = WORD_FIGURES[m.group("num")]
            fig = _Figure(m, True, m.start(), m.end(), word_unit, printed, qualifier=qualifier,
                          why=[f"'{m.group('num')}' → {printed:g}{word_unit} ({qualifier})"])
        else:
            if _not_a_figure(text, m, chinese):
                continue
            unit = _unit(r, m, s)
            if unit is None:
                continue
            fig = _value(text, m, chinese, unit)
        last_end = m.end()
        if fig is None:
            continue
        _qualify(r.lexicon, text, s, fig)
        change_word = _sign(r.lexicon, text, s, fig, periods)
        cand, previous = _candidate(r, s, e, fig, periods, change_word, previous, context)
        out.append(cand)
    return out


def find_figures(doc: Document, lexicon: Lexicon, catalog: Catalog, *,
                 skip: Sequence[tuple[int, int]] = (), report: ReportDate | None = None) -> list[Candidate]:
    """Every figure in the prose of `doc` (outside the `skip` spans, which tables occupy); `report` dates
    the relative periods (去年, 未来五年) and the status of a figure (forecast after the report's year)."""
    text = doc.text
    r = _Reader(doc, lexicon, catalog, report or ReportDate(), _merge(sorted(skip)),
                lexicon.indicator_hits(text), layout_tables(text, lexicon))
    out: list[Candidate] = []
    flow = Flow(text)
    for s, e in flow.passages(sentences(text)):
        flow.enter(s)
        if not r.skipped(s, e):
            out += _sentence_figures(r, s, e, flow)
        else:
            flow.leave(periods_in(text, s, e, None, r.report), e)
    return out
