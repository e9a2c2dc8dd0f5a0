"""The worked examples in rules/examples/*.yaml, one test each (`python -m rules` runs them too)."""

import pytest

from rules import assess
from rules.examples import Example, check_example, load_examples

EXAMPLES = load_examples()


def test_enough_examples_per_family():
    per_file: dict[str, int] = {}
    for example in EXAMPLES:
        per_file[example.file] = per_file.get(example.file, 0) + 1
    assert len(EXAMPLES) >= 200
    assert min(per_file.values()) >= 4, per_file


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.label)
def test_rule_example(example):
    assert check_example(example, assess) == []


def test_a_wrong_expectation_is_reported_with_what_happened():
    example = EXAMPLES[0]
    actual = assess_levels(example)["car_t"]
    wrong = "commonly_considered" if actual != "commonly_considered" else "not_typical"
    case = dict(example.case, levels={"car_t": wrong})
    problems = check_example(Example(example.file, example.name, case), assess)
    assert problems == [f"car_t: expected {wrong}, got {actual}"]


def assess_levels(example):
    from questionnaire import Answers

    return assess(Answers.model_validate(example.case["answers"])).levels()
