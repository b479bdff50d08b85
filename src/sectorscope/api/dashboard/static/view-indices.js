// The market's composite indices (the regional capability index first): each unit's score with its 95 %
// interval and its rank with the 80 and 95 % intervals the Monte-Carlo over method choices gives. Two units
// sharing one rank figure are flagged: their labels are suspect.
import { $, data, render, state, t, writeUrl } from "./state.js";
import { empty, esc, figButton } from "./html.js";
import { errorBox } from "./problems.js";
import { openClicked } from "./panel.js";
import { fixed, interval } from "./format.js";
import { chartIn, indexOption } from "./charts.js";
import { heading, periodLabel } from "./glossary.js";

export function indices(root) {
  const s = t();
  const list = data.indices.filter((x) => x.subject === state.market);
  if (!list.length) {
    const others = [...new Set(data.indices.map((x) => x.subject))].filter(Boolean);
    root.innerHTML = errorBox("indices") + `<h2>${esc(s.indexTitle)}</h2>` + empty(s.noIndices, others);
    return;
  }
  regionalFirst(list);
  let ix = list.find((x) => x.index === state.index);
  if (!ix) { ix = list[0]; state.index = ix.index; }
  const units = ix.units;
  const labels = units.map((u) => u.label);
  root.innerHTML = indexHtml(list, ix, sharedRanks(units));
  chartIn($("#ix-chart"), indexOption(units, labels, s), openClicked);
  $("#index-pick").addEventListener("change", (e) => { state.index = e.target.value; writeUrl(); render(); });
}

/** Sort `list` in place: the regional index first (the one whose units are the regions of the store's figures). */
function regionalFirst(list) {
  const regions = new Set(data.obs.map((o) => o.region).filter(Boolean));
  const regional = (x) => x.units.length && x.units.every((u) => regions.has(u.label));
  list.sort((a, b) => regional(b) - regional(a) || a.index.localeCompare(b.index));
}

/** The rank figures that more than one unit points to. */
function sharedRanks(units) {
  const shared = new Set();
  const seen = new Map();
  for (const u of units) {
    if (u.rank_obs_id == null) continue;
    if (seen.has(u.rank_obs_id)) shared.add(u.rank_obs_id);
    seen.set(u.rank_obs_id, u.label);
  }
  return shared;
}

function indexHtml(list, ix, shared) {
  const s = t();
  const rows = ix.units.map((u) => unitRow(u, shared)).join("");
  return `${errorBox("indices")}
    <h2>${esc(s.indexTitle)} · ${esc(state.market)}</h2>
    <div class="filters"><label>${esc(s.indexPick)} <select id="index-pick" data-testid="index-pick">${list.map((x) =>
      `<option value="${esc(x.index)}"${x === ix ? " selected" : ""}>${esc(x.title || x.index)}</option>`).join("")}</select></label></div>
    <p class="note">${esc(s.indexNote)}</p>
    <p class="small muted">${esc(ix.title || ix.index)} · ${esc(periodLabel(ix.period))} · ${esc(ix.method || "")}</p>
    ${shared.size ? `<div class="problem soft" data-testid="index-warning">${esc(s.dupLabels)}</div>` : ""}
    <div class="chart" id="ix-chart" data-testid="ix-chart" style="height:${Math.max(240, 40 * ix.units.length + 80)}px"></div>
    <table class="data compact" data-testid="ix-table"><thead><tr><th>${esc(s.cols.label)}</th><th>${esc(heading("score"))}</th>
      <th>${esc(s.cols.score95)}</th><th>${esc(s.cols.rank)}</th><th>${esc(s.cols.rank80)}</th><th>${esc(s.cols.rank95)}</th>
      </tr></thead><tbody>${rows}</tbody></table>`;
}

function unitRow(u, shared) {
  return `<tr${shared.has(u.rank_obs_id) ? ' class="suspect"' : ""}>
      <td>${esc(u.label)}</td><td class="num" data-testid="ix-score" data-value="${u.score ?? ""}">${figButton(fixed(u.score, 2), u.score_obs_id)}</td>
      <td class="num">${esc(interval(u.score_lo95, u.score_hi95, "", { digits: 2 }))}</td>
      <td class="num" data-testid="ix-rank">${u.rank == null ? "—" : figButton(String(u.rank), u.rank_obs_id)}</td>
      <td class="num">${u.rank_lo80 == null ? "—" : esc(`[${u.rank_lo80}, ${u.rank_hi80}]`)}</td>
      <td class="num">${u.rank_lo95 == null ? "—" : esc(`[${u.rank_lo95}, ${u.rank_hi95}]`)}</td></tr>`;
}
