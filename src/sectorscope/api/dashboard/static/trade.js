// What the trade view (view-trade.js) and the figure panel know about trade figures, in one place: the
// indicators each part of the view shows, how a figure computed from a record set is recognised, and which
// flow a unit price is of. Every value stays the API's; these functions only pick and group figures.

/** The indicators of the trade view, by the part of the view that shows them. */
export const TRADE = {
  // imports, exports and balance by period (the chart stacks imports and exports by product)
  flows: ["imports_value", "exports_value", "trade_balance"],
  growth: ["imports_value_growth", "exports_value_growth"],
  // import sources of the latest year: a partner's share (dimension `country`; several names joined by "、"
  // are the top-3 combined share) and the concentration of imports over partners
  sourceShare: "import_source_share",
  concentration: ["import_concentration_hhi"],
  // import dependence over time (stated by the reports and derived)
  dependence: ["import_dependence", "localisation_rate"],
  dependenceKinds: ["stated", "derived"],
  // unit values: an indicator per flow (records:customs_cn:<flow>:<quantity unit>)
  unitPrice: { import: "import_unit_value", export: "export_unit_value" },
};

/** Every indicator the trade view shows. */
export const TRADE_INDICATORS = new Set([...TRADE.flows, ...TRADE.growth, TRADE.sourceShare, ...TRADE.concentration,
  ...TRADE.dependence, ...Object.values(TRADE.unitPrice)]);

// the method of a figure computed from a record set (records.derive), and the separator of a combined partner
export const RECORDS_METHOD = "records";
export const PARTNER_JOIN = "、";

/** Whether figure `o` was computed from a record set (its customs lines can be listed). */
export const fromRecords = (o) => o.method === RECORDS_METHOD;

/** The parts of a records figure's location: records:<dataset>:<flow>[:<unit>] → {dataset, flow, unit}. */
export function recordsLocation(o) {
  const parts = String(o.location || "").split(":");
  if (parts[0] !== "records" || parts.length < 3) return null;
  return { dataset: parts[1], flow: parts[2], unit: parts.length > 3 ? parts.slice(3).join(":") : null };
}

/** The flow of a unit value figure (import or export), or null when it is not one. */
export function unitPriceFlow(o) {
  for (const [flow, code] of Object.entries(TRADE.unitPrice)) if (o.indicator === code) return flow;
  return null;
}

/** A year (2024) or a quarter (2024Q3); other periods (months, ranges) are not in the trade view's tables. */
export const isYear = (p) => /^\d{4}$/.test(p);
export const isQuarter = (p) => /^\d{4}Q[1-4]$/.test(p);

/** Whether a share figure is one named partner's, to stack with the others: not one naming several partners
 * (the top-3 combined share) nor one naming none (a share of unnamed partners). */
export const onePartner = (o) => Boolean(o.country) && !String(o.country).includes(PARTNER_JOIN);
