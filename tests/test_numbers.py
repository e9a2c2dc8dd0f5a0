"""Numbers as people type them, plain messages, and lab results as printed on the report (→ × ULN)."""

import pytest
import textstat

from questionnaire import load_definition, validate_answers
from questionnaire.lab_report import direct_ratio_question, ratio_from_report, ratio_words

DEFINITION = load_definition()
BILIRUBIN = DEFINITION.question("bilirubin_x_uln")
ENZYMES = DEFINITION.question("ast_alt_x_uln")


@pytest.mark.parametrize(
    "question, typed, stored",
    [
        ("lvef_percent", "55%", 55.0),
        ("lvef_percent", "55 %", 55.0),
        ("lvef_percent", "  55  ", 55.0),
        ("creatinine_clearance_ml_min", ">90", 90.0),  # "above 90" as printed: the bound is stored
        ("creatinine_clearance_ml_min", "> 90", 90.0),
        ("creatinine_clearance_ml_min", "≥60", 60.0),
        ("creatinine_clearance_ml_min", "45 mL/min/1.73 m²", 45.0),
        ("bilirubin_x_uln", "<1", 1.0),
        ("bilirubin_x_uln", "1,5", 1.5),  # decimal comma
        ("bilirubin_x_uln", "1.5 x ULN", 1.5),
        ("bilirubin_x_uln", "1.5×ULN", 1.5),
        ("age", "67 years", 67),
        ("age", "67 yrs", 67),
        ("age", "６７", 67),  # full-width digits
        ("age", "I don’t know", "unknown"),
        ("oxygen_saturation_percent", "96", 96.0),
    ],
)
def test_numbers_as_people_have_them(question, typed, stored):
    answers, problems = validate_answers({question: typed})
    assert problems == [] and answers.given()[question] == stored


@pytest.mark.parametrize(
    "question, typed, message",
    [
        (
            "age",
            "abc",
            "Age: 'abc' is not a number. Please type a number, like 55. If you don't know, tick “I don't know”.",
        ),
        (
            "age",
            "540",
            "That looks too high for age. Please check it: most people type a number between 0 and 110 years.",
        ),
        (
            "age",
            "-3",
            "That looks too low for age. Please check it: most people type a number between 0 and 110 years.",
        ),
        ("age", ">90", "Age: please type one number, like 55, without < or >."),
        ("age", "67.5", "Age: please type a whole number, like 55."),
        (
            "creatinine_clearance_ml_min",
            "1,500",
            "Kidney function (creatinine clearance or eGFR): '1,500' could mean two "
            "different numbers. Please type it without the comma, like 1500 or 1.5.",
        ),
        (
            "creatinine_clearance_ml_min",
            ">250",
            "That looks too high for kidney function (creatinine clearance or eGFR).",
        ),
        ("oxygen_saturation_percent", ">100", "That looks too high for oxygen level (saturation)."),
        ("bilirubin_x_uln", "<0", "That looks too low for bilirubin"),
        (
            "lvef_percent",
            "55 mg/dL",
            "Heart pumping strength (LVEF) is asked in percent (%), not in mg/dL. "
            "Please type just the number, like 55.",
        ),
        ("bilirubin_x_uln", "12 µmol/L", "is asked in times the top of the normal range, not in µmol/L."),
        ("lvef_percent", "1.2.3", "is not a number"),
        ("lvef_percent", "NaN", "is not a number"),
        ("lvef_percent", "1e400", "is not a number"),
        ("lvef_percent", "55 apples", "is not a number"),
    ],
)
def test_plain_messages_for_numbers(question, typed, message):
    _, problems = validate_answers({question: typed})
    assert [p.field for p in problems] == [question]
    assert message in problems[0].message
    assert "'unknown'" not in problems[0].message
    assert "_" not in problems[0].message  # no internal ids


@pytest.mark.parametrize(
    "question, typed",
    [
        ("age", "abc"),
        ("age", "540"),
        ("lvef_percent", "55 mg/dL"),
        ("creatinine_clearance_ml_min", "1,500"),
        ("cancer_type", "lung"),
    ],
)
def test_number_and_choice_messages_read_at_grade_eight(question, typed):
    _, problems = validate_answers({question: typed})
    assert textstat.flesch_kincaid_grade(problems[0].message) <= 8, problems[0].message


@pytest.mark.parametrize(
    "result, unit, upper, ratio",
    [
        ("30", "µmol/L", "20", 1.5),
        ("30 µmol/L", "µmol/L", "3 - 20", 1.5),  # unit typed again; the whole printed range
        ("1,8", "mg/dL", "(0.1 – 1.2)", 1.5),
        ("12", "µmol/L", "21", 0.57),  # a normal bilirubin: not 12 × ULN
        ("<3", "µmol/L", "21", 0.14),  # below what the lab measures: the bound
        ("0.9", "mg/dL", "1.2", 0.75),
    ],
)
def test_bilirubin_as_printed_becomes_a_ratio(result, unit, upper, ratio):
    reading = ratio_from_report(BILIRUBIN, result, unit, upper)
    assert reading.usable and reading.ratio == ratio


@pytest.mark.parametrize(
    "question, result, unit, upper, problem",
    [
        (BILIRUBIN, "30", "µmol/L", "100", "For bilirubin in µmol/L it is usually between 12 and 34."),
        (BILIRUBIN, "1.2", "µmol/L", "1.2", "Is that in mg/dL? A top of the normal range of 1.2 is usually mg/dL."),
        (BILIRUBIN, "abc", "µmol/L", "21", "Please type your bilirubin result as a number"),
        (BILIRUBIN, "30", "µmol/L", "", "Please type the top of the normal range as a number"),
        (BILIRUBIN, "30", "", "21", "Please choose the unit printed next to your bilirubin result."),
        (BILIRUBIN, "30 mg/dL", "µmol/L", "21", "You typed mg/dL, but the unit chosen is µmol/L."),
        (BILIRUBIN, "-3", "µmol/L", "21", "cannot be below zero"),
        (ENZYMES, "5000", "U/L", "40", "125 times the top of the normal range, which is too high to be likely"),
        (ENZYMES, "60", "U/L", "400", "For ALT or AST in U/L it is usually between 20 and 80."),
    ],
)
def test_lab_results_that_cannot_be_used_say_why(question, result, unit, upper, problem):
    reading = ratio_from_report(question, result, unit, upper)
    assert reading.ratio is None and not reading.usable and problem in reading.problem


@pytest.mark.parametrize(
    "question, result, unit, upper, ratio, confirm",
    [
        (BILIRUBIN, "1.2", "µmol/L", "21", 0.06, "Is that in µmol/L? A bilirubin of 1.2 is usually mg/dL."),
        (BILIRUBIN, "20", "mg/dL", "1.2", 16.67, "Is that in mg/dL? A bilirubin of 20 is usually µmol/L."),
        (BILIRUBIN, "250", "µmol/L", "21", 11.9, "11.9 times the top of the normal range is very high for bilirubin."),
        (ENZYMES, "900", "U/L", "40", 22.5, "22.5 times the top of the normal range is very high for ALT or AST."),
    ],
)
def test_unlikely_lab_results_are_questioned_not_refused(question, result, unit, upper, ratio, confirm):
    reading = ratio_from_report(question, result, unit, upper)
    assert reading.ratio == ratio and not reading.usable and confirm in reading.confirm


@pytest.mark.parametrize(
    "question, typed, asks",
    [
        (BILIRUBIN, "12", True),  # what a normal µmol/L value looks like, typed as a ratio
        (BILIRUBIN, 12.0, True),
        (BILIRUBIN, "10", False),
        (BILIRUBIN, "1.5 x ULN", False),
        (BILIRUBIN, "abc", False),  # validation explains it
        (BILIRUBIN, "99", False),  # out of range: validation refuses it
        (ENZYMES, "25", True),
        (ENZYMES, "15", False),
        (DEFINITION.question("lvef_percent"), "80", False),  # no report block
    ],
)
def test_directly_typed_ratios_that_are_very_high_are_questioned(question, typed, asks):
    assert (direct_ratio_question(question, typed) is not None) == asks


@pytest.mark.parametrize(
    "ratio, words",
    [
        (1.5, "That is 1.5 times the top of the normal range."),
        (1.0, "That is the same as the top of the normal range."),
        (0.57, "That is 0.57 times the top of the normal range, so it is not above the normal range."),
        (16.67, "That is 16.7 times the top of the normal range."),
    ],
)
def test_ratio_in_plain_words(ratio, words):
    assert ratio_words(ratio) == words


def test_lab_messages_read_at_grade_eight():
    texts = [
        ratio_from_report(BILIRUBIN, *args).problem or ratio_from_report(BILIRUBIN, *args).confirm
        for args in [("30", "µmol/L", "100"), ("1.2", "µmol/L", "21"), ("30", "µmol/L", ""), ("250", "µmol/L", "21")]
    ]
    for text in texts:
        assert textstat.flesch_kincaid_grade(text) <= 8, text


def test_patient_wording_of_lab_questions_has_no_uln():
    for question in (BILIRUBIN, ENZYMES):
        assert "ULN" not in question.patient and "ULN" not in question.help
        assert "× ULN" in question.nurse and question.unit == "× ULN"  # stored meaning unchanged
