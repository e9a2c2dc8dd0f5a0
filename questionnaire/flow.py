"""Questionnaire flow as pure functions: which questions are visible, progress, next/previous section.

Answers are a plain mapping {question_id: value}. Visibility is decided in definition order using only
answers to questions that are themselves visible, so hiding a question also hides what depends on it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from .definition import AllOf, AnyOf, Condition, Definition, Leaf, Question, Section, load_definition

_COMPARE = {
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
}


def is_answered(value: Any) -> bool:
    return value is not None and value != "" and value != []


def _leaf_holds(leaf: Leaf, answers: Mapping[str, Any]) -> bool:
    value = answers.get(leaf.question)
    if not is_answered(value):
        return leaf.operator == "not_in"  # like FHIR's "!=": no answer is not one of the excluded ones
    operator = leaf.operator
    if operator == "answered":
        return True
    if operator == "in_":
        return value in leaf.value
    if operator == "not_in":
        return value not in leaf.value
    if operator == "includes":
        return any(option in value for option in leaf.value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _COMPARE[operator](value, leaf.value)
    return False  # "unknown" never satisfies a numeric comparison


def condition_holds(condition: Condition | None, answers: Mapping[str, Any]) -> bool:
    if condition is None:
        return True
    if isinstance(condition, Leaf):
        return _leaf_holds(condition, answers)
    if isinstance(condition, AllOf):
        return all(condition_holds(part, answers) for part in condition.all)
    if isinstance(condition, AnyOf):
        return any(condition_holds(part, answers) for part in condition.any)
    return not condition_holds(condition.not_, answers)


def visible_questions(answers: Mapping[str, Any], definition: Definition | None = None) -> list[Question]:
    """Questions a person should see, given the answers so far (hidden answers are ignored)."""
    definition = definition or load_definition()
    shown: dict[str, Any] = {}
    visible: list[Question] = []
    for question in definition.questions:
        if condition_holds(question.visible_if, shown):
            visible.append(question)
            if question.id in answers:
                shown[question.id] = answers[question.id]
    return visible


def visible_ids(answers: Mapping[str, Any], definition: Definition | None = None) -> set[str]:
    return {q.id for q in visible_questions(answers, definition)}


def drop_hidden(answers: Mapping[str, Any], definition: Definition | None = None) -> dict[str, Any]:
    """Keep only answers to visible questions: an answer to a hidden question is never used."""
    keep = visible_ids(answers, definition)
    return {key: value for key, value in answers.items() if key in keep}


def sections(definition: Definition | None = None) -> tuple[Section, ...]:
    return (definition or load_definition()).sections


def visible_in_section(section_id: str, answers: Mapping[str, Any], definition: Definition | None = None) -> list[Question]:
    return [q for q in visible_questions(answers, definition) if q.section == section_id]


@dataclass(frozen=True)
class Progress:
    answered: int
    visible: int

    @property
    def fraction(self) -> float:
        return self.answered / self.visible if self.visible else 1.0


def progress(answers: Mapping[str, Any], definition: Definition | None = None) -> Progress:
    visible = visible_questions(answers, definition)
    answered = sum(1 for q in visible if is_answered(answers.get(q.id)))
    return Progress(answered=answered, visible=len(visible))


def active_sections(answers: Mapping[str, Any], definition: Definition | None = None) -> list[Section]:
    """Sections with at least one visible question (a blood cancer has no tumour-test step)."""
    shown = {q.section for q in visible_questions(answers, definition)}
    return [s for s in sections(definition) if s.id in shown]


def next_section(section_id: str, answers: Mapping[str, Any] | None = None, definition: Definition | None = None) -> str | None:
    """The next section after section_id that has something to ask, or None at the end."""
    ids = [s.id for s in sections(definition)]
    active = {s.id for s in active_sections(answers or {}, definition)}
    for candidate in ids[ids.index(section_id) + 1 :]:
        if candidate in active:
            return candidate
    return None


def previous_section(section_id: str, answers: Mapping[str, Any] | None = None, definition: Definition | None = None) -> str | None:
    ids = [s.id for s in sections(definition)]
    active = {s.id for s in active_sections(answers or {}, definition)}
    for candidate in reversed(ids[: ids.index(section_id)]):
        if candidate in active:
            return candidate
    return None
