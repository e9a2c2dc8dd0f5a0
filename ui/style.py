"""The app's own CSS: the urgent panel, and fixes for readability and accessibility (WCAG 2.2 AA).

Streamlit 1.67 draws its widgets with react-aria: focus shows as `data-focus-visible` on the row or
field, so the focus rules below key on that attribute as well as on `:focus-visible`.
Colours (on the page background #fbfbf8): text #1b1f23 15.9:1, captions #4f5357 7.5:1,
focus ring #0b3a5a 11.5:1 (2 px off the control) with a white halo, so the ring stays 3:1 on the blue primary buttons too.
"""

import streamlit as st

FOCUS = "#0b3a5a"

URGENT = """
.ip-urgent { margin: 0.75rem 0 1rem; }
.ip-urgent-tier { border: 4px solid #a4161a; border-radius: 0.5rem; padding: 0.75rem 1rem; margin-bottom: 0.75rem;
                  background: #fff1f0; color: #1b1f23; }
.ip-urgent-tier.ip-emergency { border-color: #7a0c0f; background: #7a0c0f; color: #ffffff; }
.ip-urgent-title { margin: 0 0 0.4rem; padding: 0; font-size: 1.35rem; font-weight: 700; color: inherit; }
.ip-urgent ul { margin: 0.25rem 0 0.4rem 1.2rem; padding: 0; }
.ip-urgent li, .ip-urgent p { font-size: 1.05rem; line-height: 1.45; margin: 0.2rem 0; color: inherit; }
.ip-urgent-footer { font-style: italic; }
"""

BASE = """
/* Screen-reader-only text (the step announcement in ui/nav.py). */
.ip-sr-only { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
              clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; border: 0; }

/* Text size: question labels, options, help and body text at 1rem (16 px, or 20 px with Large). */
[data-testid="stWidgetLabel"] p, [data-testid="stWidgetLabel"] [data-testid="stMarkdownContainer"],
[data-testid="stRadioOption"] p, [data-testid="stCheckbox"] p, [data-testid="stMarkdownContainer"] p,
[data-testid="stMarkdownContainer"] li, [data-testid="stExpander"] summary p, [data-testid="stTab"] p,
[data-testid="stBaseButton-primary"] p, [data-testid="stBaseButton-secondary"] p, .stButton p,
.stDownloadButton p, [data-testid="stTable"] td, [data-testid="stTable"] th, [data-testid="stAlertContainer"] p,
input, [role="option"], [data-tag] { font-size: 1rem !important; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { font-size: 0.95rem !important; }

/* Contrast: captions and placeholders were #757778 (4.34:1 on the page); a ticked "I don't know"
   must not grey the question label. */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: #4f5357 !important; opacity: 1 !important; }
input::placeholder, textarea::placeholder { color: #5b6066 !important; opacity: 1 !important; }
[data-testid="stWidgetLabel"], [data-testid="stWidgetLabel"] p { color: #1b1f23 !important; opacity: 1 !important; }
input:disabled { color: #44484c !important; -webkit-text-fill-color: #44484c !important; }
[data-testid="stTooltipIcon"] button, [data-testid="stTooltipIcon"] svg { color: #44484c !important; }

/* Focus: a dark 3 px ring outside the control with a white halo between (>= 3:1 on every background). */
button:focus-visible, a:focus-visible, summary:focus-visible, [role="tab"]:focus-visible,
[role="tab"][data-focus-visible], [data-tag]:focus-visible, [data-testid="stRadioOption"][data-focus-visible],
[data-testid="stCheckbox"] label[data-focus-visible], [data-testid="stMain"] h1:focus-visible,
[data-testid="stMain"] h2:focus-visible {
  outline: 3px solid @FOCUS@ !important; outline-offset: 2px !important;
  box-shadow: 0 0 0 2px #ffffff !important; border-radius: 0.3rem;
}
[data-testid="stTextInputRootElement"]:focus-within, [data-testid="stSelectbox"] [role="group"][data-focus-within],
[data-testid="stMultiSelect"] [role="group"][data-focus-within], textarea:focus-visible {
  outline: 3px solid @FOCUS@ !important; outline-offset: 2px !important; box-shadow: 0 0 0 2px #ffffff !important;
}
[data-testid="stMain"] h1:focus:not(:focus-visible), [data-testid="stMain"] h2:focus:not(:focus-visible) { outline: none; }

/* Targets: at least 24 px everywhere, 44 px for rows people tap on a phone. */
[data-testid="stRadioOption"] { min-height: 44px; align-items: center; padding: 0.25rem 0.5rem 0.25rem 0.25rem;
                                margin: 0 !important; box-sizing: border-box; min-width: 44px; }
[data-testid="stRadioGroup"] { gap: 0.25rem 1rem; }
[data-testid="stCheckbox"] label { min-height: 44px; align-items: center; padding: 0.25rem 0.5rem 0.25rem 0;
                                   box-sizing: border-box; }
[data-testid="stTooltipIcon"] button { min-width: 28px; min-height: 28px; display: inline-flex;
                                       align-items: center; justify-content: center; }
[data-testid="stExpander"] summary { min-height: 44px; box-sizing: border-box; align-items: center; }
.stButton button, .stDownloadButton button, [data-testid="stBaseButton-primary"],
[data-testid="stBaseButton-secondary"] { min-height: 44px; }
[data-testid="stTab"] { min-height: 44px; }
[data-tag] button, [data-testid="stMultiSelect"] button, [data-testid="stSelectbox"] button {
  min-width: 24px; min-height: 24px; }
[role="dialog"] button[aria-label="Close"] { min-width: 44px; min-height: 44px; }
[data-testid="stSidebarCollapseButton"] button, [data-testid="stExpandSidebarButton"],
[data-testid="stBaseButton-headerNoPadding"] { min-width: 44px; min-height: 44px; }

/* Long option texts wrap instead of being cut off: radio and checkbox labels, list options, chips. */
[data-testid="stRadioOption"] p, [data-testid="stCheckbox"] p, .stMarkdownEllipsis, [data-testid="stWidgetLabel"] p {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: anywhere;
}
[role="option"], [role="option"] * { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; line-height: 1.15 !important; }
[role="option"] { padding-top: 0 !important; padding-bottom: 0 !important; }
[role="option"] > div { height: auto !important; max-height: none !important; padding-top: 0 !important;
                        padding-bottom: 0 !important; }
[data-tag] { max-width: 100% !important; height: auto !important; min-height: 1.75rem; }
[data-tag] > span { white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
                    line-height: 1.3; padding: 0.2rem 0; }

/* A multi-choice field keeps its height when it loses focus, so Next below does not move away from
   the first tap (it shrank by about 30 px on blur). */
[data-testid="stMultiSelect"] [role="group"] { min-height: 3.25rem; }

/* Nurse tabs: the tab strip wraps instead of scrolling sideways (200 % zoom). */
[data-testid="stTabs"] [role="tablist"] { flex-wrap: wrap !important; overflow: visible !important; }
[data-testid="stTabs"] [role="tablist"] > * { flex-shrink: 1; }

/* Summary: the Print button (plain HTML) looks like a Streamlit button. */
.ip-print { min-height: 44px; width: 100%; padding: 0.4rem 0.9rem; font: inherit; font-size: 1rem; cursor: pointer;
            border: 1px solid #6b7075; border-radius: 0.5rem; background: #ffffff; color: #1b1f23; }
.ip-print:hover { border-color: #1f5f8b; color: #1f5f8b; }

@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], header, [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stStatusWidget"], [data-testid="stExpandSidebarButton"],
  button, .stButton, .stDownloadButton, .ip-print, [data-testid="stSkipToContent"],
  .stElementContainer:has(.stButton), .stElementContainer:has(.stDownloadButton),
  [data-testid="stExpander"]:has(.stDownloadButton) { display: none !important; }
  html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {
    background: #ffffff !important; color: #000000 !important; }
  [data-testid="stMain"] * { color: #000000 !important; background-color: transparent !important;
                              box-shadow: none !important; }
  .ip-urgent-tier, .ip-urgent-tier.ip-emergency { background: #ffffff !important; color: #000000 !important;
                                                   border: 4px solid #000000 !important; }
  [data-testid="stExpanderDetails"] { display: block !important; }
  a { text-decoration: underline; }
}
"""

# Large: every rem grows by a quarter (16 -> 20 px), so labels, options, headings, padding and the
# list rows (Streamlit sizes them in rem) scale together.
LARGE = """
html { font-size: 125% !important; }
"""


def css(large: bool = False) -> str:
    """The whole style sheet for normal or large text."""
    return "<style>" + URGENT + BASE.replace("@FOCUS@", FOCUS) + (LARGE if large else "") + "</style>"


def apply(large: bool = False) -> None:
    """Add the app's CSS to the page: `large=True` for the "Text size: Large" choice."""
    st.html(css(large))
