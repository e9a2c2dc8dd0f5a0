"""Example cases per rule family (tests/rule_examples/*.yaml), run by one generic runner.

Each case says what must be commonly considered and what must not be, and may pin levels, reasons,
considerations, urgent notices and missing information. Clinicians can add cases without Python.
"""
from pathlib import Path

import pytest
import yaml

from questionnaire import Answers, load_definition
from rules import assess

EXAMPLES = Path(__file__).parent / "rule_examples"


def _all_unknown() -> dict:
    answers = {}
    for question in load_definition().questions:
        if question.type == "multi_choice":
            answers[question.id] = ["unknown"]
        elif question.type != "text":
            answers[question.id] = "unknown"
    return answers


def _cases():
    for path in sorted(EXAMPLES.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            yield pytest.param(case, id=f"{path.stem}: {case['name']}")


CASES = list(_cases())


def test_enough_examples_per_family():
    per_family = {}
    for param in CASES:
        per_family[param.id.split(":")[0]] = per_family.get(param.id.split(":")[0], 0) + 1
    assert len(CASES) >= 60
    assert min(per_family.values()) >= 4, per_family


@pytest.mark.parametrize("case", CASES)
def test_rule_example(case):
    answers = Answers.model_validate(_all_unknown() if case.get("all_unknown") else case["answers"])
    result = assess(answers)
    levels = result.levels()

    assert case.get("commonly_considered") or case.get("not_commonly_considered")
    for category in case.get("commonly_considered", []):
        assert levels[category] == "commonly_considered", (category, levels[category])
    assert case.get("not_commonly_considered"), "every case says what must NOT be commonly considered"
    for category in case["not_commonly_considered"]:
        assert levels[category] != "commonly_considered", category
    for category, level in case.get("levels", {}).items():
        assert levels[category] == level, (category, levels[category])
    for category, rule_ids in case.get("reasons", {}).items():
        assert [r.rule for r in result.category(category).reasons] == rule_ids
    for category, topics in case.get("considerations", {}).items():
        found = {c.topic for c in result.category(category).considerations}
        if topics:
            assert set(topics) <= found, (category, found)
        else:
            assert found == set()
    for rule_id, severity in case.get("severity", {}).items():
        items = [c for cat in result.categories for c in cat.considerations if c.rule == rule_id]
        assert items and all(c.severity == severity for c in items), rule_id
    if "urgent" in case:
        assert [u.rule for u in result.urgent] == case["urgent"]
    if "urgent_tiers" in case:
        assert [u.tier for u in result.urgent] == case["urgent_tiers"]
    for rule_id, signs in case.get("urgent_signs", {}).items():
        assert next(u.signs for u in result.urgent if u.rule == rule_id) == signs, rule_id
    missing = {m.question for m in result.missing_information}
    assert set(case.get("missing", [])) <= missing, missing
    assert not set(case.get("not_missing", [])) & missing
    for rule_id, answer_ids in case.get("reason_answers", {}).items():
        reason = next(r for cat in result.categories for r in cat.reasons if r.rule == rule_id)
        assert reason.answers == sorted(answer_ids)
