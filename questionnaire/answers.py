"""The one validated answer model, generated from the question definition.

`Answers` has one optional field per question; "unknown" (I don't know) is valid everywhere. Every
bad value gets a plain message naming the question; answers to hidden questions are dropped.
"""
from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Mapping, Optional, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, ValidationError, create_model, model_validator
from pydantic_core import PydanticCustomError

from .definition import UNKNOWN, Definition, Question, load_definition
from .flow import drop_hidden, is_answered


def _fail(message: str) -> PydanticCustomError:
    return PydanticCustomError("answer", message)


def _format_number(value: float) -> str:
    return f"{value:g}"


def _quote(value: Any, limit: int = 40) -> str:
    """What was sent, short enough for a message (it may be megabytes)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _finite_number(value: Any) -> bool:
    """True for ints of any size and finite floats (math.isfinite overflows on huge ints)."""
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def _number_checker(question: Question):
    low, high = question.range  # type: ignore[misc]
    unit = question.unit or ""
    spaced_unit = unit if unit == "%" else f" {unit}"

    def check(value: Any) -> Any:
        if value is None or value == UNKNOWN:
            return value
        if isinstance(value, bool):
            raise _fail(f"{question.label} must be a number or 'unknown'")
        if isinstance(value, str):
            text = value.strip().replace(",", ".")
            if text.lower() in ("unknown", "i don't know", "?"):
                return UNKNOWN
            try:
                value = float(text)
            except ValueError:
                raise _fail(f"{question.label} must be a number or 'unknown', not {_quote(value)}") from None
        if not _finite_number(value):
            raise _fail(f"{question.label} must be a number or 'unknown'")
        if not low <= value <= high:
            raise _fail(f"{question.label} must be between {_format_number(low)} and {_format_number(high)}{spaced_unit}")
        if question.integer:
            if value != int(value):
                raise _fail(f"{question.label} must be a whole number")
            return int(value)
        return float(value)

    return check


def _choice_checker(question: Question):
    allowed = question.option_ids

    def check(value: Any) -> Any:
        if value is None:
            return value
        if isinstance(value, bool):  # YAML/JSON true/false for yes/no questions
            value = "yes" if value else "no"
        if _finite_number(value) and value == int(value) and str(int(value)) in allowed:
            value = str(int(value))  # ECOG given as a number
        if not isinstance(value, str) or value not in allowed:
            raise _fail(f"{question.label}: {_quote(value)} is not one of the choices ({', '.join(allowed)})")
        return value

    return check


def _multi_checker(question: Question):
    allowed = question.option_ids

    def check(value: Any) -> Any:
        if value is None:
            return value
        if isinstance(value, str):
            value = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        if not isinstance(value, (list, tuple)):
            raise _fail(f"{question.label} must be a list of choices")
        unknown = [v for v in value if not isinstance(v, str) or v not in allowed]
        if unknown:
            shown = ", ".join(_quote(v) for v in unknown[:3]) + (f" and {len(unknown) - 3} more" if len(unknown) > 3 else "")
            raise _fail(f"{question.label}: {shown} not among the choices ({', '.join(allowed)})")
        chosen = [option for option in allowed if option in value]  # canonical order, no duplicates
        for exclusive in question.exclusive:
            if exclusive in chosen and len(chosen) > 1:
                option = question.option(exclusive)
                raise _fail(f"{question.label}: '{option.patient}' cannot be combined with other choices")
        return chosen or None

    return check


def _text_checker(question: Question):
    limit = question.max_length or 200

    def check(value: Any) -> Any:
        if value is None:
            return value
        if not isinstance(value, str):
            raise _fail(f"{question.label} must be text")
        text = unicodedata.normalize("NFC", value).strip()
        if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in text):
            raise _fail(f"{question.label} contains control or invisible characters; please retype it")
        if len(text) > limit:
            raise _fail(f"{question.label} is too long ({len(text)} characters; at most {limit})")
        return text or None

    return check


def _field_for(question: Question) -> tuple[Any, Any]:
    description = question.nurse
    if question.type == "number":
        low, high = question.range  # type: ignore[misc]
        number = int if question.integer else float
        kind = Union[Annotated[number, Field(ge=low, le=high)], Literal["unknown"], None]
        checker = _number_checker(question)
        extra = {"x-unit": question.unit}
    elif question.type == "choice":
        kind = Optional[Literal[question.option_ids]]  # type: ignore[valid-type]
        checker, extra = _choice_checker(question), {}
    elif question.type == "multi_choice":
        kind = Optional[list[Literal[question.option_ids]]]  # type: ignore[valid-type]
        checker, extra = _multi_checker(question), {}
    else:
        kind = Optional[Annotated[str, Field(max_length=question.max_length)]]
        checker, extra = _text_checker(question), {}
    annotated = Annotated[kind, BeforeValidator(checker)]
    return annotated, Field(default=None, title=question.label, description=description, json_schema_extra=extra or None)


class _AnswersBase(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False, frozen=True)
    _dropped_hidden: tuple[str, ...] = PrivateAttr(default=())

    @model_validator(mode="wrap")
    @classmethod
    def _drop_hidden_answers(cls, data: Any, handler):
        if isinstance(data, Mapping):
            raw = {k: v for k, v in data.items() if is_answered(v)}
            known = {k: v for k, v in raw.items() if k in cls.model_fields}
            model = handler(raw)
            answers = {k: getattr(model, k) for k in known if getattr(model, k) is not None}
            kept = drop_hidden(answers)
            dropped = tuple(sorted(set(answers) - set(kept)))
            if dropped:
                model = handler(kept)
            model._dropped_hidden = dropped
            return model
        return handler(data)

    @property
    def dropped_hidden(self) -> tuple[str, ...]:
        """Question ids whose answers were dropped because the question is hidden by other answers."""
        return self._dropped_hidden

    def given(self) -> dict[str, Any]:
        """Only the answered questions, JSON-ready."""
        return self.model_dump(mode="json", exclude_none=True)


def build_answers_model(definition: Definition) -> type[BaseModel]:
    fields = {q.id: _field_for(q) for q in definition.questions}
    model = create_model("Answers", __base__=_AnswersBase, **fields)  # type: ignore[call-overload]
    model.__doc__ = "Validated answers to the ImmunoPrep questionnaire; every field may be 'unknown' or absent."
    return model


Answers = build_answers_model(load_definition())


@dataclass(frozen=True)
class Problem:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def problems_from(error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "answers"
        if len(field) > 40:  # only an unknown key can be this long; quote it, do not echo megabytes
            field = field[:39] + "…"
        if item["type"] == "extra_forbidden":
            problems.append(Problem(field, "is not a question in ImmunoPrep"))
        elif item["type"] == "answer":
            problems.append(Problem(field, item["msg"]))
        else:
            problems.append(Problem(field, item["msg"]))
    unique = {(p.field, p.message): p for p in problems}
    return list(unique.values())


def validate_answers(data: Any) -> tuple[Any, list[Problem]]:
    """Validate, keeping every valid answer: returns (Answers built from the good fields, problems)."""
    if not isinstance(data, Mapping):
        return Answers(), [Problem("answers", "must be a JSON object of question id → answer")]
    data = dict(data)
    problems: list[Problem] = []
    for _ in range(len(data) + 1):
        try:
            return Answers.model_validate(data), problems
        except ValidationError as error:
            found = problems_from(error)
            problems.extend(found)
            bad = {p.field for p in found}
            if not bad & set(data):
                return Answers(), problems
            for field in bad:
                data.pop(field, None)
    return Answers(), problems


def answers_from_json(text: str) -> tuple[Any, list[Problem]]:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        return Answers(), [Problem("file", f"is not valid JSON ({getattr(error, 'msg', 'too deeply nested')})")]
    if isinstance(data, Mapping) and "answers" in data and isinstance(data["answers"], Mapping):
        data = data["answers"]  # the app's saved-answers file wraps answers with tool metadata
    return validate_answers(data)


def answers_schema() -> dict[str, Any]:
    schema = Answers.model_json_schema()
    schema["$id"] = "https://immunoprep.example/answers.schema.json"
    schema["description"] = Answers.__doc__
    return schema
