"""Lab values as printed on the report, in the app (AppTest): patients type what they read, nurses are asked."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
BILI = "q_bilirubin_x_uln"


def _at_health(role: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.session_state["role"] = role
    app.session_state["step"] = "health_now" if role == "patient" else "nurse"
    return app.run()


@pytest.fixture
def patient():
    return _at_health("patient")


def _lab(app, result, unit, upper, key=BILI):
    app.text_input(key=key + "_result").input(result).run()
    app.radio(key=key + "_unit").set_value(unit).run()
    return app.text_input(key=key + "_upper").input(upper).run()


def _stored(app, question="bilirubin_x_uln"):
    return app.session_state["answers"].get(question)


def test_patient_types_the_result_as_printed_and_sees_the_ratio(patient):
    _lab(patient, "30", "µmol/L", "3 - 20")
    assert _stored(patient) == 1.5
    assert "That is 1.5 times the top of the normal range." in [i.value for i in patient.info]
    assert not patient.error and not patient.warning and not patient.exception


def test_patient_lab_question_has_no_uln_words(patient):
    shown = (
        [b.label for b in patient.text_input] + [r.label for r in patient.radio] + [m.value for m in patient.markdown]
    )
    assert "Bilirubin result, as printed" in shown and "Top of the normal range" in shown
    assert not [text for text in shown if "ULN" in text], shown
    assert list(patient.radio(key=BILI + "_unit").options) == ["µmol/L", "mg/dL"]


def test_value_in_the_other_unit_is_questioned_then_confirmed(patient):
    _lab(patient, "1.2", "µmol/L", "21")
    warnings = [w.value.replace("\\", "") for w in patient.warning]  # shown md-escaped
    assert "Is that in µmol/L? A bilirubin of 1.2 is usually mg/dL." in warnings
    assert _stored(patient) is None  # nothing stored until confirmed
    patient.button(key=BILI + "_confirm_yes").click().run()
    assert _stored(patient) == 0.06 and not patient.warning


def test_changing_the_unit_answers_the_question(patient):
    _lab(patient, "1.8", "µmol/L", "1.2")
    assert any("Is that in mg/dL?" in e.value for e in patient.error) and _stored(patient) is None
    patient.radio(key=BILI + "_unit").set_value("mg/dL").run()
    assert _stored(patient) == 1.5 and not patient.error


def test_implausible_normal_range_is_refused_and_keeps_the_old_answer(patient):
    _lab(patient, "30", "µmol/L", "20")
    patient.text_input(key=BILI + "_upper").input("100").run()
    assert any("usually between 12 and 34" in e.value for e in patient.error)
    assert _stored(patient) == 1.5


def test_i_dont_know_and_the_boxes_survive_moving_between_steps(patient):
    _lab(patient, "60", "U/L", "40", key="q_ast_alt_x_uln")
    assert _stored(patient, "ast_alt_x_uln") == 1.5
    patient.checkbox(key=BILI + "_unknown").check().run()
    assert _stored(patient) == "unknown"
    patient.button(key="next_health_now").click().run()
    patient.button(key="back_immune_history").click().run()
    assert patient.session_state["step"] == "health_now"
    assert patient.text_input(key="q_ast_alt_x_uln_result").value == "60"
    assert patient.text_input(key="q_ast_alt_x_uln_upper").value == "40"
    assert patient.checkbox(key=BILI + "_unknown").value is True


@pytest.mark.parametrize("typed, asked, stored", [("12", True, 12.0), ("2", False, 2.0), ("1.5 x ULN", False, 1.5)])
def test_nurse_types_the_ratio_and_is_asked_about_implausible_ones(typed, asked, stored):
    nurse = _at_health("nurse")
    nurse.text_input(key=BILI).input(typed).run()
    questioned = [w.value for w in nurse.warning if "very high for bilirubin" in w.value]
    assert bool(questioned) == asked
    if asked:
        assert _stored(nurse) is None
        nurse.button(key=BILI + "_confirm_yes").click().run()
    assert _stored(nurse) == stored and not nurse.warning and not nurse.exception
