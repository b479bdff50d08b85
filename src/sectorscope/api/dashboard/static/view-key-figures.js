// The key figures of a market: for each indicator, its latest figures as the reports state them at the
// market's own level (national where it has national figures), every differing value shown side by side —
// a figure that two sources state differently is a conflict to see, not one to hide.
import { EXTRA_DIMS, state, t } from "./state.js";
import { empty, esc, figButton } from "./html.js";
import { indName, sourceTitle } from "./names.js";
import { printed } from "./format.js";
import { periodLabel } from "./glossary.js";

// The headline indicators shown first among the key figures (a layout choice; any other indicator follows).
const HEADLINE = ["market_size", "market_size_growth", "market_size_cagr", "global_share", "domestic_share",
  "localisation_rate", "capacity_utilisation", "import_dependence", "trade_balance", "capacity", "output", "demand",
  "unit_price", "sales_volume", "wafer_demand", "inventory_days", "price_change", "rd_intensity"];
const MAX_CARDS = 12;

/** The section's markup for the market's figures `rows`. */
export function keyFiguresSection(rows) {
  const s = t();
  const cardHtml = keyFigures(rows).map(card).join("");
  return `<h2>${esc(s.keyFigures)} · ${esc(state.market)}</h2>
    <p class="note">${esc(s.keyFiguresNote)}</p>
    <div class="cards">${cardHtml || empty(s.emptyMarket)}</div>`;
}

/** The cards: {code, period, region, values: [{text, ids, rows}], rank}, headline indicators first. */
function keyFigures(rows) {
  const { main, stated } = statedAtMarketLevel(rows);
  const byInd = new Map();
  for (const o of stated) {
    if (!byInd.has(o.indicator)) byInd.set(o.indicator, []);
    byInd.get(o.indicator).push(o);
  }
  const cards = [...byInd].map(([code, list]) => latestCard(code, list, main));
  cards.sort((a, b) => a.rank - b.rank || a.code.localeCompare(b.code)); // the same cards in either language
  return cards.slice(0, MAX_CARDS);
}

/** The figures the reports state (actual or estimate, no breakdown) at the market's own level, and that level:
 * 中国 where the market states national figures, else its most common region. */
function statedAtMarketLevel(rows) {
  const stated = rows.filter((o) => o.kind === "stated" && (o.status === "actual" || o.status === "estimate")
    && EXTRA_DIMS.every((d) => o[d] == null));
  const regions = new Map();
  for (const o of stated) regions.set(o.region, (regions.get(o.region) || 0) + 1);
  const main = regions.has("中国") ? "中国" : [...regions.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  return { main, stated: stated.filter((x) => x.region === main) };
}

/** One indicator's card: its latest period's figures, grouped by the value as printed. */
function latestCard(code, list, region) {
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
  return { code, period: latest, region, values, rank: rank < 0 ? HEADLINE.length : rank };
}

function card(c) {
  const s = t();
  const [first, ...rest] = c.values;
  const conflict = c.values.length > 1;
  return `<article class="card${conflict ? " conflict" : ""}" data-testid="key-figure" data-indicator="${esc(c.code)}">
      <h3>${esc(indName(c.code))}</h3>
      <p class="meta">${esc(c.region)} · ${esc(periodLabel(c.period))}${conflict ? ` <span class="badge warn">${esc(s.conflict)}</span>` : ""}</p>
      <p class="big">${figButton(first.text, first.ids)}</p>
      <p class="src muted">${esc(sourceTitle(first.rows[0].source_id))}</p>
      ${rest.length ? `<p class="also"><span class="muted">${esc(s.alsoStated)}:</span> ${rest.map((v) => figButton(v.text, v.ids)).join(" ")}</p>` : ""}
    </article>`;
}
