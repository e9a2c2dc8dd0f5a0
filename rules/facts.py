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
    for question in definition.questions:
        value = given.get(question.id)
        fact[status_field(question.id)] = answer_status(value, question.id in shown)
        if question.type == "choice":
            fact[question.id] = value or ""
        elif question.type == "multi_choice":
            chosen = set(value or ())
            for option in question.option_ids:
                fact[option_field(question.id, option)] = option in chosen
        elif question.type == "number":
            fact[question.id] = value if isinstance(value, (int, float)) else 0
    return fact


def with_findings(fact: dict[str, Any], all_findings: tuple[str, ...], found: set[str]) -> dict[str, Any]:
    return {**fact, **{finding_field(f): f in found for f in all_findings}}


def with_levels(fact: dict[str, Any], levels: dict[str, str], commonly_considered_count: int) -> dict[str, Any]:
    extra: dict[str, Any] = {level_field(c): levels.get(c, "none") for c in CATEGORIES}
    extra[COUNT_FIELD] = commonly_considered_count
    return {**fact, **extra}
