"""``workflows pull``: the target's definitions into files, one per workflow, and a lock file.

A workflow keeps its file across pulls (the lock remembers it, so a rename on the target does
not move it); a new one gets ``<its name, slugged>.workflow.yaml`` (``-<id prefix>`` added when
two names collide). A file whose content did not change is not touched, nor is the lock when
nothing changed: a second pull rewrites nothing, byte for byte. Files of workflows that are no
longer on the target are kept and reported (deleting is the user's call).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from juo_flowtest.workflows import lockfile, yamlfile
from juo_flowtest.workflows.document import content_hash, file_document
from juo_flowtest.workflows.lockfile import Lock, LockEntry

SUFFIX = ".workflow.yaml"


class Source(Protocol):
    """What pull needs of the Admin client (``target.admin.AdminClient``)."""

    def list_workflows(self, *, status: str | None = None, trigger_type: str | None = None,
                       include_archived: bool = False) -> list[dict[str, Any]]: ...

    def get_workflow(self, workflow_id: str) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Selection:
    """Which workflows: by status, trigger type and id (empty: any); archived ones on request."""

    statuses: tuple[str, ...] = ()
    trigger_types: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    include_archived: bool = False

    def as_data(self) -> dict[str, Any]:
        return {"status": list(self.statuses), "triggerType": list(self.trigger_types),
                "id": list(self.ids), "includeArchived": self.include_archived}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Selection:
        return cls(tuple(data.get("status") or ()), tuple(data.get("triggerType") or ()),
                   tuple(data.get("id") or ()), bool(data.get("includeArchived")))

    def select(self, source: Source) -> list[dict[str, Any]]:
        """The selected workflows, each in full (``Workflow``), in the target's list order."""
        if self.ids:
            chosen = [source.get_workflow(wid) for wid in self.ids]
        else:
            archived = self.include_archived or "archived" in self.statuses
            listed = source.list_workflows(
                status=self.statuses[0] if len(self.statuses) == 1 else None,
                trigger_type=self.trigger_types[0] if len(self.trigger_types) == 1 else None,
                include_archived=archived)
            chosen = [source.get_workflow(str(item["id"])) for item in listed]
        return [w for w in chosen
                if (not self.statuses or w.get("status") in self.statuses)
                and (not self.trigger_types or w.get("triggerType") in self.trigger_types)]


@dataclass
class PullReport:
    written: list[tuple[LockEntry, str]] = field(default_factory=list)  # (entry, new|changed)
    unchanged: list[LockEntry] = field(default_factory=list)
    gone: list[LockEntry] = field(default_factory=list)
    unpublished_changes: list[LockEntry] = field(default_factory=list)
    lock_written: bool = False


def pull(source: Source, out: Path, selection: Selection, where: str, tenant: str | None,
         now: datetime | None = None) -> PullReport:
    """Write the selected workflows of ``source`` into ``out`` (created when missing)."""
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    out.mkdir(parents=True, exist_ok=True)
    lock_path = out / lockfile.LOCK_NAME
    previous = lockfile.read(lock_path) or Lock(where, tenant)
    known = previous.by_id()
    report = PullReport()
    entries: list[LockEntry] = []
    workflows = selection.select(source)
    files = _file_names(workflows, known)
    for workflow in workflows:
        document = file_document(workflow)
        name = files[str(workflow["id"])]
        entry = LockEntry(name, str(workflow["id"]), str(workflow.get("name", "")),
                          int(workflow.get("version", 1)), str(workflow.get("status", "")),
                          str(workflow.get("triggerType", "")), content_hash(workflow), stamp)
        path = out / name
        body = yamlfile.body(document)
        old = known.get(entry.id)
        existed = path.is_file()
        if existed and yamlfile.strip_header(path.read_text(encoding="utf-8")) == body:
            entry = _kept(entry, old)
            report.unchanged.append(entry)
        else:
            path.write_text(yamlfile.render(document, _header(workflow, where, tenant, stamp)),
                            encoding="utf-8")
            report.written.append((entry, "changed" if existed else "new"))
        if workflow.get("hasUnpublishedChanges"):
            report.unpublished_changes.append(entry)
        entries.append(entry)
    pulled = {e.id for e in entries}
    report.gone = [e for e in previous.entries if e.id not in pulled]
    lock = Lock(where, tenant, selection.as_data(), tuple(entries))
    text = lockfile.render(lock)
    if not lock_path.is_file() or lock_path.read_text(encoding="utf-8") != text:
        lock_path.write_text(text, encoding="utf-8")
        report.lock_written = True
    return report


def _kept(entry: LockEntry, old: LockEntry | None) -> LockEntry:
    """An unchanged file keeps the date it was pulled on."""
    if old is None or not old.pulled_at:
        return entry
    return LockEntry(entry.file, entry.id, entry.name, entry.version, entry.status,
                     entry.trigger_type, entry.hash, old.pulled_at)


def _header(workflow: dict[str, Any], where: str, tenant: str | None, stamp: str) -> list[str]:
    shop = f" (tenant {tenant})" if tenant else ""
    return [
        f"{workflow.get('name', '')}: pulled from {where}{shop}",
        (f"by `juo-flowtest workflows pull` on {stamp}; version {workflow.get('version')} "
        f"({workflow.get('status')}), id {workflow.get('id')}."),
        ("Change it in Juo and pull again: `juo-flowtest workflows diff` compares this folder "
        "with the target."),
    ]


def _file_names(workflows: Iterable[dict[str, Any]], known: dict[str, LockEntry]
                ) -> dict[str, str]:
    """A file name per workflow id: the one it had, else its slugged name (unique)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    fresh: list[dict[str, Any]] = []
    for workflow in workflows:
        old = known.get(str(workflow["id"]))
        if old is not None:
            names[old.id] = old.file
            taken.add(old.file)
        else:
            fresh.append(workflow)
    for workflow in fresh:
        wid = str(workflow["id"])
        name = slug(str(workflow.get("name", ""))) + SUFFIX
        if name in taken:
            name = f"{slug(str(workflow.get('name', '')))}-{wid[:8]}{SUFFIX}"
        names[wid] = name
        taken.add(name)
    return names


def slug(name: str) -> str:
    """``Cancellation flow (v2)`` -> ``cancellation-flow-v2``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
    return text or "workflow"
