"""Read a saved answers file, and say in plain words what a wrong file is and what to choose instead.

People keep the answers file next to the summary PDF, the summary JSON and the FHIR file, with
similar names; a photo of a lab report may be picked too. Each gets its own message, never internal
ids. Reading is all-or-nothing: a file with one bad answer changes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .answers import Answers, Problem, validate_answers
from .messages import catalogue, current_language, say, speaking

MAX_ANSWERS_FILE_BYTES = 100 * 1024
CHOOSE_ANSWERS = catalogue("en")["choose_answers"]
# A loader for FHIR QuestionnaireResponse text, given by the caller: it lives in reports/, and
# questionnaire/ must not import reports/ (no layer reaches back up).
FhirLoader = Callable[[str], tuple[Any, Sequence[Any]]]

_MAGIC: tuple[tuple[bytes, str], ...] = (  # first bytes → message key
    (b"%PDF-", "file_pdf"),
    (b"\x89PNG\r\n\x1a\n", "file_picture"),
    (b"\xff\xd8\xff", "file_picture"),
    (b"GIF87a", "file_picture"),
    (b"GIF89a", "file_picture"),
    (b"PK\x03\x04", "file_office"),
)
_BLANK_FORM = re.compile(rb'"resourceType"\s*:\s*"Questionnaire"')
# HEIC/HEIF (iPhone photos) and WebP carry their brand after a 4-byte length.
_PICTURE_BRANDS = (b"ftypheic", b"ftypheix", b"ftyphevc", b"ftypmif1", b"ftypmsf1", b"ftypavif")


def file_kind_message(data: bytes) -> str | None:
    """A message for files recognised by their first bytes (PDF, pictures, Office/zip), else None."""
    for magic, key in _MAGIC:
        if data.startswith(magic):
            return _plain(key)
    if data[4:12] in _PICTURE_BRANDS or (data.startswith(b"RIFF") and data[8:12] == b"WEBP"):
        return _plain("file_picture")
    # The blank form is larger than any answers file (it carries every language), so know it by its start.
    if _BLANK_FORM.search(data[:300]):
        return _plain("file_blank_form")
    return None


def _plain(key: str, **params: Any) -> str:
    """A message that ends by saying which file to choose."""
    return say(key, choose=say("choose_answers"), **params)


def _looks_like_csv(text: str) -> bool:
    """True for a header row of comma- or tab-separated names, as in the nurses' batch spreadsheet."""
    first = text.lstrip().split("\n", 1)[0]
    return not first.startswith(("{", "[")) and (first.count(",") >= 2 or first.count("\t") >= 2)


def _json_message(data: Mapping[str, Any], fhir_loader: FhirLoader | None, text: str) -> tuple[Any, list[str]] | None:
    """Recognise ImmunoPrep's other JSON files (summary, FHIR); None when it may be an answers file."""
    kind = data.get("resourceType")
    if kind == "QuestionnaireResponse":
        if fhir_loader is None:
            return None, [_plain("file_fhir_answers")]
        answers, problems = fhir_loader(text)
        messages = [str(getattr(p, "message", p)) for p in problems]
        return (None, messages) if messages else (answers, [])
    if kind == "Questionnaire":
        return None, [_plain("file_blank_form")]
    if isinstance(kind, str):
        return None, [_plain("file_other_fhir")]
    if "categories" in data and "tool" in data:
        return None, [_plain("file_summary")]
    return None


def _answer_message(problem: Problem) -> str:
    """A bad value in a real answers file: the question by its label and what is wrong, no internal ids."""
    if problem.kind == "not_a_question":
        return say("file_unknown_question", field=repr(problem.field))
    if problem.field == "answers":
        return _plain("file_no_answers")
    return problem.message


def read_answers_file(
    data: bytes, filename: str | None = None, fhir_loader: FhirLoader | None = None, language: str = "en"
) -> tuple[Answers | None, list[str]]:
    """All-or-nothing: the answers in an uploaded file, or plain reasons (in `language`) why it cannot be used."""
    with speaking(language):
        return _read(data, filename, fhir_loader)


def _read(data: bytes, filename: str | None, fhir_loader: FhirLoader | None) -> tuple[Answers | None, list[str]]:
    known = file_kind_message(data)
    if known:
        return None, [known]
    name = (filename or "").lower()
    if len(data) > MAX_ANSWERS_FILE_BYTES:
        return None, [_plain("file_too_large", size=len(data) // 1024)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [_plain("file_not_text")]
    if not text.strip():
        return None, [_plain("file_empty")]
    try:
        parsed = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        if name.endswith((".csv", ".tsv")) or _looks_like_csv(text):
            return None, [_plain("file_csv")]
        return None, [_plain("file_not_json")]
    if not isinstance(parsed, Mapping):
        return None, [_plain("file_no_answers")]
    recognised = _json_message(parsed, fhir_loader, text)
    if recognised is not None:
        return recognised
    if isinstance(parsed.get("answers"), Mapping):
        parsed = parsed["answers"]  # the app's saved-answers file wraps answers with tool metadata
    answers, problems = validate_answers(parsed, current_language())
    if problems:
        return None, list(dict.fromkeys(_answer_message(p) for p in problems))
    return answers, []


def read_my_questions(data: bytes, language: str = "en"):
    """The person's question list in a saved answers file: (MyQuestions or None, plain problems)."""
    from .my_questions import my_questions_from_saved

    try:
        saved = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None, []  # read_answers_file has already said what is wrong with the file
    found, problem = my_questions_from_saved(saved)
    if problem:
        with speaking(language):
            return None, [_plain(problem)]
    return found, []
