// A forecast series as the fan chart and its table draw it: every year from the first figure to the last
// (gaps shown as gaps), the model's history, mean and intervals, the report's own forecasts and scenarios,
// and the figures the reports state for the same series — all in one display unit chosen from their size.
import { SERIES_DIMS, data } from "./state.js";
import { columnUnit, printed } from "./format.js";

const YEAR = /^\d{4}$/;

const asPoint = (r) => ({ year: r.period, value: r.value, obs_id: r.obs_id, printed: printed(r), source_id: r.source_id,
  location: r.location });

/**
 * The fan of series `sr` (an item of /api/forecasts): {years, factor, unit, rows{year → …}, reported[], stated[],
 * scenarios[], history[], mean[], lo80[], hi80[], lo95[], hi95[]} — the arrays by year, values in the
 * canonical unit (charts.fanOption divides by `factor`).
 */
export function buildFan(sr) {
  const history = sr.history.filter((h) => h.value != null);
  const reported = sr.reported.filter((r) => r.value != null && YEAR.test(r.period)).map(asPoint);
  const scenarios = sr.scenarios.filter((r) => r.value != null && YEAR.test(r.period)).map(asPoint);
  const stated = statedPoints(sr);
  const years = everyYear([...history.map((h) => h.period), ...sr.points.map((p) => p.period),
    ...reported.map((r) => r.year), ...stated.map((r) => r.year)]);
  const at = (list, key) => years.map((y) => { const p = list.find((x) => x.period === y); return p ? p[key] : null; });
  const values = [...sr.points.map((p) => p.hi95), ...history.map((h) => h.value), ...reported.map((r) => r.value),
    ...stated.map((r) => r.value)];
  const [factor, unit] = columnUnit(sr.unit, values);
  const rows = {};
  for (const y of years) rows[y] = yearRow(y, history, sr.points, reported, stated);
  return { years, factor, unit, rows, reported, stated, scenarios,
    history: at(history, "value"), mean: at(sr.points, "value"), lo80: at(sr.points, "lo80"),
    hi80: at(sr.points, "hi80"), lo95: at(sr.points, "lo95"), hi95: at(sr.points, "hi95") };
}

/** The figures the reports state (actual or estimate, by year) for the series' indicator and dimensions. */
function statedPoints(sr) {
  const sameKey = (o) => o.indicator === sr.indicator && SERIES_DIMS.every((d) => (o[d] || null) === (sr.dims[d] || null));
  return data.obs.filter((o) => sameKey(o) && !o.scenario && o.kind === "stated"
    && (o.status === "actual" || o.status === "estimate") && YEAR.test(o.period)).map(asPoint);
}

/** Every year from the first of `periods` to the last, as text. */
function everyYear(periods) {
  const seen = periods.map(Number);
  const years = [];
  for (let y = Math.min(...seen); y <= Math.max(...seen); y += 1) years.push(String(y));
  return years;
}

/** What the fan holds for year `y`: observed history, the model's point and intervals, the reports' figures. */
function yearRow(y, history, points, reported, stated) {
  const h = history.filter((x) => x.period === y);
  const p = points.find((x) => x.period === y);
  return { observed: h.length ? h[0].value : null, history: h, point: p || null,
    mean: p ? p.value : null, lo80: p ? p.lo80 : null, hi80: p ? p.hi80 : null, lo95: p ? p.lo95 : null,
    hi95: p ? p.hi95 : null, reported: reported.filter((r) => r.year === y), stated: stated.filter((r) => r.year === y) };
}
