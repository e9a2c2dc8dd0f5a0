"""FHIR R4 Questionnaire (from the question definition) and QuestionnaireResponse, both ways.

The JSON follows R4; tests validate it with fhir.resources' R4B models, which are identical to R4
for these two resources. Visibility conditions become enableWhen where FHIR can say them, and an
SDC enableWhenExpression (FHIRPath) where they combine all/any/not.

Reading a QuestionnaireResponse back accepts ImmunoPrep's own and those of other FHIR forms tools
(nested or flat items, codings, strings, numbers or quantities); the raw answers it returns are
validated afterwards by questionnaire.validate_answers like any other answers file.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from typing import Any

from questionnaire import (
    LANGUAGES,
    UNKNOWN,
    Definition,
    Problem,
    Question,
    answers_from_json,
    load_definition,
    validate_answers,
)
from questionnaire.conditions import Node
from rules import TOOL_NAME, TOOL_VERSION

CANONICAL = "https://immunoprep.example/fhir/Questionnaire/immunoprep"
OPTION_SYSTEM = "https://immunoprep.example/fhir/CodeSystem/"
SDC_EXPRESSION = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"
UNIT_EXTENSION = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
MIN_EXTENSION = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_EXTENSION = "http://hl7.org/fhir/StructureDefinition/maxValue"
UCUM_SYSTEM = "http://unitsofmeasure.org"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"  # FHIR core: a string in another language
DATA_ABSENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
_OPERATORS = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}

# UCUM code for each unit string used in questions.yaml. A count of treatment lines and a multiple
# of the upper limit of normal have no UCUM unit: both are dimensionless, and UCUM's way to label a
# dimensionless number is an annotation in braces (it means "1" to a computer, and keeps the word
# for a person). A unit missing here gets no unit extension rather than an invalid code.
UCUM_UNITS: dict[str, str] = {
    "years": "a",
    "%": "%",
    "mL/min": "mL/min",
    "lines": "{lines}",
    "× ULN": "{times_ULN}",
}
# data-absent-reason codes that mean "I don't know"; others (declined, not asked) mean "no answer".
_UNKNOWN_REASONS = frozenset({"asked-unknown", "unknown"})


def _coding(question: Question, option_id: str) -> dict[str, str]:
    return {"system": OPTION_SYSTEM + question.id, "code": option_id, "display": question.option(option_id).patient}


def _item_type(question: Question) -> str:
    if question.type in ("choice", "multi_choice"):
        return "choice"
    if question.type == "number":
        return "integer" if question.integer else "decimal"
    return "string"


def _answer_key(question: Question) -> str:
    return {"choice": "answerCoding", "integer": "answerInteger", "decimal": "answerDecimal", "string": "answerString"}[
        _item_type(question)
    ]


def _leaf_enable_when(node: Node, questions: dict[str, Question]) -> tuple[list[dict], str] | None:
    """enableWhen entries and behaviour for one leaf of the shared condition tree, or None if FHIR's
    enableWhen cannot say it (then the whole condition becomes an FHIRPath expression)."""
    kind = node[0]
    if kind not in (*_OPERATORS, "in", "none_of", "includes", "status"):
        return None
    target = questions[node[1]]
    if kind == "status":
        statuses = set(node[2])
        if statuses == {"answered", "unknown"}:
            return [{"question": target.id, "operator": "exists", "answerBoolean": True}], "all"
        return None
    if kind in ("in", "includes"):
        return [{"question": target.id, "operator": "=", "answerCoding": _coding(target, v)} for v in node[2]], "any"
    if kind == "none_of":
        return [{"question": target.id, "operator": "!=", "answerCoding": _coding(target, v)} for v in node[2]], "all"
    key = _answer_key(target)
    return [
        {"question": target.id, "operator": _OPERATORS[kind], key: int(node[2]) if key == "answerInteger" else node[2]}
    ], "all"


def _enable_when(tree: Node, questions: dict[str, Question]) -> tuple[list[dict], str] | None:
    if tree[0] not in ("all", "any"):
        return _leaf_enable_when(tree, questions)
    wanted = tree[0]
    entries = []
    for part in tree[1]:
        found = _leaf_enable_when(part, questions)
        if found is None:
            return None
        leaf_entries, behaviour = found
        if len(leaf_entries) > 1 and behaviour != wanted:
            return None
        entries.extend(leaf_entries)
    return entries, wanted


def _fhirpath(tree: Node) -> str:
    kind = tree[0]
    if kind in ("all", "any"):
        joiner = " and " if kind == "all" else " or "
        return "(" + joiner.join(_fhirpath(p) for p in tree[1]) + ")"
    if kind == "not":
        return f"({_fhirpath(tree[1])}).not()"
    answer = f"%resource.repeat(item).where(linkId='{tree[1]}').answer.value"
    if kind in ("in", "includes", "none_of", "excludes"):
        codes = " | ".join(f"'{v}'" for v in tree[2])
        test = f"{answer}.code.intersect({codes}).exists()"
        return f"{test}.not()" if kind in ("none_of", "excludes") else test
    if kind == "status":
        exists, unknown = f"{answer}.exists()", f"{answer}.code.intersect('{UNKNOWN}').exists()"
        tests = []
        if "answered" in tree[2]:
            tests.append(f"({exists} and {unknown}.not())")
        if "unknown" in tree[2]:
            tests.append(unknown)
        if {"unanswered", "not_asked"} & set(tree[2]):
            tests.append(f"{exists}.not()")  # a hidden item has no answer in the response either
        return "(" + " or ".join(tests) + ")"
    return f"({answer} {_OPERATORS[kind]} {tree[2]})"


def unit_coding(question: Question) -> dict[str, str] | None:
    """The UCUM coding for a number question's unit, or None if UCUM has no code for it."""
    code = UCUM_UNITS.get(question.unit or "")
    return {"system": UCUM_SYSTEM, "code": code, "display": question.unit} if code else None


def _item(question: Question, questions: dict[str, Question], visibility: dict[str, Node]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "linkId": question.id,
        "text": question.patient,
        "type": _item_type(question),
        "prefix": question.label,
    }
    extensions = []
    if question.type in ("choice", "multi_choice"):
        item["answerOption"] = [{"valueCoding": _coding(question, o)} for o in question.option_ids]
        item["repeats"] = question.type == "multi_choice"
    if question.type == "number":
        low, high = question.range
        value_key = "valueInteger" if question.integer else "valueDecimal"
        cast = int if question.integer else float
        unit = unit_coding(question)
        if unit:
            extensions.append({"url": UNIT_EXTENSION, "valueCoding": unit})
        extensions += [
            {"url": MIN_EXTENSION, value_key: cast(low)},
            {"url": MAX_EXTENSION, value_key: cast(high)},
        ]
    if question.type == "text":
        item["maxLength"] = question.max_length
    condition = visibility.get(question.id)
    if condition is not None:
        simple = _enable_when(condition, questions)
        if simple:
            item["enableWhen"], behaviour = simple
            if len(item["enableWhen"]) > 1:
                item["enableBehavior"] = behaviour
        else:
            extensions.append(
                {
                    "url": SDC_EXPRESSION,
                    "valueExpression": {"language": "text/fhirpath", "expression": _fhirpath(condition)},
                }
            )
    if extensions:
        item["extension"] = extensions
    return item


def _translations(texts: dict[str, str]) -> dict[str, Any]:
    """FHIR's translation extension on a string element: {language: text} for every other language."""
    return {
        "extension": [
            {
                "url": TRANSLATION,
                "extension": [{"url": "lang", "valueCode": lang}, {"url": "content", "valueString": text}],
            }
            for lang, text in texts.items()
        ]
    }


def _add_translations(resource: dict[str, Any]) -> None:
    """Section, question and option texts of every other language, as `_text` / `_display` extensions."""
    others = {lang: load_definition(lang) for lang in LANGUAGES if lang != "en"}
    titles = {lang: {s.id: s.title["patient"] for s in d.sections} for lang, d in others.items()}
    for group in resource["item"]:
        group["_text"] = _translations({lang: titles[lang][group["linkId"]] for lang in others})
        for item in group["item"]:
            translated = {lang: d.question(item["linkId"]) for lang, d in others.items()}
            item["_text"] = _translations({lang: q.patient for lang, q in translated.items()})
            for option in item.get("answerOption", []):
                code = option["valueCoding"]["code"]
                option["valueCoding"]["_display"] = _translations(
                    {lang: q.option(code).patient for lang, q in translated.items()}
                )


def questionnaire_resource(definition: Definition | None = None) -> dict[str, Any]:
    definition = definition or load_definition()
    questions = definition.by_id
    resource = {
        "resourceType": "Questionnaire",
        "language": "en",
        "url": CANONICAL,
        "version": definition.version,
        "name": "ImmunoPrep",
        "title": "ImmunoPrep: preparing for an appointment about immunotherapy",
        "status": "active",
        "subjectType": ["Patient"],
        "item": [
            {
                "linkId": section.id,
                "text": section.title["patient"],
                "type": "group",
                "item": [_item(q, questions, definition.visibility) for q in section.questions],
            }
            for section in definition.sections
        ],
    }
    _add_translations(resource)
    return resource


def _answers_for(question: Question, value: Any) -> list[dict[str, Any]]:
    if question.type in ("choice", "multi_choice"):
        values = value if isinstance(value, list) else [value]
        return [{"valueCoding": _coding(question, v)} for v in values]
    if question.type == "number":
        if value == "unknown":
            return [
                {"valueCoding": {"system": DATA_ABSENT_SYSTEM, "code": "asked-unknown", "display": "Asked But Unknown"}}
            ]
        return [{"valueInteger" if question.integer else "valueDecimal": value}]
    return [{"valueString": value}]


def questionnaire_response(answers: Any, authored: dt.datetime | None = None, language: str = "en") -> dict[str, Any]:
    """The answers as a QuestionnaireResponse; texts (and its `language`) in `language`, codes unchanged."""
    definition = load_definition(language)
    given = answers.given()
    groups = []
    for section in definition.sections:
        items = [
            {"linkId": q.id, "text": q.patient, "answer": _answers_for(q, given[q.id])}
            for q in section.questions
            if q.id in given
        ]
        if items:
            groups.append({"linkId": section.id, "text": section.title["patient"], "item": items})
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "language": language,
        "questionnaire": f"{CANONICAL}|{definition.version}",
        "status": "completed",
        "authored": (authored or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "author": {"display": f"{TOOL_NAME} {TOOL_VERSION}"},
    }
    if groups:
        resource["item"] = groups
    return resource


# --- Reading a QuestionnaireResponse back (from ImmunoPrep or another FHIR forms tool) ---------

_NO_ANSWER = object()  # an answer that says "not asked" or "declined": as if the question was skipped
_OTHER_QUESTIONNAIRE = (
    "is a FHIR form response for a different questionnaire, not the ImmunoPrep questions. "
    "Please choose a file with answers to ImmunoPrep's questions"
)
_UNREADABLE_PARTS = "has parts that could not be read; they were left out"


class _Unreadable(ValueError):
    """One answer that cannot be turned into an ImmunoPrep answer; the message is for the patient."""


def _file_problem(message: str) -> Problem:
    return Problem("file", message)


def _refers_to_immunoprep(canonical: Any) -> bool:
    """True if a `questionnaire` canonical names ImmunoPrep's Questionnaire, with or without |version."""
    return isinstance(canonical, str) and canonical.split("|", 1)[0].strip().rstrip("/") == CANONICAL


def _answered_items(items: Any, problems: list[Problem]) -> Iterator[dict[str, Any]]:
    """Every item that carries answers, in document order, however deeply groups nest them."""
    # An explicit stack, not recursion: a hostile file may nest items very deeply.
    unreadable = False
    stack: list[Any] = list(reversed(items)) if isinstance(items, list) else []
    if items is not None and not isinstance(items, list):
        unreadable = True
    while stack:
        item = stack.pop()
        if not isinstance(item, Mapping):
            unreadable = True
            continue
        answers = item.get("answer")
        if answers is not None:
            yield item
        # Answers may carry their own child items (questions asked because of that answer).
        nested = [item.get("item")]
        if isinstance(answers, list):
            nested += [answer.get("item") for answer in answers if isinstance(answer, Mapping)]
        children: list[Any] = []
        for group in nested:
            if isinstance(group, list):
                children.extend(group)
            elif group is not None:
                unreadable = True
        stack.extend(reversed(children))
    if unreadable:
        problems.append(_file_problem(_UNREADABLE_PARTS))


def _value_of(answer: Any) -> tuple[str, Any]:
    """The answer's value[x] element name and value, e.g. ("valueCoding", {...})."""
    if isinstance(answer, Mapping):
        for key, value in answer.items():
            if key.startswith("value"):
                return key, value
    raise _Unreadable("has an answer with no value ImmunoPrep can read")


def _absent_reason(coding: Mapping[str, Any]) -> Any:
    """'unknown' for "asked but unknown", _NO_ANSWER for other data-absent reasons."""
    return UNKNOWN if coding.get("code") in _UNKNOWN_REASONS else _NO_ANSWER


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _option_from_text(question: Question, text: str) -> str | None:
    """The option whose id or wording (patient or nurse) is this text, if any."""
    text = text.strip()
    if text in question.option_ids:
        return text
    for option in question.options:
        if _same_text(text, option.patient) or _same_text(text, option.nurse):
            return option.id
    return None


def _choice_value(question: Question, kind: str, value: Any) -> Any:
    """An option id from a coding (matched by code), an option's id or wording, or yes/no."""
    if kind == "valueCoding" and isinstance(value, Mapping):
        if value.get("system") == DATA_ABSENT_SYSTEM:
            return _absent_reason(value)
        code = value.get("code")
        # Another tool may use its own code system; the code still counts if it is one of ours.
        if isinstance(code, str) and code in question.option_ids:
            return code
        shown = value.get("display") or code
        raise _Unreadable(
            f'the answer "{shown.strip()[:60]}" is not one of the choices'
            if isinstance(shown, str)
            else "has an answer that is not one of the choices"
        )
    if kind == "valueString" and isinstance(value, str):
        option = _option_from_text(question, value)
        if option is None:
            raise _Unreadable(f'the answer "{value.strip()[:60]}" is not one of the choices')
        return option
    if kind == "valueBoolean" and isinstance(value, bool) and {"yes", "no"} <= set(question.option_ids):
        return "yes" if value else "no"
    if kind == "valueInteger" and not isinstance(value, bool) and str(value) in question.option_ids:
        return str(value)
    raise _Unreadable("has an answer that is not one of the choices")


def _quantity_value(question: Question, quantity: Any) -> Any:
    """The number in a Quantity, if its unit is the question's unit (or it gives none)."""
    if not isinstance(quantity, Mapping) or "value" not in quantity:
        raise _Unreadable("has an amount with no number")
    ours = UCUM_UNITS.get(question.unit or "")
    code, unit = quantity.get("code"), quantity.get("unit")
    given = [u for u in (code, unit) if u not in (None, "")]
    dimensionless = ours is not None and ours.startswith("{")
    accepted = {question.unit, ours} | ({"1"} if dimensionless else set())
    if given and not any(u in accepted or (dimensionless and isinstance(u, str) and u.startswith("{")) for u in given):
        raise _Unreadable(f'is given in "{unit or code}"; please give it in {question.unit}')
    return quantity["value"]


def _number_value(question: Question, kind: str, value: Any) -> Any:
    """A number from valueInteger, valueDecimal, valueQuantity or valueString; 'unknown' if asked-unknown."""
    if kind == "valueCoding" and isinstance(value, Mapping) and value.get("system") == DATA_ABSENT_SYSTEM:
        return _absent_reason(value)
    if kind == "valueQuantity":
        return _quantity_value(question, value)
    if kind in ("valueInteger", "valueDecimal", "valueString"):
        return value  # validate_answers checks the type and the plausible range, in its usual words
    raise _Unreadable("has an answer that is not a number")


def _text_value(question: Question, kind: str, value: Any) -> Any:
    if kind == "valueString":
        return value
    raise _Unreadable("has an answer that is not text")


def _item_values(question: Question, answers: Any) -> list[Any]:
    """The readable values of one item's answers ("declined" and "not asked" dropped)."""
    if not isinstance(answers, list):
        raise _Unreadable("has answers that could not be read")
    reader = {"choice": _choice_value, "multi_choice": _choice_value, "number": _number_value}.get(
        question.type, _text_value
    )
    values = [reader(question, *_value_of(answer)) for answer in answers]
    return [v for v in values if v is not _NO_ANSWER]


def _response_problem(resource: Any) -> Problem | None:
    """Why this resource is not a response to ImmunoPrep's questionnaire, in plain words (or None)."""
    if not isinstance(resource, Mapping):
        return _file_problem("is not a FHIR form response")
    kind = resource.get("resourceType")
    if kind == "Questionnaire":
        return _file_problem(
            "is an empty FHIR form (a Questionnaire), not a filled-in one. "
            "Please choose the file that holds your answers"
        )
    if kind != "QuestionnaireResponse":
        shown = kind if isinstance(kind, str) and kind.isalnum() and len(kind) <= 40 else "unknown"
        return _file_problem(f"is a FHIR record of another kind ({shown}), not a form response with answers")
    canonical = resource.get("questionnaire")
    if canonical is not None and not _refers_to_immunoprep(canonical):
        return _file_problem(_OTHER_QUESTIONNAIRE)
    if resource.get("status") == "entered-in-error":
        return _file_problem("is a form response marked as entered in error, so it was not loaded")
    return None


def _response_in_bundle(bundle: Mapping[str, Any]) -> Any:
    """The one QuestionnaireResponse in a Bundle (tools often export one), else the Bundle itself."""
    entries = bundle.get("entry") if isinstance(bundle.get("entry"), list) else []
    resources = [entry.get("resource") for entry in entries if isinstance(entry, Mapping)]
    responses = [r for r in resources if isinstance(r, Mapping) and r.get("resourceType") == "QuestionnaireResponse"]
    return responses[0] if len(responses) == 1 else bundle


def answers_from_questionnaire_response(resource: Any) -> tuple[dict[str, Any], list[Problem]]:
    """Raw answers (question id → value) from a FHIR R4 QuestionnaireResponse, with plain-words problems.

    The answers still need questionnaire.validate_answers: this only reads FHIR's shapes.
    """
    if isinstance(resource, Mapping) and resource.get("resourceType") == "Bundle":
        resource = _response_in_bundle(resource)
    problem = _response_problem(resource)
    if problem:
        return {}, [problem]
    questions = load_definition().by_id
    raw: dict[str, Any] = {}
    problems: list[Problem] = []
    answered_twice: set[str] = set()
    unknown_questions = 0
    for item in _answered_items(resource.get("item"), problems):
        link_id = item.get("linkId")
        question = questions.get(link_id) if isinstance(link_id, str) else None
        if question is None:
            unknown_questions += 1
            problems.append(
                _file_problem(
                    f"has an answer to a question ImmunoPrep does not ask{_quoted_text(item)}; it was left out"
                )
            )
            continue
        try:
            values = _item_values(question, item["answer"])
        except _Unreadable as error:
            problems.append(Problem(question.id, f"{question.label}: {error}"))
            continue
        if not values:
            continue
        if question.type == "multi_choice":
            raw[question.id] = raw.get(question.id, []) + values
        elif len(values) > 1 or question.id in raw or question.id in answered_twice:
            answered_twice.add(question.id)
            raw.pop(question.id, None)
        else:
            raw[question.id] = values[0]
    for question_id in sorted(answered_twice):
        problems.append(
            Problem(question_id, f"{questions[question_id].label}: has more than one answer; please give one")
        )
    if unknown_questions and not raw and resource.get("questionnaire") is None:
        # No questionnaire named and not one of our questions answered: say so once, not per item.
        return {}, [_file_problem(_OTHER_QUESTIONNAIRE)]
    return raw, list({str(p): p for p in problems}.values())


def _quoted_text(item: Mapping[str, Any]) -> str:
    """The item's question text (or its linkId), quoted and shortened, for a message."""
    text = item.get("text") if isinstance(item.get("text"), str) else item.get("linkId")
    return f' ("{text.strip()[:60]}")' if isinstance(text, str) and text.strip() else ""


def answers_from_file_text(text: str) -> tuple[Any, list[Problem]]:
    """Validated Answers from an answers file's text: ImmunoPrep's answers JSON or a FHIR QuestionnaireResponse."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return answers_from_json(text)  # it words the JSON error the way every answers file does
    if isinstance(data, Mapping) and "resourceType" in data:
        raw, problems = answers_from_questionnaire_response(data)
        answers, invalid = validate_answers(raw)
        return answers, problems + invalid
    return answers_from_json(text)
