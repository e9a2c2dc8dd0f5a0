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

MAX_ANSWERS_FILE_BYTES = 100 * 1024
CHOOSE_ANSWERS = "Choose the file named immunoprep-answers-….json."
# A loader for FHIR QuestionnaireResponse text, given by the caller: it lives in reports/, and
# questionnaire/ must not import reports/ (no layer reaches back up).
FhirLoader = Callable[[str], tuple[Any, Sequence[Any]]]

_PICTURE = "This is a picture, not an answers file. " + CHOOSE_ANSWERS
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (
        b"%PDF-",
        "This is the summary PDF. It cannot be read back. Choose the answers file instead: it is named "
        "immunoprep-answers-….json.",
    ),
    (b"\x89PNG\r\n\x1a\n", _PICTURE),
    (b"\xff\xd8\xff", _PICTURE),
    (b"GIF87a", _PICTURE),
    (b"GIF89a", _PICTURE),
    (b"PK\x03\x04", "This is a Word, Excel or zip file, not an answers file. " + CHOOSE_ANSWERS),
)
BLANK_FORM = "This is the blank form (the FHIR Questionnaire), not your answers. " + CHOOSE_ANSWERS
_BLANK_FORM = re.compile(rb'"resourceType"\s*:\s*"Questionnaire"')
# HEIC/HEIF (iPhone photos) and WebP carry their brand after a 4-byte length.
_PICTURE_BRANDS = (b"ftypheic", b"ftypheix", b"ftyphevc", b"ftypmif1", b"ftypmsf1", b"ftypavif")


def file_kind_message(data: bytes) -> str | None:
    """A message for files recognised by their first bytes (PDF, pictures, Office/zip), else None."""
    for magic, message in _MAGIC:
        if data.startswith(magic):
            return message
    if data[4:12] in _PICTURE_BRANDS or (data.startswith(b"RIFF") and data[8:12] == b"WEBP"):
        return _PICTURE
    # The blank form is larger than any answers file (it carries every language), so know it by its start.
    if _BLANK_FORM.search(data[:300]):
        return BLANK_FORM
    return None


def _looks_like_csv(text: str) -> bool:
    """True for a header row of comma- or tab-separated names, as in the nurses' batch spreadsheet."""
    first = text.lstrip().split("\n", 1)[0]
    return not first.startswith(("{", "[")) and (first.count(",") >= 2 or first.count("\t") >= 2)


def _json_message(data: Mapping[str, Any], fhir_loader: FhirLoader | None, text: str) -> tuple[Any, list[str]] | None:
    """Recognise ImmunoPrep's other JSON files (summary, FHIR); None when it may be an answers file."""
    kind = data.get("resourceType")
    if kind == "QuestionnaireResponse":
        if fhir_loader is None:
            return None, ["This is a FHIR answers file. This page cannot read it. " + CHOOSE_ANSWERS]
        answers, problems = fhir_loader(text)
        messages = [str(getattr(p, "message", p)) for p in problems]
        return (None, messages) if messages else (answers, [])
    if kind == "Questionnaire":
        return None, [BLANK_FORM]
    if isinstance(kind, str):
        return None, ["This is a FHIR file, but not one with ImmunoPrep answers. " + CHOOSE_ANSWERS]
    if "categories" in data and "tool" in data:
        return None, ["This looks like your summary file, not your answers file. " + CHOOSE_ANSWERS]
    return None


def _answer_message(problem: Problem) -> str:
    """A bad value in a real answers file: the question by its label and what is wrong, no internal ids."""
    if problem.message == "is not a question in ImmunoPrep":
        return f"The file has an answer ImmunoPrep does not ask for ({problem.field!r}). Is this the right file?"
    if problem.field == "answers":
        return "This file does not hold answers. " + CHOOSE_ANSWERS
    return problem.message


def read_answers_file(
    data: bytes, filename: str | None = None, fhir_loader: FhirLoader | None = None
) -> tuple[Answers | None, list[str]]:
    """All-or-nothing: the answers in an uploaded file, or plain reasons why it cannot be used."""
    known = file_kind_message(data)
    if known:
        return None, [known]
    name = (filename or "").lower()
    if len(data) > MAX_ANSWERS_FILE_BYTES:
        return None, [f"That file is {len(data) // 1024} KB. A saved answers file is at most 100 KB. " + CHOOSE_ANSWERS]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, ["This file cannot be read as text, so it is not an answers file. " + CHOOSE_ANSWERS]
    if not text.strip():
        return None, ["This file is empty. " + CHOOSE_ANSWERS]
    try:
        parsed = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        if name.endswith((".csv", ".tsv")) or _looks_like_csv(text):
            return None, ["This is a spreadsheet (CSV) for nurses' batch use, not an answers file. " + CHOOSE_ANSWERS]
        return None, ["This file is not an answers file: its contents are not in the right format. " + CHOOSE_ANSWERS]
    if not isinstance(parsed, Mapping):
        return None, ["This file does not hold answers. " + CHOOSE_ANSWERS]
    recognised = _json_message(parsed, fhir_loader, text)
    if recognised is not None:
        return recognised
    if isinstance(parsed.get("answers"), Mapping):
        parsed = parsed["answers"]  # the app's saved-answers file wraps answers with tool metadata
    answers, problems = validate_answers(parsed)
    if problems:
        return None, list(dict.fromkeys(_answer_message(p) for p in problems))
    return answers, []
