"""The Answers model: agrees with the definition, validates plainly, keeps good answers, round-trips."""

import json

import pytest
from pydantic import ValidationError

from questionnaire import Answers, answers_from_json, answers_schema, load_definition, validate_answers


def test_model_and_definition_agree():
    assert set(Answers.model_fields) == {q.id for q in load_definition().questions}


def test_every_field_accepts_unknown():
    for question in load_definition().questions:
        if question.type == "text":
            continue
        value = ["unknown"] if question.type == "multi_choice" else "unknown"
        answers, problems = validate_answers({question.id: value})
        assert problems == [], question.id


def test_out_of_range_number_names_question_and_range():
    with pytest.raises(ValidationError) as error:
        Answers(lvef_percent=120)
    assert (
        "That looks too high for heart pumping strength (LVEF). Please check it: most people type a number "
        "between 5 and 85%."
    ) in str(error.value)


def test_abnormal_but_plausible_values_are_accepted():
    answers = Answers(
        lvef_percent=20, creatinine_clearance_ml_min=12, bilirubin_x_uln=6.5, oxygen_saturation_percent=84
    )
    assert answers.lvef_percent == 20 and answers.bilirubin_x_uln == 6.5


@pytest.mark.parametrize("value", [float("nan"), float("inf"), True, "twelve", [3]])
def test_non_numbers_are_refused(value):
    _, problems = validate_answers({"lvef_percent": value})
    assert [p.field for p in problems] == ["lvef_percent"]


def test_whole_number_questions_refuse_fractions():
    _, problems = validate_answers({"prior_lines": 2.5})
    assert problems[0].message == "Number of earlier treatment lines: please type a whole number, like 2."


def test_numbers_as_text_are_read():
    assert Answers(age="61", bilirubin_x_uln="1,5").bilirubin_x_uln == 1.5


def test_unknown_option_is_refused_without_listing_option_ids():
    _, problems = validate_answers({"cancer_type": "lung"})
    assert problems[0].field == "cancer_type"
    assert problems[0].message == "Cancer type: 'lung' is not one of the choices."
    assert "nsclc" not in str(problems[0]) and "python -m reports schema" in str(problems[0])  # the CLI's pointer


def test_unknown_multi_choice_options_are_refused_without_listing_option_ids():
    _, problems = validate_answers({"prior_treatments": ["surgery", "magic", "luck"]})
    assert problems[0].message == "Treatments so far: 'magic', 'luck' are not among the choices."
    assert "radiation" not in str(problems[0])


def test_unknown_question_is_refused():
    _, problems = validate_answers({"favourite_colour": "blue"})
    assert str(problems[0]) == "favourite_colour: is not a question in ImmunoPrep"


def test_bad_fields_do_not_lose_the_good_ones():
    answers, problems = validate_answers(
        {
            "cancer_type": "nsclc",
            "pd_l1_tps": "50_plus",
            "lvef_percent": 999,
            "ecog": "7",
            "bogus": 1,
            "caregiver": "yes",
        }
    )
    assert {p.field for p in problems} == {"lvef_percent", "ecog", "bogus"}
    assert answers.given() == {"cancer_type": "nsclc", "pd_l1_tps": "50_plus", "caregiver": "yes"}


def test_exclusive_options_cannot_be_combined():
    _, problems = validate_answers({"prior_treatments": ["none", "surgery"]})
    assert "cannot be combined" in problems[0].message


def test_multi_choice_is_canonical():
    answers = Answers(prior_treatments=["radiation", "surgery", "surgery"])
    assert answers.prior_treatments == ["surgery", "radiation"]


def test_answers_to_hidden_questions_are_dropped():
    answers = Answers.model_validate({"cancer_type": "dlbcl", "pd_l1_tps": "50_plus", "egfr_status": "positive"})
    assert answers.pd_l1_tps is None and answers.egfr_status is None
    assert {"cancer_type", "disease_course"} <= answers.visible
    assert not {"egfr_status", "pd_l1_tps"} & answers.visible


def test_text_is_kept_literally_but_control_characters_are_refused():
    assert (
        Answers(cancer_type="other", cancer_type_other="<script>alert(1)</script>").cancer_type_other
        == "<script>alert(1)</script>"
    )
    _, problems = validate_answers({"cancer_type": "other", "cancer_type_other": "abc\u202e"})
    assert problems[0].field == "cancer_type_other"


def test_json_round_trip_is_lossless():
    original = Answers(
        age=54,
        sex_at_birth="female",
        pregnancy="no",
        cancer_type="nsclc",
        pd_l1_tps="50_plus",
        egfr_status="negative",
        prior_treatments=["surgery", "chemotherapy_platinum"],
        prior_lines=1,
        lvef_percent=57.5,
        ecog="1",
        viral_infections=["unknown"],
        bilirubin_x_uln="unknown",
    )
    again = Answers.model_validate_json(original.model_dump_json())
    assert again == original
    assert Answers.model_validate(json.loads(json.dumps(original.given()))) == original


def test_answers_from_json_reports_bad_json():
    _, problems = answers_from_json("{not json")
    assert problems[0].field == "file" and "not valid JSON" in problems[0].message


def test_answers_from_json_accepts_saved_file_wrapper():
    answers, problems = answers_from_json(json.dumps({"tool": {"name": "ImmunoPrep"}, "answers": {"age": 40}}))
    assert problems == [] and answers.age == 40


def test_schema_exports_ranges_and_options():
    schema = answers_schema()
    json.dumps(schema)
    lvef = schema["properties"]["lvef_percent"]["anyOf"][0]
    assert lvef["minimum"] == 5 and lvef["maximum"] == 85
    assert schema["additionalProperties"] is False
    cancer = json.dumps(schema["properties"]["cancer_type"])
    assert "synovial_sarcoma" in cancer and "unknown" in cancer


def test_answer_text_reads_naturally():
    from questionnaire import answer_text

    definition = load_definition()
    assert answer_text(definition.question("prior_lines"), 1) == "1 line"
    assert answer_text(definition.question("prior_lines"), 3) == "3 lines"
    assert answer_text(definition.question("lvef_percent"), 55.5) == "55.5%"
    assert answer_text(definition.question("age"), "unknown") == "I don't know"
    assert (
        answer_text(definition.question("prior_treatments"), ["surgery", "radiation"], "nurse")
        == "Surgery; Radiotherapy"
    )
