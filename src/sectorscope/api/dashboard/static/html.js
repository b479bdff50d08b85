// Markup every view shares: text escaped for HTML, a figure as a button that opens its source, a status
// badge, and the note a view shows when the market has nothing for it.
import { t } from "./state.js";
import { term } from "./glossary.js";

/** Text made safe for HTML (element content and quoted attribute values). */
export const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({
  "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

/** A figure as a button that opens its source: `ids` the obs_ids stating the same printed value. */
export function figButton(text, ids, extra = "") {
  const list = (Array.isArray(ids) ? ids : [ids]).filter((x) => x != null);
  if (!list.length) return `<span class="fig-plain">${esc(text)}</span>`;
  const more = list.length > 1 ? ` <sup class="times">${esc(t().timesStated(list.length))}</sup>` : "";
  return `<button type="button" class="fig ${extra}" data-obs="${list[0]}" data-obs-all="${list.join(",")}" `
    + `data-testid="figure">${esc(text)}</button>${more}`;
}

export function statusBadge(status) {
  return `<span class="badge st-${esc(status)}">${esc(term("status", status))}</span>`;
}

/** Nothing to show: `message`, and the other markets that have something (buttons that switch to them). */
export function empty(message, markets) {
  let more = "";
  if (markets && markets.length) {
    more = `<p class="muted">${esc(t().availableIn)}${markets.map((m) =>
      `<button type="button" class="linkish" data-go-market="${esc(m)}">${esc(m)}</button>`).join(" ")}</p>`;
  }
  return `<div class="empty"><p>${esc(message)}</p>${more}</div>`;
}
