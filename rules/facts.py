"""Turn validated Answers into the flat fact the engine matches.

durable-rules needs every field a rule mentions to be present with one type in every fact (a missing
field can crash the C engine later), so every question contributes fixed fields: a status, and the
value (choice), one boolean per option (multi-choice) or a number (0 when unknown, guarded by status).
"""
from __future__ import annotations

from typing import Any

from questionnaire import Definition, visible_ids

from .conditions import COUNT_FIELD, finding_field, level_field, option_field, status_field
from .vocabulary import CATEGORIES


def _status(value: Any, visible: bool) -> str:
    if not visible:
        return "not_asked"
    if value is None:
        return "unanswered"
    if value == "unknown" or (isinstance(value, list) and "unknown" in value):
        return "unknown"
    return "answered"


def answer_fact(answers: Any, definition: Definition) -> dict[str, Any]:
    given = answers.model_dump()
    shown = visible_ids({k: v for k, v in given.items() if v is not None}, definition)
    fact: dict[str, Any] = {"kind": "answers"}
    for question in definition.questions:
        value = given.get(question.id)
        fact[status_field(question.id)] = _status(value, question.id in shown)
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


def with_levels(fact: dict[str, Any], levels: dict[str, str]) -> dict[str, Any]:
    extra: dict[str, Any] = {level_field(c): levels.get(c, "none") for c in CATEGORIES}
    extra[COUNT_FIELD] = sum(1 for c, level in levels.items() if c != "clinical_trial" and level == "commonly_considered")
    return {**fact, **extra}
