"""The appointment kit on the summary page: what to bring, my questions (tick, order, add), what to
expect (timelines), eating and activity, where to get help; and the glossary wherever terms appear."""

from __future__ import annotations

import html
import re

import streamlit as st

from questionnaire import MAX_OWN_QUESTIONS, MAX_QUESTION_LENGTH, MyQuestions, Question
from reports.words import terms_in
from rules import Assessment

from .text import language, t
from .widgets import md_escape

TIMELINE_CSS = """
.ip-timeline { list-style: none; margin: 0.5rem 0 0.25rem; padding: 0; counter-reset: step; }
.ip-timeline li { position: relative; margin: 0; padding: 0 0 0.9rem 2.6rem; counter-increment: step;
                  line-height: 1.45; font-size: 1rem; color: #1b1f23; }
.ip-timeline li::before { content: counter(step); position: absolute; left: 0; top: 0; width: 1.8rem; height: 1.8rem;
                          border: 2px solid #1b1f23; border-radius: 50%; background: #ffffff; text-align: center;
                          font-weight: 700; line-height: 1.7rem; }
.ip-timeline li:not(:last-child)::after { content: ""; position: absolute; left: 0.9rem; top: 1.8rem; bottom: 0;
                                          border-left: 2px solid #1b1f23; }
.ip-timeline strong { display: block; }
"""


# ---------------------------------------------------------------------------------------- glossary


def glossary_expander(text: str, key: str) -> None:
    """'Words used here': the glossary terms `text` uses, explained (nothing when it uses none)."""
    terms = terms_in(text, language())
    if not terms:
        return
    with st.expander(t("glossary_heading", count=len(terms))):
        for entry in terms:
            st.markdown(f"**{md_escape(entry['term'])}:** {md_escape(entry['text'])}")


def question_text(questions: list[Question], audience: str) -> str:
    """Everything a person reads on a step: wording, help and options."""
    parts = []
    for question in questions:
        parts += [getattr(question, audience), question.help or ""]
        parts += [getattr(option, audience) for option in question.options]
    return " ".join(parts)


# ------------------------------------------------------------------------------------ what to bring


def bring_list(assessment: Assessment) -> None:
    st.subheader(t("bring_heading"), anchor=False)
    st.markdown("\n".join(f"- {md_escape(item.text)}" for item in assessment.kit.bring))


# ------------------------------------------------------------------------------------- my questions


def my_questions(assessment: Assessment) -> MyQuestions:
    """The person's list, with any new suggestions from these answers added at the end."""
    current = st.session_state.get("my_questions") or MyQuestions()
    merged = current.with_suggestions(assessment.questions_to_ask)
    if merged != current:
        st.session_state["my_questions"] = merged
    return merged


def _set(updated: MyQuestions) -> None:
    st.session_state["my_questions"] = updated


def _move(index: int, step: int) -> None:
    _set(st.session_state["my_questions"].move(index, step))


def _drop(index: int) -> None:
    _set(st.session_state["my_questions"].drop(index))


def _restore(text: str) -> None:
    _set(st.session_state["my_questions"].restore(text))


def _add() -> None:
    typed = st.session_state.get("own_question", "")
    try:
        _set(st.session_state["my_questions"].add(typed))
    except ValueError as error:
        st.session_state["own_question_error"] = t(
            f"own_question_{error}", count=MAX_OWN_QUESTIONS, length=MAX_QUESTION_LENGTH
        )
        return
    st.session_state["own_question"] = ""
    st.session_state.pop("own_question_error", None)


def my_questions_editor(assessment: Assessment, audience: str) -> MyQuestions:
    """Keep, order and add questions; what is kept here is what the PDF prints, in this order."""
    mine = my_questions(assessment)
    st.subheader(t("my_questions_heading"), anchor=False)
    st.caption(t("my_questions_intro" if audience == "patient" else "my_questions_intro_nurse"))
    for index, question in enumerate(mine.kept):
        text, up, down, remove = st.columns([14, 3, 3, 4], vertical_alignment="center")
        tag = f" *{t('own_tag')}*" if question.own else ""
        text.markdown(f"{index + 1}. {md_escape(question.text)}{tag}")
        short = question.text if len(question.text) <= 60 else question.text[:59] + "…"
        up.button(t("move_up"), key=f"mq_up_{index}", on_click=_move, args=(index, -1), disabled=index == 0,
                  help=t("move_up_help", question=short), use_container_width=True)  # fmt: skip
        down.button(t("move_down"), key=f"mq_down_{index}", on_click=_move, args=(index, 1),
                    disabled=index == len(mine.kept) - 1, help=t("move_down_help", question=short),
                    use_container_width=True)  # fmt: skip
        remove.button(t("remove_question"), key=f"mq_drop_{index}", on_click=_drop, args=(index,),
                      help=t("remove_help", question=short), use_container_width=True)  # fmt: skip
    if mine.left_out:
        with st.expander(t("left_out_heading", count=len(mine.left_out))):
            for number, text in enumerate(mine.left_out):
                st.button(t("put_back", question=text), key=f"mq_back_{number}", on_click=_restore, args=(text,))
    st.text_input(
        t("own_question_label"),
        key="own_question",
        max_chars=MAX_QUESTION_LENGTH,
        placeholder=t("own_question_placeholder"),
    )
    st.button(t("own_question_add"), key="own_question_add", on_click=_add)
    if st.session_state.get("own_question_error"):
        st.error(st.session_state["own_question_error"], icon="⚠️")
    return mine


# ---------------------------------------------------------------------------- what to expect, help


def timelines(assessment: Assessment) -> None:
    """Each timeline as an ordered list drawn as numbered steps: the list is what a screen reader reads."""
    if not assessment.kit.timelines:
        return
    st.subheader(t("expect_heading"), anchor=False)
    blocks = []
    for timeline in assessment.kit.timelines:
        steps = "".join(
            f"<li><strong>{html.escape(step.title)}</strong>{html.escape(step.when)}</li>" for step in timeline.steps
        )
        title = html.escape(timeline.title)
        blocks.append(
            f'<section aria-label="{title}"><h4 style="margin:0.6rem 0 0.2rem">{title}</h4>'
            f'<ol class="ip-timeline">{steps}</ol><p style="font-style:italic;margin:0">{html.escape(timeline.note)}</p>'
            "</section>"
        )
    st.html(f"<style>{TIMELINE_CSS}</style>" + "".join(blocks))


def living_well(assessment: Assessment) -> None:
    note = assessment.kit.living_well
    st.subheader(note.title, anchor=False)
    st.markdown("\n".join(f"- {md_escape(point)}" for point in note.points))
    st.markdown(f"**{t('sources')}** " + " · ".join(f"[{md_escape(s.title)}]({s.url})" for s in note.sources))


def _tel(phone: str) -> str:
    digits = re.sub(r"\D", "", phone.split("(")[0])
    return f"tel:+{digits}" if digits.startswith("1") else f"tel:{digits}"


def help_lines(assessment: Assessment) -> None:
    st.subheader(t("help_heading"), anchor=False)
    st.caption(t("help_note"))
    for service in assessment.kit.help:
        st.markdown(
            f"**{md_escape(service.name)}** · [{md_escape(service.phone)}]({_tel(service.phone)}) · "
            f"[{md_escape(service.web.removeprefix('https://'))}]({service.web})  \n"
            f"{md_escape(service.what)} {md_escape(service.hours)}.  \n*{md_escape(service.why)}*"
        )


def wallet_card_note(assessment: Assessment) -> None:
    card = assessment.kit.wallet_card
    if card is not None:
        # An icon from Streamlit's icon font: the 🪪 emoji showed as an empty box where fonts lack it.
        st.info(t("card_note", therapies=", ".join(card.therapy_names)), icon=":material/badge:")


def appointment_kit(assessment: Assessment, audience: str) -> MyQuestions:
    """Everything for preparing, in the order a person needs it; returns the question list to print."""
    st.header(t("prepare_heading"), anchor=False)
    mine = my_questions_editor(assessment, audience)
    bring_list(assessment)
    wallet_card_note(assessment)
    timelines(assessment)
    living_well(assessment)
    help_lines(assessment)
    return mine
