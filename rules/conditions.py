"""Rule conditions: the friendly YAML spelling → a small tree → durable-rules JSON (or plain Python).

The tree has four node kinds: ("and", parts), ("or", parts), ("eq"|"neq", field, value) and
("lt"|"lte"|"gt"|"gte", field, number). Fact field names are built here and in `facts.py` only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from questionnaire import Definition

from .vocabulary import CATEGORIES, LEVELS

Node = tuple
COMPARISONS = ("lt", "lte", "gt", "gte")
STATUSES = ("answered", "unknown", "unanswered", "not_asked")
COUNT_FIELD = "commonly_considered_count"


def status_field(question_id: str) -> str:
    return f"{question_id}__status"


def option_field(question_id: str, option_id: str) -> str:
    return f"{question_id}__{option_id}"


def finding_field(finding: str) -> str:
    return f"finding__{finding}"


def level_field(category: str) -> str:
    return f"level__{category}"


@dataclass
class Compiled:
    """A compiled condition and what it depends on (for explanations and layering)."""

    tree: Node
    questions: set[str] = field(default_factory=set)
    findings: set[str] = field(default_factory=set)
    uses_levels: bool = False
    includes: dict[str, set[str]] = field(default_factory=dict)  # multi-choice question → options it looks for
    options: dict[str, set[str]] = field(default_factory=dict)  # choice question → every option it names


class ConditionError(ValueError):
    pass


def _all(parts: list[Node]) -> Node:
    return parts[0] if len(parts) == 1 else ("and", parts)


def _any(parts: list[Node]) -> Node:
    return parts[0] if len(parts) == 1 else ("or", parts)


def _as_list(value: Any, what: str) -> list:
    if not isinstance(value, list) or not value:
        raise ConditionError(f"{what} needs a non-empty list")
    return list(value)


class ConditionCompiler:
    def __init__(self, definition: Definition, findings: set[str]):
        self.definition = definition
        self.questions = definition.by_id()
        self.findings = findings

    def compile(self, when: Any) -> Compiled:
        if not isinstance(when, dict) or not when:
            raise ConditionError("'when' must be a non-empty mapping")
        compiled = Compiled(tree=("and", []))
        compiled.tree = self._group(when, compiled)
        return compiled

    def _group(self, group: Any, out: Compiled) -> Node:
        if not isinstance(group, dict) or not group:
            raise ConditionError(f"a condition group must be a non-empty mapping, got {group!r}")
        parts: list[Node] = []
        for key, value in group.items():
            if key == "any":
                parts.append(_any([self._group(g, out) for g in _as_list(value, "'any'")]))
            elif key == "all":
                parts.extend(self._group(g, out) for g in _as_list(value, "'all'"))
            elif key == "always":
                if value is not True:
                    raise ConditionError("'always' must be true")
                parts.append(("eq", "kind", "answers"))
            elif key in ("finding", "not_finding"):
                for finding in _as_list(value, f"'{key}'"):
                    if finding not in self.findings:
                        raise ConditionError(f"unknown finding '{finding}'")
                    out.findings.add(finding)
                    parts.append(("eq", finding_field(finding), key == "finding"))
            elif key == "level_of":
                parts.append(self._level_of(value))
                out.uses_levels = True
            elif key == COUNT_FIELD:
                parts.append(self._count(value))
                out.uses_levels = True
            elif key in self.questions:
                parts.append(self._question(key, value, out))
                out.questions.add(key)
            else:
                raise ConditionError(f"unknown answer id or keyword '{key}'")
        return _all(parts)

    def _level_of(self, value: Any) -> Node:
        if not isinstance(value, dict) or not value:
            raise ConditionError("'level_of' needs {category: [levels]}")
        parts = []
        for category, levels in value.items():
            if category not in CATEGORIES:
                raise ConditionError(f"unknown category '{category}'")
            for level in _as_list(levels, "'level_of'"):
                if level not in (*LEVELS, "none"):
                    raise ConditionError(f"unknown level '{level}'")
            parts.append(_any([("eq", level_field(category), level) for level in levels]))
        return _all(parts)

    def _count(self, value: Any) -> Node:
        if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in COMPARISONS:
            raise ConditionError(f"'{COUNT_FIELD}' needs one comparison such as {{lte: 0}}")
        op, number = next(iter(value.items()))
        return (op, COUNT_FIELD, number)

    def _question(self, question_id: str, value: Any, out: Compiled) -> Node:
        question = self.questions[question_id]
        if isinstance(value, list):
            value = {"in": value}
        if not isinstance(value, dict) or not value:
            raise ConditionError(f"condition on '{question_id}' must be a list of options or a mapping")
        parts: list[Node] = []
        for op, operand in value.items():
            if op in ("in", "not"):
                if question.type != "choice":
                    raise ConditionError(f"'{op}' needs a single-choice question; '{question_id}' is {question.type}")
                options = self._options(question, operand)
                out.options.setdefault(question_id, set()).update(options)
                if op == "in":
                    parts.append(_any([("eq", question_id, o) for o in options]))
                else:
                    parts.append(_all([("neq", question_id, o) for o in options]))
            elif op in ("includes", "excludes"):
                if question.type != "multi_choice":
                    raise ConditionError(f"'{op}' needs a multi-choice question; '{question_id}' is {question.type}")
                options = self._options(question, operand)
                out.options.setdefault(question_id, set()).update(options)
                fields = [option_field(question_id, o) for o in options]
                if op == "includes":
                    out.includes.setdefault(question_id, set()).update(options)
                    parts.append(_any([("eq", f, True) for f in fields]))
                else:
                    parts.append(_all([("eq", f, False) for f in fields]))
            elif op in COMPARISONS:
                if question.type != "number" or isinstance(operand, bool) or not isinstance(operand, (int, float)):
                    raise ConditionError(f"'{op}' needs a number question and a number; got '{question_id}' {op} {operand!r}")
                # Unknown numbers are stored as 0: the status guard keeps them from matching.
                parts.append(("and", [("eq", status_field(question_id), "answered"), (op, question_id, operand)]))
            elif op == "status":
                statuses = _as_list(operand, "'status'")
                for status in statuses:
                    if status not in STATUSES:
                        raise ConditionError(f"unknown status '{status}' (use {', '.join(STATUSES)})")
                parts.append(_any([("eq", status_field(question_id), s) for s in statuses]))
            else:
                raise ConditionError(f"unknown operator '{op}' on '{question_id}'")
        return _all(parts)

    @staticmethod
    def _options(question, operand: Any) -> list[str]:
        raw = _as_list(operand, f"options for '{question.id}'")
        if any(isinstance(o, bool) for o in raw):
            raise ConditionError(f"options for '{question.id}' must be quoted (YAML reads bare yes/no as true/false)")
        options = [str(o) for o in raw]
        for option in options:
            if option not in question.option_ids:
                raise ConditionError(f"'{question.id}' has no option '{option}'")
        return options


def to_durable(node: Node) -> dict:
    """The durable-rules JSON spelling of a condition tree."""
    kind = node[0]
    if kind == "and":
        return {"$and": [to_durable(part) for part in node[1]]}
    if kind == "or":
        return {"$or": [to_durable(part) for part in node[1]]}
    if kind == "eq":
        return {node[1]: node[2]}
    if kind == "neq":
        return {"$neq": {node[1]: node[2]}}
    return {f"${kind}": {node[1]: node[2]}}


_PY_COMPARE = {
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
}


def evaluate(node: Node, fact: dict) -> bool:
    """Plain-Python evaluation of a condition tree: the reference the engine is tested against."""
    kind = node[0]
    if kind == "and":
        return all(evaluate(part, fact) for part in node[1])
    if kind == "or":
        return any(evaluate(part, fact) for part in node[1])
    if kind == "eq":
        return fact.get(node[1]) == node[2]
    if kind == "neq":
        return fact.get(node[1]) != node[2]
    return _PY_COMPARE[kind](fact[node[1]], node[2])
