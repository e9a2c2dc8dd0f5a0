"""Wrong files get plain words: each file people may pick instead of the answers file is named."""

import json

import pytest
import textstat

from questionnaire import Answers
from questionnaire.answer_files import CHOOSE_ANSWERS, read_answers_file
from reports import assessment_json, questionnaire_resource, questionnaire_response, saved_answers_json
from reports.cli import main as cli
from rules import assess

ANSWERS = Answers(cancer_type="nsclc", age=70, lvef_percent=55)


def _csv_template() -> bytes:
    import io

    out = io.StringIO()
    cli(["template"], stdout=out, stderr=io.StringIO())
    return out.getvalue().encode()


WRONG_FILES = [
    (
        "summary json",
        assessment_json(assess(ANSWERS)).encode(),
        "This looks like your summary file, not your answers file.",
    ),
    ("fhir questionnaire", json.dumps(questionnaire_resource()).encode(), "This is the blank form"),
    ("fhir response, no loader", json.dumps(questionnaire_response(ANSWERS)).encode(), "This is a FHIR answers file."),
    ("other fhir", b'{"resourceType": "Patient"}', "not one with ImmunoPrep answers"),
    ("csv template", _csv_template(), "This is a spreadsheet (CSV) for nurses' batch use"),
    ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "This is the summary PDF. It cannot be read back."),
    ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 200_000, "This is a picture"),  # size after kind
    ("jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "This is a picture"),
    ("gif", b"GIF89a\x01\x00\x01\x00", "This is a picture"),
    ("heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "This is a picture"),
    ("docx", b"PK\x03\x04\x14\x00\x06\x00", "This is a Word, Excel or zip file"),
    ("too large", b" " * (101 * 1024), "A saved answers file is at most 100 KB."),
    ("not utf-8", b"\xff\xfe\x00a\x00", "This file cannot be read as text"),
    ("empty", b"  \n", "This file is empty."),
    ("not json", b"hello there", "its contents are not in the right format"),
    ("deep json", b"[" * 50_000, "its contents are not in the right format"),
    ("json list", b"[1, 2]", "This file does not hold answers."),
    ("json string", b'"answers"', "This file does not hold answers."),
]


@pytest.mark.parametrize("name, data, message", WRONG_FILES, ids=[w[0] for w in WRONG_FILES])
def test_wrong_files_are_named_in_plain_words(name, data, message):
    answers, problems = read_answers_file(data, None)
    assert answers is None and len(problems) == 1 and message in problems[0], problems
    assert textstat.flesch_kincaid_grade(problems[0].replace("immunoprep-answers-….json", "the answers file")) <= 8


BAD_VALUES = [
    ({"answers": {"age": 70, "lvef_percent": 999}}, "That looks too high for heart pumping strength (LVEF)."),
    ({"answers": {"cancer_type": "lung"}}, "Cancer type: 'lung' is not one of the choices."),
    ({"answers": {"prior_treatments": ["surgery", "magic"]}}, "Treatments so far: 'magic' is not among the choices."),
    ({"answers": {"age": "abc"}}, "Age: 'abc' is not a number."),
    ({"age": 70, "shoe_size": 9}, "The file has an answer ImmunoPrep does not ask for ('shoe_size')."),
]


@pytest.mark.parametrize("data, message", BAD_VALUES)
def test_bad_value_names_the_question_by_label_without_option_ids(data, message):
    answers, problems = read_answers_file(json.dumps(data).encode(), "immunoprep-answers.json")
    assert answers is None and any(message in p for p in problems), problems
    text = " ".join(problems)
    assert "nsclc" not in text and "python -m" not in text and "lvef_percent" not in text


@pytest.mark.parametrize(
    "data",
    [
        saved_answers_json(ANSWERS).encode(),
        b"\xef\xbb\xbf" + saved_answers_json(ANSWERS).encode(),  # a BOM from a Windows editor
        json.dumps(ANSWERS.given()).encode(),  # bare answers, as the CLI reads them
    ],
)
def test_real_answers_files_are_read(data):
    answers, problems = read_answers_file(data, "immunoprep-answers-2026-11-23.json")
    assert problems == [] and answers == ANSWERS


def test_fhir_response_is_handed_to_the_given_loader():
    seen = []

    def loader(text):
        seen.append(json.loads(text)["resourceType"])
        return ANSWERS, []

    data = json.dumps(questionnaire_response(ANSWERS)).encode()
    assert read_answers_file(data, "r.json", loader) == (ANSWERS, [])
    assert seen == ["QuestionnaireResponse"]
    answers, problems = read_answers_file(data, "r.json", lambda text: (None, ["Age: 'x' is not a number."]))
    assert answers is None and problems == ["Age: 'x' is not a number."]


def test_csv_is_recognised_by_its_name_too():
    _, problems = read_answers_file(b"age;cancer_type\n70;nsclc\n", "intake.csv")
    assert problems[0].startswith("This is a spreadsheet (CSV)")


def test_every_wrong_file_message_says_which_file_to_choose():
    for _, data, _ in WRONG_FILES:
        _, problems = read_answers_file(data, None)
        assert "immunoprep-answers-" in problems[0], problems[0]
    assert "immunoprep-answers-" in CHOOSE_ANSWERS
