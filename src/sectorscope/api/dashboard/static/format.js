// Numbers and figures as the page prints them. A stated figure is shown as printed in its report
// (qualifier included, as sectorscope.monitor.diff.printed_expr words it); a computed value in the unit the
// reports print in (亿元, 万个 …, as sectorscope.report.cite.scale_for chooses).
import { UNIT_EN } from "./i18n.js";

const QUAL = { about: "约", at_least: "≥", at_most: "≤" };

/** The figure as a reader saw it printed: 约12.3%, ≥70%, 30–45天 (an Observation of the API). */
export function printed(o) {
  if (o.printed != null) return o.printed; // a Figure of the API already carries it
  const v = o.value_as_printed != null ? o.value_as_printed : pyStr(o.value);
  const u = o.unit_as_printed != null ? o.unit_as_printed : "";
  if (o.qualifier === "range") {
    const vh = o.value_high_as_printed != null ? o.value_high_as_printed : (o.value_high != null ? pyStr(o.value_high) : "");
    return `${v}–${vh}${u}`;
  }
  return `${QUAL[o.qualifier] || ""}${v}${u}`;
}

// Python's str(float) for the engine's cast of a value without a printed form (12.0 → "12.0").
function pyStr(x) {
  if (x == null) return "";
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

const SCALES = {
  "元": [[1e8, "亿元"], [1e4, "万元"], [1, "元"]],
  "个": [[1e8, "亿个"], [1e4, "万个"], [1, "个"]],
  "元/个": [[1e4, "万元/个"], [1, "元/个"]],
};

/** [divisor, display unit] for values in canonical `unit`, by the largest magnitude among them. */
export function scaleFor(unit, values) {
  const finite = values.filter((v) => v != null && Number.isFinite(v)).map(Math.abs);
  const top = finite.length ? Math.max(...finite) : 0;
  for (const [factor, shown] of SCALES[unit] || []) {
    if (top >= factor) return [factor, shown];
  }
  return [1, unit || ""];
}

/** A display unit in the page's language. */
export function unitLabel(unit, lang) {
  if (!unit) return "";
  return lang === "en" ? (UNIT_EN[unit] || unit) : unit;
}

/** A number with at most four significant figures (as analytics.derived.display), thousands separated. */
export function num(v, sig = 4) {
  if (v == null || !Number.isFinite(v)) return "—";
  if (v === 0) return "0";
  const digits = Math.max(0, sig - 1 - Math.floor(Math.log10(Math.abs(v))));
  const fixed = v.toFixed(Math.min(digits, 6));
  const trimmed = fixed.includes(".") ? fixed.replace(/0+$/, "").replace(/\.$/, "") : fixed;
  const [whole, frac] = trimmed.split(".");
  const sign = whole.startsWith("-") ? "-" : "";
  const grouped = whole.replace("-", "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return sign + grouped + (frac ? `.${frac}` : "");
}

/** A value in canonical `unit` as the reports would print it: 185.6亿元, 4.848TOPS. */
export function display(value, unit, lang) {
  if (value == null) return "—";
  const [f, u] = scaleFor(unit, [value]);
  const shown = unitLabel(u, lang);
  const sep = lang === "en" && shown && /^[A-Za-z]/.test(shown) ? " " : "";
  return `${num(value / f)}${sep}${shown}`;
}

/** An interval [lo, hi] after dividing by `f`. */
export function interval(lo, hi, f = 1) {
  if (lo == null || hi == null) return "—";
  return `[${num(lo / f)}, ${num(hi / f)}]`;
}

export function fixed(v, d = 2) {
  if (v == null || !Number.isFinite(v)) return "—";
  return (v >= 0 ? "+" : "") + v.toFixed(d);
}

export function pct(v) {
  if (v == null || !Number.isFinite(v)) return "—";
  return `${v >= 0 ? "+" : ""}${num(v, 3)}%`;
}
