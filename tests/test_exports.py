"""JSON, CSV and FHIR exports."""

import csv
import datetime as dt
import io
import json
import re

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from questionnaire import Answers, answers_from_json, load_definition
from reports import (
    assessment_json,
    download_name,
    questionnaire_resource,
    questionnaire_response,
    results_csv,
    saved_answers_json,
    summary_row,
)
from reports.exports import csv_cell, label_slug, write_atomic
from rules import CATEGORIES, assess

ANSWERS = Answers(
    cancer_type="nsclc",
    stage="metastatic",
    pd_l1_tps="50_plus",
    prior_treatments=["surgery", "radiation"],
    prior_lines=1,
    lvef_percent="unknown",
    age=61,
)


def test_assessment_json_follows_the_contract():
    data = json.loads(assessment_json(assess(ANSWERS)))
    assert set(data) == {
        "tool",
        "language",
        "categories",
        "urgent",
        "missing_information",
        "questions_to_ask",
        "disclaimer",
        "kit",
    }
    assert set(data["kit"]) == {"bring", "help", "timelines", "wallet_card", "living_well"}
    assert set(data["tool"]) == {"name", "version", "rules_version", "rules_reviewed"}
    assert [c["id"] for c in data["categories"]] == list(CATEGORIES)
    reason = data["categories"][0]["reasons"][0]
    assert set(reason) == {"rule", "text", "answers"}


def test_saved_answers_resume_losslessly():
    restored, problems = answers_from_json(saved_answers_json(ANSWERS))
    assert problems == [] and restored == ANSWERS


def test_csv_row_has_answers_and_levels():
    text = results_csv([summary_row(ANSWERS, assess(ANSWERS), "AB")])
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["label"] == "AB" and row["cancer_type"] == "nsclc" and row["prior_treatments"] == "surgery;radiation"
    assert row["level_checkpoint_inhibitor"] == "commonly_considered"
    assert set(f"level_{c}" for c in CATEGORIES) <= set(row)


def test_csv_neutralises_formulas():
    assert csv_cell('=HYPERLINK("http://x","y")') == '\'=HYPERLINK("http://x","y")'
    assert csv_cell("+1") == "'+1" and csv_cell("@SUM(A1)") == "'@SUM(A1)" and csv_cell("plain") == "plain"
    text = results_csv([{"label": "=cmd|' /C calc'!A0"}])
    assert "'=cmd" in text


def test_fhir_questionnaire_validates_and_covers_every_question():
    resource = questionnaire_resource()
    Questionnaire.model_validate(resource)
    link_ids = {item["linkId"] for group in resource["item"] for item in group["item"]}
    assert link_ids == {q.id for q in load_definition().questions}


def test_fhir_response_validates_with_unknowns_and_lists():
    resource = questionnaire_response(ANSWERS)
    QuestionnaireResponse.model_validate(resource)
    items = {i["linkId"]: i for g in resource["item"] for i in g["item"]}
    assert len(items["prior_treatments"]["answer"]) == 2
    assert items["lvef_percent"]["answer"][0]["valueCoding"]["code"] == "asked-unknown"


def test_write_atomic_leaves_no_partial_file(tmp_path):
    target = tmp_path / "out.json"
    write_atomic(target, "{}")
    assert target.read_text() == "{}" and [p.name for p in tmp_path.iterdir()] == ["out.json"]


DAY = dt.date(2026, 11, 23)
SAFE_NAME = re.compile(r"^immunoprep-[a-z]+(-[A-Za-z0-9]+)*-\d{4}-\d{2}-\d{2}\.(pdf|json|csv)$")


@pytest.mark.parametrize(
    "kind, extension, expected",
    [
        ("summary", None, "immunoprep-summary-2026-11-23.pdf"),
        ("answers", None, "immunoprep-answers-2026-11-23.json"),
        ("result", None, "immunoprep-result-2026-11-23.json"),
        ("result", "csv", "immunoprep-result-2026-11-23.csv"),
        ("fhir", None, "immunoprep-fhir-2026-11-23.json"),
    ],
)
def test_download_names_per_kind(kind, extension, expected):
    assert download_name(kind, None, DAY, extension) == expected
    assert download_name(kind, "", DAY, extension) == expected


@pytest.mark.parametrize(
    "label, slug",
    [
        ("AB", "AB"),
        ("ZŁ", "ZL"),
        ("<b>ZŁ</b>", "b-ZL-b"),
        ("Zoë Łukasiewicz · José", "Zoe-Lukasiewicz-Jose"),
        ("Straße Ærø Œuvre", "Strasse-AEro-OEuvre"),
        ("李小龍", ""),  # no Latin letters: no label part rather than a guess
        ("李 AB", "AB"),
        ("../../etc/passwd", "etc-passwd"),
        ("a\x00b\u202ec\nd", "abc-d"),  # invisible characters dropped, line breaks separate
        ("CON", "CON"),  # harmless after the 'immunoprep-' prefix, even on Windows
        ("x" * 29 + " y" * 5, "x" * 29),  # cut at 30 characters, no hyphen left dangling
    ],
)
def test_labels_become_safe_slugs(label, slug):
    assert label_slug(label) == slug
    name = download_name("summary", label, DAY)
    assert name == "immunoprep-summary-" + (f"{slug}-" if slug else "") + "2026-11-23.pdf"
    assert SAFE_NAME.match(name) and len(label_slug(label)) <= 30


def test_download_name_refuses_unknown_kinds_and_formats():
    with pytest.raises(ValueError, match="unknown download kind"):
        download_name("photo", "AB", DAY)
    with pytest.raises(ValueError, match="summary download is pdf"):
        download_name("summary", "AB", DAY, "csv")
