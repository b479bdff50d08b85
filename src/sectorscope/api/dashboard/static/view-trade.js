// 进出口 / Trade: the market's imports and exports by year (or quarter) as the record set gives them, where its
// imports come from in the latest year and how concentrated they are, its import dependence over time, and the
// unit values of its imports and exports. Every number is a figure of /api/observations (the indicators are
// trade.js's); a figure computed from customs lines opens, in the panel, the lines behind it.
import { $, data, render, state, t, writeUrl } from "./state.js";
import { empty, esc, figButton } from "./html.js";
import { dimsText, indName, sourceTitle } from "./names.js";
import { errorBox } from "./problems.js";
import { openClicked } from "./panel.js";
import { columnUnit, figure, quantity } from "./format.js";
import { heading, periodLabel, unitLabel } from "./glossary.js";
import { chartIn } from "./charts.js";
import { dependenceOption, sourcesOption, tradeOption } from "./charts-trade.js";
import {
  TRADE, TRADE_INDICATORS, fromRecords, isQuarter, isYear, onePartner, recordsLocation, unitPriceFlow,
} from "./trade.js";

const byPeriod = (a, b) => a.localeCompare(b);
const productOf = (o) => o.product || "";

// a figure's text in a table: the computed value in its display unit (a records figure's printed value is the
// customs dollars; the cell shows the stored yuan), a stated one as its source printed it
const cellText = (o) => (o.kind === "stated" ? figure(o) : quantity(o.value, o.unit));

/** A figure as a table cell (a button that opens it). */
function cell(o, testid) {
  return `<span data-testid="${testid}" data-obs="${o.obs_id}" data-obs-all="${o.obs_id}" data-indicator="${esc(o.indicator)}" `
    + `data-value="${o.value ?? ""}">${figButton(cellText(o), o.obs_id)}</span>`;
}

/** Figures of one cell: those that read the same as one button (marked "2处"), the others beside. */
function cells(list, testid) {
  const byText = new Map();
  for (const o of list) {
    const text = cellText(o);
    if (!byText.has(text)) byText.set(text, []);
    byText.get(text).push(o);
  }
  return [...byText.entries()].map(([text, os]) => `<span data-testid="${testid}" data-obs="${os[0].obs_id}" `
    + `data-obs-all="${os.map((o) => o.obs_id).join(",")}" data-indicator="${esc(os[0].indicator)}" `
    + `data-value="${os[0].value ?? ""}">${figButton(text, os.map((o) => o.obs_id))}</span>`).join(" ");
}

// figures grouped by a key, in their obs_id order
function groupBy(list, key) {
  const out = new Map();
  for (const o of [...list].sort((a, b) => a.obs_id - b.obs_id)) {
    const k = key(o);
    if (!out.has(k)) out.set(k, []);
    out.get(k).push(o);
  }
  return out;
}

export function trade(root) {
  const s = t();
  const mine = data.obs.filter((o) => o.subject === state.market && TRADE_INDICATORS.has(o.indicator));
  if (!mine.length) {
    const others = [...new Set(data.obs.filter((o) => TRADE_INDICATORS.has(o.indicator)).map((o) => o.subject))]
      .filter(Boolean);
    root.innerHTML = `${errorBox("observations")}<h2>${esc(s.tradeTitle)}</h2>${empty(s.noTrade, others)}`;
    return;
  }
  const grain = state.grain === "quarter" ? "quarter" : "year";
  const flows = flowFigures(mine, grain);
  const sources = sourceFigures(mine);
  const dependence = dependenceRows(mine);
  root.innerHTML = `${errorBox("observations")}
    <h2>${esc(s.tradeTitle)} · ${esc(state.market)}</h2>
    <p class="note">${esc(s.tradeNote)}</p>
    ${flowsHtml(flows, grain)}
    ${statedHtml(mine)}
    ${sourcesHtml(sources)}
    ${dependenceHtml(dependence)}
    ${unitPriceHtml(mine)}`;
  if (flows.chartRows.length) {
    chartIn($("#trade-chart"), tradeOption(flows.periods, flows.chartRows, flows.factor, flows.shown), openClicked);
  }
  if (sources) {
    chartIn($("#sources-chart"), sourcesOption(sources.products, sources.partners, s.top3), openClicked);
  }
  if (dependence.rows.length) {
    chartIn($("#dependence-chart"), dependenceOption(withAllYears(dependence.periods), dependence.rows), openClicked);
  }
  for (const b of root.querySelectorAll("[data-grain]")) {
    b.addEventListener("click", () => { state.grain = b.dataset.grain; writeUrl(); render(); });
  }
}

// ---- imports and exports -----------------------------------------------------------------------------------

/** The records figures of imports, exports, balance and growth at `grain`, by product and period. */
function flowFigures(mine, grain) {
  const s = t();
  const fits = grain === "quarter" ? isQuarter : isYear;
  const shown = new Set([...TRADE.flows, ...TRADE.growth]);
  const figs = mine.filter((o) => fromRecords(o) && shown.has(o.indicator) && fits(o.period));
  const products = [...new Set(figs.map(productOf))].sort((a, b) => a.localeCompare(b));
  const periods = [...new Set(figs.map((o) => o.period))].sort(byPeriod);
  const cells = groupBy(figs, (o) => `${o.indicator}|${productOf(o)}|${o.period}`);
  const label = (p) => p || state.market;
  const chartRows = [];
  for (const [flow, code] of [["import", TRADE.flows[0]], ["export", TRADE.flows[1]]]) {
    for (const p of products) {
      const byP = new Map(periods.map((per) => [per, (cells.get(`${code}|${p}|${per}`) || [])[0]]).filter(([, o]) => o));
      if (byP.size) chartRows.push({ key: `${flow}|${p}`, flow, label: `${s.flows[flow]} · ${label(p)}`, cells: byP });
    }
  }
  const money = figs.filter((o) => o.indicator === TRADE.flows[0] || o.indicator === TRADE.flows[1]);
  const unit = money.length ? money[0].unit : "";
  const [factor, shownUnit] = columnUnit(unit, money.map((o) => o.value));
  return { figs, products, periods, cells, chartRows, factor, shown: shownUnit };
}

function flowsHtml(f, grain) {
  const s = t();
  const cols = [...TRADE.flows, ...TRADE.growth];
  const picker = `<div class="filters" role="group" aria-label="${esc(s.grain)}"><span>${esc(s.grain)}</span>
      ${["year", "quarter"].map((g) => `<button type="button" class="toggle" data-grain="${g}" data-testid="grain-${g}" `
        + `aria-pressed="${g === grain}">${esc(s.grains[g])}</button>`).join("")}</div>`;
  if (!f.figs.length) return `<h3>${esc(s.flowsTitle)}</h3>${picker}${empty(s.noFlows)}`;
  const rows = f.products.flatMap((p) => f.periods.map((per) => {
    const found = cols.map((c) => (f.cells.get(`${c}|${p}|${per}`) || [])[0]);
    if (!found.some(Boolean)) return "";
    return `<tr data-product="${esc(p)}" data-period="${esc(per)}"><td>${esc(p || state.market)}</td>`
      + `<td class="num">${esc(periodLabel(per))}</td>${found.map((o) => `<td class="num">${o ? cell(o, "trade-cell") : "—"}</td>`).join("")}</tr>`;
  })).join("");
  return `<h3>${esc(s.flowsTitle)}</h3>${picker}
    <div class="chart" id="trade-chart" data-testid="trade-chart" data-grain="${grain}" data-factor="${f.factor}"
      style="height:${380 + 22 * Math.ceil(f.chartRows.length / 4)}px"></div>
    <table class="data" data-testid="trade-table"><thead><tr><th>${esc(heading("product"))}</th><th>${esc(heading("period"))}</th>
      ${cols.map((c) => `<th>${esc(indName(c))}</th>`).join("")}</tr></thead><tbody>${rows}</tbody></table>
    <p class="small muted">${esc(s.recordsNote)}</p>`;
}

/** The reports' own figures of the same indicators (stated, not computed), to read beside the records'. */
function statedHtml(mine) {
  const s = t();
  const shown = new Set([...TRADE.flows, ...TRADE.growth]);
  const list = mine.filter((o) => o.kind === "stated" && shown.has(o.indicator))
    .sort((a, b) => a.indicator.localeCompare(b.indicator) || byPeriod(a.period, b.period) || a.obs_id - b.obs_id);
  if (!list.length) return "";
  const rows = list.map((o) => `<tr><td>${esc(indName(o.indicator))}</td><td>${esc(dimsText(o))}</td>
      <td class="num">${esc(periodLabel(o.period))}</td><td class="num">${cell(o, "trade-stated")}</td>
      <td class="small">${esc(sourceTitle(o.source_id))}</td></tr>`).join("");
  return `<h3>${esc(s.statedTrade)}</h3>
    <table class="data compact" data-testid="trade-stated-table"><thead><tr><th>${esc(heading("indicator"))}</th>
      <th>${esc(heading("dimensions"))}</th><th>${esc(heading("period"))}</th><th>${esc(heading("value"))}</th>
      <th>${esc(s.sourceDoc)}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

// ---- import sources ------------------------------------------------------------------------------------------

/** The partner shares and concentration of the latest year (its annual figures, else its latest period), by
 * product; null when the market has none. */
function sourceFigures(mine) {
  const wanted = new Set([TRADE.sourceShare, ...TRADE.concentration]);
  const figs = mine.filter((o) => wanted.has(o.indicator) && /^\d{4}/.test(o.period));
  if (!figs.length) return null;
  const year = figs.map((o) => o.period.slice(0, 4)).sort().at(-1);
  const ofYear = figs.filter((o) => o.period.startsWith(year));
  const annual = ofYear.filter((o) => isYear(o.period));
  const period = annual.length ? year : ofYear.map((o) => o.period).sort(byPeriod).at(-1);
  const use = ofYear.filter((o) => o.period === period);
  // one bar per product and source: a report's shares and the record set's are never stacked together
  const groups = groupBy(use, (o) => `${productOf(o)}|${o.source_id}`);
  const sourcesOf = new Map();
  for (const key of groups.keys()) {
    const p = key.slice(0, key.lastIndexOf("|"));
    sourcesOf.set(p, (sourcesOf.get(p) || 0) + 1);
  }
  const products = [...groups.keys()].sort((a, b) => a.localeCompare(b)).map((key) => {
    const list = groups.get(key);
    const p = productOf(list[0]);
    const name = p || state.market;
    const shares = list.filter((o) => o.indicator === TRADE.sourceShare);
    const single = shares.filter(onePartner).sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
    return { product: p, label: sourcesOf.get(p) > 1 ? `${name} · ${sourceTitle(list[0].source_id)}` : name,
      partners: new Map(single.map((o) => [o.country || "", o])),
      single, combined: shares.filter((o) => !onePartner(o)), hhi: list.filter((o) => TRADE.concentration.includes(o.indicator)) };
  });
  // partners in the order of their largest share (a comparison, no arithmetic)
  const top = new Map();
  for (const p of products) for (const o of p.single) top.set(o.country || "", Math.max(top.get(o.country || "") ?? -Infinity, o.value ?? 0));
  const partners = [...top.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c);
  return { period, products, partners };
}

function sourcesHtml(src) {
  const s = t();
  const title = `<h3>${esc(s.sourcesTitle)}${src ? ` · ${esc(periodLabel(src.period))}` : ""}</h3>`;
  if (!src) return `${title}<div data-testid="sources-none">${empty(s.noSources)}</div>`;
  const rows = src.products.flatMap((p) => [
    ...p.single.map((o) => shareRow(p, o.country, o, "")),
    ...p.combined.map((o) => shareRow(p, o.country || "—", o, o.country ? ` <span class="badge">${esc(s.top3)}</span>` : "")),
    ...p.hhi.map((o) => shareRow(p, indName(o.indicator), o, "")),
  ]).join("");
  const withShares = src.products.some((p) => p.single.length || p.combined.length);
  return `${title}<p class="note">${esc(s.sourcesNote)}</p>
    ${withShares ? `<div class="chart" id="sources-chart" data-testid="sources-chart" style="height:${Math.max(200, 56 * src.products.length + 90)}px"></div>` : ""}
    <table class="data compact" data-testid="sources-table"><thead><tr><th>${esc(heading("product"))}</th>
      <th>${esc(s.partner)}</th><th>${esc(heading("value"))}</th><th>${esc(heading("kind"))}</th></tr></thead>
      <tbody>${rows}</tbody></table>`;
}

function shareRow(p, what, o, badge) {
  return `<tr><td>${esc(p.label)}</td><td>${esc(what)}${badge}</td><td class="num">${cell(o, "source-share")}</td>`
    + `<td class="small">${esc(kindName(o.kind))}</td></tr>`;
}

const kindName = (kind) => {
  const s = t();
  return { stated: s.kindStated, derived: s.kindDerived, model_forecast: s.kindModel }[kind] || kind;
};

/** The periods with every year between the first and the last (a category axis spaces years evenly). */
function withAllYears(periods) {
  const years = periods.map((p) => Number(p.slice(0, 4))).filter(Number.isFinite);
  if (!years.length) return periods;
  const all = new Set(periods);
  for (let y = Math.min(...years); y <= Math.max(...years); y += 1) all.add(String(y));
  return [...all].sort(byPeriod);
}

// ---- import dependence ---------------------------------------------------------------------------------------

/** Import dependence and localisation rates (stated and derived), one row per indicator, dimensions and kind. */
function dependenceRows(mine) {
  const figs = mine.filter((o) => TRADE.dependence.includes(o.indicator) && TRADE.dependenceKinds.includes(o.kind));
  const periods = [...new Set(figs.map((o) => o.period))].sort(byPeriod);
  const groups = groupBy(figs, (o) => `${o.indicator}|${dimsText(o)}|${o.kind}`);
  const rows = [...groups.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([key, list]) => {
    const o = list[0];
    const dims = dimsText(o, ["subject", ...(o.region === "中国" ? ["region"] : [])]);
    return { key, kind: o.kind, indicator: o.indicator, dims,
      label: `${indName(o.indicator)}${dims ? ` · ${dims}` : ""} (${kindName(o.kind)})`,
      cells: groupBy(list, (x) => x.period) };
  });
  return { periods, rows };
}

function dependenceHtml(dep) {
  const s = t();
  const title = `<h3>${esc(s.dependenceTitle)}</h3>`;
  if (!dep.rows.length) return `${title}${empty(s.noDependence)}`;
  const rows = dep.rows.map((r) => `<tr data-row="${esc(r.key)}"><td>${esc(indName(r.indicator))}</td><td>${esc(r.dims)}</td>
      <td class="small">${esc(kindName(r.kind))}</td>${dep.periods.map((p) => `<td class="num">${cells(r.cells.get(p) || [],
    "dependence-cell")}</td>`).join("")}</tr>`).join("");
  return `${title}<p class="note">${esc(s.dependenceNote)}</p>
    <div class="chart" id="dependence-chart" data-testid="dependence-chart"
      style="height:${380 + 22 * Math.ceil(dep.rows.length / 3)}px"></div>
    <div class="scroll"><table class="data" data-testid="dependence-table"><thead><tr><th>${esc(heading("indicator"))}</th>
      <th>${esc(heading("dimensions"))}</th><th>${esc(heading("kind"))}</th>${dep.periods.map((p) => `<th class="num">${esc(p)}</th>`).join("")}</tr></thead>
      <tbody>${rows}</tbody></table></div>`;
}

// ---- unit values ---------------------------------------------------------------------------------------------

/** Unit values by product, flow and quantity unit, a column per year. */
function unitPriceHtml(mine) {
  const s = t();
  const title = `<h3>${esc(s.unitPriceTitle)}</h3>`;
  const figs = mine.filter((o) => unitPriceFlow(o) && (o.indicator !== TRADE.unitPriceAny || fromRecords(o)));
  if (!figs.length) return `${title}${empty(s.noUnitPrice)}`;
  const periods = [...new Set(figs.map((o) => o.period))].sort(byPeriod);
  const qty = (o) => (recordsLocation(o) || {}).unit || "";
  const groups = groupBy(figs, (o) => `${productOf(o)}|${unitPriceFlow(o)}|${qty(o)}|${o.unit || ""}`);
  const rows = [...groups.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([key, list]) => {
    const o = list[0];
    const byP = groupBy(list, (x) => x.period);
    return `<tr data-row="${esc(key)}"><td>${esc(productOf(o) || state.market)}</td><td>${esc(s.flows[unitPriceFlow(o)])}</td>
      <td>${esc(qty(o) || "—")}</td><td>${esc(unitLabel(o.unit))}</td>${periods.map((p) => `<td class="num">${cells(byP.get(p) || [],
      "unit-price")}</td>`).join("")}</tr>`;
  }).join("");
  return `${title}<p class="note">${esc(s.unitPriceNote)}</p>
    <div class="scroll"><table class="data" data-testid="unit-price-table"><thead><tr><th>${esc(heading("product"))}</th>
      <th>${esc(s.flow)}</th><th>${esc(s.customsUnit)}</th><th>${esc(heading("unit"))}</th>
      ${periods.map((p) => `<th class="num">${esc(p)}</th>`).join("")}</tr></thead><tbody>${rows}</tbody></table></div>`;
}
