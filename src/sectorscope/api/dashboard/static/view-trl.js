// TRL × demand, the dual-track evaluation: each technology's readiness (with the evidence quoted) against its
// demand score, the quadrant saying what to do. The quadrant cuts are those of analytics.trl.quadrant.
import { $, data, state, t } from "./state.js";
import { empty, esc, figButton } from "./html.js";
import { errorBox } from "./problems.js";
import { openClicked } from "./panel.js";
import { fixed, interval } from "./format.js";
import { heading, term } from "./glossary.js";
import { chartIn, placeTrlCorners, trlOption, trlRange } from "./charts.js";

// The quadrant cuts of analytics.trl.quadrant (TRL ≥ 6 is high readiness, demand ≥ 0.5 high demand). /api/trl
// does not send them; if a later API does (trl_cut, demand_cut), those are used instead.
const TRL_CUTS = { trl: 6, demand: 0.5 };

export function trl(root) {
  const s = t();
  const tr = data.trl;
  const items = tr ? tr.items.filter((it) => it.subject === state.market) : [];
  if (!items.length) {
    const others = tr ? [...new Set(tr.items.map((it) => it.subject))].filter(Boolean) : [];
    root.innerHTML = errorBox("trl") + `<h2>${esc(s.trlTitle)}</h2>` + empty(s.noTrl, others);
    return;
  }
  const cuts = { trl: tr.trl_cut ?? TRL_CUTS.trl, demand: tr.demand_cut ?? TRL_CUTS.demand };
  const names = quadrantNames(items);
  root.innerHTML = `${errorBox("trl")}
    <h2>${esc(s.trlTitle)} · ${esc(state.market)}</h2>
    <p class="note">${esc(s.trlNote(cuts.trl, cuts.demand))}</p>
    <div class="chart tall" id="trl-chart" data-testid="trl-chart" data-trl-cut="${cuts.trl}" data-demand-cut="${cuts.demand}"></div>
    <table class="data" data-testid="trl-table"><thead><tr><th>${esc(heading("technology"))}</th><th>${esc(heading("trl"))}</th>
      <th>${esc(heading("demand_score"))}</th><th>${esc(heading("interval"))}</th><th>${esc(heading("quadrant_advice"))}</th>
      <th>${esc(s.cols.evidence)}</th></tr></thead><tbody>${items.map(trlRow).join("")}</tbody></table>`;
  const chart = chartIn($("#trl-chart"), trlOption(items, cuts, names, s), openClicked);
  const [xmin, xmax] = trlRange(items, cuts);
  placeTrlCorners(chart, cuts, names, xmin, xmax);
}

/** Quadrant names: the API's own advice where a technology sits in the quadrant, the UI's words otherwise. */
function quadrantNames(items) {
  const names = Object.fromEntries(["scale_up", "fund_rnd", "watch", "drop", "unrated"].map((q) => [q, term("quadrant", q)]));
  for (const it of items) {
    if (!it.boundary) names[it.quadrant] = state.lang === "en" ? it.advice_en : it.advice_zh;
  }
  return names;
}

function trlRow(it) {
  return `<tr>
      <td>${esc(it.technology)}</td><td class="num" data-testid="trl-value">${figButton(String(it.trl), it.trl_obs_id)}</td>
      <td class="num" data-testid="trl-demand" data-value="${it.demand ?? ""}">${it.demand == null ? "—" : figButton(fixed(it.demand, 2, false), it.demand_obs_id)}</td>
      <td class="num">${esc(interval(it.demand_low, it.demand_high, "", { digits: 2 }))}</td>
      <td><span class="badge q-${esc(it.quadrant)}">${esc(state.lang === "en" ? it.advice_en : it.advice_zh)}</span></td>
      <td class="quote-cell" lang="zh">${esc(it.evidence || "")}</td></tr>`;
}
