"""Turn validated Answers into the flat fact the engine matches.

durable-rules needs every field a rule mentions to be present with one type in every fact (a missing
field can crash the C engine later), so every question contributes fixed fields: a status, and the
value (choice), one boolean per option (multi-choice) or a number (0 when unknown, guarded by status).
"""

from __future__ import annotations

from typing import Any

from questionnaire import Definition
from questionnaire.conditions import answer_status

from .conditions import COUNT_FIELD, finding_field, level_field, option_field, status_field
from .vocabulary import CATEGORIES


def answer_fact(answers: Any, definition: Definition) -> dict[str, Any]:
    """The flat fact for validated Answers (their visible questions were worked out once, at validation)."""
    given = answers.given()
    shown = answers.visible
    fact: dict[str, Any] = {"kind": "answers"}
    for question_id, status, kind, options in _fields_of(definition):
        value = given.get(question_id)
        fact[status] = answer_status(value, question_id in shown)
        if kind == "choice":
            fact[question_id] = value or ""
        elif kind == "multi_choice":
            chosen = set(value or ())
            for option, field in options:
                fact[field] = option in chosen
        elif kind == "number":
            fact[question_id] = value if isinstance(value, (int, float)) else 0
    return fact


_PLANS: dict[int, tuple[Definition, list]] = {}


def _fields_of(definition: Definition) -> list[tuple[str, str, str, tuple[tuple[str, str], ...]]]:
    """Each question's fact field names, worked out once per definition (not per assessment)."""
    known = _PLANS.get(id(definition))
    if known is None or known[0] is not definition:
        plan = [
            (q.id, status_field(q.id), q.type, tuple((o, option_field(q.id, o)) for o in q.option_ids))
            for q in definition.questions
        ]
        known = _PLANS[id(definition)] = (definition, plan)
    return known[1]


def with_findings(fact: dict[str, Any], all_findings: tuple[str, ...], found: set[str]) -> dict[str, Any]:
    return {**fact, **{finding_field(f): f in found for f in all_findings}}


def with_levels(fact: dict[str, Any], levels: dict[str, str], commonly_considered_count: int) -> dict[str, Any]:
    extra: dict[str, Any] = {level_field(c): levels.get(c, "none") for c in CATEGORIES}
    extra[COUNT_FIELD] = commonly_considered_count
    return {**fact, **extra}
