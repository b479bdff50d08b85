"""Year-stamped exchange rates, each with its source: foreign-currency figures become 元 through them."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import UnitError

__all__ = ["FxRate", "FxTable"]


@dataclass(frozen=True)
class FxRate:
    year: int
    currency: str
    cny_per_unit: float
    source_id: str
    quote: str = ""


class FxTable:
    """Rates by (currency, year). A year past the table uses the latest year, and says so."""

    def __init__(self, rates: list[FxRate] | None = None) -> None:
        self._rates: dict[tuple[str, int], FxRate] = {}
        for r in rates or []:
            self._rates[(r.currency, r.year)] = r

    def __len__(self) -> int:
        return len(self._rates)

    def rates(self) -> list[FxRate]:
        return sorted(self._rates.values(), key=lambda r: (r.currency, r.year))

    def rate(self, currency: str, year: int) -> tuple[FxRate, str]:
        """The rate to use and a note on how it was chosen ('' when it is the year's own rate)."""
        if currency == "CNY":
            return FxRate(year, "CNY", 1.0, ""), ""
        hit = self._rates.get((currency, year))
        if hit:
            return hit, ""
        years = sorted(y for (c, y) in self._rates if c == currency)
        if not years:
            raise UnitError(f"no exchange rate for {currency}: add it to the FX table (fx_rates.csv)")
        if year > years[-1]:
            r = self._rates[(currency, years[-1])]
            return r, f"{currency}→CNY at {years[-1]}'s rate {r.cny_per_unit} (latest in the FX table; no {year} rate)"
        raise UnitError(f"no {currency} exchange rate for {year}: the FX table covers {years[0]}–{years[-1]}")
