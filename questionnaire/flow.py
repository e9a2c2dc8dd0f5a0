"""Questionnaire flow as pure functions: which questions are visible, progress, next/previous section.

Answers are a plain mapping {question_id: value}. Visibility is decided in definition order using only
answers to questions that are themselves visible, so hiding a question also hides what depends on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .conditions import holds, is_answered
from .definition import Definition, Question, Section, load_definition


def visible_questions(answers: Mapping[str, Any], definition: Definition | None = None) -> list[Question]:
    """Questions a person should see, given the answers so far (hidden answers are ignored)."""
    definition = definition or load_definition()
    conditions = definition.visibility
    shown: set[str] = set()
    visible: list[Question] = []
    for question in definition.questions:
        condition = conditions.get(question.id)
        # Only earlier questions that were themselves shown count: hiding one hides what depends on it.
        if condition is None or holds(condition, answers, shown.__contains__):
            visible.append(question)
            shown.add(question.id)
    return visible


def visible_ids(answers: Mapping[str, Any], definition: Definition | None = None) -> set[str]:
    return {q.id for q in visible_questions(answers, definition)}


def sections(definition: Definition | None = None) -> tuple[Section, ...]:
    return (definition or load_definition()).sections


def visible_in_section(
    section_id: str, answers: Mapping[str, Any], definition: Definition | None = None
) -> list[Question]:
    return [q for q in visible_questions(answers, definition) if q.section == section_id]


@dataclass(frozen=True)
class Progress:
    answered: int
    visible: int


def progress(answers: Mapping[str, Any], definition: Definition | None = None) -> Progress:
    visible = visible_questions(answers, definition)
    answered = sum(1 for q in visible if is_answered(answers.get(q.id)))
    return Progress(answered=answered, visible=len(visible))


def active_sections(answers: Mapping[str, Any], definition: Definition | None = None) -> list[Section]:
    """Sections with at least one visible question (a blood cancer has no tumour-test step)."""
    shown = {q.section for q in visible_questions(answers, definition)}
    return [s for s in sections(definition) if s.id in shown]


def next_section(
    section_id: str, answers: Mapping[str, Any] | None = None, definition: Definition | None = None
) -> str | None:
    """The next section after section_id that has something to ask, or None at the end."""
    ids = [s.id for s in sections(definition)]
    active = {s.id for s in active_sections(answers or {}, definition)}
    for candidate in ids[ids.index(section_id) + 1 :]:
        if candidate in active:
            return candidate
    return None


def previous_section(
    section_id: str, answers: Mapping[str, Any] | None = None, definition: Definition | None = None
) -> str | None:
    ids = [s.id for s in sections(definition)]
    active = {s.id for s in active_sections(answers or {}, definition)}
    for candidate in reversed(ids[: ids.index(section_id)]):
        if candidate in active:
            return candidate
    return None
