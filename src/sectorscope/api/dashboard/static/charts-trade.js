// ECharts options of the trade view (view-trade.js): imports and exports by period stacked by product, the import
// partners' shares stacked per product, and import dependence over time. Each data item holds its figure's obs_id,
// so a click opens its source; values are the API's, divided only by the axis's display unit (and stacked: the
// stack's height is the one sum the page draws, never printed as a figure).
import { esc } from "./html.js";
import { quantity } from "./format.js";
import { periodLabel, unitLabel } from "./glossary.js";
import { COLORS } from "./charts.js";

const FONT = '"Noto Sans CJK SC", "Noto Sans CJK", "Source Han Sans SC", sans-serif';
// one shade per product: imports in blues, exports in oranges, partners and lines in a qualitative set
const BLUES = ["#1f5fa8", "#5b8fd0", "#9dbde6", "#0f3b6e", "#3b74bd", "#c7daf2"];
const ORANGES = ["#c2410c", "#ea7c3f", "#f5b183", "#8a2d07", "#dc5a1c", "#fbd3b5"];
const SET = ["#1f5fa8", "#c2410c", "#15803d", "#7c3aed", "#b45309", "#0e7490", "#be185d", "#4b5563", "#65a30d",
  "#9333ea"];

const base = () => ({ animation: false, textStyle: { fontFamily: FONT, color: COLORS.ink }, aria: { enabled: true } });
const tip = (p) => (p.data && p.data.tip ? p.data.tip : "");

// a data item of figure `o`: its value in the axis's unit, its obs_id, and the tooltip in the figure's own unit
function item(o, factor, label) {
  if (!o) return null;
  return { value: o.value / factor, obs_id: o.obs_id,
    tip: `${esc(label)}<br>${esc(periodLabel(o.period))} · ${esc(quantity(o.value, o.unit))}` };
}

/**
 * Imports and exports by period, each stacked by product. `rows` = [{key, label, flow ("import"|"export"),
 * cells: Map(period → figure)}]; `factor`, `shown` the display unit the axis is in.
 */
export function tradeOption(periods, rows, factor, shown) {
  let imp = 0;
  let exp = 0;
  const series = rows.map((r) => {
    const color = r.flow === "import" ? BLUES[imp++ % BLUES.length] : ORANGES[exp++ % ORANGES.length];
    return { id: r.key, name: r.label, type: "bar", stack: r.flow, barMaxWidth: 36, itemStyle: { color },
      data: periods.map((p) => item(r.cells.get(p), factor, r.label)) };
  });
  return {
    ...base(),
    grid: { left: 64, right: 24, top: 40 + 22 * Math.ceil(rows.length / 4), bottom: 36 },
    legend: { top: 4, type: "plain", itemGap: 12 },
    tooltip: { trigger: "item", formatter: tip, confine: true },
    xAxis: { type: "category", data: periods, axisLabel: { formatter: (p) => periodLabel(p) },
      axisLine: { lineStyle: { color: COLORS.muted } } },
    yAxis: { type: "value", name: unitLabel(shown), nameTextStyle: { align: "right" },
      splitLine: { lineStyle: { color: COLORS.grid } } },
    series,
  };
}

/**
 * The import partners' shares per product (one bar per product, one segment per partner) and the top-3
 * combined shares as diamonds. `products` = [{label, partners: Map(country → figure), combined: [figure]}].
 */
export function sourcesOption(products, partners, combinedName) {
  const labels = products.map((p) => p.label);
  const series = partners.map((name, i) => ({
    id: `partner|${name}`, name, type: "bar", stack: "share", barMaxWidth: 28, itemStyle: { color: SET[i % SET.length] },
    data: products.map((p) => item(p.partners.get(name), 1, `${p.label} · ${name}`)),
  }));
  series.push({
    id: "combined", name: combinedName, type: "scatter", symbol: "diamond", symbolSize: 13, z: 6,
    itemStyle: { color: "#fff", borderColor: COLORS.ink, borderWidth: 2 },
    data: products.flatMap((p, i) => p.combined.map((o) => ({ value: [o.value, i], obs_id: o.obs_id,
      tip: `${esc(p.label)} · ${esc(o.country || "—")}<br>${esc(periodLabel(o.period))} · ${esc(quantity(o.value, o.unit))}` }))),
  });
  return {
    ...base(),
    grid: { left: 8, right: 32, top: 40, bottom: 32, containLabel: true },
    legend: { top: 4, type: "scroll" },
    tooltip: { trigger: "item", formatter: tip, confine: true },
    xAxis: { type: "value", name: "%", max: (v) => Math.max(100, Math.ceil(v.max)), splitLine: { lineStyle: { color: COLORS.grid } } },
    yAxis: { type: "category", data: labels, inverse: true, axisTick: { show: false },
      axisLabel: { width: 200, overflow: "truncate" } },
    series,
  };
}

/** Import dependence and localisation rates over time: one line per row = {key, label, cells: Map(period → [figures])}. */
export function dependenceOption(periods, rows) {
  return {
    ...base(),
    color: SET,
    grid: { left: 56, right: 24, top: 40 + 22 * Math.ceil(rows.length / 3), bottom: 36 },
    legend: { top: 4, type: "plain", itemGap: 10 },
    tooltip: { trigger: "item", formatter: tip, confine: true },
    xAxis: { type: "category", data: periods, boundaryGap: false, axisLabel: { formatter: (p) => periodLabel(p) },
      axisLine: { lineStyle: { color: COLORS.muted } } },
    yAxis: { type: "value", name: "%", splitLine: { lineStyle: { color: COLORS.grid } } },
    series: rows.map((r) => ({
      id: r.key, name: r.label, type: "line", connectNulls: true, symbolSize: 8,
      lineStyle: { type: r.kind === "derived" ? "dashed" : "solid" },
      data: periods.map((p) => item((r.cells.get(p) || [])[0], 1, r.label)),
    })),
  };
}
