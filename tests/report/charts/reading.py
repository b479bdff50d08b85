"""Reading a chart's SVG back: elements by id, marker positions, path coordinates, the texts and whether the
font can draw them."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import lru_cache

from fontTools.ttLib import TTFont

from sectorscope.report.fonts import cjk_font_family, cjk_font_path

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def texts(svg: str) -> list[str]:
    """The content of every <text> element (matplotlib writes one per line of a multi-line label)."""
    return ["".join(t.itertext()) for t in parse(svg).iter(f"{SVG}text")]


def by_id(root: ET.Element, ident: str) -> ET.Element:
    found = [e for e in root.iter() if e.get("id") == ident]
    assert len(found) == 1, f"{ident}: {len(found)} elements"
    return found[0]


def ids_matching(root: ET.Element, pattern: str) -> list[str]:
    return [i for e in root.iter() if (i := e.get("id")) and re.fullmatch(pattern, i)]


def markers(group: ET.Element) -> list[tuple[float, float]]:
    """The positions of the markers (<use> of the marker path) in an artist's group."""
    return [(float(u.attrib["x"]), float(u.attrib["y"])) for u in group.iter(f"{SVG}use")]


def path_xs(group: ET.Element) -> list[float]:
    d = next(group.iter(f"{SVG}path")).attrib["d"]
    nums = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", d)]
    return nums[0::2]


def path_ys(group: ET.Element) -> list[float]:
    d = next(group.iter(f"{SVG}path")).attrib["d"]
    nums = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", d)]
    return nums[1::2]


@lru_cache(maxsize=1)
def font_cmap() -> frozenset[int]:
    """The code points of the Noto Sans CJK SC face (the .ttc's face whose family says SC)."""
    path = cjk_font_path()
    if path.suffix.lower() != ".ttc":
        return frozenset(TTFont(path).getBestCmap())
    for number in range(20):
        face = TTFont(path, fontNumber=number)
        if face["name"].getDebugName(1) == cjk_font_family():
            return frozenset(face.getBestCmap())
    raise AssertionError(f"no face named {cjk_font_family()} in {path}")


def assert_glyphs_exist(svg: str) -> None:
    missing = {ch for s in texts(svg) for ch in s if not ch.isspace() and ord(ch) not in font_cmap()}
    assert not missing, f"characters the font cannot draw: {sorted(missing)}"

