"""The app's own CSS: the urgent panel, and fixes for readability and accessibility (WCAG 2.2 AA)."""
import streamlit as st

CSS = """
<style>
.ip-urgent { margin: 0.75rem 0 1rem; }
.ip-urgent-tier { border: 4px solid #a4161a; border-radius: 0.5rem; padding: 0.75rem 1rem; margin-bottom: 0.75rem;
                  background: #fff1f0; color: #1b1f23; }
.ip-urgent-tier.ip-emergency { border-color: #7a0c0f; background: #7a0c0f; color: #ffffff; }
.ip-urgent-title { margin: 0 0 0.4rem; padding: 0; font-size: 1.35rem; font-weight: 700; color: inherit; }
.ip-urgent ul { margin: 0.25rem 0 0.4rem 1.2rem; padding: 0; }
.ip-urgent li, .ip-urgent p { font-size: 1.05rem; line-height: 1.45; margin: 0.2rem 0; color: inherit; }
.ip-urgent-footer { font-style: italic; }
.ip-sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
              clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
</style>
"""


def apply() -> None:
    st.html(CSS)
