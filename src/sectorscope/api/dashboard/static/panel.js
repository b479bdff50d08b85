// The figure panel: what every figure on the page opens — its value as printed, the quote and where it
// stands in its source, its dimensions, interval, formula and method, and for a derived figure its inputs,
// each with its own quote (and a button to open it in turn); for a figure computed from a record set, the customs
// lines behind it (/api/records/lines?figure=…, the first page) with the share of each line that counts.
import * as api from "./api.js";
import { $, DIMS, PAGE, data, state, t, writeUrl } from "./state.js";
import { esc, figButton, statusBadge } from "./html.js";
import { indName } from "./names.js";
import { attempt, errorBox, showErrors } from "./problems.js";
import { grouped, interval, printed, significant } from "./format.js";
import { heading, periodLabel, qualifierName, unitLabel } from "./glossary.js";
import { fromRecords } from "./trade.js";

/** Open the panel on figure `obsId` (read from /api/observations/{id} once); `alsoIds` state the same value. */
export async function openFigure(obsId, alsoIds = []) {
  state.fig = obsId;
  writeUrl();
  const panel = $("#panel");
  const body = $("#panel-body");
  panel.hidden = false;
  panel.dataset.obs = String(obsId);
  body.innerHTML = `<p class="loading">${esc(t().loading)}</p>`;
  let detail = data.figCache.get(obsId);
  if (!detail) {
    detail = await attempt("figure", () => api.get(`/observations/${obsId}`));
    if (detail) data.figCache.set(obsId, detail);
    showErrors();
  }
  if (state.fig !== obsId) return; // another figure was opened meanwhile
  if (!detail) { body.innerHTML = errorBox("figure"); return; }
  const records = fromRecords(detail.observation);
  panel.classList.toggle("wide", records);
  renderPanel(detail, alsoIds.filter((i) => i !== obsId));
  if (records) await showLines(obsId);
}

/** The first page of the customs lines behind records figure `obsId`, read once, as a table in the panel. */
async function showLines(obsId) {
  const key = `lines:${obsId}`;
  let page = data.figCache.get(key);
  if (!page) {
    page = await attempt("lines", () => api.get("/records/lines", { figure: obsId, limit: PAGE }));
    if (page) data.figCache.set(key, page);
  }
  const box = $("#panel-lines");
  if (state.fig !== obsId || !box) return; // another figure was opened meanwhile
  if (!page) {
    box.innerHTML = errorBox("lines");
    delete data.errors.lines; // shown here, in place: not in the banner as well
    return;
  }
  box.innerHTML = linesHtml(obsId, page);
  box.dataset.total = String(page.total);
}

function linesHtml(obsId, page) {
  const s = t();
  const c = s.linesCols;
  const rows = page.items.map((l) => `<tr data-testid="line-row" data-value="${esc(l.value)}" data-share="${esc(l.share ?? "")}">
      <td class="num">${esc(`${l.year}-${String(l.month).padStart(2, "0")}`)}</td><td>${esc(s.flows[l.flow] || l.flow)}</td>
      <td class="num">${esc(l.hs_code)}</td><td>${esc(l.partner_iso3 || "")}${l.partner_code ? ` <span class="muted">${esc(l.partner_code)}</span>` : ""}</td>
      <td class="num">${esc(l.province || "")}</td><td class="num">${esc(grouped(l.value))} <span class="muted">${esc(l.currency)}</span></td>
      <td class="num">${esc(l.share ?? "")}</td></tr>`).join("");
  return `<h3>${esc(s.linesTitle)}</h3>
    <p class="small" data-testid="lines-total">${esc(s.linesTotal(page.total, page.count))} ·
      <a href="/api/records/lines?figure=${obsId}&amp;limit=${PAGE}">${esc(s.json)}</a></p>
    <p class="small muted">${esc(s.linesNote)}</p>
    ${page.items.length ? `<table class="data lines" data-testid="panel-lines-table"><thead><tr><th>${esc(c.month)}</th><th>${esc(c.flow)}</th>
      <th>${esc(c.hs)}</th><th>${esc(c.partner)}</th><th>${esc(c.province)}</th><th>${esc(c.value)}</th><th>${esc(c.share)}</th></tr></thead>
      <tbody>${rows}</tbody></table>` : `<p class="muted">${esc(s.linesNone)}</p>`}`;
}

/** A chart's click handler: the clicked point's figure, when it has one. */
export function openClicked(p) {
  if (p.data && p.data.obs_id) openFigure(p.data.obs_id);
}

export function closePanel() {
  $("#panel").hidden = true;
  $("#panel").classList.remove("wide");
  state.fig = null;
  writeUrl();
}

function renderPanel(detail, alsoIds) {
  const s = t();
  const o = detail.observation;
  const inputs = inputList(detail.inputs);
  $("#panel-title").textContent = s.panelTitle;
  $("#panel-body").innerHTML = `
    <p class="panel-ind"><b>${esc(indName(o.indicator))}</b> <span class="muted">${esc(periodLabel(o.period))}</span></p>
    <p class="big" data-testid="panel-value">${esc(printed(o))}</p>
    <p>${statusBadge(o.status)} <span class="muted">${esc(detail.current ? s.current : s.replaced)}</span></p>
    ${o.quote != null ? `<h3>${esc(s.quote)}</h3><blockquote class="quote" lang="zh" data-testid="quote">${esc(o.quote)}</blockquote>` : `<p class="muted" data-testid="quote-none">${esc(s.noQuote)}</p>`}
    <dl>
      ${facts(o, detail.source).join("\n      ")}
    </dl>
    ${alsoIds.length ? `<p class="small">${esc(s.sameValueAlso)}: ${alsoIds.map((i) => `<button type="button" class="linkish" data-obs="${i}">#${i}</button>`).join(" ")}</p>` : ""}
    ${inputs ? `<h3>${esc(s.inputs)}</h3><ul class="inputs">${inputs}</ul>` : ""}
    ${fromRecords(o) ? `<section id="panel-lines" data-testid="panel-lines"><p class="loading">${esc(s.loading)}</p></section>` : ""}`;
}

// one term of the panel's list; nothing when the figure has no such fact
const row = (k, v, attrs = "") => (v == null || v === "" ? "" : `<dt>${esc(k)}</dt><dd${attrs}>${v}</dd>`);

/** The panel's facts about figure `o` of source `src`, in the panel's order. */
function facts(o, src) {
  const s = t();
  const dims = DIMS.filter((d) => o[d] != null).map((d) => `${esc(s.dims[d])}: ${esc(o[d])}`).join("<br>");
  const unit = o.unit || "";
  // an interval as the report's footnote shows it: both ends in one display unit, thousands separated
  const within = (lo, hi) => (lo != null && hi != null ? esc(interval(lo, hi, unit, { grouping: true })) : "");
  const canonical = (v) => significant(v, 6, true);
  return [
    row(s.sourceDoc, sourceText(o, src), ' data-testid="panel-source"'),
    row(s.location, esc(o.location), ' data-testid="panel-location"'),
    row(heading("dimensions"), dims),
    row(s.canonical, o.value == null ? "" : `${esc(canonical(o.value))}${o.value_high != null ? `–${esc(canonical(o.value_high))}` : ""} ${esc(unitLabel(unit))}`),
    row(s.qualifierLabel, esc(qualifierName(o.qualifier))),
    row(s.interval80, within(o.lo80, o.hi80)),
    row(s.interval95, within(o.lo95, o.hi95)),
    row(s.bounds, within(o.bound_low, o.bound_high)),
    row(s.formula, o.formula ? `<code>${esc(o.formula)}</code>` : ""),
    row(s.method, esc(o.method)),
    row(s.inputVintage, o.input_vintage != null ? `v${esc(o.input_vintage)}` : ""),
    row(s.basis, esc(o.basis)),
    row(s.note, esc(o.note)),
    row(s.obsId, `#${o.obs_id} · v${esc(o.vintage_id)} · <a href="/api/observations/${o.obs_id}">${esc(s.json)}</a>`),
  ];
}

/** The source's title (in the page's language), publisher and date; its id when the API sent no source. */
function sourceText(o, src) {
  if (!src) return esc(o.source_id);
  const s = t();
  const en = state.lang === "en";
  return `${esc(en ? src.title_en || src.title : src.title || src.title_en)}`
    + `${src.publisher ? `<br><span class="muted">${esc(src.publisher)}</span>` : ""}`
    + `${src.published ? `<br><span class="muted">${esc(s.published)} ${esc(src.published)}</span>` : ""}`;
}

/** A derived figure's inputs, each a figure button with its quote. */
function inputList(inputs) {
  return inputs.map((f) => `<li>${figButton(printed(f), f.obs_id)}
      <span class="muted">${esc(indName(f.indicator))} · ${esc(periodLabel(f.period))} · ${esc(f.source_id)}</span>
      ${f.quote ? `<blockquote lang="zh">${esc(f.quote)}</blockquote>` : ""}</li>`).join("");
}
