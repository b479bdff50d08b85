// Figures as the page prints them, by the rules of the server's presentation layer (sectorscope/present:
// numbers.py, units.py, figures.py), with the words, units and constants of its glossary (glossary.js). A
// stated figure is shown as its source printed it (约12.3%, ≥560亿元, 30–45天); a computed value by the stated
// rule in its display unit (389.5亿元, never 38954900000.0); an interval with both ends in one display unit.
// The browser tests hold these functions to the Python ones, string for string.
import { lang, numberRule, qualifierSymbol, scaledAlone, scales, unitLabel } from "./glossary.js";

export const missing = (v) => v == null || (typeof v === "number" && Number.isNaN(v));
const MISSING = () => numberRule().missing;

// Python's f"{x:.{d}f}": the exact binary value rounded to d decimals, a tie going to the even digit (JavaScript's
// toFixed sends a tie away from zero: 0.125 → "0.13", where Python writes "0.12").
function pyFixed(x, d) {
  const text = x.toFixed(d);
  const a = Math.abs(x);
  if (a >= 1e21) return text;
  const exact = a.toFixed(100);
  const cut = exact.indexOf(".") + (d > 0 ? d + 1 : 0);
  const tail = exact.slice(exact.indexOf(".") + 1 + d);
  if (!/^50*$/.test(tail)) return text;
  const kept = exact.slice(0, d > 0 ? cut : exact.indexOf("."));
  if (Number(kept.at(-1)) % 2 !== 0) return text; // the odd digit rounds up to the even one, as toFixed does
  return (x < 0 || Object.is(x, -0) ? "-" : "") + kept;
}

const isZero = (text) => Number(text.replace(/%$/, "").replace(/,/g, "")) === 0;
const unsignedZero = (text) => (text.startsWith("-") && isZero(text) ? text.slice(1) : text);
const plusZero = (text) => (text.startsWith("-") && isZero(text) ? `+${text.slice(1)}` : text);
const infinite = (v, signed = false) => (v < 0 ? "-∞" : signed ? "+∞" : "∞");

/** Thousands separators in the whole part of a number already written out: 1234567.5 → 1,234,567.5. */
export function grouped(text) {
  const sign = text.startsWith("-") ? "-" : text.startsWith("+") ? "+" : "";
  const body = text.slice(sign.length);
  const dot = body.indexOf(".");
  const whole = dot < 0 ? body : body.slice(0, dot);
  if (!/^\d+$/.test(whole)) return text;
  const w = String(BigInt(whole)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return sign + w + (dot < 0 ? "" : body.slice(dot));
}

/** A computed value by the stated rule: at most `sig` significant figures (the whole part never cut), at most
 * six decimals, trailing zeros dropped: 769.5000000000006 → 769.5, 0.048812 → 0.04881. */
export function significant(value, sig = numberRule().significant, grouping = false) {
  if (missing(value)) return MISSING();
  const v = Number(value);
  if (!Number.isFinite(v)) return infinite(v);
  if (v === 0) return "0";
  const digits = Math.min(Math.max(0, sig - 1 - Math.floor(Math.log10(Math.abs(v)))), numberRule().max_decimals);
  let text = pyFixed(v, digits);
  if (text.includes(".")) text = text.replace(/0+$/, "").replace(/\.$/, "");
  text = unsignedZero(text);
  return grouping ? grouped(text) : text;
}

/** A value with exactly `digits` decimals (a column whose values are compared): 1,234.5. */
export function fixed(value, digits = 1, grouping = true) {
  if (missing(value)) return MISSING();
  const v = Number(value);
  if (!Number.isFinite(v)) return infinite(v);
  const text = unsignedZero(pyFixed(v, digits));
  return grouping ? grouped(text) : text;
}

/** A value that reads by its sign (an index): +0.34, -0.77; zero is +0.00. */
export function signed(value, digits = 2) {
  if (missing(value)) return MISSING();
  const v = Number(value);
  if (!Number.isFinite(v)) return infinite(v, true);
  const text = pyFixed(v, digits);
  return plusZero(text.startsWith("-") ? text : `+${text}`);
}

/** A change already in percent, signed: -7.7%. */
export function signedPercent(value, digits = 1) {
  const text = signed(value, digits);
  return text === MISSING() ? text : `${text}%`;
}

/** [divisor, display unit] for values in canonical `unit` shown together (a column, a chart's axis): the
 * largest unit the largest magnitude reaches. */
export function columnUnit(unit, values) {
  const finite = values.filter((v) => !missing(v) && Number.isFinite(Number(v))).map((v) => Math.abs(Number(v)));
  const top = finite.length ? Math.max(...finite) : 0;
  for (const [factor, shown] of scales(unit || "")) {
    if (top >= factor) return [factor, shown];
  }
  return [1, unit || ""];
}

/** [divisor, display unit] for a value or two shown by themselves: money by its magnitude, counts as they are. */
export function ownUnit(unit, values) {
  return scaledAlone(unit) ? columnUnit(unit, values) : [1, unit || ""];
}

function withUnit(number, unit, language) {
  const label = unitLabel(unit, language);
  const gap = language === "en" && /^[A-Za-z]/.test(label) ? " " : "";
  return `${number}${gap}${label}`;
}

/** A computed value in canonical `unit`, in its display unit by the stated rule: 185.6亿元, 185.6 CNY 100 m. */
export function quantity(value, unit = "", language = lang(), grouping = false) {
  if (missing(value)) return MISSING();
  const [f, shown] = ownUnit(unit, [value]);
  return withUnit(significant(Number(value) / f, numberRule().significant, grouping), shown, language);
}

/** Printed digits, qualifier and unit as one figure: 约12.3%, ≥70%, 30–45天. */
export function qualified(text, qualifier, high = null, unit = "") {
  if (qualifier === "range") return high ? `${text}${qualifierSymbol("range")}${high}${unit}` : `${text}${unit}`;
  return `${qualifierSymbol(qualifier)}${text}${unit}`;
}

/** A figure (an observation of the API) as the report prints it: as its source printed it, or a computed
 * value in its display unit, in the page's language. */
export function figure(o, language = lang()) {
  if (o.value_as_printed != null && o.value_as_printed !== "") { // as printed: its printed unit, or none
    return qualified(String(o.value_as_printed), o.qualifier, o.value_high_as_printed || null, o.unit_as_printed ?? "");
  }
  if (missing(o.value)) return MISSING();
  const unit = o.unit || "";
  if (o.qualifier === "range" && !missing(o.value_high)) {
    const [f, shown] = ownUnit(unit, [o.value, o.value_high]);
    return withUnit(qualified(significant(o.value / f), "range", significant(o.value_high / f)), shown, language);
  }
  return qualified(quantity(o.value, unit, language), o.qualifier || "exact");
}

/** A figure of the API as the page shows it: an observation (it carries every field) by `figure`; a figure
 * another answer refers to (a Figure) by the server's `printed` — the report's Chinese — except a computed
 * figure on the English page, shown in English units. */
export function printed(f) {
  if (f.value_as_printed !== undefined) return figure(f);
  if (f.printed != null && (lang() === "zh" || f.kind === "stated")) return f.printed;
  return figure({ value: f.value, value_high: f.value_high, qualifier: f.qualifier, unit: f.unit });
}

/** Where a value lies: [a, b] with both ends in one display unit; ≥a or ≤b when one end is open; with
 * `digits`, fixed decimals (signed with `sign`). Thousands separated with `grouping`. */
export function interval(low, high, unit = "", { digits = null, sign = false, grouping = false, language = lang() } = {}) {
  const loOk = !missing(low);
  const hiOk = !missing(high);
  const [f, shown] = loOk && hiOk ? ownUnit(unit, [low, high]) : [1, unit];
  const end = (v) => {
    if (digits == null && loOk && hiOk) return withUnit(significant(v / f, numberRule().significant, grouping), shown, language);
    if (digits == null) return quantity(v, unit, language, grouping);
    const n = sign ? signed(v, digits) : fixed(v, digits, grouping);
    return unit ? withUnit(n, unit, language) : n;
  };
  if (loOk && hiOk) return `[${end(low)}, ${end(high)}]`;
  if (loOk) return `${qualifierSymbol("at_least")}${end(low)}`;
  if (hiOk) return `${qualifierSymbol("at_most")}${end(high)}`;
  return MISSING();
}
