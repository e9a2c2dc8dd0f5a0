"""The declarative immunotherapy rule set: rule files compiled once to durable-rules, and `assess`.

The names below load on first use (PEP 562) from `rules.runtime`, which reads and compiles the rule
files. `from rules import assess` behaves as before; the gain is that `python -m rules` can report a
broken rule or question file as one clear line instead of dying while Python imports this package.
"""
from importlib import import_module

__all__ = [
    "Assessment", "CategoryResult", "RULEBOOK", "ENGINE", "assess", "assess_reference", "Rulebook",
    "RuleFileError", "RuleEngine", "RuleEngineError", "CATEGORIES", "LEVELS", "LEVEL_LABELS", "TOPICS",
]


def __getattr__(name: str):
    if name in __all__:
        return getattr(import_module(".runtime", __name__), name)
    raise AttributeError(f"module 'rules' has no attribute {name!r}")
