"""Documentation that cannot go stale (datasette's habit): the CLI reference is generated from the commands,
and every API route and every settings key sectorscope ships is named in docs/."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from sectorscope.cli.reference import cli_reference, commands

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"


def _docs_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md")))


def test_the_cli_reference_is_what_the_commands_say():
    committed = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert committed == cli_reference(), "docs/cli.md is stale: python -m sectorscope.cli.reference > docs/cli.md"


def test_every_command_and_option_is_in_the_cli_reference():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    names = commands()
    assert {n for n, _ in names} >= {"run", "load", "query", "vintages", "catalog", "extract", "audit",
                                     "audit choose", "analyse", "forecast", "report", "diff", "alerts", "export",
                                     "serve", "token"}
    for name, cmd in names:
        assert f"## `sectorscope {name}`" in text
        for p in cmd.params:
            for opt in getattr(p, "opts", []):
                if opt.startswith("-"):
                    assert f"`{opt}`" in text, (name, opt)


def _normal(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def test_every_api_route_is_documented(default_store_path):
    from sectorscope.api import create_app

    app = create_app(default_store_path)
    text = _normal((DOCS / "api.md").read_text(encoding="utf-8"))
    missing = []
    for route in app.routes:
        path = getattr(route, "path", "")
        if not path.startswith("/api/") or path in ("/api/openapi.json", "/api/docs", "/api/redoc",
                                                    "/api/docs/oauth2-redirect"):
            continue
        short = _normal(path.removeprefix("/api"))
        if not re.search(re.escape(short) + r"(?![\w/{])", text):
            missing.append(path)
    assert not missing, f"routes missing from docs/api.md: {missing}"


def _keys(obj: object) -> set[str]:
    out: set[str] = set()
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.add(str(k))
            out |= _keys(v)
    elif isinstance(obj, list):
        for v in obj:
            out |= _keys(v)
    return out


def _declared_keys() -> set[str]:
    """Keys the parsers accept, as they declare them."""
    from sectorscope.analytics.indices import _METHOD_KEYS
    from sectorscope.analytics.trl.selection import _ENTRY_KEYS, SELECTOR_KEYS
    from sectorscope.model.rules import _PART_WHOLE_KEYS
    from sectorscope.monitor.alert_rules import _COMMON_KEYS, _KIND_KEYS

    keys = set(_METHOD_KEYS) | set(SELECTOR_KEYS) | set(_ENTRY_KEYS) | set(_PART_WHOLE_KEYS) | set(_COMMON_KEYS)
    for extra in _KIND_KEYS.values():
        keys |= set(extra)
    return keys


def test_every_settings_key_is_documented():
    data = REPO / "data" / "default"
    files = [*data.glob("*.yaml"), *(data / "analytics").glob("*.yaml")]
    assert len(files) >= 4
    used = set().union(*(_keys(yaml.safe_load(f.read_text(encoding="utf-8"))) for f in files))
    # setting names are identifiers; keys such as product names (tiers: {通用型微型电机: 低端}) are data
    keys = {k for k in used | _declared_keys() if re.fullmatch(r"[a-z_][a-z0-9_]*", k)}
    text = _docs_text()
    missing = sorted(k for k in keys if f"`{k}`" not in text and f"{k}:" not in text)
    assert not missing, f"settings keys not named in docs/: {missing}"


def test_every_environment_setting_is_documented():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    src = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "src").rglob("*.py"))
    read = re.findall(r"(?:environ\.get\(|environ\[|envvar=)\s*\"(SECTORSCOPE_[A-Z_]+)\"", src)
    assert "SECTORSCOPE_STORE" in read
    for var in sorted(set(read)):
        assert f"`{var}`" in text, var
