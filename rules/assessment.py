"""The Assessment: the output contract every report, export and screen reads, and the tool identity.

How one is built is in `assess.py`. This module loads no file, so importing `rules` stays cheap and
`python -m rules` can report a broken rule or question file itself.

The contract (JSON field names and meanings) is what PDF, CSV, JSON, FHIR and the UI rely on:
categories each with exactly one level, its reasons (rule id, plain text, answers used), what may
affect suitability, sources; urgent notices with their tier and the signs chosen; missing
information; questions to ask; the disclaimer; the appointment kit (what to bring, help-lines,
timelines, wallet card, living-well note).
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


class HelpLine(_Model):
    """A free national help service: who, what for, how to reach it, and why it is shown."""

    id: str
    rule: str
    name: str
    what: str
    phone: str
    web: str
    hours: str
    why: str
    source: SourceRef


class TimelineStep(_Model):
    title: str
    when: str


class Timeline(_Model):
    """What to expect with a treatment, as steps in order (drawn as a picture, read as a list)."""

    id: str
    rule: str
    title: str
    steps: list[TimelineStep]
    note: str
    sources: list[SourceRef]


class WalletCard(_Model):
    """A cut-out card for people who had immunotherapy in the last 12 months or cell therapy at any time."""

    rule: str
    therapies: list[str]  # current_immunotherapy option ids (language-neutral)
    therapy_names: list[str]  # the same, as short names in the assessment's language
    title: str
    intro: str
    lines: list[str]
    date_line: str
    team_line: str
    phone_line: str
    sources: list[SourceRef]


class LivingWellNote(_Model):
    title: str
    points: list[str]
    sources: list[SourceRef]


class BringItem(_Model):
    rule: str
    text: str


class AppointmentKit(_Model):
    """Preparing for the appointment: what to bring, who can help, what to expect, the wallet card."""

    bring: list[BringItem]
    help: list[HelpLine]
    timelines: list[Timeline]
    wallet_card: WalletCard | None
    living_well: LivingWellNote


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
    kit: AppointmentKit

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
