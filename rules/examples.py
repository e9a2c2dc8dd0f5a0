"""Worked examples a clinician can read and extend (`rules/examples/*.yaml`), and their checker.

Each case gives answers and says what must be commonly considered and what must NOT be; it may pin
levels, reasons (rule ids), considerations, urgent notices and missing information. `python -m rules`
runs every case, so whoever edits a rule file sees at once which situations changed; the test suite
runs the same cases one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from questionnaire import Answers, load_definition

EXAMPLES_DIR = Path(__file__).parent / "examples"


@dataclass(frozen=True)
class Example:
    file: str
    name: str
    case: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{Path(self.file).stem}: {self.name}"


def load_examples(directory: Path = EXAMPLES_DIR) -> list[Example]:
    examples = []
    for path in sorted(directory.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            examples.append(Example(path.name, str(case.get("name", "?")), case))
    return examples


def _all_unknown() -> dict:
    answers: dict[str, Any] = {}
    for question in load_definition().questions:
        if question.type == "multi_choice":
            answers[question.id] = ["unknown"]
        elif question.type != "text":
            answers[question.id] = "unknown"
    return answers


def check_example(example: Example, assess) -> list[str]:
    """What this example expects and the rules do not give (empty when the example holds)."""
    case = example.case
    answers = Answers.model_validate(_all_unknown() if case.get("all_unknown") else case["answers"])
    result = assess(answers)
    levels = result.levels()
    problems: list[str] = []

    def expect(ok: bool, message: str) -> None:
        if not ok:
            problems.append(message)

    expect(bool(case.get("not_commonly_considered")), "the case must say what must NOT be commonly considered")
    for category in case.get("commonly_considered", []):
        expect(
            levels[category] == "commonly_considered",
            f"{category}: expected commonly_considered, got {levels[category]}",
        )
    for category in case.get("not_commonly_considered", []):
        expect(levels[category] != "commonly_considered", f"{category}: must not be commonly_considered")
    for category, level in case.get("levels", {}).items():
        expect(levels[category] == level, f"{category}: expected {level}, got {levels[category]}")
    for category, rule_ids in case.get("reasons", {}).items():
        got = [r.rule for r in result.category(category).reasons]
        expect(got == rule_ids, f"{category}: expected reasons {rule_ids}, got {got}")
    for category, topics in case.get("considerations", {}).items():
        found = {c.topic for c in result.category(category).considerations}
        if topics:
            expect(set(topics) <= found, f"{category}: expected considerations {sorted(topics)}, got {sorted(found)}")
        else:
            expect(found == set(), f"{category}: expected no considerations, got {sorted(found)}")
    for rule_id, severity in case.get("severity", {}).items():
        items = [c for cat in result.categories for c in cat.considerations if c.rule == rule_id]
        expect(bool(items) and all(c.severity == severity for c in items), f"{rule_id}: expected severity {severity}")
    if "urgent" in case:
        got = [u.rule for u in result.urgent]
        expect(got == case["urgent"], f"urgent: expected {case['urgent']}, got {got}")
    if "urgent_tiers" in case:
        got = [u.tier for u in result.urgent]
        expect(got == case["urgent_tiers"], f"urgent tiers: expected {case['urgent_tiers']}, got {got}")
    for rule_id, signs in case.get("urgent_signs", {}).items():
        got = next((u.signs for u in result.urgent if u.rule == rule_id), None)
        expect(got == signs, f"{rule_id}: expected signs {signs}, got {got}")
    missing = {m.question for m in result.missing_information}
    expect(
        set(case.get("missing", [])) <= missing,
        f"missing information: expected {case.get('missing')}, got {sorted(missing)}",
    )
    expect(
        not set(case.get("not_missing", [])) & missing,
        f"missing information must not include {case.get('not_missing')}",
    )
    for rule_id, answer_ids in case.get("reason_answers", {}).items():
        reason = next((r for cat in result.categories for r in cat.reasons if r.rule == rule_id), None)
        expect(
            reason is not None and reason.answers == sorted(answer_ids),
            f"{rule_id}: expected to name answers {sorted(answer_ids)}",
        )
    return problems


def check_all(assess, examples: list[Example] | None = None) -> dict[str, list[str]]:
    """Every failing example, by label, with what went wrong."""
    failures = {}
    for example in examples if examples is not None else load_examples():
        problems = check_example(example, assess)
        if problems:
            failures[example.label] = problems
    return failures
