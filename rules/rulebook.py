"""Load the rule files, check them against the questionnaire and the vocabularies, and layer them.

A rule that names an unknown answer id, option, finding, category, topic or source fails here, at
import, with the file and the rule id — never in a patient's session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError, model_validator

from questionnaire import Definition, load_definition

from .conditions import Compiled, ConditionError, RuleConditions
from .errors import RuleFileError
from .kit_content import KitContent
from .vocabulary import CATEGORIES, LEVELS, SEVERITIES, TOPICS, URGENT_TIERS, Strict

RULES_DIR = Path(__file__).parent
FAMILIES_DIR = RULES_DIR / "families"
# The appointment kit runs last: what to bring, help-lines and timelines may depend on the final levels.
LAYERS = ("findings", "outcomes", "after_levels", "kit")
OUTCOME_KINDS = (
    "finding",
    "category",
    "consideration",
    "urgent",
    "missing",
    "bring",
    "help",
    "timeline",
    "wallet_card",
)
KIT_KINDS = ("bring", "help", "timeline", "wallet_card")


class Consideration(Strict):
    topic: Literal[TOPICS]  # type: ignore[valid-type]
    severity: Literal[SEVERITIES]  # type: ignore[valid-type]
    categories: tuple[Literal[CATEGORIES], ...] = Field(min_length=1)  # type: ignore[valid-type]


class Urgent(Strict):
    tier: Literal[URGENT_TIERS]  # type: ignore[valid-type]
    signs: str  # the multi-choice question whose chosen options are the signs to name


class Then(Strict):
    finding: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    category: Literal[CATEGORIES] | None = None  # type: ignore[valid-type]
    level: Literal[LEVELS] | None = None  # type: ignore[valid-type]
    consideration: Consideration | None = None
    urgent: Urgent | None = None
    missing: str | None = None
    bring: Literal[True] | None = None  # the rule's `because` is one thing to bring
    help: str | None = None  # a help-line of kit.yaml
    timeline: str | None = None  # a "what to expect" timeline of kit.yaml
    wallet_card: Literal[True] | None = None

    @model_validator(mode="after")
    def _one_outcome(self) -> Then:
        kinds = [k for k in OUTCOME_KINDS if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(f"'then' needs exactly one outcome, got {kinds or 'none'}")
        if (self.category is None) != (self.level is None):
            raise ValueError("a category outcome needs both 'category' and 'level'")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in OUTCOME_KINDS if getattr(self, k) is not None)


class RuleSpec(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
    when: dict[str, Any]
    then: Then
    because: str = Field(min_length=10)
    sources: tuple[str, ...] = Field(min_length=1)
    ask: str | None = None


@dataclass(frozen=True)
class Rule:
    spec: RuleSpec
    family: str
    file: str
    order: int
    condition: Compiled
    layer: str
    answers_used: tuple[str, ...]
    reviewed: dt.date  # the rule file's review date

    @property
    def id(self) -> str:
        return self.spec.id


SOURCE_KINDS = ("label", "fda_notice", "approval_report", "guideline", "journal_article", "patient_page", "reference")


class OpenFdaLabel(Strict):
    """How openFDA's drug-label endpoint finds this label (one of the two)."""

    brand_name: str | None = None
    generic_name: str | None = None

    @model_validator(mode="after")
    def _one_name(self) -> OpenFdaLabel:
        if (self.brand_name is None) == (self.generic_name is None):
            raise ValueError("'openfda' needs exactly one of brand_name or generic_name")
        return self

    @property
    def search(self) -> str:
        field, value = ("brand_name", self.brand_name) if self.brand_name else ("generic_name", self.generic_name)
        return f'openfda.{field}:"{value}"'


class Source(Strict):
    title: str
    url: str = Field(pattern=r"^https://")
    kind: Literal[SOURCE_KINDS]  # type: ignore[valid-type]
    published: str | None = Field(default=None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    openfda: OpenFdaLabel | None = None
    checked: dt.date

    @model_validator(mode="after")
    def _labels_findable(self) -> Source:
        if (self.kind == "label") != (self.openfda is not None):
            raise ValueError("a 'label' source needs 'openfda' (and only labels have it)")
        if self.checked > dt.date.today():
            raise ValueError(f"'checked' date {self.checked} is in the future")
        return self


class FamilyFile(Strict):
    family: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    reviewed: dt.date
    rules: list[dict[str, Any]] = Field(min_length=1)


class CategoryContent(Strict):
    title: str
    summary: str
    how_given: str
    side_effects: str
    practical: str
    questions: tuple[str, ...]
    sources: tuple[str, ...]


class UrgentWording(Strict):
    title: str
    signs_intro: str
    footer: str


class Content(Strict):
    reviewed: dt.date
    disclaimer: str
    urgent: dict[Literal[URGENT_TIERS], UrgentWording]  # type: ignore[valid-type]
    general_questions: tuple[str, ...]
    categories: dict[Literal[CATEGORIES], CategoryContent]  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _every_category(self) -> Content:
        missing = set(CATEGORIES) - set(self.categories)
        if missing:
            raise ValueError(f"content is missing categories {sorted(missing)}")
        if set(self.urgent) != set(URGENT_TIERS):
            raise ValueError(f"content 'urgent' needs wording for each tier {list(URGENT_TIERS)}")
        return self


# A rule id starts with what the rule decides: the category it sets, or its kind of outcome.
OUTCOME_PREFIXES = {"finding": "finding", "consideration": "consider", "urgent": "urgent", "missing": "missing",
                    "bring": "bring", "help": "help", "timeline": "timeline", "wallet_card": "card"}  # fmt: skip


def expected_prefix(then: Then) -> str:
    return then.category if then.kind == "category" else OUTCOME_PREFIXES[then.kind]


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise RuleFileError(f"{path.name}: cannot read: {error}") from None


def _pydantic_message(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{first['msg']} (at {where})" if where else first["msg"]


class Rulebook:
    """Every rule, source and content entry, checked and layered; built once per process."""

    def __init__(
        self, families_dir: Path = FAMILIES_DIR, rules_dir: Path = RULES_DIR, definition: Definition | None = None
    ):
        self.definition = definition or load_definition()
        self.files = sorted(families_dir.glob("*.yaml"))
        if not self.files:
            raise RuleFileError(f"{families_dir}: no rule files found")
        self.sources = self._load_sources(rules_dir / "sources.yaml")
        self.content = self._load_content(rules_dir / "content.yaml")
        self.kit = self._load_kit(rules_dir / "kit.yaml")
        self._wordings: dict = {}
        self.release = self._load_release(rules_dir / "ruleset.yaml")
        self.rules = self._load_rules()
        translations = sorted((rules_dir / "i18n").glob("*/*.yaml"))
        self.digest = self._hash(
            [*self.files, *(rules_dir / name for name in ("sources.yaml", "content.yaml", "kit.yaml")), *translations]
        )
        # The release a clinician bumps, plus a digest of the files, so that any edit shows.
        self.version = f"{self.release}+{self.digest}"

    # -- loading -----------------------------------------------------------------------------
    def _load_sources(self, path: Path) -> dict[str, Source]:
        raw = _read_yaml(path) or {}
        try:
            return {key: Source.model_validate(value) for key, value in (raw.get("sources") or {}).items()}
        except ValidationError as error:
            raise RuleFileError(f"{path.name}: {_pydantic_message(error)}") from None

    @staticmethod
    def _load_release(path: Path) -> str:
        raw = _read_yaml(path)
        version = raw.get("version") if isinstance(raw, dict) else None
        if not isinstance(version, str) or not re.fullmatch(r"\d+\.\d+\.\d+", version):
            raise RuleFileError(f"{path.name}: 'version' must be a release number such as 2.0.0")
        return version

    def _load_content(self, path: Path) -> Content:
        try:
            content = Content.model_validate(_read_yaml(path))
        except ValidationError as error:
            raise RuleFileError(f"{path.name}: {_pydantic_message(error)}") from None
        for category, entry in content.categories.items():
            for key in entry.sources:
                if key not in self.sources:
                    raise RuleFileError(f"{path.name}: category '{category}': unknown source '{key}'")
        return content

    def _load_kit(self, path: Path) -> KitContent:
        try:
            kit = KitContent.model_validate(_read_yaml(path))
        except ValidationError as error:
            raise RuleFileError(f"{path.name}: {_pydantic_message(error)}") from None
        for where, key in kit.source_keys():
            if key not in self.sources:
                raise RuleFileError(f"{path.name}: {where}: unknown source '{key}'")
        card_options = set(self.definition.question("current_immunotherapy").option_ids) - {"none", "unknown"}
        if set(kit.wallet_card.therapies) != card_options:
            raise RuleFileError(
                f"{path.name}: wallet_card.therapies needs a short name for each of {sorted(card_options)}"
            )
        return kit

    def _load_rules(self) -> list[Rule]:
        specs: list[tuple[RuleSpec, str, str]] = []
        reviewed: dict[str, dt.date] = {}
        for path in self.files:
            try:
                family_file = FamilyFile.model_validate(_read_yaml(path))
            except ValidationError as error:
                raise RuleFileError(
                    f"{path.name}: {_pydantic_message(error)} "
                    "(a rule file has 'family', 'reviewed' and a list of 'rules')"
                ) from None
            if family_file.reviewed > dt.date.today():
                raise RuleFileError(f"{path.name}: reviewed date {family_file.reviewed} is in the future")
            reviewed[path.name] = family_file.reviewed
            for index, entry in enumerate(family_file.rules):
                rule_id = entry.get("id", f"#{index + 1}")
                try:
                    specs.append((RuleSpec.model_validate(entry), family_file.family, path.name))
                except ValidationError as error:
                    raise RuleFileError(f"{path.name}: rule '{rule_id}': {_pydantic_message(error)}") from None

        seen: dict[str, str] = {}
        for spec, _, file in specs:
            if spec.id in seen:
                raise RuleFileError(f"{file}: rule '{spec.id}': duplicate id (also in {seen[spec.id]})")
            seen[spec.id] = file

        findings = {spec.then.finding for spec, _, _ in specs if spec.then.finding}
        compiler = RuleConditions(self.definition, findings)
        finding_answers: dict[str, set[str]] = {}
        rules: list[Rule] = []
        for order, (spec, family, file) in enumerate(specs):
            where = f"{file}: rule '{spec.id}'"
            try:
                condition = compiler.compile(spec.when)
            except ConditionError as error:
                raise RuleFileError(f"{where}: {error}") from None
            self._check_outcome(spec, where, condition)
            if spec.then.finding:
                finding_answers.setdefault(spec.then.finding, set()).update(condition.questions)
            layer = (
                "findings" if spec.then.finding
                else "kit" if spec.then.kind in KIT_KINDS
                else "after_levels" if condition.uses_levels
                else "outcomes"
            )  # fmt: skip
            rules.append(Rule(spec, family, file, order, condition, layer, (), reviewed[file]))

        # Explanations name the answers a rule used, directly or through the findings it relies on.
        return [
            Rule(
                r.spec,
                r.family,
                r.file,
                r.order,
                r.condition,
                r.layer,
                tuple(sorted(r.condition.questions.union(*(finding_answers[f] for f in r.condition.findings)))),
                r.reviewed,
            )
            for r in rules
        ]

    def _check_outcome(self, spec: RuleSpec, where: str, condition: Compiled) -> None:
        then = spec.then
        if then.missing is not None and then.missing not in self.definition.by_id:
            raise RuleFileError(f"{where}: 'missing' names unknown question '{then.missing}'")
        if then.urgent is not None and then.urgent.signs not in condition.includes:
            raise RuleFileError(
                f"{where}: 'signs' must name a question the rule tests with 'includes', not '{then.urgent.signs}'"
            )
        if then.finding and (condition.findings or condition.uses_levels):
            raise RuleFileError(f"{where}: a finding may only use answers (findings are the first layer)")
        if condition.uses_levels and then.kind not in ("category", *KIT_KINDS):
            raise RuleFileError(f"{where}: rules that look at levels may only set a category level or a kit part")
        if then.help is not None and then.help not in self.kit.help_services:
            raise RuleFileError(f"{where}: 'help' names unknown help-line '{then.help}' (see kit.yaml)")
        if then.timeline is not None and then.timeline not in self.kit.timelines:
            raise RuleFileError(f"{where}: 'timeline' names unknown timeline '{then.timeline}' (see kit.yaml)")
        for key in spec.sources:
            if key not in self.sources:
                raise RuleFileError(f"{where}: unknown source '{key}'")
        prefix = expected_prefix(then)
        if not spec.id.startswith(prefix + "."):
            raise RuleFileError(f"{where}: the id must start with '{prefix}.' so that it leads to what it decides")

    @staticmethod
    def _hash(paths: list[Path]) -> str:
        digest = hashlib.sha256()
        for path in paths:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()[:12]

    # -- views ---------------------------------------------------------------------------------
    def wording(self, language: str = "en"):
        """What the rules say to a reader in `language` (checked complete on first use, then kept)."""
        from . import wording

        if language not in self._wordings:
            self._wordings[language] = wording.english(self) if language == "en" else wording.translated(self, language)
        return self._wordings[language]

    @cached_property
    def by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.rules}

    def layer(self, name: str) -> list[Rule]:
        return [rule for rule in self.rules if rule.layer == name]

    @cached_property
    def findings(self) -> tuple[str, ...]:
        return tuple(sorted({r.spec.then.finding for r in self.rules if r.spec.then.finding}))

    @cached_property
    def reviewed(self) -> dt.date:
        return min([self.content.reviewed, *(rule.reviewed for rule in self.rules)])
