"""Every chart drawn once in each language, for the tests that only read them."""
from __future__ import annotations

import pytest

from .inputs import all_charts


@pytest.fixture(scope="package")
def zh() -> dict[str, str]:
    return all_charts("zh")


@pytest.fixture(scope="package")
def en() -> dict[str, str]:
    return all_charts("en")
