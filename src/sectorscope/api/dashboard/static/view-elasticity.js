// The supply-demand elasticity index of the market's products: surplus left, shortage right, each with the
// interval its inputs allow; and, where price and quantity series exist, the textbook price elasticity.
import { $, data, state, t } from "./state.js";
import { empty, esc, figButton } from "./html.js";
import { dimsText } from "./names.js";
import { errorBox } from "./problems.js";
import { openClicked } from "./panel.js";
import { figure, interval, signed } from "./format.js";
import { heading, periodLabel, term } from "./glossary.js";
import { chartIn, elasticityOption } from "./charts.js";

// the market of an index item (the API sends the figure's id; the figure knows its market)
function subjectOf(obsId) {
  const o = data.obsById.get(obsId);
  return o ? o.subject : null;
}

export function elasticity(root) {
  const s = t();
  const e = data.elasticity;
  const items = e ? e.items.filter((it) => subjectOf(it.obs_id) === state.market) : [];
  const pe = e ? e.price_elasticities.filter((o) => o.subject === state.market) : [];
  if (!items.length && !pe.length) {
    const others = e ? [...new Set([...e.items.map((it) => subjectOf(it.obs_id)), ...e.price_elasticities.map((o) => o.subject)])].filter(Boolean) : [];
    root.innerHTML = errorBox("elasticity") + `<h2>${esc(s.elasticityTitle)}</h2>` + empty(s.noElasticity, others);
    return;
  }
  const labels = items.map((it) => (it.tier_mean ? term("report", "tier_mean", { tier: it.tier }) : `${it.product}${it.tier ? ` (${it.tier})` : ""}`));
  root.innerHTML = `${errorBox("elasticity")}
    <h2>${esc(s.elasticityTitle)} · ${esc(state.market)}</h2>
    <p class="note">${esc(s.elasticityNote(e.balanced_within))}</p>
    ${items.length ? indexTable(items, labels) : ""}
    ${pe.length ? priceTable(pe) : ""}`;
  if (items.length) chartIn($("#el-chart"), elasticityOption(items, e.balanced_within, labels, s), openClicked);
}

/** The chart's place and the table of the index by product (or tier mean). */
function indexTable(items, labels) {
  const s = t();
  const rows = items.map((it, i) => `<tr class="${it.tier_mean ? "mean-row" : ""}">
      <td>${esc(labels[i])}</td><td class="num" data-testid="el-index" data-value="${it.index}">${figButton(signed(it.index, 2), it.obs_id)}</td>
      <td class="num">${esc(interval(it.low, it.high, "", { digits: 2, sign: true }))}</td>
      <td><span class="badge rd-${esc(it.reading)}">${esc(term("reading", it.reading))}</span></td>
      <td class="small">${esc(it.components || "")}</td></tr>`).join("");
  return `<div class="chart" id="el-chart" data-testid="el-chart" style="height:${Math.max(220, 46 * items.length + 60)}px"></div>
    <table class="data" data-testid="el-table"><thead><tr><th>${esc(heading("product"))}</th><th>${esc(heading("index"))}</th>
      <th>${esc(heading("interval"))}</th><th>${esc(heading("reading"))}</th><th>${esc(s.cols.components)}</th></tr></thead>
      <tbody>${rows}</tbody></table>`;
}

/** The price elasticities %Δq / %Δp. */
function priceTable(pe) {
  const s = t();
  const rows = pe.map((o) => `<tr><td>${esc(dimsText(o))}</td><td class="num">${esc(periodLabel(o.period))}</td>
      <td class="num">${figButton(figure(o), o.obs_id)}</td><td class="small">${esc(o.formula || "")}</td></tr>`).join("");
  return `<h3>${esc(s.priceElasticity)}</h3><table class="data compact"><thead><tr><th>${esc(heading("dimensions"))}</th>
      <th>${esc(heading("period"))}</th><th>${esc(s.cols.elasticity)}</th><th>${esc(heading("formula"))}</th></tr></thead>
      <tbody>${rows}</tbody></table>`;
}
