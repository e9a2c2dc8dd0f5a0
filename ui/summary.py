"""The summary page: the urgent panel first, PDF and Print at the top, then each kind of
immunotherapy by level, tests that would help, questions to ask, and the downloads for clinics."""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
from collections.abc import Callable

import streamlit as st

from questionnaire import Answers, load_definition
from reports import (
    assessment_json,
    build_doctor_pdf,
    build_pdf,
    describe_failure,
    download_name,
    questionnaire_response,
    results_csv,
    saved_answers_json,
    summary_row,
)
from rules import LEVELS, Assessment, RuleEngineError, assess, load_rulebook

from . import kit, nav, state, urgent
from .text import language, pdf_language, t, words
from .widgets import md_escape

LOG = logging.getLogger("immunoprep")
LEVEL_MARK = {"commonly_considered": "●", "may_be_considered": "◐", "not_typical": "○"}
PRINT_BUTTON = """<button class="ip-print" type="button" onclick="window.print()">%s</button>"""


def _log_failure(what: str, error: BaseException) -> None:
    LOG.error("%s failed: %s (message withheld: it may quote answers)", what, describe_failure(error))


def _rule_tag(rule_id: str, show_rules: bool) -> str:
    """The rule id and the file that holds it, for a nurse who wants to look a reason up."""
    if not show_rules:
        return ""
    rule = load_rulebook().by_id.get(rule_id)
    return f" `{rule_id}` (rules/families/{rule.file})" if rule else f" `{rule_id}`"


def _category_block(category, show_rules: bool, labels: dict[str, str]) -> None:
    with st.expander(
        f"{LEVEL_MARK[category.level]} {category.title}", expanded=category.level == "commonly_considered"
    ):
        st.markdown(md_escape(category.summary))
        st.markdown(f"**{t('why')}**")
        for reason in category.reasons:
            used = ", ".join(labels.get(a, a) for a in reason.answers)
            suffix = f" — {t('based_on', answers=md_escape(used))}" if used else ""
            st.markdown(f"- {md_escape(reason.text)}{suffix}{_rule_tag(reason.rule, show_rules)}")
        if category.considerations:
            st.markdown(f"**{t('suitability')}**")
            for item in category.considerations:
                tag = t("important") if item.severity == "important" else t("to_discuss")
                st.markdown(f"- **{tag}:** {md_escape(item.text)}{_rule_tag(item.rule, show_rules)}")
        if category.level != "not_typical":
            st.markdown(f"**{t('how_given')}** {md_escape(category.how_given)} {md_escape(category.practical)}")
            st.markdown(f"**{t('side_effects')}** {md_escape(category.side_effects)}")
        st.markdown(f"**{t('sources')}** " + " · ".join(f"[{md_escape(s.title)}]({s.url})" for s in category.sources))


def _pdf(answers: Answers, assessment: Assessment, label: str, large_print: bool, questions: list[str]) -> bytes | None:
    """The PDF, made once per answers/label/size/questions and kept in the session; None if it failed."""
    cache_key = (answers.model_dump_json(), label, large_print, assessment.language, tuple(questions))
    cached = st.session_state.get("pdf_cache")
    if not cached or cached[0] != cache_key:
        with st.spinner(t("preparing_pdf")):
            try:
                pdf = build_pdf(assessment, answers, label=label, large_print=large_print, my_questions=questions)
                cached = (cache_key, pdf)
            except Exception as error:  # any fpdf2/font failure: never offer a broken or partial file
                _log_failure("PDF build", error)
                cached = None  # nothing cached, so "Try the PDF again" really tries again
        st.session_state["pdf_cache"] = cached
    return cached[1] if cached else None


def _on_click(what: str, build: Callable[[], bytes | str]) -> Callable[[], bytes | str]:
    """A download made only when someone clicks it (most people need only the full PDF, and every
    summary rerun would otherwise pay for the rest). A failure is logged like any other here, by
    type and place only, and reaches Streamlit without a message that could quote answers."""

    def make() -> bytes | str:
        try:
            return build()
        except Exception as error:
            _log_failure(what, error)
            raise RuntimeError(f"{what} could not be made") from None

    return make


def _print_and_pdf(answers: Answers, assessment: Assessment, label: str, today: dt.date, questions: list[str]) -> None:
    large = st.session_state.get("text_size") == "large"
    pdf = _pdf(answers, assessment, label, large, questions)
    left, right = st.columns([3, 2], vertical_alignment="center")
    if pdf:
        left.download_button(
            t("download_pdf_large" if large else "download_pdf"),
            pdf,
            file_name=download_name("summary", label, today),
            mime="application/pdf",
            type="primary",
            key="dl_pdf",
            on_click="ignore",  # a download changes nothing on the page: no rerun
            use_container_width=True,
        )
    else:
        left.error(t("pdf_failed"), icon="⚠️")
        left.button(t("retry_pdf"), key="retry_pdf")
    with right:
        st.html(PRINT_BUTTON % html.escape(t("print_page")), unsafe_allow_javascript=True)
    if pdf:  # the doctor's version uses the same fonts and data: if the full PDF failed, it is not offered
        left.download_button(
            t("download_doctor_pdf"),
            _on_click("doctor PDF build", lambda: build_doctor_pdf(assessment, answers, label=label)),
            file_name=download_name("doctor", label, today),
            mime="application/pdf",
            key="dl_doctor_pdf",
            on_click="ignore",  # a download changes nothing on the page: no rerun
            use_container_width=True,
            help=t("download_doctor_pdf_help"),
        )


def save_answers_button(answers: Answers, key: str, label: str = "") -> None:
    """'Save my answers to continue later': on every step, so nobody has to reach the end to keep them.
    The file also keeps the person's own list of questions, once they have made one."""
    st.download_button(
        t("save_answers"),
        saved_answers_json(answers, language(), st.session_state.get("my_questions")),
        icon=":material/save:",
        file_name=download_name("answers", label, dt.date.today()),
        mime="application/json",
        key=key,
        on_click=state.mark_saved,
        help=t("save_answers_help"),
    )


def _more_downloads(answers: Answers, assessment: Assessment, label: str, today: dt.date) -> None:
    with st.expander(t("more_downloads")):
        save_answers_button(answers, "dl_answers", label)
        st.download_button(
            t("result_json"),
            _on_click("result JSON", lambda: assessment_json(assessment)),
            file_name=download_name("result", label, today, "json"),
            mime="application/json",
            key="dl_result_json",
            on_click="ignore",  # a download changes nothing on the page: no rerun
        )
        st.download_button(
            t("result_csv"),
            _on_click("result CSV", lambda: results_csv([summary_row(answers, assessment, label)])),
            file_name=download_name("result", label, today, "csv"),
            mime="text/csv",
            key="dl_result_csv",
            on_click="ignore",  # a download changes nothing on the page: no rerun
        )
        st.download_button(
            t("fhir_response"),
            _on_click(
                "FHIR response",
                lambda: json.dumps(
                    questionnaire_response(answers, language=assessment.language), indent=2, ensure_ascii=False
                ),
            ),
            file_name=download_name("fhir", label, today),
            mime="application/fhir+json",
            key="dl_fhir",
            on_click="ignore",  # a download changes nothing on the page: no rerun
        )


def _shown_text(assessment: Assessment) -> str:
    """The texts of the summary page, for its glossary."""
    parts = [item.text for item in assessment.missing_information] + list(assessment.questions_to_ask)
    for category in assessment.categories:
        parts += [category.title, category.summary, category.how_given, category.side_effects, category.practical]
        parts += [r.text for r in category.reasons] + [c.text for c in category.considerations]
    return " ".join(parts)


def _in_pdf_language(mine, assessment: Assessment, printed: Assessment) -> list[str]:
    """A nurse printing in another language: suggested questions in the PDF's language, own ones as typed."""
    translation = dict(zip(assessment.questions_to_ask, printed.questions_to_ask, strict=False))
    return [q.text if q.own else translation.get(q.text, q.text) for q in mine.kept]


def results() -> None:
    audience = "nurse" if st.session_state.get("role") == "nurse" else "patient"
    st.button(
        t("back_to_questions"),
        key="back_to_questions",
        on_click=state.go,
        args=("nurse" if audience == "nurse" else "review",),
    )
    answers = Answers.model_validate(state.answers())
    title = t("your_summary") if audience == "patient" else t("summary")
    st.header(title, anchor=False)
    nav.arrive(title, title)
    try:
        assessment = assess(answers, language())
        printed = assessment if pdf_language() == language() else assess(answers, pdf_language())
    except RuleEngineError as error:
        _log_failure("assessment", error)
        st.error(t("summary_failed"), icon="⚠️")
        st.button(t("try_again"), key="retry_results", type="primary")
        return
    urgent.show(assessment, audience)
    label = st.session_state.get("label") or ""
    today = dt.date.today()
    # The questions as the person keeps and orders them below (callbacks ran before this run).
    mine = kit.my_questions(assessment)
    printed_questions = mine.texts if pdf_language() == language() else _in_pdf_language(mine, assessment, printed)
    _print_and_pdf(answers, printed, label, today, printed_questions)
    st.info(assessment.disclaimer, icon="ℹ️")
    labels = {q.id: q.label for q in load_definition(language()).questions}
    show_rules = audience == "nurse" and st.toggle(t("show_rule_ids"), key="show_rule_ids")
    for level in LEVELS:
        group = [c for c in assessment.categories if c.level == level]
        if group:
            st.subheader(f"{LEVEL_MARK[level]} {words('levels')[level]} ({len(group)})", anchor=False)
            for category in group:
                _category_block(category, show_rules, labels)
    if assessment.missing_information:
        st.subheader(t("missing_heading"), anchor=False)
        for item in assessment.missing_information:
            st.markdown(f"- **{md_escape(labels[item.question])}:** {md_escape(item.text)}")
    kit.glossary_expander(_shown_text(assessment), "summary")
    kit.appointment_kit(assessment, audience)
    _more_downloads(answers, printed, label, today)
    tool = assessment.tool
    st.caption(
        t(
            "tool_line",
            tool=tool.name,
            version=tool.version,
            rules_version=tool.rules_version,
            reviewed=tool.rules_reviewed,
        )
    )
