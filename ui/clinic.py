"""The clinic list, for nurses: an intake CSV in, a table of results and a ZIP of the PDFs out.

Everything stays in this browser session's memory (nothing is written to the server's disk) and is
forgotten on "New patient" or when the tab closes.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from questionnaire import LANGUAGES
from reports import download_name
from reports.batch import IntakeProblem, RowResult, clinic_zip, intake_template, read_intake, summarise_rows
from rules import CATEGORIES, load_rulebook

from . import nav, state
from .text import catalogue, language, pdf_language, t, words
from .widgets import md_escape

MAX_ROWS = 500  # larger lists: `python -m reports batch` (several processes, files on disk)
MAX_BYTES = 5 * 1024 * 1024
URGENT_ORDER = {"emergency": 0, "call_team_now": 1}


def _table(results: list[RowResult], pdf_words_language: str) -> pd.DataFrame:
    """One row per person: urgent first, then rows with problems, then the rest in list order."""
    content = load_rulebook().wording(language()).content
    levels, status = words("clinic_levels"), words("clinic_status")
    records = []
    for done in results:
        row = done.result
        record = {
            t("clinic_col_row"): row["row"],
            t("clinic_col_label"): row.get("label", ""),
            t("clinic_col_urgent"): "; ".join("⚠ " + content.urgent[tier].title for tier in done.urgent_tiers),
            t("clinic_col_status"): status[row["status"]],
        }
        for category in CATEGORIES:
            record[content.categories[category].title] = levels.get(row.get(f"level_{category}", ""), "")
        record[t("clinic_col_problems")] = row.get("problems", "")
        records.append(record)
    order = sorted(
        range(len(results)),
        key=lambda i: (
            min((URGENT_ORDER[tier] for tier in results[i].urgent_tiers), default=2),
            results[i].result["status"] == "ok",
            results[i].result["row"],
        ),
    )
    return pd.DataFrame([records[i] for i in order])


def _prepare(data: bytes, with_pdf: bool, chosen_language: str) -> None:
    if len(data) > MAX_BYTES:
        st.error(t("clinic_too_big", size=MAX_BYTES // (1024 * 1024)), icon="⚠️")
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        st.error(t("clinic_not_utf8"), icon="⚠️")
        return
    try:
        rows = read_intake(text)
    except IntakeProblem as problem:
        st.error(t("clinic_bad_file") + "\n\n" + "\n".join(f"- {md_escape(p)}" for p in problem.problems), icon="⚠️")
        return
    if not rows:
        st.error(t("clinic_no_rows"), icon="⚠️")
        return
    if len(rows) > MAX_ROWS:
        st.error(t("clinic_too_many", count=len(rows), limit=MAX_ROWS), icon="⚠️")
        return
    bar = st.progress(0.0, text=t("clinic_progress", done=0, total=len(rows)))
    started = dt.datetime.now()

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=t("clinic_progress", done=done, total=total))

    results = list(summarise_rows(rows, chosen_language, with_pdf, on_progress=progress))
    seconds = (dt.datetime.now() - started).total_seconds()
    bar.empty()
    st.session_state["clinic_results"] = {
        "table": _table(results, chosen_language),
        "zip": clinic_zip(results),
        "rows": len(results),
        "ready": sum(r.result["status"] == "ok" for r in results),
        "urgent": sum(bool(r.urgent_tiers) for r in results),
        "seconds": seconds,
        "pdfs": sum(r.pdf is not None for r in results),
    }


def page() -> None:
    title = t("clinic_title")
    st.header(title, anchor=False)
    nav.arrive(title, title)
    st.button(t("clinic_back"), key="clinic_back", on_click=state.go, args=("nurse",))
    st.markdown(t("clinic_intro"))
    st.download_button(
        t("clinic_template"),
        intake_template(),
        file_name="immunoprep-intake-template.csv",
        mime="text/csv",
        key="clinic_template",
        on_click="ignore",  # a download changes nothing on the page: no rerun
    )
    upload = st.file_uploader(
        t("clinic_upload"), type=["csv"], key=f"clinic_upload_{st.session_state.get('uploads_serial', 0)}"
    )
    left, right = st.columns(2)
    with_pdf = left.checkbox(t("clinic_with_pdfs"), value=True, key="clinic_with_pdfs")
    chosen = right.selectbox(
        t("pdf_language"),
        LANGUAGES,
        index=LANGUAGES.index(pdf_language()),
        key="clinic_language",
        format_func=lambda code: catalogue(code)["language_name"],
    )
    if st.button(t("clinic_prepare"), type="primary", key="clinic_prepare", disabled=upload is None):
        _prepare(upload.getvalue(), with_pdf, chosen)
    done = st.session_state.get("clinic_results")
    if not done:
        return
    st.subheader(t("clinic_results_heading"), anchor=False)
    st.markdown(
        t(
            "clinic_counts",
            rows=done["rows"],
            ready=done["ready"],
            urgent=done["urgent"],
            seconds=f"{done['seconds']:.0f}",
        )
    )
    if done["urgent"]:
        st.warning(t("clinic_urgent_first", count=done["urgent"]), icon="⚠️")
    st.dataframe(done["table"], hide_index=True, use_container_width=True, key="clinic_table")
    st.download_button(
        t("clinic_download", pdfs=done["pdfs"]),
        done["zip"],
        file_name=download_name("clinic", None, dt.date.today()),
        mime="application/zip",
        type="primary",
        key="clinic_zip",
        on_click="ignore",  # a download changes nothing on the page: no rerun
    )
