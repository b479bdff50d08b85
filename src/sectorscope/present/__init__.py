"""The presentation layer: how a figure is shown to a person — value and qualifier, display unit, rounding,
thousands separators and zh/en wording — decided here and nowhere else.

Every output that shows a number to a reader (the Markdown notes, the CLI's tables, and the report, API and
dashboard as they adopt it) calls these functions with plain values, so the same figure reads the same
everywhere: 185.6亿元 in the report is 185.6亿元 in the CLI, a qualifier is one word in each language, and no
output shows 769.5000000000006 or 3.89549e+10. Wording is data (glossary.yaml); indicator names come from the
catalog.

    from sectorscope.present import figure, quantity, interval, term
    figure(printed="560", unit_printed="亿元", qualifier="at_least")   # ≥560亿元
    quantity(76_950_000_000, "元")                                    # 769.5亿元
    interval(0.31, 0.33, digits=2, sign=True)                        # [+0.31, +0.33]
    period_label("2025-01/2025-05", "en")                            # Jan–May 2025
    term("reading", "shortage", "en")                                # shortage
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from .figures import figure, in_unit, interval, qualified, quantity, span
    from .numbers import (
        MAX_DECIMALS,
        MISSING,
        SIGNIFICANT,
        decimals_of,
        fixed,
        grouped,
        missing,
        number,
        percent,
        plain,
        rate,
        signed,
        signed_percent,
        significant,
        step_of,
    )
    from .periods import period_form, period_label
    from .served import served_glossary
    from .units import canonical_unit_of, column_unit, own_unit, scaled, scales
    from .wording import (
        LANGS,
        Glossary,
        glossary,
        heading,
        indicator_name,
        qualifier_name,
        qualifier_symbol,
        qualifier_word,
        term,
        unit_label,
    )

__all__ = [
    "LANGS",
    "MAX_DECIMALS",
    "MISSING",
    "SIGNIFICANT",
    "Glossary",
    "canonical_unit_of",
    "column_unit",
    "decimals_of",
    "figure",
    "fixed",
    "glossary",
    "grouped",
    "heading",
    "in_unit",
    "indicator_name",
    "interval",
    "missing",
    "number",
    "own_unit",
    "percent",
    "period_form",
    "period_label",
    "plain",
    "qualified",
    "qualifier_name",
    "qualifier_symbol",
    "qualifier_word",
    "quantity",
    "rate",
    "scaled",
    "scales",
    "served_glossary",
    "signed",
    "signed_percent",
    "significant",
    "span",
    "step_of",
    "term",
    "unit_label",
]

# public name → the module (relative to this package) that defines it; imported on first use
_HOME = {
    "Glossary": "wording",
    "LANGS": "wording",
    "MAX_DECIMALS": "numbers",
    "MISSING": "numbers",
    "SIGNIFICANT": "numbers",
    "canonical_unit_of": "units",
    "column_unit": "units",
    "decimals_of": "numbers",
    "figure": "figures",
    "fixed": "numbers",
    "glossary": "wording",
    "grouped": "numbers",
    "heading": "wording",
    "in_unit": "figures",
    "indicator_name": "wording",
    "interval": "figures",
    "missing": "numbers",
    "number": "numbers",
    "own_unit": "units",
    "percent": "numbers",
    "period_form": "periods",
    "period_label": "periods",
    "plain": "numbers",
    "qualified": "figures",
    "qualifier_name": "wording",
    "qualifier_symbol": "wording",
    "qualifier_word": "wording",
    "quantity": "figures",
    "rate": "numbers",
    "scaled": "units",
    "scales": "units",
    "served_glossary": "served",
    "signed": "numbers",
    "signed_percent": "numbers",
    "significant": "numbers",
    "span": "figures",
    "step_of": "numbers",
    "term": "wording",
    "unit_label": "wording",
}

__getattr__, __dir__ = attach(__name__, _HOME)
