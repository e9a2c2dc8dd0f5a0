"""The engine wrapper: correct, deterministic, thread-safe, and it frees every session."""

import random
import threading

import pytest

from questionnaire import Answers
from rules import assess, assess_reference, load_engine
from rules.engine import RuleEngine
from tests.answer_samples import sample_answers

ENGINE = load_engine()


def test_assess_rejects_unvalidated_input():
    with pytest.raises(TypeError, match="validated questionnaire.Answers"):
        assess({"cancer_type": "nsclc"})


def test_same_answers_same_assessment():
    answers = Answers(cancer_type="dlbcl", disease_course="refractory", prior_lines=3)
    assert assess(answers).model_dump_json() == assess(answers).model_dump_json()


def test_engine_agrees_with_plain_python_reference():
    rng = random.Random(7)
    for answers in sample_answers(rng, 300):
        assert assess(answers) == assess_reference(answers)


def test_concurrent_assessments_match_sequential_results():
    rng = random.Random(11)
    pool = sample_answers(rng, 60)
    expected = [assess(a).model_dump_json() for a in pool]
    failures: list[str] = []

    def worker(offset: int) -> None:
        for i in range(150):
            index = (offset * 7 + i) % len(pool)
            if assess(pool[index]).model_dump_json() != expected[index]:
                failures.append(f"thread {offset} call {i}")

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_fifteen_hundred_assessments_past_the_session_cap():
    # durable-rules keeps at most 1024 live sessions per ruleset; every call must free its own.
    rng = random.Random(3)
    pool = sample_answers(rng, 30)
    for i in range(1500):
        assert len(assess(pool[i % len(pool)]).categories) == 11


def test_a_fact_no_rule_matches_is_no_outcome_not_an_error():
    engine = RuleEngine({"only": [("never.fires", ("eq", "cancer_type", "none_such"))]}, namespace="test_nomatch")
    for _ in range(1500):
        assert engine.run("only", {"kind": "answers", "cancer_type": "nsclc"}) == []
    assert engine.run("only", {"kind": "answers", "cancer_type": "none_such"}) == ["never.fires"]


def test_numeric_rule_after_non_matching_fact_does_not_crash():
    # Regression: without a catch-all rule, the call after an unmatched fact could segfault.
    engine = RuleEngine(
        {"n": [("low", ("and", [("eq", "x__status", "answered"), ("lt", "x", 40)]))]}, namespace="test_numeric"
    )
    assert engine.run("n", {"kind": "answers", "x": 0, "x__status": "unknown"}) == []
    assert engine.run("n", {"kind": "answers", "x": 30, "x__status": "answered"}) == ["low"]


def test_engine_has_no_background_threads_touching_it():
    names = [t.name for t in threading.enumerate()]
    assert not any("Timer" in type(t).__name__ for t in threading.enumerate()), names
    assert ENGINE is not None
