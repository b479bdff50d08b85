// The first tab: the market's key figures, then all its figures.
import { data, state } from "./state.js";
import { errorBox } from "./problems.js";
import { keyFiguresSection } from "./view-key-figures.js";
import { allFiguresSection, wireAllFigures } from "./view-all-figures.js";

export function overview(root) {
  const rows = data.obs.filter((o) => o.subject === state.market);
  root.innerHTML = `${errorBox("observations")}
    ${keyFiguresSection(rows)}
    ${allFiguresSection()}`;
  wireAllFigures(rows);
}
