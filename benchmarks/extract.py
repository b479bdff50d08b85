"""Report-text extraction measured against the hand-curated default dataset.

For each seed report: recall and precision of sectorscope's extractor (a figure counts when value, unit,
period and indicator all equal a curated figure's, and it sits in or near that figure's quote), separately
for prose figures and table cells; every curated table rebuilt cell for cell; throughput in MB/s on the
seeds and on a larger text made of them. Beside it, in the same run, the peer every analyst starts from:
a plain regular expression for "number + unit" (it has no indicator, so it is scored on value + unit and
position only — an upper bound on what a regex finds, not a rival on mapping).

A second table scores the same extractor on the held-out corpus (benchmarks/corpus/extract: public pages
that are not the seeds, every figure labelled by hand, split by document into dev and test; see its
PROTOCOL.md), as issue #20 measures it: recall of labelled figures among accepted candidates with value,
unit and period right (an open period is right when the label's is open too), precision of accepted
candidates, and, among the accepted that match a label, indicator right (where the label names one) and
region right (where the label names one); the regex peer's recall and precision on value and unit, and
those of a second peer where it is installed: JioNLP's money extraction (`pip install jionlp`, in the
`bench` extras; money only — it has no extractor for other quantities), scored the same way.

    python benchmarks/extract.py [--repeat 3] [--scale-mb 8] [--misses out.csv] [--min-confidence 0.7]

Writes the table to stdout and to benchmarks/out/extract.md.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import functools
import io
import itertools
import math
import re
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

from sectorscope.ingest.extract import ACCEPT_CONFIDENCE, Document, extract, load_lexicon, read_report
from sectorscope.ingest.load import default_dataset_dir
from sectorscope.model.catalog import load_catalog
from sectorscope.model.numbers import parse_number
from sectorscope.model.observation import parse_period
from sectorscope.model.units import UNIT_KINDS, parse_unit

OUT = Path(__file__).resolve().parent / "out"
CORPUS = Path(__file__).resolve().parent / "corpus" / "extract"
_TRAD = str.maketrans({"億": "亿", "萬": "万", "臺": "台", "顆": "颗", "隻": "只", "個": "个", "噸": "吨", "項": "项",
                       "倍": "倍", "點": "点"})
NEAR = 120  # characters: a candidate this close to a curated quote may be its figure


def curated(data: Path) -> dict[str, list[dict]]:
    by_source: dict[str, list[dict]] = defaultdict(list)
    for f in sorted((data / "observations").glob("*.csv")):
        with open(f, encoding="utf-8-sig") as fh:
            for i, row in enumerate(csv.DictReader(fh), start=2):
                if not row["quote_start"]:
                    continue
                row["_file"], row["_row"] = f.name, i
                row["_kind"] = "table" if row["location"].startswith("表") else "prose"
                by_source[row["source"]].append(row)
    return by_source


def _scaled(value: float, unit: str, kind: str | None) -> tuple[str, float] | None:
    try:
        u = parse_unit(unit, kind)
    except Exception:
        return None
    return u.kind, value * u.factor


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def truth_key(row: dict, catalog) -> tuple | None:
    ind = catalog.get(row["indicator"])
    kind = ind.unit_kind if ind else None
    try:
        v = parse_number(row["value"])
        vh = parse_number(row["value_high"]) if row["value_high"] else None
    except ValueError:
        return None
    s = _scaled(v, row["unit"], kind)
    if s is None:
        return None
    sh = _scaled(vh, row["unit"], kind)[1] if vh is not None else None
    return row["indicator"], row["period"], s[0], s[1], sh


def cand_key(c, catalog, kind: str | None = None) -> tuple | None:
    """The candidate's key; `kind` (the curated figure's unit kind) reads an ambiguous unit such as 个
    when the candidate has no indicator of its own (loose matching)."""
    ind = catalog.get(c.indicator)
    kind = kind or (ind.unit_kind if ind else None)
    s = _scaled(c.printed, c.unit_as_printed, kind)
    if s is None:
        return None
    sh = _scaled(c.printed_high, c.unit_as_printed, kind)[1] if c.printed_high is not None else None
    return c.indicator, c.period, s[0], s[1], sh


def _near(c_start: int, c_end: int, row: dict) -> bool:
    qs, qe = int(row["quote_start"]), int(row["quote_end"])
    return c_start < qe + NEAR and c_end > qs - NEAR


def match(cands: list, rows: list[dict], catalog, *, with_indicator: bool = True) -> tuple[set[int], set[int]]:
    """Greedy one-to-one matching; returns (indices of matched rows, indices of matched candidates)."""
    ck = [cand_key(c, catalog) for c in cands]
    used_c: set[int] = set()
    hit_r: set[int] = set()
    for ri, row in enumerate(rows):
        tk = truth_key(row, catalog)
        if tk is None:
            continue
        best = None
        for ci, c in enumerate(cands):
            if ci in used_c or (with_indicator and ck[ci] is None) or not _near(c.start, c.end, row):
                continue
            k = ck[ci] if with_indicator else cand_key(c, catalog, tk[2])
            if k is None:
                continue
            ok = k[2] == tk[2] and _same(k[3], tk[3]) and _same(k[4], tk[4])
            if with_indicator:
                ok = ok and k[0] == tk[0] and k[1] == tk[1]
            if ok:
                dist = abs(c.start - int(row["quote_start"]))
                if best is None or dist < best[0]:
                    best = (dist, ci)
        if best:
            used_c.add(best[1])
            hit_r.add(ri)
    return hit_r, used_c


# ---- the peer: one regular expression ---------------------------------------------------------------
_PEER = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s?(%|个百分点|亿元|万元|亿美元|万台|亿台|台|家|项|个月|天|周|万片|片|吨|nm|μm|MPa|个|条|套|倍|元/台|万元/台)")


class _PeerCand:
    def __init__(self, m: re.Match, doc: Document) -> None:
        self.start, self.end = doc.span(m.start(), m.end())
        self.printed = parse_number(m.group(0)[: -len(m.group(2))].strip())
        self.printed_high = None
        self.unit_as_printed = m.group(2)
        self.indicator = ""
        self.period = ""


def peer(doc: Document) -> list:
    return [_PeerCand(m, doc) for m in _PEER.finditer(doc.text)]


# ---- the second peer, where it is installed: JioNLP's money extraction ----------------------------------
class _JioCand:
    """One entity of `jionlp.ner.extract_money` as a candidate. JioNLP normalises the amount to the
    currency's base unit ('487亿美元' → num '48700000000.00', case '美元'; a range '5000-8000元' → num
    ['5000.00', '8000.00']), so the value is printed as that number with the currency as its unit: the
    label's 487 亿美元 and JioNLP's 48700000000 美元 are the same value in the canonical scale."""

    def __init__(self, entity: dict, doc: Document) -> None:
        self.start, self.end = doc.span(*entity["offset"])
        num = entity["detail"]["num"]
        low, high = (num[0], num[-1]) if isinstance(num, list) else (num, None)
        self.printed = _float(low)
        self.printed_high = _float(high) if high is not None else None
        self.unit_as_printed = entity["detail"]["case"]
        self.indicator = ""
        self.period = ""


def _float(s: str) -> float:
    try:
        return float(s)
    except (TypeError, ValueError):
        return math.nan  # a value we cannot read still counts as a candidate (a wrong one)


@functools.cache
def _jionlp_money():
    """`jionlp.ner.extract_money`, or None when JioNLP is not installed. Imported here, not at the top: it
    is an optional peer (the `bench` extras). JioNLP and jiojio print a banner on import; it is kept out of
    the table on stdout."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            import jionlp
    except ImportError:
        return None
    return jionlp.ner.extract_money


def jionlp_peer(doc: Document) -> list | None:
    """JioNLP's money entities in the normalised text (the regex peer's input too), spans mapped to the
    original text; None when JioNLP is not installed. Its defaults: with_parsing, no ret_all, no jiojio
    word-boundary check."""
    extract_money = _jionlp_money()
    if extract_money is None:
        return None
    return [_JioCand(e, doc) for e in extract_money(doc.text)]


# ---- the held-out corpus ---------------------------------------------------------------------------------
def _canonical(value: float, unit: str) -> tuple[str, float] | None:
    """A value in its unit's canonical scale (50 亿元 → money 5e9), trying the unit alone, then each kind it
    may be read as (个 is a count of devices, items or organisations: each side is read the same way)."""
    unit = unit.translate(_TRAD).replace(" ", "")
    for kind in (None, *UNIT_KINDS):
        s = _scaled(value, unit, kind)
        if s is not None:
            return ("count" if s[0].startswith("count_") else s[0]), s[1]
    return None


def _label_value(row: dict) -> tuple[str, float] | None:
    v = float(row["value"]) * (-1 if row["sign"] == "-" else 1)
    return _canonical(v, row["unit"])


def _cand_value(c) -> tuple[str, float] | None:
    return _canonical(c.printed, c.unit_as_printed or "")


def _same_value(a: tuple[str, float] | None, b: tuple[str, float] | None) -> bool:
    return a is not None and b is not None and a[0] == b[0] and math.isclose(a[1], b[1], rel_tol=1e-9, abs_tol=1e-12)


def report_day(text: str) -> date | None:
    """A document's report date as documents.csv gives it (YYYY-MM-DD, YYYY-MM or YYYY: a partial date reads
    as its first day, which is all a relative period needs: its year)."""
    if not text:
        return None
    parts = [int(p) for p in text.split("-")]
    return date(parts[0], *[*parts[1:], 1, 1][:2])


def same_period(a: str, b: str) -> bool:
    """Equal periods: the same months (2025Q1 is 2025-01/2025-03); open equals open."""
    if not a or not b:
        return a == b
    try:
        pa, pb = parse_period(a), parse_period(b)
    except ValueError:
        return a == b
    return (pa.start, pa.end) == (pb.start, pb.end)


_REGION_SUFFIX = re.compile(r"(?:省|市|地区|自治区|特别行政区)$")


def same_region(candidate: dict, label: str) -> bool:
    """The label's region (全球, 江苏省, 华北地区, 美国) against the candidate's region or country dimension,
    administrative suffixes aside (the store names 江苏, 华北) and 中国 before a part of it (中国台湾 is 台湾)."""
    def norm(name: str) -> str:
        return _REGION_SUFFIX.sub("", name).removeprefix("中国") or name  # 中国台湾 is 台湾; 中国 stays 中国

    return norm(label) in {norm(candidate.get("region", "")), norm(candidate.get("country", ""))}


def corpus_match(cands: list, rows: list[dict], *, need_period: bool = True) -> dict[int, int]:
    """Candidate index → label index: one-to-one, a candidate's span overlapping the label's, value and unit
    equal in the canonical scale (and, with `need_period`, the period equal; open equals open)."""
    out: dict[int, int] = {}
    used: set[int] = set()
    for ci, c in enumerate(cands):
        cv = _cand_value(c)
        for ri, r in enumerate(rows):
            if ri in used or not (c.start < int(r["end"]) and c.end > int(r["start"])):
                continue
            if not _same_value(cv, _label_value(r)):
                continue
            if need_period and not same_period(getattr(c, "period", "") or "", r["period"]):
                continue
            out[ci] = ri
            used.add(ri)
            break
    return out


def corpus_section(args, lexicon, catalog) -> list[str]:
    """The held-out corpus's table (dev and test), one row per split and a row per document."""
    with open(CORPUS / "documents.csv", encoding="utf-8") as fh:
        docs = list(csv.DictReader(fh))
    with open(CORPUS / "labels.csv", encoding="utf-8") as fh:
        labels = list(csv.DictReader(fh))
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for r in labels:
        by_doc[r["doc_id"]].append(r)
    head = ["| split | document | labelled | accepted | recall (value+unit+period) | precision | indicator right | "
            "region right | recall if every candidate were accepted | regex peer recall (value+unit) | "
            "regex peer precision | JioNLP recall (value+unit) | JioNLP precision |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    jio_installed = _jionlp_money() is not None
    money: dict[str, dict[str, int]] = {}
    rows_out: list[str] = []
    for split in ("dev", "test"):
        tot = defaultdict(int)
        for d in [d for d in docs if d["split"] == split]:
            rows = by_doc[d["doc_id"]]
            doc = read_report(CORPUS / "docs" / f"{d['doc_id']}.txt")
            day = report_day(d["report_date"])
            ex = extract(doc, lexicon=lexicon, catalog=catalog, report_date=day)
            acc = ex.accepted(args.min_confidence)
            hit = corpus_match(acc, rows)
            every = corpus_match(ex.candidates, rows)
            args.calibration[split] += [(c.confidence, i in every) for i, c in enumerate(ex.candidates)]
            ind = [(ci, ri) for ci, ri in hit.items() if rows[ri]["indicator"]]
            ind_ok = sum(1 for ci, ri in ind if acc[ci].indicator == rows[ri]["indicator"])
            reg = [(ci, ri) for ci, ri in hit.items() if rows[ri]["region"]]
            reg_ok = sum(1 for ci, ri in reg if same_region(acc[ci].dimensions, rows[ri]["region"]))
            pc = peer(doc)
            p_hit = corpus_match(pc, rows, need_period=False)
            jc = jionlp_peer(doc) or []
            j_hit = corpus_match(jc, rows, need_period=False)
            is_money = [(_label_value(r) or ("",))[0] == "money" for r in rows]
            doc_tot = {"labels": len(rows), "acc": len(acc), "hit": len(hit), "upper": len(every), "ind": len(ind),
                       "ind_ok": ind_ok, "reg": len(reg), "reg_ok": reg_ok, "peer": len(pc), "p_hit": len(p_hit),
                       "jio": len(jc), "j_hit": len(j_hit), "money": sum(is_money),
                       "p_money": sum(is_money[ri] for ri in p_hit.values()),
                       "j_money": sum(is_money[ri] for ri in j_hit.values())}
            for k, v in doc_tot.items():
                tot[k] += v
            if args.misses_corpus is not None:
                got = set(hit.values())
                for ri, r in enumerate(rows):
                    if ri not in got:
                        args.misses_corpus.append({"split": split, "doc": d["doc_id"], "type": "missed",
                                                   "at": r["start"], "text": r["text"], "period": r["period"],
                                                   "indicator": r["indicator"], "phrase": r["phrase"]})
                for ci, c in enumerate(acc):
                    if ci not in hit:
                        args.misses_corpus.append({"split": split, "doc": d["doc_id"], "type": "wrong",
                                                   "at": c.start, "text": c.value_as_printed + c.unit_as_printed,
                                                   "period": c.period, "indicator": c.indicator, "phrase": ""})
            rows_out.append(_corpus_row(split, d["doc_id"], tot_doc=doc_tot, jio=jio_installed))
        rows_out.append(_corpus_row(f"**{split}**", "all", tot_doc=tot, jio=jio_installed))
        money[split] = tot
    notes = [""]
    for split, t in money.items():
        jio = (f"JioNLP finds {t['j_money']} ({_pct(t['j_money'], t['money'])})" if jio_installed
               else "JioNLP is not installed")
        notes.append(f"- {split}: {t['money']} of {t['labels']} labels are money (亿元, 亿美元 …); {jio}, "
                     f"the regex peer {t['p_money']} ({_pct(t['p_money'], t['money'])}).")
    return head + rows_out + notes


_BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0001)


def calibration_table(pairs: dict[str, list[tuple[float, bool]]]) -> list[str]:
    out = ["| split | confidence | candidates | right | share right |", "|---|---|---:|---:|---:|"]
    for split in ("dev", "test"):
        for lo, hi in itertools.pairwise(_BINS):
            got = [ok for conf, ok in pairs[split] if lo <= conf < hi]
            if got:
                out.append(f"| {split} | {lo:.2f}–{min(hi, 1):.2f} | {len(got)} | {sum(got)} | {_pct(sum(got), len(got))} |")
    return out


def _pct(a: int, b: int) -> str:
    return f"{a / b:.1%}" if b else "–"


def _corpus_row(split: str, name: str, *, tot_doc: dict, jio: bool) -> str:
    t = tot_doc
    jio_cells = (f"{_pct(t['j_hit'], t['labels'])} | {_pct(t['j_hit'], t['jio'])}" if jio
                 else "not installed | not installed")
    return (f"| {split} | {name} | {t['labels']} | {t['acc']} | {_pct(t['hit'], t['labels'])} | "
            f"{_pct(t['hit'], t['acc'])} | {_pct(t['ind_ok'], t['ind'])} | {_pct(t['reg_ok'], t['reg'])} | "
            f"{_pct(t['upper'], t['labels'])} | "
            f"{_pct(t['p_hit'], t['labels'])} | {_pct(t['p_hit'], t['peer'])} | {jio_cells} |")


def report_pdf(path: Path, pages: int = 30) -> int:
    """A report-like Chinese PDF made by WeasyPrint: a chapter a page, nine paragraphs of figures each, and a
    ruled table every third page. Returns its page count."""
    from weasyprint import HTML

    parts = []
    for p in range(pages):
        year = 2015 + p % 11
        body = "".join(f"<p>{year}年中国MEMS市场规模达到{1000 + p * 10 + i}亿元，同比增长{5 + i}.{p % 10}%。传感器、射频器件"
                       f"与微流控芯片的出货量持续增长，其中消费电子占比约{40 + i}%，汽车电子占比约{20 + i}%。行业集中度进一步"
                       f"提高，前五家企业合计份额为{50 + i}%。</p>" for i in range(9))
        table = ""
        if p % 3 == 1:
            rows = "".join(f"<tr><td>{2019 + k}</td><td>{800 + k * 50 + p}</td><td>{6 + k}.{p % 10}%</td></tr>"
                           for k in range(6))
            table = (f"<table><caption>表{p}：中国MEMS市场规模</caption><tr><th>年份</th><th>市场规模(亿元)</th>"
                     f"<th>增速</th></tr>{rows}</table>")
        parts.append(f"<section><h2>第{p + 1}章 行业概况</h2>{body}{table}</section>")
    doc = HTML(string="<html><head><meta charset='utf-8'><style>body{font-family:'Noto Sans CJK SC';font-size:10pt}"
                      "section{page-break-after:always} table{border-collapse:collapse} td,th{border:1px solid black;"
                      "padding:2px 6px}</style></head><body><h1>2025年中国MEMS行业研究报告</h1>"
                      + "".join(parts) + "</body></html>").render()
    doc.write_pdf(path)
    return len(doc.pages)


def pdf_row(repeat: int) -> str:
    """`sectorscope extract report.pdf --format json` end to end (a new process: start-up included) on a
    generated 30-page PDF, best of `repeat`."""
    import os
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "report.pdf"
        n = report_pdf(pdf)
        src = str(Path(__file__).resolve().parents[1] / "src")
        env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
        best = math.inf
        for _ in range(max(1, repeat)):
            t0 = time.perf_counter()
            out = subprocess.run([sys.executable, "-m", "sectorscope.cli.main", "extract", str(pdf), "--format", "json"],
                                 capture_output=True, env=env, check=True).stdout
            best = min(best, time.perf_counter() - t0)
        kb = pdf.stat().st_size / 1e3
    n_cands = out.count(b"\n")
    return (f"| generated PDF ({n} pages, {kb:.0f} KB), CLI end to end | {best:.2f} s | "
            f"{n / best:.0f} pages/s ({n_cands} candidates) |")


def run(args) -> int:
    data = default_dataset_dir()
    catalog = load_catalog()
    lexicon = load_lexicon()
    truth = curated(data)
    with open(data / "sources.csv", encoding="utf-8-sig") as fh:
        docs = {r["source_id"]: data / r["document"] for r in csv.DictReader(fh) if r["document"]}
    lines = ["| seed | kind | curated | loadable (accepted, with indicator and period) | matched | recall | precision | recall (value+unit+period) | regex peer recall (value+unit) | regex peer precision |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    tables_lines = ["| seed | table | curated cells | rebuilt exactly | missing |", "|---|---|---:|---:|---|"]
    misses: list[dict] = []
    totals = defaultdict(lambda: [0, 0, 0, 0])
    total_bytes, total_time = 0, 0.0
    for sid, path in sorted(docs.items()):
        rows = truth.get(sid, [])
        if not rows:
            continue
        doc = read_report(path)
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            ex = extract(read_report(path), lexicon=lexicon, catalog=catalog)
            times.append(time.perf_counter() - t0)
        total_bytes += path.stat().st_size
        total_time += min(times)
        acc = ex.loadable(args.min_confidence)  # what --load would store: the curated data is stored figures
        pc = peer(doc)
        for kind in ("prose", "table", "all"):
            r = [x for x in rows if kind == "all" or x["_kind"] == kind]
            c = [x for x in acc if kind == "all" or x.kind == kind]
            hit_r, hit_c = match(c, r, catalog)
            loose_r, _ = match([x for x in ex.candidates if kind == "all" or x.kind == kind], r, catalog, with_indicator=False)
            if kind == "prose" or kind == "all":
                p_r, p_c = match(pc, r, catalog, with_indicator=False)
                peer_recall = f"{len(p_r) / len(r):.1%}" if r else "–"
                peer_prec = f"{len(p_c) / len(pc):.1%}" if pc and kind == "all" else "–"
            else:
                peer_recall = peer_prec = "–"
            lines.append(f"| {sid} | {kind} | {len(r)} | {len(c)} | {len(hit_r)} | "
                         f"{len(hit_r) / len(r):.1%} | {(len(hit_c) / len(c)) if c else 0:.1%} | "
                         f"{len(loose_r) / len(r):.1%} | {peer_recall} | {peer_prec} |" if r else
                         f"| {sid} | {kind} | 0 | {len(c)} | – | – | – | – | – | – |")
            if kind != "all":
                t = totals[kind]
                t[0] += len(r)
                t[1] += len(c)
                t[2] += len(hit_r)
                t[3] += len(hit_c)
            if kind == "all":
                for ri, row in enumerate(r):
                    if ri not in hit_r:
                        misses.append({"type": "missed", "source": sid, "row": f"{row['_file']}:{row['_row']}",
                                       "indicator": row["indicator"], "period": row["period"], "value": row["value"],
                                       "unit": row["unit"], "quote": row["quote"][:80]})
                for ci, cand in enumerate(c):
                    if ci not in hit_c:
                        misses.append({"type": "unmatched", "source": sid, "row": f"@{cand.start}",
                                       "indicator": cand.indicator, "period": cand.period,
                                       "value": cand.value_as_printed, "unit": cand.unit_as_printed,
                                       "quote": cand.sentence[:80]})
        # tables cell for cell
        by_table: dict[str, list[dict]] = defaultdict(list)
        for row in rows:
            if row["_kind"] == "table":
                by_table[row["location"].split(" / ")[0]].append(row)
        cells = [c for c in ex.candidates if c.kind == "table"]
        for name, trs in sorted(by_table.items()):
            hit_r, _ = match(cells, trs, catalog, with_indicator=False)
            missing = [f"{r['location'].split(' / ', 1)[1]}={r['value']}" for i, r in enumerate(trs) if i not in hit_r]
            tables_lines.append(f"| {sid} | {name[2:]} | {len(trs)} | {len(hit_r)} | {'; '.join(missing[:4])}{' …' if len(missing) > 4 else ''} |")
    for kind in ("prose", "table"):
        t = totals[kind]
        lines.append(f"| **all seeds** | {kind} | {t[0]} | {t[1]} | {t[2]} | {t[2] / max(t[0], 1):.1%} | "
                     f"{t[3] / max(t[1], 1):.1%} | | | |")
    # throughput on a larger text made of the seeds
    big = "\n\n".join(read_report(p).original for p in docs.values())
    reps = max(1, int(args.scale_mb * 1e6 // len(big.encode())))
    text = "\n\n".join([big] * reps)
    t0 = time.perf_counter()
    ex = extract(Document.from_text(text, name="scaled"), lexicon=lexicon, catalog=catalog)
    dt = time.perf_counter() - t0
    mb = len(text.encode()) / 1e6
    tp = [f"| seeds (3 files, {total_bytes / 1e3:.0f} KB) | {total_time:.2f} s | {total_bytes / 1e6 / total_time:.2f} MB/s |",
          f"| seeds ×{reps} ({mb:.1f} MB, one text) | {dt:.2f} s | {mb / dt:.2f} MB/s ({len(ex.candidates)} candidates) |"]
    tp.append(pdf_row(args.repeat))
    args.misses_corpus = [] if args.corpus_misses else None
    args.calibration = defaultdict(list)
    corpus = corpus_section(args, lexicon, catalog)
    calibration = calibration_table(args.calibration)
    out = ["## Extraction against the curated default dataset", "",
           f"Accepted = confidence ≥ {args.min_confidence}. Recall and precision need value, unit, period and indicator "
           f"to equal a curated figure's, within {NEAR} characters of its quote.", "", *lines, "",
           "## Tables rebuilt cell for cell", "", *tables_lines, "", "## Throughput", "",
           "| input | time | throughput |", "|---|---:|---:|", *tp, "",
           "## The held-out corpus (benchmarks/corpus/extract): dev and test", "",
           f"Accepted = confidence ≥ {args.min_confidence} (an open period and an unknown indicator included: "
           "`--load` loads those with both). Each document is read with its report date from documents.csv, "
           "where it has one. A candidate matches a label when their spans overlap and value and unit are "
           "equal in the canonical scale, and the period too (the same months: 2025Q1 is 2025-01/2025-03; open "
           "equals open). Indicator and region right: among the matched, where the label names one (region: "
           "the candidate's region or country, 省/市/地区 aside). "
           "The regex peer is scored on value and unit only, and so is JioNLP's money extraction (`jionlp.ner."
           "extract_money` with its defaults, on the same normalised text; its amount in the currency's base unit, "
           "the currency as the unit; money only, so its recall counts every label, money or not: the lines "
           "below the table give the money labels alone). Currency is not compared: 元 and 美元 are both money "
           "in the canonical scale, for every row.", "", *corpus, "",
           "### Calibration: how often a candidate at each confidence is right", "",
           "Every candidate (accepted or not), by its confidence; right = value, unit and period equal a label's "
           "at the same place. The model is fitted on dev (benchmarks/train_acceptance.py): the test rows are "
           "the honest ones.", "", *calibration, ""]
    print("\n".join(out))
    OUT.mkdir(exist_ok=True)
    (OUT / "extract.md").write_text("\n".join(out), encoding="utf-8")
    if args.corpus_misses:
        with open(args.corpus_misses, "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=["split", "doc", "type", "at", "text", "period", "indicator", "phrase"])
            w.writeheader()
            w.writerows(args.misses_corpus)
    if args.misses:
        with open(args.misses, "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(misses[0]) if misses else ["type"])
            w.writeheader()
            w.writerows(misses)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--scale-mb", type=float, default=8.0)
    ap.add_argument("--misses", help="write missed and unmatched figures to this CSV")
    ap.add_argument("--min-confidence", type=float, default=ACCEPT_CONFIDENCE)
    ap.add_argument("--corpus-misses", help="write the held-out corpus's missed labels and wrong candidates here")
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
