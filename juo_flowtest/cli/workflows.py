"""``juo-flowtest workflows pull|diff``: the target's workflow definitions, in files and compared.

``pull`` writes one ``*.workflow.yaml`` per workflow of the target into ``--out`` (default
``flows/workflows``) and a lock file; ``diff --dir DIR`` compares a folder with the target.
The target is chosen like a run's (``--juo-env``, or ``--juo-base-url`` / ``--juo-tenant``);
the Admin API is at the same origin with ``/admin/v1`` unless ``--juo-admin-url`` says
otherwise, and its key comes from ``JUO_ADMIN_API_KEY`` or the environment's
``admin_token_env`` (never from the command line: it would land in shell history and CI logs).
Both only read, so a protected environment needs no ``--juo-allow-protected``.

Exit codes: 0 done / equal, 1 the definitions differ (diff), 2 a usage or input problem (bad
option, missing key, a key the target refuses, an unreadable definition), 3 the target is
unreachable or breaks the Admin API's contract.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from juo_flowtest.base.errors import AdminApiError, ConfigError, JuoFlowtestError
from juo_flowtest.cli.workflowsout import print_pull
from juo_flowtest.target import settings
from juo_flowtest.target.admin import AdminClient
from juo_flowtest.target.adminaccess import resolve_admin
from juo_flowtest.target.client import make_http_client
from juo_flowtest.workflows import diffrender, lockfile
from juo_flowtest.workflows.compare import compare
from juo_flowtest.workflows.localfiles import read_definitions
from juo_flowtest.workflows.pull import Selection, pull

DONE, DIFFERENT, USAGE, UNREACHABLE = 0, 1, 2, 3
DEFAULT_DIR = "flows/workflows"
STATUSES = ("draft", "published", "archived")


def parser() -> argparse.ArgumentParser:
    """The ``workflows`` command line."""
    top = argparse.ArgumentParser(prog="juo-flowtest workflows", description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = top.add_subparsers(dest="action", required=True, metavar="pull|diff")
    pull_p = sub.add_parser("pull", help="write the target's definitions into files")
    pull_p.add_argument("--out", default=DEFAULT_DIR, metavar="DIR",
                        help=f"folder of the files and the lock (default: {DEFAULT_DIR})")
    diff_p = sub.add_parser("diff", help="compare a folder of definitions with the target")
    diff_p.add_argument("--dir", default=DEFAULT_DIR, metavar="DIR",
                        help=f"folder of the local definitions (default: {DEFAULT_DIR})")
    diff_p.add_argument("--format", choices=("text", "markdown"), default="text")
    diff_p.add_argument("--output", metavar="FILE",
                        help="also write the diff as Markdown to FILE (e.g. $GITHUB_STEP_SUMMARY)")
    for p in (pull_p, diff_p):
        _target_options(p)
        p.add_argument("--status", action="append", choices=STATUSES, default=[],
                       help="only workflows of this status (repeatable)")
        p.add_argument("--trigger-type", action="append", default=[], metavar="TYPE",
                       help="only workflows of this trigger type (repeatable)")
        p.add_argument("--id", action="append", default=[], metavar="ID", dest="ids",
                       help="only this workflow (repeatable)")
        p.add_argument("--include-archived", action="store_true",
                       help="archived workflows too (left out by default)")
    return top


def _target_options(p: argparse.ArgumentParser) -> None:
    group = p.add_argument_group("target")
    group.add_argument("--juo-env", help="environment name (default: sandbox; env JUO_ENV)")
    group.add_argument("--juo-base-url", help="the customer API's base URL")
    group.add_argument("--juo-tenant", help="the tenant (X-Tenant-ID)")
    group.add_argument("--juo-admin-url", help="the Admin API's URL (default: the base URL's "
                                               "origin + /admin/v1; env JUO_ADMIN_URL)")
    group.add_argument("--juo-timeout", type=float, help="connect/read timeout in seconds")
    group.add_argument("--juo-sandbox-workflows", action="append", default=[], metavar="DIR",
                       help="for the embedded sandbox: its definition folders")


def workflows_command(argv: Sequence[str]) -> int:
    """Parse, run, and map every failure to the command's exit codes."""
    try:
        args = parser().parse_args(list(argv))
    except SystemExit as exc:  # argparse printed the usage or the error already
        return DONE if exc.code == 0 else USAGE
    try:
        with admin_client(args) as remote:
            if args.action == "pull":
                return _pull(args, remote)
            return _diff(args, remote)
    except ConfigError as exc:
        print(f"juo-flowtest workflows: {exc}", file=sys.stderr)
        return USAGE
    except AdminApiError as exc:
        print(f"juo-flowtest workflows: {exc}", file=sys.stderr)
        return USAGE if exc.kind == "refused" else UNREACHABLE
    except JuoFlowtestError as exc:  # the embedded sandbox could not start, a bad definition
        print(f"juo-flowtest workflows: {exc}", file=sys.stderr)
        return USAGE


@dataclass(frozen=True, slots=True)
class Remote:
    """The target's Admin API: the client, where it is (for people and the lock), the tenant."""

    client: AdminClient
    source: str
    tenant: str | None

    @property
    def where(self) -> str:
        return f"{self.source} (tenant {self.tenant})" if self.tenant else self.source


@contextmanager
def admin_client(args: argparse.Namespace) -> Iterator[Remote]:
    """The target's Admin API; the embedded sandbox is served for the command's duration
    when it is the target."""
    overrides = settings.Overrides(
        env_name=args.juo_env, base_url=args.juo_base_url, tenant=args.juo_tenant,
        timeout=args.juo_timeout, sandbox_workflows=tuple(args.juo_sandbox_workflows),
        allow_protected=True)
    pyproject = Path("pyproject.toml")
    target = settings.resolve(overrides, os.environ, pyproject)
    access = resolve_admin(target, args.juo_admin_url, os.environ, pyproject)
    sandbox = None
    if access.url is None:  # the embedded sandbox: serve it while the command runs
        from juo_flowtest.sandbox import Sandbox

        sandbox = Sandbox(list(args.juo_sandbox_workflows) or None)
        access = access.with_url(sandbox.start().rsplit("/customer/v1", 1)[0] + "/admin/v1")
    http = make_http_client(access.timeout)
    try:
        source = "the embedded sandbox" if sandbox is not None else str(access.url)
        yield Remote(AdminClient(http, access), source, access.tenant)
    finally:
        http.close()
        if sandbox is not None:
            sandbox.stop()


def _selection(args: argparse.Namespace) -> Selection:
    return Selection(tuple(args.status), tuple(args.trigger_type), tuple(args.ids),
                     bool(args.include_archived))


def _pull(args: argparse.Namespace, remote: Remote) -> int:
    out = Path(args.out)
    report = pull(remote.client, out, _selection(args), remote.source, remote.tenant)
    print_pull(report, out, remote.where)
    return DONE


def _diff(args: argparse.Namespace, remote: Remote) -> int:
    folder = Path(args.dir)
    if not folder.is_dir():
        raise ConfigError(f"no folder {folder}: --dir names a folder of *.workflow.yaml files "
                          "(juo-flowtest workflows pull --out DIR writes one)")
    local, problems = read_definitions(folder)
    if problems:
        for problem in problems:
            print(problem.render(), file=sys.stderr)
        print(f"juo-flowtest workflows: {len(problems)} problem(s) in {folder}", file=sys.stderr)
        return USAGE
    selection = _selection(args)
    lock = lockfile.read(folder / lockfile.LOCK_NAME)
    if lock is not None and selection == Selection():
        selection = Selection.from_data(lock.selection)  # compare what was pulled
    theirs = {str(w["id"]): w for w in selection.select(remote.client)}
    if selection.ids or selection.statuses or selection.trigger_types:
        local = {wid: found for wid, found in local.items()
                 if _selected(selection, found[1]) or wid in theirs}
    diff = compare(local, theirs, str(folder), remote.where)
    rendered = diffrender.markdown(diff) if args.format == "markdown" else diffrender.text(diff)
    print(rendered, end="")
    if args.output:
        Path(args.output).write_text(diffrender.markdown(diff), encoding="utf-8")
    return DIFFERENT if diff.differs else DONE


def _selected(selection: Selection, document: dict[str, object]) -> bool:
    return ((not selection.ids or document.get("id") in selection.ids)
            and (not selection.statuses or document.get("status") in selection.statuses)
            and (not selection.trigger_types
                 or document.get("triggerType") in selection.trigger_types))
