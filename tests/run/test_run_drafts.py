"""Drafts pushed through a real sandbox's Admin API, and starts that run them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from juo_flowtest.base.errors import ConfigError, WorkflowDefinitionError
from juo_flowtest.run.drafts import (
    DRAFT_SUFFIX,
    DraftBinding,
    DraftStarts,
    check_for_juo,
    draft_id_for,
    push,
    read_drafts,
)
from juo_flowtest.sandbox import ManualClock, Sandbox
from juo_flowtest.sandbox.loading import EXAMPLES_DIR
from juo_flowtest.target.admin import AdminClient
from juo_flowtest.target.adminaccess import AdminAccess
from juo_flowtest.target.client import Auth

TENANT = "sandbox.myshopify.com"
CANCELLATION_ID = "969c549c-1f5f-57b8-ab4e-daaba1f2cb7d"
CANCEL = "subscription_cancellation_requested"


@pytest.fixture()
def served() -> Iterator[tuple[Sandbox, AdminClient, httpx.Client]]:
    with Sandbox(clock=ManualClock()) as sb, httpx.Client(timeout=10) as http:
        url = sb.base_url.removesuffix("/customer/v1") + "/admin/v1"
        yield sb, AdminClient(http, AdminAccess(url, TENANT, "sandbox-admin-key")), http


def edited_cancellation(tmp_path: Path, percentage: int = 25, wid: str = CANCELLATION_ID) -> Path:
    text = (EXAMPLES_DIR / "cancellation.workflow.yaml").read_text()
    text = text.replace("config: {percentage: 20, title",
                        f"config: {{percentage: {percentage}, title")
    text = text.replace(f"id: {CANCELLATION_ID}", f"id: {wid}")
    path = tmp_path / f"cancel-{percentage}.workflow.yaml"
    path.write_text(text)
    return path


def test_a_published_workflow_is_tried_through_a_draft_of_its_own(
        served: tuple[Sandbox, AdminClient, httpx.Client], tmp_path: Path) -> None:
    _, admin, _ = served
    (draft,) = read_drafts([str(edited_cancellation(tmp_path))])
    first = push(admin, draft)
    assert first.workflow_id == draft_id_for(CANCELLATION_ID) != CANCELLATION_ID
    assert (first.version, first.trigger_type) == (1, CANCEL)
    assert first.name == "Cancellation flow" + DRAFT_SUFFIX
    assert first.stands_for == CANCELLATION_ID  # its runs weigh the published one's traffic
    assert admin.get_workflow(CANCELLATION_ID)["status"] == "published"  # untouched
    assert admin.get_workflow(first.workflow_id)["status"] == "draft"
    (changed,) = read_drafts([str(edited_cancellation(tmp_path, 30))])
    second = push(admin, changed)  # the same draft, updated in place, still a draft
    assert second.workflow_id == first.workflow_id
    steps = admin.get_workflow(second.workflow_id)["steps"]
    offer = next(s for s in steps if s["id"] == "discount_20_offer")
    assert offer["action"]["config"]["percentage"] == 30
    assert len(admin.list_workflows(status="draft")) == 1


def test_a_new_workflow_becomes_a_draft_with_its_own_id(
        served: tuple[Sandbox, AdminClient, httpx.Client], tmp_path: Path) -> None:
    _, admin, _ = served
    wid = "0e0d0c0b-0a09-4807-8605-040302010000"
    (draft,) = read_drafts([str(edited_cancellation(tmp_path, wid=wid))])
    binding = push(admin, draft)
    assert (binding.workflow_id, binding.name, binding.stands_for) == (wid, "Cancellation flow", "")
    assert push(admin, draft).workflow_id == wid  # a draft of that id: updated


def test_a_draft_archived_by_hand_is_not_reused(
        served: tuple[Sandbox, AdminClient, httpx.Client], tmp_path: Path) -> None:
    _, admin, _ = served
    (draft,) = read_drafts([str(edited_cancellation(tmp_path))])
    admin.archive(push(admin, draft).workflow_id)
    with pytest.raises(ConfigError, match="published or archived by hand"):
        push(admin, draft)


def test_starts_of_the_drafted_trigger_run_the_draft(
        served: tuple[Sandbox, AdminClient, httpx.Client], tmp_path: Path) -> None:
    sb, admin, http = served
    (draft,) = read_drafts([str(edited_cancellation(tmp_path))])
    binding = push(admin, draft)
    client = DraftStarts(http, sb.base_url, TENANT, Auth("delegated", "sandbox-token"))
    client.bind([binding], dry_run=True)
    state = client.start({"flowType": CANCEL, "context": {}}).body
    assert (state["workflowId"], state["result"]["dryRun"]) == (binding.workflow_id, True)
    assert client.take_used() == (binding,) and client.take_used() == ()
    own = client.start({"flowType": CANCEL, "context": {}, "workflowId": CANCELLATION_ID}).body
    assert own["workflowId"] == CANCELLATION_ID  # a flow that names its workflow keeps it
    other = client.start({"flowType": "subscription_pause_requested", "context": {}}).body
    assert other["workflowId"] != binding.workflow_id and client.take_used() == ()
    sent = client.start({"flowType": CANCEL, "context": {}}).exchange.request_body
    assert sent["workflowId"] == binding.workflow_id and sent["dryRun"] is True


def test_drafts_are_checked_before_anything_is_pushed(tmp_path: Path) -> None:
    bad = tmp_path / "bad.workflow.yaml"
    bad.write_text("id: x\nname: X\n")
    with pytest.raises(WorkflowDefinitionError):
        read_drafts([str(bad)])
    one, two = edited_cancellation(tmp_path, 25), edited_cancellation(tmp_path, 30)
    with pytest.raises(ConfigError, match="one draft per trigger type"):
        read_drafts([str(one), str(two)])
    portal = read_drafts([str(EXAMPLES_DIR / "portal-renew.workflow.yaml")])
    with pytest.raises(ConfigError, match="timeout transition without targetStepId"):
        check_for_juo(portal)  # the sandbox's abandonment extension never goes to Juo
    check_for_juo(read_drafts([str(one)]))


def test_a_binding_travels_as_data() -> None:
    binding = DraftBinding("/x/cancel.workflow.yaml", "id-1", 2, "Cancel", CANCEL, "id-0")
    assert DraftBinding.from_data(json.loads(json.dumps(binding.to_data()))) == binding
    assert binding.label == "Cancel v2, id id-1, from cancel.workflow.yaml"
