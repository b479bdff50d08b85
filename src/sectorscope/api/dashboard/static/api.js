// The JSON API of this same server, read like any client reads it. A refused request becomes an ApiError
// carrying the problem+json `detail` the server wrote for the user.

export class ApiError extends Error {
  constructor(url, status, title, detail) {
    super(detail || title || `HTTP ${status}`);
    this.url = url;
    this.status = status;
    this.title = title || "";
    this.detail = detail || "";
  }
}

/** GET a path under /api (with query parameters; arrays repeat the key) and return its JSON. */
export async function get(path, params = {}) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v == null || v === "") continue;
    for (const one of Array.isArray(v) ? v : [v]) qs.append(k, String(one));
  }
  return fetchJson(`/api${path}${qs.toString() ? `?${qs}` : ""}`);
}

/** GET a URL of this server (a path with its query, e.g. a page's `next` link) and return its JSON. */
export async function fetchJson(url) {
  let res;
  try {
    res = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  } catch (err) {
    throw new ApiError(url, 0, "network", String(err && err.message ? err.message : err));
  }
  const type = res.headers.get("content-type") || "";
  if (!res.ok) {
    let title = res.statusText;
    let detail = "";
    if (type.includes("json")) {
      try {
        const body = await res.json();
        title = body.title || title;
        detail = body.detail || "";
      } catch (_) { /* a body that is not JSON: the status says enough */ }
    }
    throw new ApiError(url, res.status, title, detail);
  }
  return res.json();
}

/** Every page of /api/observations for `params` (following `next`), at most `cap` figures. */
export async function allObservations(params = {}, cap = 100000) {
  const items = [];
  let page = await get("/observations", { ...params, limit: 10000 });
  let vintage = page.vintage_id;
  items.push(...page.items);
  while (page.next && items.length < cap) {
    page = await fetchJson(page.next);
    items.push(...page.items);
  }
  return { vintage_id: vintage, items, truncated: Boolean(page.next) };
}

/** Every row of a diff (the API pages it with offset/limit). */
export async function allChanges(since, until, cap = 100000) {
  const rows = [];
  let offset = 0;
  let first = null;
  for (;;) {
    const page = await get("/diff", { since, until, offset, limit: 10000 });
    if (!first) first = page;
    rows.push(...page.changes);
    offset += page.changes.length;
    if (!page.changes.length || offset >= page.count || rows.length >= cap) break;
  }
  return { ...first, changes: rows };
}
