"""Continue from a saved answers file (ImmunoPrep's own, or a FHIR QuestionnaireResponse)."""

from __future__ import annotations

import streamlit as st

from questionnaire import Answers, read_answers_file

from . import state
from .widgets import md_escape


def check_resume_file(data: bytes, filename: str | None = None) -> tuple[Answers | None, list[str]]:
    """All-or-nothing: the answers in a saved file, or the reasons (in plain words) it cannot be used."""
    try:  # the FHIR reader lives in reports/; questionnaire/ may not import it, so it is handed in
        from reports import answers_from_file_text as fhir_loader
    except ImportError:
        fhir_loader = None
    return read_answers_file(data, filename, fhir_loader)


def _load(answers: dict, location: str) -> None:
    state.replace_answers(answers)
    if st.session_state.get("role") is None:
        st.session_state["role"] = "patient"
    role = st.session_state["role"]
    state.go("review" if role == "patient" else "nurse", from_sidebar=location == "sidebar")
    st.session_state["notice"] = f"Loaded {len(answers)} answers from your file."


def resume_uploader(location: str) -> None:
    # The key changes on "New patient": that is what clears the file from the browser too.
    key = f"resume_{location}_{st.session_state.get('uploads_serial', 0)}"
    upload = st.file_uploader(
        "Continue from a saved answers file (immunoprep-answers-….json, up to 100 KB)",
        type=None,
        key=key,
        help="Use the answers file you saved earlier.",
    )
    if upload is None:
        return
    answers, problems = check_resume_file(upload.getvalue(), upload.name)
    if problems:
        st.error(
            "That file could not be used, so nothing was changed:\n\n"
            + "\n".join(f"- {md_escape(p)}" for p in problems[:10])
        )
        return
    given = answers.given()
    st.success(f"Found {len(given)} answers in the file.")
    st.button(
        "Load these answers", key=f"resume_apply_{location}", type="primary", on_click=_load, args=(given, location)
    )
