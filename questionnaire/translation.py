"""The questions' wording in another language: an overlay file per language (`i18n/<language>.yaml`).

The overlay gives, for every section, question and option of questions.yaml, its reader-facing
texts; ids, types, units, ranges and conditions stay in questions.yaml alone. A missing or extra
text is an error naming the file and the id, so a half-translated questionnaire never reaches anyone.
"""

from __future__ import annotations

import copy
from typing import Any

QUESTION_TEXTS = ("label", "patient", "nurse", "help")
OPTION_TEXTS = ("patient", "nurse")


class TranslationError(ValueError):
    """An overlay misses a text or names an id questions.yaml does not have."""


def _text(where: dict, key: str, path: str, source: str) -> str:
    value = where.get(key) if isinstance(where, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise TranslationError(f"{source}: {path}: missing '{key}'")
    return value


def translated(raw: Any, overlay: Any, source: str) -> Any:
    """A copy of the parsed questions.yaml with every reader-facing text taken from the overlay."""
    if not isinstance(raw, dict) or not isinstance(overlay, dict):
        raise TranslationError(f"{source}: expected 'sections' and 'questions' mappings")
    sections_text = overlay.get("sections") or {}
    questions_text = overlay.get("questions") or {}
    result = copy.deepcopy(raw)
    words = overlay.get("answer_words") or {}
    result["answer_words"] = {
        "not_answered": _text(words, "not_answered", "answer_words", source),
        "unknown": {a: _text(words.get("unknown"), a, "answer_words.unknown", source) for a in OPTION_TEXTS},
        "decimal_mark": words.get("decimal_mark", "."),
    }
    units = {q.get("unit") for sec in raw.get("sections") or [] for q in sec.get("questions") or [] if q.get("unit")}
    labels = overlay.get("units") or {}
    missing_units = sorted(units - set(labels))
    if missing_units:
        raise TranslationError(f"{source}: units: missing {missing_units}")
    result["unit_labels"] = {unit: str(labels[unit]) for unit in units}
    known_sections, known_questions = set(), set()
    for section in result.get("sections") or []:
        sid = section.get("id")
        known_sections.add(sid)
        title = sections_text.get(sid)
        section["title"] = {audience: _text(title, audience, f"section '{sid}'", source) for audience in OPTION_TEXTS}
        for question in section.get("questions") or []:
            qid = question.get("id")
            known_questions.add(qid)
            text = questions_text.get(qid)
            where = f"question '{qid}'"
            if not isinstance(text, dict):
                raise TranslationError(f"{source}: {where}: missing")
            for key in QUESTION_TEXTS:
                question[key] = _text(text, key, where, source)
            if "report" in question:
                question["report"] = dict(question["report"], test=_text(text, "report_test", where, source))
            options_text = text.get("options") or {}
            for option in question.get("options") or []:
                oid = str(option.get("id"))
                for key in OPTION_TEXTS:
                    option[key] = _text(options_text.get(oid), key, f"{where} option '{oid}'", source)
            extra = set(map(str, options_text)) - {str(o.get("id")) for o in question.get("options") or []}
            if extra:
                raise TranslationError(f"{source}: {where}: options {sorted(extra)} are not in questions.yaml")
    for kind, given, known in (
        ("sections", sections_text, known_sections),
        ("questions", questions_text, known_questions),
    ):
        extra = set(given) - known
        if extra:
            raise TranslationError(f"{source}: {kind} {sorted(extra)} are not in questions.yaml")
    return result
