"""The questionnaire screens: start, a patient step, review and the nurse form. UI only."""

from __future__ import annotations

import streamlit as st

from questionnaire import (
    LANGUAGES,
    Answers,
    active_sections,
    answered_rows,
    load_definition,
    progress,
    visible_in_section,
)
from questionnaire import next_section as following_section
from questionnaire import previous_section as preceding_section

from . import kit, nav, state, urgent
from .resume import resume_uploader
from .summary import save_answers_button
from .text import catalogue, language, pdf_language, t
from .widgets import render


def _language_name(code: str) -> str:
    return catalogue(code)["language_name"]


def _keep_choice(widget_key: str, kept_key: str) -> None:
    # Streamlit forgets a widget's value on pages that do not draw it; keep the choice in plain state.
    st.session_state[kept_key] = st.session_state[widget_key]


def _definition():
    """The questions in the person's language (ids and conditions are the same in every language)."""
    return load_definition(language())


def steps_for_role(role: str) -> set[str]:
    """Every step a person in this role can be on (the URL may only name one of these)."""
    if role == "nurse":
        return {"nurse", "results", "clinic"}
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
    title = t("clear_title_many", count=count) if count != 1 else t("clear_title_one")

    def body() -> None:
        st.markdown(t("clear_body"))
        yes, no = st.columns(2)
        # A dialog closes only when the app reruns from inside it (Streamlit's documented way).
        if yes.button(t("clear_yes"), type="primary", key="confirm_clear_yes", use_container_width=True):
            _stop_asking()
            state.new_patient()
            st.rerun()
        if no.button(t("clear_no"), key="confirm_clear_no", use_container_width=True):
            _stop_asking()
            st.rerun()

    st.dialog(title, on_dismiss=_stop_asking)(body)()


def start() -> None:
    st.title("ImmunoPrep", anchor=False)
    st.radio(
        t("language_choice"),
        LANGUAGES,
        index=LANGUAGES.index(language()),
        key="language_choice",
        horizontal=True,
        format_func=_language_name,
        on_change=_keep_choice,
        args=("language_choice", "language"),
    )
    st.markdown(t("start_intro"))
    st.info(t("start_note"), icon="ℹ️")
    st.header(t("who"), divider="gray", anchor=False)
    left, right = st.columns(2)
    left.button(t("i_am_patient"), type="primary", use_container_width=True, on_click=_start_as, args=("patient",))
    right.button(t("i_am_nurse"), use_container_width=True, on_click=_start_as, args=("nurse",))
    with st.expander(t("continue_saved")):
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
    definition = _definition()
    sections = {s.id: s for s in definition.sections}
    steps = _steps()
    if section_id not in steps:  # an answer hid this whole step: move on
        section_id = following_section(section_id, answers) or "review"
        state.go(section_id)
        st.rerun()
    number = steps.index(section_id) + 1
    title = sections[section_id].title["patient"]
    st.progress(number / len(steps), text=t("step", number=number, total=len(steps)))
    st.header(title, anchor=False)
    nav.arrive(title, t("step_titled", number=number, total=len(steps), title=title))
    st.caption(t("patient_hint"))
    questions = visible_in_section(section_id, answers, definition)
    _questions_with_urgent_panel(questions, "patient")
    kit.glossary_expander(kit.question_text(questions, "patient"), section_id)
    st.divider()
    back, _, forward = st.columns([1, 2, 1])
    back.button(t("back"), use_container_width=True, key=f"back_{section_id}", on_click=_go_back, args=(section_id,))
    forward.button(
        t("next"),
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
    title = t("check_title")
    st.progress(1.0, text=t("check_progress", total=len(steps)))
    st.header(title, anchor=False)
    nav.arrive(title, t("step_titled", number=len(steps), total=len(steps), title=title))
    urgent.show(urgent.current_assessment(answers), "patient")
    done = progress(answers)
    st.caption(t("answered_count", answered=done.answered, visible=done.visible))
    given = Answers.model_validate(answers)
    rows = answered_rows(given, language=language())
    for section in active_sections(answers, _definition()):
        st.subheader(section.title["patient"], anchor=False)
        mine = [(q, text) for q, text in rows if q.section == section.id]
        if mine:
            st.table({t("question"): [q.label for q, _ in mine], t("your_answer"): [text for _, text in mine]})
        else:
            st.caption(t("no_answers_here"))
        st.button(
            t("change_section", title=section.title["patient"]),
            key=f"change_{section.id}",
            on_click=state.go,
            args=(section.id,),
        )
    st.divider()
    back, _, forward = st.columns([1, 2, 1])
    back.button(
        t("back"),
        use_container_width=True,
        key="back_review",
        on_click=state.go,
        args=(steps[-2] if len(steps) > 1 else "start",),
    )
    forward.button(
        t("see_summary"),
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
    return t("tab_label", title=section.title["nurse"], done=done, total=len(shown))


def _remember_tab(labels: dict[str, str]) -> None:
    """Keep the open tab as a section id: its label changes as answers are counted."""
    chosen = st.session_state.get("nurse_tab")
    st.session_state["nurse_tab_section"] = next((sid for sid, label in labels.items() if label == chosen), None)


def nurse_form() -> None:
    st.header(t("intake"), anchor=False)
    nav.arrive(t("intake"), t("intake_form"))
    label_box, pdf_box = st.columns([3, 2])
    label_box.text_input(t("patient_label"), key="label", max_chars=60)
    pdf_box.selectbox(
        t("pdf_language"),
        LANGUAGES,
        index=LANGUAGES.index(pdf_language()),
        key="pdf_language_choice",
        format_func=_language_name,
        on_change=_keep_choice,
        args=("pdf_language_choice", "pdf_language"),
    )
    answers = state.answers()
    definition = _definition()
    sections = active_sections(answers, definition)
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
            questions = visible_in_section(section.id, answers, definition)
            _questions_with_urgent_panel(questions, "nurse")
            kit.glossary_expander(kit.question_text(questions, "nurse"), section.id)
    done = progress(answers)
    st.caption(t("nurse_progress", answered=done.answered, visible=done.visible))
    st.button(t("show_summary"), type="primary", key="to_results_nurse", on_click=state.go, args=("results",))
    if answers:
        save_answers_button(Answers.model_validate(answers), "save_nurse", st.session_state.get("label") or "")
