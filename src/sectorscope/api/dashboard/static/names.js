// Names as the page prints them, from what the API sent: an indicator's name and a source's title in the
// page's language, whether a source is sectorscope's own (a model forecast or a derived figure), and a
// figure's dimensions.
import { DIMS, data, state } from "./state.js";

export function indName(code) {
  const ind = data.catalog && data.catalog.get(code);
  if (!ind) return code;
  return state.lang === "en" ? ind.name_en || ind.name_zh || code : ind.name_zh || ind.name_en || code;
}

export function sourceTitle(id) {
  const s = data.sources && data.sources.get(id);
  if (!s) return id;
  return state.lang === "en" ? s.title_en || s.title || id : s.title || s.title_en || id;
}

/** A figure's dimensions other than `skip`, joined: 中国 · 红外热像仪. */
export function dimsText(o, skip = ["subject"]) {
  return DIMS.filter((d) => !skip.includes(d) && o[d] != null && o[d] !== "").map((d) => o[d]).join(" · ");
}
