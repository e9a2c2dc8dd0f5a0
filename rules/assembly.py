"""How validated answers become one Assessment.

The rules run in four layers (forward chaining), each seeing what the one before it found:

1. **findings** — facts derived from answers alone ("advanced", "relapsed_or_refractory", "adult");
2. **outcomes** — category levels, considerations, urgent notices and missing information, from
   answers and findings;
3. **after_levels** — rules that look at the levels the outcomes gave: each category's default
   ("not typical" when nothing else applied, or "may be considered" when the answers cannot tell)
   and clinical trials when nothing standard fits;
4. **kit** — the appointment kit (what to bring, help-lines, timelines, the wallet card), from the
   answers, findings and the final levels.

Where several rules give a category a level, the highest wins (`LEVELS` order) and only the rules
that gave that level are its reasons. Considerations are shown for categories that are at least
"may be considered". Questions to ask: the first two general questions, then for each category
that is not "not typical" its first two content questions and the `ask` of each rule that applied,
then the remaining general questions; duplicates dropped, at most `MAX_QUESTIONS`.

A runner decides which rules of a layer hold. In production it is the durable-rules engine over a
flat fact; `ReferenceRunner` evaluates the same condition trees in plain Python, and tests check
that both always agree. Visibility is computed once, when the Answers are validated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from questionnaire import Answers, holds

from .assessment import (
    TOOL_NAME,
    TOOL_VERSION,
    AppointmentKit,
    Assessment,
    BringItem,
    CategoryResult,
    ConsiderationItem,
    HelpLine,
    LivingWellNote,
    MissingItem,
    Reason,
    SourceRef,
    Timeline,
    TimelineStep,
    ToolInfo,
    UrgentItem,
    WalletCard,
)
from .conditions import rule_keyword_truth
from .engine import RuleEngine
from .facts import answer_fact, with_findings, with_levels
from .rulebook import LAYERS, Rule, Rulebook
from .vocabulary import CATEGORIES, LEVELS, URGENT_TIERS
from .wording import Wording

MAX_QUESTIONS = 12


@dataclass
class Situation:
    """What a layer's rules see: the answers (hidden ones already dropped), which questions were
    shown, and what earlier layers found."""

    answers: Any  # validated Answers
    findings: frozenset[str] = frozenset()
    levels: dict[str, str] = field(default_factory=dict)
    base_fact: dict | None = None  # the engine's flat fact of the answers, built once per assessment

    @property
    def commonly_considered_count(self) -> int:
        return sum(1 for c, level in self.levels.items() if c != "clinical_trial" and level == "commonly_considered")


class Runner(Protocol):
    def run(self, layer: str, situation: Situation) -> list[str]: ...


class EngineRunner:
    """The durable-rules engine over one flat fact per layer (built from the situation)."""

    def __init__(self, engine: RuleEngine, rulebook: Rulebook):
        self.engine, self.rulebook = engine, rulebook

    def run(self, layer: str, situation: Situation) -> list[str]:
        if situation.base_fact is None:
            situation.base_fact = answer_fact(situation.answers, self.rulebook.definition)
        fact = situation.base_fact  # this assessment's own: later layers' fields are set in place
        if layer != "findings":
            fact.update(with_findings({}, self.rulebook.findings, set(situation.findings)))
        if layer in ("after_levels", "kit"):
            fact.update(with_levels({}, situation.levels, situation.commonly_considered_count))
        return self.engine.run(layer, fact)


class ReferenceRunner:
    """The same condition trees evaluated in plain Python (no engine, no fact)."""

    def __init__(self, rulebook: Rulebook):
        self._layers = {name: [(r.id, r.condition.tree) for r in rulebook.layer(name)] for name in LAYERS}

    def run(self, layer: str, situation: Situation) -> list[str]:
        answers = situation.answers.given()
        shown = situation.answers.visible.__contains__
        truth = rule_keyword_truth(situation.findings, situation.levels, situation.commonly_considered_count)
        return [rule_id for rule_id, tree in self._layers[layer] if holds(tree, answers, shown, truth)]


def _resolve_levels(rules: list[Rule]) -> dict[str, str]:
    levels: dict[str, str] = {}
    for rule in rules:
        then = rule.spec.then
        if then.category and (
            then.category not in levels or LEVELS.index(then.level) < LEVELS.index(levels[then.category])
        ):
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


def _urgent_item(rule: Rule, answers: Any, words: Wording) -> UrgentItem:
    urgent = rule.spec.then.urgent
    chosen = getattr(answers, urgent.signs) or []
    looked_for = rule.condition.includes[urgent.signs]
    return UrgentItem(
        rule=rule.id,
        text=words.because[rule.id],
        tier=urgent.tier,
        question=urgent.signs,
        signs=[option for option in chosen if option in looked_for],
    )


def _applied_rules(answers: Any, rulebook: Rulebook, runner: Runner) -> list[Rule]:
    """The rules that hold, layer by layer, in file order."""
    by_id = rulebook.by_id

    def fired(layer: str, situation: Situation) -> list[Rule]:
        return sorted((by_id[rule_id] for rule_id in set(runner.run(layer, situation))), key=lambda r: r.order)

    situation = Situation(answers)
    situation.findings = frozenset(rule.spec.then.finding for rule in fired("findings", situation))
    outcomes = fired("outcomes", situation)
    situation.levels = _resolve_levels(outcomes)
    decided = outcomes + fired("after_levels", situation)
    situation.levels = _resolve_levels(decided)  # the kit reads the final levels
    return sorted(decided + fired("kit", situation), key=lambda r: r.order)


def _category(category: str, level: str, level_rules: list[Rule], consideration_rules: list[Rule],
              rulebook: Rulebook, words: Wording) -> tuple[CategoryResult, list[str]]:  # fmt: skip
    """One category's result, and the questions it adds (none when it is not typical)."""
    reasons = tuple(r for r in level_rules if r.spec.then.level == level)
    shown = level != "not_typical"
    considerations = tuple(consideration_rules) if shown else ()
    key = (words.language, category, level, tuple(r.id for r in reasons), tuple(r.id for r in considerations))
    result, asks = _memo(
        rulebook, key, lambda: _build_category(category, level, reasons, considerations, shown, rulebook, words)
    )
    return result, list(asks)


def _build_category(category: str, level: str, reasons: tuple[Rule, ...], considerations: tuple[Rule, ...],
                    shown: bool, rulebook: Rulebook, words: Wording) -> tuple[CategoryResult, tuple[str, ...]]:  # fmt: skip
    text = words.content.categories[category]
    source_keys = _dedupe([k for r in reasons + considerations for k in r.spec.sources] + list(text.sources))
    result = CategoryResult(
        id=category,
        title=text.title,
        level=level,
        summary=text.summary,
        how_given=text.how_given,
        side_effects=text.side_effects,
        practical=text.practical,
        reasons=[Reason(rule=r.id, text=words.because[r.id], answers=list(r.answers_used)) for r in reasons],
        considerations=[
            ConsiderationItem(
                topic=r.spec.then.consideration.topic,
                rule=r.id,
                text=words.because[r.id],
                severity=r.spec.then.consideration.severity,
            )
            for r in considerations
        ],
        sources=_sources(rulebook, source_keys),
    )
    asks = [*text.questions[:2], *(words.ask[r.id] for r in reasons + considerations if r.spec.ask)] if shown else []
    return result, tuple(asks)


_MEMO_LIMIT = 4096  # entries per rulebook (a few MB); the bench's random answers make ~2,000 combinations


def _memo(rulebook: Rulebook, key: tuple, build: Callable[[], Any]) -> Any:
    """A part of an Assessment that depends only on `key` (the language, rule ids, ...), built once.

    The same combinations come back again and again, and the models are frozen, so one built part
    serves every assessment that needs it. Kept on the rulebook itself, so that another rule set
    never sees this one's parts."""
    memo = rulebook.__dict__.setdefault("_assembly_memo", {})
    built = memo.get(key)  # one lookup: another thread may clear the memo in between
    if built is None:
        if len(memo) > _MEMO_LIMIT:
            memo.clear()
        built = memo[key] = build()
    return built


def _source(rulebook: Rulebook, key: str) -> SourceRef:
    source = rulebook.sources[key]
    return _memo(rulebook, ("source", key), lambda: SourceRef(title=source.title, url=source.url))


def _sources(rulebook: Rulebook, keys) -> list[SourceRef]:
    return [_source(rulebook, k) for k in keys]


def _wallet_card(rule: Rule, answers: Any, rulebook: Rulebook, words: Wording) -> WalletCard:
    card = words.kit.wallet_card
    chosen = [o for o in (answers.current_immunotherapy or []) if o in card.therapies]
    if "car_t" in (answers.prior_treatments or []) and "car_t" not in chosen:
        chosen.append("car_t")
    return WalletCard(
        rule=rule.id,
        therapies=chosen,
        therapy_names=[card.therapies[o] for o in chosen],
        title=card.title,
        intro=card.intro,
        lines=list(card.lines),
        date_line=card.date_line,
        team_line=card.team_line,
        phone_line=card.phone_line,
        sources=_sources(rulebook, card.sources),
    )


def _help_line(service_id: str, rule: Rule, rulebook: Rulebook, words: Wording) -> HelpLine:
    service = words.kit.help_services[service_id]
    return HelpLine(
        id=service_id,
        rule=rule.id,
        why=words.because[rule.id],
        source=_source(rulebook, service.source),
        **service.model_dump(exclude={"source"}),
    )


def _timeline(timeline_id: str, rule: Rule, rulebook: Rulebook, words: Wording) -> Timeline:
    content = words.kit.timelines[timeline_id]
    return Timeline(
        id=timeline_id,
        rule=rule.id,
        title=content.title,
        note=content.note,
        steps=[TimelineStep(**step.model_dump()) for step in content.steps],
        sources=_sources(rulebook, content.sources),
    )


def _kit(applied: list[Rule], answers: Any, rulebook: Rulebook, words: Wording) -> AppointmentKit:
    kit, language = words.kit, words.language
    help_lines: dict[str, HelpLine] = {}
    timelines: dict[str, Timeline] = {}
    bring, card = [], None
    for rule in applied:
        then = rule.spec.then
        if then.bring:
            bring.append(
                _memo(
                    rulebook,
                    ("bring", language, rule.id),
                    lambda r=rule: BringItem(rule=r.id, text=words.because[r.id]),
                )
            )
        if then.help and then.help not in help_lines:
            help_lines[then.help] = _memo(
                rulebook,
                ("help", language, then.help, rule.id),
                lambda r=rule, h=then.help: _help_line(h, r, rulebook, words),
            )
        elif then.timeline and then.timeline not in timelines:
            timelines[then.timeline] = _memo(
                rulebook,
                ("timeline", language, then.timeline, rule.id),
                lambda r=rule, t=then.timeline: _timeline(t, r, rulebook, words),
            )
        elif then.wallet_card and card is None:
            card = _wallet_card(rule, answers, rulebook, words)
    living_well = kit.living_well
    return AppointmentKit(
        bring=bring,
        help=list(help_lines.values()),
        timelines=list(timelines.values()),
        wallet_card=card,
        living_well=_memo(
            rulebook,
            ("living_well", language),
            lambda: LivingWellNote(
                title=living_well.title,
                points=list(living_well.points),
                sources=_sources(rulebook, living_well.sources),
            ),
        ),
    )


def assemble(answers: Any, rulebook: Rulebook, runner: Runner, language: str = "en") -> Assessment:
    if not isinstance(answers, Answers):
        raise TypeError(
            f"assess() needs a validated questionnaire.Answers, not {type(answers).__name__}; "
            "use questionnaire.validate_answers() first"
        )
    words = rulebook.wording(language)
    applied = _applied_rules(answers, rulebook, runner)
    levels = _resolve_levels(applied)
    level_rules: dict[str, list[Rule]] = {c: [] for c in CATEGORIES}
    consideration_rules: dict[str, list[Rule]] = {c: [] for c in CATEGORIES}
    for rule in applied:
        then = rule.spec.then
        if then.category:
            level_rules[then.category].append(rule)
        if then.consideration:
            for category in then.consideration.categories:
                consideration_rules[category].append(rule)
    # Every family has a default rule, so every category has a level.
    categories, asks = [], []
    for category in CATEGORIES:
        result, added = _category(
            category, levels[category], level_rules[category], consideration_rules[category], rulebook, words
        )
        categories.append(result)
        asks.extend(added)
    general = list(words.content.general_questions)
    urgent = sorted(
        (_urgent_item(rule, answers, words) for rule in applied if rule.spec.then.urgent),
        key=lambda item: URGENT_TIERS.index(item.tier),
    )
    missing: dict[str, MissingItem] = {}
    for rule in applied:
        question = rule.spec.then.missing
        if question and question not in missing:
            missing[question] = _memo(
                rulebook,
                ("missing", language, question, rule.id),
                lambda q=question, r=rule: MissingItem(question=q, text=words.because[r.id]),
            )
    return Assessment(
        tool=_memo(
            rulebook,
            ("tool",),
            lambda: ToolInfo(
                name=TOOL_NAME,
                version=TOOL_VERSION,
                rules_version=rulebook.version,
                rules_reviewed=rulebook.reviewed.isoformat(),
            ),
        ),
        language=language,
        categories=categories,
        urgent=urgent,
        missing_information=list(missing.values()),
        questions_to_ask=_dedupe(general[:2] + asks + general[2:])[:MAX_QUESTIONS],
        disclaimer=words.content.disclaimer,
        kit=_kit(applied, answers, rulebook, words),
    )
