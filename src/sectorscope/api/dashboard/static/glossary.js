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

// A period code's parts, as present/periods.py reads them: 2025, 2025Q3, 2025-03, 2025/2030, 2025-01/2025-05.
const PERIOD_FORMS = [
  [/^(\d{4})$/, "year", (m) => ({ y: +m[1] })],
  [/^(\d{4})Q([1-4])$/, "quarter", (m) => ({ y: +m[1], q: +m[2] })],
  [/^(\d{4})-(\d{2})$/, "month", (m) => ({ y: +m[1], m: +m[2] })],
  [/^(\d{4})-(\d{2})\/\1-(\d{2})$/, "months", (m) => ({ y: +m[1], m1: +m[2], m2: +m[3] })],
  [/^(\d{4})\/(\d{4})$/, "years", (m) => ({ y1: +m[1], y2: +m[2] })],
];

/** A period as the page's language writes it, by the glossary's templates (period_form, month_name), as the
 * report writes it: 2025-01/2025-05 → 2025年1–5月 / Jan–May 2025; a text that is no period code shows as given. */
export function periodLabel(period, language = lang()) {
  if (period == null || period === "") return "";
  const text = String(period);
  for (const [re, form, parts] of PERIOD_FORMS) {
    const m = text.match(re);
    if (!m) continue;
    const fill = parts(m);
    for (const k of ["m", "m1", "m2"]) if (k in fill) fill[`mon${k.slice(1)}`] = term("month_name", String(fill[k]), null, language);
    return term("period_form", form, fill, language);
  }
  return text;
}
