"""No rule or content text tells a person they are, or are not, eligible: reasons describe approvals
and situations, and the care team decides (clinical review finding 21)."""

import re

import pytest

from rules import load_rulebook

RULEBOOK = load_rulebook()

ELIGIBILITY = re.compile(
    r"\b(your tests show|(is|are) an approved option( now)?|approved option now|you are (not )?eligible|"
    r"you (can|cannot|can't|should|must) (have|get|receive)|you qualify|you do not qualify|"
    r"is (not )?right for you|will work for you|fits you)\b",
    re.IGNORECASE,
)


def _texts():
    for rule in RULEBOOK.rules:
        yield rule.id, rule.spec.because
        if rule.spec.ask:
            yield f"{rule.id} (ask)", rule.spec.ask
    content = RULEBOOK.content
    for category, entry in content.categories.items():
        for field in ("summary", "how_given", "side_effects", "practical", "questions"):
            value = getattr(entry, field)
            yield f"content.{category}.{field}", " ".join(value) if isinstance(value, tuple) else value
    yield "content.general_questions", " ".join(content.general_questions)
    yield "content.disclaimer", content.disclaimer


@pytest.mark.parametrize("where, text", list(_texts()), ids=lambda v: v if isinstance(v, str) and len(v) < 70 else "")
def test_no_eligibility_wording(where, text):
    found = ELIGIBILITY.search(text)
    assert not found, f"{where}: '{found.group(0)}' reads as a decision about the person: {text}"


@pytest.mark.parametrize(
    "phrase",
    [
        "Your tests show HLA-A*02:01.",
        "Afami-cel is an approved option now.",
        "You are eligible for CAR T.",
        "This treatment fits you.",
    ],
)
def test_the_check_catches_eligibility_phrasing(phrase):
    assert ELIGIBILITY.search(phrase)
