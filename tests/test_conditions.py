"""One condition language for questions and rules: spelling, meaning, and the engine's lowering."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaire import load_definition
from questionnaire.conditions import ConditionError, Parser, holds
from rules import load_rulebook
from rules.conditions import RuleConditions, evaluate_lowered, lower, rule_keyword_truth
from rules.facts import answer_fact, with_findings, with_levels
from tests.answer_samples import random_answers

DEFINITION = load_definition()
PARSER = Parser(DEFINITION.by_id)
COMPILER = RuleConditions(DEFINITION, set(load_rulebook().findings))


def test_the_same_spelling_means_the_same_in_both_files():
    rule = PARSER.parse({"cancer_type": ["nsclc"], "stage": {"none_of": ["early"]}})
    assert rule == ("all", (("in", "cancer_type", ("nsclc",)), ("none_of", "stage", ("early",))))
    question = DEFINITION.visibility["pregnancy"]
    assert question[0] == "all" and ("in", "sex_at_birth", ("female", "unknown")) in question[1]


def test_not_is_always_logical_and_none_of_names_options():
    tree = PARSER.parse({"not": {"any": [{"age": {"lt": 12}}, {"age": {"gt": 60}}]}})
    assert tree[0] == "not"
    assert holds(tree, {"age": 40}) and not holds(tree, {"age": 70})
    assert holds(tree, {})  # no age: neither comparison holds, so NOT holds
    none_of = PARSER.parse({"stage": {"none_of": ["early"]}})
    assert holds(none_of, {}) and holds(none_of, {"stage": "metastatic"}) and not holds(none_of, {"stage": "early"})


@pytest.mark.parametrize(
    "spelling, message",
    [
        ({"stage": {"not": ["early"]}}, "'not' under 'stage' is ambiguous: write {none_of: [...]}"),
        (
            {"prior_treatments": ["surgery"]},
            "'in' needs a single-choice question; 'prior_treatments' is multi_choice (use includes/excludes)",
        ),
        ({"stage": {"includes": ["early"]}}, "'includes' needs a multi-choice question"),
        ({"stage": ["stage_5"]}, "'stage' has no option 'stage_5'"),
        ({"age": {"lt": "12"}}, "'lt' needs a number question and a number"),
        ({"age": {"status": ["maybe"]}}, "unknown status 'maybe'"),
        ({"sex_at_birth": [True]}, "must be quoted"),
        ({"cancer_typ": ["nsclc"]}, "unknown answer id or keyword 'cancer_typ'"),
        ({"any": []}, "'any' needs a non-empty list"),
    ],
)
def test_misspellings_say_what_is_wrong(spelling, message):
    with pytest.raises(ConditionError) as error:
        PARSER.parse(spelling)
    assert message in str(error.value)


def test_unanswered_unknown_and_hidden_have_their_own_status():
    asked = PARSER.parse({"ecog": {"status": ["unanswered"]}})
    unknown = PARSER.parse({"ecog": {"status": ["unknown"]}})
    hidden = PARSER.parse({"ecog": {"status": ["not_asked"]}})
    assert holds(asked, {}) and not holds(asked, {"ecog": "1"})
    assert holds(unknown, {"ecog": "unknown"})
    assert holds(hidden, {"ecog": "1"}, shown=lambda q: q != "ecog")


# Random trees over real questions, compared three ways: the plain-Python meaning of the tree, and
# the lowered (NOT pushed to the leaves) comparisons over the engine's fact.
LEAVES = [
    {"cancer_type": ["nsclc", "unknown"]},
    {"stage": {"none_of": ["early"]}},
    {"ecog": {"status": ["unknown", "unanswered"]}},
    {"prior_treatments": {"includes": ["surgery", "car_t"]}},
    {"prior_treatments": {"excludes": ["none"]}},
    {"age": {"gte": 70}},
    {"prior_lines": {"lt": 2}},
    {"pd_l1_tps": {"status": ["not_asked"]}},
    {"finding": ["advanced"]},
    {"not_finding": ["adult"]},
    {"level_of": {"car_t": ["none", "not_typical"]}},
    {"commonly_considered_count": {"lte": 0}},
]


def _groups(depth: int):
    leaf = st.sampled_from(LEAVES)
    if depth == 0:
        return leaf
    inner = _groups(depth - 1)
    return st.one_of(
        leaf,
        st.lists(inner, min_size=1, max_size=3).map(lambda g: {"any": g}),
        st.lists(inner, min_size=1, max_size=3).map(lambda g: {"all": g}),
        inner.map(lambda g: {"not": g}),
    )


@settings(max_examples=300, deadline=None)
@given(
    spelling=_groups(3),
    seed=st.integers(0, 10_000),
    findings=st.sets(st.sampled_from(["advanced", "adult"])),
    car_t=st.sampled_from(["none", "not_typical", "may_be_considered", "commonly_considered"]),
    count=st.integers(0, 3),
)
def test_lowering_keeps_the_meaning_of_every_tree(spelling, seed, findings, car_t, count):
    book = load_rulebook()
    compiled = COMPILER.compile(spelling)
    answers = random_answers(random.Random(seed))
    levels = {"car_t": car_t} if car_t != "none" else {}
    truth = rule_keyword_truth(frozenset(findings), levels, count)
    expected = holds(compiled.tree, answers.given(), answers.visible.__contains__, truth)
    fact = with_levels(with_findings(answer_fact(answers, book.definition), book.findings, findings), levels, count)
    assert evaluate_lowered(lower(compiled.tree), fact) == expected
