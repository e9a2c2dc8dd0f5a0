"""One condition language for `visible_if` (questions.yaml) and `when` (rule files).

A condition is a mapping; every key must hold (AND):

    question_id: [a, b]                  the answer is one of these options (single choice)
    question_id: {none_of: [a, b]}       the answer is none of these; no answer also passes
    question_id: {includes: [a, b]}      "choose all that apply": at least one of these is chosen
    question_id: {excludes: [a, b]}      none of these is chosen
    question_id: {lt|lte|gt|gte: n}      a number was given and compares so ("I don't know" never does)
    question_id: {status: [answered, unknown, unanswered, not_asked]}
                                         answered (a real answer), "I don't know", shown but left
                                         blank, or hidden by other answers
    all: [{...}, {...}]                  every group holds
    any: [{...}, {...}]                  at least one group holds
    not: {...}                           the group does not hold (logical NOT)

Rule files add keywords of their own (findings, levels); the rule compiler passes a handler for them.
This module parses the spelling into a small tree of plain tuples, checks it against the questions,
and evaluates it in plain Python. The rule engine compiler and the FHIR export translate the same tree.

Tree nodes:
    ("all", parts) ("any", parts) ("not", part)
    ("in" | "none_of" | "includes" | "excludes", question_id, options)
    ("lt" | "lte" | "gt" | "gte", question_id, number)
    ("status", question_id, statuses)
    anything a keyword handler returns (e.g. ("finding", name, present))
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping
from typing import Any

Node = tuple
COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}
OPTION_TESTS = ("in", "none_of", "includes", "excludes")
STATUSES = ("answered", "unknown", "unanswered", "not_asked")
UNKNOWN = "unknown"
# The choice a person makes for "I don't know" is an option like any other; these are its statuses.
_SINGLE, _MULTI, _NUMBER = "choice", "multi_choice", "number"


class ConditionError(ValueError):
    """A condition is misspelt or names something that does not exist; the message says what."""


class UnknownName(ConditionError):
    """A key that is neither a question this condition may look at nor a keyword."""

    def __init__(self, name: str):
        super().__init__(f"unknown answer id or keyword '{name}'")
        self.name = name


Keyword = Callable[[Any], Node]  # a rule-file keyword: its value → a node


def _as_list(value: Any, what: str) -> list:
    if not isinstance(value, list) or not value:
        raise ConditionError(f"{what} needs a non-empty list")
    return list(value)


def _all(parts: list[Node]) -> Node:
    return parts[0] if len(parts) == 1 else ("all", tuple(parts))


class Parser:
    """Parses the spelling above for a set of questions (id → object with .type and .option_ids)."""

    def __init__(self, questions: Mapping[str, Any], keywords: Mapping[str, Keyword] | None = None):
        self.questions = questions
        self.keywords = dict(keywords or {})

    def parse(self, spelling: Any) -> Node:
        if not isinstance(spelling, dict) or not spelling:
            raise ConditionError(f"a condition must be a non-empty mapping, got {spelling!r}")
        parts: list[Node] = []
        for key, value in spelling.items():
            if key == "all":
                parts.extend(self.parse(group) for group in _as_list(value, "'all'"))
            elif key == "any":
                groups = [self.parse(group) for group in _as_list(value, "'any'")]
                parts.append(groups[0] if len(groups) == 1 else ("any", tuple(groups)))
            elif key == "not":
                parts.append(("not", self.parse(value)))
            elif key in self.keywords:
                parts.append(self.keywords[key](value))
            elif key in self.questions:
                parts.append(self._question(key, value))
            else:
                raise UnknownName(key)
        return _all(parts)

    def _question(self, question_id: str, value: Any) -> Node:
        question = self.questions[question_id]
        if isinstance(value, list):
            value = {"in": value}
        if not isinstance(value, dict) or not value:
            raise ConditionError(f"condition on '{question_id}' must be a list of options or a mapping")
        parts: list[Node] = []
        for op, operand in value.items():
            if op in ("in", "none_of"):
                if question.type != _SINGLE:
                    hint = " (use includes/excludes)" if question.type == _MULTI else ""
                    raise ConditionError(
                        f"'{op}' needs a single-choice question; '{question_id}' is {question.type}{hint}"
                    )
                parts.append((op, question_id, self._options(question_id, operand)))
            elif op in ("includes", "excludes"):
                if question.type != _MULTI:
                    raise ConditionError(f"'{op}' needs a multi-choice question; '{question_id}' is {question.type}")
                parts.append((op, question_id, self._options(question_id, operand)))
            elif op in COMPARISONS:
                if question.type != _NUMBER or isinstance(operand, bool) or not isinstance(operand, (int, float)):
                    raise ConditionError(
                        f"'{op}' needs a number question and a number; got '{question_id}' {op} {operand!r}"
                    )
                parts.append((op, question_id, operand))
            elif op == "status":
                statuses = tuple(_as_list(operand, "'status'"))
                for status in statuses:
                    if status not in STATUSES:
                        raise ConditionError(f"unknown status '{status}' (use {', '.join(STATUSES)})")
                parts.append(("status", question_id, statuses))
            elif op == "not":
                raise ConditionError(
                    f"'not' under '{question_id}' is ambiguous: write {{none_of: [...]}} for "
                    "'none of these options', or put 'not:' around a whole group"
                )
            else:
                raise ConditionError(f"unknown operator '{op}' on '{question_id}'")
        return _all(parts)

    def _options(self, question_id: str, operand: Any) -> tuple[str, ...]:
        raw = _as_list(operand, f"options for '{question_id}'")
        if any(isinstance(o, bool) for o in raw):
            raise ConditionError(f"options for '{question_id}' must be quoted (YAML reads bare yes/no as true/false)")
        options = tuple(str(o) for o in raw)
        known = self.questions[question_id].option_ids
        for option in options:
            if option not in known:
                raise ConditionError(f"'{question_id}' has no option '{option}'")
        return options


def walk(node: Node) -> Iterator[Node]:
    """Every node of a tree, the tree itself first."""
    yield node
    if node[0] in ("all", "any"):
        for part in node[1]:
            yield from walk(part)
    elif node[0] == "not":
        yield from walk(node[1])


def questions_read(node: Node) -> set[str]:
    return {n[1] for n in walk(node) if n[0] in (*OPTION_TESTS, *COMPARISONS, "status")}


def options_read(node: Node) -> dict[str, set[str]]:
    """Question → every option the condition names (for the "every answer is used" check)."""
    named: dict[str, set[str]] = {}
    for n in walk(node):
        if n[0] in OPTION_TESTS:
            named.setdefault(n[1], set()).update(n[2])
    return named


# ------------------------------------------------------------------------------ evaluation
def is_answered(value: Any) -> bool:
    return value is not None and value != "" and value != []


def answer_status(value: Any, shown: bool) -> str:
    if not shown:
        return "not_asked"
    if not is_answered(value):
        return "unanswered"
    if value == UNKNOWN or (isinstance(value, (list, tuple)) and UNKNOWN in value):
        return "unknown"
    return "answered"


def holds(
    node: Node,
    answers: Mapping[str, Any],
    shown: Callable[[str], bool] = lambda _q: True,
    extra: Callable[[Node], bool] | None = None,
) -> bool:
    """Plain-Python truth of a tree over answers; `shown(q)` says whether q was asked; `extra`
    decides nodes from rule-file keywords."""
    kind = node[0]
    if kind == "all":
        return all(holds(part, answers, shown, extra) for part in node[1])
    if kind == "any":
        return any(holds(part, answers, shown, extra) for part in node[1])
    if kind == "not":
        return not holds(node[1], answers, shown, extra)
    if kind in OPTION_TESTS or kind in COMPARISONS or kind == "status":
        question_id = node[1]
        value = answers.get(question_id) if shown(question_id) else None
        if kind == "status":
            return answer_status(value, shown(question_id)) in node[2]
        if kind == "in":
            return value in node[2]
        if kind == "none_of":
            return value not in node[2]
        chosen = value if isinstance(value, (list, tuple)) else ()
        if kind == "includes":
            return any(option in chosen for option in node[2])
        if kind == "excludes":
            return not any(option in chosen for option in node[2])
        return isinstance(value, (int, float)) and not isinstance(value, bool) and COMPARISONS[kind](value, node[2])
    if extra is None:
        raise ConditionError(f"no evaluator for '{kind}'")
    return extra(node)
