"""The questionnaire screens: start, a patient step, review and the nurse form. UI only."""

from __future__ import annotations

import streamlit as st

from questionnaire import Answers, active_sections, answered_rows, load_definition, progress, visible_in_section
from questionnaire import next_section as following_section
from questionnaire import previous_section as preceding_section

from . import nav, state, urgent
from .resume import resume_uploader
from .summary import save_answers_button
from .widgets import render

PATIENT_HINT = 'Every question can be left as "I don\'t know". Open "Where do I find this?" under a question for help.'


def steps_for_role(role: str) -> set[str]:
    """Every step a person in this role can be on (the URL may only name one of these)."""
    if role == "nurse":
        return {"nurse", "results"}
    return {"start", "review", "results", *(s.id for s in load_definition().sections)}


def ask_before_clearing() -> None:
    """'Start again' / 'New patient': clear at once if there is nothing to lose, otherwise ask first."""
    if state.answers() or st.session_state.get("label"):
        st.session_state["confirm_clear"] = True
    else:
        state.new_patient()


def _stop_asking() -> None:
    st.session_state.pop("confirm_clear", None)


def confirm_clear_dialog() -> None:
    """The confirmation, open until Yes, No or closed (the question stays asked across reruns until then)."""
    if not st.session_state.get("confirm_clear"):
        return
    count = len(state.answers())
    title = f"Clear all {count} answers?" if count != 1 else "Clear your 1 answer?"

    def body() -> None:
        st.markdown(
            "This removes every answer, the summary and any file you loaded from this page. "
            "It cannot be undone. If you want to keep them, save your answers first."
        )
        yes, no = st.columns(2)
        # A dialog closes only when the app reruns from inside it (Streamlit's documented way).
        if yes.button("Yes, clear everything", type="primary", key="confirm_clear_yes", use_container_width=True):
            _stop_asking()
            state.new_patient()
            st.rerun()
        if no.button("No, keep my answers", key="confirm_clear_no", use_container_width=True):
            _stop_asking()
            st.rerun()

    st.dialog(title, on_dismiss=_stop_asking)(body)()


def start() -> None:
    st.title("ImmunoPrep", anchor=False)
    st.markdown(
        "Get ready for a cancer appointment where **immunotherapy** may come up. Answer a few questions "
        "(about 10 minutes). You will get a summary to print and bring to your doctor: which kinds of "
        "immunotherapy are often talked about for situations like yours, why, and what to ask."
    )
    st.info(
        "This is education, not medical advice. It does not decide whether you can have any treatment. "
        "Nothing you type is stored: it disappears when you close this page.",
        icon="ℹ️",
    )
    st.header("Who is answering?", divider="gray", anchor=False)
    left, right = st.columns(2)
    left.button(
        "I am a patient or family member",
        type="primary",
        use_container_width=True,
        on_click=_start_as,
        args=("patient",),
    )
    right.button("I am a nurse or clinician", use_container_width=True, on_click=_start_as, args=("nurse",))
    with st.expander("Continue with saved answers"):
        resume_uploader("start")


# Navigation happens in on_click callbacks, before the run: one run per click. Changing the step in
# the script and calling st.rerun() costs a second run, and a click during that second run is lost.
def _start_as(role: str) -> None:
    st.session_state["role"] = role
    state.go(load_definition().sections[0].id if role == "patient" else "nurse")


def _go_next(section_id: str) -> None:
    state.go(following_section(section_id, state.answers()) or "review")


def _go_back(section_id: str) -> None:
    state.go(preceding_section(section_id, state.answers()) or "start")


def _steps() -> list[str]:
    return [s.id for s in active_sections(state.answers())] + ["review"]


def patient_step(section_id: str) -> None:
    answers = state.answers()
    sections = {s.id: s for s in load_definition().sections}
    steps = _steps()
    if section_id not in steps:  # an answer hid this whole step: move on
        section_id = following_section(section_id, answers) or "review"
        state.go(section_id)
        st.rerun()
    number = steps.index(section_id) + 1
    title = sections[section_id].title["patient"]
    st.progress(number / len(steps), text=f"Step {number} of {len(steps)}")
    st.header(title, anchor=False)
    nav.arrive(title, f"Step {number} of {len(steps)}: {title}")
    st.caption(PATIENT_HINT)
    _questions_with_urgent_panel(visible_in_section(section_id, answers), "patient")
    st.divider()
    back, _, forward = st.columns([1, 2, 1])
    back.button("← Back", use_container_width=True, key=f"back_{section_id}", on_click=_go_back, args=(section_id,))
    forward.button(
        "Next →",
        type="primary",
        use_container_width=True,
        key=f"next_{section_id}",
        on_click=_go_next,
        args=(section_id,),
    )
    if answers:
        save_answers_button(Answers.model_validate(answers), f"save_{section_id}")


def _questions_with_urgent_panel(questions, audience: str) -> None:
    """Render questions; under a question whose answer raised a warning, show the urgent panel at once."""
    assessment = None
    for question in questions:
        render(question, audience)
        if question.type == "multi_choice" and state.answers().get(question.id):
            assessment = assessment or urgent.current_assessment(state.answers())
            urgent.show(assessment, audience, question=question.id)


def review() -> None:
    answers = state.answers()
    steps = _steps()
    st.progress(1.0, text=f"Step {len(steps)} of {len(steps)}: check your answers")
    st.header("Check your answers", anchor=False)
    nav.arrive("Check your answers", f"Step {len(steps)} of {len(steps)}: Check your answers")
    urgent.show(urgent.current_assessment(answers), "patient")
    done = progress(answers)
    st.caption(f"You answered {done.answered} of {done.visible} questions. Blank ones are fine.")
    given = Answers.model_validate(answers)
    rows = answered_rows(given)
    for section in active_sections(answers):
        st.subheader(section.title["patient"], anchor=False)
        mine = [(q, text) for q, text in rows if q.section == section.id]
        if mine:
            st.table({"Question": [q.label for q, _ in mine], "Your answer": [t for _, t in mine]})
        else:
            st.caption("No answers in this part.")
        st.button(
            f"Change “{section.title['patient']}”", key=f"change_{section.id}", on_click=state.go, args=(section.id,)
        )
    st.divider()
    back, _, forward = st.columns([1, 2, 1])
    back.button(
        "← Back",
        use_container_width=True,
        key="back_review",
        on_click=state.go,
        args=(steps[-2] if len(steps) > 1 else "start",),
    )
    forward.button(
        "See my summary →",
        type="primary",
        use_container_width=True,
        key="to_results",
        on_click=state.go,
        args=("results",),
    )
    if answers:
        save_answers_button(given, "save_review")


def _tab_label(section, answers: dict) -> str:
    shown = visible_in_section(section.id, answers)
    done = sum(1 for q in shown if q.id in answers)
    return f"{section.title['nurse']} ({done} of {len(shown)})"


def _remember_tab(labels: dict[str, str]) -> None:
    """Keep the open tab as a section id: its label changes as answers are counted."""
    chosen = st.session_state.get("nurse_tab")
    st.session_state["nurse_tab_section"] = next((sid for sid, label in labels.items() if label == chosen), None)


def nurse_form() -> None:
    st.header("Intake", anchor=False)
    nav.arrive("Intake", "Intake form")
    st.text_input("Patient label for the PDF (e.g. initials; not stored)", key="label", max_chars=60)
    answers = state.answers()
    sections = active_sections(answers)
    labels = {s.id: _tab_label(s, answers) for s in sections}
    open_section = st.session_state.get("nurse_tab_section")
    tabs = st.tabs(
        list(labels.values()),
        key="nurse_tab",
        on_change=_remember_tab,
        args=(labels,),
        default=labels.get(open_section),
    )
    for tab, section in zip(tabs, sections, strict=True):
        with tab:
            _questions_with_urgent_panel(visible_in_section(section.id, answers), "nurse")
    done = progress(answers)
    st.caption(f"{done.answered} of {done.visible} visible questions answered.")
    st.button("Show summary →", type="primary", key="to_results_nurse", on_click=state.go, args=("results",))
    if answers:
        save_answers_button(Answers.model_validate(answers), "save_nurse", st.session_state.get("label") or "")
