"""Figures in running text: a number with its unit, the bound or range around it, the period it belongs
to and the indicator the sentence says it is.

Why rules and a lexicon rather than a learned tagger: every decision has to be explainable to the analyst
who reviews it (`why`), the vocabulary has to be extendable by that analyst without a training run, and
nothing may be downloaded at run time. The patterns are written for normalised text (simplified Chinese,
half-width digits); offsets go back to the original through `Document.span`.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass

from ...errors import UnitError
from ...model.catalog import Catalog
from ...model.numbers import parse_number
from ...model.units import CURRENCIES, PREFIXES, base_units, parse_unit
from .candidate import Candidate, TableCell
from .document import Document
from .lexicon import Lexicon, TermHit

__all__ = ["find_figures", "report_year", "sentences", "PERIOD_RE", "FIGURE_RE"]

# ---- units ---------------------------------------------------------------------------------------------
# Base units that are a single ASCII letter (t, m, g, h, K, W) or a calendar word (年, 月, 日) or ASCII
# currency signs read as units would swallow model names ("3.0T"), years and dates: leave them out.
_SKIP_BASES = {"", "分", "点", "年", "月", "日", "t", "m", "g", "h", "K", "W", "$", "year", "years", "day", "days",
               "month", "months", "percent", "pixel", "px", "inch", "Pa", "um", "pp", "pct", "ppt", "起", "名", "部",
               "支", "块", "处", "座", "轮", "笔", "只", "人次"}


def _unit_alternatives() -> list[str]:
    bases = {b: prefixed for b, prefixed in base_units().items() if b not in _SKIP_BASES}
    out = set(bases)
    for base, prefixed in bases.items():
        if prefixed:
            for p in PREFIXES:
                out.add(p + base)
    money = [c for c in CURRENCIES if not c.isascii()]
    counters = ["台", "个", "片", "套", "件", "颗", "只", "块", "吨", "平方米"]
    for m in money:
        for p in ("", "万", "亿", "千", "百万"):
            for c in counters:
                out.add(f"{p}{m}/{c}")
    out |= {"个百分点", "百分点", "%", "‰", "倍", "个月", "°C"}
    return sorted(out, key=len, reverse=True)


_UNIT = "|".join(map(re.escape, _unit_alternatives()))
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_SEP = r"\s*(?:–|—|-|~|～|至|到)\s*"
FIGURE_RE = re.compile(
    rf"(?P<pm>±)?(?P<sign>[+\-−])?(?P<num>{_NUM})(?P<more>余|多)?\s?(?P<u1>{_UNIT})?"
    rf"(?:(?P<sep>{_SEP})(?P<sign2>[+\-−])?(?P<num2>{_NUM})\s?(?P<u2>{_UNIT})?)?"
)
_CN_DIGITS = "零〇一二两三四五六七八九十百千"
_CN_UNITS = ("家", "项", "所", "条", "倍", "款", "种", "次", "周", "个月", "个百分点", "座", "套", "台")
CN_FIGURE_RE = re.compile(rf"(?P<num>[{_CN_DIGITS}]{{1,4}})(?P<u1>{'|'.join(_CN_UNITS)})")

# ---- periods -------------------------------------------------------------------------------------------
_YEAR = r"(?:19[5-9]\d|20\d\d)"
PERIOD_RE = re.compile(
    rf"(?P<y>{_YEAR})(?:\s*年?\s*(?:–|—|-|~|～|至|到)\s*(?P<y2>{_YEAR}))?\s*(?:年|\b)(?:度)?"
    r"(?:\s*(?:(?P<q>Q[1-4])|第(?P<qc>[一二三四])季度|(?P<qd>[一二三四1-4])季度|(?P<m1>\d{1,2})\s*(?:–|—|-|~|至)\s*(?P<m2>\d{1,2})\s*月))?"
)
_BASE_MARK = ("较", "比", "相比", "相较", "对比", "与", "从", "由", "自", "较之")
_Q = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}

_SENT_END = re.compile(r"[。！？!?;；]|\n\s*\n")
_CLAUSE_END = re.compile(r"[，:：。；;()（）]|,(?!\d{3}(?!\d))")  # not the comma of 1,820
# What may stand before a figure in a clause that continues the previous one (",同比增长12.3%"):
# periods, comparison and change words, fillers. Anything else is a noun of its own.
_CONTINUATION = re.compile(
    r"(?:较|比|相比|同比|环比|其中|分别|约|达到?|为|仅|已|将|至|到|的|了|增长|增加|上升|提升|提高|下降|下滑|减少|回落|降低|"
    r"扩大|缩短|延长|高出|低于|超过|不足|年均|复合|增速|增幅|同期|水平|\d{4}年|\d{4}|年|Q[1-4]|第.季度|\s)+")
_REFERS_BACK = re.compile(r"该比例|该比重|该指标|同类产品|分别|后者|前者|而.{0,6}(?:仅|为|达)")
FORMS_IN_TERM = ("growth", "cagr")


@dataclass
class _Period:
    start: int
    end: int
    text: str
    year: int
    base: bool
    span: tuple[int, int] | None = None


@dataclass
class LayoutTable:
    """A table laid out by lines (PDF-to-text): a header line whose first word is a row key (区域 …),
    rows that begin with a line holding only a dimension value (华北), cells flowing below it."""

    start: int
    end: int
    caption: str
    key: str
    rows: list[tuple[int, str]]

    def row_at(self, pos: int) -> str | None:
        label = None
        for start, name in self.rows:
            if start <= pos:
                label = name
        return label


_CAPTION = re.compile(r"^\s*(表\s*\d+[.．、]?\s*[^\n]{2,40})$", re.M)


def layout_tables(text: str, lexicon: Lexicon) -> list[LayoutTable]:
    """Tables of layout text whose rows are named by dimension values (the regional resource table)."""
    out = []
    for m in re.finditer(r"^[ \t]*(\S+)(?:[ \t]+\S+){2,}[ \t]*$", text, re.M):
        key = lexicon.row_keys.get(m.group(1))
        if key is None or key == "period":
            continue
        rows: list[tuple[int, str]] = []
        pos = m.end()
        end = m.end()
        for line in re.finditer(r"^[ \t]*([^\n]*?)[ \t]*$", text[m.end():m.end() + 6000], re.M):
            word = line.group(1)
            at = m.end() + line.start()
            if _CAPTION.match(word) or re.match(r"^(图|数据来源)", word):
                end = at
                break
            hits = lexicon.dimension_hits(word)
            if hits and hits[0].start == 0 and hits[0].end == len(word) and any(d == key for d, _ in hits[0].values):
                rows.append((at, next(v for d, v in hits[0].values if d == key)))
            end = at + len(line.group(0))
        if len(rows) < 2:
            continue
        cap = _CAPTION.search(text, end, end + 200)
        caption = cap.group(1).strip() if cap else m.group(0).strip()
        out.append(LayoutTable(m.start(), end, caption, key, rows))
        pos = end
    return out


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of normalised text."""
    out, pos = [], 0
    for m in _SENT_END.finditer(text):
        if m.end() > pos:
            out.append((pos, m.end()))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text)))
    return out


def report_year(doc: Document) -> int | None:
    """The year the report speaks from: a year in its first line (titles say '2025年及未来5年'), else the
    most frequent year in the text."""
    first = doc.text.strip().split("\n", 1)[0][:300]
    m = re.search(_YEAR, first)
    if m:
        return int(m.group(0))
    years = Counter(int(y) for y in re.findall(rf"(?<!\d)({_YEAR})年", doc.text))
    return years.most_common(1)[0][0] if years else None


def _periods(text: str, s: int, e: int) -> list[_Period]:
    out = []
    for m in PERIOD_RE.finditer(text, s, e):
        if m.start() > 0 and text[m.start() - 1].isdigit():
            continue
        if m.end() < len(text) and text[m.end() - 1].isdigit() and m.end() < len(text) and text[m.end()].isdigit():
            continue
        y = int(m.group("y"))
        before = text[max(s, m.start() - 3) : m.start()]
        base = any(before.endswith(b) for b in _BASE_MARK)
        if m.group("y2"):
            y2 = int(m.group("y2"))
            if y2 <= y:
                continue
            out.append(_Period(m.start(), m.end(), f"{y}/{y2}", y2, base, (y, y2)))
            continue
        q = m.group("q")
        if q:
            label = f"{y}{q}"
        elif m.group("qc") or m.group("qd"):
            label = f"{y}Q{_Q[m.group('qc') or m.group('qd')]}"
        elif m.group("m1") and m.group("m2"):
            m1, m2 = int(m.group("m1")), int(m.group("m2"))
            label = f"{y}Q{(m2 + 2) // 3}" if m1 in (1, 4, 7, 10) and m2 == m1 + 2 else str(y)
        else:
            label = str(y)
        # a bare 4-digit number not followed by 年 is a period only when it is not a quantity
        if not m.group(0).rstrip().endswith(("年", "度")) and not q and not label[4:]:
            nxt = text[m.end() : m.end() + 1]
            if nxt and (nxt.isdigit() or nxt in "%万亿元台家个"):
                continue
        out.append(_Period(m.start(), m.end(), label, y, base))
    return out


def _is_year_token(text: str, start: int, end: int, num: str) -> bool:
    if not re.fullmatch(_YEAR, num):
        return False
    after = text[end : end + 2]
    return not after or after[0] in "年–—-~～至到/)(（）Q、,，" or after[0].isspace() or after[0].isalpha() and not after[0].isascii()


def _cue_before(text: str, lo: int, pos: int, cues: dict[str, str], gap: str = "达为至到了已仍在约占是") -> tuple[str, str] | None:
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


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _index_term(text: str, lexicon: Lexicon, catalog: Catalog, s: int, fs: int) -> bool:
    """A unitless number is a figure when a dimensionless indicator (an index) is named right before it:
    产成品库存指数为54.8."""
    for h in lexicon.indicator_hits(text, max(s, fs - 16), fs):
        gap = text[h.end:fs]
        if len(gap) <= 4 and not re.search(r"\d", gap) and any(
                (ind := catalog.get(v.code)) is not None and ind.unit_kind == "dimensionless" for v in h.values):
            return True
    return False


def _clause_start(text: str, s: int, fs: int) -> int:
    starts = [m.end() for m in _CLAUSE_END.finditer(text, s, fs)]
    return starts[-1] if starts else s


def _window_start(text: str, s: int, fs: int, lexicon: Lexicon) -> int:
    """Where to look for the figure's indicator term: its clause, extended back over clauses that merely
    continue the previous one (`…市场规模达486亿元,较2022年同比增长12.3%`), at most two."""
    start = _clause_start(text, s, fs)
    for _ in range(2):
        prefix = text[start:fs]
        if start <= s or lexicon.indicator_hits(prefix):
            break
        rest = _CONTINUATION.sub("", prefix)
        if len(rest) > 1:
            break
        start = _clause_start(text, s, start - 1)
    return start


def _indicator(text: str, lexicon: Lexicon, catalog: Catalog, hits: list[TermHit], ends: list[int], ws: int,
               fs: int, unit: str, is_change: bool) -> tuple[str, TermHit | None, str | None]:
    """The nearest indicator term in text[ws:fs] that resolves to an indicator fitting the unit, with the
    form (growth, CAGR, change) the words between term and figure give it."""

    cagr = unit in ("%", "‰") and bool(lexicon.form_hits("cagr", text, ws, fs))
    i = bisect.bisect_right(ends, fs)
    while i > 0:
        i -= 1
        h = hits[i]
        if h.start < ws:
            break
        between = text[h.end : fs]
        if is_change:
            form = "change"
        elif cagr:
            form = "cagr"
        elif unit in ("%", "‰") and [g for g in lexicon.form_hits("growth", between)
                                       if text[g.end : g.end + 1] not in "至到为"]:
            form = "growth"
        else:
            form = None
        code = _resolve(h, form, unit, catalog, lexicon)
        if code is None and form == "growth" and not between.strip():
            code = _resolve(h, None, unit, catalog)
        if code:
            modified = lexicon.modify(code, text[ws:h.start])
            if modified != code and _fits(catalog, modified, unit):
                code = modified
            return code, h, form
    return "", None, None


def _fits(catalog: Catalog, code: str, unit: str) -> bool:
    ind = catalog.get(code)
    if ind is None:
        return False
    try:
        parse_unit(unit, ind.unit_kind)
        return True
    except UnitError:
        return False


def _resolve(term: TermHit, form: str | None, unit: str, catalog: Catalog, lexicon: Lexicon | None = None) -> str | None:
    """The indicator a term means for a figure in `unit`, given the form the words around it give."""
    own_form = bool(form and lexicon and form in FORMS_IN_TERM and lexicon.form_hits(form, term.term))
    for entry in term.values:
        code = entry.code
        if form:
            linked = entry.form(form)
            if linked and _fits(catalog, linked, unit):
                return linked
            if form == "change" and _fits(catalog, code, unit):
                return code
            if form in ("growth", "cagr") and not own_form:
                continue  # 市场规模年均复合增长率 is a growth term of its own
        if _fits(catalog, code, unit):
            return code
    return None


def find_figures(doc: Document, lexicon: Lexicon, catalog: Catalog, *,
                 skip: list[tuple[int, int]] = (), default_year: int | None = None) -> list[Candidate]:
    """Every figure in the prose of `doc` (outside the `skip` spans, which tables occupy)."""
    text = doc.text
    year0 = default_year or report_year(doc)
    skip = _merge(sorted(skip))
    skip_starts = [a for a, _ in skip]

    def skipped(pos: int, end: int | None = None) -> bool:
        """Is [pos, end) (or pos) inside a table span? Spans are merged and sorted: one bisect."""
        i = bisect.bisect_right(skip_starts, pos) - 1
        return i >= 0 and (skip[i][1] >= end if end is not None else pos < skip[i][1])

    out: list[Candidate] = []
    indicator_hits = lexicon.indicator_hits(text)
    hit_ends = [h.end for h in indicator_hits]
    layouts = layout_tables(text, lexicon)

    for s, e in sentences(text):
        if skipped(s, e):
            continue
        periods = _periods(text, s, e)
        figures = [(m, False) for m in FIGURE_RE.finditer(text, s, e)]
        figures += [(m, True) for m in CN_FIGURE_RE.finditer(text, s, e)]
        figures.sort(key=lambda f: f[0].start())
        last_end = -1
        previous: tuple[str, str, int] | None = None
        for m, chinese in figures:
            fs, fe = m.start(), m.end()
            if fs < last_end or skipped(fs):
                continue
            num = m.group("num")
            if chinese:
                if num in ("一", "十", "百", "千") or (fs > 0 and text[fs - 1] in _CN_DIGITS + "第每"):
                    continue
            else:
                prev = text[fs - 1] if fs > 0 else ""
                if prev and (prev.isascii() and (prev.isalnum() or prev in "._/") ):
                    continue
                if _is_year_token(text, m.start("num"), m.end("num"), num) and not m.group("u1"):
                    continue
                nxt = text[fe : fe + 1]
                u_any = m.group("u2") or m.group("u1")
                if not u_any and nxt and nxt.isascii() and nxt.isalpha():
                    continue
                if not u_any and m.group("num2") is None and "." in text[fe : fe + 1]:
                    continue
            unit = (m.groupdict().get("u2") or m.group("u1") or "").strip()
            if not unit and not _index_term(text, lexicon, catalog, s, fs):
                continue  # unitless numbers (ranks, section numbers, model names) are not figures here
            if unit == "°C":
                unit = "℃"
            if text[fe:fe + 1] == "有" or text[fe:fe + 3] in ("以上的", "以上企") or text[fe:fe + 2] == "的企":
                continue  # a threshold (营收超10亿元有7家), not a figure
            per = re.search(r"(?:单|每)(台|套|件|个|片|颗)[^,，。;；]{0,8}$", text[max(s, fs - 12):fs])
            if per and unit.endswith(("元", "美元")) and "/" not in unit:
                unit = f"{unit}/{per.group(1)}"
            last_end = fe
            try:
                printed = parse_number(num)
            except ValueError:
                continue
            printed_high = None
            qualifier = "exact"
            why: list[str] = []
            sign = (m.groupdict().get("sign") or "")
            if sign in "-−" and sign:
                printed = -printed
            if not chinese and m.group("num2"):
                try:
                    printed_high = parse_number(m.group("num2"))
                except ValueError:
                    printed_high = None
                if printed_high is not None and printed_high > printed and not _is_year_token(text, m.start("num2"), m.end("num2"), m.group("num2")):
                    qualifier = "range"
                    why.append("range")
                else:
                    printed_high = None
                    fe = m.start("sep")
                    unit = (m.group("u1") or "").strip()
                    if not unit:
                        continue
            # qualifiers
            if not chinese and m.group("more") and qualifier == "exact" and m.group("u1"):
                qualifier = "at_least"
                why.append(f"'{m.group('more')}' → at_least")
            if qualifier == "exact":
                q = _cue_before(text, max(s, fs - 8), fs, lexicon.qualifier_before)
                if q:
                    qualifier = q[0]
                    why.append(f"'{q[1]}' → {q[0]}")
                after = text[fe : fe + 3]
                for cue, qa in sorted(lexicon.qualifier_after.items(), key=lambda kv: -len(kv[0])):
                    if after.startswith(cue) and not (cue == "多" and after.startswith("多个")):
                        qualifier = qa
                        why.append(f"'{cue}' after → {qa}")
                        break
            # sign from words: 下降7.4% is −7.4 (but 降至 states a level)
            change_word = None
            for w in lexicon.decrease + lexicon.increase:
                lo = max(s, fs - len(w) - 3)
                window = text[lo:fs]
                idx = window.rfind(w)
                if idx >= 0 and not window[idx + len(w):].strip("了达为约超过近") and not w.endswith(("至", "到")):
                    change_word = w
                    break
            deficit = "逆差" in text[_clause_start(text, s, fs):fs] or text[fe:fe + 6].lstrip("的贸易").startswith("逆差")
            if printed > 0 and ((change_word in lexicon.decrease and unit in ("%", "个百分点", "百分点")) or (
                    change_word in lexicon.decrease and not text[fs - 1:fs] in "至到" and change_word not in ("降至",)
                    and any(p.base for p in periods if p.end <= fs)) or deficit):
                change_word = "逆差" if deficit else change_word
                printed = -printed
                if printed_high is not None:
                    printed, printed_high = -printed_high, printed
                why.append(f"'{change_word}' → negative")
            # indicator: the nearest term before the figure, in its clause, whose kind fits the unit
            ws = _window_start(text, s, fs, lexicon)
            is_change = unit in ("个百分点", "百分点") or bool(
                change_word and not text[fs - 1 : fs] in "至到" and unit not in ("%", "‰")
                and (any(p.base for p in periods if p.end <= fs) or change_word.startswith("同比")))
            indicator, term, form = _indicator(text, lexicon, catalog, indicator_hits, hit_ends, ws, fs, unit, is_change)
            if indicator:
                why.append(f"'{term.term}' → {indicator}" + (f" ({form})" if form else ""))
            else:  # a noun right after the figure: 12家设备商, 92.4%的高端EDA工具依赖进口
                after_end = min([m2.start() for m2 in _CLAUSE_END.finditer(text, fe, e)] or [e])
                if not text[_clause_start(text, s, fs):fs].strip() and after_end - fe <= 2:
                    after_end = min(e, fe + 14)  # "18.3%,市场增速高于…": the figure leads, its noun follows
                for h in lexicon.indicator_hits(text, fe, min(after_end, fe + 20)):
                    code = _resolve(h, "change" if is_change else None, unit, catalog)
                    if code:
                        indicator, term = code, h
                        why.append(f"'{h.term}' after → {code}")
                        break
            inherited = False
            if not indicator and previous and previous[1] == unit and fs - previous[2] < 60 and \
                    (text[fs - 1:fs] in "(（" or _REFERS_BACK.search(text, max(s, fs - 12), fs)):
                # 远低于美国(41.3%)和日本(36.8%); 而日本和德国该比例分别达68%和73%: the indicator of the figure before
                indicator, inherited = previous[0], True
                why.append(f"same indicator as the figure before ({indicator})")
            # period
            if indicator:
                previous = (indicator, unit, fe)
            period, explicit = _period_for(text, periods, s, fs, fe, form, unit, year0, why)
            # status
            year = int(period[-4:]) if period[-4:].isdigit() else (year0 or 0)
            status = _status(lexicon, text, s, fs, year, year0)
            dims = _dimensions(lexicon, text, ws, fs)
            clause_start = _clause_start(text, s, fs)
            conf = 0.1
            if indicator:
                conf += 0.35 if inherited else 0.45 + (0.1 if term and term.start >= clause_start else 0.0)
            if unit:
                conf += 0.2
            if explicit:
                conf += 0.15
            # the quote: from the clause holding the indicator term to the end of the figure's clause
            clause_end = min([m2.start() + 1 for m2 in _CLAUSE_END.finditer(text, fe, e)] or [e])
            a, b = min(ws, term.start) if term else ws, clause_end
            while a < b and text[a] in " \n\t,，、:：;；)）":
                a += 1
            while b > a and text[b - 1] in " \n\t,，、:：;；(（":
                b -= 1
            qs, qe = doc.span(a, b)
            os_, oe = doc.span(fs, fe)
            if chinese:
                vp, vhp = doc.quote(m.start("num"), m.end("num")), None
            else:
                ns = m.start("sign") if m.group("sign") else m.start("num")
                vp = doc.quote(ns, m.end("num"))
                vhp = doc.quote(m.start("num2"), m.end("num2")) if printed_high is not None else None
            kind, cell = "prose", None
            lay = next((t for t in layouts if t.start <= fs < t.end), None)
            row = lay.row_at(fs) if lay else None
            if lay and row:
                kind = "table"
                cell = TableCell(lay.caption, row, term.term if term else "")
                dims[lay.key] = row
            out.append(Candidate(
                printed=printed, printed_high=printed_high, unit_as_printed=unit,
                value_as_printed=vp, value_high_as_printed=vhp, start=os_, end=oe,
                quote=doc.original[qs:qe], quote_start=qs, quote_end=qe, sentence=text[max(s, fs - 200):min(e, fe + 200)].strip(),
                qualifier=qualifier, period=period, indicator=indicator, dimensions=dims, status=status,
                confidence=round(min(conf, 1.0), 2), why=why, kind=kind, cell=cell,
            ))
    return out


def _period_for(text: str, periods: list[_Period], s: int, fs: int, fe: int, form: str | None, unit: str,
                year0: int | None, why: list[str]) -> tuple[str, bool]:
    if form == "cagr":
        spans = [p for p in periods if p.span]
        if spans:
            best = min(spans, key=lambda p: abs(p.start - fs))
            why.append(f"CAGR over {best.text}")
            return best.text, True
    spans = [p for p in periods if p.span and p.end <= fs and not text[p.end:fs].count("。")]
    if spans and form != "cagr":
        lead = text[max(s, fs - 8):fs]
        if re.search(r"从(?:大约|约)?$", lead):
            why.append(f"start of {spans[-1].text}")
            return str(spans[-1].span[0]), True
        if re.search(r"(?:至|到)(?:约)?$", lead):
            why.append(f"end of {spans[-1].text}")
            return str(spans[-1].span[1]), True
    before = [p for p in periods if p.end <= fs and not p.span]
    after = [p for p in periods if p.start >= fe and not p.span]
    own = [p for p in before if not p.base]
    # 从2020年的38%: a base year binds the figure right after it ("的", "的平均")
    direct = [p for p in before if fs - p.end <= 4 and re.fullmatch(r"(?:的|的平均|的约|为|达|仅)?\s*", text[p.end:fs])]
    direct = direct or [p for p in own if fs - p.end <= 4 and not re.search(r"\d", text[p.end:fs])]
    current: _Period | None = direct[-1] if direct else (own[-1] if own else None)
    if current is None:
        nxt_clause = _CLAUSE_END.search(text, fe)
        clause_end = nxt_clause.start() if nxt_clause else len(text)
        nxt = [p for p in after if p.start < clause_end and not p.base]
        current = nxt[0] if nxt else None
    label = current.text if current else (str(year0) if year0 else "")
    base = [p for p in before if p.base and (current is None or p.start > current.start)]
    if form == "change" and base and not text[base[-1].end : base[-1].end + 2] == "同期" and label[:4].isdigit() \
            and base[-1].year < int(label[:4]):
        label = f"{base[-1].year}/{label[:4]}"
        why.append(f"change since {base[-1].year}")
    return label, current is not None


def _status(lexicon: Lexicon, text: str, s: int, fs: int, year: int, year0: int | None) -> str:
    cues = [h for h in lexicon.status_hits(text, s, fs)]
    kinds = {v for h in cues for v in h.values}
    if "target" in kinds:
        return "target"
    if year0 and year > year0:
        return "forecast"
    if year0 and year < year0:
        return "actual"
    if "forecast" in kinds:
        return "forecast" if year0 is None or year > year0 else "estimate"
    return "estimate"


def _dimensions(lexicon: Lexicon, text: str, s: int, fs: int) -> dict[str, str]:
    dims: dict[str, str] = {}
    for h in lexicon.dimension_hits(text, s, fs):
        for dim, value in h.values:
            dims[dim] = value  # the nearest (last) mention before the figure wins
    return dims
