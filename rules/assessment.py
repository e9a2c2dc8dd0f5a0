"""The Assessment (DESIGN.md contract) and how fired rules become one.

`assemble` runs the three layers through any runner — the durable-rules engine in production, the
plain-Python reference evaluator in tests and benchmarks — so both share every other step.
"""
from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from questionnaire import Answers

from .conditions import evaluate
from .facts import answer_fact, with_findings, with_levels
from .rulebook import Rule, Rulebook
from .vocabulary import CATEGORIES, LEVELS, URGENT_TIERS, Category, Level, Severity, Topic, UrgentTier

TOOL_NAME = "ImmunoPrep"
TOOL_VERSION = "0.1.0"
MAX_QUESTIONS = 12


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceRef(_Model):
    title: str
    url: str


class Reason(_Model):
    rule: str
    text: str
    answers: list[str]


class ConsiderationItem(_Model):
    topic: Topic
    rule: str
    text: str
    severity: Severity


class CategoryResult(_Model):
    id: Category
    title: str
    level: Level
    summary: str
    how_given: str
    side_effects: str
    practical: str
    reasons: list[Reason] = Field(min_length=1)
    considerations: list[ConsiderationItem]
    sources: list[SourceRef]


class UrgentItem(_Model):
    """A warning: its tier, and the signs the person chose that set it off (options of `question`)."""

    rule: str
    text: str
    tier: UrgentTier
    question: str
    signs: list[str]


class MissingItem(_Model):
    question: str
    text: str


class ToolInfo(_Model):
    name: str
    version: str
    rules_version: str
    rules_reviewed: str


class Assessment(_Model):
    tool: ToolInfo
    categories: list[CategoryResult]
    urgent: list[UrgentItem]
    missing_information: list[MissingItem]
    questions_to_ask: list[str]
    disclaimer: str

    def category(self, category_id: str) -> CategoryResult:
        return next(c for c in self.categories if c.id == category_id)

    def levels(self) -> dict[str, str]:
        return {c.id: c.level for c in self.categories}

    def urgent_by_tier(self) -> list[tuple[str, list[str], list[str]]]:
        """(tier, signs chosen, reasons) for each tier present, most urgent first; signs and reasons once."""
        grouped: dict[str, tuple[list[str], list[str]]] = {}
        for item in self.urgent:
            signs, texts = grouped.setdefault(item.tier, ([], []))
            signs.extend(s for s in item.signs if s not in signs)
            if item.text not in texts:
                texts.append(item.text)
        return [(tier, *grouped[tier]) for tier in URGENT_TIERS if tier in grouped]


class Runner(Protocol):
    def run(self, layer: str, fact: dict[str, Any]) -> list[str]: ...


class ReferenceRunner:
    """Evaluates the compiled condition trees in plain Python (no engine)."""

    def __init__(self, rulebook: Rulebook):
        self._layers = {name: [(r.id, r.condition.tree) for r in rulebook.layer(name)] for name in ("findings", "outcomes", "after_levels")}

    def run(self, layer: str, fact: dict[str, Any]) -> list[str]:
        return [rule_id for rule_id, tree in self._layers[layer] if evaluate(tree, fact)]


def _rank(level: str) -> int:
    return LEVELS.index(level)


def _resolve_levels(rules: list[Rule]) -> dict[str, str]:
    levels: dict[str, str] = {}
    for rule in rules:
        then = rule.spec.then
        if then.category and (then.category not in levels or _rank(then.level) < _rank(levels[then.category])):
            levels[then.category] = then.level
    return levels


def _dedupe(items: list) -> list:
    seen, out = set(), []
    for item in items:
        key = item if isinstance(item, str) else item.model_dump_json()
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _urgent_item(rule: Rule, answers: Any) -> UrgentItem:
    urgent = rule.spec.then.urgent
    chosen = getattr(answers, urgent.signs) or []
    looked_for = rule.condition.includes[urgent.signs]
    return UrgentItem(rule=rule.id, text=rule.spec.because, tier=urgent.tier, question=urgent.signs,
                      signs=[option for option in chosen if option in looked_for])


def assemble(answers: Any, rulebook: Rulebook, runner: Runner) -> Assessment:
    if not isinstance(answers, Answers):
        raise TypeError(f"assess() needs a validated questionnaire.Answers, not {type(answers).__name__}; "
                        "use questionnaire.validate_answers() first")
    by_id = rulebook.by_id

    def fired(layer: str, fact: dict[str, Any]) -> list[Rule]:
        return sorted((by_id[rule_id] for rule_id in set(runner.run(layer, fact))), key=lambda r: r.order)

    base = answer_fact(answers, rulebook.definition)
    findings = {rule.spec.then.finding for rule in fired("findings", base)}
    fact = with_findings(base, rulebook.findings, findings)
    outcomes = fired("outcomes", fact)
    after = fired("after_levels", with_levels(fact, _resolve_levels(outcomes)))
    applied = sorted(outcomes + after, key=lambda r: r.order)
    levels = _resolve_levels(applied)

    content = rulebook.content
    sources = rulebook.sources
    categories: list[CategoryResult] = []
    asks: list[str] = []
    for category in CATEGORIES:
        level = levels[category]  # every family has a default rule, so every category has a level
        text = content.categories[category]
        reasons = [r for r in applied if r.spec.then.category == category and r.spec.then.level == level]
        shown = level != "not_typical"
        considerations = [
            r for r in applied
            if shown and r.spec.then.consideration and category in r.spec.then.consideration.categories
        ]
        source_keys = _dedupe([k for r in reasons + considerations for k in r.spec.sources] + list(text.sources))
        categories.append(CategoryResult(
            id=category, title=text.title, level=level, summary=text.summary, how_given=text.how_given,
            side_effects=text.side_effects, practical=text.practical,
            reasons=[Reason(rule=r.id, text=r.spec.because, answers=list(r.answers_used)) for r in reasons],
            considerations=[ConsiderationItem(topic=r.spec.then.consideration.topic, rule=r.id, text=r.spec.because,
                                              severity=r.spec.then.consideration.severity) for r in considerations],
            sources=[SourceRef(title=sources[k].title, url=sources[k].url) for k in source_keys],
        ))
        if shown:
            asks.extend(text.questions[:2])
            asks.extend(r.spec.ask for r in reasons + considerations if r.spec.ask)

    urgent = sorted((_urgent_item(rule, answers) for rule in applied if rule.spec.then.urgent),
                    key=lambda item: URGENT_TIERS.index(item.tier))
    missing: dict[str, MissingItem] = {}
    for rule in applied:
        question = rule.spec.then.missing
        if question and question not in missing:
            missing[question] = MissingItem(question=question, text=rule.spec.because)
    general = list(content.general_questions)
    questions = _dedupe(general[:2] + asks + general[2:])[:MAX_QUESTIONS]

    return Assessment(
        tool=ToolInfo(name=TOOL_NAME, version=TOOL_VERSION, rules_version=rulebook.version,
                      rules_reviewed=rulebook.reviewed.isoformat()),
        categories=categories,
        urgent=urgent,
        missing_information=list(missing.values()),
        questions_to_ask=questions,
        disclaimer=content.disclaimer,
    )
