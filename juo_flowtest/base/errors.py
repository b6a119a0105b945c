"""The one exception tree of juo-flowtest.

::

    JuoFlowtestError                  base of everything we raise on purpose
    ├── InvalidInputError             a file the user wrote is invalid (carries Diagnostics)
    │   ├── FlowFileError             a flow file
    │   ├── WorkflowDefinitionError   a workflow definition (*.workflow.yaml|json)
    │   └── PolicyError               a gate policy
    ├── ConfigError                   bad settings: unknown environment, missing token,
    │                                 protected target refused, bad pyproject table
    ├── SandboxError                  the embedded sandbox could not start
    ├── ResultsError                  a finished run's results are missing or unreadable
    └── AdminApiError                 a target's Admin API refused a call, could not be
                                      reached, or broke its documented contract

Run outcomes are values (``run.result.FlowResult``), not exceptions; only the pytest layer
turns them into ``FlowFailed`` (an AssertionError, so Allure marks it *failed*) and
``FlowBroken`` (any other exception, so Allure marks it *broken*). Those two live in the plugin.
"""

from __future__ import annotations

from juo_flowtest.base.diagnostics import Diagnostic


class JuoFlowtestError(Exception):
    """Base of every error juo-flowtest raises on purpose."""


class InvalidInputError(JuoFlowtestError):
    """A file the user wrote is invalid; ``diagnostics`` lists every problem found in it."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.render() for d in diagnostics))


class FlowFileError(InvalidInputError):
    """A flow file is invalid."""


class WorkflowDefinitionError(InvalidInputError):
    """A workflow definition file is invalid."""


class PolicyError(InvalidInputError):
    """A gate policy is invalid."""


class ConfigError(JuoFlowtestError):
    """Bad settings: the message says what and what to do."""


class SandboxError(JuoFlowtestError):
    """The embedded sandbox could not start."""


class ResultsError(JuoFlowtestError):
    """The results of a run are missing or cannot be read; the message says which file."""


class AdminApiError(JuoFlowtestError):
    """A call to a target's Admin API did not give what it should; the message says what to do.

    ``kind``: ``"unreachable"`` (no answer), ``"contract"`` (an answer Juo's Admin API does not
    document: a 5xx, not JSON, a shape its schema rejects) or ``"refused"`` (a documented
    error: ``status`` 400, 401, 403, 404 or 422; ``code`` is the body's code when it has one).
    """

    def __init__(self, message: str, kind: str, status: int | None = None,
                 code: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.code = code
