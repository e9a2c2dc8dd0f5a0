"""The appointment kit in the app (AppTest): my questions, what to bring, help-lines, timelines, the
glossary on steps and on the summary, the doctor's PDF, the answers file, and the nurses' clinic list."""

import io
import json
import random
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from questionnaire import MAX_OWN_QUESTIONS, MyQuestions
from reports import saved_answers_json
from tests.answer_samples import intake_csv, sample_answers

APP = str(Path(__file__).resolve().parent.parent / "app.py")
LYMPHOMA = {
    "cancer_type": "dlbcl",
    "disease_course": "refractory",
    "prior_treatments": ["chemotherapy_other", "anti_cd20"],
    "prior_lines": 2,
    "current_immunotherapy": ["bispecific"],
    "current_symptoms": ["none"],
}


def _summary(answers: dict, role: str = "patient") -> AppTest:
    app = AppTest.from_file(APP, default_timeout=90)
    app.session_state["role"] = role
    app.session_state["step"] = "results"
    app.session_state["answers"] = dict(answers)
    return app.run()


def _markdown(app) -> str:
    text = "\n".join(str(e.value) for e in [*app.markdown, *app.subheader, *app.header, *app.caption, *app.info])
    return text.replace("\\", "")  # markdown escapes


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def test_the_summary_has_the_kit_in_order():
    app = _summary(LYMPHOMA)
    headings = [str(h.value) for h in app.subheader]
    for heading in ("My questions", "What to bring", "What to expect", "Eating and staying active during treatment",
                    "Where to get help"):  # fmt: skip
        assert heading in headings, heading
    order = [headings.index(h) for h in ("My questions", "What to bring", "Where to get help")]
    assert order == sorted(order)
    text = _markdown(app)
    assert "1-800-422-6237" in text and "Leukemia & Lymphoma Society" in text  # a blood cancer: LLS is shown
    assert "Your PDF ends with a wallet card to cut out (Bispecific antibody (T-cell engager))" in text
    assert not app.exception


def test_my_questions_can_be_reordered_removed_put_back_and_added():
    app = _summary(LYMPHOMA)
    mine: MyQuestions = app.session_state["my_questions"]
    first, second = mine.texts[0], mine.texts[1]
    app.button(key="mq_down_0").click().run()
    assert app.session_state["my_questions"].texts[:2] == [second, first]
    assert app.button(key="mq_up_0").disabled  # the first cannot go higher
    app.button(key="mq_drop_0").click().run()
    assert second not in app.session_state["my_questions"].texts
    assert second in app.session_state["my_questions"].left_out
    app.button(key="mq_back_0").click().run()
    assert app.session_state["my_questions"].texts[-1] == second
    app.text_input(key="own_question").input("Can I still travel to see my grandson? <b>soon</b>").run()
    app.button(key="own_question_add").click().run()
    kept = app.session_state["my_questions"].kept
    assert kept[-1].text == "Can I still travel to see my grandson? <b>soon</b>" and kept[-1].own
    assert app.text_input(key="own_question").value == ""
    assert "Can I still travel to see my grandson? <b>soon</b>" in _markdown(app)


def test_own_questions_are_bounded_with_plain_messages():
    app = _summary(LYMPHOMA)
    app.button(key="own_question_add").click().run()
    assert any("Type a question first" in e.value for e in app.error)
    for number in range(MAX_OWN_QUESTIONS):
        app.text_input(key="own_question").input(f"My question number {number}?").run()
        app.button(key="own_question_add").click().run()
    app.text_input(key="own_question").input("One too many?").run()
    app.button(key="own_question_add").click().run()
    assert any(f"up to {MAX_OWN_QUESTIONS} questions of your own" in e.value for e in app.error)
    assert app.session_state["my_questions"].own_count == MAX_OWN_QUESTIONS


def test_the_pdf_prints_my_questions_in_my_order(monkeypatch):
    import ui.summary

    seen = {}
    real = ui.summary.build_pdf

    def spy(*args, **kwargs):
        seen["questions"] = kwargs.get("my_questions")
        return real(*args, **kwargs)

    monkeypatch.setattr(ui.summary, "build_pdf", spy)
    app = _summary(LYMPHOMA)
    app.text_input(key="own_question").input("Who do I call at night?").run()
    app.button(key="own_question_add").click().run()
    app.button(key="mq_drop_0").click().run()
    assert seen["questions"] == app.session_state["my_questions"].texts
    assert seen["questions"][-1] == "Who do I call at night?"


def test_the_answers_file_keeps_my_questions_and_brings_them_back():
    from questionnaire import read_answers_file, read_my_questions

    app = _summary(LYMPHOMA)
    app.text_input(key="own_question").input("Is there parking at the centre?").run()
    app.button(key="own_question_add").click().run()
    mine = app.session_state["my_questions"]
    data = saved_answers_json(_answers(LYMPHOMA), "en", mine).encode()
    assert json.loads(data)["my_questions"]["kept"][-1] == {"text": "Is there parking at the centre?", "own": True}
    answers, problems = read_answers_file(data, "immunoprep-answers.json")
    assert not problems and answers.given()["cancer_type"] == "dlbcl"
    assert read_my_questions(data) == (mine, [])


def _answers(raw):
    from questionnaire import validate_answers

    return validate_answers(raw)[0]


def test_a_broken_question_list_in_a_file_is_named_not_ignored():
    from questionnaire import read_my_questions

    data = json.dumps({"answers": {"age": 60}, "my_questions": {"kept": [{"text": ""}]}}).encode()
    found, problems = read_my_questions(data)
    assert found is None and "list of your questions in this file cannot be read" in problems[0]
    assert read_my_questions(json.dumps({"answers": {"age": 60}}).encode()) == (None, [])


def test_words_used_here_explains_terms_on_the_step_and_the_summary():
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.button[0].click().run()
    app.session_state["step"] = "health_now"
    app.run()
    labels = [e.label for e in app.expander]
    assert any(label.startswith("Words used here") for label in labels)
    text = _markdown(app)
    assert "**ECOG:**" in text and "**LVEF:**" in text
    summary = _summary(LYMPHOMA)
    assert any(e.label.startswith("Words used here") for e in summary.expander)
    assert "**Bispecific antibody:**" in _markdown(summary)


def test_the_doctor_pdf_is_offered_next_to_the_full_pdf():
    app = _summary(LYMPHOMA)
    labels = [b.label for b in app.get("download_button")]
    assert labels.index("Download the PDF to bring to your doctor") < labels.index("One-page PDF for the doctor")


def test_a_nurse_can_add_questions_for_the_patient():
    app = _summary(LYMPHOMA, role="nurse")
    assert "Questions printed on the patient's PDF" in _markdown(app)
    app.text_input(key="own_question").input("Patient asks about driving after treatment").run()
    app.button(key="own_question_add").click().run()
    assert app.session_state["my_questions"].texts[-1] == "Patient asks about driving after treatment"


def test_new_patient_forgets_my_questions():
    app = _summary(LYMPHOMA, role="nurse")
    app.text_input(key="own_question").input("Something private").run()
    app.button(key="own_question_add").click().run()
    app.button(key="new_patient").click().run()
    app.button(key="confirm_clear_yes").click().run()
    try:
        kept = app.session_state["my_questions"]
    except KeyError:
        kept = None
    assert kept is None and app.session_state["answers"] == {}


# ------------------------------------------------------------------------------ the clinic list


def test_the_clinic_list_is_in_the_nurse_sidebar_only():
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.button[1].click().run()
    app.button(key="open_clinic").click().run()
    assert app.session_state["step"] == "clinic" and "Clinic list" in [h.value for h in app.header]
    patient = AppTest.from_file(APP, default_timeout=60).run()
    patient.button[0].click().run()
    assert not [b for b in patient.button if b.key == "open_clinic"]


@pytest.fixture(scope="module")
def clinic_results():
    """The clinic list's work, done as the page does it (AppTest cannot upload a file)."""
    from reports.batch import clinic_zip, read_intake, summarise_rows

    answers = sample_answers(random.Random(3), 12)
    rows = read_intake(intake_csv(answers))
    rows[4]["age"] = "two hundred"  # one row with a problem
    progress = []
    results = list(summarise_rows(rows, "en", True, on_progress=lambda d, n: progress.append((d, n))))
    return results, progress, clinic_zip(results)


def test_clinic_list_reports_progress_and_zips_pdfs_and_results(clinic_results):
    results, progress, archive = clinic_results
    assert progress[0] == (1, 12) and progress[-1] == (12, 12)
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        names = opened.namelist()
        assert "results.csv" in names and len([n for n in names if n.endswith(".pdf")]) == 11
        csv_text = opened.read("results.csv").decode()
    assert "invalid" in csv_text and "age" in csv_text
    assert next(r for r in results if r.result["row"] == 5).result["status"] == "invalid"


def test_clinic_table_puts_urgent_rows_first_then_problems(clinic_results, monkeypatch):
    import streamlit as st

    from ui.clinic import _table

    monkeypatch.setattr(st, "session_state", {"language": "en"})
    results = clinic_results[0]
    table = _table(results, "en")
    urgent = [bool(v) for v in table["Urgent"]]
    assert urgent == sorted(urgent, reverse=True)  # every urgent row above every other
    first_plain = urgent.index(False) if False in urgent else len(urgent)
    statuses = list(table["Status"][first_plain:])
    assert statuses[0] == "Check the answers"  # rows with problems next
    assert set(table.columns) >= {"Row", "Label", "Urgent", "Status", "Problems", "CAR T-cell therapy"}
    assert set(table["CAR T-cell therapy"]) <= {"Commonly", "May be", "Not typical", ""}
