"""Every answer is used or dropped: a question nobody reads only costs a frightened person time.

A question counts as used when a rule reads it or when it decides whether another question is
asked; each option of a multi-choice question must be read the same way, apart from its exclusive
"none" and "I don't know" options, which mean "none of the above". Free-text answers go to the
summary as they are.
"""

from questionnaire import load_definition
from questionnaire.conditions import options_read, questions_read
from rules import load_rulebook

RULEBOOK = load_rulebook()

DEFINITION = load_definition()


def _read_by_rules() -> tuple[set[str], dict[str, set[str]]]:
    questions: set[str] = set()
    options: dict[str, set[str]] = {}
    for rule in RULEBOOK.rules:
        questions |= rule.condition.questions
        for question, named in rule.condition.options.items():
            options.setdefault(question, set()).update(named)
    return questions, options


def _read_by_visibility() -> tuple[set[str], dict[str, set[str]]]:
    questions: set[str] = set()
    options: dict[str, set[str]] = {}
    for tree in DEFINITION.visibility.values():
        questions |= questions_read(tree)
        for question, named in options_read(tree).items():
            options.setdefault(question, set()).update(named)
    return questions, options


def test_every_question_is_read_by_a_rule_or_decides_what_is_asked():
    by_rules, _ = _read_by_rules()
    by_visibility, _ = _read_by_visibility()
    unread = [q.id for q in DEFINITION.questions if q.type != "text" and q.id not in by_rules | by_visibility]
    assert unread == []


def test_every_option_of_a_multi_choice_question_is_read():
    _, by_rules = _read_by_rules()
    _, by_visibility = _read_by_visibility()
    unread = {}
    for question in DEFINITION.questions:
        if question.type != "multi_choice":
            continue
        read = by_rules.get(question.id, set()) | by_visibility.get(question.id, set())
        left = [o for o in question.option_ids if o not in read and o not in question.exclusive]
        if left:
            unread[question.id] = left
    assert unread == {}


def test_the_check_would_notice_an_unread_option():
    _, by_rules = _read_by_rules()
    assert "autologous_transplant" in by_rules["prior_treatments"]
    assert "kidney" in by_rules["organ_transplant_which"]
    assert "unknown" not in by_rules.get("organ_transplant_which", set())  # exclusive: not required


def test_every_finding_is_used_by_another_rule():
    used = set().union(*(rule.condition.findings for rule in RULEBOOK.rules))
    assert [f for f in RULEBOOK.findings if f not in used] == []
