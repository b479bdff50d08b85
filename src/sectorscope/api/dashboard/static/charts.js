// ECharts options for the dashboard's four charts. `echarts` is the vendored UMD build (static/echarts.min.js),
// loaded as a classic script before the modules. Every number a chart draws comes from the API's answer
// passed in; the options hold each figure's obs_id so a click opens its source.
import { esc } from "./html.js";
import { fixed, interval, signed, significant } from "./format.js";
import { heading, term } from "./glossary.js";

const FONT = '"Noto Sans CJK SC", "Noto Sans CJK", "Source Han Sans SC", sans-serif';
export const COLORS = {
  ink: "#1f2933", muted: "#6b7280", grid: "#e5e7eb", blue: "#1f5fa8", band95: "rgba(31, 95, 168, 0.13)",
  band80: "rgba(31, 95, 168, 0.28)", orange: "#c2410c", purple: "#7c3aed", grey: "#9ca3af",
  surplus: "#2563eb", shortage: "#dc2626", balanced: "#6b7280",
  scale_up: "#15803d", fund_rnd: "#c2410c", watch: "#2563eb", drop: "#6b7280", unrated: "#9ca3af",
};

const base = () => ({
  animation: false,
  textStyle: { fontFamily: FONT, color: COLORS.ink },
  aria: { enabled: true },
});

/** Make (or remake) the chart in `el`; returns the instance. */
export function chartIn(el, option, onClick) {
  const old = window.echarts.getInstanceByDom(el);
  if (old) old.dispose();
  const chart = window.echarts.init(el, null, { renderer: "canvas" });
  chart.setOption(option);
  if (onClick) chart.on("click", (p) => onClick(p));
  return chart;
}

/**
 * The forecast fan. `fan` = {years, factor, unit, history[], mean[], lo80[], hi80[], lo95[], hi95[],
 * reported[{year, value, obs_id, printed, source_id}], stated[…], scenarios[…], rows{year → …}}; values in
 * the canonical unit (divided by `factor` here); `t` the UI strings.
 */
export function fanOption(fan, t, unitShown) {
  return {
    ...base(),
    color: [COLORS.ink, COLORS.blue, COLORS.band80, COLORS.band95, COLORS.orange, COLORS.grey, COLORS.purple],
    grid: { left: 64, right: 24, top: 48, bottom: 40 },
    legend: {
      top: 4, itemGap: 14,
      data: [t.legendHistory, t.legendMean, t.legend80, t.legend95, t.legendReported, t.legendStated, t.legendScenarios],
      selected: { [t.legendScenarios]: false },
    },
    tooltip: { trigger: "axis", formatter: fanTooltip(fan, t), confine: true },
    xAxis: { type: "category", data: fan.years, boundaryGap: false, axisLine: { lineStyle: { color: COLORS.muted } } },
    yAxis: {
      type: "value", name: unitShown, nameTextStyle: { align: "right" }, scale: false,
      splitLine: { lineStyle: { color: COLORS.grid } },
    },
    series: fanSeries(fan, t),
  };
}

// one band of the fan, `color` null for its invisible lower edge
const band = (id, name, data, stack, color) => ({
  id, name, type: "line", stack, stackStrategy: "all", data, symbol: "none", connectNulls: false,
  lineStyle: { opacity: 0 }, areaStyle: color ? { color, opacity: 1 } : undefined, silent: true,
  itemStyle: { color: color || "transparent" },
  emphasis: { disabled: true }, tooltip: { show: false }, z: 1,
});

/** The fan's series: the two bands, the observed history, the model's mean, and the reports' own points. */
function fanSeries(fan, t) {
  const f = fan.factor;
  const d = (arr) => arr.map((v) => (v == null ? null : v / f));
  const diff = (hi, lo) => hi.map((h, i) => (h == null || lo[i] == null ? null : (h - lo[i]) / f));
  const pts = (arr) => arr.map((r) => ({ value: [r.year, r.value / f], obs_id: r.obs_id, printed: r.printed,
    source_id: r.source_id, location: r.location }));
  return [
    // each band: its lower edge (invisible) with the band's height stacked on it
    band("lo95", "lo95", d(fan.lo95), "b95", null),
    band("band95", t.legend95, diff(fan.hi95, fan.lo95), "b95", COLORS.band95),
    band("lo80", "lo80", d(fan.lo80), "b80", null),
    band("band80", t.legend80, diff(fan.hi80, fan.lo80), "b80", COLORS.band80),
    { id: "history", name: t.legendHistory, type: "line", data: d(fan.history), connectNulls: true, symbolSize: 7,
      lineStyle: { width: 2.5, color: COLORS.ink }, itemStyle: { color: COLORS.ink }, z: 4 },
    { id: "mean", name: t.legendMean, type: "line", data: d(fan.mean), symbolSize: 6,
      lineStyle: { width: 2, type: "dashed", color: COLORS.blue }, itemStyle: { color: COLORS.blue }, z: 4 },
    { id: "reported", name: t.legendReported, type: "scatter", data: pts(fan.reported), symbol: "diamond",
      symbolSize: 13, itemStyle: { color: COLORS.orange }, z: 6, tooltip: { trigger: "item", formatter: pointTip } },
    { id: "stated", name: t.legendStated, type: "scatter", data: pts(fan.stated), symbol: "circle", symbolSize: 10,
      itemStyle: { color: "#fff", borderColor: COLORS.muted, borderWidth: 2 }, z: 5,
      tooltip: { trigger: "item", formatter: pointTip } },
    { id: "scenarios", name: t.legendScenarios, type: "scatter", data: pts(fan.scenarios), symbol: "triangle",
      symbolSize: 9, itemStyle: { color: COLORS.purple }, z: 5, tooltip: { trigger: "item", formatter: pointTip } },
  ];
}

/** The fan's tooltip for a year: the observed value, the mean, both intervals and the reports' figures. */
function fanTooltip(fan, t) {
  const f = fan.factor;
  return (params) => {
    const list = Array.isArray(params) ? params : [params];
    const year = list.length ? (list[0].axisValue ?? (list[0].value && list[0].value[0])) : "";
    const row = fan.rows[year];
    if (!row) return "";
    const lines = [`<b>${esc(year)}</b>`];
    if (row.observed != null) lines.push(`${t.legendHistory}: ${fmt(row.observed / f)}`);
    if (row.mean != null) lines.push(`${t.legendMean}: ${fmt(row.mean / f)}`);
    if (row.lo80 != null) lines.push(`${t.legend80}: ${interval(row.lo80 / f, row.hi80 / f, "", { grouping: true })}`);
    if (row.lo95 != null) lines.push(`${t.legend95}: ${interval(row.lo95 / f, row.hi95 / f, "", { grouping: true })}`);
    for (const r of row.reported) lines.push(`${t.legendReported}: ${esc(r.printed)} (${esc(r.source_id)})`);
    for (const r of row.stated) lines.push(`${t.legendStated}: ${esc(r.printed)} (${esc(r.source_id)})`);
    return lines.join("<br>");
  };
}

function pointTip(p) {
  const d = p.data || {};
  return `<b>${esc(d.value ? d.value[0] : "")}</b><br>${esc(d.printed)}<br>${esc(d.source_id)} · ${esc(d.location || "")}`;
}

// a value in the fan's display unit, as the report's tables print it
const fmt = (v) => significant(v, undefined, true);

// error bars: data items [low, high, categoryIndex] drawn as a horizontal line with end caps
function hBars(id, data, color, width, caps = true) {
  return {
    id, type: "custom", data, z: 5, silent: true, tooltip: { show: false },
    encode: { x: [0, 1], y: 2 },
    renderItem(params, api) {
      const lo = api.coord([api.value(0), api.value(2)]);
      const hi = api.coord([api.value(1), api.value(2)]);
      const h = 5;
      const children = [{ type: "line", shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] },
        style: { stroke: color, lineWidth: width } }];
      if (caps) {
        children.push({ type: "line", shape: { x1: lo[0], y1: lo[1] - h, x2: lo[0], y2: lo[1] + h }, style: { stroke: color, lineWidth: 1.2 } });
        children.push({ type: "line", shape: { x1: hi[0], y1: hi[1] - h, x2: hi[0], y2: hi[1] + h }, style: { stroke: color, lineWidth: 1.2 } });
      }
      return { type: "group", children };
    },
  };
}

/** The elasticity index as horizontal bars, surplus left and shortage right, the balanced band shaded. */
export function elasticityOption(items, within, labels, t) {
  const colour = (r) => COLORS[r] || COLORS.grey;
  return {
    ...base(),
    grid: { left: 8, right: 40, top: 16, bottom: 32, containLabel: true },
    tooltip: { trigger: "item", formatter: (p) => p.data && p.data.tip ? p.data.tip : "" },
    // room beyond the longest bar for its label
    xAxis: { type: "value", splitLine: { lineStyle: { color: COLORS.grid } },
      min: (v) => Math.floor(Math.min(v.min, -within) * 10 - 1.5) / 10,
      max: (v) => Math.ceil(Math.max(v.max, within) * 10 + 1.5) / 10 },
    yAxis: { type: "category", data: labels, inverse: true, axisTick: { show: false },
      axisLabel: { width: 220, overflow: "truncate" } },
    series: [
      { id: "index", type: "bar", barWidth: "55%",
        data: items.map((it, i) => ({ value: it.index, obs_id: it.obs_id, itemStyle: { color: colour(it.reading) },
          label: { position: it.index < 0 ? "left" : "right" },
          tip: `${esc(labels[i])}<br>${signed(it.index, 2)} · ${esc(term("reading", it.reading))}` })),
        markArea: { silent: true, itemStyle: { color: "rgba(107, 114, 128, 0.12)" },
          data: [[{ xAxis: -within }, { xAxis: within }]] },
        markLine: { silent: true, symbol: "none", lineStyle: { color: COLORS.muted }, label: { show: false },
          data: [{ xAxis: 0 }] },
        label: { show: true, position: "right", distance: 12, formatter: (p) => signed(p.value, 2),
          color: COLORS.ink, fontSize: 11 } },
      hBars("interval", items.map((it, i) => [it.low ?? it.index, it.high ?? it.index, i]), COLORS.ink, 1.5),
    ],
  };
}

/** TRL × demand: technologies as points, the two cuts as dashed lines, the quadrants named in their corners. */
export function trlRange(items, cuts) {
  const xs = items.flatMap((it) => [it.demand_low ?? it.demand, it.demand_high ?? it.demand]).filter((v) => v != null);
  const xmin = Math.max(0, Math.floor((Math.min(cuts.demand, ...xs) - 0.1) * 10) / 10);
  const xmax = Math.min(1, Math.ceil((Math.max(cuts.demand, ...xs) + 0.05) * 10) / 10);
  return [xmin, xmax];
}

// A label goes right of its point unless the next point on the same TRL row is closer than `near`: then
// above or below, alternating. The points so moved, with where their label goes.
function labelSides(rated, near) {
  const labelAt = new Map();
  for (let level = 1; level <= 9; level += 1) {
    const row = rated.filter((it) => it.trl === level).sort((a, b) => a.demand - b.demand);
    let up = true;
    row.forEach((it, i) => {
      const next = row[i + 1];
      if (next && next.demand - it.demand < near) { labelAt.set(it, up ? "top" : "bottom"); up = !up; }
    });
  }
  return labelAt;
}

export function trlOption(items, cuts, names, t) {
  const [xmin, xmax] = trlRange(items, cuts);
  const rated = items.filter((it) => it.demand != null);
  const labelAt = labelSides(rated, (xmax - xmin) * 0.17);
  return {
    ...base(),
    grid: { left: 56, right: 40, top: 36, bottom: 48 },
    tooltip: { trigger: "item", formatter: (p) => p.data && p.data.tip ? p.data.tip : "" },
    xAxis: { type: "value", name: heading("demand_score"), nameLocation: "middle", nameGap: 28, min: xmin, max: xmax,
      splitLine: { lineStyle: { color: COLORS.grid } } },
    yAxis: { type: "value", name: "TRL", min: 0, max: 10, interval: 1,
      axisLabel: { formatter: (v) => (v >= 1 && v <= 9 ? String(v) : "") }, splitLine: { show: false } },
    series: [
      { id: "technologies", type: "scatter", symbolSize: 12,
        data: rated.map((it) => ({
          value: [it.demand, it.trl], name: it.technology, obs_id: it.trl_obs_id, quadrant: it.quadrant,
          label: { position: labelAt.get(it) || "right" },
          itemStyle: { color: it.boundary ? "#fff" : COLORS[it.quadrant] || COLORS.grey,
            borderColor: COLORS[it.quadrant] || COLORS.grey, borderWidth: 2 },
          tip: `<b>${esc(it.technology)}</b><br>TRL ${it.trl} · ${heading("demand_score")} ${fixed(it.demand, 2, false)}<br>${esc(names[it.quadrant] || it.quadrant)}`,
        })),
        label: { show: true, position: "right", formatter: (p) => p.name, fontSize: 11, color: COLORS.ink,
          backgroundColor: "rgba(255, 255, 255, 0.75)", padding: [1, 3], borderRadius: 3 },
        labelLayout: { moveOverlap: "shiftY", hideOverlap: false },
        markLine: { silent: true, symbol: "none", lineStyle: { type: "dashed", color: COLORS.muted },
          label: { show: false }, data: [{ xAxis: cuts.demand }, { yAxis: cuts.trl - 0.5 }] },
        markArea: { silent: true, data: [
          [{ xAxis: cuts.demand, yAxis: cuts.trl - 0.5, itemStyle: { color: "rgba(21, 128, 61, 0.06)" } }, { xAxis: xmax, yAxis: 10 }],
          [{ xAxis: cuts.demand, yAxis: 0, itemStyle: { color: "rgba(194, 65, 12, 0.06)" } }, { xAxis: xmax, yAxis: cuts.trl - 0.5 }],
          [{ xAxis: xmin, yAxis: cuts.trl - 0.5, itemStyle: { color: "rgba(37, 99, 235, 0.05)" } }, { xAxis: cuts.demand, yAxis: 10 }],
          [{ xAxis: xmin, yAxis: 0, itemStyle: { color: "rgba(107, 114, 128, 0.06)" } }, { xAxis: cuts.demand, yAxis: cuts.trl - 0.5 }],
        ] } },
      { ...hBars("demand-interval", rated.map((it) => [it.demand_low ?? it.demand, it.demand_high ?? it.demand, it.trl]),
        COLORS.muted, 1, true), encode: { x: [0, 1], y: 2 } },
    ],
  };
}

/** Quadrant names in the plot's corners, placed after the chart knows its pixel grid. */
export function placeTrlCorners(chart, cuts, names, xmin, xmax) {
  const tl = chart.convertToPixel({ gridIndex: 0 }, [xmin, 10]);
  const br = chart.convertToPixel({ gridIndex: 0 }, [xmax, 0]);
  if (!tl || !br) return;
  const pad = 8;
  const font = `600 13px ${FONT}`;
  const text = (code, x, y, align, vAlign) => ({
    type: "text", silent: true, z: 0, x, y,
    style: { text: names[code], fill: COLORS[code], font, align, verticalAlign: vAlign, opacity: 0.85 },
  });
  chart.setOption({ graphic: [
    text("scale_up", br[0] - pad, tl[1] + pad, "right", "top"),
    text("fund_rnd", br[0] - pad, br[1] - pad, "right", "bottom"),
    text("watch", tl[0] + pad, tl[1] + pad, "left", "top"),
    text("drop", tl[0] + pad, br[1] - pad, "left", "bottom"),
  ] });
}

/** A composite index: scores with their 95 % intervals (left) and ranks with 80/95 % intervals (right). */
export function indexOption(units, labels, t) {
  const maxRank = Math.max(1, ...units.map((u) => u.rank_hi95 ?? u.rank ?? 0));
  const rankBars = (id, key, width, color) => ({
    ...hBars(id, units.map((u, i) => [u[`rank_lo${key}`] ?? u.rank, u[`rank_hi${key}`] ?? u.rank, i]), color, width, key === "95"),
    xAxisIndex: 1, yAxisIndex: 1,
  });
  return {
    ...base(),
    grid: [
      { left: 8, width: "46%", top: 36, bottom: 32, containLabel: true },
      { right: 24, width: "40%", top: 36, bottom: 32, containLabel: false },
    ],
    title: [
      { text: t.scoreAxis, left: "2%", top: 4, textStyle: { fontSize: 13, fontFamily: FONT } },
      { text: t.rankAxis, left: "56%", top: 4, textStyle: { fontSize: 13, fontFamily: FONT } },
    ],
    tooltip: { trigger: "item", formatter: (p) => p.data && p.data.tip ? p.data.tip : "" },
    xAxis: [
      { type: "value", gridIndex: 0, splitLine: { lineStyle: { color: COLORS.grid } } },
      { type: "value", gridIndex: 1, min: 0, max: maxRank + 1, interval: 1,
        axisLabel: { formatter: (v) => (v >= 1 && v <= maxRank ? String(v) : "") },
        splitLine: { lineStyle: { color: COLORS.grid } } },
    ],
    yAxis: [
      { type: "category", gridIndex: 0, data: labels, inverse: true, axisTick: { show: false } },
      { type: "category", gridIndex: 1, data: labels, inverse: true, axisTick: { show: false }, axisLabel: { show: false } },
    ],
    series: [
      { id: "score", type: "bar", xAxisIndex: 0, yAxisIndex: 0, barWidth: "50%", itemStyle: { color: COLORS.blue },
        data: units.map((u, i) => ({ value: u.score, obs_id: u.score_obs_id,
          tip: `${esc(labels[i])}<br>${t.scoreAxis} ${fixed(u.score, 2)} ${interval(u.score_lo95, u.score_hi95, "", { digits: 2 })}` })) },
      { ...hBars("score95", units.map((u, i) => [u.score_lo95 ?? u.score, u.score_hi95 ?? u.score, i]), COLORS.ink, 1.2),
        xAxisIndex: 0, yAxisIndex: 0 },
      rankBars("rank95", "95", 1.2, COLORS.ink),
      rankBars("rank80", "80", 6, "rgba(31, 95, 168, 0.55)"),
      { id: "rank", type: "scatter", xAxisIndex: 1, yAxisIndex: 1, symbolSize: 10, z: 6,
        itemStyle: { color: COLORS.orange },
        data: units.map((u, i) => ({ value: [u.rank, i], obs_id: u.rank_obs_id,
          tip: `${esc(labels[i])}<br>${t.rankAxis} ${u.rank ?? "—"} · 80% [${u.rank_lo80 ?? "—"}, ${u.rank_hi80 ?? "—"}] · 95% [${u.rank_lo95 ?? "—"}, ${u.rank_hi95 ?? "—"}]` })) },
    ],
  };
}
