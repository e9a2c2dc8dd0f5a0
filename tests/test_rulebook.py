"""A rule file with a typo fails at load, naming the file and the rule — not in a patient's session."""

import re
import shutil
from pathlib import Path

import pytest

from rules import RuleFileError, load_rulebook
from rules.rulebook import FAMILIES_DIR, RULES_DIR, Rulebook
from rules.vocabulary import CATEGORIES, TOPICS

RULEBOOK = load_rulebook()


@pytest.fixture
def rule_tree(tmp_path):
    families = tmp_path / "families"
    shutil.copytree(FAMILIES_DIR, families)
    for name in ("sources.yaml", "content.yaml", "kit.yaml", "ruleset.yaml"):
        shutil.copy(RULES_DIR / name, tmp_path / name)
    return tmp_path


def _break(tree: Path, file: str, old: str, new: str) -> str:
    path = tree / file if file in ("sources.yaml", "ruleset.yaml", "content.yaml") else tree / "families" / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(RuleFileError) as error:
        Rulebook(tree / "families", tree)
    return str(error.value)


def test_shipped_rules_load_and_cover_every_category():
    outcomes = {r.spec.then.category for r in RULEBOOK.rules if r.spec.then.category}
    assert outcomes == set(CATEGORIES)
    topics = {r.spec.then.consideration.topic for r in RULEBOOK.rules if r.spec.then.consideration}
    assert topics == set(TOPICS)
    assert re.fullmatch(r"\d+\.\d+\.\d+\+[0-9a-f]{12}", RULEBOOK.version)


def test_the_changelog_describes_the_current_release():
    changelog = (RULES_DIR / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {RULEBOOK.release} — " in changelog


def test_every_rule_id_starts_with_what_it_decides():
    for rule in RULEBOOK.rules:
        then = rule.spec.then
        prefix = (
            then.category
            if then.category
            else {
                "finding": "finding",
                "consideration": "consider",
                "urgent": "urgent",
                "missing": "missing",
                "bring": "bring",
                "help": "help",
                "timeline": "timeline",
                "wallet_card": "card",
            }[then.kind]
        )
        assert rule.id.startswith(prefix + "."), rule.id


def test_every_category_has_a_default_rule():
    defaults = {r.spec.then.category for r in RULEBOOK.layer("after_levels") if r.condition.uses_levels}
    assert defaults == set(CATEGORIES)


def test_every_rule_cites_a_source_and_its_file_has_a_review_date():
    for rule in RULEBOOK.rules:
        assert rule.spec.sources and rule.reviewed, rule.id
        for key in rule.spec.sources:
            assert RULEBOOK.sources[key].url.startswith("https://"), key


def test_every_catalogued_source_is_cited():
    cited = {k for r in RULEBOOK.rules for k in r.spec.sources}
    cited |= {k for entry in RULEBOOK.content.categories.values() for k in entry.sources}
    cited |= {k for _, k in RULEBOOK.kit.source_keys()}
    assert set(RULEBOOK.sources) == cited


TYPOS = [
    (
        "unknown answer id",
        "checkpoint_inhibitors.yaml",
        "{cancer_type: [sclc]}",
        "{cancer_typ: [sclc]}",
        ["checkpoint_inhibitors.yaml: rule 'checkpoint_inhibitor.sclc'", "cancer_typ"],
    ),
    (
        "unknown option",
        "checkpoint_inhibitors.yaml",
        "{cancer_type: [sclc]}",
        "{cancer_type: [small_cell]}",
        ["rule 'checkpoint_inhibitor.sclc'", "no option 'small_cell'"],
    ),
    (
        "unknown category",
        "cell_therapies.yaml",
        'category: car_t, level: not_typical}\n    because: "CAR T-cell therapy is approved only',
        'category: cart, level: not_typical}\n    because: "CAR T-cell therapy is approved only',
        ["cell_therapies.yaml: rule 'car_t.solid_tumour'"],
    ),
    (
        "unknown topic",
        "considerations.yaml",
        "topic: steroids,",
        "topic: steroid,",
        ["considerations.yaml: rule 'consider.steroids'"],
    ),
    (
        "unknown source",
        "urgent.yaml",
        "sources: [cancernet_irae]",
        "sources: [cancer_net]",
        ["rule 'urgent.symptoms_not_sure': unknown source 'cancer_net'"],
    ),
    (
        "unknown finding",
        "clinical_trials.yaml",
        "finding: [two_or_more_prior_lines]",
        "finding: [two_lines]",
        ["rule 'clinical_trial.after_several_treatments': unknown finding 'two_lines'"],
    ),
    (
        "duplicate rule id",
        "clinical_trials.yaml",
        "id: clinical_trial.default",
        "id: clinical_trial.after_several_treatments",
        ["duplicate id"],
    ),
    (
        "unquoted yes",
        "considerations.yaml",
        'steroids_over_10mg: ["yes"]',
        "steroids_over_10mg: [yes]",
        ["must be quoted"],
    ),
    (
        "operator for the wrong question type",
        "urgent.yaml",
        "current_symptoms: {includes: [confusion, drowsiness, seizure]}",
        "current_symptoms: [confusion, drowsiness, seizure]",
        ["needs a single-choice question"],
    ),
    (
        "urgent signs from a question the rule does not test",
        "urgent.yaml",
        "then: {urgent: {tier: emergency, signs: current_symptoms}}",
        "then: {urgent: {tier: emergency, signs: prior_treatments}}",
        ["rule 'urgent.emergency_sign'", "'signs' must name a question the rule tests"],
    ),
    ("unknown urgent tier", "urgent.yaml", "tier: emergency,", "tier: emergencies,", ["rule 'urgent.emergency_sign'"]),
    (
        "id that does not name its category",
        "clinical_trials.yaml",
        "id: clinical_trial.default",
        "id: trial.default",
        ["rule 'trial.default': the id must start with 'clinical_trial.'"],
    ),
    ("rule file without a review date", "urgent.yaml", "reviewed: 2026-11-23", "", ["urgent.yaml:", "reviewed"]),
    (
        "review date in the future",
        "urgent.yaml",
        "reviewed: 2026-11-23",
        "reviewed: 2099-01-01",
        ["urgent.yaml: reviewed date 2099-01-01 is in the future"],
    ),
    (
        "a rule with its own review date (it belongs to the file)",
        "urgent.yaml",
        "sources: [cancernet_irae]",
        "sources: [cancernet_irae]\n    reviewed: 2026-11-23",
        ["Extra inputs are not permitted"],
    ),
    (
        "source without a check date",
        "sources.yaml",
        '    kind: label\n    openfda: {brand_name: "KEYTRUDA"}\n    checked: 2026-11-23\n',
        '    kind: label\n    openfda: {brand_name: "KEYTRUDA"}\n',
        ["sources.yaml:", "checked"],
    ),
    (
        "label openFDA cannot look up",
        "sources.yaml",
        '    openfda: {brand_name: "KEYTRUDA"}\n',
        "",
        ["sources.yaml:", "a 'label' source needs 'openfda'"],
    ),
    ("unknown source kind", "sources.yaml", "kind: patient_page", "kind: webpage", ["sources.yaml:", "kind"]),
    (
        "release number",
        "ruleset.yaml",
        'version: "',
        'version: "two',
        ["ruleset.yaml: 'version' must be a release number"],
    ),
]


@pytest.mark.parametrize("file, old, new, expected", [t[1:] for t in TYPOS], ids=[t[0] for t in TYPOS])
def test_a_typo_fails_at_load_naming_file_and_rule(rule_tree, file, old, new, expected):
    message = _break(rule_tree, file, old, new)
    for fragment in expected:
        assert fragment in message
