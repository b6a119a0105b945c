"""What ``workflows pull`` prints: each workflow and what happened to its file, then the lock."""

from __future__ import annotations

import sys
from pathlib import Path

from juo_flowtest.base.errors import WorkflowDefinitionError
from juo_flowtest.sandbox.loading import load_files
from juo_flowtest.workflows import lockfile
from juo_flowtest.workflows.lockfile import LockEntry
from juo_flowtest.workflows.pull import PullReport


def print_pull(report: PullReport, out: Path, where: str) -> None:
    """The pull's outcome, one line per workflow; warnings on stderr."""
    rows = [*((entry, what) for entry, what in report.written),
            *((entry, "unchanged") for entry in report.unchanged)]
    rows.sort(key=lambda row: row[0].file)
    total = len(rows)
    print(f"Pulled {total} workflow{'' if total == 1 else 's'} from {where} into {out}:")
    width = max((len(entry.file) for entry, _ in rows), default=0)
    for entry, what in rows:
        print(f"  {what:<9}  {entry.file:<{width}}  {entry.name} v{entry.version} "
              f"{entry.status} ({entry.id})")
    lock = out / lockfile.LOCK_NAME
    print(f"Lock: {lock} ({'written' if report.lock_written else 'unchanged'})")
    for entry in report.unpublished_changes:
        _warn(f"{entry.name} ({entry.id}) has unpublished changes on the target: "
              f"{entry.file} holds the edited definition, not the one new runs use")
    for entry in report.gone:
        _warn(f"{entry.name} ({entry.id}) was not pulled this time (gone from the target, or "
              f"not selected): {entry.file} is kept; delete it if it is gone")
    _check_runnable(out, [entry for entry, _ in rows])


def _check_runnable(out: Path, entries: list[LockEntry]) -> None:
    """Say so when the sandbox could not run what was pulled (the files are still written)."""
    try:
        load_files([out / entry.file for entry in entries])
    except WorkflowDefinitionError as exc:
        _warn("the sandbox cannot run every pulled definition as is:\n" + str(exc))


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)
