"""Paths through a workflow: the moves a run makes from its start to one of its ends.

A search state is "the run enters step X" with the literals the moves so far require (the
conditions that had to hold, and the earlier transitions that had to not hold, as
``solver.Literal``s). ``explore`` walks the states breadth first, keeping only those whose
literals can still be satisfied together, and remembers for every unit (``paths.units``) the
shortest prefix that covers it; ``finish`` extends a prefix to the nearest end.
"""

from __future__ import annotations

import itertools
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from juo_flowtest.paths.solver import Known, Literal, Var, alternatives, solve
from juo_flowtest.paths.units import End, Unit, fails, is_final
from juo_flowtest.sandbox.definitions import Step, Transition, Workflow

#: Bounds that keep a search finite on any definition (loops through interactions).
MAX_STATES = 4000
#: Alternatives of one move kept (each a different way to satisfy its conditions).
MAX_WAYS = 2
#: At most this many states enter each step in one search (each with its own conditions).
MAX_PER_STEP = 32


@dataclass(frozen=True, slots=True)
class Move:
    """One thing a run does: answer, follow an automatic branch, time out, or end."""

    step: str
    kind: str  # respond | auto | timeout | end
    transition: str = ""
    response: str = ""
    variant: str = ""
    how: str = ""  # for an end: final | no_transition | failed | abandoned

    @property
    def unit(self) -> Unit | End:
        if self.kind == "end":
            return (self.step, self.how)
        return (self.step, self.transition, self.variant)


@dataclass(frozen=True, slots=True)
class State:
    """Entering ``at`` (None once the run has ended) after ``moves``."""

    at: str | None
    moves: tuple[Move, ...]
    literals: tuple[Literal, ...]
    last: Known  # the last response answered, for later conditions

    @property
    def responds(self) -> int:
        return sum(m.kind == "respond" for m in self.moves)

    def key(self) -> tuple[object, ...]:
        return (self.at, frozenset(self.literals), self.last.response_type)


def domains(workflow: Workflow) -> dict[Var, list[str]]:
    """Variants are chosen among the experiment step's own."""
    return {("variant", s.id): [v.id for v in s.variants]
            for s in workflow.steps.values() if s.variants}


class Search:
    """Paths of one workflow, starting from the trigger's conditions."""

    def __init__(self, workflow: Workflow, start_literals: tuple[Literal, ...]) -> None:
        self.workflow = workflow
        self.domains = domains(workflow)
        self.start = State(workflow.initial, (), start_literals, Known())

    def feasible(self, literals: tuple[Literal, ...]) -> bool:
        return solve(literals, self.domains) is not None

    def explore(self) -> dict[Unit | End, State]:
        """For every unit a run can reach, the first (shortest) state that went through it.

        Every successor is looked at, also one whose state was seen before by another way
        (a different transition into the same step is still a unit of its own).
        """
        first: dict[Unit | End, State] = {}

        def record(state: State) -> None:
            for move in state.moves:
                if move.kind != "respond" or move.transition:
                    first.setdefault(move.unit, state)

        for _ in self._bfs(self.start, record):
            pass
        return first

    def finish(self, state: State) -> State | None:
        """The shortest way from ``state`` to an end (``state`` itself when it has ended)."""
        # One way into each step is nearly always enough and far cheaper; when a condition
        # further on needs another, the full search finds it.
        for per_step in (1, MAX_PER_STEP):
            found = next((s for s in self._bfs(state, per_step=per_step) if s.at is None),
                         None)
            if found is not None:
                return found
        return None

    def _bfs(self, origin: State, record: Callable[[State], None] | None = None,
             per_step: int = MAX_PER_STEP) -> Iterator[State]:
        queue, seen = deque([origin]), {origin.key()}
        count = 0
        # Independent choices in a row (routers one after another) multiply the literal
        # sets a step is entered with: a few per step are enough to find every way on.
        entered = Counter([origin.at])
        while queue and count < MAX_STATES:
            state = queue.popleft()
            count += 1
            yield state
            if state.at is None or len(state.moves) > 4 * len(self.workflow.steps) + 8:
                continue
            for nxt in self.successors(state):
                if record is not None:
                    record(nxt)
                if nxt.at is None:
                    queue.append(nxt)
                elif nxt.key() not in seen and entered[nxt.at] < per_step:
                    seen.add(nxt.key())
                    entered[nxt.at] += 1
                    queue.append(nxt)

    def successors(self, state: State) -> Iterator[State]:
        assert state.at is not None
        step = self.workflow.steps[state.at]
        if is_final(step):
            yield self._end(state, step, "final", ())
        elif fails(step):
            yield self._end(state, step, "failed", ())
        elif step.interactive:
            yield from self._interaction(state, step)
        else:
            yield from self._automatic(state, step)

    def _interaction(self, state: State, step: Step) -> Iterator[State]:
        index = state.responds
        for response in (r["type"] for r in step.responses):
            known = Known(response, index)
            branch = [t for t in step.transitions
                      if t.type == "response" and t.response_type == response]
            move = Move(step.id, "respond", response=response)
            for k, t in enumerate(branch):
                for lits in self._ways(state, t, branch[:k], known):
                    yield State(t.target, (*state.moves, _with(move, t)), lits, known)
            for lits in self._ways(state, None, branch, known):
                ended = State(None, (*state.moves, move), lits, known)
                yield self._end(ended, step, "no_transition", ())
        timeout = step.timeout
        if timeout is not None:
            move = Move(step.id, "timeout", transition=timeout.id)
            if timeout.target is None:
                moved = State(None, (*state.moves, move), state.literals, state.last)
                yield self._end(moved, step, "abandoned", ())
            else:
                yield State(timeout.target, (*state.moves, move), state.literals, state.last)

    def _automatic(self, state: State, step: Step) -> Iterator[State]:
        autos = [t for t in step.transitions if t.type == "auto"]
        variants = [v.id for v in step.variants] or [""]
        for variant in variants:
            pinned = ((Literal(("variant", step.id), "equals", variant, True),)
                      if variant else ())
            base = State(state.at, state.moves, state.literals + pinned, state.last)
            for k, t in enumerate(autos):
                for lits in self._ways(base, t, autos[:k], state.last):
                    move = Move(step.id, "auto", transition=t.id, variant=variant)
                    yield State(t.target, (*state.moves, move), lits, state.last)
            for lits in self._ways(base, None, autos, state.last):
                yield self._end(State(None, state.moves, lits, state.last), step,
                                "no_transition", ())

    def _ways(self, state: State, take: Transition | None, skip: list[Transition],
              known: Known) -> Iterator[tuple[Literal, ...]]:
        """Literal sets under which ``take`` holds and every transition of ``skip`` does not."""
        parts = [list(alternatives(t.conditions, False, known)) for t in skip]
        if take is not None:
            parts.append(list(alternatives(take.conditions, True, known)))
        found = 0
        for combo in itertools.islice(itertools.product(*parts), 256):
            lits = state.literals + tuple(lit for part in combo for lit in part
                                          if lit not in state.literals)
            if self.feasible(lits):
                yield lits
                found += 1
                if found >= MAX_WAYS:
                    return

    @staticmethod
    def _end(state: State, step: Step, how: str, extra: tuple[Literal, ...]) -> State:
        move = Move(step.id, "end", how=how)
        return State(None, (*state.moves, move), state.literals + extra, state.last)


def _with(move: Move, t: Transition) -> Move:
    return Move(move.step, move.kind, t.id, move.response, move.variant, move.how)
