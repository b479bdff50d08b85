"""What a report holds, whatever it is rendered to: sections of tables whose rows cite their figures.

HTML, PDF and XLSX are renderings of one `ReportData`, so the workbook's sheets and the page's tables cannot
disagree. Every row names the citations (footnote numbers) of the figures it shows; every citation says where
its number came from: a quote for an observed figure, the formula and inputs for a derived one, the model and
interval for a forecast.

(The module is `document`, not `model`: `sectorscope.model` is the data model of the store's figures.)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..present import unit_label

__all__ = ["Citation", "CitationKind", "Column", "ReportData", "Section", "Table"]

CitationKind = Literal["observed", "derived", "forecast"]


@dataclass(frozen=True)
class Column:
    """A table column. `unit` goes into the header ("市场规模(亿元)"), never into the cells, so a workbook's
    cells stay numbers. `kind` is "text", "number" (a float shown with `digits` decimals), "auto" (four
    significant figures, for columns whose magnitudes vary) or "int"."""

    key: str
    label_zh: str
    label_en: str
    unit: str = ""
    kind: str = "text"
    digits: int = 1
    width: float = 0.0  # relative width on paper; 0: by kind (text 3, numbers 1)

    def weight(self) -> float:
        return self.width or (3.0 if self.kind == "text" else 1.0)

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh

    def header(self, lang: str) -> str:
        """The label with its unit, the unit as the presentation layer names it in `lang`: 市场规模(亿元),
        Market size (CNY 100 m)."""
        text = self.label(lang)
        if not self.unit:
            return text
        unit = unit_label(self.unit, lang)
        return f"{text} ({unit})" if lang == "en" else f"{text}({unit})"


@dataclass
class Table:
    """One table: `rows` map column keys to values (numbers as int/float, missing as None);
    `cites[i]` lists the citation numbers behind row i."""

    key: str  # ASCII, unique in the report: the workbook's sheet name is made from it
    title_zh: str
    title_en: str
    columns: list[Column]
    rows: list[dict[str, object]] = field(default_factory=list)
    cites: list[list[int]] = field(default_factory=list)
    note_zh: str = ""
    note_en: str = ""

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh

    def note(self, lang: str) -> str:
        return self.note_en if lang == "en" else self.note_zh

    def widths(self) -> list[float]:
        """Column widths in % of the page, the citation column last: fixed table layout (fast in WeasyPrint)
        needs them, or every column gets the same width."""
        weights = [c.weight() for c in self.columns] + [1.6]
        total = sum(weights)
        return [round(100 * w / total, 1) for w in weights]

    def all_cites(self) -> list[int]:
        """Every citation of the table: what its title (a period, an index's source table) refers to."""
        return sorted({n for c in self.cites for n in c})

    def add(self, row: dict[str, object], cites: list[int]) -> None:
        self.rows.append(row)
        self.cites.append(sorted(set(cites)))


@dataclass(frozen=True)
class Citation:
    """Where one number came from. Observed: the source, location and quote. Derived: the formula and the
    ids of its inputs. Forecast: the model, the interval and the vintage it was made from."""

    n: int
    kind: CitationKind
    obs_id: int
    source_id: str
    source_title: str = ""
    location: str = ""
    quote: str = ""
    quote_start: int | None = None
    quote_end: int | None = None
    formula: str = ""
    input_ids: str = ""
    method: str = ""
    interval: str = ""
    input_vintage: int | None = None


@dataclass
class Section:
    key: str
    title_zh: str
    title_en: str
    text_zh: str = ""
    text_en: str = ""
    tables: list[Table] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)  # chart keys; the SVGs are in ReportData.charts

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh

    def text(self, lang: str) -> str:
        return self.text_en if lang == "en" else self.text_zh


@dataclass
class ReportData:
    lang: str
    vintage_id: int | None
    vintage_label: str
    generated: str
    sections: list[Section] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    charts: dict[str, str] = field(default_factory=dict)  # key → SVG text
    chart_cites: dict[str, list[int]] = field(default_factory=dict)  # key → the citations of the plotted figures

    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]
