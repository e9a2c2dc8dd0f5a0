"""The urgent panel: shown where a warning sign is chosen, on the review page and atop the summary.

The rules decide what is urgent (rules/families/urgent.yaml); this module only draws it. It is plain
HTML with role="alert", so a screen reader announces it the moment it appears, and it names the
signs the person chose, emergency tier first.
"""

from __future__ import annotations

import html
import logging

import streamlit as st

from questionnaire import Answers, option_text
from reports import describe_failure
from rules import Assessment, RuleEngineError, assess, load_rulebook

from .text import language

LOG = logging.getLogger("immunoprep")
TIER_ICON = {"emergency": "⚠", "call_team_now": "⚠"}  # text symbols: emoji fonts are not everywhere


def current_assessment(answers: dict) -> Assessment | None:
    """The assessment of the answers so far, or None if the engine failed (logged without answers)."""
    try:
        return assess(Answers.model_validate(answers), language())
    except RuleEngineError as error:
        LOG.error("assessment failed: %s (message withheld: it may quote answers)", describe_failure(error))
        return None


def panel_html(assessment: Assessment, audience: str = "patient", question: str | None = None, level: int = 3) -> str:
    """The panel for every urgent item (or only those raised by `question`); '' when there are none."""
    items = [item for item in assessment.urgent if question is None or item.question == question]
    if not items:
        return ""
    wording = load_rulebook().wording(assessment.language).content.urgent
    view = assessment.model_copy(update={"urgent": items})
    parts = []
    for tier, signs, texts in view.urgent_by_tier():
        words = wording[tier]
        sign_question = next(item.question for item in items if item.tier == tier)
        named = [html.escape(option_text(sign_question, sign, audience, assessment.language)) for sign in signs]
        sign_line = (
            f'<p class="ip-signs"><strong>{html.escape(words.signs_intro)}</strong> {"; ".join(named)}</p>'
            if named
            else ""
        )
        reasons = "".join(f"<li>{html.escape(text)}</li>" for text in texts)
        parts.append(
            f'<div class="ip-urgent-tier ip-{tier}">'
            f'<h{level} class="ip-urgent-title">{TIER_ICON[tier]} {html.escape(words.title)}</h{level}>'
            f"{sign_line}<ul>{reasons}</ul>"
            f'<p class="ip-urgent-footer">{html.escape(words.footer)}</p></div>'
        )
    return f'<section class="ip-urgent" role="alert" aria-live="assertive">{"".join(parts)}</section>'


def show(assessment: Assessment | None, audience: str = "patient", question: str | None = None, level: int = 3) -> bool:
    """Draw the panel if anything is urgent; return whether it was drawn."""
    markup = panel_html(assessment, audience, question, level) if assessment else ""
    if markup:
        st.html(markup)
    return bool(markup)
