"""The glossary as a client that cannot read Python reads it: one JSON document with every word, unit label,
display unit and number rule the presentation layer applies.

The dashboard is plain ES modules in a browser; it shows the same figures as the report, so it must word them
the same way. Rather than keep a second copy of the words in JavaScript, the API serves this document
(`GET /api/glossary`) and the dashboard formats with it: the words are the glossary's, the unit labels are
composed here by `unit_label` (万台 → 10 k units) so that no client repeats that logic, and the constants of
the stated rule travel with them.
"""
from __future__ import annotations

import functools
from typing import Any

from .numbers import MAX_DECIMALS, MISSING, SIGNIFICANT
from .units import scales
from .wording import LANGS, glossary, unit_label

__all__ = ["served_glossary"]


def _units() -> list[str]:
    """Every unit a computed value can be shown in: the glossary's units, every canonical unit and the display
    units they scale to."""
    from ..model import UNIT_KINDS

    names = set(glossary().groups["unit"]) | set(UNIT_KINDS.values())
    names |= {shown for unit in list(names) for _, shown in scales(unit)}
    return sorted(names)


def _quadrants() -> dict[str, dict[str, str]]:
    """The TRL × demand quadrants' advice, as the analytics layer words it (the one copy of those words)."""
    from ..analytics import QUADRANTS

    return {code: {"zh": zh, "en": en} for code, (zh, en) in QUADRANTS.items()}


@functools.cache
def served_glossary() -> dict[str, Any]:
    """The glossary as JSON-ready data: `groups` (group → key → {zh, en[, symbol]}, the quadrants' advice
    included), `units` (unit → {zh, en} as `unit_label` shows it), `display_units` (canonical unit →
    {alone, scales}) and `numbers` (the stated rule: significant figures, most decimals, the missing mark)."""
    g = glossary()
    groups: dict[str, dict[str, dict[str, str]]] = {name: {k: dict(v) for k, v in entries.items()}
                                                   for name, entries in g.groups.items()}
    groups["quadrant"] = _quadrants()
    return {
        "langs": list(LANGS),
        "groups": groups,
        "units": {u: {lang: unit_label(u, lang) for lang in LANGS} for u in _units()},
        "display_units": {u: {"alone": bool(e.get("alone")),
                              "scales": [[float(f), str(s)] for f, s in e["scales"]]}  # type: ignore[attr-defined]  # a list from YAML
                          for u, e in g.display_units.items()},
        "numbers": {"significant": SIGNIFICANT, "max_decimals": MAX_DECIMALS, "missing": MISSING},
    }
