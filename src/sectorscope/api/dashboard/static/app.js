// The sectorscope dashboard: one page over the JSON API of the server that serves it. Every number it shows
// comes from an /api answer; every figure is a button that opens its source, location and quote.
// State lives in the URL (?lang=en&market=成像仪&view=forecast&series=…&since=2&fig=440).
import { STRINGS } from "./i18n.js";
import * as api from "./api.js";
import { display, fixed, interval, num, pct, printed, scaleFor, unitLabel } from "./format.js";
import { chartIn, elasticityOption, fanOption, indexOption, placeTrlCorners, trlOption, trlRange } from "./charts.js";

const VIEWS = ["overview", "forecast", "elasticity", "trl", "indices", "audit", "changes"];
const DIMS = ["subject", "region", "product", "application", "company", "country", "tier", "scenario"];
const SERIES_DIMS = DIMS.filter((d) => d !== "scenario"); // how a forecast series is keyed (monitor.alerts.SERIES_DIMS)
const EXTRA_DIMS = ["product", "application", "company", "country", "tier", "scenario"];
// The quadrant cuts of analytics.trl.quadrant (TRL ≥ 6 is high readiness, demand ≥ 0.5 high demand). /api/trl
// does not send them; if a later API does (trl_cut, demand_cut), those are used instead.
const TRL_CUTS = { trl: 6, demand: 0.5 };
// The headline indicators shown first among the key figures (a layout choice; any other indicator follows).
const HEADLINE = ["market_size", "market_size_growth", "market_size_cagr", "global_share", "domestic_share",
  "localisation_rate", "capacity_utilisation", "import_dependence", "trade_balance", "capacity", "output", "demand",
  "unit_price", "sales_volume", "wafer_demand", "inventory_days", "price_change", "rd_intensity"];
const MAX_CARDS = 12;
const PAGE = 50;

const state = { lang: "zh", market: null, view: "overview", series: null, index: null, since: null, fig: null,
  text: "", kind: "stated", page: 1, change: "", cpage: 1 };
const data = { errors: {}, figCache: new Map(), diffs: new Map() };
const $ = (sel, root = document) => root.querySelector(sel);
const t = () => STRINGS[state.lang];

// ---- helpers ------------------------------------------------------------------------------------
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({
  "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

function indName(code) {
  const ind = data.catalog && data.catalog.get(code);
  if (!ind) return code;
  return state.lang === "en" ? ind.name_en || ind.name_zh || code : ind.name_zh || ind.name_en || code;
}

function sourceTitle(id) {
  const s = data.sources && data.sources.get(id);
  if (!s) return id;
  return state.lang === "en" ? s.title_en || s.title || id : s.title || s.title_en || id;
}

function isOwn(sourceId) {
  const s = data.sources && data.sources.get(sourceId);
  return Boolean(s && s.publisher === "sectorscope");
}

function dimsText(o, skip = ["subject"]) {
  return DIMS.filter((d) => !skip.includes(d) && o[d] != null && o[d] !== "").map((d) => o[d]).join(" · ");
}

/** A figure as a button that opens its source: `ids` the obs_ids stating the same printed value. */
function figButton(text, ids, extra = "") {
  const list = (Array.isArray(ids) ? ids : [ids]).filter((x) => x != null);
  if (!list.length) return `<span class="fig-plain">${esc(text)}</span>`;
  const more = list.length > 1 ? ` <sup class="times">${esc(t().timesStated(list.length))}</sup>` : "";
  return `<button type="button" class="fig ${extra}" data-obs="${list[0]}" data-obs-all="${list.join(",")}" `
    + `data-testid="figure">${esc(text)}</button>${more}`;
}

function statusBadge(status) {
  return `<span class="badge st-${esc(status)}">${esc(t().status[status] || status)}</span>`;
}

function empty(message, markets) {
  let more = "";
  if (markets && markets.length) {
    more = `<p class="muted">${esc(t().availableIn)}${markets.map((m) =>
      `<button type="button" class="linkish" data-go-market="${esc(m)}">${esc(m)}</button>`).join(" ")}</p>`;
  }
  return `<div class="empty"><p>${esc(message)}</p>${more}</div>`;
}

function errorBox(key) {
  const e = data.errors[key];
  if (!e) return "";
  return `<div class="problem" data-testid="problem"><b>${esc(t().requestFailed(e.url, `${e.status} ${e.title}`))}</b>`
    + `<p>${esc(e.detail)}</p></div>`;
}

// the error each view shows in place (the banner lists the others)
const INLINE = { overview: "observations", forecast: "forecasts", elasticity: "elasticity", trl: "trl",
  indices: "indices", audit: "findings", changes: "diff" };

function showErrors() {
  const box = $("#errors");
  const list = Object.entries(data.errors).filter(([key, e]) => e && key !== INLINE[state.view]);
  box.innerHTML = list.map(([key, e]) =>
    `<div class="problem" data-testid="problem" data-key="${esc(key)}"><b>${esc(t().error)}:</b> `
    + `${esc(t().requestFailed(e.url, `${e.status} ${e.title}`))} — <span class="detail">${esc(e.detail)}</span>`
    + ` <button type="button" class="linkish" data-dismiss="${esc(key)}">${esc(t().dismiss)}</button></div>`).join("");
}

async function attempt(key, fn) {
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

// ---- URL state -----------------------------------------------------------------------------------
function readUrl() {
  const q = new URLSearchParams(window.location.search);
  state.lang = q.get("lang") === "en" ? "en" : "zh";
  state.market = q.get("market");
  state.view = VIEWS.includes(q.get("view")) ? q.get("view") : "overview";
  state.series = q.get("series");
  state.index = q.get("index");
  state.since = q.get("since");
  state.fig = q.get("fig") ? Number(q.get("fig")) : null;
}

function writeUrl(push = false) {
  const q = new URLSearchParams();
  if (state.lang !== "zh") q.set("lang", state.lang);
  if (state.market) q.set("market", state.market);
  if (state.view !== "overview") q.set("view", state.view);
  if (state.view === "forecast" && state.series) q.set("series", state.series);
  if (state.view === "indices" && state.index) q.set("index", state.index);
  if (state.view === "changes" && state.since) q.set("since", state.since);
  if (state.fig) q.set("fig", String(state.fig));
  const url = `${window.location.pathname}${q.toString() ? `?${q}` : ""}`;
  if (push) window.history.pushState(null, "", url);
  else window.history.replaceState(null, "", url);
}

// ---- loading -------------------------------------------------------------------------------------
async function loadAll() {
  const [health, catalog, sources, vintages, obs, forecasts, elasticity, trl, indices, findings] = await Promise.all([
    attempt("health", () => api.get("/health")),
    attempt("catalog", () => api.get("/catalog")),
    attempt("sources", () => api.get("/sources")),
    attempt("vintages", () => api.get("/vintages")),
    attempt("observations", () => api.allObservations()),
    attempt("forecasts", () => api.get("/forecasts")),
    attempt("elasticity", () => api.get("/elasticity")),
    attempt("trl", () => api.get("/trl")),
    attempt("indices", () => api.get("/indices")),
    attempt("findings", () => api.get("/audit/findings")),
  ]);
  data.health = health;
  data.catalog = new Map((catalog ? catalog.indicators : []).map((i) => [i.code, i]));
  data.sources = new Map((sources ? sources.sources : []).map((s) => [s.source_id, s]));
  data.vintages = vintages ? vintages.vintages : [];
  data.obs = obs ? obs.items : [];
  data.obsTruncated = obs ? obs.truncated : false;
  data.obsById = new Map(data.obs.map((o) => [o.obs_id, o]));
  data.forecasts = forecasts ? forecasts.series : [];
  data.elasticity = elasticity;
  data.trl = trl;
  data.indices = indices ? indices.indices : [];
  data.findings = findings;
  const counts = new Map();
  for (const o of data.obs) if (o.subject) counts.set(o.subject, (counts.get(o.subject) || 0) + 1);
  data.markets = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([m, n]) => ({ m, n }));
  if (!state.market || !counts.has(state.market)) state.market = data.markets.length ? data.markets[0].m : null;
}

// ---- shell ---------------------------------------------------------------------------------------
function renderShell() {
  const s = t();
  document.documentElement.lang = state.lang === "en" ? "en" : "zh-Hans";
  document.title = s.title;
  $("#title").textContent = s.title;
  $("#subtitle").textContent = s.subtitle;
  $("#market-label").textContent = s.market;
  $("#panel-close").setAttribute("aria-label", s.close);
  for (const b of document.querySelectorAll("[data-lang]")) b.setAttribute("aria-pressed", String(b.dataset.lang === state.lang));
  const sel = $("#market");
  sel.innerHTML = (data.markets || []).map(({ m, n }) =>
    `<option value="${esc(m)}"${m === state.market ? " selected" : ""}>${esc(m)} (${n})</option>`).join("");
  $("#tabs").innerHTML = VIEWS.map((v) =>
    `<a href="?view=${v}" data-view="${v}" data-testid="tab-${v}"${v === state.view ? ' aria-current="page"' : ""}>${esc(s.views[v])}</a>`).join("");
  const h = data.health;
  const latest = data.vintages && data.vintages.length ? data.vintages[data.vintages.length - 1] : null;
  $("#footer").innerHTML = [
    h ? `${esc(s.vintage)} v${esc(h.latest_vintage)}${latest ? ` · ${esc(s.loadedAt)} ${esc(latest.loaded_at.slice(0, 19).replace("T", " "))}` : ""} · ${esc(h.store)} · sectorscope ${esc(h.version)}` : "",
    `<a href="/api/openapi.json">OpenAPI</a>`,
    `ECharts (Apache-2.0): <a href="/static/echarts.LICENSE.txt">LICENSE</a> · <a href="/static/echarts.NOTICE.txt">NOTICE</a>`,
  ].filter(Boolean).join(" · ");
  showErrors();
}

function render() {
  renderShell();
  const main = $("#main");
  for (const el of main.querySelectorAll(".chart")) {
    const c = window.echarts.getInstanceByDom(el);
    if (c) c.dispose();
  }
  if (!state.market && state.view !== "changes") {
    main.innerHTML = errorBox("observations") + empty(t().emptyMarket);
    return;
  }
  const views = { overview, forecast, elasticity, trl, indices, audit, changes };
  main.innerHTML = `<section class="view" data-view="${state.view}" data-testid="view-${state.view}"></section>`;
  views[state.view]($(".view", main));
}

// ---- key figures and all figures -----------------------------------------------------------------
function marketObs() {
  return data.obs.filter((o) => o.subject === state.market);
}

function keyFigures(rows) {
  const stated = rows.filter((o) => !isOwn(o.source_id) && (o.status === "actual" || o.status === "estimate")
    && EXTRA_DIMS.every((d) => o[d] == null));
  const regions = new Map();
  for (const o of stated) regions.set(o.region, (regions.get(o.region) || 0) + 1);
  // the market's own level: 中国 where the market states national figures, else its most common region
  const main = regions.has("中国") ? "中国" : [...regions.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const byInd = new Map();
  for (const o of stated.filter((x) => x.region === main)) {
    if (!byInd.has(o.indicator)) byInd.set(o.indicator, []);
    byInd.get(o.indicator).push(o);
  }
  const cards = [];
  for (const [code, list] of byInd) {
    const latest = list.map((o) => o.period).sort().at(-1);
    const same = list.filter((o) => o.period === latest).sort((a, b) => a.obs_id - b.obs_id);
    const byText = new Map();
    for (const o of same) {
      const p = printed(o);
      if (!byText.has(p)) byText.set(p, []);
      byText.get(p).push(o);
    }
    const values = [...byText.entries()].map(([text, os]) => ({ text, ids: os.map((o) => o.obs_id), rows: os }));
    const rank = HEADLINE.indexOf(code);
    cards.push({ code, period: latest, region: main, values, rank: rank < 0 ? HEADLINE.length : rank });
  }
  cards.sort((a, b) => a.rank - b.rank || a.code.localeCompare(b.code)); // the same cards in either language
  return cards.slice(0, MAX_CARDS);
}

function overview(root) {
  const s = t();
  const rows = marketObs();
  const cards = keyFigures(rows);
  const cardHtml = cards.map((c) => {
    const [first, ...rest] = c.values;
    const conflict = c.values.length > 1;
    return `<article class="card${conflict ? " conflict" : ""}" data-testid="key-figure" data-indicator="${esc(c.code)}">
      <h3>${esc(indName(c.code))}</h3>
      <p class="meta">${esc(c.region)} · ${esc(c.period)}${conflict ? ` <span class="badge warn">${esc(s.conflict)}</span>` : ""}</p>
      <p class="big">${figButton(first.text, first.ids)}</p>
      <p class="src muted">${esc(sourceTitle(first.rows[0].source_id))}</p>
      ${rest.length ? `<p class="also"><span class="muted">${esc(s.alsoStated)}:</span> ${rest.map((v) => figButton(v.text, v.ids)).join(" ")}</p>` : ""}
    </article>`;
  }).join("");
  root.innerHTML = `${errorBox("observations")}
    <h2>${esc(s.keyFigures)} · ${esc(state.market)}</h2>
    <p class="note">${esc(s.keyFiguresNote)}</p>
    <div class="cards">${cardHtml || empty(s.emptyMarket)}</div>
    <h2>${esc(s.allFigures)}</h2>
    <p class="note">${esc(s.allFiguresNote)}</p>
    <div class="filters">
      <label>${esc(s.filter)} <input type="search" id="fig-filter" value="${esc(state.text)}" placeholder="${esc(s.filterPlaceholder)}"></label>
      <select id="fig-kind">${[["stated", s.kindStated], ["derived", s.kindDerived], ["model", s.kindModel], ["all", s.kindAll]]
        .map(([k, l]) => `<option value="${k}"${k === state.kind ? " selected" : ""}>${esc(l)}</option>`).join("")}</select>
    </div>
    <div id="fig-table"></div>`;
  renderFigureTable(rows);
  $("#fig-filter").addEventListener("input", (e) => { state.text = e.target.value; state.page = 1; renderFigureTable(rows); });
  $("#fig-kind").addEventListener("change", (e) => { state.kind = e.target.value; state.page = 1; renderFigureTable(rows); });
}

function renderFigureTable(rows) {
  const s = t();
  const kindOf = (o) => (o.status === "derived" ? "derived" : isOwn(o.source_id) ? "model" : "stated");
  const needle = state.text.trim().toLowerCase();
  const picked = rows.filter((o) => (state.kind === "all" || kindOf(o) === state.kind)
    && (!needle || `${indName(o.indicator)} ${o.indicator} ${dimsText(o)} ${o.period} ${o.location || ""}`.toLowerCase().includes(needle)))
    .sort((a, b) => indName(a.indicator).localeCompare(indName(b.indicator)) || dimsText(a).localeCompare(dimsText(b))
      || String(a.period).localeCompare(String(b.period)) || a.obs_id - b.obs_id);
  const pages = Math.max(1, Math.ceil(picked.length / PAGE));
  state.page = Math.min(state.page, pages);
  const shown = picked.slice((state.page - 1) * PAGE, state.page * PAGE);
  const body = shown.map((o) => `<tr>
      <td>${esc(indName(o.indicator))}</td><td>${esc(dimsText(o))}</td><td class="num">${esc(o.period)}</td>
      <td class="num">${figButton(printed(o), o.obs_id)}</td><td>${statusBadge(o.status)}</td>
      <td class="small nowrap">${esc(o.source_id)}</td><td class="small">${esc(o.location || "")}</td></tr>`).join("");
  $("#fig-table").innerHTML = `<table class="data" data-testid="figure-table"><thead><tr>
      <th>${esc(s.cols.indicator)}</th><th>${esc(s.cols.dims)}</th><th>${esc(s.cols.period)}</th><th>${esc(s.cols.value)}</th>
      <th>${esc(s.cols.status)}</th><th>${esc(s.cols.source)}</th><th>${esc(s.cols.location)}</th></tr></thead>
      <tbody>${body}</tbody></table>
    <div class="pager"><span class="muted">${esc(s.rows(shown.length, picked.length))} · ${esc(s.page(state.page, pages))}</span>
      <button type="button" data-page="-1"${state.page <= 1 ? " disabled" : ""}>${esc(s.prev)}</button>
      <button type="button" data-page="1"${state.page >= pages ? " disabled" : ""}>${esc(s.next)}</button></div>`;
  for (const b of document.querySelectorAll("#fig-table [data-page]")) {
    b.addEventListener("click", () => { state.page += Number(b.dataset.page); renderFigureTable(rows); });
  }
}

// ---- forecasts -----------------------------------------------------------------------------------
function seriesKey(sr) {
  return [sr.indicator, ...SERIES_DIMS.map((d) => sr.dims[d] || "")].join("|");
}

function seriesLabel(sr) {
  const dims = SERIES_DIMS.filter((d) => d !== "subject" && sr.dims[d]).map((d) => sr.dims[d]).join(" · ");
  return `${indName(sr.indicator)}${dims ? ` — ${dims}` : ""}`;
}

function buildFan(sr) {
  const sameKey = (o) => o.indicator === sr.indicator && SERIES_DIMS.every((d) => (o[d] || null) === (sr.dims[d] || null));
  const stated = data.obs.filter((o) => sameKey(o) && !o.scenario && !isOwn(o.source_id)
    && (o.status === "actual" || o.status === "estimate") && /^\d{4}$/.test(o.period));
  const asPoint = (r) => ({ year: r.period, value: r.value, obs_id: r.obs_id, printed: printed(r), source_id: r.source_id,
    location: r.location });
  const history = sr.history.filter((h) => h.value != null);
  const reported = sr.reported.filter((r) => r.value != null && /^\d{4}$/.test(r.period)).map(asPoint);
  const scenarios = sr.scenarios.filter((r) => r.value != null && /^\d{4}$/.test(r.period)).map(asPoint);
  const statedPts = stated.map(asPoint);
  const seen = [...history.map((h) => h.period), ...sr.points.map((p) => p.period), ...reported.map((r) => r.year),
    ...statedPts.map((r) => r.year)].map(Number);
  const years = [];
  for (let y = Math.min(...seen); y <= Math.max(...seen); y += 1) years.push(String(y)); // every year, gaps shown as gaps
  const at = (list, key) => years.map((y) => { const p = list.find((x) => x.period === y); return p ? p[key] : null; });
  const values = [...sr.points.map((p) => p.hi95), ...history.map((h) => h.value), ...reported.map((r) => r.value),
    ...statedPts.map((r) => r.value)];
  const [factor, unit] = scaleFor(sr.unit, values);
  const rows = {};
  for (const y of years) {
    const h = history.filter((x) => x.period === y);
    const p = sr.points.find((x) => x.period === y);
    rows[y] = { observed: h.length ? h[0].value : null, history: h, point: p || null,
      mean: p ? p.value : null, lo80: p ? p.lo80 : null, hi80: p ? p.hi80 : null, lo95: p ? p.lo95 : null,
      hi95: p ? p.hi95 : null, reported: reported.filter((r) => r.year === y), stated: statedPts.filter((r) => r.year === y) };
  }
  return { years, factor, unit, rows, reported, stated: statedPts, scenarios,
    history: at(history, "value"), mean: at(sr.points, "value"), lo80: at(sr.points, "lo80"),
    hi80: at(sr.points, "hi80"), lo95: at(sr.points, "lo95"), hi95: at(sr.points, "hi95") };
}

function forecast(root) {
  const s = t();
  const list = data.forecasts.filter((sr) => sr.dims.subject === state.market)
    .sort((a, b) => (a.indicator !== "market_size") - (b.indicator !== "market_size")
      || Object.keys(a.dims).length - Object.keys(b.dims).length || seriesLabel(a).localeCompare(seriesLabel(b)));
  if (!list.length) {
    const others = [...new Set(data.forecasts.map((sr) => sr.dims.subject))].filter(Boolean);
    root.innerHTML = errorBox("forecasts") + `<h2>${esc(s.fanTitle)}</h2>` + empty(s.noForecasts, others);
    return;
  }
  let sr = list.find((x) => seriesKey(x) === state.series);
  if (!sr) { sr = list[0]; state.series = seriesKey(sr); }
  const fan = buildFan(sr);
  const u = unitLabel(fan.unit, state.lang);
  const cell = (v) => (v == null ? "—" : num(v / fan.factor));
  const filled = fan.years.filter((y) => {
    const r = fan.rows[y];
    return r.history.length || r.point || r.reported.length || r.stated.length;
  });
  const rowsHtml = filled.map((y) => {
    const r = fan.rows[y];
    const obs = r.history.length ? figButton(r.history[0].printed, r.history.map((h) => h.obs_id)) : "—";
    const mean = r.point ? figButton(cell(r.mean), r.point.obs_id) : "—";
    const rep = r.reported.map((x) => figButton(x.printed, x.obs_id)).join(" ") || "—";
    const used = new Set(r.history.map((h) => h.obs_id));
    const other = r.stated.filter((x) => !used.has(x.obs_id)).map((x) => figButton(x.printed, x.obs_id)).join(" ") || "—";
    return `<tr data-year="${esc(y)}"><td class="num">${esc(y)}</td><td class="num">${obs}</td>
      <td class="num" data-testid="fc-mean" data-value="${r.mean ?? ""}">${mean}</td>
      <td class="num">${r.point ? esc(interval(r.lo80, r.hi80, fan.factor)) : "—"}</td>
      <td class="num">${r.point ? esc(interval(r.lo95, r.hi95, fan.factor)) : "—"}</td><td>${rep}</td><td>${other}</td></tr>`;
  }).join("");
  root.innerHTML = `${errorBox("forecasts")}
    <h2>${esc(s.fanTitle)} · ${esc(state.market)}</h2>
    <div class="filters"><label>${esc(s.series)} <select id="series-pick" data-testid="series-pick">${list.map((x) =>
      `<option value="${esc(seriesKey(x))}"${x === sr ? " selected" : ""}>${esc(seriesLabel(x))}</option>`).join("")}</select></label></div>
    <p class="note">${esc(s.fanNote)}</p>
    <div class="chart tall" id="fan-chart" data-testid="fan-chart" data-factor="${fan.factor}" data-unit="${esc(fan.unit)}"
      data-series="${esc(seriesKey(sr))}"></div>
    <table class="data compact" data-testid="fan-table"><thead><tr><th>${esc(s.cols.year)}</th>
      <th>${esc(s.cols.observed)}</th><th>${esc(s.cols.mean)} (${esc(u)})</th><th>${esc(s.cols.i80)}</th>
      <th>${esc(s.cols.i95)}</th><th>${esc(s.cols.reported)}</th><th>${esc(s.cols.stated)}</th></tr></thead><tbody>${rowsHtml}</tbody></table>
    <p class="small muted">${esc(s.method)}: ${esc(sr.method || "")} · ${esc(s.inputVintage)} v${esc(sr.input_vintage ?? "—")}</p>`;
  chartIn($("#fan-chart"), fanOption(fan, s, u), (p) => { if (p.data && p.data.obs_id) openFigure(p.data.obs_id); });
  $("#series-pick").addEventListener("change", (e) => { state.series = e.target.value; writeUrl(); render(); });
}

// ---- elasticity ----------------------------------------------------------------------------------
function subjectOf(obsId) {
  const o = data.obsById.get(obsId);
  return o ? o.subject : null;
}

function elasticity(root) {
  const s = t();
  const e = data.elasticity;
  const items = e ? e.items.filter((it) => subjectOf(it.obs_id) === state.market) : [];
  const pe = e ? e.price_elasticities.filter((o) => o.subject === state.market) : [];
  if (!items.length && !pe.length) {
    const others = e ? [...new Set([...e.items.map((it) => subjectOf(it.obs_id)), ...e.price_elasticities.map((o) => o.subject)])].filter(Boolean) : [];
    root.innerHTML = errorBox("elasticity") + `<h2>${esc(s.elasticityTitle)}</h2>` + empty(s.noElasticity, others);
    return;
  }
  const label = (it) => (it.tier_mean ? s.tierMean(it.tier) : `${it.product}${it.tier ? ` (${it.tier})` : ""}`);
  const labels = items.map(label);
  const rows = items.map((it, i) => `<tr class="${it.tier_mean ? "mean-row" : ""}">
      <td>${esc(labels[i])}</td><td class="num" data-testid="el-index" data-value="${it.index}">${figButton(fixed(it.index, 3), it.obs_id)}</td>
      <td class="num">${esc(interval(it.low, it.high))}</td>
      <td><span class="badge rd-${esc(it.reading)}">${esc(s.reading[it.reading] || it.reading)}</span></td>
      <td class="small">${esc(it.components || "")}</td></tr>`).join("");
  const peRows = pe.map((o) => `<tr><td>${esc(dimsText(o))}</td><td class="num">${esc(o.period)}</td>
      <td class="num">${figButton(num(o.value, 3), o.obs_id)}</td><td class="small">${esc(o.formula || "")}</td></tr>`).join("");
  root.innerHTML = `${errorBox("elasticity")}
    <h2>${esc(s.elasticityTitle)} · ${esc(state.market)}</h2>
    <p class="note">${esc(s.elasticityNote(e.balanced_within))}</p>
    ${items.length ? `<div class="chart" id="el-chart" data-testid="el-chart" style="height:${Math.max(220, 46 * items.length + 60)}px"></div>
    <table class="data" data-testid="el-table"><thead><tr><th>${esc(s.cols.product)}</th><th>${esc(s.cols.index)}</th>
      <th>${esc(s.cols.interval)}</th><th>${esc(s.cols.reading)}</th><th>${esc(s.cols.components)}</th></tr></thead>
      <tbody>${rows}</tbody></table>` : ""}
    ${pe.length ? `<h3>${esc(s.priceElasticity)}</h3><table class="data compact"><thead><tr><th>${esc(s.cols.dims)}</th>
      <th>${esc(s.cols.period)}</th><th>${esc(s.cols.elasticity)}</th><th>${esc(s.cols.formula)}</th></tr></thead>
      <tbody>${peRows}</tbody></table>` : ""}`;
  if (items.length) {
    chartIn($("#el-chart"), elasticityOption(items, e.balanced_within, labels, s),
      (p) => { if (p.data && p.data.obs_id) openFigure(p.data.obs_id); });
  }
}

// ---- TRL × demand --------------------------------------------------------------------------------
function trl(root) {
  const s = t();
  const tr = data.trl;
  const items = tr ? tr.items.filter((it) => it.subject === state.market) : [];
  if (!items.length) {
    const others = tr ? [...new Set(tr.items.map((it) => it.subject))].filter(Boolean) : [];
    root.innerHTML = errorBox("trl") + `<h2>${esc(s.trlTitle)}</h2>` + empty(s.noTrl, others);
    return;
  }
  const cuts = { trl: tr.trl_cut ?? TRL_CUTS.trl, demand: tr.demand_cut ?? TRL_CUTS.demand };
  // quadrant names: the API's own advice where a technology sits in the quadrant, the UI's words otherwise
  const names = { ...s.quadrants };
  for (const it of items) {
    if (!it.boundary) names[it.quadrant] = state.lang === "en" ? it.advice_en : it.advice_zh;
  }
  const rows = items.map((it) => `<tr>
      <td>${esc(it.technology)}</td><td class="num" data-testid="trl-value">${figButton(String(it.trl), it.trl_obs_id)}</td>
      <td class="num" data-testid="trl-demand" data-value="${it.demand ?? ""}">${it.demand == null ? "—" : figButton(it.demand.toFixed(3), it.demand_obs_id)}</td>
      <td class="num">${esc(interval(it.demand_low, it.demand_high))}</td>
      <td><span class="badge q-${esc(it.quadrant)}">${esc(state.lang === "en" ? it.advice_en : it.advice_zh)}</span></td>
      <td class="quote-cell" lang="zh">${esc(it.evidence || "")}</td></tr>`).join("");
  root.innerHTML = `${errorBox("trl")}
    <h2>${esc(s.trlTitle)} · ${esc(state.market)}</h2>
    <p class="note">${esc(s.trlNote(cuts.trl, cuts.demand))}</p>
    <div class="chart tall" id="trl-chart" data-testid="trl-chart" data-trl-cut="${cuts.trl}" data-demand-cut="${cuts.demand}"></div>
    <table class="data" data-testid="trl-table"><thead><tr><th>${esc(s.cols.technology)}</th><th>${esc(s.cols.trl)}</th>
      <th>${esc(s.cols.demand)}</th><th>${esc(s.cols.interval)}</th><th>${esc(s.cols.quadrant)}</th>
      <th>${esc(s.cols.evidence)}</th></tr></thead><tbody>${rows}</tbody></table>`;
  const chart = chartIn($("#trl-chart"), trlOption(items, cuts, names, s),
    (p) => { if (p.data && p.data.obs_id) openFigure(p.data.obs_id); });
  const [xmin, xmax] = trlRange(items, cuts);
  placeTrlCorners(chart, cuts, names, xmin, xmax);
}

// ---- composite indices ---------------------------------------------------------------------------
function indices(root) {
  const s = t();
  const list = data.indices.filter((x) => x.subject === state.market);
  if (!list.length) {
    const others = [...new Set(data.indices.map((x) => x.subject))].filter(Boolean);
    root.innerHTML = errorBox("indices") + `<h2>${esc(s.indexTitle)}</h2>` + empty(s.noIndices, others);
    return;
  }
  // the regional index first: the one whose units are the regions of the store's figures
  const regions = new Set(data.obs.map((o) => o.region).filter(Boolean));
  const regional = (x) => x.units.length && x.units.every((u) => regions.has(u.label));
  list.sort((a, b) => regional(b) - regional(a) || a.index.localeCompare(b.index));
  let ix = list.find((x) => x.index === state.index);
  if (!ix) { ix = list[0]; state.index = ix.index; }
  const units = ix.units;
  const labels = units.map((u) => u.label);
  const shared = new Set();
  const seen = new Map();
  for (const u of units) {
    if (u.rank_obs_id == null) continue;
    if (seen.has(u.rank_obs_id)) shared.add(u.rank_obs_id);
    seen.set(u.rank_obs_id, u.label);
  }
  const rows = units.map((u) => `<tr${shared.has(u.rank_obs_id) ? ' class="suspect"' : ""}>
      <td>${esc(u.label)}</td><td class="num" data-testid="ix-score" data-value="${u.score ?? ""}">${figButton(num(u.score, 3), u.score_obs_id)}</td>
      <td class="num">${esc(interval(u.score_lo95, u.score_hi95))}</td>
      <td class="num" data-testid="ix-rank">${u.rank == null ? "—" : figButton(String(u.rank), u.rank_obs_id)}</td>
      <td class="num">${u.rank_lo80 == null ? "—" : esc(`[${u.rank_lo80}, ${u.rank_hi80}]`)}</td>
      <td class="num">${u.rank_lo95 == null ? "—" : esc(`[${u.rank_lo95}, ${u.rank_hi95}]`)}</td></tr>`).join("");
  root.innerHTML = `${errorBox("indices")}
    <h2>${esc(s.indexTitle)} · ${esc(state.market)}</h2>
    <div class="filters"><label>${esc(s.indexPick)} <select id="index-pick" data-testid="index-pick">${list.map((x) =>
      `<option value="${esc(x.index)}"${x === ix ? " selected" : ""}>${esc(x.title || x.index)}</option>`).join("")}</select></label></div>
    <p class="note">${esc(s.indexNote)}</p>
    <p class="small muted">${esc(ix.title || ix.index)} · ${esc(ix.period)} · ${esc(ix.method || "")}</p>
    ${shared.size ? `<div class="problem soft" data-testid="index-warning">${esc(s.dupLabels)}</div>` : ""}
    <div class="chart" id="ix-chart" data-testid="ix-chart" style="height:${Math.max(240, 40 * units.length + 80)}px"></div>
    <table class="data compact" data-testid="ix-table"><thead><tr><th>${esc(s.cols.label)}</th><th>${esc(s.cols.score)}</th>
      <th>${esc(s.cols.score95)}</th><th>${esc(s.cols.rank)}</th><th>${esc(s.cols.rank80)}</th><th>${esc(s.cols.rank95)}</th>
      </tr></thead><tbody>${rows}</tbody></table>`;
  chartIn($("#ix-chart"), indexOption(units, labels, s), (p) => { if (p.data && p.data.obs_id) openFigure(p.data.obs_id); });
  $("#index-pick").addEventListener("change", (e) => { state.index = e.target.value; writeUrl(); render(); });
}

// ---- audit findings ------------------------------------------------------------------------------
function figureCard(f, culprit) {
  return `<div class="side${culprit ? " culprit" : ""}" data-obs-card="${f.obs_id}">
    <p class="big">${figButton(f.printed || display(f.value, f.unit, state.lang), f.obs_id)}
      ${culprit ? `<span class="badge warn">${esc(t().culprit)}</span>` : ""}</p>
    <p class="meta">${esc(indName(f.indicator))} · ${esc(f.period)} · ${statusBadge(f.status)}</p>
    <blockquote lang="zh">${esc(f.quote || t().noQuote)}</blockquote>
    <p class="small muted">${esc(f.source_id)} · ${esc(f.location || "")}${f.current ? "" : ` · ${esc(t().replaced)}`}</p>
  </div>`;
}

function audit(root) {
  const s = t();
  const all = data.findings ? data.findings.findings : [];
  const list = all.filter((f) => f.subject === state.market);
  const en = state.lang === "en";
  const cards = list.map((f) => `<article class="finding sev-${esc(f.severity)}" data-testid="finding" data-finding="${f.finding_id}">
      <header><span class="badge sev-${esc(f.severity)}">${esc(s.severity[f.severity] || f.severity)}</span>
        <b>${esc(indName(f.indicator))}</b> <span class="muted">${esc(f.periods || "")} · ${esc(f.check || f.rule)} · #${f.finding_id}</span></header>
      <p>${esc(en ? f.message_en : f.message_zh)}</p>
      ${(en ? f.computed_en : f.computed_zh) ? `<p class="small"><b>${esc(s.computed)}:</b> ${esc(en ? f.computed_en : f.computed_zh)}</p>` : ""}
      ${(en ? f.suggestion_en : f.suggestion_zh) ? `<p class="small"><b>${esc(s.suggestion)}:</b> ${esc(en ? f.suggestion_en : f.suggestion_zh)}</p>` : ""}
      <div class="sides">${f.figures.map((x) => figureCard(x, x.obs_id === f.culprit_obs_id)).join("")}</div>
    </article>`).join("");
  const others = [...new Set(all.map((f) => f.subject))].filter((m) => m && m !== state.market);
  root.innerHTML = `${errorBox("findings")}
    <h2>${esc(s.auditTitle)} · ${esc(state.market)}</h2>
    <p class="note">${esc(s.auditNote)} ${data.findings ? `${esc(s.auditedVintage)} v${esc(data.findings.vintage_id ?? "—")} · ` : ""}<span data-testid="audit-count">${esc(s.auditCount(list.length, all.length))}</span></p>
    ${cards || empty(s.noFindings, others)}`;
}

// ---- what changed --------------------------------------------------------------------------------
async function changes(root) {
  const s = t();
  const vs = data.vintages || [];
  if (vs.length < 2 && !state.since) {
    root.innerHTML = errorBox("vintages") + `<h2>${esc(s.changesTitle)}</h2>` + empty(s.onlyOneVintage);
    return;
  }
  const latest = vs.length ? vs[vs.length - 1].vintage_id : null;
  if (!state.since) state.since = String(vs.length >= 2 ? vs[vs.length - 2].vintage_id : 1);
  const options = vs.filter((v) => v.vintage_id !== latest).map((v) =>
    `<option value="${v.vintage_id}"${String(v.vintage_id) === state.since ? " selected" : ""}>v${v.vintage_id} · ${esc(v.label || "")} · ${esc(v.loaded_at.slice(0, 10))}</option>`);
  if (!vs.some((v) => String(v.vintage_id) === state.since)) {
    options.unshift(`<option value="${esc(state.since)}" selected>${esc(state.since)}</option>`);
  }
  root.innerHTML = `<h2>${esc(s.changesTitle)} · ${esc(state.market || "")}</h2>
    <div class="filters"><label>${esc(s.since)} <select id="since-pick" data-testid="since-pick">${options.join("")}</select></label>
      <span class="muted">${esc(s.until)} v${esc(latest ?? "—")}</span></div>
    <p class="note">${esc(s.changesNote)}</p><div id="diff-body"><p class="loading">${esc(s.loading)}</p></div>`;
  $("#since-pick").addEventListener("change", (e) => { state.since = e.target.value; state.cpage = 1; writeUrl(); render(); });
  const since = state.since;
  let diff = data.diffs.get(since);
  if (!diff) {
    diff = await attempt("diff", () => api.allChanges(since));
    if (diff) data.diffs.set(since, diff);
    showErrors();
  }
  if (state.view !== "changes" || state.since !== since || !document.body.contains(root)) return; // moved on meanwhile
  const body = $("#diff-body");
  if (!diff) { body.innerHTML = errorBox("diff"); return; }
  const mine = diff.changes.filter((c) => c.subject === state.market);
  const kinds = ["new", "revised", "withdrawn"];
  const picked = mine.filter((c) => !state.change || c.change === state.change);
  const pages = Math.max(1, Math.ceil(picked.length / PAGE));
  state.cpage = Math.min(state.cpage, pages);
  const shown = picked.slice((state.cpage - 1) * PAGE, state.cpage * PAGE);
  const rows = shown.map((c) => `<tr class="ch-${esc(c.change)}">
      <td><span class="badge ch-${esc(c.change)}">${esc(s.changeKinds[c.change] || c.change)}</span></td>
      <td>${esc(indName(c.indicator))}</td><td>${esc(dimsText(c))}</td><td class="num">${esc(c.period)}</td>
      <td class="num">${c.printed_old != null ? figButton(c.printed_old, c.obs_id_old) : "—"}</td>
      <td class="num">${c.printed_new != null ? figButton(c.printed_new, c.obs_id_new) : "—"}</td>
      <td class="num">${esc(pct(c.pct_change))}</td><td class="small nowrap">${esc(c.source_id)}</td></tr>`).join("");
  body.innerHTML = `<div class="counts" data-testid="diff-counts">
      ${kinds.map((k) => `<div class="count ch-${k}" data-change="${k}"><span class="n" data-testid="count-${k}">${diff.counts[k] ?? 0}</span>
        <span class="muted">${esc(s.counts[k])}</span></div>`).join("")}
      <div class="count"><span class="n">v${esc(diff.since_vintage ?? "—")} → v${esc(diff.until_vintage)}</span>
        <span class="muted" data-testid="diff-market-count">${esc(s.ofMarket(mine.length))}</span></div></div>
    <div class="filters"><select id="change-pick"><option value="">${esc(s.kindAll)}</option>${kinds.map((k) =>
      `<option value="${k}"${state.change === k ? " selected" : ""}>${esc(s.changeKinds[k])}</option>`).join("")}</select></div>
    ${picked.length ? `<table class="data compact" data-testid="diff-table"><thead><tr><th>${esc(s.cols.change)}</th>
      <th>${esc(s.cols.indicator)}</th><th>${esc(s.cols.dims)}</th><th>${esc(s.cols.period)}</th><th>${esc(s.cols.old)}</th>
      <th>${esc(s.cols.new)}</th><th>${esc(s.cols.pct)}</th><th>${esc(s.cols.source)}</th></tr></thead><tbody>${rows}</tbody></table>
    <div class="pager"><span class="muted">${esc(s.rows(shown.length, picked.length))} · ${esc(s.page(state.cpage, pages))}</span>
      <button type="button" data-cpage="-1"${state.cpage <= 1 ? " disabled" : ""}>${esc(s.prev)}</button>
      <button type="button" data-cpage="1"${state.cpage >= pages ? " disabled" : ""}>${esc(s.next)}</button></div>`
    : empty(s.noChanges)}`;
  $("#change-pick").addEventListener("change", (e) => { state.change = e.target.value; state.cpage = 1; render(); });
  for (const b of body.querySelectorAll("[data-cpage]")) {
    b.addEventListener("click", () => { state.cpage += Number(b.dataset.cpage); render(); });
  }
}

// ---- the figure panel ----------------------------------------------------------------------------
async function openFigure(obsId, alsoIds = []) {
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
  renderPanel(detail, alsoIds.filter((i) => i !== obsId));
}

function renderPanel(detail, alsoIds) {
  const s = t();
  const o = detail.observation;
  const src = detail.source;
  const en = state.lang === "en";
  const row = (k, v, attrs = "") => (v == null || v === "" ? "" : `<dt>${esc(k)}</dt><dd${attrs}>${v}</dd>`);
  const dims = DIMS.filter((d) => o[d] != null).map((d) => `${esc(s.dims[d])}: ${esc(o[d])}`).join("<br>");
  const srcText = src ? `${esc(en ? src.title_en || src.title : src.title || src.title_en)}`
    + `${src.publisher ? `<br><span class="muted">${esc(src.publisher)}</span>` : ""}`
    + `${src.published ? `<br><span class="muted">${esc(s.published)} ${esc(src.published)}</span>` : ""}` : esc(o.source_id);
  const inputs = detail.inputs.map((f) => `<li>${figButton(f.printed || display(f.value, f.unit, state.lang), f.obs_id)}
      <span class="muted">${esc(indName(f.indicator))} · ${esc(f.period)} · ${esc(f.source_id)}</span>
      ${f.quote ? `<blockquote lang="zh">${esc(f.quote)}</blockquote>` : ""}</li>`).join("");
  $("#panel-title").textContent = s.panelTitle;
  $("#panel-body").innerHTML = `
    <p class="panel-ind"><b>${esc(indName(o.indicator))}</b> <span class="muted">${esc(o.period)}</span></p>
    <p class="big" data-testid="panel-value">${esc(printed(o))}</p>
    <p>${statusBadge(o.status)} <span class="muted">${esc(detail.current ? s.current : s.replaced)}</span></p>
    ${o.quote != null ? `<h3>${esc(s.quote)}</h3><blockquote class="quote" lang="zh" data-testid="quote">${esc(o.quote)}</blockquote>` : `<p class="muted" data-testid="quote-none">${esc(s.noQuote)}</p>`}
    <dl>
      ${row(s.sourceDoc, srcText, ' data-testid="panel-source"')}
      ${row(s.location, esc(o.location), ' data-testid="panel-location"')}
      ${row(s.cols.dims, dims)}
      ${row(s.canonical, o.value == null ? "" : `${esc(num(o.value, 6))}${o.value_high != null ? `–${esc(num(o.value_high, 6))}` : ""} ${esc(o.unit || "")}`)}
      ${row(s.qualifierLabel, esc(s.qualifier[o.qualifier] || o.qualifier || ""))}
      ${row(s.interval80, o.lo80 != null ? esc(`${interval(o.lo80, o.hi80)} ${o.unit || ""}`) : "")}
      ${row(s.interval95, o.lo95 != null ? esc(`${interval(o.lo95, o.hi95)} ${o.unit || ""}`) : "")}
      ${row(s.bounds, o.bound_low != null && o.bound_high != null ? esc(`${interval(o.bound_low, o.bound_high)} ${o.unit || ""}`) : "")}
      ${row(s.formula, o.formula ? `<code>${esc(o.formula)}</code>` : "")}
      ${row(s.method, esc(o.method))}
      ${row(s.inputVintage, o.input_vintage != null ? `v${esc(o.input_vintage)}` : "")}
      ${row(s.basis, esc(o.basis))}
      ${row(s.note, esc(o.note))}
      ${row(s.obsId, `#${o.obs_id} · v${esc(o.vintage_id)} · <a href="/api/observations/${o.obs_id}">${esc(s.json)}</a>`)}
    </dl>
    ${alsoIds.length ? `<p class="small">${esc(s.sameValueAlso)}: ${alsoIds.map((i) => `<button type="button" class="linkish" data-obs="${i}">#${i}</button>`).join(" ")}</p>` : ""}
    ${inputs ? `<h3>${esc(s.inputs)}</h3><ul class="inputs">${inputs}</ul>` : ""}`;
}

function closePanel() {
  $("#panel").hidden = true;
  state.fig = null;
  writeUrl();
}

// ---- events --------------------------------------------------------------------------------------
function wire() {
  document.addEventListener("click", (e) => {
    const fig = e.target.closest("[data-obs]");
    if (fig) {
      const all = (fig.dataset.obsAll || fig.dataset.obs).split(",").map(Number);
      openFigure(Number(fig.dataset.obs), all);
      return;
    }
    const tab = e.target.closest("[data-view]");
    if (tab && tab.tagName === "A") {
      e.preventDefault();
      state.view = tab.dataset.view;
      writeUrl(true);
      render();
      return;
    }
    const lang = e.target.closest("[data-lang]");
    if (lang) {
      state.lang = lang.dataset.lang;
      writeUrl();
      render();
      if (state.fig && !$("#panel").hidden) openFigure(state.fig);
      return;
    }
    const go = e.target.closest("[data-go-market]");
    if (go) { setMarket(go.dataset.goMarket); return; }
    const dismiss = e.target.closest("[data-dismiss]");
    if (dismiss) { delete data.errors[dismiss.dataset.dismiss]; showErrors(); }
  });
  $("#market").addEventListener("change", (e) => setMarket(e.target.value));
  $("#panel-close").addEventListener("click", closePanel);
  document.addEventListener("keydown", (e) => { if (e.key === "Escape" && !$("#panel").hidden) closePanel(); });
  window.addEventListener("popstate", () => { readUrl(); render(); });
  let timer = null;
  window.addEventListener("resize", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      for (const el of document.querySelectorAll(".chart")) {
        const c = window.echarts.getInstanceByDom(el);
        if (c) c.resize();
      }
    }, 100);
  });
}

function setMarket(m) {
  state.market = m;
  state.series = null;
  state.index = null;
  state.page = 1;
  state.cpage = 1;
  writeUrl(true);
  render();
}

async function main() {
  readUrl();
  wire();
  $("#loading").textContent = t().loading;
  renderShell();
  await loadAll();
  writeUrl();
  render();
  if (state.fig) openFigure(state.fig);
  document.body.dataset.ready = "true"; // for tests and scripts: the first render is done
}

main();
