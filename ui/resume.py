"""Continue from a saved answers file (ImmunoPrep's own, or a FHIR QuestionnaireResponse)."""

from __future__ import annotations

import json

import streamlit as st

from questionnaire import LANGUAGES, Answers, read_answers_file, read_my_questions

from . import state
from .text import language, t
from .widgets import md_escape


def check_resume_file(data: bytes, filename: str | None = None) -> tuple[Answers | None, list[str]]:
    """All-or-nothing: the answers in a saved file, or the reasons (in plain words) it cannot be used."""
    try:  # the FHIR reader lives in reports/; questionnaire/ may not import it, so it is handed in
        from reports import answers_from_file_text as fhir_loader
    except ImportError:
        fhir_loader = None
    return read_answers_file(data, filename, fhir_loader, language())


def file_language(data: bytes) -> str | None:
    """The language an ImmunoPrep answers file was saved in, if it says (older files do not)."""
    try:
        chosen = json.loads(data.decode("utf-8-sig")).get("language")
    except (ValueError, AttributeError):
        return None
    return chosen if chosen in LANGUAGES else None


def _load(answers: dict, location: str, chosen_language: str | None, my_questions=None) -> None:
    state.replace_answers(answers, my_questions)
    if chosen_language:
        st.session_state["language"] = chosen_language
    if st.session_state.get("role") is None:
        st.session_state["role"] = "patient"
    role = st.session_state["role"]
    state.go("review" if role == "patient" else "nurse", from_sidebar=location == "sidebar")
    st.session_state["notice"] = t("resume_loaded", count=len(answers))


def resume_uploader(location: str) -> None:
    # The key changes on "New patient": that is what clears the file from the browser too.
    key = f"resume_{location}_{st.session_state.get('uploads_serial', 0)}"
    upload = st.file_uploader(
        t("resume_upload"),
        type=None,
        key=key,
        help=t("resume_help"),
    )
    if upload is None:
        return
    answers, problems = check_resume_file(upload.getvalue(), upload.name)
    my_questions = None
    if not problems:
        my_questions, problems = read_my_questions(upload.getvalue(), language())
    if problems:
        st.error(t("resume_failed") + "\n\n" + "\n".join(f"- {md_escape(p)}" for p in problems[:10]))
        return
    given = answers.given()
    st.success(t("resume_found", count=len(given)))
    st.button(
        t("resume_load"),
        key=f"resume_apply_{location}",
        type="primary",
        on_click=_load,
        args=(given, location, file_language(upload.getvalue()), my_questions),
    )
