"""Rule conditions: the shared condition language plus the rule files' own keywords, and how a
condition becomes durable-rules JSON.

The spelling, the tree and its plain-Python meaning live in `questionnaire/conditions.py`, shared with
`visible_if`. Rule files add:

    finding: [f1, f2] / not_finding: [f1]      derived findings (findings.yaml)
    level_of: {category: [none, not_typical]}   the level other rules gave (runs after them)
    commonly_considered_count: {lte: 0}         categories other than trials commonly considered
    always: true                                every assessment

The engine matches one flat fact (see `facts.py`), so `lower` turns a tree into comparisons of fact
fields, pushing logical NOT down to the leaves (durable-rules has no NOT).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from questionnaire import Definition
from questionnaire.conditions import COMPARISONS, ConditionError, Node, Parser, options_read, questions_read, walk

from .vocabulary import CATEGORIES, LEVELS

COUNT_FIELD = "commonly_considered_count"
RULE_ONLY = ("finding", "level", "count", "always")
_OPPOSITE = {"lt": "gte", "lte": "gt", "gt": "lte", "gte": "lt"}

__all__ = [
    "COUNT_FIELD",
    "Compiled",
    "ConditionError",
    "RuleConditions",
    "lower",
    "to_durable",
    "evaluate_lowered",
    "status_field",
    "option_field",
    "finding_field",
    "level_field",
]


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
    """A parsed rule condition, what it depends on (for explanations and layering), and its engine form."""

    tree: Node
    lowered: Node
    questions: set[str] = field(default_factory=set)
    findings: set[str] = field(default_factory=set)
    uses_levels: bool = False
    options: dict[str, set[str]] = field(default_factory=dict)  # question → every option it names
    includes: dict[str, set[str]] = field(default_factory=dict)  # multi-choice question → options it looks for


def _list(value: Any, what: str) -> list:
    if not isinstance(value, list) or not value:
        raise ConditionError(f"{what} needs a non-empty list")
    return list(value)


class RuleConditions:
    """Parses rule conditions for one questionnaire and one set of findings."""

    def __init__(self, definition: Definition, findings: set[str]):
        self.findings = findings
        self.parser = Parser(
            definition.by_id,
            keywords={
                "finding": lambda v: self._finding(v, True, "finding"),
                "not_finding": lambda v: self._finding(v, False, "not_finding"),
                "level_of": self._level_of,
                COUNT_FIELD: self._count,
                "always": self._always,
            },
        )

    def compile(self, when: Any) -> Compiled:
        tree = self.parser.parse(when)
        nodes = list(walk(tree))
        includes: dict[str, set[str]] = {}
        for node in nodes:
            if node[0] == "includes":
                includes.setdefault(node[1], set()).update(node[2])
        return Compiled(
            tree=tree,
            lowered=lower(tree),
            questions=questions_read(tree),
            findings={n[1] for n in nodes if n[0] == "finding"},
            uses_levels=any(n[0] in ("level", "count") for n in nodes),
            options=options_read(tree),
            includes=includes,
        )

    def _finding(self, value: Any, present: bool, key: str) -> Node:
        parts = []
        for finding in _list(value, f"'{key}'"):
            if finding not in self.findings:
                raise ConditionError(f"unknown finding '{finding}'")
            parts.append(("finding", finding, present))
        return parts[0] if len(parts) == 1 else ("all", tuple(parts))

    @staticmethod
    def _level_of(value: Any) -> Node:
        if not isinstance(value, dict) or not value:
            raise ConditionError("'level_of' needs {category: [levels]}")
        parts = []
        for category, levels in value.items():
            if category not in CATEGORIES:
                raise ConditionError(f"unknown category '{category}'")
            for level in _list(levels, "'level_of'"):
                if level not in (*LEVELS, "none"):
                    raise ConditionError(f"unknown level '{level}'")
            parts.append(("level", category, tuple(levels)))
        return parts[0] if len(parts) == 1 else ("all", tuple(parts))

    @staticmethod
    def _count(value: Any) -> Node:
        if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in COMPARISONS:
            raise ConditionError(f"'{COUNT_FIELD}' needs one comparison such as {{lte: 0}}")
        op, number = next(iter(value.items()))
        return ("count", op, number)

    @staticmethod
    def _always(value: Any) -> Node:
        if value is not True:
            raise ConditionError("'always' must be true")
        return ("always",)


# ------------------------------------------------------------------ lowering to fact comparisons
# The lowered tree has five kinds: ("and", parts), ("or", parts), ("eq"|"neq", field, value) and
# ("lt"|"lte"|"gt"|"gte", field, number). Fact field names are built here and in facts.py only.


def _and(parts: list[Node]) -> Node:
    return parts[0] if len(parts) == 1 else ("and", parts)


def _or(parts: list[Node]) -> Node:
    return parts[0] if len(parts) == 1 else ("or", parts)


def lower(node: Node, negate: bool = False) -> Node:
    """The tree as comparisons of fact fields; `negate` lowers NOT(node) (De Morgan down to leaves)."""
    kind = node[0]
    if kind in ("all", "any"):
        parts = [lower(part, negate) for part in node[1]]
        return _and(parts) if (kind == "all") != negate else _or(parts)
    if kind == "not":
        return lower(node[1], not negate)
    if kind in ("in", "none_of"):
        question, options = node[1], node[2]
        if (kind == "in") != negate:
            return _or([("eq", question, o) for o in options])
        return _and([("neq", question, o) for o in options])
    if kind in ("includes", "excludes"):
        question, options = node[1], node[2]
        chosen = (kind == "includes") != negate
        fields = [option_field(question, o) for o in options]
        return _or([("eq", f, True) for f in fields]) if chosen else _and([("eq", f, False) for f in fields])
    if kind in COMPARISONS:
        # Unknown numbers are stored as 0: the status guard keeps them from matching either way.
        question, number = node[1], node[2]
        if not negate:
            return ("and", [("eq", status_field(question), "answered"), (kind, question, number)])
        return ("or", [("neq", status_field(question), "answered"), (_OPPOSITE[kind], question, number)])
    if kind == "status":
        question, statuses = node[1], node[2]
        if not negate:
            return _or([("eq", status_field(question), s) for s in statuses])
        return _and([("neq", status_field(question), s) for s in statuses])
    if kind == "finding":
        return ("eq", finding_field(node[1]), node[2] != negate)
    if kind == "level":
        category, levels = node[1], node[2]
        if not negate:
            return _or([("eq", level_field(category), level) for level in levels])
        return _and([("neq", level_field(category), level) for level in levels])
    if kind == "count":
        return (_OPPOSITE[node[1]] if negate else node[1], COUNT_FIELD, node[2])
    if kind == "always":
        if negate:
            raise ConditionError("'not' around 'always' never holds")
        return ("eq", "kind", "answers")
    raise ConditionError(f"cannot lower '{kind}'")


def to_durable(node: Node) -> dict:
    """The durable-rules JSON spelling of a lowered tree."""
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


def evaluate_lowered(node: Node, fact: Mapping[str, Any]) -> bool:
    """A lowered tree over a fact in plain Python (tests compare it with the engine and the tree)."""
    kind = node[0]
    if kind == "and":
        return all(evaluate_lowered(part, fact) for part in node[1])
    if kind == "or":
        return any(evaluate_lowered(part, fact) for part in node[1])
    if kind == "eq":
        return fact.get(node[1]) == node[2]
    if kind == "neq":
        return fact.get(node[1]) != node[2]
    return COMPARISONS[kind](fact[node[1]], node[2])


def rule_keyword_truth(
    findings: set[str] | frozenset[str], levels: Mapping[str, str], count: int
) -> Callable[[Node], bool]:
    """How the plain-Python evaluator decides the rule files' own keywords."""

    def truth(node: Node) -> bool:
        kind = node[0]
        if kind == "finding":
            return (node[1] in findings) == node[2]
        if kind == "level":
            return levels.get(node[1], "none") in node[2]
        if kind == "count":
            return COMPARISONS[node[1]](count, node[2])
        if kind == "always":
            return True
        raise ConditionError(f"no evaluator for '{kind}'")

    return truth
