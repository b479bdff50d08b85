"""schemathesis against the OpenAPI document of the running server: no server error, no undocumented status
or content type, no response that breaks its schema — for every operation, reads and (refused) writes, with
data that fits the schema and data that does not (which must be refused with a 4xx).

Bounded: 20 positive and 10 negative examples per operation, no deadline. One test per operation, collected
from the app's own document (it does not depend on the store); each runs against the live server's document.

(schemathesis 4.32's `pytest.from_fixture` reads a private attribute pytest 9 no longer has, so the cases
come from `APIOperation.as_strategy` under Hypothesis directly — the same generation and the same checks.)
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sectorscope.api import create_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 20, GenerationMode.NEGATIVE: 10}
# (path, method, mode); negative data only where there is something to get wrong (parameters or a body)
CASES = sorted((path, method.upper(), mode) for path, ops in create_app("unused.duckdb").openapi()["paths"].items()
               for method, op in ops.items() for mode in EXAMPLES
               if path.startswith("/api/")
               and (mode is GenerationMode.POSITIVE or op.get("parameters") or op.get("requestBody")))


@pytest.fixture(scope="session")
def api_schema(server):
    return schemathesis.openapi.from_url(f"{server.base}/api/openapi.json")


@pytest.mark.parametrize("path, method, mode", CASES, ids=[f"{m} {p} {g}" for p, m, g in CASES])
def test_api_conforms_to_its_openapi_document(api_schema, server, path, method, mode):
    operation = api_schema[path][method]
    checks = CHECKS + ([negative_data_rejection] if mode is GenerationMode.NEGATIVE else [])

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES[mode], deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
              database=None)
    def run(case):
        case.call_and_validate(base_url=server.base, checks=checks, timeout=60)

    run()
