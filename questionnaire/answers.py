"""The one validated answer model, generated from the question definition.

`Answers` has one optional field per question; "unknown" (I don't know) is valid everywhere. Every
bad value gets a plain message naming the question; answers to hidden questions are dropped.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    create_model,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .definition import UNKNOWN, Definition, Question, load_definition
from .flow import is_answered, visible_ids
from .messages import current_language, label_of, option_of, say, speaking
from .numbers import NumberTextError, means_unknown, read_typed_number


def _fail(message: str) -> PydanticCustomError:
    return PydanticCustomError("answer", message)


def _fail_choice(message: str) -> PydanticCustomError:
    """A value that is not an option: programmatic callers get a pointer to the list of choices."""
    return PydanticCustomError("answer_choice", message)


def _format_number(value: float) -> str:
    return f"{value:g}"


def _quote(value: Any, limit: int = 40) -> str:
    """What was sent, short enough for a message (it may be megabytes)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _finite_number(value: Any) -> bool:
    """True for ints of any size and finite floats (math.isfinite overflows on huge ints)."""
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def unit_words(unit: str | None) -> str:
    """The unit as it follows a number in a sentence: '55%', '67 years', '1.5 times the top of…'."""
    if not unit:
        return ""
    if unit == "%":
        return "%"
    if unit == "× ULN":
        return say("unit_times_uln")
    return " " + load_definition(current_language()).unit_labels.get(unit, unit)


def _asked_in(unit: str | None) -> str:
    return {"%": say("asked_in_percent"), "× ULN": say("asked_in_times_uln")}.get(unit or "", unit or "")


def in_sentence(label: str) -> str:
    """'Age' → 'age' but 'LVEF' stays 'LVEF': a label inside a sentence."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def example_number(question: Question) -> str:
    """A typical value to show in messages ('like 55')."""
    if question.example is not None:
        return _format_number(question.example)
    low, high = question.range  # type: ignore[misc]
    return _format_number(round((low + high) / 2))


def not_a_number_message(question: Question, typed: Any = None) -> str:
    """Plain words for text that is not one number."""
    hint = say("dont_know_hint")
    label, example = label_of(question.id), example_number(question)
    if isinstance(typed, str):
        return say("not_a_number_typed", label=label, typed=_quote(typed), example=example, hint=hint)
    return say("not_a_number", label=label, example=example, hint=hint)


def range_message(question: Question, side: Literal["high", "low"]) -> str:
    """Plain words for a number outside the plausible range: too high or too low, and the usual range."""
    low, high = question.range  # type: ignore[misc]
    return say(
        "too_high" if side == "high" else "too_low",
        label_in_sentence=in_sentence(label_of(question.id)),
        low=_format_number(low),
        high=_format_number(high),
        unit=unit_words(question.unit),
    )


def _typed_number(question: Question, text: str) -> float:
    """The number in typed text, checked against the question's unit; raise a plain message if unusable."""
    try:
        typed = read_typed_number(text)
    except NumberTextError as error:
        if error.kind == "thousands":
            raise _fail(say("thousands", label=label_of(question.id), typed=_quote(text))) from None
        raise _fail(not_a_number_message(question, text)) from None
    if typed.unit and typed.unit != question.unit:
        raise _fail(
            say(
                "wrong_unit",
                label=label_of(question.id),
                asked_in=_asked_in(question.unit),
                unit=typed.unit,
                example=example_number(question),
            )
        )
    if typed.bound:
        low, high = question.range  # type: ignore[misc]
        if question.integer:  # ages and counts are known exactly; "<" and ">" belong to lab reports
            raise _fail(say("no_bounds", label=label_of(question.id), example=example_number(question)))
        # Lab reports print "<" or ">" at the edge of what the lab reports, e.g. "eGFR >90" (the formula
        # is not precise above it) or "bilirubin <3" (too little to measure). Both edges lie in the
        # normal range, so the bound itself is the closest value we can store, and the rules compare
        # strictly (eGFR lt 60, bilirubin gt 1.5 × ULN), so a bound at their threshold does not fire
        # them. Only a bound strictly inside the plausible range is kept: ">110 years" or "<0" is a typo.
        if typed.bound == ">" and typed.value >= high:
            raise _fail(range_message(question, "high"))
        if typed.bound == "<" and typed.value <= low:
            raise _fail(range_message(question, "low"))
    return typed.value


def _number_checker(question: Question):
    low, high = question.range  # type: ignore[misc]

    def check(value: Any) -> Any:
        if value is None or value == UNKNOWN:
            return value
        if isinstance(value, bool):
            raise _fail(not_a_number_message(question))
        if isinstance(value, str):
            if means_unknown(value):
                return UNKNOWN
            value = _typed_number(question, value)
        if not _finite_number(value):
            raise _fail(not_a_number_message(question))
        if not low <= value <= high:
            raise _fail(range_message(question, "high" if value > high else "low"))
        if question.integer:
            if value != int(value):
                raise _fail(say("whole_number", label=label_of(question.id), example=example_number(question)))
            return int(value)
        return float(value)

    return check


CHOICES_HINT = "The choices are listed by: python -m reports schema"


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
            # Never the option ids: a patient cannot use them, and 38 of them bury the message.
            raise _fail_choice(say("not_a_choice", label=label_of(question.id), typed=_quote(value)))
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
            raise _fail(say("choose_from_list", label=label_of(question.id)))
        unknown = [v for v in value if not isinstance(v, str) or v not in allowed]
        if unknown:
            shown = ", ".join(_quote(v) for v in unknown[:3]) + (
                say("and_more", count=len(unknown) - 3) if len(unknown) > 3 else ""
            )
            key = "not_among_one" if len(unknown) == 1 else "not_among_many"
            raise _fail_choice(say(key, label=label_of(question.id), shown=shown))
        chosen = [option for option in allowed if option in value]  # canonical order, no duplicates
        for exclusive in question.exclusive:
            if exclusive in chosen and len(chosen) > 1:
                option = option_of(question.id, exclusive)
                raise _fail(say("not_combined", label=label_of(question.id), option=option))
        return chosen or None

    return check


def _text_checker(question: Question):
    limit = question.max_length or 200

    def check(value: Any) -> Any:
        if value is None:
            return value
        if not isinstance(value, str):
            raise _fail(say("must_be_text", label=label_of(question.id)))
        text = unicodedata.normalize("NFC", value).strip()
        if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in text):
            raise _fail(say("control_characters", label=label_of(question.id)))
        if len(text) > limit:
            raise _fail(say("too_long", label=label_of(question.id), length=len(text), limit=limit))
        return text or None

    return check


def _field_for(question: Question) -> tuple[Any, Any]:
    description = question.nurse
    if question.type == "number":
        low, high = question.range  # type: ignore[misc]
        number = int if question.integer else float
        kind = Annotated[number, Field(ge=low, le=high)] | Literal["unknown"] | None
        checker = _number_checker(question)
        extra = {"x-unit": question.unit}
    elif question.type == "choice":
        kind = Literal[question.option_ids] | None  # type: ignore[valid-type]
        checker, extra = _choice_checker(question), {}
    elif question.type == "multi_choice":
        kind = list[Literal[question.option_ids]] | None  # type: ignore[valid-type]
        checker, extra = _multi_checker(question), {}
    else:
        kind = Annotated[str, Field(max_length=question.max_length)] | None
        checker, extra = _text_checker(question), {}
    annotated = Annotated[kind, BeforeValidator(checker)]
    return annotated, Field(
        default=None, title=question.label, description=description, json_schema_extra=extra or None
    )


class _AnswersBase(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False, frozen=True)
    _visible: frozenset[str] | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _drop_hidden_answers(cls, data: Any, handler):
        if isinstance(data, Mapping):
            raw = {k: v for k, v in data.items() if is_answered(v)}
            known = {k: v for k, v in raw.items() if k in cls.model_fields}
            model = handler(raw)
            answers = {k: getattr(model, k) for k in known if getattr(model, k) is not None}
            # Worked out once per answer set: facts, the reference evaluator and the summary reuse it.
            # An answer to a hidden question never changes what is shown, so dropping it changes nothing.
            visible = frozenset(visible_ids(answers))
            if set(answers) - visible:
                model = handler({k: v for k, v in answers.items() if k in visible})
            model._visible = visible
            return model
        return handler(data)

    @property
    def visible(self) -> frozenset[str]:
        """Ids of the questions these answers show (answers to hidden questions were dropped)."""
        if self._visible is None:
            object.__setattr__(self, "_visible", frozenset(visible_ids(self.given())))
        return self._visible

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
    """One bad answer: the question id, a plain message, and a hint for programmatic callers (CLI, CSV)."""

    field: str
    message: str
    hint: str = ""
    kind: str = ""  # a stable name for callers that react to one kind of problem

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" + (f" {self.hint}" if self.hint else "")


def problems_from(error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "answers"
        if len(field) > 40:  # only an unknown key can be this long; quote it, do not echo megabytes
            field = field[:39] + "…"
        if item["type"] == "extra_forbidden":
            problems.append(Problem(field, say("not_a_question"), kind="not_a_question"))
        elif item["type"] == "answer_choice":
            problems.append(Problem(field, item["msg"], CHOICES_HINT))
        else:
            problems.append(Problem(field, item["msg"]))
    unique = {(p.field, p.message): p for p in problems}
    return list(unique.values())


def validate_answers(data: Any, language: str = "en") -> tuple[Any, list[Problem]]:
    """Validate, keeping every valid answer: returns (Answers built from the good fields, problems);
    the messages are in `language`."""
    with speaking(language):
        return _validate(data)


def _validate(data: Any) -> tuple[Any, list[Problem]]:
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
