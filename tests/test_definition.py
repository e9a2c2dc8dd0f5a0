"""The question definition is checked at load: a broken file fails loudly, naming file and question."""

import copy
from pathlib import Path

import pytest
import yaml

from questionnaire import DefinitionError, load_definition
from questionnaire.definition import DEFINITION_PATH, load_definition_file, parse_definition

FIXTURES = Path(__file__).parent / "fixtures"
RAW = yaml.safe_load(DEFINITION_PATH.read_text(encoding="utf-8"))


def _question(raw, question_id):
    return next(q for s in raw["sections"] for q in s["questions"] if q["id"] == question_id)


def _broken(mutate):
    raw = copy.deepcopy(RAW)
    mutate(raw)
    with pytest.raises(DefinitionError) as error:
        parse_definition(raw, "questions.yaml")
    return str(error.value)


def test_shipped_definition_loads_with_seven_sections():
    definition = load_definition()
    assert [s.id for s in definition.sections] == [
        "about_you",
        "your_cancer",
        "tumour_tests",
        "treatments",
        "health_now",
        "immune_history",
        "practical",
    ]
    assert len(definition.questions) >= 40


def test_every_question_has_unknown_and_both_wordings():
    for question in load_definition().questions:
        assert question.patient and question.nurse and question.help, question.id
        if question.type in ("choice", "multi_choice"):
            assert "unknown" in question.option_ids, question.id


def test_design_md_minimum_content_is_present():
    ids = {q.id for q in load_definition().questions}
    for required in [
        "age",
        "pregnancy",
        "cancer_type",
        "stage",
        "msi_status",
        "tmb_status",
        "pd_l1_tps",
        "pd_l1_cps",
        "egfr_status",
        "alk_status",
        "braf_v600",
        "her2_status",
        "hla_a02",
        "mage_a4",
        "prior_treatments",
        "prior_lines",
        "disease_course",
        "current_immunotherapy",
        "current_symptoms",
        "ecog",
        "lvef_percent",
        "creatinine_clearance_ml_min",
        "bilirubin_x_uln",
        "ast_alt_x_uln",
        "oxygen_saturation_percent",
        "home_oxygen",
        "brain_involvement",
        "autoimmune_disease",
        "organ_transplant",
        "steroids_over_10mg",
        "active_infection",
        "viral_infections",
        "prior_severe_irae",
        "caregiver",
        "can_stay_near_centre",
    ]:
        assert required in ids
    cancers = set(load_definition().question("cancer_type").option_ids)
    assert {
        "cutaneous_melanoma",
        "uveal_melanoma",
        "synovial_sarcoma",
        "b_all",
        "cml",
        "mds",
        "multiple_myeloma",
        "breast_triple_negative",
        "bladder_nmibc",
        "urothelial_advanced",
        "other",
        "unknown",
    } <= cancers
    assert len(cancers) >= 38


def test_dangling_condition_in_fixture_fails_naming_file_and_question():
    with pytest.raises(DefinitionError) as error:
        load_definition_file(FIXTURES / "broken_dangling_condition.yaml")
    message = str(error.value)
    assert "broken_dangling_condition.yaml" in message
    assert "pd_l1_tps" in message and "cancer_typo" in message


def test_duplicate_question_id_is_refused():
    def mutate(raw):
        raw["sections"][0]["questions"].append(copy.deepcopy(_question(raw, "age")))

    assert "question 'age': duplicate question id" in _broken(mutate)


def test_duplicate_option_id_is_refused():
    def mutate(raw):
        _question(raw, "ecog")["options"].append({"id": "0", "patient": "x", "nurse": "x"})

    assert "question 'ecog': duplicate option ids ['0']" in _broken(mutate)


def test_condition_on_a_later_question_is_refused():
    def mutate(raw):
        _question(raw, "age")["visible_if"] = {"cancer_type": ["nsclc"]}

    assert "question 'age'" in _broken(mutate) and "not an earlier question" in _broken(mutate)


def test_condition_with_unknown_option_is_refused():
    def mutate(raw):
        _question(raw, "pd_l1_tps")["visible_if"] = {"cancer_type": ["lung"]}

    assert "option 'lung'" in _broken(mutate)


def test_empty_range_is_refused():
    def mutate(raw):
        _question(raw, "lvef_percent")["range"] = [85, 5]

    assert "question 'lvef_percent': range [85.0, 5.0] is empty" in _broken(mutate)


def test_choice_without_unknown_is_refused():
    def mutate(raw):
        question = _question(raw, "caregiver")
        question["options"] = [o for o in question["options"] if o["id"] != "unknown"]

    assert "question 'caregiver': has no 'unknown'" in _broken(mutate)


def test_missing_field_names_the_question():
    def mutate(raw):
        del _question(raw, "stage")["help"]

    assert "question 'stage'" in _broken(mutate)


@pytest.mark.parametrize(
    "question_id, change, message",
    [
        ("lvef_percent", {"example": 120}, "example 120 is outside the range"),
        (
            "lvef_percent",
            {
                "report": {
                    "test": "x",
                    "confirm_above": 10,
                    "units": [{"unit": "%", "upper_normal": [1, 2], "typical_upper_normal": 1.5}],
                }
            },
            "a report block needs unit '× ULN'",
        ),
        (
            "bilirubin_x_uln",
            {
                "report": {
                    "test": "bilirubin",
                    "confirm_above": 10,
                    "units": [{"unit": "mg/dL", "upper_normal": [0.7, 2.0], "typical_upper_normal": 5}],
                }
            },
            "upper_normal must be",
        ),
        (
            "bilirubin_x_uln",
            {
                "report": {
                    "test": "bilirubin",
                    "confirm_above": 50,
                    "units": [{"unit": "mg/dL", "upper_normal": [0.7, 2.0], "typical_upper_normal": 1.2}],
                }
            },
            "confirm_above 50 must lie inside",
        ),
        (
            "bilirubin_x_uln",
            {
                "report": {
                    "test": "bilirubin",
                    "confirm_above": 10,
                    "units": [{"unit": "furlongs", "upper_normal": [0.7, 2.0], "typical_upper_normal": 1.2}],
                }
            },
            "'furlongs' is not a unit",
        ),
        ("age", {"report": {"test": "age", "confirm_above": 10, "units": []}}, "a report block needs unit '× ULN'"),
    ],
)
def test_number_extras_are_checked(question_id, change, message):
    text = _broken(lambda raw: _question(raw, question_id).update(change))
    assert f"question '{question_id}'" in text and message in text
