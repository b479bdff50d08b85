"""What every body of the API is built from: nullable scalars and a model that refuses unknown fields, so
a client's typo is an error rather than something silently dropped."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["ApiModel", "Int", "Num", "Str"]

Str = str | None
Num = float | None
Int = int | None


class ApiModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
