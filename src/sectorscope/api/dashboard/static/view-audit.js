// The audit's findings about the market: what broke (an identity, a bound, two sources disagreeing), what
// was computed and what to do, and the figures involved side by side with their quotes, the likely culprit
// marked.
import { data, state, t } from "./state.js";
import { empty, esc, figButton, statusBadge } from "./html.js";
import { indName } from "./names.js";
import { errorBox } from "./problems.js";
import { printed } from "./format.js";
import { periodLabel, term } from "./glossary.js";

export function audit(root) {
  const s = t();
  const all = data.findings ? data.findings.findings : [];
  const list = all.filter((f) => f.subject === state.market);
  const others = [...new Set(all.map((f) => f.subject))].filter((m) => m && m !== state.market);
  root.innerHTML = `${errorBox("findings")}
    <h2>${esc(s.auditTitle)} · ${esc(state.market)}</h2>
    <p class="note">${esc(s.auditNote)} ${data.findings ? `${esc(s.auditedVintage)} v${esc(data.findings.vintage_id ?? "—")} · ` : ""}<span data-testid="audit-count">${esc(s.auditCount(list.length, all.length))}</span></p>
    ${list.map(finding).join("") || empty(s.noFindings, others)}`;
}

function finding(f) {
  const s = t();
  const en = state.lang === "en";
  return `<article class="finding sev-${esc(f.severity)}" data-testid="finding" data-finding="${f.finding_id}">
      <header><span class="badge sev-${esc(f.severity)}">${esc(term("severity", f.severity))}</span>
        <b>${esc(indName(f.indicator))}</b> <span class="muted">${esc(f.periods || "")} · ${esc(f.check || f.rule)} · #${f.finding_id}</span></header>
      <p>${esc(en ? f.message_en : f.message_zh)}</p>
      ${(en ? f.computed_en : f.computed_zh) ? `<p class="small"><b>${esc(s.computed)}:</b> ${esc(en ? f.computed_en : f.computed_zh)}</p>` : ""}
      ${(en ? f.suggestion_en : f.suggestion_zh) ? `<p class="small"><b>${esc(s.suggestion)}:</b> ${esc(en ? f.suggestion_en : f.suggestion_zh)}</p>` : ""}
      <div class="sides">${f.figures.map((x) => figureCard(x, x.obs_id === f.culprit_obs_id)).join("")}</div>
    </article>`;
}

/** One figure of a finding, with its quote and where it stands. */
function figureCard(f, culprit) {
  return `<div class="side${culprit ? " culprit" : ""}" data-obs-card="${f.obs_id}">
    <p class="big">${figButton(printed(f), f.obs_id)}
      ${culprit ? `<span class="badge warn">${esc(t().culprit)}</span>` : ""}</p>
    <p class="meta">${esc(indName(f.indicator))} · ${esc(periodLabel(f.period))} · ${statusBadge(f.status)}</p>
    <blockquote lang="zh">${esc(f.quote || t().noQuote)}</blockquote>
    <p class="small muted">${esc(f.source_id)} · ${esc(f.location || "")}${f.current ? "" : ` · ${esc(t().replaced)}`}</p>
  </div>`;
}
