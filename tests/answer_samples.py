"""Random but valid Answers, for engine and property tests (shared so both use the same shapes)."""

import random

from questionnaire import Answers, load_definition, visible_questions


def random_answers(rng: random.Random) -> Answers:
    answers: dict = {}
    for _ in range(2):  # a second pass answers questions the first pass made visible
        for question in visible_questions(answers):
            if question.id in answers or rng.random() < 0.25:
                continue
            if question.type == "choice":
                answers[question.id] = rng.choice(question.option_ids)
            elif question.type == "multi_choice":
                plain = [o for o in question.option_ids if o not in question.exclusive]
                if rng.random() < 0.2:
                    answers[question.id] = [rng.choice(question.exclusive)]
                else:
                    answers[question.id] = rng.sample(plain, k=rng.randint(1, min(4, len(plain))))
            elif question.type == "number":
                low, high = question.range
                if rng.random() < 0.1:
                    answers[question.id] = "unknown"
                else:
                    value = rng.uniform(low, high)
                    answers[question.id] = int(value) if question.integer else round(value, 1)
            else:
                answers[question.id] = "free text"
    return Answers.model_validate(answers)


def sample_answers(rng: random.Random, count: int) -> list[Answers]:
    load_definition()
    return [random_answers(rng) for _ in range(count)]
