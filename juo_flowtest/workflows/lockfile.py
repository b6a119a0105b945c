"""The lock file pull writes beside the definitions: what was pulled, from where, at which version.

``workflows.lock.json``::

    {
      "source": "https://api.juo.io/admin/v1",
      "tenant": "my-store.myshopify.com",
      "selection": {"status": [], "triggerType": [], "id": [], "includeArchived": false},
      "workflows": [
        {"file": "cancellation-flow.workflow.yaml", "id": "969c...", "name": "Cancellation flow",
         "version": 3, "status": "published", "triggerType": "subscription_cancellation_requested",
         "hash": "sha256:...", "pulledAt": "2026-01-01T00:00:00Z"}
      ]
    }

Entries are sorted by file name; the text is indented JSON with a final newline, so an
unchanged pull writes the same bytes. ``diff`` reads the selection back (the same workflows are
compared); the gate's ``locked_workflows`` rule reads the versions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from juo_flowtest.base.errors import ConfigError

LOCK_NAME = "workflows.lock.json"


@dataclass(frozen=True, slots=True)
class LockEntry:
    """One pulled workflow."""

    file: str
    id: str
    name: str
    version: int
    status: str
    trigger_type: str
    hash: str
    pulled_at: str


@dataclass(frozen=True, slots=True)
class Lock:
    source: str
    tenant: str | None
    selection: dict[str, Any] = field(default_factory=dict)
    entries: tuple[LockEntry, ...] = ()

    def by_id(self) -> dict[str, LockEntry]:
        return {entry.id: entry for entry in self.entries}


def render(lock: Lock) -> str:
    """The lock file's text."""
    data = {
        "source": lock.source,
        "tenant": lock.tenant,
        "selection": lock.selection,
        "workflows": [
            {"file": e.file, "id": e.id, "name": e.name, "version": e.version,
             "status": e.status, "triggerType": e.trigger_type, "hash": e.hash,
             "pulledAt": e.pulled_at}
            for e in sorted(lock.entries, key=lambda e: (e.file, e.id))
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def read(path: Path) -> Lock | None:
    """The lock at ``path``, None when there is none; ``ConfigError`` when it is not one."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = tuple(
            LockEntry(str(w["file"]), str(w["id"]), str(w["name"]), int(w["version"]),
                      str(w["status"]), str(w["triggerType"]), str(w["hash"]),
                      str(w.get("pulledAt", "")))
            for w in data["workflows"])
        selection = data.get("selection") or {}
        if not isinstance(selection, dict):
            raise TypeError("selection")
        return Lock(str(data.get("source", "")), data.get("tenant"), selection, entries)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: not a workflows lock file ({type(exc).__name__}: {exc}); "
                          "pull again to rewrite it (juo-flowtest workflows pull)") from None
