"""The one exception tree of juo-flowtest.

::

    JuoFlowtestError                  base of everything we raise on purpose
    ├── FlowFileError                 a flow file is invalid (carries Diagnostics)
    ├── ConfigError                   bad settings: unknown environment, missing token,
    │                                 protected target refused, bad pyproject table
    ├── SandboxError                  the embedded sandbox could not start or load workflows
    │   └── WorkflowDefinitionError   a workflow definition file is invalid (path:line)
    ├── PolicyError                   a gate policy file is invalid (path:line)
    └── ResultsError                  a finished run's results are missing or unreadable

Run outcomes are values (``result.FlowResult``), not exceptions; only the pytest layer turns
them into ``FlowFailed`` (an AssertionError, so Allure marks it *failed*) and ``FlowBroken``
(any other exception, so Allure marks it *broken*). Those two live in the plugin.
"""

from __future__ import annotations

from dataclasses import dataclass

from juo_flowtest.flowfile.model import Position


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in a file: where, what, the offending source line and a hint."""

    position: Position
    message: str
    source_line: str = ""
    hint: str | None = None

    def render(self) -> str:
        """``path:line:col: message``, the source line, a caret under the column, the hint."""
        out = [f"{self.position}: error: {self.message}"]
        if self.source_line:
            out.append(f"  {self.source_line}")
            out.append("  " + " " * max(self.position.column - 1, 0) + "^")
        if self.hint:
            out.append(f"  hint: {self.hint}")
        return "\n".join(out)


class JuoFlowtestError(Exception):
    """Base of every error juo-flowtest raises on purpose."""


class FlowFileError(JuoFlowtestError):
    """A flow file is invalid; ``diagnostics`` lists every problem found in it."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.render() for d in diagnostics))


class ConfigError(JuoFlowtestError):
    """Bad settings: the message says what and what to do."""


class SandboxError(JuoFlowtestError):
    """The embedded sandbox could not start or load its workflows."""


class WorkflowDefinitionError(SandboxError):
    """A workflow definition file is invalid; ``diagnostics`` says where."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.render() for d in diagnostics))


class PolicyError(JuoFlowtestError):
    """A gate policy is invalid; ``diagnostics`` says where."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.render() for d in diagnostics))


class ResultsError(JuoFlowtestError):
    """The results of a run are missing or cannot be read; the message says which file."""
