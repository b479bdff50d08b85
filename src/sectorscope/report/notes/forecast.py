"""forecast.md (zh) and forecast.en.md: every forecast with its 80 % and 95 % intervals, the model, the
history it came from, the CAGR scenarios beside it, and the reports' own forecasts set against our intervals.

The forecasting lives in the forecast layer; this note only words its result, through the presentation
layer, so a forecast reads here as it does in the report.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...forecast import series_label
from ...model import Catalog, load_catalog
from ...present import figure, indicator_name, quantity, rate, span, term
from .markdown import cell, render, write_notes

if TYPE_CHECKING:
    from ...forecast import ForecastResult, SeriesForecast

__all__ = ["render_forecast", "write_forecast"]


def _scenario_names(f: SeriesForecast, lang: str) -> str:
    """history low +6.1% / … / stated high +13.1% (历史低 +6.1% / … in Chinese)."""
    names = []
    for c, _ in f.scenarios:
        ground = term("ground", "history" if c.ground == "history" else "stated", lang)
        name = f"{ground}{c.name}" if lang != "en" else f"{ground} {term('scenario', c.name, lang)}"
        names.append(f"{name} {rate(c.rate)}")
    return " / ".join(names)


def _block(f: SeriesForecast, lang: str, catalog: Catalog) -> dict[str, Any]:
    """One series: its history, the model's mean and intervals by year, the CAGR scenarios beside them."""
    s = f.series
    model = f.model()
    rows = []
    for k, y in enumerate(f.years):
        row: dict[str, object] = {"year": y}
        if model is not None:
            mean, lo80, hi80, lo95, hi95 = model
            row.update(mean=quantity(mean[k], s.unit), i80=span(lo80[k], hi80[k], s.unit),
                       i95=span(lo95[k], hi95[k], s.unit))
        row["scen"] = " / ".join(quantity(v[k], s.unit) for _, v in f.scenarios)
        rows.append(row)
    ids = (sorted(set(f.other_of[0].obs_ids).union(*(p.obs_ids for p in f.other_of[1]))) if f.other_of
           else s.obs_ids)
    return {
        "title": cell(f"{indicator_name(s.indicator, lang, catalog)} · {series_label(s.dims)}"),
        "source": s.source_id,
        "history": cell(", ".join(f"{y}: {quantity(v, s.unit)}" for y, v in zip(s.years, s.values, strict=True))),
        "ids": ", ".join(map(str, ids)), "method": cell(f.method) if model is not None else "",
        "filled": ", ".join(map(str, f.filled)), "segment": f.segment, "rows": rows,
        "scen_names": cell(_scenario_names(f, lang)), "has_model": model is not None,
        "unused": ", ".join(map(str, s.unused_ids)),
    }


def _comparison(r: Any, lang: str, catalog: Catalog) -> dict[str, Any]:
    """A report's own forecast beside our mean and 95 % interval, with the verdict."""
    verdict = "inside" if r.inside80 else "inside95" if r.inside95 else "outside"
    word = term("verdict", verdict, lang)
    return {
        "series": cell(r.series), "indicator": indicator_name(r.indicator, lang, catalog), "period": r.period,
        "stated": cell(figure(r.value, r.qualifier, unit=r.unit, printed=r.value_as_printed,
                              unit_printed=r.unit_as_printed)),
        "source": f"{r.source_id} {cell(r.location)}", "obs_id": r.obs_id,
        "i95": span(r.lo95, r.hi95, r.unit), "mean": quantity(r.mean, r.unit),
        "verdict": f"**{word}**" if verdict == "outside" else word, "outside": verdict == "outside",
    }


def render_forecast(result: ForecastResult, *, lang: str = "zh", catalog: Catalog | None = None) -> str:
    """forecast.md in `lang` (zh or en)."""
    catalog = catalog or load_catalog()
    c = result.comparisons
    comps = [_comparison(r, lang, catalog) for r in c.itertuples()] if len(c) else []
    return render("forecast.md.j2", lang, vintage=result.vintage_id,
                  blocks=[_block(f, lang, catalog) for f in result.forecasts], comps=comps,
                  n_outside=sum(1 for x in comps if x["outside"]),
                  skipped=[(cell(a), cell(zh if lang != "en" else en)) for a, zh, en in result.skipped],
                  n_skipped=len(result.skipped))


def write_forecast(result: ForecastResult, out_dir: str | Path, langs: Sequence[str] = ("zh", "en"),
                   catalog: Catalog | None = None) -> list[Path]:
    """forecast.md (zh) and forecast.en.md in `out_dir`; their paths, in the order of `langs`."""
    catalog = catalog or load_catalog()
    return write_notes("forecast", {lang: render_forecast(result, lang=lang, catalog=catalog) for lang in langs},
                       out_dir)
