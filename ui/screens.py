"""The screens: start, a patient step, review, the nurse form, and results. UI only."""
from __future__ import annotations

import json
import logging

import streamlit as st

from questionnaire import Answers, active_sections, answered_rows, answers_from_json, load_definition, progress, visible_in_section
from questionnaire import next_section as following_section
from questionnaire import previous_section as preceding_section
from reports import assessment_json, build_pdf, describe_failure, questionnaire_response, results_csv, saved_answers_json, summary_row
from rules import LEVEL_LABELS, RuleEngineError, assess

from . import state, urgent
from .widgets import md_escape, render

LOG = logging.getLogger("immunoprep")
MAX_RESUME_BYTES = 100 * 1024
LEVEL_MARK = {"commonly_considered": "●", "may_be_considered": "◐", "not_typical": "○"}


def _log_failure(what: str, error: BaseException) -> None:
    LOG.error("%s failed: %s (message withheld: it may quote answers)", what, describe_failure(error))


def _audience() -> str:
    return "nurse" if st.session_state.get("role") == "nurse" else "patient"


def check_resume_file(data: bytes) -> tuple[Answers | None, list[str]]:
    """All-or-nothing: the answers in a saved file, or the reasons it cannot be used."""
    from questionnaire.answer_files import read_answers_file

    try:  # the FHIR reader lives in reports/; questionnaire/ may not import it, so it is handed in
        from reports import answers_from_file_text as fhir_loader
    except ImportError:
        fhir_loader = None
    return read_answers_file(data, None, fhir_loader)


def resume_uploader(location: str) -> None:
    upload = st.file_uploader("Continue from a saved answers file (.json, up to 100 KB)", type=None,
                              key=f"resume_{location}", help="Use the 'answers' file you downloaded earlier.")
    if upload is None:
        return
    answers, problems = check_resume_file(upload.getvalue())
    if problems:
        st.error("That file could not be used, so nothing was changed:\n\n" +
                 "\n".join(f"- {md_escape(p)}" for p in problems[:10]))
        return
    st.success(f"Found {len(answers.given())} answers in the file.")
    if st.button("Load these answers", key=f"resume_apply_{location}", type="primary"):
        state.replace_answers(answers.given())
        if st.session_state.get("role") is None:
            st.session_state["role"] = "patient"
        state.go("review" if _audience() == "patient" else "nurse")
        st.rerun()


def start() -> None:
    st.title("ImmunoPrep")
    st.markdown(
        "Get ready for a cancer appointment where **immunotherapy** may come up. Answer a few questions "
        "(about 10 minutes). You will get a summary to print and bring to your doctor: which kinds of "
        "immunotherapy are often talked about for situations like yours, why, and what to ask."
    )
    st.info("This is education, not medical advice. It does not decide whether you can have any treatment. "
            "Nothing you type is stored: it disappears when you close this page.", icon="ℹ️")
    st.header("Who is answering?", divider="gray")
    left, right = st.columns(2)
    left.button("I am a patient or family member", type="primary", use_container_width=True,
                on_click=_start_as, args=("patient",))
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
    st.progress(number / len(steps), text=f"Step {number} of {len(steps)}")
    st.header(sections[section_id].title["patient"])
    st.caption('Every question can be left as "I don\'t know". Open "Where do I find this?" under a question for help.')
    _questions_with_urgent_panel(visible_in_section(section_id, answers), "patient")
    st.divider()
    back, _, forward = st.columns([1, 2, 1])
    back.button("← Back", use_container_width=True, key=f"back_{section_id}", on_click=_go_back, args=(section_id,))
    forward.button("Next →", type="primary", use_container_width=True, key=f"next_{section_id}",
                   on_click=_go_next, args=(section_id,))


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
    st.header("Check your answers")
    urgent.show(urgent.current_assessment(answers), "patient")
    done = progress(answers)
    st.caption(f"You answered {done.answered} of {done.visible} questions. Blank ones are fine.")
    given = Answers.model_validate(answers)
    rows = answered_rows(given)
    for section in active_sections(answers):
        st.subheader(section.title["patient"])
        mine = [(q, text) for q, text in rows if q.section == section.id]
        if mine:
            st.table({"Question": [q.label for q, _ in mine], "Your answer": [t for _, t in mine]})
        else:
            st.caption("No answers in this part.")
        st.button(f"Change “{section.title['patient']}”", key=f"change_{section.id}", on_click=state.go, args=(section.id,))
    st.divider()
    back, _, forward = st.columns([1, 2, 1])
    back.button("← Back", use_container_width=True, key="back_review", on_click=state.go,
                args=(steps[-2] if len(steps) > 1 else "start",))
    forward.button("See my summary →", type="primary", use_container_width=True, key="to_results",
                   on_click=state.go, args=("results",))


def nurse_form() -> None:
    st.header("Intake")
    st.text_input("Patient label for the PDF (e.g. initials; not stored)", key="label", max_chars=60)
    answers = state.answers()
    sections = active_sections(answers)
    tabs = st.tabs([s.title["nurse"] for s in sections])
    for tab, section in zip(tabs, sections):
        with tab:
            _questions_with_urgent_panel(visible_in_section(section.id, answers), "nurse")
    done = progress(answers)
    st.caption(f"{done.answered} of {done.visible} visible questions answered.")
    st.button("Show summary →", type="primary", key="to_results_nurse", on_click=state.go, args=("results",))


def _category_block(category, audience: str, show_rules: bool, labels: dict[str, str]) -> None:
    with st.expander(f"{LEVEL_MARK[category.level]} {category.title}", expanded=category.level == "commonly_considered"):
        st.markdown(md_escape(category.summary))
        st.markdown("**Why it appears**")
        for reason in category.reasons:
            used = ", ".join(labels.get(a, a) for a in reason.answers)
            suffix = f" — based on: {md_escape(used)}" if used else ""
            rule = f" `{reason.rule}`" if show_rules else ""
            st.markdown(f"- {md_escape(reason.text)}{suffix}{rule}")
        if category.considerations:
            st.markdown("**What may affect suitability**")
            for item in category.considerations:
                tag = "Important" if item.severity == "important" else "To discuss"
                rule = f" `{item.rule}`" if show_rules else ""
                st.markdown(f"- **{tag}:** {md_escape(item.text)}{rule}")
        if category.level != "not_typical":
            st.markdown(f"**How it is given:** {md_escape(category.how_given)} {md_escape(category.practical)}")
            st.markdown(f"**Common side effects:** {md_escape(category.side_effects)}")
        st.markdown("**Sources:** " + " · ".join(f"[{md_escape(s.title)}]({s.url})" for s in category.sources))


def results() -> None:
    audience = _audience()
    answers = Answers.model_validate(state.answers())
    try:
        assessment = assess(answers)
    except RuleEngineError as error:
        _log_failure("assessment", error)
        st.error("Sorry, the summary could not be made this time. Your answers are still here. "
                 "Please try again. If it keeps happening, tell the staff who run this tool.", icon="⚠️")
        st.button("Try again", key="retry_results", type="primary")
        return
    labels = {q.id: q.label for q in load_definition().questions}
    st.header("Your summary" if audience == "patient" else "Summary")
    urgent.show(assessment, audience)
    st.info(assessment.disclaimer, icon="ℹ️")
    show_rules = audience == "nurse" and st.toggle("Show rule ids", key="show_rule_ids")
    for level in ("commonly_considered", "may_be_considered", "not_typical"):
        group = [c for c in assessment.categories if c.level == level]
        if group:
            st.subheader(f"{LEVEL_MARK[level]} {LEVEL_LABELS[level]} ({len(group)})")
            for category in group:
                _category_block(category, audience, show_rules, labels)
    if assessment.missing_information:
        st.subheader("Tests and information that would help")
        for item in assessment.missing_information:
            st.markdown(f"- **{md_escape(labels[item.question])}:** {md_escape(item.text)}")
    st.subheader("Questions to ask")
    for number, question in enumerate(assessment.questions_to_ask, 1):
        st.markdown(f"{number}. {md_escape(question)}")
    st.caption(f"{assessment.tool.name} {assessment.tool.version} · rules {assessment.tool.rules_version}, "
               f"reviewed {assessment.tool.rules_reviewed}")
    downloads(answers, assessment)


def downloads(answers: Answers, assessment) -> None:
    st.subheader("Save or print")
    label = st.session_state.get("label") or ""
    cache_key = (answers.model_dump_json(), label)
    cached = st.session_state.get("pdf_cache")
    if not cached or cached[0] != cache_key:
        with st.spinner("Preparing your PDF…"):
            try:
                cached = (cache_key, build_pdf(assessment, answers, label=label))
            except Exception as error:  # any fpdf2/font failure: never offer a broken or partial file
                _log_failure("PDF build", error)
                cached = None
        st.session_state["pdf_cache"] = cached
    if cached:
        st.download_button("Download the PDF to bring to your doctor", cached[1], file_name="immunoprep-summary.pdf",
                           mime="application/pdf", type="primary", key="dl_pdf")
    else:
        st.error("Sorry, the PDF could not be made. The summary on this page and the other downloads below "
                 "still work; you can also print this page.", icon="⚠️")
        st.button("Try the PDF again", key="retry_pdf")
    left, middle, right = st.columns(3)
    left.download_button("Answers (to continue later)", saved_answers_json(answers), file_name="immunoprep-answers.json",
                         mime="application/json", key="dl_answers")
    middle.download_button("Result (JSON)", assessment_json(assessment), file_name="immunoprep-result.json",
                           mime="application/json", key="dl_result_json")
    right.download_button("Result (CSV)", results_csv([summary_row(answers, assessment, label)]),
                          file_name="immunoprep-result.csv", mime="text/csv", key="dl_result_csv")
    st.download_button("FHIR QuestionnaireResponse", json.dumps(questionnaire_response(answers), indent=2),
                       file_name="immunoprep-fhir.json", mime="application/fhir+json", key="dl_fhir")
