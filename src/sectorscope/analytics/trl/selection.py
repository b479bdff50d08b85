"""Demand selectors: which store figures make each technology's demand components (dual_track.yaml), and
picking them from an observations frame.

Why a module of its own: a technology's demand score is only as good as the figures behind it, so the mapping
from technology to figures is data a reviewer can read and argue with, checked on load (every problem named by
YAML line and key), and every picked figure keeps its id as lineage.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ...errors import InputError, RowFailure, UnitError, ValidationError
from ...model import DEFAULT_REGION, DIMENSIONS, normalise
from .demand import COMPONENTS

__all__ = ["SELECTOR_KEYS", "read_dual_track", "select_components"]

SELECTOR_KEYS = ("component", "indicator", "period", *DIMENSIONS, "note")
_ENTRY_KEYS = ("technology", "note", "selectors")
_TOP_KEYS = ("technologies", "note")
_LINE = "__line__"


class _LineLoader(yaml.SafeLoader):
    """A SafeLoader that records each mapping's 1-based line under _LINE."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    mapping[_LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

_Fail = Callable[[int | None, str, Any, str], None]  # fail(line, field, value, reason)


def read_dual_track(path: str | Path, *, indicators: Iterable[str] | None = None) -> dict[str, list[dict]]:
    """Read the dual-track selector file: {technology (normalised): [selector, …]}.

    A selector is a mapping with `component` (growth | import_dependence | order_share), `indicator`, `period`
    and any of the observation dimensions (subject, region, product, application, company, country, tier,
    scenario), plus an optional `note`. Dimension values are normalised as observation text is. With
    `indicators` (catalog codes) an unknown indicator is refused. Every problem is collected and raised as a
    ValidationError whose failures name the file, the YAML line (as `row`) and the entry and key (as `field`).
    """
    file = str(path)
    data = _load(path, file)
    known = set(indicators) if indicators is not None else None
    failures: list[RowFailure] = []

    def fail(line: int | None, field: str, value: Any, reason: str) -> None:
        failures.append(RowFailure(file, line, field, None if value is None else str(value), reason))

    if not isinstance(data, dict) or not isinstance(data.get("technologies"), list):
        raise InputError("the file must be a mapping with a list under 'technologies' — see docs/trl.md", file=file)
    for k in data:
        if k not in (*_TOP_KEYS, _LINE):
            fail(data[_LINE], k, None, f"unknown key (known: {', '.join(_TOP_KEYS)})")
    out: dict[str, list[dict]] = {}
    for n, entry in enumerate(data["technologies"], start=1):
        _read_entry(f"technologies[{n}]", entry, out, known, fail)
    if failures:
        raise ValidationError(failures, file=file)
    return out


def _load(path: str | Path, file: str) -> Any:
    try:
        return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_LineLoader)  # a SafeLoader
    except FileNotFoundError:
        raise InputError("no such file", file=file) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file=file) from None


def _read_entry(where: str, entry: Any, out: dict[str, list[dict]], known: set[str] | None, fail: _Fail) -> None:
    """One entry of `technologies`: its checked selectors go into `out` under the normalised technology."""
    if not isinstance(entry, dict):
        fail(None, where, entry, "each entry must be a mapping with technology and selectors")
        return
    line = entry[_LINE]
    for k in entry:
        if k not in (*_ENTRY_KEYS, _LINE):
            fail(line, f"{where}.{k}", None, f"unknown key (known: {', '.join(_ENTRY_KEYS)})")
    tech = normalise(str(entry.get("technology") or ""))
    if not tech:
        fail(line, f"{where}.technology", None, "empty: name the technology as in the assessment file")
        return
    where = f"{where} ({tech})"
    if tech in out:
        fail(line, f"{where}.technology", tech, "the technology appears twice")
        return
    sels = entry.get("selectors") or []
    if not isinstance(sels, list):
        fail(line, f"{where}.selectors", None, "must be a list of selectors")
        sels = []
    parsed = []
    for m, sel in enumerate(sels, start=1):
        clean = _read_selector(f"{where}.selectors[{m}]", sel, line, known, fail)
        if clean is not None:
            parsed.append(clean)
    out[tech] = parsed


def _read_selector(swhere: str, sel: Any, line: int, known: set[str] | None, fail: _Fail) -> dict | None:
    """A selector, checked and with its dimension values normalised; None (and failures) if it has a problem."""
    if not isinstance(sel, dict):
        fail(line, swhere, sel, "a selector must be a mapping (component, indicator, period, dimensions)")
        return None
    sline = sel[_LINE]
    ok = True
    for k in sel:
        if k not in (*SELECTOR_KEYS, _LINE):
            fail(sline, f"{swhere}.{k}", None, f"unknown key (known: {', '.join(SELECTOR_KEYS)})")
            ok = False
    comp = sel.get("component")
    if comp not in COMPONENTS:
        fail(sline, f"{swhere}.component", comp, f"component must be one of {', '.join(COMPONENTS)}")
        ok = False
    ind = sel.get("indicator")
    if not ind:
        fail(sline, f"{swhere}.indicator", None, "empty: name the indicator code")
        ok = False
    elif known is not None and ind not in known:
        fail(sline, f"{swhere}.indicator", ind, "unknown indicator; `sectorscope catalog` lists the codes")
        ok = False
    if sel.get("period") in (None, ""):
        fail(sline, f"{swhere}.period", None, "empty: name the period (e.g. '2025', '2025Q1', '2025/2030')")
        ok = False
    if not ok:
        return None
    clean = {"component": comp, "indicator": str(ind), "period": str(sel["period"])}
    for d in DIMENSIONS:
        if sel.get(d) not in (None, ""):
            clean[d] = normalise(str(sel[d]))
    if sel.get("note"):
        clean["note"] = str(sel["note"])
    return clean


# how the selectors of one component combine: shares of distinct application segments add up; growth rates
# and import dependences of several products are averaged
_COMBINE = {"growth": "mean", "import_dependence": "mean", "order_share": "sum"}


def _empty(s: pd.Series) -> pd.Series:
    return s.isna() | (s.astype(str).str.strip() == "")


def _bounds(rows: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Each figure's interval: the caller's lower/upper where given (the store's figures carry theirs, from
    store/figure_interval.py with rounding), else what its qualifier alone allows (the same definition)."""
    from ...store import interval_frame  # here: importing the TRL library needs no engine

    lower, upper = interval_frame(rows, rounding=False)
    if "lower" in rows:
        lower = rows["lower"].astype(float).fillna(lower)
    if "upper" in rows:
        upper = rows["upper"].astype(float).fillna(upper)
    return lower, upper


def select_components(observations: pd.DataFrame, selectors: Mapping[str, list[dict]]) -> pd.DataFrame:
    """The demand components of each technology, picked from an observations frame by its selectors.

    `observations` has obs_id, indicator, the dimensions, period, value, value_high, qualifier and unit
    (optionally lower/upper: the caller's interval of each figure, e.g. the `lo`, `hi` the store's figures
    carry). A selector matches observations with its indicator and period, each dimension it names equal to
    its value, region 中国 unless it names one, subject free unless it names one, and every other dimension
    empty. Bounds of a figure: lower/upper where given (NaN: not given), else what its qualifier allows
    (store/figure_interval.py without rounding): the value; at_least → upper +inf; at_most → lower −inf;
    range → value to value_high.
    Several figures matching one selector (the same figure quoted twice) give their mean with the envelope of
    their bounds; several selectors of one component combine by sum (order_share: distinct segments) or mean
    (growth, import_dependence).

    Returns one row per technology × component named in the selectors: technology, component, value, lower,
    upper, n_selectors, n_matched (selectors that found a figure), obs_ids (lineage, a list). A component whose
    selectors found nothing has NaN value: missing, not zero.
    """
    obs = observations
    rows = []
    for tech, sels in selectors.items():
        by_comp: dict[str, list[dict]] = {}
        for sel in sels:
            by_comp.setdefault(sel["component"], []).append(sel)
        for comp, group in by_comp.items():
            parts, ids = [], []
            for sel in group:
                m = (obs["indicator"] == sel["indicator"]) & (obs["period"].astype(str) == sel["period"])
                for d in DIMENSIONS:
                    if d not in obs.columns:
                        if d in sel:
                            m &= False
                        continue
                    if d in sel:
                        m &= obs[d] == sel[d]
                    elif d == "region":
                        m &= obs[d].fillna(DEFAULT_REGION).replace("", DEFAULT_REGION) == DEFAULT_REGION
                    elif d != "subject":
                        m &= _empty(obs[d])
                hit = obs[m]
                if hit.empty:
                    continue
                if "unit" in hit and not hit["unit"].isin(["%"]).all():
                    raise UnitError(f"{tech} / {comp}: selector {sel} matches a figure not in % "
                                     f"({', '.join(map(str, hit['unit'].unique()))})")
                lower, upper = _bounds(hit)
                parts.append((float(hit["value"].astype(float).mean()), float(lower.min()), float(upper.max())))
                ids.extend(hit["obs_id"].tolist())
            if parts:
                arr = np.array(parts)
                agg = np.sum if _COMBINE[comp] == "sum" else np.mean
                value, lower, upper = (float(agg(arr[:, k])) for k in range(3))
            else:
                value = lower = upper = np.nan
            rows.append({"technology": tech, "component": comp, "value": value, "lower": lower, "upper": upper,
                         "n_selectors": len(group), "n_matched": len(parts), "obs_ids": ids})
    return pd.DataFrame(rows, columns=["technology", "component", "value", "lower", "upper", "n_selectors",
                                       "n_matched", "obs_ids"])
