"""Fast UI tests with Streamlit's AppTest: both journeys, navigation, validation, resume, results."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from questionnaire import Answers
from reports import saved_answers_json

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def app():
    return AppTest.from_file(APP, default_timeout=60).run()


def _patient(app):
    app.button[0].click().run()
    assert app.session_state["step"] == "about_you"
    return app


def _texts(app) -> str:
    return "\n".join(
        str(e.value) for e in [*app.markdown, *app.error, *app.info, *app.subheader, *app.header, *app.caption]
    )


def test_start_screen_says_what_it_is_and_is_not(app):
    text = _texts(app)
    assert "education, not medical advice" in text and "Nothing you type is stored" in text
    assert [b.label for b in app.button][:2] == ["I am a patient or family member", "I am a nurse or clinician"]
    assert not app.exception


def test_patient_journey_end_to_end_keeps_answers(app):
    _patient(app)
    app.text_input(key="q_age").input("61").run()
    app.radio(key="q_sex_at_birth").set_value("male").run()
    app.button(key="next_about_you").click().run()
    app.selectbox(key="q_cancer_type").set_value("dlbcl").run()
    app.radio(key="q_disease_course").set_value("refractory").run()
    app.button(key="next_your_cancer").click().run()
    assert app.session_state["step"] == "treatments"  # no tumour-test step for lymphoma
    app.multiselect(key="q_prior_treatments").set_value(["chemotherapy_other", "anti_cd20"]).run()
    app.text_input(key="q_prior_lines").input("2").run()
    app.button(key="back_treatments").click().run()
    assert app.selectbox(key="q_cancer_type").value == "dlbcl"  # kept after going back
    app.button(key="next_your_cancer").click().run()
    assert app.multiselect(key="q_prior_treatments").value == ["chemotherapy_other", "anti_cd20"]
    assert app.text_input(key="q_prior_lines").value == "2"
    for step in ("treatments", "health_now", "immune_history", "practical"):
        app.button(key=f"next_{step}").click().run()
    assert app.session_state["step"] == "review"
    app.button(key="to_results").click().run()
    text = _texts(app)
    assert "Commonly considered" in text and "CAR T-cell therapy" in "\n".join(e.label for e in app.expander)
    assert app.session_state["answers"]["prior_lines"] == 2
    assert not app.exception


def test_inline_validation_keeps_the_previous_answer(app):
    _patient(app)
    app.text_input(key="q_age").input("54").run()
    app.text_input(key="q_age").input("540").run()
    assert any("That looks too high for age" in e.value for e in app.error)
    assert app.session_state["answers"]["age"] == 54
    app.text_input(key="q_age").input("55").run()
    assert not app.error and app.session_state["answers"]["age"] == 55


def test_unknown_is_accepted_for_numbers(app):
    _patient(app)
    app.checkbox(key="q_age_unknown").check().run()
    assert app.session_state["answers"]["age"] == "unknown"


def test_review_page_lists_answers_and_jumps_back(app):
    _patient(app)
    app.text_input(key="q_age").input("47").run()
    app.session_state["step"] = "review"
    app.run()
    assert any("47 years" in str(t.value) for t in app.table)
    app.button(key="change_about_you").click().run()
    assert app.session_state["step"] == "about_you"


def test_nurse_journey_and_new_patient_clears_everything(app):
    app.button[1].click().run()
    app.text_input(key="label").input("ZŁ").run()
    app.selectbox(key="q_cancer_type").set_value("multiple_myeloma").run()
    app.radio(key="q_disease_course").set_value("relapsed").run()
    app.multiselect(key="q_prior_treatments").set_value(["imid", "proteasome_inhibitor", "anti_cd38"]).run()
    app.text_input(key="q_prior_lines").input("4").run()
    app.button(key="to_results_nurse").click().run()
    app.toggle(key="show_rule_ids").set_value(True).run()
    assert "`car_t.myeloma.after_three_drug_classes` (rules/families/cell_therapies.yaml)" in _texts(app)
    app.button(key="new_patient").click().run()
    assert app.session_state["answers"], "nothing is cleared before the person confirms"
    assert _open_dialogs(app) == ["Clear all 4 answers?"]
    app.button(key="confirm_clear_yes").click().run()
    assert app.session_state["answers"] == {} and app.session_state["label"] == ""
    assert app.session_state["step"] == "nurse" and app.session_state["pdf_cache"] is None
    assert app.selectbox(key="q_cancer_type").value is None


def _open_dialogs(app) -> list[str]:
    """Titles of the dialogs open on the page (AppTest has no accessor for them)."""
    found = []

    def walk(node):
        for child in getattr(node, "children", {}).values():
            proto = getattr(child, "proto", None)
            fields = type(proto).DESCRIPTOR.fields_by_name if hasattr(proto, "DESCRIPTOR") else {}
            if "dialog" in fields and proto.HasField("dialog") and proto.dialog.is_open:
                found.append(proto.dialog.title)
            walk(child)

    walk(app._tree)
    return found


def _urgent_panels(app) -> list[str]:
    return [e.proto.body for e in app.get("html") if 'role="alert"' in e.proto.body]


def test_results_show_urgent_panel_first_emergency_tier_on_top(app):
    answers = {
        "cancer_type": "nsclc",
        "stage": "metastatic",
        "current_immunotherapy": ["checkpoint_inhibitor"],
        "current_symptoms": ["breathing", "seizure"],
    }
    app.session_state["role"] = "patient"
    app.session_state["answers"] = answers
    app.session_state["step"] = "results"
    app.run()
    kinds = [type(e).__name__ for e in app.main]
    assert kinds.index("Html") < kinds.index("Info") < kinds.index("Subheader")  # the panel comes before anything else
    (panel,) = _urgent_panels(app)
    assert panel.index("Call 911 now") < panel.index("Call your cancer care team now")
    assert panel.index("A seizure (fit)") < panel.index("Call your cancer care team now")  # each sign under its tier
    assert "New or worse cough, or short of breath" in panel


def _on_treatments_step(app, answers):
    app.session_state["role"] = "patient"
    app.session_state["answers"] = answers
    app.session_state["step"] = "treatments"
    return app.run()


def test_choosing_a_warning_sign_shows_the_panel_on_the_same_step(app):
    _on_treatments_step(app, {"cancer_type": "nsclc", "stage": "metastatic"})
    app.multiselect(key="q_current_immunotherapy").set_value(["checkpoint_inhibitor"]).run()
    assert _urgent_panels(app) == []
    app.multiselect(key="q_current_symptoms").set_value(["diarrhoea"]).run()
    assert app.session_state["step"] == "treatments"
    (panel,) = _urgent_panels(app)
    assert (
        "Call your cancer care team now" in panel and "Any new diarrhoea, blood in stools, or bad belly pain" in panel
    )
    assert "Call 911" not in panel
    app.multiselect(key="q_current_symptoms").set_value(["none"]).run()
    assert _urgent_panels(app) == []


def test_warning_signs_are_asked_any_time_after_car_t(app):
    _on_treatments_step(
        app, {"cancer_type": "dlbcl", "prior_treatments": ["car_t", "anti_cd20"], "current_immunotherapy": ["none"]}
    )
    app.multiselect(key="q_current_symptoms").set_value(["drowsiness"]).run()
    (panel,) = _urgent_panels(app)
    assert "Very sleepy or hard to wake" in panel and "ICANS" in panel


def test_review_page_keeps_the_urgent_panel(app):
    app.session_state["role"] = "patient"
    app.session_state["answers"] = {
        "cancer_type": "kidney",
        "current_immunotherapy": ["checkpoint_inhibitor"],
        "current_symptoms": ["collapse"],
    }
    app.session_state["step"] = "review"
    app.run()
    (panel,) = _urgent_panels(app)
    assert "Call 911 now" in panel and "Fainting or collapse" in panel


def test_nurse_form_shows_the_panel_in_clinical_words(app):
    app.button[1].click().run()
    app.multiselect(key="q_current_immunotherapy").set_value(["bispecific"]).run()
    app.multiselect(key="q_current_symptoms").set_value(["fever"]).run()
    (panel,) = _urgent_panels(app)
    assert "Fever ≥ 38 °C / rigors" in panel and "cytokine release syndrome" in panel


@pytest.mark.parametrize(
    "answers, expected_open",
    [
        ({"cancer_type": "cutaneous_melanoma", "stage": "metastatic"}, "Immune checkpoint inhibitors"),
        ({"cancer_type": "bladder_nmibc", "stage": "early", "nmibc_risk_group": "high"}, "Treatment vaccines and BCG"),
        ({"cancer_type": "brain_glioblastoma"}, "Clinical trials"),
    ],
)
def test_results_for_answer_sets(app, answers, expected_open):
    app.session_state["role"] = "patient"
    app.session_state["answers"] = answers
    app.session_state["step"] = "results"
    app.run()
    opened = [e.label for e in app.expander if e.proto.expanded]
    assert any(expected_open in label for label in opened)
    assert not app.exception


def test_resume_file_checks_are_all_or_nothing():
    from ui.resume import check_resume_file

    good = saved_answers_json(Answers(cancer_type="nsclc", age=70)).encode()
    answers, problems = check_resume_file(good)
    assert problems == [] and answers.age == 70
    for bad, message in [
        (b"x" * (101 * 1024), "at most 100 KB"),
        (b"\xff\xfe\x00", "cannot be read as text"),
        (b'{"answers": {"age": 70, "lvef_percent": 999}}', "That looks too high for heart pumping strength (LVEF)"),
        (b'{"answers": {"age": 70, "shoe_size": 9}}', "ImmunoPrep does not ask for ('shoe_size')"),
        (b"[" * 5000, "not in the right format"),
    ]:
        answers, problems = check_resume_file(bad)
        assert answers is None and any(message in p for p in problems), (bad[:30], problems)


def test_resumed_answers_show_on_review(app):
    from ui.resume import check_resume_file

    answers, _ = check_resume_file(saved_answers_json(Answers(cancer_type="nsclc", age=70)).encode())
    app.session_state["role"] = "patient"
    app.session_state["answers"] = answers.given()
    app.session_state["step"] = "review"
    app.run()
    assert any("70 years" in str(t.value) for t in app.table)


def test_answers_are_validated_with_the_others_and_stored_canonically(app):
    app.button[1].click().run()
    app.selectbox(key="q_cancer_type").set_value("nsclc").run()
    app.radio(key="q_pd_l1_tps").set_value("50_plus").run()
    app.multiselect(key="q_prior_treatments").set_value(["radiation", "surgery"]).run()
    stored = app.session_state["answers"]
    assert stored["pd_l1_tps"] == "50_plus"  # visible only because the cancer type is known
    assert stored["prior_treatments"] == ["surgery", "radiation"]  # definition order, as everywhere else


def test_number_labels_show_their_unit_once(app):
    import re

    app.button[1].click().run()
    labels = [box.label for box in app.text_input]
    assert "LVEF (%)" in labels and "Prior lines of systemic therapy (lines)" in labels
    assert not [label for label in labels if re.search(r"\(([^()]*)\)\s*\(\1\)", label)], labels


def test_start_again_asks_first_and_no_keeps_everything(app):
    _patient(app)
    app.text_input(key="q_age").input("61").run()
    app.button(key="new_patient").click().run()
    assert _open_dialogs(app) == ["Clear your 1 answer?"]
    app.button(key="confirm_clear_no").click().run()
    assert app.session_state["answers"] == {"age": 61} and app.session_state["step"] == "about_you"
    assert _open_dialogs(app) == []


def test_start_again_with_nothing_to_lose_does_not_ask(app):
    _patient(app)
    app.button(key="new_patient").click().run()
    assert app.session_state["step"] == "start" and _open_dialogs(app) == []


def test_new_patient_gives_the_uploaders_new_keys(app):
    app.button[1].click().run()
    serial = app.session_state["uploads_serial"]
    app.selectbox(key="q_cancer_type").set_value("kidney").run()
    app.button(key="new_patient").click().run()
    app.button(key="confirm_clear_yes").click().run()
    assert app.session_state["uploads_serial"] == serial + 1  # a new key is a new, empty uploader


def test_every_step_offers_save_my_answers(app):
    _patient(app)
    app.text_input(key="q_age").input("61").run()
    labels = [b.label for b in app.get("download_button")]
    assert any("Save my answers to continue later" in label for label in labels)
