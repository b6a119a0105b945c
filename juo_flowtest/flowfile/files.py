"""Which files are flow files, and finding them under the paths a user names.

>>> is_flow_file("cancel.flow.yaml"), is_flow_file("cancel.yaml")
(True, False)
"""

from __future__ import annotations

FLOW_SUFFIXES = (".flow.yaml", ".flow.yml")
WORKFLOW_SUFFIXES = (".workflow.yaml", ".workflow.yml", ".workflow.json")


def is_flow_file(name: str) -> bool:
    """True for ``*.flow.yaml`` / ``*.flow.yml`` names."""
    return name.endswith(FLOW_SUFFIXES)


def is_workflow_file(name: str) -> bool:
    """True for workflow definition names: ``*.workflow.yaml``, ``.yml`` or ``.json``."""
    return name.endswith(WORKFLOW_SUFFIXES)
