"""Property-based API tests (schemathesis) from the app's own OpenAPI document, over real
HTTP against the real stack: whatever the parameters, no 500, and every answer matches
what the document promises (status codes, content types, response schemas).

schemathesis' pytest plugin does not run under pytest 9 (it reads a private attribute of
the test item), so each operation's strategy is driven by hypothesis directly.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from helpers import MANAGE_SCOPES, api_key

pytestmark = [pytest.mark.opensearch, pytest.mark.tika, pytest.mark.ocr]

EXAMPLES = 40


@pytest.fixture(scope="module")
def api_schema(live_server):
    return schemathesis.openapi.from_url(f"{live_server}/openapi.json")


@pytest.fixture(scope="module")
def auth(ingested_corpus):
    """A system that may also record status decisions (the status endpoints need 'manage')."""
    return {"Authorization": f"Bearer {api_key(ingested_corpus[0], *MANAGE_SCOPES, name='schemathesis')}"}


def _operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def test_every_api_operation_is_exercised(api_schema):
    labels = {op.label for op in _operations(api_schema)}
    assert {"GET /api/v1/search", "GET /api/v1/records/{record_id}", "GET /api/v1/records/{record_id}/file",
            "GET /api/v1/lookup", "POST /api/v1/records/{record_id}/reuse", "GET /healthz", "GET /readyz"} <= labels


@pytest.mark.parametrize("label", [
    "GET /api/v1/search", "GET /api/v1/records/{record_id}", "GET /api/v1/records/{record_id}/file",
    "GET /api/v1/records/{record_id}/similar", "GET /api/v1/lookup",
    "POST /api/v1/records/{record_id}/reuse", "GET /api/v1/records/{record_id}/status",
    "POST /api/v1/records/{record_id}/status", "GET /healthz", "GET /readyz",
])
def test_api_conforms_to_its_openapi(api_schema, auth, label):
    operation = next(op for op in _operations(api_schema) if op.label == label)

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate(headers=auth)

    check()
