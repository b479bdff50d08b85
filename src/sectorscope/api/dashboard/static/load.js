// Everything the views need is read once, when the page opens, each from its /api endpoint; an endpoint
// that fails leaves its part empty and its error kept (problems.js), and the rest of the page still works.
// Only the diff between vintages (view-changes.js) and a figure's detail (panel.js) are read on demand.
import * as api from "./api.js";
import { data, state } from "./state.js";
import { attempt } from "./problems.js";
import { setGlossary } from "./glossary.js";

const byKey = (list, key) => new Map(list.map((x) => [x[key], x]));

/** Read every endpoint the views need into `data`, and settle the market (the URL's, else the largest). */
export async function loadAll() {
  const [glossary, health, catalog, sources, vintages, obs, forecasts, elasticity, trl, indices, findings] = await Promise.all([
    attempt("glossary", () => api.get("/glossary")),
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
  setGlossary(glossary); // the words and rules every figure is shown with, before anything is drawn
  data.health = health;
  data.catalog = byKey(catalog ? catalog.indicators : [], "code");
  data.sources = byKey(sources ? sources.sources : [], "source_id");
  data.vintages = vintages ? vintages.vintages : [];
  data.obs = obs ? obs.items : [];
  data.obsTruncated = obs ? obs.truncated : false;
  data.obsById = byKey(data.obs, "obs_id");
  data.forecasts = forecasts ? forecasts.series : [];
  data.elasticity = elasticity;
  data.trl = trl;
  data.indices = indices ? indices.indices : [];
  data.findings = findings;
  data.markets = marketsOf(data.obs);
  if (!state.market || !data.markets.some(({ m }) => m === state.market)) {
    state.market = data.markets.length ? data.markets[0].m : null;
  }
}

/** The markets (subjects) of the figures with their counts, the largest first: [{m, n}]. */
function marketsOf(obs) {
  const counts = new Map();
  for (const o of obs) if (o.subject) counts.set(o.subject, (counts.get(o.subject) || 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([m, n]) => ({ m, n }));
}
