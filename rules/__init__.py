"""The declarative immunotherapy rule set: rule files compiled once to durable-rules, and `assess`.

Importing this package loads no file: the rule and question files are read and compiled the first
time `load_rulebook()`, `load_engine()` or `assess()` is called (then kept for the life of the process). So
`python -m rules` can report a broken file in one line, and `from rules import Assessment` is cheap.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from .assessment import TOOL_NAME, TOOL_VERSION, Assessment, CategoryResult
from .errors import RuleEngineError, RuleFileError
from .vocabulary import CATEGORIES, LEVELS, TOPICS

if TYPE_CHECKING:
    from .engine import RuleEngine
    from .rulebook import Rulebook


@lru_cache(maxsize=1)
def load_rulebook() -> Rulebook:
    """Every rule, source and content entry, checked and layered (raises RuleFileError, DefinitionError)."""
    from .rulebook import Rulebook

    return Rulebook()


@lru_cache(maxsize=1)
def load_engine() -> RuleEngine:
    """The rule book compiled into durable-rules, one ruleset group per layer."""
    from .engine import RuleEngine
    from .rulebook import LAYERS

    book = load_rulebook()
    return RuleEngine({layer: [(r.id, r.condition.lowered) for r in book.layer(layer)] for layer in LAYERS})


@lru_cache(maxsize=1)
def _runners():
    from .assembly import EngineRunner, ReferenceRunner

    return EngineRunner(load_engine(), load_rulebook()), ReferenceRunner(load_rulebook())


def assess(answers, language: str = "en") -> Assessment:
    """One educational assessment for validated Answers, its texts in `language` (thread-safe; the
    engine lock serialises)."""
    from .assembly import assemble

    return assemble(answers, load_rulebook(), _runners()[0], language)


def assess_reference(answers, language: str = "en") -> Assessment:
    """The same assessment computed without the engine (plain Python), for tests and benchmarks."""
    from .assembly import assemble

    return assemble(answers, load_rulebook(), _runners()[1], language)


__all__ = [
    "TOOL_NAME",
    "TOOL_VERSION",
    "Assessment",
    "CategoryResult",
    "RuleEngineError",
    "RuleFileError",
    "CATEGORIES",
    "LEVELS",
    "TOPICS",
    "load_rulebook",
    "load_engine",
    "assess",
    "assess_reference",
]
