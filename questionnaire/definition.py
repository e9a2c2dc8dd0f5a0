"""Load and check the question definition (questions.yaml).

The definition is data a clinician reviews; this module turns it into typed objects and refuses a
broken file at import, naming the file and the question, so a typo never reaches a patient.
"""

from __future__ import annotations

from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .conditions import ConditionError, Node, Parser, UnknownName
from .numbers import canonical_unit
from .translation import translated

DEFINITION_PATH = Path(__file__).with_name("questions.yaml")
UNKNOWN = "unknown"
LANGUAGES = ("en", "es")  # English is questions.yaml itself; others are overlays in i18n/<language>.yaml


class DefinitionError(ValueError):
    """The question definition file is broken; the message names the file and the question."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    id: str = Field(min_length=1)
    patient: str
    nurse: str
    group: str | None = None


class LabUnit(_Strict):
    """One unit a lab report prints the test in, and the plausible top of the normal range in that unit."""

    unit: str
    upper_normal: tuple[float, float]
    typical_upper_normal: float


class LabReport(_Strict):
    """How a × ULN question is asked as printed on a lab report: the test's plain name and its units."""

    test: str
    units: tuple[LabUnit, ...]
    confirm_above: float

    @property
    def unit_names(self) -> tuple[str, ...]:
        return tuple(u.unit for u in self.units)

    def unit(self, name: str) -> LabUnit:
        return next(u for u in self.units if u.unit == name)


class Question(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    patient: str
    nurse: str
    help: str
    type: Literal["choice", "multi_choice", "number", "text"]
    options: tuple[Option, ...] = ()
    exclusive: tuple[str, ...] = ()
    unit: str | None = None
    range: tuple[float, float] | None = None
    integer: bool = False
    example: float | None = None
    report: LabReport | None = None
    max_length: int | None = None
    visible_if: dict[str, Any] | None = None  # the spelling of questionnaire/conditions.py
    section: str = ""

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(option.id for option in self.options)

    def option(self, option_id: str) -> Option:
        return next(option for option in self.options if option.id == option_id)


class Section(_Strict):
    id: str
    title: dict[Literal["patient", "nurse"], str]
    questions: tuple[Question, ...]


class AnswerWords(_Strict):
    not_answered: str
    unknown: dict[Literal["patient", "nurse"], str]
    decimal_mark: Literal[".", ","] = "."


class Definition(_Strict):
    version: str
    answer_words: AnswerWords
    unit_labels: dict[str, str] = {}  # a unit as written in questions.yaml → how this language prints it
    sections: tuple[Section, ...]

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for section in self.sections for q in section.questions)

    def question(self, question_id: str) -> Question:
        return self.by_id[question_id]

    @cached_property
    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @cached_property
    def visibility(self) -> dict[str, Node]:
        """Question id → its parsed `visible_if` (questions without one are always shown)."""
        return {
            q.id: visibility_parser(self.questions, q).parse(q.visible_if)
            for q in self.questions
            if q.visible_if is not None
        }


def visibility_parser(questions: tuple[Question, ...], question: Question) -> Parser:
    """A parser that lets `question` look only at questions asked before it."""
    earlier = {}
    for candidate in questions:
        if candidate.id == question.id:
            break
        earlier[candidate.id] = candidate
    return Parser(earlier)


def _check_question(question: Question, earlier: dict[str, Question]) -> list[str]:
    problems: list[str] = []
    if question.type in ("choice", "multi_choice"):
        ids = question.option_ids
        if len(ids) < 2:
            problems.append("a choice question needs at least two options")
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            problems.append(f"duplicate option ids {duplicates}")
        if UNKNOWN not in ids:
            problems.append("has no 'unknown' (I don't know) option")
        for exclusive in question.exclusive:
            if exclusive not in ids:
                problems.append(f"exclusive option '{exclusive}' is not an option")
    elif question.options:
        problems.append(f"a {question.type} question cannot have options")
    if question.type == "number":
        if question.range is None or question.unit is None:
            problems.append("a number question needs a unit and a plausible range")
        elif not question.range[0] < question.range[1]:
            problems.append(f"range {list(question.range)} is empty (low must be below high)")
        problems.extend(_check_number_extras(question))
    elif question.range is not None or question.report is not None:
        problems.append("only number questions have a range or a report block")
    if question.type == "text" and not question.max_length:
        problems.append("a text question needs max_length")
    if question.visible_if is not None:
        try:
            Parser(earlier).parse(question.visible_if)
        except UnknownName as error:
            problems.append(f"visible_if refers to '{error.name}', which is not an earlier question")
        except ConditionError as error:
            problems.append(f"visible_if: {error}")
    return problems


def _check_number_extras(question: Question) -> list[str]:
    """The example lies in the range; a report block fits a × ULN question and has sane limits."""
    problems: list[str] = []
    if question.range is None:
        return problems
    low, high = question.range
    if question.example is not None and not low <= question.example <= high:
        problems.append(f"example {question.example:g} is outside the range")
    report = question.report
    if report is None:
        return problems
    if question.unit != "× ULN":
        problems.append("a report block needs unit '× ULN' (the stored answer is a ratio)")
    if not report.units:
        problems.append("a report block needs at least one unit")
    if not low < report.confirm_above < high:
        problems.append(f"report confirm_above {report.confirm_above:g} must lie inside the range")
    names = report.unit_names
    for unit in report.units:
        if canonical_unit(unit.unit) != unit.unit:
            problems.append(f"report unit '{unit.unit}' is not a unit ImmunoPrep can read")
        if names.count(unit.unit) > 1:
            problems.append(f"report unit '{unit.unit}' is listed twice")
        bottom, top = unit.upper_normal
        if not 0 < bottom < top or not bottom <= unit.typical_upper_normal <= top:
            problems.append(
                f"report unit '{unit.unit}': upper_normal must be 0 < low < high around typical_upper_normal"
            )
    return problems


def parse_definition(raw: Any, source: str = "<definition>") -> Definition:
    """Build and check a Definition from parsed YAML; raise DefinitionError naming source and question."""
    if not isinstance(raw, dict) or "sections" not in raw:
        raise DefinitionError(f"{source}: expected a mapping with 'version' and 'sections'")
    sections = []
    for section in raw.get("sections") or []:
        section = dict(section)
        section["questions"] = [dict(q, section=section.get("id", "")) for q in section.get("questions") or []]
        sections.append(section)
    try:
        definition = Definition.model_validate(
            {
                "version": str(raw.get("version", "")),
                "answer_words": raw.get("answer_words"),
                "unit_labels": raw.get("unit_labels") or {},
                "sections": sections,
            }
        )
    except ValidationError as error:
        first = error.errors()[0]
        where = _locate(sections, first["loc"])
        raise DefinitionError(f"{source}: {where}: {first['msg']} (at {'.'.join(map(str, first['loc']))})") from None

    problems: list[str] = []
    seen: dict[str, Question] = {}
    section_ids = [s.id for s in definition.sections]
    for section_id in {s for s in section_ids if section_ids.count(s) > 1}:
        problems.append(f"section '{section_id}': duplicate section id")
    for question in definition.questions:
        if question.id in seen:
            problems.append(f"question '{question.id}': duplicate question id")
        for problem in _check_question(question, seen):
            problems.append(f"question '{question.id}': {problem}")
        seen[question.id] = question
    if problems:
        raise DefinitionError(f"{source}: " + "; ".join(problems))
    return definition


def _locate(sections: list[dict], loc: tuple) -> str:
    """Turn a pydantic error location into 'question <id>' where possible."""
    try:
        section = sections[loc[1]]
        if len(loc) > 3 and loc[2] == "questions":
            return f"question '{section['questions'][loc[3]].get('id', loc[3])}'"
        return f"section '{section.get('id', loc[1])}'"
    except (IndexError, KeyError, TypeError):
        return "definition"


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DefinitionError(f"{path}: cannot read: {error}") from None


def load_definition_file(path: Path, language: str = "en") -> Definition:
    raw = _read(path)
    if language != "en":
        overlay_path = path.parent / "i18n" / f"{language}.yaml"
        raw = translated(raw, _read(overlay_path), str(overlay_path))
    return parse_definition(raw, str(path))


@lru_cache(maxsize=len(LANGUAGES))
def load_definition(language: str = "en") -> Definition:
    """The shipped definition with its wording in `language`, loaded and checked once per process.
    Ids, types, ranges and conditions are the same in every language."""
    if language not in LANGUAGES:
        raise DefinitionError(f"unknown language '{language}' (ImmunoPrep has {', '.join(LANGUAGES)})")
    return load_definition_file(DEFINITION_PATH, language)
