"""The appointment kit's content (`rules/kit.yaml`): help-lines, treatment timelines, the wallet card's
words and the note on eating and activity. Which parts a person sees is decided by the rules in
`families/appointment_kit.yaml`; this file holds what those parts say and where each fact comes from.

A translation (`i18n/<language>/kit.yaml`) gives every text again in the same shape; phone numbers,
addresses and sources stay in the English file alone, so a translation cannot change them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from .vocabulary import Strict

TEXT_KEYS = frozenset({"name", "what", "hours", "title", "when", "note", "intro", "lines", "points", "therapies",
                       "team_line", "phone_line", "date_line", "description"})  # fmt: skip


class HelpServiceContent(Strict):
    name: str
    what: str
    phone: str = Field(pattern=r"^[0-9A-Z() -]+$")
    web: str = Field(pattern=r"^https://")
    hours: str
    source: str


class TimelineStep(Strict):
    title: str
    when: str


class TimelineContent(Strict):
    title: str
    steps: tuple[TimelineStep, ...] = Field(min_length=3, max_length=7)
    note: str
    sources: tuple[str, ...] = Field(min_length=1)


class WalletCardWords(Strict):
    title: str
    intro: str
    therapies: dict[str, str]  # current_immunotherapy option → short name that fits on the card
    lines: tuple[str, ...] = Field(min_length=1, max_length=3)
    date_line: str
    team_line: str
    phone_line: str
    sources: tuple[str, ...] = Field(min_length=1)


class LivingWell(Strict):
    title: str
    points: tuple[str, ...] = Field(min_length=1, max_length=5)
    sources: tuple[str, ...] = Field(min_length=1)


class KitContent(Strict):
    reviewed: dt.date
    help_services: dict[str, HelpServiceContent]
    timelines: dict[str, TimelineContent]
    wallet_card: WalletCardWords
    living_well: LivingWell

    def texts(self) -> list[tuple[str, str]]:
        """(where, text) for every sentence a reader meets, for the reading-level checks."""
        out = [(f"help_services.{k}.what", s.what) for k, s in self.help_services.items()]
        out += [(f"timelines.{k}.note", t.note) for k, t in self.timelines.items()]
        out += [(f"wallet_card.lines[{i}]", line) for i, line in enumerate(self.wallet_card.lines)]
        out += [(f"living_well.points[{i}]", point) for i, point in enumerate(self.living_well.points)]
        return out

    def source_keys(self) -> list[tuple[str, str]]:
        """(where, source key) for every source the content cites, to check against sources.yaml."""
        cited = [(f"help_services.{k}", s.source) for k, s in self.help_services.items()]
        cited += [(f"timelines.{k}", key) for k, t in self.timelines.items() for key in t.sources]
        cited += [("wallet_card", key) for key in self.wallet_card.sources]
        cited += [("living_well", key) for key in self.living_well.sources]
        return cited


def overlay(english: Any, given: Any, where: str, all_text: bool = False) -> Any:
    """`english` with every text replaced by the translation's, which must have the same shape.

    Texts are the strings under TEXT_KEYS (and everything inside them); the rest (phone numbers,
    addresses, source keys) is kept from the English file and may be left out of the translation."""
    if isinstance(english, dict):
        given = given if isinstance(given, dict) else {}
        extra = set(given) - set(english)
        if extra:
            raise ValueError(f"{where}: unknown entries {sorted(extra)}")
        out = {}
        for key, value in english.items():
            texts = all_text or key in TEXT_KEYS
            if key == "sources" or (isinstance(value, (str, dt.date)) and not texts):
                out[key] = value
            else:
                out[key] = overlay(value, given.get(key), f"{where}.{key}", texts)
        return out
    if isinstance(english, (list, tuple)):
        if not isinstance(given, list) or len(given) != len(english):
            raise ValueError(f"{where}: needs {len(english)} entries")
        return [overlay(e, g, f"{where}[{i}]", all_text) for i, (e, g) in enumerate(zip(english, given, strict=True))]
    if not isinstance(given, str) or not given.strip():
        raise ValueError(f"{where}: missing text")
    return given
