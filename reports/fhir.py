"""FHIR R4 Questionnaire (from the question definition) and QuestionnaireResponse (from answers).

The JSON follows R4; tests validate it with fhir.resources' R4B models, which are identical to R4
for these two resources. Visibility conditions become enableWhen where FHIR can say them, and an
SDC enableWhenExpression (FHIRPath) where they combine all/any/not.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from questionnaire import Definition, Question, load_definition
from questionnaire.definition import AllOf, AnyOf, Condition, Leaf, NotOf
from rules.assessment import TOOL_NAME, TOOL_VERSION

CANONICAL = "https://immunoprep.example/fhir/Questionnaire/immunoprep"
OPTION_SYSTEM = "https://immunoprep.example/fhir/CodeSystem/"
SDC_EXPRESSION = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"
UNIT_EXTENSION = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
MIN_EXTENSION = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_EXTENSION = "http://hl7.org/fhir/StructureDefinition/maxValue"
_OPERATORS = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}


def _coding(question: Question, option_id: str) -> dict[str, str]:
    return {"system": OPTION_SYSTEM + question.id, "code": option_id, "display": question.option(option_id).patient}


def _item_type(question: Question) -> str:
    if question.type in ("choice", "multi_choice"):
        return "choice"
    if question.type == "number":
        return "integer" if question.integer else "decimal"
    return "string"


def _answer_key(question: Question) -> str:
    return {"choice": "answerCoding", "integer": "answerInteger", "decimal": "answerDecimal", "string": "answerString"}[_item_type(question)]


def _leaf_enable_when(leaf: Leaf, questions: dict[str, Question]) -> tuple[list[dict], str] | None:
    """enableWhen entries and behaviour for one leaf, or None if FHIR cannot say it directly."""
    target = questions[leaf.question]
    op = leaf.operator
    if op == "answered":
        return [{"question": target.id, "operator": "exists", "answerBoolean": True}], "all"
    if op in ("in_", "includes"):
        return [{"question": target.id, "operator": "=", "answerCoding": _coding(target, v)} for v in leaf.value], "any"
    if op == "not_in":
        return [{"question": target.id, "operator": "!=", "answerCoding": _coding(target, v)} for v in leaf.value], "all"
    key = _answer_key(target)
    return [{"question": target.id, "operator": _OPERATORS[op], key: int(leaf.value) if key == "answerInteger" else leaf.value}], "all"


def _enable_when(condition: Condition, questions: dict[str, Question]) -> tuple[list[dict], str] | None:
    if isinstance(condition, Leaf):
        return _leaf_enable_when(condition, questions)
    if isinstance(condition, (AllOf, AnyOf)) and all(isinstance(p, Leaf) for p in (condition.all if isinstance(condition, AllOf) else condition.any)):
        parts = condition.all if isinstance(condition, AllOf) else condition.any
        wanted = "all" if isinstance(condition, AllOf) else "any"
        entries = []
        for part in parts:
            leaf_entries, behaviour = _leaf_enable_when(part, questions)
            if len(leaf_entries) > 1 and behaviour != wanted:
                return None
            entries.extend(leaf_entries)
        return entries, wanted
    return None


def _fhirpath(condition: Condition) -> str:
    if isinstance(condition, AllOf):
        return "(" + " and ".join(_fhirpath(p) for p in condition.all) + ")"
    if isinstance(condition, AnyOf):
        return "(" + " or ".join(_fhirpath(p) for p in condition.any) + ")"
    if isinstance(condition, NotOf):
        return f"({_fhirpath(condition.not_)}).not()"
    answer = f"%resource.repeat(item).where(linkId='{condition.question}').answer.value"
    op = condition.operator
    if op == "answered":
        return f"{answer}.exists()"
    if op in ("in_", "includes", "not_in"):
        codes = " | ".join(f"'{v}'" for v in condition.value)
        test = f"{answer}.code.intersect({codes}).exists()"
        return f"{test}.not()" if op == "not_in" else test
    return f"({answer} {_OPERATORS[op]} {condition.value})"


def _item(question: Question, questions: dict[str, Question]) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": question.id, "text": question.patient, "type": _item_type(question),
                            "prefix": question.label}
    extensions = []
    if question.type in ("choice", "multi_choice"):
        item["answerOption"] = [{"valueCoding": _coding(question, o)} for o in question.option_ids]
        item["repeats"] = question.type == "multi_choice"
    if question.type == "number":
        low, high = question.range
        value_key = "valueInteger" if question.integer else "valueDecimal"
        cast = int if question.integer else float
        extensions += [
            {"url": UNIT_EXTENSION, "valueCoding": {"system": "http://unitsofmeasure.org", "code": question.unit, "display": question.unit}},
            {"url": MIN_EXTENSION, value_key: cast(low)},
            {"url": MAX_EXTENSION, value_key: cast(high)},
        ]
    if question.type == "text":
        item["maxLength"] = question.max_length
    if question.visible_if is not None:
        simple = _enable_when(question.visible_if, questions)
        if simple:
            item["enableWhen"], behaviour = simple
            if len(item["enableWhen"]) > 1:
                item["enableBehavior"] = behaviour
        else:
            extensions.append({"url": SDC_EXPRESSION, "valueExpression": {"language": "text/fhirpath", "expression": _fhirpath(question.visible_if)}})
    if extensions:
        item["extension"] = extensions
    return item


def questionnaire_resource(definition: Definition | None = None) -> dict[str, Any]:
    definition = definition or load_definition()
    questions = definition.by_id()
    return {
        "resourceType": "Questionnaire",
        "url": CANONICAL,
        "version": definition.version,
        "name": "ImmunoPrep",
        "title": "ImmunoPrep: preparing for an appointment about immunotherapy",
        "status": "active",
        "subjectType": ["Patient"],
        "item": [
            {"linkId": section.id, "text": section.title["patient"], "type": "group",
             "item": [_item(q, questions) for q in section.questions]}
            for section in definition.sections
        ],
    }


def _answers_for(question: Question, value: Any) -> list[dict[str, Any]]:
    if question.type in ("choice", "multi_choice"):
        values = value if isinstance(value, list) else [value]
        return [{"valueCoding": _coding(question, v)} for v in values]
    if question.type == "number":
        if value == "unknown":
            return [{"valueCoding": {"system": "http://terminology.hl7.org/CodeSystem/data-absent-reason", "code": "asked-unknown", "display": "Asked But Unknown"}}]
        return [{"valueInteger" if question.integer else "valueDecimal": value}]
    return [{"valueString": value}]


def questionnaire_response(answers: Any, authored: dt.datetime | None = None) -> dict[str, Any]:
    definition = load_definition()
    given = answers.given()
    groups = []
    for section in definition.sections:
        items = [{"linkId": q.id, "text": q.patient, "answer": _answers_for(q, given[q.id])}
                 for q in section.questions if q.id in given]
        if items:
            groups.append({"linkId": section.id, "text": section.title["patient"], "item": items})
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{CANONICAL}|{definition.version}",
        "status": "completed",
        "authored": (authored or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds"),
        "author": {"display": f"{TOOL_NAME} {TOOL_VERSION}"},
    }
    if groups:
        resource["item"] = groups
    return resource
