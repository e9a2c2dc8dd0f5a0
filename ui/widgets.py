"""One Streamlit widget per question, generated from the question definition."""
from __future__ import annotations

import re
from typing import Any

import streamlit as st

from questionnaire import Question

from . import state

# Every ASCII punctuation Markdown reads, and "&" (entities). Escapes cannot stop GFM autolinks:
# Streamlit finds "http://", "www." and e-mail addresses in the text after escapes are resolved,
# so an invisible word joiner (U+2060) is put inside those patterns instead.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&])")
_AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)")
WORD_JOINER = "\u2060"
UNKNOWN_NUMBER = "I don't know"


def md_escape(text: str) -> str:
    """Show text literally where Streamlit would read Markdown (labels, markdown blocks)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _AUTOLINK.sub(WORD_JOINER, str(text)))


def _wording(question: Question, audience: str) -> str:
    return question.nurse if audience == "nurse" else question.patient


def number_label(question: Question, audience: str) -> str:
    """The wording plus its unit, unless the wording already ends with one (nurse labels such as 'LVEF (%)')."""
    label = _wording(question, audience)
    return label if label.endswith(")") or not question.unit else f"{label} ({question.unit})"


def _option_label(question: Question, audience: str):
    return lambda option_id: getattr(question.option(option_id), audience)


def _seed(question: Question) -> None:
    """Put the stored answer into the widget's state before it is created (never both value and key)."""
    key = state.widget_key(question.id)
    if key in st.session_state:
        return
    value = state.answers().get(question.id)
    if question.type == "number":
        st.session_state[key] = "" if value in (None, "unknown") else f"{value:g}" if isinstance(value, float) else str(value)
        st.session_state[key + "_unknown"] = value == "unknown"
    elif question.type == "multi_choice":
        st.session_state[key] = list(value or [])
    elif question.type == "text":
        st.session_state[key] = value or ""
    else:
        st.session_state[key] = value


def _on_change(question: Question) -> None:
    key = state.widget_key(question.id)
    if question.type == "number":
        if st.session_state.get(key + "_unknown"):
            state.set_answer(question.id, "unknown")
        else:
            state.set_answer(question.id, st.session_state.get(key, "").strip())
    else:
        state.set_answer(question.id, st.session_state.get(key))
    st.session_state["pdf_cache"] = None


def render(question: Question, audience: str = "patient") -> None:
    _seed(question)
    key = state.widget_key(question.id)
    # Labels come from the reviewed question file, never from users; escaping them would put
    # backslashes into the aria-label that screen readers read out.
    label = _wording(question, audience)
    help_text = question.help
    common: dict[str, Any] = {"key": key, "help": help_text, "on_change": _on_change, "args": (question,)}
    if question.type == "choice":
        many = len(question.options) > 6
        if many:
            st.selectbox(label, question.option_ids, format_func=_option_label(question, audience),
                         placeholder="Choose one…", **common)
        else:
            st.radio(label, question.option_ids, format_func=_option_label(question, audience),
                     horizontal=audience == "nurse", **common)
    elif question.type == "multi_choice":
        # No "Select all" row: typing then Enter must pick the one highlighted option, never every
        # match (it once added a drug the person never had). "contains" matching keeps typed words literal.
        st.multiselect(label, question.option_ids, format_func=_option_label(question, audience),
                       placeholder="Choose all that apply…", select_all=False, filter_mode="contains", **common)
    elif question.type == "number":
        low, high = question.range
        columns = st.columns([3, 2], vertical_alignment="bottom")
        with columns[0]:
            st.text_input(number_label(question, audience), placeholder=f"{low:g}–{high:g}",
                          disabled=bool(st.session_state.get(key + "_unknown")), **common)
        with columns[1]:
            st.checkbox(UNKNOWN_NUMBER if audience == "patient" else "Unknown", key=key + "_unknown",
                        on_change=_on_change, args=(question,))
    else:
        st.text_input(label, max_chars=question.max_length, **common)
    if audience == "patient":
        with st.expander("Where do I find this?"):
            st.markdown(help_text)
    problem = state.errors().get(question.id)
    if problem:
        st.error(md_escape(problem), icon="⚠️")  # messages quote what was typed
