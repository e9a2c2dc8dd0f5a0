"""Patient-facing text reads at US grade 8 or below (Flesch-Kincaid, textstat).

Question wording and help count as much as results. Answer options are checked when they are a
sentence (10 words or more): on a two-word name such as "Follicular lymphoma" the formula only
counts syllables, and a cancer or drug must keep its own name.
"""

import pytest
import textstat

from questionnaire import load_definition
from reports.pdf import glossary
from rules import load_rulebook

RULEBOOK = load_rulebook()

MAX_GRADE = 8.0
PATIENT_FACING = ("category", "consideration", "urgent", "missing", "bring", "help")
SENTENCE_WORDS = 10


def _texts():
    for category, content in RULEBOOK.content.categories.items():
        for field in ("summary", "how_given", "side_effects", "practical"):
            yield f"content.{category}.{field}", getattr(content, field)
    yield "content.disclaimer", RULEBOOK.content.disclaimer
    for entry in glossary():
        yield f"glossary.{entry['term']}", entry["text"]
    for rule in RULEBOOK.rules:
        if rule.spec.then.kind in PATIENT_FACING:
            yield rule.id, rule.spec.because
    for where, text in RULEBOOK.kit.texts():
        yield f"kit.{where}", text
    for question in load_definition().questions:
        yield f"question.{question.id}", question.patient
        yield f"question.{question.id}.help", question.help
        for option in question.options:
            if len(option.patient.split()) >= SENTENCE_WORDS:
                yield f"question.{question.id}.{option.id}", option.patient


@pytest.mark.parametrize("name, text", list(_texts()), ids=lambda v: v if isinstance(v, str) and len(v) < 80 else "")
def test_reading_grade(name, text):
    grade = textstat.flesch_kincaid_grade(text)
    assert grade <= MAX_GRADE, f"{name}: grade {grade:.1f}: {text}"
