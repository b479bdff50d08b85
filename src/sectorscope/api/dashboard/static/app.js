// The sectorscope dashboard: one page over the JSON API of the server that serves it. Every number it shows
// comes from an /api answer; every figure is a button that opens its source, location and quote.
// This module starts the page: it reads the state from the URL, loads the data, draws the view the state
// names and answers the user's clicks. Each view is a module of its own (view-*.js); what they share is in
// state.js (the state and the URL), html.js and names.js (markup), problems.js (errors) and panel.js.
import { $, readUrl, setRender, state, t, writeUrl } from "./state.js";
import { empty } from "./html.js";
import { dismiss, errorBox } from "./problems.js";
import { loadAll } from "./load.js";
import { renderShell } from "./shell.js";
import { closePanel, openFigure } from "./panel.js";
import { overview } from "./view-overview.js";
import { forecast } from "./view-forecast.js";
import { elasticity } from "./view-elasticity.js";
import { trl } from "./view-trl.js";
import { indices } from "./view-indices.js";
import { audit } from "./view-audit.js";
import { changes } from "./view-changes.js";
import { trade } from "./view-trade.js";

const VIEW_RENDERERS = { overview, forecast, elasticity, trl, indices, trade, audit, changes };

/** Draw the page from the state: the shell, then the current view (its old charts disposed of first). */
function draw() {
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
  main.innerHTML = `<section class="view" data-view="${state.view}" data-testid="view-${state.view}"></section>`;
  VIEW_RENDERERS[state.view]($(".view", main));
}

function setMarket(m) {
  state.market = m;
  state.series = null;
  state.index = null;
  state.page = 1;
  state.cpage = 1;
  writeUrl(true);
  draw();
}

function setView(view) {
  state.view = view;
  writeUrl(true);
  draw();
}

function setLang(lang) {
  state.lang = lang;
  writeUrl();
  draw();
  if (state.fig && !$("#panel").hidden) openFigure(state.fig);
}

// One listener for the page's buttons and links, whichever view drew them.
function onClick(e) {
  const fig = e.target.closest("[data-obs]");
  if (fig) {
    openFigure(Number(fig.dataset.obs), (fig.dataset.obsAll || fig.dataset.obs).split(",").map(Number));
    return;
  }
  const tab = e.target.closest("[data-view]");
  if (tab && tab.tagName === "A") {
    e.preventDefault();
    setView(tab.dataset.view);
    return;
  }
  const lang = e.target.closest("[data-lang]");
  if (lang) { setLang(lang.dataset.lang); return; }
  const go = e.target.closest("[data-go-market]");
  if (go) { setMarket(go.dataset.goMarket); return; }
  const dismissed = e.target.closest("[data-dismiss]");
  if (dismissed) dismiss(dismissed.dataset.dismiss);
}

function resizeCharts() {
  for (const el of document.querySelectorAll(".chart")) {
    const c = window.echarts.getInstanceByDom(el);
    if (c) c.resize();
  }
}

function wire() {
  document.addEventListener("click", onClick);
  $("#market").addEventListener("change", (e) => setMarket(e.target.value));
  $("#panel-close").addEventListener("click", closePanel);
  document.addEventListener("keydown", (e) => { if (e.key === "Escape" && !$("#panel").hidden) closePanel(); });
  window.addEventListener("popstate", () => { readUrl(); draw(); });
  let timer = null;
  window.addEventListener("resize", () => {
    clearTimeout(timer);
    timer = setTimeout(resizeCharts, 100);
  });
}

async function main() {
  setRender(draw);
  readUrl();
  wire();
  $("#loading").textContent = t().loading;
  renderShell();
  await loadAll();
  writeUrl();
  draw();
  if (state.fig) openFigure(state.fig);
  document.body.dataset.ready = "true"; // for tests and scripts: the first render is done
}

main();
