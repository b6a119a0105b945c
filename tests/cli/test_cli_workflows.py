"""``juo-flowtest workflows pull|diff`` against a real served sandbox loaded with workflows
written here: files per workflow, a byte-identical second pull, pulled copies that run the
same, diff's exit codes and wording, and the key never printed."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from juo_flowtest.cli.main import main
from juo_flowtest.flowfile import loader
from juo_flowtest.run.runner import run_flow
from juo_flowtest.sandbox import ManualClock, Sandbox
from juo_flowtest.sandbox.loading import load_directory
from juo_flowtest.target.client import Auth, JuoClient
from juo_flowtest.workflows.document import content

TENANT = "sandbox.myshopify.com"
KEY = "sandbox-admin-key"
RETENTION = str(uuid.UUID(int=1))
WINBACK = str(uuid.UUID(int=2))
RETENTION_FILE = f"""\
id: {RETENTION}
name: Retention (Ünïcode — "quotes")
version: 4
status: published
triggerType: subscription_cancellation_requested
description: "Written by the test: values YAML 1.1 would misread"
trigger:
  id: t
  type: subscription_cancellation_requested
  category: customer_initiated
  conditions:
    rootLogic: and
    groups:
      - id: g
        logic: and
        items:
          - id: active
            left: {{resolver: context, params: {{path: subscription.status}}}}
            operator: equals
            right: {{resolver: value, params: {{value: active}}}}
steps:
  - id: ask
    name: Ask
    isInitial: true
    action:
      id: ask_a
      type: poll
      config:
        question: "Why?\\nReally?"
        options: [{{id: "yes", label: "on"}}, {{id: "0123", label: "2024-05-01"}}]
    transitions:
      - {{id: t_yes, type: response, responseType: "yes", targetStepId: offer}}
      - {{id: t_num, type: response, responseType: "0123", targetStepId: done}}
  - id: offer
    name: Offer
    action: {{id: offer_a, type: offer_discount, config: {{percentage: 10, cycles: 3}}}}
    transitions:
      - {{id: accept, type: response, responseType: accept, targetStepId: done}}
      - {{id: decline, type: response, responseType: decline, targetStepId: done}}
      - {{id: late, type: timeout, timeout: 60000, targetStepId: done}}
  - id: done
    name: Done
    isFinal: true
    action: {{id: d, type: end, config: {{outcome: {{type: saved}}, category: retained}}}}
    transitions: []
"""
WINBACK_FILE = f"""\
id: {WINBACK}
name: Winback draft
version: 1
status: draft
triggerType: customer_portal_opened
trigger: {{id: t, type: customer_portal_opened, category: customer_initiated}}
steps:
  - id: hello
    name: Hello
    isInitial: true
    action: {{id: h, type: show_content, config: {{title: Hi}}}}
    transitions: [{{id: n, type: response, responseType: next, targetStepId: bye}}]
  - {{id: bye, name: Bye, isFinal: true, action: {{id: b, type: end}}}}
"""
FLOW = """\
flow: A saved customer
start:
  flowType: subscription_cancellation_requested
  context: {subscription: {status: active}}
expect: {status: waiting_interaction, pending: {stepId: ask, availableResponses: ["yes", "0123"]}}
steps:
  - respond: "yes"
    expect: {pending: {actionType: offer_discount, actionConfig: {percentage: 10}}}
  - respond: accept
    expect: {status: completed, outcome: {type: saved}, endStep: {category: retained}}
"""


@pytest.fixture()
def originals(tmp_path: Path) -> Path:
    folder = tmp_path / "originals"
    folder.mkdir()
    (folder / "retention.workflow.yaml").write_text(RETENTION_FILE, encoding="utf-8")
    (folder / "winback.workflow.yaml").write_text(WINBACK_FILE, encoding="utf-8")
    return folder


@pytest.fixture()
def served(originals: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
           ) -> Iterator[Sandbox]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JUO_ADMIN_API_KEY", KEY)
    with Sandbox(originals, clock=ManualClock()) as sb:
        yield sb


def run(sb: Sandbox, *args: str) -> int:
    return main(["workflows", *args, "--juo-base-url", sb.base_url, "--juo-tenant", TENANT])


def admin(sb: Sandbox) -> httpx.Client:
    root = sb.base_url.removesuffix("/customer/v1")
    return httpx.Client(base_url=root + "/admin/v1",
                        headers={"X-Tenant-ID": TENANT, "X-Juo-Admin-Api-Key": KEY})


def test_pull_writes_one_readable_file_per_workflow_and_a_lock(
        served: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(served, "pull", "--out", "pulled") == 0
    out = tmp_path / "pulled"
    files = sorted(p.name for p in out.iterdir())
    assert files == ["retention-unicode-quotes.workflow.yaml", "winback-draft.workflow.yaml",
                     "workflows.lock.json"]
    text = (out / "retention-unicode-quotes.workflow.yaml").read_text("utf-8")
    assert text.startswith("# Retention (Ünïcode — \"quotes\"): pulled from http://127.0.0.1:")
    assert "\nid: " + RETENTION + "\nname: " in text and "\nsteps:\n  - id: ask\n" in text
    assert "{" not in text.split("\n", 3)[3]  # block style, no flow mappings
    lock = json.loads((out / "workflows.lock.json").read_text())
    assert [(w["name"], w["version"], w["status"]) for w in lock["workflows"]] == [
        ('Retention (Ünïcode — "quotes")', 4, "published"), ("Winback draft", 1, "draft")]
    assert all(w["hash"].startswith("sha256:") for w in lock["workflows"])
    assert lock["tenant"] == TENANT
    printed = capsys.readouterr().out
    assert "Pulled 2 workflows" in printed and "new " in printed


def test_pulled_copies_are_the_same_definitions_and_run_the_same(
        served: Sandbox, originals: Path, tmp_path: Path) -> None:
    assert run(served, "pull", "--out", "pulled") == 0
    before = {w.id: w for w in load_directory(originals)}
    after = {w.id: w for w in load_directory(tmp_path / "pulled")}
    assert before.keys() == after.keys()
    for wid, workflow in before.items():
        assert content(after[wid].definition) == content(workflow.definition)
        assert (after[wid].version, after[wid].status) == (workflow.version, workflow.status)
    flow_file = tmp_path / "saved.flow.yaml"
    flow_file.write_text(FLOW, encoding="utf-8")
    (flow,) = loader.load_file(flow_file).flows
    verdicts = []
    for folder in (originals, tmp_path / "pulled"):
        with Sandbox(folder) as sb, httpx.Client(timeout=10) as http:
            client = JuoClient(http, sb.base_url, TENANT, Auth("delegated", "sandbox-token"))
            result = run_flow(flow, None, client)
            verdicts.append((result.verdict.value, result.message))
    assert verdicts == [("passed", ""), ("passed", "")]


def test_a_second_pull_changes_no_byte(served: Sandbox, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert run(served, "pull", "--out", "pulled") == 0
    out = tmp_path / "pulled"
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()}
    capsys.readouterr()
    assert run(served, "pull", "--out", "pulled") == 0
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()} == before
    printed = capsys.readouterr().out
    assert printed.count("unchanged") == 3  # two files and the lock


def test_diff_is_0_when_equal_then_1_naming_the_step_after_put_and_publish(
        served: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(served, "pull", "--out", "pulled") == 0
    assert run(served, "diff", "--dir", "pulled") == 0
    assert "No differences." in capsys.readouterr().out
    with admin(served) as api:
        workflow = api.get(f"/workflows/{RETENTION}").json()
        workflow["steps"][1]["action"]["config"]["percentage"] = 15
        workflow["steps"][0]["transitions"][1]["targetStepId"] = "offer"
        assert api.put(f"/workflows/{RETENTION}", json={"steps": workflow["steps"]}).status_code == 200
        assert api.post(f"/workflows/{RETENTION}/publish").json()["version"] == 5
    assert run(served, "diff", "--dir", "pulled", "--output", "diff.md") == 1
    printed = capsys.readouterr().out
    assert "version 4 -> 5" in printed
    assert "~ step 'offer' [action config]: action config: percentage 10 -> 15" in printed
    assert "~ step 'ask' [transitions]: transition 't_num'" in printed
    assert "target 'done' -> 'offer'" in printed
    markdown = (tmp_path / "diff.md").read_text()
    assert markdown.startswith("## ❌ Workflow definitions: 1 differ from the target")
    assert "step `offer` (action config)" in markdown


def test_diff_names_added_removed_and_status_changes(
        served: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(served, "pull", "--out", "pulled") == 0
    with admin(served) as api:
        api.post(f"/workflows/{WINBACK}/archive")  # archived: out of the selection -> "only here"
        steps = api.get(f"/workflows/{RETENTION}").json()["steps"]
        steps.append({"id": "extra", "name": "Extra", "isFinal": True,
                      "action": {"id": "x", "type": "end"}})
        api.put(f"/workflows/{RETENTION}", json={"steps": [s for s in steps if s["id"] != "offer"] and [
            {**steps[0], "transitions": [t for t in steps[0]["transitions"]
                                         if t["id"] != "t_yes"]}, *steps[2:]]})
        created = api.post("/workflows", json={"name": "New one", "triggerType": "x", "steps": steps[2:3],
                                     "trigger": {"id": "t", "type": "x",
                                                 "category": "customer_initiated"}})
        assert created.status_code == 422  # the final step alone has no initial step
    capsys.readouterr()
    assert run(served, "diff", "--dir", "pulled") == 1
    printed = capsys.readouterr().out
    assert f"- Winback draft ({WINBACK}): only here" in printed
    assert "- step 'offer' (offer_discount): only here" in printed
    assert "+ step 'extra' (end): on the target only" in printed
    assert "transition - 't_yes'" in printed


def test_filters_choose_what_is_pulled_and_the_lock_keeps_the_choice(
        served: Sandbox, tmp_path: Path) -> None:
    assert run(served, "pull", "--out", "drafts", "--status", "draft") == 0
    assert sorted(p.name for p in (tmp_path / "drafts").glob("*.yaml")) == [
        "winback-draft.workflow.yaml"]
    assert run(served, "pull", "--out", "one", "--id", RETENTION) == 0
    assert [p.name for p in (tmp_path / "one").glob("*.yaml")] == [
        "retention-unicode-quotes.workflow.yaml"]
    assert run(served, "pull", "--out", "portal", "--trigger-type", "customer_portal_opened") == 0
    assert len(list((tmp_path / "portal").glob("*.yaml"))) == 1
    assert run(served, "diff", "--dir", "drafts") == 0  # the lock's selection: drafts only


def test_a_renamed_workflow_keeps_its_file_and_a_deleted_one_is_reported(
        served: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(served, "pull", "--out", "pulled") == 0
    with admin(served) as api:
        api.put(f"/workflows/{RETENTION}", json={"name": "Retention v5"})
        api.delete(f"/workflows/{WINBACK}")
    capsys.readouterr()
    assert run(served, "pull", "--out", "pulled") == 0
    captured = capsys.readouterr()
    assert re.search(r"changed +retention-unicode-quotes.workflow.yaml +Retention v5", captured.out)
    assert "Winback draft" in captured.err and "is kept" in captured.err
    assert (tmp_path / "pulled" / "winback-draft.workflow.yaml").is_file()
    data = yaml.safe_load((tmp_path / "pulled" / "retention-unicode-quotes.workflow.yaml").read_text())
    assert data["name"] == "Retention v5"


def test_the_embedded_sandbox_can_be_pulled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            originals: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JUO_ADMIN_API_KEY", raising=False)
    assert main(["workflows", "pull", "--out", "pulled",
                 "--juo-sandbox-workflows", str(originals)]) == 0
    lock = json.loads((tmp_path / "pulled" / "workflows.lock.json").read_text())
    assert lock["source"] == "the embedded sandbox" and len(lock["workflows"]) == 2


def test_exit_codes_and_no_key_in_any_output(
        served: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    secret = "adm-SECRET-91c2"
    monkeypatch.setenv("JUO_ADMIN_API_KEY", secret)
    assert run(served, "pull", "--out", "pulled") == 2  # the target refuses the key: 401
    captured = capsys.readouterr()
    assert "401 unauthorized" in captured.err and secret not in captured.out + captured.err
    monkeypatch.setenv("JUO_ADMIN_API_KEY", KEY)
    assert main(["workflows", "diff", "--dir", "pulled", "--juo-base-url",
                 "http://127.0.0.1:9/customer/v1", "--juo-tenant", TENANT]) == 3
    assert "unreachable" in capsys.readouterr().err
    assert run(served, "diff", "--dir", "nowhere") == 2
    assert main(["workflows", "pull", "--nope"]) == 2
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "x.workflow.yaml").write_text("id: [unclosed\n")
    capsys.readouterr()
    assert run(served, "diff", "--dir", "bad") == 2
    assert "x.workflow.yaml:2:1: error: YAML syntax error" in capsys.readouterr().err
    (tmp_path / "pyproject.toml").write_text(
        '[tool.juo_flowtest.environments.staging]\nbase_url = "http://127.0.0.1:9/customer/v1"\n'
        'admin_token_env = "STAGING_ADMIN_KEY"\n')
    monkeypatch.delenv("JUO_ADMIN_API_KEY")
    assert main(["workflows", "pull", "--juo-env", "staging"]) == 2
    assert "$STAGING_ADMIN_KEY" in capsys.readouterr().err
