"""The workflows of each tenant, versioned as the Admin API edits them (spec Part C).

Each tenant has its own set, seeded on first use from the loaded definition files, so one
tenant's Admin calls never change another's workflows. A workflow is a ``Record``: the
definition the editor holds (what the Admin API's GET returns), its status and version, and
two compiled snapshots: ``current`` (the editor's definition: what a start by ``workflowId``
runs while the workflow is not published) and ``live`` (the last published definition: what
new runs use while it is published). A run keeps the snapshot it started on, so editing,
publishing, unpublishing or deleting a workflow never changes a run in flight.

Sandbox choices where Part C is silent (each stated in docs/sandbox.md):

- a PUT on a published workflow changes only the editor's definition and sets
  ``hasUnpublishedChanges``; publishing then makes it live as ``version + 1``;
- a PUT on a draft replaces it in place, same version (a draft is tried by ``workflowId``);
- publishing sends the previously published workflow of the same trigger type back to draft;
- ``hasUnpublishedChanges`` is true when the definition differs from the last published one,
  so never for a workflow that was never published;
- concluding an experiment (``select_winner`` or ``stop``) sends every run started afterwards
  to the winner, or, stopped, to the first variant; runs started before keep the experiment as
  it was, and a variant or step a later version no longer has is not forced on its runs.
"""

from __future__ import annotations

import itertools
import threading
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from juo_flowtest.base.diagnostics import Diagnostic
from juo_flowtest.sandbox.clock import Clock
from juo_flowtest.sandbox.definitions import Workflow
from juo_flowtest.sandbox.engine import RunError
from juo_flowtest.sandbox.loading import load_definition

#: What a definition is made of: the Workflow keys the editor sets (the rest is server-kept).
CONTENT_KEYS = ("name", "description", "triggerType", "trigger", "steps", "metadata")
#: What a PUT may replace (Part C: no ``triggerType``, and ``status`` is a status change).
REPLACEABLE_KEYS = ("name", "description", "trigger", "steps", "metadata")
_MAX_PROBLEMS = 8


@dataclass(eq=False)
class Record:
    """One workflow of one tenant (mutable: only the store changes it, under its lock)."""

    id: str
    seq: int  # creation order, the last tie-breaker of every listing
    definition: dict[str, Any]
    current: Workflow
    status: str
    version: int
    created_at: float
    updated_at: float
    published_at: float | None = None
    published: dict[str, Any] | None = None  # the definition as last published
    live: Workflow | None = None
    deleted: bool = False
    #: Concluded experiments: step id -> the variant every new run takes there.
    concluded: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.definition.get("name", ""))

    @property
    def trigger_type(self) -> str:
        return str(self.definition.get("triggerType", ""))

    @property
    def has_unpublished_changes(self) -> bool:
        return self.published is not None and self.definition != self.published

    @property
    def interactive(self) -> bool:
        """Whether the editor's definition has an ``input`` (interaction) step."""
        return bool(self.current.interactive_steps)

    def runnable(self) -> Workflow:
        """What a start by ``workflowId`` runs: the live version while published."""
        if self.status == "published" and self.live is not None:
            return self.live
        return self.current


def content(data: Mapping[str, Any]) -> dict[str, Any]:
    """The definition part of a Workflow document (``CONTENT_KEYS`` present in ``data``)."""
    out = {key: data[key] for key in CONTENT_KEYS if key in data}
    out.setdefault("metadata", {})
    return out


class WorkflowStore:
    """Every tenant's workflows; each change is atomic under one lock."""

    def __init__(self, seed: Iterable[Workflow], clock: Clock) -> None:
        self._seed = tuple(seed)
        self._clock = clock
        self._tenants: dict[str, dict[str, Record]] = {}
        self._published: dict[str, dict[str, Record]] = {}  # tenant -> trigger type -> record
        self._lock = threading.RLock()
        self._seq = itertools.count()

    # -- reading ------------------------------------------------------------------------------

    def find(self, tenant: str, flow_type: str, workflow_id: str | None) -> Workflow | None:
        """What a start runs: ``workflowId``'s workflow (any status), else the published one."""
        records = self.records(tenant)
        if workflow_id is not None:
            record = records.get(workflow_id)
            return None if record is None or record.deleted else record.runnable()
        published = self._published[tenant].get(flow_type)
        return published.live if published is not None else None

    def concluded(self, tenant: str, workflow: Workflow) -> dict[str, str]:
        """The variants concluded experiments of ``workflow`` send new runs to (those its
        version still has)."""
        record = self.records(tenant).get(workflow.id)
        if record is None or not record.concluded:
            return {}
        return {step_id: variant for step_id, variant in record.concluded.items()
                if (step := workflow.steps.get(step_id)) is not None
                and variant in {v.id for v in step.variants}}

    def records(self, tenant: str) -> dict[str, Record]:
        """The tenant's records by id, deleted ones included (seeded on first use)."""
        records = self._tenants.get(tenant)
        if records is None:
            with self._lock:
                records = self._tenants.get(tenant)
                if records is None:
                    records = self._seeded(tenant)
        return records

    def get(self, tenant: str, workflow_id: str) -> Record:
        """The tenant's workflow ``workflow_id``; 404 ``workflow_not_found`` when there is none."""
        record = self.records(tenant).get(workflow_id)
        if record is None or record.deleted:
            raise RunError("workflow_not_found", f"no workflow '{workflow_id}'")
        return record

    def visible(self, tenant: str) -> list[Record]:
        """The tenant's workflows that are not deleted, in creation order."""
        return sorted((r for r in self.records(tenant).values() if not r.deleted),
                      key=lambda r: r.seq)

    # -- changing -----------------------------------------------------------------------------

    def create(self, tenant: str, definition: dict[str, Any], workflow_id: str | None) -> Record:
        """A new draft, version 1 (``workflow_id`` or a fresh uuid)."""
        with self._lock:
            records = self.records(tenant)
            wid = workflow_id or str(uuid.uuid4())
            if wid in records:
                raise RunError("workflow_exists", f"body/id: a workflow with id '{wid}' exists "
                               "already (deleted workflows keep their id)")
            current = _compile(wid, definition, 1, "draft")
            now = self._clock.now()
            record = Record(wid, next(self._seq), definition, current, "draft", 1, now, now)
            records[wid] = record
            return record

    def update(self, tenant: str, workflow_id: str, changes: Mapping[str, Any]) -> Record:
        """Replace the given parts of the definition (a PUT); the live version is untouched."""
        with self._lock:
            record = self.get(tenant, workflow_id)
            definition = {**record.definition,
                          **{k: changes[k] for k in REPLACEABLE_KEYS if k in changes}}
            record.current = _compile(record.id, definition, record.version, record.status)
            record.definition = definition
            record.updated_at = self._clock.now()
            return record

    def publish(self, tenant: str, workflow_id: str) -> Record:
        """Make the definition live; it replaces the published workflow of its trigger type."""
        with self._lock:
            record = self.get(tenant, workflow_id)
            if record.status == "published" and not record.has_unpublished_changes:
                return record
            if record.published is not None and record.definition != record.published:
                record.version += 1
            now = self._clock.now()
            index = self._published[tenant]
            previous = index.get(record.trigger_type)
            if previous is not None and previous is not record:
                previous.status, previous.updated_at = "draft", now
            record.current = replace(record.current, version=record.version, status="published")
            record.live = record.current
            record.published = record.definition
            record.status = "published"
            record.published_at = record.updated_at = now
            index[record.trigger_type] = record
            return record

    def unpublish(self, tenant: str, workflow_id: str) -> Record:
        """Back to draft: no new runs by trigger type; runs in flight finish on their version."""
        return self._set_status(tenant, workflow_id, "draft")

    def archive(self, tenant: str, workflow_id: str) -> Record:
        """Archived: never started by trigger type; kept with its runs."""
        return self._set_status(tenant, workflow_id, "archived")

    def duplicate(self, tenant: str, workflow_id: str, name: str | None) -> Record:
        """A copy of the definition as a new draft, version 1."""
        with self._lock:
            source = self.get(tenant, workflow_id)
            definition = {**source.definition, "name": name or f"{source.name} (copy)"}
        return self.create(tenant, definition, None)

    def delete(self, tenant: str, workflow_id: str) -> Record:
        """Soft delete: gone from the API, its runs kept (and finishing on their version)."""
        with self._lock:
            record = self.get(tenant, workflow_id)
            self._unindex(tenant, record)
            record.deleted = True
            record.updated_at = self._clock.now()
            return record

    def conclude(self, tenant: str, workflow_id: str, step_id: str, winner: str | None) -> None:
        """End the experiment at ``step_id``: new runs take ``winner`` (``None``: stopped, the
        first variant)."""
        with self._lock:
            record = self.get(tenant, workflow_id)
            step = record.runnable().steps.get(step_id)
            if step is None:
                raise RunError("step_not_found", f"no step '{step_id}' in workflow "
                               f"'{workflow_id}'")
            if not step.variants:
                raise RunError("not_an_experiment", f"step '{step_id}' has no experimentConfig")
            variants = [v.id for v in step.variants]
            if winner is not None and winner not in variants:
                raise RunError("invalid_winner", f"body/winnerVariantId: '{winner}' is not a "
                               f"variant of step '{step_id}' (variants: {', '.join(variants)})")
            record.concluded[step_id] = winner if winner is not None else variants[0]
            record.updated_at = self._clock.now()

    def _set_status(self, tenant: str, workflow_id: str, status: str) -> Record:
        with self._lock:
            record = self.get(tenant, workflow_id)
            if record.status != status:
                self._unindex(tenant, record)
                record.status = status
                record.current = replace(record.current, status=status)
                record.updated_at = self._clock.now()
            return record

    def _unindex(self, tenant: str, record: Record) -> None:
        index = self._published[tenant]
        if index.get(record.trigger_type) is record:
            del index[record.trigger_type]

    def _seeded(self, tenant: str) -> dict[str, Record]:
        """The loaded definitions as this tenant's workflows (one record per id)."""
        by_id: dict[str, list[Workflow]] = {}
        for workflow in sorted(self._seed, key=lambda w: (w.id, w.version)):
            by_id.setdefault(workflow.id, []).append(workflow)
        now = self._clock.now()
        records: dict[str, Record] = {}
        index: dict[str, Record] = {}
        for wid, versions in by_id.items():
            top = versions[-1]
            live = next((w for w in versions if w.status == "published"), None)
            shown = live or top
            record = Record(wid, next(self._seq), content(top.definition), top, shown.status,
                            shown.version, now, now)
            if live is not None:
                record.live, record.published = live, content(live.definition)
                record.published_at = now
                index[live.trigger_type] = record
            records[wid] = record
        self._published[tenant] = index
        self._tenants[tenant] = records
        return records


def _compile(wid: str, definition: Mapping[str, Any], version: int, status: str) -> Workflow:
    """The definition checked by every loader rule; 422 ``invalid_workflow`` listing problems."""
    document = {"id": wid, "version": version, "status": status, **definition}
    workflow, problems = load_definition(document, f"workflow {wid}")
    if workflow is None:
        raise RunError("invalid_workflow", problems_text(problems))
    return workflow


def problems_text(problems: list[Diagnostic]) -> str:
    """The loader's messages in one line (no positions: they point into no file of the caller)."""
    messages = list(dict.fromkeys(d.message for d in problems))
    text = "; ".join(messages[:_MAX_PROBLEMS])
    more = len(messages) - _MAX_PROBLEMS
    return text + (f"; and {more} more" if more > 0 else "") if text else "invalid definition"
