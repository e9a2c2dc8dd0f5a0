"""The app's own words, by key, in the person's language (ui/i18n/<language>.yaml).

The questions' wording comes from questions.yaml (and its translation), the results' from the rules;
this file holds only what the screens add around them: buttons, headings, hints and messages.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import streamlit as st
import yaml

from questionnaire import LANGUAGES

I18N_DIR = Path(__file__).with_name("i18n")


@lru_cache(maxsize=len(LANGUAGES))
def catalogue(language: str) -> dict[str, Any]:
    return yaml.safe_load((I18N_DIR / f"{language}.yaml").read_text(encoding="utf-8"))


def language() -> str:
    """The screen language chosen on the start page (English until someone chooses)."""
    chosen = st.session_state.get("language")
    return chosen if chosen in LANGUAGES else "en"


def pdf_language() -> str:
    """The PDF's language: the screen language, unless a nurse chose another one for the patient."""
    chosen = st.session_state.get("pdf_language")
    return chosen if chosen in LANGUAGES else language()


def t(key: str, **params: Any) -> str:
    text = catalogue(language())[key]
    return text.format(**params) if params else text


def words(key: str) -> Any:
    """A group of texts, e.g. the level names."""
    return catalogue(language())[key]
