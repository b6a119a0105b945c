"""Property-based contract run (schemathesis 4) against the live sandbox's own /openapi.json.

The schema is built at import from the same document the sandbox serves (schemathesis'
lazy ``from_fixture`` loader breaks on pytest 9: "'Function' object has no attribute
'_nodeid'"); ``test_served_document_is_the_tested_one`` pins that the live /openapi.json is that
document, and every case goes over real HTTP to the served sandbox.

Bounded: a few dozen examples per operation (< ~15 s). Checks: no 5xx, declared status codes,
content type, and every response body valid against the documented schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from conftest import HEADERS
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from juo_flowtest.sandbox import ManualClock, Sandbox
from juo_flowtest.sandbox.openapi import openapi_document

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture(scope="module")
def contract_sandbox() -> Iterator[Sandbox]:
    with Sandbox(clock=ManualClock()) as sb:
        yield sb


DOCUMENT = openapi_document("/customer/v1")
schema = schemathesis.openapi.from_dict(DOCUMENT)


def test_served_document_is_the_tested_one(contract_sandbox: Sandbox) -> None:
    root = contract_sandbox.base_url.removesuffix("/customer/v1")
    assert httpx.get(root + "/openapi.json").json() == json.loads(json.dumps(DOCUMENT))


@schema.parametrize()
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_contract(case: Any, contract_sandbox: Sandbox) -> None:
    root = contract_sandbox.base_url.removesuffix("/customer/v1")
    case.headers = {**(case.headers or {}), **HEADERS}
    case.call_and_validate(base_url=root + "/customer/v1", checks=CHECKS)


def test_contract_run_reaches_run_states(contract_sandbox: Sandbox) -> None:
    """The documented example start is among the cases, so 200 run states get validated too."""
    operation = schema["/workflows/start"]["POST"]
    case = operation.Case(body={"flowType": "subscription_cancellation_requested",
                                "context": {}}, headers=dict(HEADERS))
    response = case.call_and_validate(base_url=contract_sandbox.base_url, checks=CHECKS)
    assert response.status_code == 200
