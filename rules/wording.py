"""What the rule set says to a reader, per language.

English is the rule files and content.yaml themselves. Another language is a folder of overlays,
`rules/i18n/<language>/`: `content.yaml` (category texts, disclaimer, urgent wording, general
questions) and one file per rule family giving each rule's `because` (and `ask`). Ids, levels,
conditions and sources stay in the English files alone. Every text a reader can meet must be in the
overlay (findings are never shown, so they need none): a missing or extra entry names the file and id.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from .errors import RuleFileError

if TYPE_CHECKING:
    from .kit_content import KitContent
    from .rulebook import Content, Rulebook

I18N_DIR = Path(__file__).parent / "i18n"
CATEGORY_TEXTS = ("title", "summary", "how_given", "side_effects", "practical")
# A finding's `because` is never shown; every other rule's can be (a nurse sees why a kit part is there).
SHOWN_KINDS = ("category", "consideration", "urgent", "missing", "bring", "help", "timeline", "wallet_card")


@dataclass(frozen=True)
class Wording:
    language: str
    reviewed: dt.date
    content: Content
    because: dict[str, str]  # rule id → reason text
    ask: dict[str, str]  # rule id → question for the doctor
    kit: KitContent  # help-lines, timelines, wallet card and living-well words


def english(book: Rulebook) -> Wording:
    return Wording("en", book.content.reviewed, book.content, {r.id: r.spec.because for r in book.rules},
                   {r.id: r.spec.ask for r in book.rules if r.spec.ask}, book.kit)  # fmt: skip


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise RuleFileError(f"{path.relative_to(I18N_DIR.parent)}: cannot read: {error}") from None


def _texts(given: Any, keys: tuple[str, ...], where: str) -> dict[str, str]:
    if not isinstance(given, dict):
        raise RuleFileError(f"{where}: missing")
    out = {}
    for key in keys:
        value = given.get(key)
        if not isinstance(value, str) or not value.strip():
            raise RuleFileError(f"{where}: missing '{key}'")
        out[key] = value
    return out


def _content(book: Rulebook, folder: Path) -> tuple[Content, dt.date]:
    name = f"i18n/{folder.name}/content.yaml"
    raw = _read(folder / "content.yaml") or {}
    merged = copy.deepcopy(book.content.model_dump())
    merged["disclaimer"] = _texts(raw, ("disclaimer",), name)["disclaimer"]
    for tier in merged["urgent"]:
        merged["urgent"][tier] = _texts((raw.get("urgent") or {}).get(tier), ("title", "signs_intro", "footer"),
                                        f"{name}: urgent '{tier}'")  # fmt: skip
    general = raw.get("general_questions") or []
    if len(general) != len(merged["general_questions"]):
        raise RuleFileError(f"{name}: general_questions needs {len(merged['general_questions'])} questions")
    merged["general_questions"] = general
    for category, entry in merged["categories"].items():
        given = (raw.get("categories") or {}).get(category)
        entry.update(_texts(given, CATEGORY_TEXTS, f"{name}: category '{category}'"))
        questions = given.get("questions") or []
        if len(questions) != len(entry["questions"]):
            raise RuleFileError(f"{name}: category '{category}' needs {len(entry['questions'])} questions")
        entry["questions"] = questions
    reviewed = raw.get("reviewed")
    if not isinstance(reviewed, dt.date):
        raise RuleFileError(f"{name}: needs a 'reviewed' date")
    merged["reviewed"] = reviewed
    try:
        return type(book.content).model_validate(merged), reviewed
    except ValidationError as error:
        raise RuleFileError(f"{name}: {error.errors()[0]['msg']}") from None


def translated(book: Rulebook, language: str) -> Wording:
    folder = I18N_DIR / language
    if not folder.is_dir():
        raise RuleFileError(f"rules/i18n/{language}: no wording for language '{language}'")
    content, reviewed = _content(book, folder)
    because: dict[str, str] = {}
    ask: dict[str, str] = {}
    for family_file in sorted({rule.file for rule in book.rules}):
        shown = [r for r in book.rules if r.file == family_file and r.spec.then.kind in SHOWN_KINDS]
        if not shown:
            continue
        name = f"i18n/{language}/{family_file}"
        raw = _read(folder / family_file) or {}
        given = raw.get("rules") or {}
        extra = set(given) - {r.id for r in book.rules if r.file == family_file}
        if extra:
            raise RuleFileError(f"{name}: rules {sorted(extra)} are not in families/{family_file}")
        for rule in shown:
            keys = ("because", "ask") if rule.spec.ask else ("because",)
            texts = _texts(given.get(rule.id), keys, f"{name}: rule '{rule.id}'")
            because[rule.id] = texts["because"]
            if rule.spec.ask:
                ask[rule.id] = texts["ask"]
        file_reviewed = raw.get("reviewed")
        if isinstance(file_reviewed, dt.date):
            reviewed = min(reviewed, file_reviewed)
    kit, kit_reviewed = _kit(book, folder)
    return Wording(language, min(reviewed, kit_reviewed), content, because, ask, kit)


def _kit(book: Rulebook, folder: Path) -> tuple[KitContent, dt.date]:
    from .kit_content import overlay

    name = f"i18n/{folder.name}/kit.yaml"
    raw = _read(folder / "kit.yaml") or {}
    reviewed = raw.pop("reviewed", None)
    for key in ("language", "status"):  # the overlay's own labels, as in the other overlays
        raw.pop(key, None)
    if not isinstance(reviewed, dt.date):
        raise RuleFileError(f"{name}: needs a 'reviewed' date")
    try:
        merged = overlay(book.kit.model_dump(), raw, name)
        merged["reviewed"] = reviewed
        return type(book.kit).model_validate(merged), reviewed
    except ValueError as error:  # pydantic's ValidationError is a ValueError too
        raise RuleFileError(str(error).splitlines()[0]) from None
