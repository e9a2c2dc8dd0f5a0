"""ImmunoPrep — Streamlit UI. Read state, render the current step, write state. No medical logic here."""

import logging

import streamlit as st

st.set_page_config(page_title="ImmunoPrep", page_icon="📝", layout="centered")
try:
    from rules import load_engine

    load_engine()  # reads, checks and compiles every question and rule file (once per process)
    from ui import clinic, nav, screens, state, style, summary
    from ui.text import language, t
except ValueError as error:  # DefinitionError or RuleFileError (both ValueError): a file failed its checks
    # The reason names a reviewed file, not anything a user typed: safe for the operator's log.
    logging.getLogger("immunoprep").error("ImmunoPrep cannot start: %s (run `python -m rules`)", error)
    st.title("ImmunoPrep")
    st.error(
        "ImmunoPrep is not available right now because of a problem with its rule files. "
        "Nothing you could do caused this. Please tell the staff who run this tool.",
        icon="⚠️",
    )
    st.stop()

state.init()
style.apply(st.session_state.get("text_size") == "large")
nav.sync_url(screens.steps_for_role)

with st.sidebar:
    st.markdown(t("sidebar_note"))
    st.radio(
        t("text_size"),
        ["normal", "large"],
        key="text_size",
        horizontal=True,
        format_func=lambda size: t(f"text_size_{size}"),
        help=t("text_size_help"),
    )
    role = st.session_state["role"]
    if role is not None:
        st.button(
            t("new_patient") if role == "nurse" else t("start_again"),
            use_container_width=True,
            key="new_patient",
            on_click=screens.ask_before_clearing,
            help=t("clear_help"),
        )
    if role == "nurse" and st.session_state["step"] != "clinic":
        st.button(
            t("clinic_open"),
            use_container_width=True,
            key="open_clinic",
            on_click=state.go,
            args=("clinic", True),
            help=t("clinic_open_help"),
        )
    if role is not None and st.session_state["step"] not in ("results", "clinic"):
        st.button(
            t("skip_to_summary"),
            use_container_width=True,
            key="skip_to_results",
            on_click=state.go,
            args=("results", True),
        )
        with st.expander(t("continue_saved")):
            screens.resume_uploader("sidebar")

screens.confirm_clear_dialog()
if st.session_state["notice"]:
    st.success(st.session_state["notice"])
    st.session_state["notice"] = None

step = st.session_state["step"]
if step == "start" or st.session_state["role"] is None:
    screens.start()
elif step == "nurse":
    screens.nurse_form()
elif step == "review":
    screens.review()
elif step == "results":
    summary.results()
elif step == "clinic" and st.session_state["role"] == "nurse":
    clinic.page()
else:
    screens.patient_step(step)
nav.warn_before_leaving(state.unsaved(), language())
