"""The Assessment: the output contract every report, export and screen reads, and the tool identity.

How one is built is in `assess.py`. This module loads no file, so importing `rules` stays cheap and
`python -m rules` can report a broken rule or question file itself.

The contract (JSON field names and meanings) is what PDF, CSV, JSON, FHIR and the UI rely on:
categories each with exactly one level, its reasons (rule id, plain text, answers used), what may
affect suitability, sources; urgent notices with their tier and the signs chosen; missing
information; questions to ask; the disclaimer.
"""

from __future__ import annotations

from pydantic import Field

from .vocabulary import URGENT_TIERS, Category, Level, Severity, Strict, Topic, UrgentTier

TOOL_NAME = "ImmunoPrep"
TOOL_VERSION = "0.1.0"
_Model = Strict


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
    language: str = "en"  # of every text below; ids stay language-neutral
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
