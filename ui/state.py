"""Everything the app keeps for one browser session, in one place (and nowhere else).

Answers live in our own dict, not in widget state: Streamlit deletes the state of widgets that are
not rendered in a run, so moving between steps would otherwise lose answers.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from questionnaire import validate_answers

from .text import language, t

KEYS = (
    "role",
    "step",
    "answers",
    "errors",
    "label",
    "show_rule_ids",
    "pdf_cache",
    "notice",
    "saved_answers",
    "nurse_tab",
    "nurse_tab_section",
    "pdf_language",
    "pdf_language_choice",
    "my_questions",
    "own_question",
    "own_question_error",
    "clinic_results",
)
WIDGET_PREFIX = "q_"


def init() -> None:
    defaults = {
        "role": None,
        "step": "start",
        "answers": {},
        "errors": {},
        "label": "",
        "show_rule_ids": False,
        "pdf_cache": None,
        "notice": None,
        "saved_answers": None,
        "nav_serial": 0,
        "nav_from_sidebar": False,
        "uploads_serial": 0,
        "language": "en",
        "pdf_language": None,  # None: the same as the screen
    }
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)


def answers() -> dict[str, Any]:
    return st.session_state["answers"]


def errors() -> dict[str, str]:
    return st.session_state["errors"]


def widget_key(question_id: str) -> str:
    return WIDGET_PREFIX + question_id


def set_answer(question_id: str, raw: Any) -> None:
    """Validate one answer; keep it if good, otherwise remember the message and keep the old answer."""
    store, problems = answers(), errors()
    if raw is None or raw == "" or raw == []:
        store.pop(question_id, None)
        problems.pop(question_id, None)
        return
    # Validate together with the other answers, so visibility and normalisation match the whole set.
    validated, found = validate_answers({**store, question_id: raw}, language())
    mine = [p for p in found if p.field == question_id]
    if mine:
        problems[question_id] = mine[0].message
        return
    problems.pop(question_id, None)
    value = getattr(validated, question_id)
    if value is None:  # hidden by another answer: nothing to keep
        store.pop(question_id, None)
    else:
        store[question_id] = value


def replace_answers(new: dict[str, Any], my_questions: Any = None) -> None:
    """Swap in a complete, already validated set of answers (resume), with the person's question list."""
    clear_widgets()
    st.session_state["answers"] = dict(new)
    st.session_state["errors"] = {}
    st.session_state["pdf_cache"] = None
    st.session_state["my_questions"] = my_questions


def clear_widgets() -> None:
    for key in [k for k in st.session_state if str(k).startswith(WIDGET_PREFIX)]:
        del st.session_state[key]


def new_patient() -> None:
    """Forget every answer, result, label and uploaded file of this session."""
    role = st.session_state.get("role")
    uploads = st.session_state.get("uploads_serial", 0)
    clear_widgets()
    for key in KEYS:
        st.session_state.pop(key, None)
    for key in [k for k in st.session_state if str(k).startswith("resume_")]:
        del st.session_state[key]
    init()
    # A file uploader keeps its file in the browser until it is drawn under a new key.
    st.session_state["uploads_serial"] = uploads + 1
    st.session_state["role"] = role
    go("nurse" if role == "nurse" else "start", from_sidebar=True)
    st.session_state["notice"] = t("cleared")


def go(step: str, from_sidebar: bool = False) -> None:
    """Move to another step (use as an on_click callback): the next run opens it at the top."""
    st.session_state["step"] = step
    st.session_state["nav_serial"] = st.session_state.get("nav_serial", 0) + 1
    st.session_state["nav_from_sidebar"] = from_sidebar


def answer_count() -> int:
    return len(answers())


def mark_saved() -> None:
    """The answers file was downloaded: leaving the page now loses nothing that was not saved."""
    st.session_state["saved_answers"] = dict(answers())


def unsaved() -> bool:
    return bool(answers()) and st.session_state.get("saved_answers") != answers()
