"""Property-based: any valid answers give a complete, deterministic, explained assessment."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules import CATEGORIES, assess, assess_reference, load_rulebook
from tests.answer_samples import random_answers

RULEBOOK = load_rulebook()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32))
def test_any_valid_answers_give_a_complete_assessment(seed):
    answers = random_answers(random.Random(seed))
    result = assess(answers)
    assert [c.id for c in result.categories] == list(CATEGORIES)
    for category in result.categories:
        assert category.reasons
        for reason in category.reasons:
            assert reason.rule in RULEBOOK.by_id
            assert RULEBOOK.by_id[reason.rule].spec.then.category == category.id
        for consideration in category.considerations:
            assert consideration.rule in RULEBOOK.by_id
        assert category.level != "not_typical" or not category.considerations
    assert result.disclaimer and result.questions_to_ask
    assert result == assess(answers) == assess_reference(answers)
    given_answers = answers.given()
    for category in result.categories:
        for reason in category.reasons:
            assert set(reason.answers) <= set(RULEBOOK.definition.by_id)
    assert set(given_answers) <= set(RULEBOOK.definition.by_id)
