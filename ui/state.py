"""Everything the app keeps for one browser session, in one place (and nowhere else).

Answers live in our own dict, not in widget state: Streamlit deletes the state of widgets that are
not rendered in a run, so moving between steps would otherwise lose answers.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from questionnaire import load_definition, validate_answers

KEYS = ("role", "step", "answers", "errors", "label", "show_rule_ids", "pdf_cache", "notice")
WIDGET_PREFIX = "q_"


def init() -> None:
    defaults = {"role": None, "step": "start", "answers": {}, "errors": {}, "label": "", "show_rule_ids": False,
                "pdf_cache": None, "notice": None}
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
    validated, found = validate_answers({**store, question_id: raw})
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


def replace_answers(new: dict[str, Any]) -> None:
    """Swap in a complete, already validated set of answers (resume)."""
    clear_widgets()
    st.session_state["answers"] = dict(new)
    st.session_state["errors"] = {}
    st.session_state["pdf_cache"] = None


def clear_widgets() -> None:
    for key in [k for k in st.session_state.keys() if str(k).startswith(WIDGET_PREFIX)]:
        del st.session_state[key]


def new_patient() -> None:
    """Forget every answer, result and label of this session."""
    role = st.session_state.get("role")
    clear_widgets()
    for key in KEYS:
        st.session_state.pop(key, None)
    init()
    st.session_state["role"] = role
    st.session_state["step"] = "nurse" if role == "nurse" else "start"
    st.session_state["notice"] = "All answers and results were cleared."


def go(step: str) -> None:
    st.session_state["step"] = step


def question_ids() -> list[str]:
    return [q.id for q in load_definition().questions]
