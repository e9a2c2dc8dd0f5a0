"""Messages about answers and answers files, in the language of whoever is answering.

The texts are data (`messages/<language>.yaml`). Validation runs deep inside pydantic, so the
language is set around a call with `speaking(language)` rather than passed through every helper;
the default is English, and a message asked for outside any `speaking` block is English.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .definition import LANGUAGES, load_definition

MESSAGES_DIR = Path(__file__).with_name("messages")
_LANGUAGE: contextvars.ContextVar[str] = contextvars.ContextVar("message_language", default="en")


@lru_cache(maxsize=len(LANGUAGES))
def catalogue(language: str) -> dict[str, Any]:
    return yaml.safe_load((MESSAGES_DIR / f"{language}.yaml").read_text(encoding="utf-8"))


@contextmanager
def speaking(language: str) -> Iterator[None]:
    token = _LANGUAGE.set(language if language in LANGUAGES else "en")
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


def current_language() -> str:
    return _LANGUAGE.get()


def say(key: str, **params: Any) -> str:
    text = catalogue(current_language())[key]
    return text.format(**params) if params else text


def label_of(question_id: str) -> str:
    """A question's short label in the current language."""
    return load_definition(current_language()).question(question_id).label


def option_of(question_id: str, option_id: str) -> str:
    return load_definition(current_language()).question(question_id).option(option_id).patient


def report_test(question_id: str) -> str:
    report = load_definition(current_language()).question(question_id).report
    return report.test if report else ""
