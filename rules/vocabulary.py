"""Fixed vocabularies shared by rules, exports and tests (ids in the output contract: do not rename)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """The base of every rules model: unknown keys are errors and objects never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


CATEGORIES: tuple[str, ...] = (
    "checkpoint_inhibitor",
    "car_t",
    "til",
    "tcr_t",
    "donor_lymphocyte_infusion",
    "bispecific_engager",
    "monoclonal_antibody",
    "cytokine",
    "oncolytic_virus",
    "cancer_vaccine",
    "clinical_trial",
)

# Highest first: where several rules give a category a level, the first in this order wins.
LEVELS: tuple[str, ...] = ("commonly_considered", "may_be_considered", "not_typical")

TOPICS: tuple[str, ...] = (
    "performance_status",
    "organ_function",
    "autoimmune",
    "transplant",
    "steroids",
    "infection",
    "pregnancy",
    "prior_irae",
    "driver_mutation",
    "caregiver",
    "cns_involvement",
    "age",
    "washout",
)

SEVERITIES: tuple[str, ...] = ("important", "discuss")

# Most urgent first: an emergency (call 911) is shown before "call your care team now".
URGENT_TIERS: tuple[str, ...] = ("emergency", "call_team_now")

Category = Literal[CATEGORIES]  # type: ignore[valid-type]
Level = Literal[LEVELS]  # type: ignore[valid-type]
Topic = Literal[TOPICS]  # type: ignore[valid-type]
Severity = Literal[SEVERITIES]  # type: ignore[valid-type]
UrgentTier = Literal[URGENT_TIERS]  # type: ignore[valid-type]
