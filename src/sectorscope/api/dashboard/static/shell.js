// The page around the views: title and language, the market picker, the tabs and the footer (which vintage
// is shown, from which store, and the licences of what the page ships). Redrawn with every view, so a
// change of language or market reaches all of it.
import { $, VIEWS, data, state, t } from "./state.js";
import { esc } from "./html.js";
import { showErrors } from "./problems.js";

export function renderShell() {
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
  $("#footer").innerHTML = footer();
  showErrors();
}

function footer() {
  const s = t();
  const h = data.health;
  const latest = data.vintages && data.vintages.length ? data.vintages[data.vintages.length - 1] : null;
  const loaded = latest ? ` · ${esc(s.loadedAt)} ${esc(latest.loaded_at.slice(0, 19).replace("T", " "))}` : "";
  return [
    h ? `${esc(s.vintage)} v${esc(h.latest_vintage)}${loaded} · ${esc(h.store)} · sectorscope ${esc(h.version)}` : "",
    `<a href="/api/openapi.json">OpenAPI</a>`,
    `ECharts (Apache-2.0): <a href="/static/echarts.LICENSE.txt">LICENSE</a> · <a href="/static/echarts.NOTICE.txt">NOTICE</a>`,
  ].filter(Boolean).join(" · ");
}
