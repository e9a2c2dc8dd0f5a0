"""FHIR both ways: QuestionnaireResponses from ImmunoPrep and from other forms tools load as answers."""

import io
import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
import textstat
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questionnaire import Answers, load_definition, validate_answers
from reports import (
    answers_from_file_text,
    answers_from_questionnaire_response,
    questionnaire_resource,
    questionnaire_response,
)
from reports.cli import main
from reports.fhir import CANONICAL, DATA_ABSENT_SYSTEM, OPTION_SYSTEM, UCUM_SYSTEM, UCUM_UNITS, UNIT_EXTENSION
from tests.answer_samples import sample_answers

UCUM_PACKAGE = Path(__file__).resolve().parent / "lforms" / "node_modules" / "@lhncbc" / "ucum-lhc"
MYELOMA = Answers(
    age=67,
    sex_at_birth="male",
    cancer_type="multiple_myeloma",
    disease_course="relapsed",
    prior_treatments=["imid", "proteasome_inhibitor", "anti_cd38"],
    prior_lines=3,
    lvef_percent="unknown",
)


def other_tool_response(items: list[dict], questionnaire: str | None = CANONICAL) -> dict:
    """A QuestionnaireResponse shaped the way another forms tool might write it: flat, no texts."""
    resource = {"resourceType": "QuestionnaireResponse", "status": "completed", "item": items}
    if questionnaire is not None:
        resource["questionnaire"] = questionnaire
    return resource


def loaded(resource: dict) -> tuple[Answers, list[str]]:
    answers, problems = answers_from_file_text(json.dumps(resource))
    return answers, [str(p) for p in problems]


def test_own_responses_round_trip_and_validate():
    for answers in [MYELOMA, *sample_answers(random.Random(12), 40)]:
        resource = questionnaire_response(answers)
        QuestionnaireResponse.model_validate(resource)
        restored, problems = loaded(resource)
        assert problems == [] and restored.given() == answers.given()


def test_flat_items_with_strings_quantities_and_foreign_systems():
    resource = other_tool_response(
        [
            {
                "linkId": "age",
                "answer": [{"valueQuantity": {"value": 67, "unit": "years", "system": UCUM_SYSTEM, "code": "a"}}],
            },
            {"linkId": "sex_at_birth", "answer": [{"valueString": "male"}]},
            {"linkId": "cancer_type", "answer": [{"valueString": "multiple MYELOMA "}]},  # option wording, any case
            {"linkId": "disease_course", "answer": [{"valueCoding": {"system": "urn:other-tool", "code": "relapsed"}}]},
            {
                "linkId": "prior_treatments",
                "answer": [
                    {"valueCoding": {"code": "imid"}},
                    {"valueString": "Bortezomib or carfilzomib"},
                    {"valueCoding": {"system": OPTION_SYSTEM + "prior_treatments", "code": "anti_cd38"}},
                ],
            },
            {"linkId": "prior_lines", "answer": [{"valueInteger": 3}]},
            {
                "linkId": "lvef_percent",
                "answer": [{"valueCoding": {"system": DATA_ABSENT_SYSTEM, "code": "asked-unknown"}}],
            },
        ]
    )
    QuestionnaireResponse.model_validate(resource)
    assert loaded(resource) == (MYELOMA, [])


def test_decimals_nested_answer_items_and_groups_of_other_names():
    resource = other_tool_response(
        [
            {
                "linkId": "page-1",
                "item": [
                    {
                        "linkId": "kidney_disease",
                        "answer": [
                            {
                                "valueCoding": {"code": "no"},
                                "item": [{"linkId": "creatinine_clearance_ml_min", "answer": [{"valueDecimal": 72.5}]}],
                            }
                        ],
                    },
                    {"linkId": "bilirubin_x_uln", "answer": [{"valueQuantity": {"value": 1.5, "code": "{times_ULN}"}}]},
                    {"linkId": "home_oxygen", "answer": [{"valueBoolean": False}]},
                    {"linkId": "ecog", "answer": [{"valueInteger": 1}]},
                ],
            }
        ]
    )
    answers, problems = loaded(resource)
    assert problems == []
    assert answers.given() == {
        "kidney_disease": "no",
        "creatinine_clearance_ml_min": 72.5,
        "bilirubin_x_uln": 1.5,
        "home_oxygen": "no",
        "ecog": "1",
    }


@pytest.mark.parametrize("canonical", [CANONICAL, CANONICAL + "|2026.11.23", CANONICAL + "|1.0", None])
def test_questionnaire_canonical_with_or_without_version(canonical):
    resource = other_tool_response(
        [{"linkId": "cancer_type", "answer": [{"valueCoding": {"code": "dlbcl"}}]}], canonical
    )
    assert loaded(resource) == (Answers(cancer_type="dlbcl"), [])


@pytest.mark.parametrize(
    "resource, expected",
    [
        (
            other_tool_response([{"linkId": "q1", "answer": [{"valueString": "x"}]}], "http://loinc.org/q/44249-1"),
            "file: is a FHIR form response for a different questionnaire",
        ),
        (
            other_tool_response([{"linkId": "/44250-9", "answer": [{"valueString": "x"}]}], None),
            "file: is a FHIR form response for a different questionnaire",
        ),
        ({"resourceType": "Questionnaire", "url": CANONICAL, "status": "active"}, "file: is an empty FHIR form"),
        ({"resourceType": "Patient", "id": "p1"}, "file: is a FHIR record of another kind (Patient)"),
        (
            other_tool_response([]) | {"status": "entered-in-error"},
            "file: is a form response marked as entered in error",
        ),
    ],
)
def test_files_that_are_not_immunoprep_answers_say_so_plainly(resource, expected):
    answers, problems = loaded(resource)
    assert answers == Answers() and len(problems) == 1 and problems[0].startswith(expected)
    message = "This " + problems[0].removeprefix("file: ")
    assert textstat.flesch_kincaid_grade(message) <= 8.0, message


def test_bundle_with_one_response_is_read():
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": {"resourceType": "Patient"}}, {"resource": questionnaire_response(MYELOMA)}],
    }
    assert loaded(bundle) == (MYELOMA, [])


def test_unknown_questions_and_unreadable_answers_are_problems_in_plain_words():
    resource = other_tool_response(
        [
            {
                "linkId": "favourite_colour",
                "text": "What is your favourite colour?",
                "answer": [{"valueString": "blue"}],
            },
            {
                "linkId": "cancer_type",
                "answer": [
                    {
                        "valueCoding": {
                            "system": "http://snomed.info/sct",
                            "code": "109989006",
                            "display": "Multiple myeloma",
                        }
                    }
                ],
            },
            {"linkId": "age", "answer": [{"valueQuantity": {"value": 800, "code": "mo"}}]},
            {"linkId": "ecog", "answer": [{"valueCoding": {"code": "1"}}, {"valueCoding": {"code": "2"}}]},
            {"linkId": "caregiver", "answer": [{"valueString": "maybe"}]},
            {
                "linkId": "home_oxygen",
                "answer": [{"valueCoding": {"system": DATA_ABSENT_SYSTEM, "code": "asked-declined"}}],
            },
            {"linkId": "caregiver_name", "answer": [{}]},
        ]
    )
    answers, problems = loaded(resource)
    assert answers == Answers()  # declined is no answer; everything else was unreadable
    assert sorted(problems) == sorted(
        [
            'file: has an answer to a question ImmunoPrep does not ask ("What is your favourite colour?"); it was left out',
            'file: has an answer to a question ImmunoPrep does not ask ("caregiver_name"); it was left out',
            'cancer_type: Cancer type: the answer "Multiple myeloma" is not one of the choices',
            'age: Age: is given in "mo"; please give it in years',
            "ecog: Day-to-day activity (ECOG): has more than one answer; please give one",
            'caregiver: Caregiver available: the answer "maybe" is not one of the choices',
        ]
    )


def test_values_out_of_range_are_reported_by_the_usual_validation():
    resource = other_tool_response(
        [
            {"linkId": "lvef_percent", "answer": [{"valueDecimal": 500}]},
            {"linkId": "age", "answer": [{"valueInteger": 50}]},
        ]
    )
    answers, problems = loaded(resource)
    assert answers == Answers(age=50)
    assert problems == [
        "lvef_percent: That looks too high for heart pumping strength (LVEF). "
        "Please check it: most people type a number between 5 and 85%."
    ]


@pytest.mark.parametrize(
    "resource",
    [
        other_tool_response("not a list"),
        other_tool_response([1, None, {"linkId": 5, "answer": [{"valueString": "x"}]}]),
        other_tool_response([{"linkId": "age", "answer": "67"}]),
        other_tool_response([{"linkId": "age", "answer": [{"valueBoolean": True}]}]),
        other_tool_response([{"linkId": "cancer_type", "answer": [{"valueCoding": "dlbcl"}]}]),
        other_tool_response([{"linkId": "prior_treatments", "answer": [{"valueCoding": {"code": ["imid"]}}]}]),
        other_tool_response([{"linkId": "g", "item": {"linkId": "age"}}]),
        {"resourceType": "QuestionnaireResponse", "questionnaire": 7},
    ],
)
def test_malformed_responses_give_problems_not_exceptions(resource):
    answers, problems = answers_from_file_text(json.dumps(resource))
    questions = {q.id for q in load_definition().questions}
    assert answers == Answers() and problems
    assert all(p.field in questions | {"file"} and "Error" not in p.message and "[" not in p.message for p in problems)


question_ids = st.sampled_from([q.id for q in load_definition().questions] + ["about_you", "x", ""])
fhir_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["unknown", "yes", "multiple_myeloma", "imid", "asked-unknown"]),
)
answer_values = st.dictionaries(
    st.sampled_from(
        ["valueCoding", "valueString", "valueInteger", "valueDecimal", "valueQuantity", "valueBoolean", "item"]
    ),
    fhir_values
    | st.dictionaries(st.sampled_from(["system", "code", "display", "value", "unit"]), fhir_values, max_size=3),
    max_size=2,
)
items = st.recursive(
    st.fixed_dictionaries(
        {"linkId": question_ids}, optional={"answer": st.lists(answer_values | fhir_values, max_size=3) | fhir_values}
    ),
    lambda children: st.fixed_dictionaries(
        {"linkId": question_ids}, optional={"item": st.lists(children, max_size=3) | fhir_values}
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(items | fhir_values, max_size=5))
def test_any_response_shape_gives_answers_or_problems_never_an_exception(item_list):
    answers, problems = answers_from_file_text(json.dumps(other_tool_response(item_list)))
    questions = {q.id for q in load_definition().questions}
    assert isinstance(answers, Answers)
    assert all(p.field in questions | {"file"} and p.message for p in problems)


def test_deeply_nested_groups_do_not_overflow():
    item: dict = {"linkId": "age", "answer": [{"valueInteger": 40}]}
    for depth in range(400):  # json.loads refuses much deeper files before we see them
        item = {"linkId": f"group-{depth}", "item": [item]}
    assert loaded(other_tool_response([item])) == (Answers(age=40), [])


def test_raw_reader_leaves_validation_to_validate_answers():
    raw, problems = answers_from_questionnaire_response(
        other_tool_response([{"linkId": "age", "answer": [{"valueString": "sixty"}]}])
    )
    assert raw == {"age": "sixty"} and problems == []
    assert [p.field for p in validate_answers(raw)[1]] == ["age"]


def test_questionnaire_units_are_ucum_codes_from_the_mapping():
    resource = questionnaire_resource()
    Questionnaire.model_validate(resource)
    units = {
        item["linkId"]: ext["valueCoding"]
        for group in resource["item"]
        for item in group["item"]
        for ext in item.get("extension", [])
        if ext["url"] == UNIT_EXTENSION
    }
    numbers = [q for q in load_definition().questions if q.type == "number"]
    assert set(units) == {q.id for q in numbers}, "every number question's unit needs a UCUM code in UCUM_UNITS"
    for question in numbers:
        assert units[question.id] == {
            "system": UCUM_SYSTEM,
            "code": UCUM_UNITS[question.unit],
            "display": question.unit,
        }


@pytest.mark.skipif(
    not (shutil.which("node") and UCUM_PACKAGE.exists()),
    reason="node or tests/lforms/node_modules is missing (`make test` installs it with npm ci)",
)
def test_ucum_codes_are_valid_ucum():
    script = (
        "const u = require(process.argv[1]).UcumLhcUtils.getInstance();"
        "console.log(JSON.stringify(JSON.parse(process.argv[2]).map(c => [c, u.validateUnitString(c, false).status])));"
    )
    codes = sorted(set(UCUM_UNITS.values()))
    result = subprocess.run(
        ["node", "-e", script, str(UCUM_PACKAGE), json.dumps(codes)], capture_output=True, text=True, timeout=60
    )
    assert dict(json.loads(result.stdout)) == {code: "valid" for code in codes}, result.stderr


def run_cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), stdout=out, stderr=err), out.getvalue(), err.getvalue()


def test_cli_summary_reads_a_questionnaire_response(tmp_path):
    (tmp_path / "qr.json").write_text(json.dumps(questionnaire_response(MYELOMA)))
    (tmp_path / "answers.json").write_text(json.dumps(MYELOMA.given()))
    from_fhir, from_json = (
        run_cli("summary", str(tmp_path / "qr.json")),
        run_cli("summary", str(tmp_path / "answers.json")),
    )
    assert from_fhir[0] == 0 and from_fhir[2] == ""
    assert json.loads(from_fhir[1]) == json.loads(from_json[1])


def test_cli_summary_rejects_another_questionnaire_with_exit_2(tmp_path):
    path = tmp_path / "qr.json"
    path.write_text(
        json.dumps(
            other_tool_response(
                [{"linkId": "1", "answer": [{"valueString": "x"}]}], "http://example.org/Questionnaire/phq-9"
            )
        )
    )
    code, out, err = run_cli("summary", str(path))
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.startswith("file: is a FHIR form response for a different questionnaire")
