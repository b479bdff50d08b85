"""Periods in running text and the period a figure belongs to.

Forms read: a year (2025年), a span of years (2020-2025年, 十四五), a quarter (2025年一季度, 2024Q3), a half
or the first three quarters (上半年, 前三季度), a month (2025年10月), a span of months (1-10月, 1 - 6月), and
words that name a period only against a date: 去年, 今年, 明年, 当年, 未来五年, 近三年, 目前, 本报告期.

Why its own module: a figure's period is rarely printed beside it. It is the period written just before it
in its sentence, or the one after it in its clause, or the span a CAGR runs over, or a base year turned
into a change since that year, or the period the paragraph (or its heading, or the list it belongs to)
has been speaking of (`discourse`); each choice is said in `why`. Where the text gives none, the period is
left open — never the page's most frequent year, which is a guess an analyst cannot see.

A year-less form (10月, 上半年) takes its year from an explicit year earlier in its sentence, else from the
period the discourse carries, else from the report's date; a relative word (去年, 未来五年) only from the
report's date. Without them it is not a period.
"""
from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import date

from .clauses import CLAUSE_END
from .document import Document

__all__ = ["PERIOD_RE", "Period", "ReportDate", "is_year_token", "period_for", "period_year", "periods_in",
           "report_date_of", "report_year"]

_YEAR = r"(?:19[5-9]\d|20\d\d)"
_SEP = r"(?:–|—|-|~|～|至|到)"
_MONTHS = rf"(?P<m1>\d{{1,2}})\s*(?:月份?)?\s*{_SEP}\s*(?P<m2>\d{{1,2}})\s*月(?:份)?"
_PART = (rf"(?:(?P<q>Q[1-4])|(?P<h>H[12])(?![0-9A-Za-z])|第?(?P<qc>[一二三四1-4])季度|(?P<half>上半年|下半年|前三季度?|半年度|全年)"
         rf"|{_MONTHS}|(?P<m>\d{{1,2}})\s*月(?P<mend>末|底)?(?:份)?)")
PERIOD_RE = re.compile(
    rf"(?P<y>{_YEAR})(?:\s*年?\s*{_SEP}\s*(?P<y2>{_YEAR}))?\s*(?:年|\b|(?=[QH][1-4]))(?:度)?(?:\s*{_PART})?"
)
_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
# Year-less forms: a part of a year (its year from the sentence, the discourse or the report's date) and
# words relative to the report's date.
_BARE_RE = re.compile(
    rf"(?<![\dQ])(?:{_PART.replace('?P<', '?P<b_')})"
    r"|(?P<yoy>去年同期|上年同期|上一年同期)"
    r"|(?P<rel>去年|上年度?|上一年|前一年|今年|本年度?|当年|明年|次年|后年|前年)(?!同期|末|底|以来)"
    r"|(?P<rel_end>去年|上年|今年|本年|当年)(?:末|底)"
    r"|(?P<ahead>未来|今后|此后)(?P<n_ahead>[一二两三四五六七八九十]|\d{1,2})\s*年"
    r"|(?P<back>近|过去|最近|前)(?P<n_back>[一二两三四五六七八九十]|\d{1,2})\s*年"
    r"|(?P<plan>十[一二三四五六])五(?:规划)?(?P<plan_end>末|期末)?"
    r"|(?P<now>目前|当前|现阶段|截至目前|迄今|截止目前|如今|现在)"
    r"|(?P<rp_each>报告期各期|各报告期|报告期内各期|各期)"
    r"|(?P<rp_end>(?:本)?报告期末|本期末)|(?P<rp>本报告期|报告期内|本期)"
)
_BASE_MARK = ("较", "比", "相比", "相较", "对比", "与", "从", "由", "自", "较之")
_Q = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_HALF = {"上半年": (1, 6), "半年度": (1, 6), "下半年": (7, 12), "前三季度": (1, 9), "前三季": (1, 9)}
_PLAN = {"十一": 2006, "十二": 2011, "十三": 2016, "十四": 2021, "十五": 2026, "十六": 2031}


@dataclass
class ReportDate:
    """When the report speaks from: its date (metadata, `--report-date`, a date printed in its header) and
    the period it reports on (半年度报告, 报告期为2022年1-6月). Relative words resolve against these."""

    day: date | None = None
    year: int | None = None          # the year it speaks from (the day's, else its title's)
    period: str = ""                 # 本报告期: the period a periodic report covers
    how: str = ""

    @property
    def dated_year(self) -> int | None:
        """The year of the report's date, when it has one: what 去年 and 目前 are read against (a year in a
        title is the year the figures are of, not necessarily the year the report was written)."""
        return self.day.year if self.day else None

    @property
    def period_end(self) -> str:
        """The last month of the report period (报告期末)."""
        p = self.period
        if not p:
            return ""
        last = p.rsplit("/", 1)[-1]
        if len(last) == 4:
            return f"{last}-12"
        if "Q" in last:
            return f"{last[:4]}-{int(last[-1]) * 3:02d}"
        return last


@dataclass
class Period:
    """A period printed in a sentence; `base` when it is the base of a comparison (较2024年)."""

    start: int
    end: int
    text: str
    year: int
    base: bool
    span: tuple[int, int] | None = None
    explicit: bool = True            # written with its year, not resolved from context or the report's date
    why: list[str] = field(default_factory=list)
    local: bool = False              # binds only the figures of its own clause (去年同期)


def _month_label(y: int, m1: int, m2: int | None) -> str | None:
    if not 1 <= m1 <= 12 or (m2 is not None and not m1 < m2 <= 12):
        return None
    if m2 is None:
        return f"{y}-{m1:02d}"
    if m1 in (1, 4, 7, 10) and m2 == m1 + 2:
        return f"{y}Q{(m2 + 2) // 3}"
    return f"{y}-{m1:02d}/{y}-{m2:02d}"


def _part_label(y: int, g: dict[str, str | None], p: str = "") -> str | None:
    """The label of a part of year `y` (a quarter, a half, a month or a span of months), or None."""
    if g.get(p + "q"):
        return f"{y}{g[p + 'q']}"
    if g.get(p + "h"):  # 2025H1: the first half
        return _month_label(y, 1, 6) if g[p + "h"] == "H1" else _month_label(y, 7, 12)
    if g.get(p + "qc"):
        return f"{y}Q{_Q[str(g[p + 'qc'])]}"
    half = g.get(p + "half")
    if half:
        if half == "全年":
            return str(y)
        a, b = _HALF[half]
        return _month_label(y, a, b)
    if g.get(p + "m1") and g.get(p + "m2"):
        return _month_label(y, int(str(g[p + "m1"])), int(str(g[p + "m2"])))
    if g.get(p + "m"):
        return _month_label(y, int(str(g[p + "m"])), None)
    return None


def report_year(doc: Document) -> int | None:
    """The year the report speaks from, as far as its first line says (titles say '2025年及未来5年'); None
    when it does not — the page's most frequent year is not a report's date."""
    return report_date_of(doc).year


_DAY_RE = re.compile(rf"(?P<y>{_YEAR})\s*(?:年|-|/|\.)\s*(?P<m>\d{{1,2}})\s*(?:月|-|/|\.)\s*(?P<d>\d{{1,2}})\s*日?")
_REPORT_PERIOD_RE = re.compile(r"报告期(?:为|是|:|：|\s)\s*")
_PERIODIC = re.compile(rf"(?P<y>{_YEAR})\s*年?(?:度)?\s*(?P<kind>半年度|第[一三]季度|年度)报告")


def report_date_of(doc: Document, day: date | None = None) -> ReportDate:
    """The report's date: `day` when given (metadata, --report-date), else a date printed in its first lines
    (2025-10-27, 2025年10月27日); its year, else the year in its first line; the period a periodic report
    covers (报告期为2022年1-6月, 2022年半年度报告)."""
    text = doc.text
    head = text[:400]
    rd = ReportDate(day=day, how="given" if day else "")
    if day is None:
        m = _DAY_RE.search(head)
        if m:
            with contextlib.suppress(ValueError):
                rd.day, rd.how = date(int(m["y"]), int(m["m"]), int(m["d"])), f"dated {m.group(0)} in its header"
    if rd.day is not None:
        rd.year = rd.day.year
    else:
        first = text.strip().split("\n", 1)[0][:300]
        y = re.search(_YEAR, first)
        if y:
            rd.year, rd.how = int(y.group(0)), "the year in its title"
    rp = _REPORT_PERIOD_RE.search(text[:5000])
    if rp:
        m2 = PERIOD_RE.match(text, rp.end())
        if m2:
            label = _part_label(int(m2["y"]), m2.groupdict()) or (f"{m2['y']}/{m2['y2']}" if m2["y2"] else m2["y"])
            rd.period = label or ""
    if not rd.period:
        pm = _PERIODIC.search(text[:2000])
        if pm:
            py = int(pm["y"])
            rd.period = {"半年度": f"{py}-01/{py}-06", "第一季度": f"{py}Q1",
                         "第三季度": f"{py}-01/{py}-09"}.get(pm["kind"], str(py))
    return rd


def period_year(label: str) -> int | None:
    """The year a period label is valued in (a span's last year), None for an open period."""
    last = label.rsplit("/", 1)[-1][:4]
    return int(last) if last.isdigit() else None


def _shift(label: str, years: int) -> str:
    """The period `years` years later (2022-01/2022-06 → 2021-01/2021-06 for −1)."""
    return re.sub(r"(?<!\d)(\d{4})(?!\d)", lambda m: str(int(m.group(1)) + years), label)


def _n(s: str) -> int:
    return int(s) if s.isdigit() else _CN_NUM.get(s, 0)


def _bare(m: re.Match[str], text: str, s: int, out: list[Period], ctx_year: int | None,
          report: ReportDate) -> Period | None:
    """A year-less form resolved: a part of a year from the sentence's year, the discourse's or the report's;
    a relative word from the report's date (当年 and 次年 from the discourse's year)."""
    g = m.groupdict()
    here = [p.year for p in out if p.explicit and not p.span and p.end <= m.start()]
    if g.get("rp_each"):  # 报告期各期,…分别为 A、B 和 C: one figure a period, none of them named
        return Period(m.start(), m.end(), "", 0, False, None, False, [f"'{m.group(0)}': each of periods the text does not name"])
    if g.get("rp") or g.get("rp_end"):
        label = report.period_end if g.get("rp_end") else report.period
        if not label:  # the report period is not known: the figure's period is not either
            return Period(m.start(), m.end(), "", 0, False, None, False, [f"'{m.group(0)}': the report period is unknown"])
        return Period(m.start(), m.end(), label, int(label[:4]), False, None, False,
                      [f"'{m.group(0)}' → the report period {label}"])
    if g.get("now"):
        ry = report.dated_year
        if ry is None:
            return Period(m.start(), m.end(), "", 0, False, None, False, [f"'{m.group(0)}': the report's date is unknown"])
        return Period(m.start(), m.end(), str(ry), ry, False, None, False, [f"'{m.group(0)}' → {ry}, the report's year"])
    if g.get("yoy"):
        # 去年同期 as a figure's own period (营收(去年同期)31.82亿元): the period spoken of, a year earlier; after
        # 较 or 比 it is the base of a comparison instead (较上年同期增长), which `periods_in` marks
        ref = next((p.text for p in reversed(out) if p.explicit and p.text and not p.base), None)
        earlier = _shift(ref, -1) if ref else (str(ctx_year - 1) if ctx_year else "")
        if not earlier:
            return None
        return Period(m.start(), m.end(), earlier, period_year(earlier) or 0, False, None, False,
                      [f"'{m.group(0)}' → {earlier}, a year before {ref or ctx_year}"], local=True)
    if g.get("plan"):
        first = _PLAN[str(g["plan"])]
        if g.get("plan_end"):
            return Period(m.start(), m.end(), str(first + 4), first + 4, False, None, True)
        return Period(m.start(), m.end(), f"{first}/{first + 4}", first + 4, False, (first, first + 4), True)
    rel = g.get("rel") or g.get("rel_end")
    if rel:
        anchor_ctx = rel in ("当年", "次年")
        base_year = (here[-1] if here else ctx_year) if anchor_ctx else report.dated_year
        if base_year is None:
            return None
        shift = {"去年": -1, "上年": -1, "上年度": -1, "上一年": -1, "前一年": -1, "前年": -2, "明年": 1,
                 "次年": 1, "后年": 2}.get(rel, 0)
        y = base_year + shift
        label = f"{y}-12" if g.get("rel_end") else str(y)
        src = "the year before it" if anchor_ctx else "the report's year"
        return Period(m.start(), m.end(), label, y, False, None, False, [f"'{m.group(0)}' → {label} ({src} {base_year})"])
    if g.get("ahead") or g.get("back"):
        ry = report.dated_year
        if ry is None:
            return None
        n = _n(str(g.get("n_ahead") or g.get("n_back")))
        if not 1 <= n <= 30:
            return None
        a, b = (ry, ry + n) if g.get("ahead") else (ry - n, ry)
        return Period(m.start(), m.end(), f"{a}/{b}", b, False, (a, b), False,
                      [f"'{m.group(0)}' → {a}/{b} (from the report's year {ry})"])
    year = here[-1] if here else ctx_year if ctx_year else report.dated_year
    if year is None:
        return None
    part = _part_label(year, g, "b_")
    if part is None:
        return None
    label = part
    src = "its sentence" if here else "the text before it" if ctx_year else "the report's year"
    return Period(m.start(), m.end(), label, year, False, None, False, [f"'{m.group(0)}' → {label} (year from {src})"])


def periods_in(text: str, s: int, e: int, ctx_year: int | None = None,
               report: ReportDate | None = None) -> list[Period]:
    """The periods printed in text[s:e] (a bare 4-digit number only when it is not a quantity), and the
    year-less and relative ones resolved (see `_bare`)."""
    report = report or ReportDate()
    out: list[Period] = []
    taken: list[tuple[int, int]] = []
    for m in _TO_DATE.finditer(text, s, e):
        # 截至2025-06-30 / 截止日期:2025-06-30: the year to that date, the form reports print flows in (a balance
        # at that date is of its month-end; the reader does not tell the two apart, and an analyst may)
        y, mo = int(m["y"]), int(m["m"])
        if not 1 <= mo <= 12:
            continue
        label = str(y) if mo == 12 else (f"{y}-01" if mo == 1 else _month_label(y, 1, mo) or str(y))
        out.append(Period(m.start(), m.end(), label, y, False, None, True, [f"'{m.group(0)}' → {label}, the year to that date"]))
        taken.append((m.start(), m.end()))
    for m in PERIOD_RE.finditer(text, s, e):
        if (m.start() > 0 and text[m.start() - 1].isdigit()) or any(a <= m.start() < b for a, b in taken):
            continue
        if m.end() < len(text) and text[m.end() - 1].isdigit() and text[m.end()].isdigit():
            continue
        y = int(m.group("y"))
        before = text[max(s, m.start() - 3) : m.start()]
        base = any(before.endswith(b) for b in _BASE_MARK)
        if m.group("y2"):
            y2 = int(m.group("y2"))
            if y2 <= y:
                continue
            out.append(Period(m.start(), m.end(), f"{y}/{y2}", y2, base, (y, y2)))
            taken.append((m.start(), m.end()))
            continue
        label = _part_label(y, m.groupdict()) or str(y)
        if label != str(y) and _PUBLISHED.match(text, m.end()):
            label = str(y)  # 2025年4月发布的《…》: when a source came out dates its figures to the year, not the month
        # a bare 4-digit number not followed by 年 is a period only when it is not a quantity
        if not m.group(0).rstrip().endswith(("年", "度")) and label == str(y) and not m.group("q"):
            nxt = text[m.end() : m.end() + 1]
            if nxt and (nxt.isdigit() or nxt in "%万亿元台家个"):
                continue
        out.append(Period(m.start(), m.end(), label, y, base))
        taken.append((m.start(), m.end()))
    for m in _BARE_RE.finditer(text, s, e):
        if any(a <= m.start() < b for a, b in taken):
            continue
        if (m.group("b_m") or m.group("b_m1")) and m.start() > 0 and text[m.start() - 1] in "个第":
            continue
        p = _bare(m, text, s, out, ctx_year, report)
        if p is None:
            continue
        before = text[max(s, m.start() - 3) : m.start()]
        p.base = any(before.endswith(b) for b in _BASE_MARK)
        out.append(p)
    out.sort(key=lambda p: p.start)
    return out


def is_year_token(text: str, start: int, end: int, num: str) -> bool:
    """Is the number text[start:end] a year (2025年, either end of 2020-2025) rather than a quantity?"""
    if not re.fullmatch(_YEAR, num):
        return False
    after = text[end : end + 2]
    return not after or after[0] in "年–—-~～至到/)(（）Q、,，" or after[0].isspace() or (after[0].isalpha() and not after[0].isascii())


_TO_DATE = re.compile(rf"(?:截止日期|截至日期|截止|截至)\s*[:：]?\s*(?P<y>{_YEAR})\s*(?:年|-|/|\.)\s*(?P<m>\d{{1,2}})"
                      r"(?:\s*(?:月|-|/|\.)\s*\d{1,2}\s*日?|\s*月(?:末|底)?)")
_PUBLISHED = re.compile(r"\s*\d{0,2}\s*日?\s*(?:发布|公布|印发|出台|披露|发表|颁布|出版)")
_AVERAGE = re.compile(r"年均|年平均|平均每年|平均年|复合")


def _span_end(text: str, periods: list[Period], s: int, fs: int, form: str | None, why: list[str]) -> Period | None:
    """A figure read against a span: a CAGR or a yearly average runs over the nearest span in its sentence;
    `从` / `由` / `至` right before a figure after a span (2020-2025年,从38%提升至52%) make it the span's first
    or last year."""
    spans = [p for p in periods if p.span]
    average = form == "cagr" or _AVERAGE.search(text, max(s, fs - 12), fs) is not None
    if not spans and average:
        # 2025年…35.4亿美元,预计到2030年将达到49.4亿美元,期间复合年增长率为6.9%: between the first and last year
        years = [p for p in periods if p.end <= fs and not p.base and p.text.isdigit()]
        if len(years) >= 2 and years[0].year < years[-1].year:
            a, b = years[0].year, years[-1].year
            why.append(f"{'CAGR' if form == 'cagr' else 'average'} between {a} and {b}, the years before it")
            return Period(years[0].start, years[-1].end, f"{a}/{b}", b, False, (a, b),
                          years[0].explicit and years[-1].explicit)
    if not spans:
        return None
    if average:
        best = min(spans, key=lambda p: abs(p.start - fs))
        why.append(f"{'CAGR' if form == 'cagr' else 'average'} over {best.text}")
        return best
    before = [p for p in spans if p.end <= fs and not text[p.end:fs].count("。")]
    if before:
        p = before[-1]
        first, last = p.span or (0, 0)
        lead = text[max(s, fs - 8):fs]
        if re.search(r"(?:从|由|自)(?:大约|约|不足|超过|近)?$", lead):
            why.append(f"start of {p.text}")
            return Period(p.start, p.end, str(first), first, False, None, p.explicit)
        if re.search(r"(?:至|到)(?:约|近|超过)?$", lead):
            why.append(f"end of {p.text}")
            return Period(p.start, p.end, str(last), last, False, None, p.explicit)
    return None


def period_for(text: str, periods: list[Period], s: int, fs: int, fe: int, form: str | None,
               context: Period | None, why: list[str]) -> tuple[str, str]:
    """(period, how it was found: 'sentence', 'context' or 'open') of the figure text[fs:fe], its reasons
    added to `why`: a span's year, else the period just before it (a base year binds the figure right after
    it), else the first after it in its clause, else the period the discourse carries, else open; a change
    after a base year runs since that year."""
    spanned = _span_end(text, periods, s, fs, form, why)
    if spanned is not None:
        why.extend(spanned.why)
        return spanned.text, "sentence" if spanned.explicit else "context"
    own_all = [p for p in periods if p.end <= fs and not p.span and not p.base]
    if own_all and not own_all[-1].text:  # 目前 with no date for the report: no year may be carried past it
        why.extend(own_all[-1].why)
        return "", "open"
    before = [p for p in periods if p.end <= fs and not p.span and p.text
              and not (p.local and CLAUSE_END.search(text, p.end, fs))]
    after = [p for p in periods if p.start >= fe and not p.span and p.text]
    own = [p for p in before if not p.base]
    # 从2020年的38%: a base year binds the figure right after it ("的", "的平均")
    direct = [p for p in before if fs - p.end <= 4 and re.fullmatch(r"(?:的|的平均|的约|为|达|仅)?\s*", text[p.end:fs])]
    direct = direct or [p for p in own if fs - p.end <= 4 and not re.search(r"\d", text[p.end:fs])]
    current: Period | None = direct[-1] if direct else (own[-1] if own else None)
    if current is None:
        nxt_clause = CLAUSE_END.search(text, fe)
        clause_end = nxt_clause.start() if nxt_clause else len(text)
        nxt = [p for p in after if p.start < clause_end and not p.base]
        current = nxt[0] if nxt else None
    how = "sentence"
    if current is None and context is not None and context.text:
        current, how = context, "context"
        why.append(f"period {context.text} carried from the text before it")
    if current is None:
        why.append("no period in the text: left open")
        return "", "open"
    why.extend(current.why)
    if not current.explicit and how == "sentence":
        how = "context"
    label = current.text
    base = [p for p in before if p.base and (how == "context" or p.start > current.start)]
    if form == "change" and base and text[base[-1].end : base[-1].end + 2] != "同期" and label[:4].isdigit() \
            and base[-1].explicit and base[-1].year < int(label[:4]):
        label = f"{base[-1].year}/{label[:4]}"
        why.append(f"change since {base[-1].year}")
    return label, how
