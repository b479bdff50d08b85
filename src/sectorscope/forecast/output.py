"""What `sectorscope forecast` leaves on disk: forecast.md (zh) and forecast.en.md — every forecast with
its 80 % and 95 % intervals, the model, the history it came from, the CAGR scenarios beside it, and the
reports' own forecasts set against our intervals."""
from __future__ import annotations

import math
from pathlib import Path

import jinja2

from ..analytics.derived import display
from ..model.catalog import Catalog, load_catalog
from .pipeline import ForecastResult
from .series import series_label

__all__ = ["render_markdown", "write_outputs"]

_ENV = jinja2.Environment(loader=jinja2.PackageLoader("sectorscope.forecast", "templates"), autoescape=False,
                          keep_trailing_newline=True)


def _cell(text: object) -> str:
    s = "" if text is None or (isinstance(text, float) and math.isnan(text)) else str(text)
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _fmt(v: float, unit: str) -> str:
    num, u = display(float(v), unit)
    return f"{num}{u}"


def render_markdown(result: ForecastResult, *, lang: str = "zh", catalog: Catalog | None = None) -> str:
    catalog = catalog or load_catalog()
    zh = lang != "en"
    blocks = []
    for f in result.forecasts:
        s = f.series
        name = catalog[s.indicator].name(lang) if s.indicator in catalog else s.indicator
        hist = ", ".join(f"{y}: {_fmt(v, s.unit)}" for y, v in zip(s.years, s.values, strict=True))
        rows = []
        for k, y in enumerate(f.years):
            row = {"year": y}
            if f.mean is not None:
                row.update(mean=_fmt(f.mean[k], s.unit), i80=f"{_fmt(f.lo80[k], s.unit)} – {_fmt(f.hi80[k], s.unit)}",
                           i95=f"{_fmt(f.lo95[k], s.unit)} – {_fmt(f.hi95[k], s.unit)}")
            row["scen"] = " / ".join(_fmt(v[k], s.unit) for _, v in f.scenarios)
            rows.append(row)
        scen_names = " / ".join((("历史" if zh else "history ") if c.ground == "history" else ("报告" if zh else "stated "))
                                + (c.name if zh else {"低": "low", "基准": "base", "高": "high"}[c.name])
                                + f" {c.rate:+.1%}" for c, _ in f.scenarios)
        blocks.append({
            "title": _cell(f"{name} · {series_label(s.dims)}"), "source": s.source_id, "history": _cell(hist),
            "ids": ", ".join(map(str, sorted(set(f.other_of[0].obs_ids).union(*(p.obs_ids for p in f.other_of[1])))
                                 if f.other_of else s.obs_ids)), "method": _cell(f.method) if f.mean is not None else "",
            "filled": ", ".join(map(str, f.filled)), "segment": f.segment, "rows": rows, "scen_names": _cell(scen_names),
            "has_model": f.mean is not None, "unused": ", ".join(map(str, s.unused_ids)),
        })
    comps = []
    c = result.comparisons
    for r in c.itertuples() if len(c) else []:
        comps.append({
            "series": _cell(r.series), "indicator": catalog[r.indicator].name(lang) if r.indicator in catalog else r.indicator,
            "period": r.period, "stated": _cell(("约" if r.qualifier == "about" else "") + f"{r.value_as_printed}{r.unit_as_printed}"
                                                  + {"at_least": "以上", "at_most": "以下"}.get(r.qualifier, "")),
            "source": f"{r.source_id} {_cell(r.location)}", "obs_id": r.obs_id,
            "i95": f"{_fmt(r.lo95, r.unit)} – {_fmt(r.hi95, r.unit)}", "mean": _fmt(r.mean, r.unit),
            "verdict": ("区间内" if zh else "inside") if r.inside80 else (
                ("仅在 95% 区间内" if zh else "inside 95 % only") if r.inside95 else ("**区间外**" if zh else "**outside**")),
        })
    tmpl = _ENV.get_template("forecast.md.j2")
    return tmpl.render(zh=zh, vintage=result.vintage_id, blocks=blocks, comps=comps,
                       n_outside=sum(1 for x in comps if "**" in x["verdict"]),
                       skipped=[(_cell(a), _cell(b if zh else c)) for a, b, c in result.skipped], n_skipped=len(result.skipped))


def write_outputs(result: ForecastResult, out_dir: Path, catalog: Catalog | None = None) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "forecast.md", out_dir / "forecast.en.md"]
    for path, lang in zip(paths, ("zh", "en"), strict=True):
        path.write_text(render_markdown(result, lang=lang, catalog=catalog), encoding="utf-8")
    return paths
