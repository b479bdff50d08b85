"""Which indicator a figure in running text is: the nearest indicator term before it in its clause (or in
the clauses it continues) whose unit kind fits the figure's unit, in the form (growth, CAGR, change) the
words between term and figure give it; else a term right after the figure; else, for a figure that refers
back (`远低于美国(41.3%)`, `该比例`), the indicator of the figure before.

Why its own module: this is the step an analyst most often corrects, and each rule here is written into
the candidate's `why`, so it should read as one piece.
"""
from __future__ import annotations

import bisect
import re

from ...errors import UnitError
from ...model import Catalog, parse_unit
from .clauses import CLAUSE_END, clause_start
from .lexicon import Lexicon, TermHit

__all__ = ["FORMS_IN_TERM", "choose_indicator", "fits_unit", "index_term", "indicator_after", "refers_back",
           "resolve_term", "window_start"]

# What may stand before a figure in a clause that continues the previous one (",同比增长12.3%"):
# periods, comparison and change words, fillers. Anything else is a noun of its own.
_CONTINUATION = re.compile(
    r"(?:较|比|相比|同比|环比|其中|分别|约|达到?|为|仅|已|将|至|到|的|了|增长|增加|上升|提升|提高|下降|下滑|减少|回落|降低|"
    r"扩大|缩短|延长|高出|低于|超过|不足|年均|复合|增速|增幅|同期|水平|\d{4}年|\d{4}|年|Q[1-4]|第.季度|\s)+")
_REFERS_BACK = re.compile(r"该比例|该比重|该指标|同类产品|分别|后者|前者|而.{0,6}(?:仅|为|达)")
FORMS_IN_TERM = ("growth", "cagr")


def index_term(text: str, lexicon: Lexicon, catalog: Catalog, s: int, fs: int) -> bool:
    """A unitless number is a figure when a dimensionless indicator (an index) is named right before it:
    产成品库存指数为54.8."""
    for h in lexicon.indicator_hits(text, max(s, fs - 16), fs):
        gap = text[h.end:fs]
        if len(gap) <= 4 and not re.search(r"\d", gap) and any(
                (ind := catalog.get(v.code)) is not None and ind.unit_kind == "dimensionless" for v in h.values):
            return True
    return False


def window_start(text: str, s: int, fs: int, lexicon: Lexicon) -> int:
    """Where to look for the figure's indicator term: its clause, extended back over clauses that merely
    continue the previous one (`…市场规模达486亿元,较2022年同比增长12.3%`), at most two."""
    start = clause_start(text, s, fs)
    for _ in range(2):
        prefix = text[start:fs]
        if start <= s or lexicon.indicator_hits(prefix):
            break
        rest = _CONTINUATION.sub("", prefix)
        if len(rest) > 1:
            break
        start = clause_start(text, s, start - 1)
    return start


def choose_indicator(text: str, lexicon: Lexicon, catalog: Catalog, hits: list[TermHit], ends: list[int], ws: int,
                     fs: int, unit: str, is_change: bool) -> tuple[str, TermHit | None, str | None]:
    """The nearest indicator term in text[ws:fs] that resolves to an indicator fitting the unit, with the
    form (growth, CAGR, change) the words between term and figure give it."""

    cagr = unit in ("%", "‰") and bool(lexicon.form_hits("cagr", text, ws, fs))
    paired = _respective(text, hits, ends, ws, fs)
    i = bisect.bisect_right(ends, fs)
    while i > 0:
        i -= 1
        h = hits[i]
        if paired is not None:
            h, i = paired, 0  # 销售额及销售量的复合增长率分别为6.39%和7.65%: the k-th term for the k-th figure
        elif h.start < ws:
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
        code = resolve_term(h, form, unit, catalog, lexicon)
        if code is None and form == "growth" and not between.strip():
            code = resolve_term(h, None, unit, catalog)
        if code:
            modified = lexicon.modify(code, text[ws:h.start])
            if modified != code and fits_unit(catalog, modified, unit):
                code = modified
            return code, h, form
    return "", None, None


_RESPECTIVELY = re.compile(r"分别")
_JOINED = re.compile(r"\s*(?:及|和|与|、|以及|,|，)\s*")


def _respective(text: str, hits: list[TermHit], ends: list[int], ws: int, fs: int) -> TermHit | None:
    """When terms joined by 及/和/、 are followed by 分别 and then figures, the term this figure pairs with (the
    k-th term for the k-th figure after 分别), else None."""
    last = None
    for m in _RESPECTIVELY.finditer(text, ws, fs):
        last = m
    if last is None:
        return None
    lo, hi = bisect.bisect_left(ends, ws + 1), bisect.bisect_right(ends, last.start())
    before = [h for h in hits[lo:hi] if h.start >= ws]
    group: list[TermHit] = []
    for h in reversed(before):
        if group and not _JOINED.fullmatch(text[h.end:group[0].start]):
            break
        group.insert(0, h)
    if len(group) < 2:
        return None
    k = len(re.findall(r"\d+(?:\.\d+)?", text[last.end():fs]))
    return group[k] if k < len(group) else None


def fits_unit(catalog: Catalog, code: str, unit: str) -> bool:
    """Is `unit` a unit of the indicator's kind?"""
    ind = catalog.get(code)
    if ind is None:
        return False
    try:
        parse_unit(unit, ind.unit_kind)
        return True
    except UnitError:
        return False


def resolve_term(term: TermHit, form: str | None, unit: str, catalog: Catalog, lexicon: Lexicon | None = None) -> str | None:
    """The indicator a term means for a figure in `unit`, given the form the words around it give."""
    own_form = bool(form and lexicon and form in FORMS_IN_TERM and lexicon.form_hits(form, term.term))
    for entry in term.values:
        code = entry.code
        if form:
            linked = entry.form(form)
            if linked and fits_unit(catalog, linked, unit):
                return linked
            if form == "change" and fits_unit(catalog, code, unit):
                return code
            if form in ("growth", "cagr") and not own_form:
                continue  # 市场规模年均复合增长率 is a growth term of its own
        if fits_unit(catalog, code, unit):
            return code
    return None


def indicator_after(text: str, lexicon: Lexicon, catalog: Catalog, s: int, e: int, fs: int, fe: int, unit: str,
                    is_change: bool) -> tuple[str, TermHit | None]:
    """A noun right after the figure: 12家设备商, 92.4%的高端EDA工具依赖进口."""
    after_end = min([m2.start() for m2 in CLAUSE_END.finditer(text, fe, e)] or [e])
    if not text[clause_start(text, s, fs):fs].strip() and after_end - fe <= 2:
        after_end = min(e, fe + 14)  # "18.3%,市场增速高于…": the figure leads, its noun follows
    for h in lexicon.indicator_hits(text, fe, min(after_end, fe + 20)):
        code = resolve_term(h, "change" if is_change else None, unit, catalog)
        if code:
            return code, h
    return "", None


_CHAIN = re.compile(r"(?:将|有望|预计|可望|或将|并)?(?:达到|达|增至|增长至|增长到|增加至|升至|提升至|上升至|跃升至|降至|下降至|"
                    r"回落至|扩大至|缩小至|突破|至|到)(?:约|近|超过|逾)?\s*$")


def refers_back(text: str, s: int, fs: int) -> bool:
    """Does the figure at `fs` point back to the one before it? 远低于美国(41.3%)和日本(36.8%);
    而日本和德国该比例分别达68%和73%; and the next link of a chain: 2021年为303.59亿颗,预计2027年将达到
    487.08亿颗 (a level the same quantity reaches later)."""
    return text[fs - 1:fs] in "(（" or _REFERS_BACK.search(text, max(s, fs - 12), fs) is not None \
        or _CHAIN.search(text[max(s, fs - 8):fs]) is not None
