"""The report's words, in both languages, from the one glossary (present/glossary.yaml).

A section, a table or a column is named by its glossary key, so the page, the PDF and the workbook call a
thing what the notes, the CLI and the dashboard call it, and a translation is fixed in one place. The
words of a status, a severity, a change or a reading are the glossary's too (`term`); indicator names are
the catalog's.
"""
from __future__ import annotations

from ..present import heading, indicator_name, term
from .document import Column, Section, Table

__all__ = ["CITATION_KINDS", "column", "indicator_column", "noted", "page_words", "section", "table", "workbook_words"]

CITATION_KINDS = ("observed", "derived", "forecast")


def column(key: str, name: str | None = None, unit: str = "", *, kind: str = "text", digits: int = 1,
           width: float = 0.0) -> Column:
    """A table column `key` named by the glossary's column `name` (default: the key itself)."""
    label = name or key
    return Column(key, heading(label, "zh"), heading(label, "en"), unit, kind, digits, width)


def indicator_column(key: str, indicator: str, unit: str = "", *, kind: str = "text", digits: int = 1,
                     width: float = 0.0) -> Column:
    """A table column named after the indicator it holds (进口依存度, Import dependence), as the catalog names it."""
    return Column(key, indicator_name(indicator, "zh"), indicator_name(indicator, "en"), unit, kind, digits, width)


def section(key: str, text: str | None = None, **fill: object) -> Section:
    """A section titled by the glossary's `section` group, with the text `section_text.<text or key>`
    ({…} filled from `fill`)."""
    said = text or key
    return Section(key, term("section", key, "zh"), term("section", key, "en"),
                   term("section_text", said, "zh", **fill), term("section_text", said, "en", **fill))


def table(key: str, columns: list[Column], *, title: str | None = None, note: str | None = None,
          **fill: object) -> Table:
    """A table `key` titled by the glossary's `table.<title or key>`, with the note `table_note.<note>`
    when it has one ({…} filled from `fill`)."""
    name = title or key
    t = Table(key, term("table", name, "zh", **fill), term("table", name, "en", **fill), columns)
    return noted(t, note, **fill) if note else t


def noted(t: Table, note: str, **fill: object) -> Table:
    """`t` with the note `table_note.<note>` under it ({…} filled from `fill`)."""
    t.note_zh, t.note_en = term("table_note", note, "zh", **fill), term("table_note", note, "en", **fill)
    return t


def page_words(lang: str) -> dict[str, str]:
    """The HTML page's own words in `lang`: its title, headings and the words of its footnotes."""
    words = {k: term("report", k, lang) for k in ("title", "subtitle", "generated", "vintage", "contents", "sources",
                                                   "cites", "intro", "chars", "figure", "empty", "chart_sources")}
    words |= {k: term("column", k, lang) for k in ("formula", "interval", "method", "input_vintage")}
    words["inputs"] = term("column", "input_figure_ids", lang)
    words |= {k: term("citation_kind", k, lang) for k in CITATION_KINDS}
    words["observed"] = term("report", "quoted", lang)  # the badge of a footnote that quotes its source
    return words


_SHEET_COLUMNS = {"sheet": "sheet", "section": "section", "table": "table", "note": "note", "rows": "rows",
                  "n": "number", "kind": "kind", "obs_id": "figure_id", "source_id": "source",
                  "source_title": "source_title", "location": "location", "quote": "cited_text",
                  "quote_start": "quote_start", "quote_end": "quote_end", "formula": "formula",
                  "input_ids": "input_figure_ids", "method": "method", "interval": "interval",
                  "input_vintage": "input_vintage"}


def workbook_words(lang: str) -> dict[str, str]:
    """The workbook's own words in `lang`: its headers (by the field they head), the kinds of citation, its
    title and the titles of its contents and sources sheets."""
    words = {field: heading(name, lang) for field, name in _SHEET_COLUMNS.items()}
    words |= {k: term("citation_kind", k, lang) for k in CITATION_KINDS}
    words |= {"cites": term("report", "cites", lang), "title": term("report", "title", lang),
              "sources_title": term("report", "sources", lang), "contents_title": term("report", "contents", lang)}
    return words

