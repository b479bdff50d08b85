// What changed in the market since a vintage (the one before the latest by default): how many figures are
// new, revised or withdrawn, and each with its old and new value side by side. The diff is read from the
// API when the view opens, once per vintage; the vintage picked is kept in the URL.
import * as api from "./api.js";
import { $, PAGE, data, render, state, t, writeUrl } from "./state.js";
import { empty, esc, figButton } from "./html.js";
import { dimsText, indName } from "./names.js";
import { attempt, errorBox, showErrors } from "./problems.js";
import { signedPercent } from "./format.js";
import { heading, periodLabel, term } from "./glossary.js";

const KINDS = ["new", "revised", "withdrawn"];

export async function changes(root) {
  const s = t();
  const vs = data.vintages || [];
  if (vs.length < 2 && !state.since) {
    root.innerHTML = errorBox("vintages") + `<h2>${esc(s.changesTitle)}</h2>` + empty(s.onlyOneVintage);
    return;
  }
  const latest = vs.length ? vs[vs.length - 1].vintage_id : null;
  if (!state.since) state.since = String(vs.length >= 2 ? vs[vs.length - 2].vintage_id : 1);
  root.innerHTML = `<h2>${esc(s.changesTitle)} · ${esc(state.market || "")}</h2>
    <div class="filters"><label>${esc(s.since)} <select id="since-pick" data-testid="since-pick">${sinceOptions(vs, latest).join("")}</select></label>
      <span class="muted">${esc(s.until)} v${esc(latest ?? "—")}</span></div>
    <p class="note">${esc(s.changesNote)}</p><div id="diff-body"><p class="loading">${esc(s.loading)}</p></div>`;
  $("#since-pick").addEventListener("change", (e) => { state.since = e.target.value; state.cpage = 1; writeUrl(); render(); });
  const since = state.since;
  const diff = await diffSince(since);
  if (state.view !== "changes" || state.since !== since || !document.body.contains(root)) return; // moved on meanwhile
  const body = $("#diff-body");
  if (!diff) { body.innerHTML = errorBox("diff"); return; }
  showDiff(body, diff);
}

/** The vintages to compare with (all but the latest), and the URL's own choice when it names none of them. */
function sinceOptions(vs, latest) {
  const options = vs.filter((v) => v.vintage_id !== latest).map((v) =>
    `<option value="${v.vintage_id}"${String(v.vintage_id) === state.since ? " selected" : ""}>v${v.vintage_id} · ${esc(v.label || "")} · ${esc(v.loaded_at.slice(0, 10))}</option>`);
  if (!vs.some((v) => String(v.vintage_id) === state.since)) {
    options.unshift(`<option value="${esc(state.since)}" selected>${esc(state.since)}</option>`);
  }
  return options;
}

/** The diff from vintage `since` to the latest (read once, then kept); null when the API refused it. */
async function diffSince(since) {
  let diff = data.diffs.get(since);
  if (!diff) {
    diff = await attempt("diff", () => api.allChanges(since));
    if (diff) data.diffs.set(since, diff);
    showErrors();
  }
  return diff;
}

function showDiff(body, diff) {
  const s = t();
  const mine = diff.changes.filter((c) => c.subject === state.market);
  const picked = mine.filter((c) => !state.change || c.change === state.change);
  const pages = Math.max(1, Math.ceil(picked.length / PAGE));
  state.cpage = Math.min(state.cpage, pages);
  const shown = picked.slice((state.cpage - 1) * PAGE, state.cpage * PAGE);
  body.innerHTML = `${counts(diff, mine)}
    <div class="filters"><select id="change-pick"><option value="">${esc(s.kindAll)}</option>${KINDS.map((k) =>
      `<option value="${k}"${state.change === k ? " selected" : ""}>${esc(term("change", k))}</option>`).join("")}</select></div>
    ${picked.length ? `<table class="data compact" data-testid="diff-table"><thead><tr><th>${esc(heading("change"))}</th>
      <th>${esc(heading("indicator"))}</th><th>${esc(heading("dimensions"))}</th><th>${esc(heading("period"))}</th><th>${esc(heading("old_value"))}</th>
      <th>${esc(heading("new_value"))}</th><th>${esc(heading("pct_change"))}</th><th>${esc(heading("source"))}</th></tr></thead><tbody>${shown.map(changeRow).join("")}</tbody></table>
    <div class="pager"><span class="muted">${esc(s.rows(shown.length, picked.length))} · ${esc(s.page(state.cpage, pages))}</span>
      <button type="button" data-cpage="-1"${state.cpage <= 1 ? " disabled" : ""}>${esc(s.prev)}</button>
      <button type="button" data-cpage="1"${state.cpage >= pages ? " disabled" : ""}>${esc(s.next)}</button></div>`
    : empty(s.noChanges)}`;
  $("#change-pick").addEventListener("change", (e) => { state.change = e.target.value; state.cpage = 1; render(); });
  for (const b of body.querySelectorAll("[data-cpage]")) {
    b.addEventListener("click", () => { state.cpage += Number(b.dataset.cpage); render(); });
  }
}

/** The counts of the whole diff by kind, the vintages compared, and how many changes are the market's. */
function counts(diff, mine) {
  const s = t();
  return `<div class="counts" data-testid="diff-counts">
      ${KINDS.map((k) => `<div class="count ch-${k}" data-change="${k}"><span class="n" data-testid="count-${k}">${diff.counts[k] ?? 0}</span>
        <span class="muted">${esc(term("change", k))}</span></div>`).join("")}
      <div class="count"><span class="n">v${esc(diff.since_vintage ?? "—")} → v${esc(diff.until_vintage)}</span>
        <span class="muted" data-testid="diff-market-count">${esc(s.ofMarket(mine.length))}</span></div></div>`;
}

function changeRow(c) {
  const s = t();
  return `<tr class="ch-${esc(c.change)}">
      <td><span class="badge ch-${esc(c.change)}">${esc(term("change", c.change))}</span></td>
      <td>${esc(indName(c.indicator))}</td><td>${esc(dimsText(c))}</td><td class="num">${esc(periodLabel(c.period))}</td>
      <td class="num">${c.printed_old != null ? figButton(c.printed_old, c.obs_id_old) : "—"}</td>
      <td class="num">${c.printed_new != null ? figButton(c.printed_new, c.obs_id_new) : "—"}</td>
      <td class="num">${esc(signedPercent(c.pct_change, 1))}</td><td class="small nowrap">${esc(c.source_id)}</td></tr>`;
}
