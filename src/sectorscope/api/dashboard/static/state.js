// What the page shows and what it knows, in one place. The choices (language, market, view, series, index,
// vintage, trade grain, open figure) live in the URL (?lang=en&market=成像仪&view=forecast&series=…&since=2&fig=440), so
// a view can be bookmarked and shared; the API's answers, once loaded, live in `data`.
import { STRINGS } from "./i18n.js";

export const VIEWS = ["overview", "forecast", "elasticity", "trl", "indices", "trade", "audit", "changes"];
export const DIMS = ["subject", "region", "product", "application", "company", "country", "tier", "scenario"];
// how a forecast series is keyed (monitor.alerts.SERIES_DIMS)
export const SERIES_DIMS = DIMS.filter((d) => d !== "scenario");
export const EXTRA_DIMS = ["product", "application", "company", "country", "tier", "scenario"];
export const PAGE = 50; // rows per page of a table

export const state = { lang: "zh", market: null, view: "overview", series: null, index: null, since: null, fig: null,
  text: "", kind: "stated", page: 1, change: "", cpage: 1, grain: "year" };
export const data = { errors: {}, figCache: new Map(), diffs: new Map() };

export const $ = (sel, root = document) => root.querySelector(sel);
/** The UI strings in the page's language. */
export const t = () => STRINGS[state.lang];

/** The state the URL holds. */
export function readUrl() {
  const q = new URLSearchParams(window.location.search);
  state.lang = q.get("lang") === "en" ? "en" : "zh";
  state.market = q.get("market");
  state.view = VIEWS.includes(q.get("view")) ? q.get("view") : "overview";
  state.series = q.get("series");
  state.index = q.get("index");
  state.since = q.get("since");
  state.grain = q.get("grain") === "quarter" ? "quarter" : "year";
  state.fig = q.get("fig") ? Number(q.get("fig")) : null;
}

/** The URL of the state (a new history entry with `push`, else the current one replaced). */
export function writeUrl(push = false) {
  const q = new URLSearchParams();
  if (state.lang !== "zh") q.set("lang", state.lang);
  if (state.market) q.set("market", state.market);
  if (state.view !== "overview") q.set("view", state.view);
  if (state.view === "forecast" && state.series) q.set("series", state.series);
  if (state.view === "indices" && state.index) q.set("index", state.index);
  if (state.view === "changes" && state.since) q.set("since", state.since);
  if (state.view === "trade" && state.grain === "quarter") q.set("grain", state.grain);
  if (state.fig) q.set("fig", String(state.fig));
  const url = `${window.location.pathname}${q.toString() ? `?${q}` : ""}`;
  if (push) window.history.pushState(null, "", url);
  else window.history.replaceState(null, "", url);
}

// How the page is drawn is app.js's to say; a view that changes the state asks for it through `render`.
let drawPage = () => {};

/** Draw the page again from the state. */
export function render() {
  drawPage();
}

/** Set how the page is drawn (app.js, once). */
export function setRender(draw) {
  drawPage = draw;
}
