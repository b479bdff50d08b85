// Every figure of the market in one table, filtered by text and by kind (stated in a report, derived, a
// model's forecast), a page at a time. The filter redraws the table only, so the text box keeps its focus.
import { $, PAGE, state, t } from "./state.js";
import { esc, figButton, statusBadge } from "./html.js";
import { dimsText, indName } from "./names.js";
import { printed } from "./format.js";
import { heading, periodLabel } from "./glossary.js";

/** The section's markup: heading, filters and the (empty) table that `wireAllFigures` fills. */
export function allFiguresSection() {
  const s = t();
  const kinds = [["stated", s.kindStated], ["derived", s.kindDerived], ["model", s.kindModel], ["all", s.kindAll]];
  return `<h2>${esc(s.allFigures)}</h2>
    <p class="note">${esc(s.allFiguresNote)}</p>
    <div class="filters">
      <label>${esc(s.filter)} <input type="search" id="fig-filter" value="${esc(state.text)}" placeholder="${esc(s.filterPlaceholder)}"></label>
      <select id="fig-kind">${kinds
        .map(([k, l]) => `<option value="${k}"${k === state.kind ? " selected" : ""}>${esc(l)}</option>`).join("")}</select>
    </div>
    <div id="fig-table"></div>`;
}

/** Fill the table with the market's figures `rows` and let the filters redraw it. */
export function wireAllFigures(rows) {
  renderFigureTable(rows);
  $("#fig-filter").addEventListener("input", (e) => { state.text = e.target.value; state.page = 1; renderFigureTable(rows); });
  $("#fig-kind").addEventListener("change", (e) => { state.kind = e.target.value; state.page = 1; renderFigureTable(rows); });
}

/** How the table groups a figure, from its stored kind: what a source states, what the analysis computed,
 * what sectorscope projects (an assessment recorded through the API is a judgement, shown with the model's). */
const GROUP = { stated: "stated", derived: "derived", tier_summary: "derived", model_forecast: "model",
  scenario_projection: "model" };
const kindOf = (o) => (o.kind === "assessment" ? (o.status === "derived" ? "derived" : "model") : GROUP[o.kind] || "stated");

/** The rows the filters let through, by indicator name, dimensions, period and id. */
function picked(rows) {
  const needle = state.text.trim().toLowerCase();
  return rows.filter((o) => (state.kind === "all" || kindOf(o) === state.kind)
    && (!needle || `${indName(o.indicator)} ${o.indicator} ${dimsText(o)} ${o.period} ${periodLabel(o.period)} ${o.location || ""}`.toLowerCase().includes(needle)))
    .sort((a, b) => indName(a.indicator).localeCompare(indName(b.indicator)) || dimsText(a).localeCompare(dimsText(b))
      || String(a.period).localeCompare(String(b.period)) || a.obs_id - b.obs_id);
}

function renderFigureTable(rows) {
  const s = t();
  const list = picked(rows);
  const pages = Math.max(1, Math.ceil(list.length / PAGE));
  state.page = Math.min(state.page, pages);
  const shown = list.slice((state.page - 1) * PAGE, state.page * PAGE);
  const body = shown.map((o) => `<tr>
      <td>${esc(indName(o.indicator))}</td><td>${esc(dimsText(o))}</td><td class="num">${esc(periodLabel(o.period))}</td>
      <td class="num">${figButton(printed(o), o.obs_id)}</td><td>${statusBadge(o.status)}</td>
      <td class="small nowrap">${esc(o.source_id)}</td><td class="small">${esc(o.location || "")}</td></tr>`).join("");
  $("#fig-table").innerHTML = `<table class="data" data-testid="figure-table"><thead><tr>
      <th>${esc(heading("indicator"))}</th><th>${esc(heading("dimensions"))}</th><th>${esc(heading("period"))}</th><th>${esc(heading("value"))}</th>
      <th>${esc(heading("status"))}</th><th>${esc(heading("source"))}</th><th>${esc(heading("location"))}</th></tr></thead>
      <tbody>${body}</tbody></table>
    <div class="pager"><span class="muted">${esc(s.rows(shown.length, list.length))} · ${esc(s.page(state.page, pages))}</span>
      <button type="button" data-page="-1"${state.page <= 1 ? " disabled" : ""}>${esc(s.prev)}</button>
      <button type="button" data-page="1"${state.page >= pages ? " disabled" : ""}>${esc(s.next)}</button></div>`;
  for (const b of document.querySelectorAll("#fig-table [data-page]")) {
    b.addEventListener("click", () => { state.page += Number(b.dataset.page); renderFigureTable(rows); });
  }
}
