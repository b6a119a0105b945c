"""Drafts tested before they are published: ``juo-flowtest run --juo-draft FILE``.

Each local definition becomes a draft on the target through its Admin API (created, or updated
in place when that draft already exists; never published), and every ``start`` whose
``flowType`` is that draft's trigger type starts it by ``workflowId`` (with ``dryRun: true``
on a protected target). Every result is labelled with the draft it ran (``DraftBinding``).

Which draft: the file's own id when the target has no workflow of that id, or a draft of that
id; when the id is a published or archived workflow (a pulled definition, edited), a draft of
its own whose id is derived from the file's id (``draft_id_for``), so every run of the same
file updates the same draft and the published workflow is never touched.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from juo_flowtest.base.errors import ConfigError
from juo_flowtest.target import adminschema
from juo_flowtest.target.admin import AdminClient
from juo_flowtest.target.client import ApiResponse, Headers, JuoClient

#: Namespace of the ids of drafts that stand for a published workflow's local edit.
DRAFT_NAMESPACE = uuid.UUID("4a5d2f60-5b0e-4f38-9b1d-6c3e1f0a7d21")
#: What a derived draft's name gets, so it is told apart from the workflow it is a draft of.
DRAFT_SUFFIX = " (draft under test)"
_PUT_KEYS = ("name", "description", "trigger", "steps", "metadata")


@dataclass(frozen=True, slots=True)
class Draft:
    """A local definition to try: the file and its document (plain data)."""

    file: str
    definition: Mapping[str, Any]

    @property
    def trigger_type(self) -> str:
        return str(self.definition.get("triggerType", ""))


@dataclass(frozen=True, slots=True)
class DraftBinding:
    """A draft on the target, and the trigger type whose starts run it."""

    file: str
    workflow_id: str
    version: int
    name: str
    trigger_type: str
    #: The workflow this draft is an edit of, when the draft has an id of its own (derived
    #: from a published workflow's): its production traffic is what the draft's runs weigh.
    stands_for: str = ""

    @property
    def label(self) -> str:
        """``Cancellation flow (draft under test) v1, id 4b1e…, from cancellation.workflow.yaml``."""
        return f"{self.name} v{self.version}, id {self.workflow_id}, from {Path(self.file).name}"

    def to_data(self) -> dict[str, Any]:
        return {"file": self.file, "workflowId": self.workflow_id, "version": self.version,
                "name": self.name, "triggerType": self.trigger_type, "standsFor": self.stands_for}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> DraftBinding:
        return cls(str(data["file"]), str(data["workflowId"]), int(data["version"]),
                   str(data["name"]), str(data["triggerType"]), str(data.get("standsFor", "")))


def read_drafts(files: Sequence[str]) -> list[Draft]:
    """The definitions of ``files``, checked by the sandbox's loader (``WorkflowDefinitionError``
    lists every problem); two drafts of one trigger type are a ``ConfigError``."""
    from juo_flowtest.base.errors import WorkflowDefinitionError
    from juo_flowtest.sandbox.loading import load_files

    drafts: list[Draft] = []
    problems = []
    for file in files:  # one by one: a draft file's status means nothing to the others
        try:
            drafts += [Draft(w.source, dict(w.definition)) for w in load_files([Path(file)])]
        except WorkflowDefinitionError as exc:
            problems += exc.diagnostics
    if problems:
        raise WorkflowDefinitionError(problems)
    seen: dict[str, str] = {}
    for draft in drafts:
        if draft.trigger_type in seen:
            raise ConfigError(f"--juo-draft {draft.file} and {seen[draft.trigger_type]} are both "
                              f"for trigger type '{draft.trigger_type}': one draft per trigger type")
        seen[draft.trigger_type] = draft.file
    return drafts


def check_for_juo(drafts: Iterable[Draft]) -> None:
    """Refuse what Juo's Admin schema does not accept, before anything is pushed to a real target
    (the sandbox's own extensions, such as a timeout without ``targetStepId``)."""
    problems = [f"{d.file}: {p}" for d in drafts
                for p in adminschema.definition_problems(_body(d.definition, {}))]
    if problems:
        raise ConfigError("a draft Juo would not accept is never pushed to a real target:\n  "
                          + "\n  ".join(problems))


def draft_id_for(workflow_id: str) -> str:
    """The id of the draft that stands for a local edit of workflow ``workflow_id``."""
    return str(uuid.uuid5(DRAFT_NAMESPACE, workflow_id))


def push(admin: AdminClient, draft: Draft) -> DraftBinding:
    """Create or update the draft for ``draft`` on the target (never publish it)."""
    own = str(draft.definition.get("id", ""))
    target = admin.find_workflow(own) if _is_uuid(own) else None
    if target is not None and target["status"] == "draft":
        return _binding(draft, admin.update_workflow(own, _put(draft.definition)))
    if target is None and _is_uuid(own):
        return _binding(draft, admin.create_workflow(_body(draft.definition, {"id": own})))
    derived = draft_id_for(own)
    named = {**draft.definition, "name": f"{draft.definition.get('name', '')}{DRAFT_SUFFIX}"}
    existing = admin.find_workflow(derived)
    if existing is None:
        return _binding(draft, admin.create_workflow(_body(named, {"id": derived})), own)
    if existing["status"] != "draft":
        raise ConfigError(f"the draft for {draft.file} ({derived}) is {existing['status']} on "
                          "the target: it was published or archived by hand; delete it there, "
                          "then run again")
    return _binding(draft, admin.update_workflow(derived, _put(named)), own)


def _body(definition: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("name", "description", "triggerType", "trigger", "steps", "metadata")
    body = {k: definition[k] for k in keys if k in definition and definition[k] is not None}
    if "id" in extra and _is_uuid(str(extra["id"])):
        body = {"id": extra["id"], **body}
    return body


def _put(definition: Mapping[str, Any]) -> dict[str, Any]:
    return {k: definition[k] for k in _PUT_KEYS if k in definition}


def _binding(draft: Draft, workflow: Mapping[str, Any], stands_for: str = "") -> DraftBinding:
    return DraftBinding(draft.file, str(workflow["id"]), int(workflow["version"]),
                        str(workflow["name"]), str(workflow["triggerType"]), stands_for)


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text.lower()
    except ValueError:
        return False


class DraftStarts(JuoClient):
    """A ``JuoClient`` whose starts of a drafted trigger type run the draft.

    A start that names a ``workflowId`` itself is left alone. ``used`` collects the drafts the
    current flow started (read and reset by ``take_used``).
    """

    def bind(self, bindings: Sequence[DraftBinding], dry_run: bool) -> None:
        self._drafts = {b.trigger_type: b for b in bindings}
        self._dry_run = dry_run
        self._used: list[DraftBinding] = []

    def start(self, body: Any, headers: Headers | None = None) -> ApiResponse:
        drafts: dict[str, DraftBinding] = getattr(self, "_drafts", {})
        binding = drafts.get(str(body.get("flowType"))) if isinstance(body, dict) else None
        if binding is not None and "workflowId" not in body:
            body = {**body, "workflowId": binding.workflow_id}
            if self._dry_run:
                body["dryRun"] = True
            if binding not in self._used:
                self._used.append(binding)
        return super().start(body, headers)

    def take_used(self) -> tuple[DraftBinding, ...]:
        used = tuple(getattr(self, "_used", ()))
        self._used = []
        return used
