"""The one Jinja environment the notes are rendered with, and what every note's table cells share.

The notes (audit.md, analytics.md, forecast.md) are plain Markdown for an analyst's editor: no HTML escaping,
a trailing newline kept, a table cell never broken by the text it holds. One environment means one set of
these rules, and every template reaches the glossary through the same `t`.
"""
from __future__ import annotations

import functools
from pathlib import Path

import jinja2

from ...present import glossary, missing

__all__ = ["cell", "render", "write_notes"]


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("sectorscope.report.notes", "templates"),
                              autoescape=False, keep_trailing_newline=True)


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell: | and \\ escaped, line breaks as spaces, nothing for a
    missing value."""
    s = "" if missing(text) else str(text)
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def render(template: str, lang: str, **context: object) -> str:
    """A note's template in `lang`; `t("group.key")` in a template is the glossary's word in that language."""
    words = glossary()

    def t(key: str) -> str:
        group, _, name = key.partition(".")
        return words.term(group, name, lang)

    return _environment().get_template(template).render(zh=lang != "en", t=t, cell=cell, **context)


def write_notes(stem: str, texts: dict[str, str], out_dir: str | Path) -> list[Path]:
    """Write one note per language: `stem`.md for zh, `stem`.LANG.md for the others; the paths in the
    order given."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for lang, text in texts.items():
        path = out / (f"{stem}.md" if lang == "zh" else f"{stem}.{lang}.md")
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
