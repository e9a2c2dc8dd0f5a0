"""ImmunoPrep — Streamlit UI (placeholder until the walkthrough lands): lists the questionnaire sections."""
import streamlit as st

from questionnaire import load_definition

st.set_page_config(page_title="ImmunoPrep", page_icon="📝", layout="centered")
st.title("ImmunoPrep")
st.write("Prepare for an appointment where immunotherapy may come up. This is education, not medical advice.")
for section in load_definition().sections:
    st.subheader(section.title["patient"])
    for question in section.questions:
        st.markdown(f"- {question.patient}")
