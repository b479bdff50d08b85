"""One indicator over lines, by name: what `sectorscope records aggregate` and `/api/records/aggregate` both
compute, so the two cannot drift apart in which indicators exist, which options each takes or what a
refusal says.

Why a dispatch of its own and not a registry in `indicators`: the indicator functions take different
arguments (the concordance for `unmapped`, a breakdown for flows and unit values only), and a caller that
names an indicator as text — a command line, a query string — needs the refusals ("by applies to
trade_flows and unit_values") said once, before any line is read.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..errors import UsageError

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend

    from .concordance import Concordance

__all__ = ["AGGREGATES", "BY_AGGREGATES", "FLOWLESS_AGGREGATES", "aggregate", "check_aggregate"]

AGGREGATES = ("trade_flows", "unit_values", "partner_concentration", "mirror_gap", "unmapped")
# the indicators that break down by partner, province or trade mode
BY_AGGREGATES = ("trade_flows", "unit_values")
# the indicators without a flow column: concentration is of imports, the mirror gap compares two flows
FLOWLESS_AGGREGATES = ("partner_concentration", "mirror_gap")


def check_aggregate(indicator: str, grain: str = "year", *, by: Sequence[str] = (), market: str | None = None,
                    flow: str | None = None) -> None:
    """UsageError when `indicator` or `grain` is unknown or the indicator does not take one of the options
    given."""
    from .indicators import BY, GRAINS

    if indicator not in AGGREGATES:
        raise UsageError(f"unknown indicator {indicator!r}; indicators are {', '.join(AGGREGATES)}")
    if grain not in GRAINS:
        raise UsageError(f"unknown grain {grain!r}; grains are {', '.join(GRAINS)}")
    bad_by = [b for b in by if b not in BY]
    if bad_by:
        raise UsageError(f"cannot break down by {bad_by[0]!r}; choose from {', '.join(BY)}")
    if by and indicator not in BY_AGGREGATES:
        raise UsageError(f"by applies to {' and '.join(BY_AGGREGATES)}, not {indicator}")
    if market is not None and indicator == "unmapped":
        raise UsageError("market does not apply to unmapped: its lines map to no market")
    if flow is not None:
        if indicator in FLOWLESS_AGGREGATES:
            raise UsageError(f"flow={flow} does not apply to {indicator}")
        if flow == "balance" and indicator != "trade_flows":
            raise UsageError(f"flow=balance does not apply to {indicator}; its flows are import and export")
        if flow not in ("import", "export", "balance"):
            raise UsageError(f"unknown flow {flow!r}; flows are import, export and balance")


def aggregate(lines: ir.Table, concordance: Concordance, con: BaseBackend, indicator: str, grain: str = "year", *,
              by: Sequence[str] = (), market: str | None = None, flow: str | None = None) -> ir.Table:
    """The indicator `indicator` (one of AGGREGATES) over `lines`, mapped to markets by `concordance`; one
    market's and one flow's rows when asked. `grain` does not apply to `unmapped` (its lines have no market to
    sum by period). UsageError for an indicator or option that does not apply (see `check_aggregate`)."""
    from .concordance import apply, unmapped
    from .indicators import trade_flows, unit_values
    from .indicators_partners import mirror_gap, partner_concentration

    by = tuple(dict.fromkeys(by))
    check_aggregate(indicator, grain, by=by, market=market, flow=flow)
    if indicator == "unmapped":
        t = unmapped(lines, concordance, con)
    else:
        mapped = apply(lines, concordance, con)
        if market is not None:
            mapped = mapped.filter(mapped.market == market)
        if indicator == "trade_flows":
            t = trade_flows(mapped, grain, by=by)
        elif indicator == "unit_values":
            t = unit_values(mapped, grain, by=by)
        elif indicator == "partner_concentration":
            t = partner_concentration(mapped, grain)
        else:
            t = mirror_gap(mapped, grain)
    if flow is not None:
        t = t.filter(t.flow == flow)
    return t
