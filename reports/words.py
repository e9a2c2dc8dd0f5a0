"""The words reports print around the assessment's texts, and the glossary, per language.

One glossary file per language serves the PDF ("Words used in this summary") and the app (the terms
explained on each step and on the summary page).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

I18N_DIR = Path(__file__).with_name("i18n")  # <language>/pdf.yaml (the PDF's words) and glossary.yaml


@lru_cache(maxsize=4)
def glossary(language: str = "en") -> list[dict[str, Any]]:
    return yaml.safe_load((I18N_DIR / language / "glossary.yaml").read_text(encoding="utf-8"))["terms"]


@lru_cache(maxsize=4)
def _patterns(language: str) -> list[tuple[dict[str, Any], re.Pattern[str]]]:
    """Each term with one pattern for its match words; a word matches at a word start, any case."""
    return [
        (entry, re.compile("|".join(r"(?<!\w)" + re.escape(word) for word in entry["match"]), re.IGNORECASE))
        for entry in glossary(language)
    ]


def terms_in(text: str, language: str = "en") -> list[dict[str, Any]]:
    """The glossary entries whose words appear in `text`, in glossary order."""
    return [entry for entry, pattern in _patterns(language) if pattern.search(text)]


@lru_cache(maxsize=4)
def pdf_words(language: str = "en") -> dict[str, Any]:
    """Every word the PDF prints around the assessment's texts, in `language`."""
    return yaml.safe_load((I18N_DIR / language / "pdf.yaml").read_text(encoding="utf-8"))


def long_date(day: dt.date, language: str = "en") -> str:
    words = pdf_words(language)
    return words["date"].format(day=day.day, month=words["months"][day.month - 1], year=day.year)
