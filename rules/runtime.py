"""The rule files compiled once to durable-rules at import, and `assess`. Import it through `rules`."""
from __future__ import annotations

from .assessment import Assessment, CategoryResult, ReferenceRunner, assemble
from .engine import RuleEngine, RuleEngineError
from .rulebook import Rulebook, RuleFileError
from .vocabulary import CATEGORIES, LEVEL_LABELS, LEVELS, TOPICS

RULEBOOK = Rulebook()
ENGINE = RuleEngine({layer: [(r.id, r.condition.tree) for r in RULEBOOK.layer(layer)]
                     for layer in ("findings", "outcomes", "after_levels")})


def assess(answers) -> Assessment:
    """One educational assessment for validated Answers (thread-safe; the engine lock serialises)."""
    return assemble(answers, RULEBOOK, ENGINE)


def assess_reference(answers) -> Assessment:
    """The same assessment computed without the engine (plain Python), for tests and benchmarks."""
    return assemble(answers, RULEBOOK, ReferenceRunner(RULEBOOK))


__all__ = [
    "Assessment", "CategoryResult", "RULEBOOK", "ENGINE", "assess", "assess_reference", "Rulebook",
    "RuleFileError", "RuleEngine", "RuleEngineError", "CATEGORIES", "LEVELS", "LEVEL_LABELS", "TOPICS",
]
