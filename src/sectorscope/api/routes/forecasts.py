"""Forecasts with their intervals, the history, the reports' own forecasts and the CAGR scenarios."""
from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ..deps import AsOf, ContextDep, FiltersDep
from ..models import ForecastList
from ..problems import problem_responses
from ..views import forecasts as views

__all__ = [
    "forecasts",
    "router",
]

router = APIRouter(tags=["forecasts"])


@router.get("/forecasts", response_model=ForecastList, responses=problem_responses(400, 404, 422, 503),
            summary="Forecast series with 80/95 % intervals beside the reports' own forecasts",
            description="Filters select series by indicator and dimensions and points by period; `source` and "
                        "`status` do not apply (every series is sectorscope's, status forecast).")
async def forecasts(ctx: ContextDep, f: FiltersDep, as_of: AsOf = None) -> JSONResponse:
    # The view's answer is JSON values already (convert.clean); sent as it is, without FastAPI validating it
    # against ForecastList again (10-50 ms for a few dozen series). tests/api/test_read_path.py checks that
    # the answer is a valid ForecastList and that validating would change nothing.
    # Kept until the store gains a vintage (views.forecasts.Answers).
    return JSONResponse(await ctx.read(lambda s: views.cached_forecasts(s, f, as_of)))
