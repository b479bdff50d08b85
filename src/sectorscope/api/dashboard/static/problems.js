// A refused request is shown, never swallowed: the view it belongs to shows the API's problem+json detail in
// place, and the banner above lists the others until dismissed.
import * as api from "./api.js";
import { $, data, state, t } from "./state.js";
import { esc } from "./html.js";

// the error each view shows in place (the banner lists the others)
const INLINE = { overview: "observations", forecast: "forecasts", elasticity: "elasticity", trl: "trl",
  indices: "indices", trade: "observations", audit: "findings", changes: "diff" };

/** `fn()`'s answer, or null with the error kept under `key` for the page to show. */
export async function attempt(key, fn) {
  try {
    const out = await fn();
    delete data.errors[key];
    return out;
  } catch (err) {
    data.errors[key] = err instanceof api.ApiError ? err : new api.ApiError("", 0, "error", String(err));
    console.warn(`sectorscope: ${key}`, err); // a warning, not an error: the page shows it
    return null;
  }
}

/** The error kept under `key`, as a box in its view (nothing when there is none). */
export function errorBox(key) {
  const e = data.errors[key];
  if (!e) return "";
  return `<div class="problem" data-testid="problem"><b>${esc(t().requestFailed(e.url, `${e.status} ${e.title}`))}</b>`
    + `<p>${esc(e.detail)}</p></div>`;
}

/** The banner: every kept error but the one the current view shows in place. */
export function showErrors() {
  const box = $("#errors");
  const list = Object.entries(data.errors).filter(([key, e]) => e && key !== INLINE[state.view]);
  box.innerHTML = list.map(([key, e]) =>
    `<div class="problem" data-testid="problem" data-key="${esc(key)}"><b>${esc(t().error)}:</b> `
    + `${esc(t().requestFailed(e.url, `${e.status} ${e.title}`))} — <span class="detail">${esc(e.detail)}</span>`
    + ` <button type="button" class="linkish" data-dismiss="${esc(key)}">${esc(t().dismiss)}</button></div>`).join("");
}

/** Forget the error kept under `key` and redraw the banner. */
export function dismiss(key) {
  delete data.errors[key];
  showErrors();
}
