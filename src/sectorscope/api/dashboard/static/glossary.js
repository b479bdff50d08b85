// The glossary the server's presentation layer words every figure with (GET /api/glossary, from
// sectorscope/present/glossary.yaml): the zh/en words of statuses, qualifiers, readings, changes and the rest,
// the units as each language names them, the display units a canonical unit scales to, and the constants of
// the stated number rule. The page keeps no copy of these words: it shows a figure as the report does because
// it reads the same glossary. Until (or unless) the glossary is read, a word shows as its key, as the server
// shows a key its glossary does not know.
import { state } from "./state.js";

let served = null;

/** Keep the glossary the server sent (load.js, once). */
export function setGlossary(g) {
  served = g;
}

/** The page's language as the glossary keys it. */
export const lang = () => (state.lang === "en" ? "en" : "zh");

function entry(group, key) {
  const g = served && served.groups[group];
  return g ? g[key] : undefined;
}

/** A word of the glossary in the page's language; {…} in a template filled from `fill`. */
export function term(group, key, fill, language = lang()) {
  const e = entry(group, key);
  let text = e ? (e[language] ?? key) : String(key);
  if (fill) text = text.replace(/\{(\w+)\}/g, (m, k) => (k in fill ? String(fill[k]) : m));
  return text;
}

/** A column's name as a heading: its first letter capitalised in English. */
export function heading(key, language = lang()) {
  const text = term("column", key, null, language);
  return language === "en" ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

/** What prefixes a figure with this qualifier as printed: 约, ≥, ≤ (– joins a range's ends). */
export function qualifierSymbol(q) {
  const e = entry("qualifier", q || "exact");
  return (e && e.symbol) || "";
}

/** A qualifier's own name (精确 / exact for an exact figure). */
export function qualifierName(q, language = lang()) {
  return term("qualifier", q || "exact", null, language);
}

/** A unit as `language` names it: 亿元 → CNY 100 m; a unit the glossary does not list shows as given. */
export function unitLabel(unit, language = lang()) {
  if (!unit) return "";
  const e = served && served.units[unit];
  return e ? e[language] : unit;
}

/** The units a value in canonical `unit` may be shown in, largest first, the unit itself last. */
export function scales(unit) {
  const e = served && served.display_units[unit];
  return [...(e ? e.scales : []), [1, unit]];
}

/** Whether a value in canonical `unit` shown by itself takes a scaled unit (money does, counts do not). */
export function scaledAlone(unit) {
  const e = served && served.display_units[unit];
  return Boolean(e && e.alone);
}

// The stated rule's constants travel with the glossary; these stand in only while it has not been read.
const RULE = { significant: 4, max_decimals: 6, missing: "—" };

/** The stated number rule: significant figures, most decimals, the missing mark. */
export function numberRule() {
  return (served && served.numbers) || RULE;
}
