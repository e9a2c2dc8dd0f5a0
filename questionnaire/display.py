"""How an answer reads to a person: option wording for patients or nurses, numbers with units."""

from __future__ import annotations

from typing import Any, Literal

from .definition import Question, load_definition
from .flow import visible_ids

Audience = Literal["patient", "nurse"]


def answer_text(question: Question, value: Any, audience: Audience = "patient", language: str = "en") -> str:
    """`question` should come from the definition in `language` (its options carry the wording)."""
    words_for = load_definition(language)
    words = words_for.answer_words
    if value is None or value == [] or value == "":
        return words.not_answered
    if value == "unknown" or value == ["unknown"]:
        return words.unknown[audience]
    if question.type == "choice":
        return getattr(question.option(value), audience)
    if question.type == "multi_choice":
        return "; ".join(getattr(question.option(v), audience) for v in value)
    if question.type == "number":
        unit = words_for.unit_labels.get(question.unit or "", question.unit or "")
        if value == 1 and unit.isalpha() and unit.endswith("s"):
            unit = unit[:-1]  # "1 line", "1 year"
        number = (f"{value:g}" if isinstance(value, float) else str(value)).replace(".", words.decimal_mark)
        return f"{number}{unit}" if unit == "%" else f"{number} {unit}"
    return str(value)


def option_text(question_id: str, option_id: str, audience: Audience = "patient", language: str = "en") -> str:
    """How one option of a choice question reads, e.g. a warning sign named in the urgent panel."""
    return getattr(load_definition(language).question(question_id).option(option_id), audience)


def answered_rows(answers: Any, audience: Audience = "patient", language: str = "en") -> list[tuple[Question, str]]:
    """(question, answer text) for every visible question that has an answer, in definition order."""
    given = answers.given() if hasattr(answers, "given") else dict(answers)
    shown = answers.visible if hasattr(answers, "visible") else visible_ids(given)  # Answers know theirs
    return [
        (question, answer_text(question, given[question.id], audience, language))
        for question in load_definition(language).questions
        if question.id in shown and question.id in given
    ]
