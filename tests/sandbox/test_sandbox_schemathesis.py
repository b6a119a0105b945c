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
from hypothesis import HealthCheck, settings
from sandbox_api import HEADERS
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from juo_flowtest.sandbox import ManualClock, Sandbox
from juo_flowtest.sandbox.adminopenapi import combined
from juo_flowtest.sandbox.openapi import openapi_document

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture(scope="module")
def contract_sandbox() -> Iterator[Sandbox]:
    with Sandbox(clock=ManualClock()) as sb:
        yield sb


DOCUMENT = combined(openapi_document("/customer/v1"), "/customer/v1")
#: Customer calls carry the customer token, Admin calls the Admin key (each API ignores the
#: other's header).
ALL_HEADERS = {**HEADERS, "X-Juo-Admin-Api-Key": "sandbox-admin-key"}
schema = schemathesis.openapi.from_dict(DOCUMENT)
customer_schema = schema.exclude(path_regex="^/admin/")
admin_schema = schema.include(path_regex="^/admin/")


def test_served_document_is_the_tested_one(contract_sandbox: Sandbox) -> None:
    root = contract_sandbox.base_url.removesuffix("/customer/v1")
    assert httpx.get(root + "/openapi.json").json() == json.loads(json.dumps(DOCUMENT))


@customer_schema.parametrize()
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_contract(case: Any, contract_sandbox: Sandbox) -> None:
    root = contract_sandbox.base_url.removesuffix("/customer/v1")
    case.headers = {**(case.headers or {}), **ALL_HEADERS}
    case.call_and_validate(base_url=root, checks=CHECKS)


# The Admin API's bodies are deep (steps, transitions): generating them is slow, so fewer
# examples per operation; tests/sandbox/test_sandbox_admin_contract.py walks it by hand.
@admin_schema.parametrize()
@settings(max_examples=3, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_admin_contract(case: Any, contract_sandbox: Sandbox) -> None:
    root = contract_sandbox.base_url.removesuffix("/customer/v1")
    case.headers = {**(case.headers or {}), **ALL_HEADERS}
    case.call_and_validate(base_url=root, checks=CHECKS)


def test_contract_run_reaches_run_states(contract_sandbox: Sandbox) -> None:
    """The documented example start is among the cases, so 200 run states get validated too."""
    operation = schema["/customer/v1/workflows/start"]["POST"]
    case = operation.Case(body={"flowType": "subscription_cancellation_requested",
                                "context": {}}, headers=dict(HEADERS))
    root = contract_sandbox.base_url.removesuffix("/customer/v1")
    response = case.call_and_validate(base_url=root, checks=CHECKS)
    assert response.status_code == 200
