"""One Streamlit widget per question, generated from the question definition."""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from questionnaire import Question, load_definition
from questionnaire.lab_report import direct_ratio_question, ratio_from_report, ratio_words
from questionnaire.messages import speaking

from . import state
from .text import language, t

# Every ASCII punctuation Markdown reads, and "&" (entities). Escapes cannot stop GFM autolinks:
# Streamlit finds "http://", "www." and e-mail addresses in the text after escapes are resolved,
# so an invisible word joiner (U+2060) is put inside those patterns instead.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&])")
_AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)")
WORD_JOINER = "\u2060"


def _in_language(function, *args):
    """Call a lab-report helper so that its words come in the person's language."""
    with speaking(language()):
        return function(*args)


def short_name(question: Question, audience: str = "patient") -> str:
    """A short name without a trailing '(…)': 'Bilirubin' (the patient's wording is a whole question,
    so patients get the short label; nurses the words they see, 'Prior lines of systemic therapy')."""
    name = question.label if audience == "patient" else question.nurse
    return re.sub(r"\s*\([^()]*\)$", "", name) or name


def unknown_label(question: Question, audience: str) -> str:
    """'I don't know' names its question (a checkbox's label is its accessible name)."""
    return t("unknown_named" if audience == "patient" else "unknown_named_nurse", name=short_name(question, audience))


def help_label(question: Question) -> str:
    """One help control per question, named after it."""
    return t("where_to_find", name=short_name(question))


def md_escape(text: str) -> str:
    """Show text literally where Streamlit would read Markdown (labels, markdown blocks)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _AUTOLINK.sub(WORD_JOINER, str(text)))


def _wording(question: Question, audience: str) -> str:
    return question.nurse if audience == "nurse" else question.patient


def number_label(question: Question, audience: str) -> str:
    """The wording plus its unit, unless the wording already ends with one (nurse labels such as 'LVEF (%)')."""
    label = _wording(question, audience)
    unit = load_definition(language()).unit_labels.get(question.unit or "", question.unit)
    return label if label.endswith(")") or not unit else f"{label} ({unit})"


def _option_label(question: Question, audience: str):
    return lambda option_id: getattr(question.option(option_id), audience)


def _seed(question: Question) -> None:
    """Put the stored answer into the widget's state before it is created (never both value and key)."""
    key = state.widget_key(question.id)
    if key in st.session_state:
        return
    value = state.answers().get(question.id)
    if question.type == "number":
        st.session_state[key] = (
            "" if value in (None, "unknown") else f"{value:g}" if isinstance(value, float) else str(value)
        )
        st.session_state[key + "_unknown"] = value == "unknown"
    elif question.type == "multi_choice":
        st.session_state[key] = list(value or [])
    elif question.type == "text":
        st.session_state[key] = value or ""
    else:
        st.session_state[key] = value


def _on_change(question: Question) -> None:
    key = state.widget_key(question.id)
    st.session_state.pop(key + "_confirm", None)
    if question.type == "number":
        typed = st.session_state.get(key, "").strip()
        if st.session_state.get(key + "_unknown"):
            state.set_answer(question.id, "unknown")
        elif (ask := _in_language(direct_ratio_question, question, typed)) is not None:
            # "12" is a plausible ratio but also a normal bilirubin in µmol/L: ask before storing it.
            state.errors().pop(question.id, None)
            st.session_state[key + "_confirm"] = (typed, ask)
        else:
            state.set_answer(question.id, typed)
    else:
        state.set_answer(question.id, st.session_state.get(key))
    st.session_state["pdf_cache"] = None


def _on_confirm(question: Question) -> None:
    """'Yes, that is right': store the value that was questioned."""
    key = state.widget_key(question.id)
    pending = st.session_state.pop(key + "_confirm", None)
    if pending is not None:
        state.set_answer(question.id, pending[0])
        st.session_state["pdf_cache"] = None


# A lab question asked as printed on the report keeps its three boxes in a memo (a plain session key,
# not a widget key): Streamlit drops widget state on steps where the widget is not drawn, and the
# stored answer is only the ratio, from which the boxes cannot be rebuilt.
_REPORT_PARTS = ("_result", "_unit", "_upper")


def _seed_report(question: Question) -> None:
    """Put the remembered result, unit and normal-range top into the boxes before they are created."""
    key = state.widget_key(question.id)
    memo = st.session_state.get(key + "_report") or {}
    defaults = {"_result": "", "_unit": question.report.units[0].unit, "_upper": ""}  # type: ignore[union-attr]
    for part in _REPORT_PARTS:
        if key + part not in st.session_state:
            st.session_state[key + part] = memo.get(part, defaults[part])
    if key + "_unknown" not in st.session_state:
        st.session_state[key + "_unknown"] = state.answers().get(question.id) == "unknown"


def _on_report_change(question: Question) -> None:
    """Turn the three boxes into the × ULN ratio; store it, or show a problem, or ask to confirm."""
    key = state.widget_key(question.id)
    st.session_state["pdf_cache"] = None
    st.session_state.pop(key + "_confirm", None)
    if st.session_state.get(key + "_unknown"):
        state.set_answer(question.id, "unknown")
        return
    typed = {part: str(st.session_state.get(key + part) or "").strip() for part in _REPORT_PARTS}
    st.session_state[key + "_report"] = typed
    if not typed["_result"] and not typed["_upper"]:
        state.set_answer(question.id, None)
        return
    if not typed["_result"] or not typed["_upper"]:
        state.errors().pop(question.id, None)  # wait for the other box
        return
    reading = _in_language(ratio_from_report, question, typed["_result"], typed["_unit"], typed["_upper"])
    if reading.problem:
        state.errors()[question.id] = reading.problem
    elif reading.confirm:
        state.errors().pop(question.id, None)
        st.session_state[key + "_confirm"] = (reading.ratio, reading.confirm)
    else:
        state.set_answer(question.id, reading.ratio)


def _render_report(question: Question, label: str) -> None:
    """Patients give a lab value as printed: result, unit and top of the normal range (+ I don't know)."""
    report = question.report
    assert report is not None
    _seed_report(question)
    key = state.widget_key(question.id)
    test = report.test[:1].upper() + report.test[1:]
    unknown = bool(st.session_state.get(key + "_unknown"))
    change = {"on_change": _on_report_change, "args": (question,)}
    st.markdown(f"**{md_escape(label)}**")  # its help is the "Where do I find this?" box below
    result, unit, upper = st.columns([2, 2, 2], vertical_alignment="bottom")
    with result:
        st.text_input(
            t("result_as_printed", test=test),
            key=key + "_result",
            placeholder=t("for_example", value=30),
            disabled=unknown,
            **change,
        )
    with unit:
        st.radio(
            t("result_unit", test=test),
            report.unit_names,
            key=key + "_unit",
            horizontal=True,
            disabled=unknown,
            **change,
        )
    with upper:
        st.text_input(
            t("upper_normal"),
            key=key + "_upper",
            placeholder=t("for_example", value=20),
            disabled=unknown,
            help=t("upper_normal_help"),
            **change,
        )
    st.checkbox(unknown_label(question, "patient"), key=key + "_unknown", **change)
    stored = state.answers().get(question.id)
    if isinstance(stored, (int, float)) and not unknown and key + "_confirm" not in st.session_state:
        st.info(_in_language(ratio_words, stored), icon="ℹ️")


def _render_confirm(question: Question) -> None:
    """A questioned value: say why, and offer 'Yes, that is right'. Nothing is stored until then."""
    key = state.widget_key(question.id)
    pending = st.session_state.get(key + "_confirm")
    if pending is None:
        return
    st.warning(md_escape(pending[1]), icon="❓")
    st.button(t("yes_right"), key=key + "_confirm_yes", on_click=_on_confirm, args=(question,))


def render(question: Question, audience: str = "patient") -> None:
    key = state.widget_key(question.id)
    # Labels come from the reviewed question file, never from users; escaping them would put
    # backslashes into the aria-label that screen readers read out.
    label = _wording(question, audience)
    help_text = question.help
    # Patients get one help control per question (the box below); nurses keep the "?" tooltip.
    common: dict[str, Any] = {
        "key": key,
        "help": help_text if audience == "nurse" else None,
        "on_change": _on_change,
        "args": (question,),
    }
    as_printed = question.report is not None and audience == "patient"  # lab value as on the report
    if not as_printed:
        _seed(question)
    if as_printed:
        _render_report(question, label)
    elif question.type == "choice":
        many = len(question.options) > 6
        if many:
            st.selectbox(
                label,
                question.option_ids,
                format_func=_option_label(question, audience),
                placeholder=t("choose_one"),
                **common,
            )
        else:
            st.radio(
                label,
                question.option_ids,
                format_func=_option_label(question, audience),
                horizontal=audience == "nurse",
                **common,
            )
    elif question.type == "multi_choice":
        # No "Select all" row: typing then Enter must pick the one highlighted option, never every
        # match (it once added a drug the person never had). "contains" matching keeps typed words literal.
        st.multiselect(
            label,
            question.option_ids,
            format_func=_option_label(question, audience),
            placeholder=t("choose_all"),
            select_all=False,
            filter_mode="contains",
            wrap=True,
            **common,
        )
    elif question.type == "number":
        low, high = question.range
        columns = st.columns([3, 2], vertical_alignment="bottom")
        with columns[0]:
            st.text_input(
                number_label(question, audience),
                placeholder=f"{low:g}–{high:g}",
                disabled=bool(st.session_state.get(key + "_unknown")),
                **common,
            )
        with columns[1]:
            st.checkbox(unknown_label(question, audience), key=key + "_unknown", on_change=_on_change, args=(question,))
    else:
        st.text_input(label, max_chars=question.max_length, **common)
    if audience == "patient":
        with st.expander(md_escape(help_label(question))):
            st.markdown(help_text)
    problem = state.errors().get(question.id)
    if problem:
        st.error(md_escape(problem), icon="⚠️")  # messages quote what was typed
    _render_confirm(question)
