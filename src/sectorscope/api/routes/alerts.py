"""Alert rules evaluated on a vintage."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query

from ...errors import InputError
from ...ingest import default_dataset_dir
from ..deps import AS_OF_PATTERN, AsOf, ContextDep
from ..models import AlertList
from ..problems import ApiProblem, problem_responses
from ..settings import ApiSettings, confined
from ..views import alerts as views

__all__ = [
    "alerts",
    "default_rules",
    "router",
]

router = APIRouter(tags=["alerts"])


def default_rules(settings: ApiSettings) -> Path | None:
    """The rules the operator configured, else the dataset's alerts.yaml, else the embedded dataset's."""
    if settings.rules_path is not None:
        return settings.rules_path
    for folder in (settings.dataset_dir,):
        if folder is not None and (folder / "alerts.yaml").is_file():
            return folder / "alerts.yaml"
    try:
        p = default_dataset_dir() / "alerts.yaml"
    except InputError:
        return None
    return p if p.is_file() else None


@router.get("/alerts", response_model=AlertList, responses=problem_responses(400, 403, 404, 422, 503),
            summary="The alerts the rules raise on a vintage (thresholds, forecast misses, revisions)")
async def alerts(ctx: ContextDep, as_of: AsOf = None,
                 since: Annotated[str | None, Query(max_length=64, pattern=AS_OF_PATTERN,
                                                    description="Revision rules compare with this vintage")] = None,
                 rules: Annotated[str | None, Query(max_length=255, description="A rule file (YAML) in the "
                                                    "server's data directory; the configured rules by default")] = None,
                 ) -> dict:
    if rules is not None:
        path = confined(ctx.settings.data_dir, rules, suffixes=(".yaml", ".yml"))
        shown = str(path.relative_to(ctx.settings.data_dir.resolve()))
    else:
        configured = default_rules(ctx.settings)
        if configured is None:
            raise ApiProblem(404, "no-rules", "no alert rules are configured; the operator passes --rules, or name a "
                             "rule file in the data directory with rules=")
        path, shown = configured, configured.name
    return await ctx.read(lambda s: views.alerts(s, path, shown, as_of, since))
