// The forecast fan of one series of the market (its total market size first): the chart, and a table of
// every year with the observed value, the model's mean and intervals, the report's own forecasts and the
// other values the reports state. The series picked is kept in the URL.
import { $, SERIES_DIMS, data, render, state, t, writeUrl } from "./state.js";
import { empty, esc, figButton } from "./html.js";
import { indName } from "./names.js";
import { errorBox } from "./problems.js";
import { openClicked } from "./panel.js";
import { interval, significant } from "./format.js";
import { heading, numberRule, unitLabel } from "./glossary.js";
import { chartIn, fanOption } from "./charts.js";
import { buildFan } from "./fan.js";

/** A series' key in the URL: indicator|subject|region|product|… (empty where a dimension is not set). */
function seriesKey(sr) {
  return [sr.indicator, ...SERIES_DIMS.map((d) => sr.dims[d] || "")].join("|");
}

function seriesLabel(sr) {
  const dims = SERIES_DIMS.filter((d) => d !== "subject" && sr.dims[d]).map((d) => sr.dims[d]).join(" · ");
  return `${indName(sr.indicator)}${dims ? ` — ${dims}` : ""}`;
}

/** The market's series: market size first, then the fewest dimensions, then by label. */
function marketSeries() {
  return data.forecasts.filter((sr) => sr.dims.subject === state.market)
    .sort((a, b) => (a.indicator !== "market_size") - (b.indicator !== "market_size")
      || Object.keys(a.dims).length - Object.keys(b.dims).length || seriesLabel(a).localeCompare(seriesLabel(b)));
}

export function forecast(root) {
  const s = t();
  const list = marketSeries();
  if (!list.length) {
    const others = [...new Set(data.forecasts.map((sr) => sr.dims.subject))].filter(Boolean);
    root.innerHTML = errorBox("forecasts") + `<h2>${esc(s.fanTitle)}</h2>` + empty(s.noForecasts, others);
    return;
  }
  let sr = list.find((x) => seriesKey(x) === state.series);
  if (!sr) { sr = list[0]; state.series = seriesKey(sr); }
  const fan = buildFan(sr);
  const u = unitLabel(fan.unit);
  root.innerHTML = forecastHtml(list, sr, fan, u);
  chartIn($("#fan-chart"), fanOption(fan, s, u), openClicked);
  $("#series-pick").addEventListener("change", (e) => { state.series = e.target.value; writeUrl(); render(); });
}

function forecastHtml(list, sr, fan, u) {
  const s = t();
  return `${errorBox("forecasts")}
    <h2>${esc(s.fanTitle)} · ${esc(state.market)}</h2>
    <div class="filters"><label>${esc(s.series)} <select id="series-pick" data-testid="series-pick">${list.map((x) =>
      `<option value="${esc(seriesKey(x))}"${x === sr ? " selected" : ""}>${esc(seriesLabel(x))}</option>`).join("")}</select></label></div>
    <p class="note">${esc(s.fanNote)}</p>
    <div class="chart tall" id="fan-chart" data-testid="fan-chart" data-factor="${fan.factor}" data-unit="${esc(fan.unit)}"
      data-series="${esc(seriesKey(sr))}"></div>
    <table class="data compact" data-testid="fan-table"><thead><tr><th>${esc(heading("year"))}</th>
      <th>${esc(heading("observed"))}</th><th>${esc(heading("forecast_mean"))} (${esc(u)})</th><th>${esc(heading("i80"))}</th>
      <th>${esc(heading("i95"))}</th><th>${esc(heading("reported"))}</th><th>${esc(s.cols.stated)}</th></tr></thead><tbody>${fanRows(fan)}</tbody></table>
    <p class="small muted">${esc(s.method)}: ${esc(sr.method || "")} · ${esc(s.inputVintage)} v${esc(sr.input_vintage ?? "—")}</p>`;
}

/** The table's rows: the years that have anything to show. */
function fanRows(fan) {
  return fan.years.filter((y) => {
    const r = fan.rows[y];
    return r.history.length || r.point || r.reported.length || r.stated.length;
  }).map((y) => fanRow(y, fan.rows[y], fan.factor)).join("");
}

function fanRow(y, r, factor) {
  const cell = (v) => significant(v == null ? v : v / factor, numberRule().significant, true);
  // an interval in the table's unit (the header names it), as the report's tables print its ends
  const within = (lo, hi) => interval(lo / factor, hi / factor, "", { grouping: true });
  const obs = r.history.length ? figButton(r.history[0].printed, r.history.map((h) => h.obs_id)) : "—";
  const mean = r.point ? figButton(cell(r.mean), r.point.obs_id) : "—";
  const rep = r.reported.map((x) => figButton(x.printed, x.obs_id)).join(" ") || "—";
  const used = new Set(r.history.map((h) => h.obs_id));
  const other = r.stated.filter((x) => !used.has(x.obs_id)).map((x) => figButton(x.printed, x.obs_id)).join(" ") || "—";
  return `<tr data-year="${esc(y)}"><td class="num">${esc(y)}</td><td class="num">${obs}</td>
      <td class="num" data-testid="fc-mean" data-value="${r.mean ?? ""}">${mean}</td>
      <td class="num">${r.point ? esc(within(r.lo80, r.hi80)) : "—"}</td>
      <td class="num">${r.point ? esc(within(r.lo95, r.hi95)) : "—"}</td><td>${rep}</td><td>${other}</td></tr>`;
}
