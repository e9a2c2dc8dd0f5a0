"""Random but valid Answers, for engine and property tests (shared so both use the same shapes)."""

import random

from questionnaire import Answers, load_definition, visible_questions


def random_answers(rng: random.Random) -> Answers:
    answers: dict = {}
    for _ in range(2):  # a second pass answers questions the first pass made visible
        for question in visible_questions(answers):
            if question.id in answers or rng.random() < 0.25:
                continue
            if question.type == "choice":
                answers[question.id] = rng.choice(question.option_ids)
            elif question.type == "multi_choice":
                plain = [o for o in question.option_ids if o not in question.exclusive]
                if rng.random() < 0.2:
                    answers[question.id] = [rng.choice(question.exclusive)]
                else:
                    answers[question.id] = rng.sample(plain, k=rng.randint(1, min(4, len(plain))))
            elif question.type == "number":
                low, high = question.range
                if rng.random() < 0.1:
                    answers[question.id] = "unknown"
                else:
                    value = rng.uniform(low, high)
                    answers[question.id] = int(value) if question.integer else round(value, 1)
            else:
                answers[question.id] = "free text"
    return Answers.model_validate(answers)


def sample_answers(rng: random.Random, count: int) -> list[Answers]:
    load_definition()
    return [random_answers(rng) for _ in range(count)]


# The most complex answers a real person is likely to bring: many earlier treatments, warning signs,
# organ problems, unknown test results and a transplant. The PDF must stay within 4 A4 pages for each.
COMPLEX_CASES = {
    "myeloma_on_bispecific_with_warning_signs": {
        "age": 71,
        "sex_at_birth": "male",
        "cancer_type": "multiple_myeloma",
        "disease_course": "relapsed",
        "prior_treatments": [
            "proteasome_inhibitor",
            "imid",
            "anti_cd38",
            "autologous_transplant",
            "chemotherapy_other",
        ],
        "prior_lines": 4,
        "lenalidomide_refractory": "yes",
        "current_immunotherapy": ["bispecific"],
        "current_symptoms": ["fever", "confusion"],
        "ecog": "2",
        "heart_failure": "no",
        "lvef_percent": "unknown",
        "kidney_disease": "chronic_kidney_disease",
        "creatinine_clearance_ml_min": 42,
        "liver_disease": "no",
        "bilirubin_x_uln": 0.9,
        "ast_alt_x_uln": 1.2,
        "oxygen_saturation_percent": 95,
        "home_oxygen": "no",
        "brain_involvement": "no",
        "autoimmune_disease": "none",
        "organ_transplant": "no",
        "steroids_over_10mg": "yes",
        "active_infection": "unknown",
        "viral_infections": ["hepatitis_b"],
        "caregiver": "yes",
        "can_stay_near_centre": "unknown",
    },
    "lymphoma_after_car_t_emergency": {
        "age": 64,
        "sex_at_birth": "female",
        "pregnancy": "no",
        "cancer_type": "dlbcl",
        "disease_course": "refractory",
        "early_relapse": "yes",
        "prior_treatments": ["chemotherapy_other", "anti_cd20", "car_t", "allogeneic_transplant"],
        "prior_lines": 3,
        "current_immunotherapy": ["car_t"],
        "current_symptoms": ["seizure", "fever", "bleeding"],
        "ecog": "2",
        "heart_failure": "yes",
        "lvef_percent": 40,
        "kidney_disease": "no",
        "creatinine_clearance_ml_min": 70,
        "liver_disease": "unknown",
        "bilirubin_x_uln": "unknown",
        "ast_alt_x_uln": 2.5,
        "oxygen_saturation_percent": 91,
        "home_oxygen": "no",
        "brain_involvement": "unknown",
        "autoimmune_disease": "unknown",
        "organ_transplant": "no",
        "graft_versus_host": "yes",
        "donor_available": "unknown",
        "steroids_over_10mg": "yes",
        "active_infection": "yes",
        "viral_infections": ["unknown"],
        "prior_severe_irae": "no",
        "caregiver": "unknown",
        "can_stay_near_centre": "no",
    },
    "lung_cancer_unknown_tests_transplant_autoimmune": {
        "age": 58,
        "sex_at_birth": "male",
        "cancer_type": "nsclc",
        "stage": "metastatic",
        "disease_course": "relapsed",
        "pd_l1_tps": "unknown",
        "egfr_status": "unknown",
        "alk_status": "unknown",
        "lung_other_drivers": ["unknown"],
        "prior_treatments": ["chemotherapy_platinum", "anti_pd1_pdl1", "radiation"],
        "prior_lines": 2,
        "current_immunotherapy": ["checkpoint_inhibitor"],
        "current_symptoms": ["diarrhoea", "breathing", "skin"],
        "ecog": "2",
        "heart_failure": "no",
        "kidney_disease": "no",
        "liver_disease": "yes",
        "bilirubin_x_uln": 1.8,
        "ast_alt_x_uln": 3.5,
        "oxygen_saturation_percent": 90,
        "home_oxygen": "yes",
        "brain_involvement": "treated_stable",
        "autoimmune_disease": "active_or_treated",
        "organ_transplant": "yes",
        "organ_transplant_which": ["kidney"],
        "steroids_over_10mg": "yes",
        "active_infection": "no",
        "viral_infections": ["hiv"],
        "prior_severe_irae": "yes",
        "caregiver": "yes",
        "can_stay_near_centre": "yes",
    },
    "cancer_type_not_known": {
        "age": "unknown",
        "cancer_type": "unknown",
        "stage": "unknown",
        "disease_course": "unknown",
        "prior_treatments": ["unknown"],
        "current_immunotherapy": ["unknown"],
        "current_symptoms": ["unknown"],
        "ecog": "unknown",
        "heart_failure": "unknown",
        "kidney_disease": "unknown",
        "liver_disease": "unknown",
        "autoimmune_disease": "unknown",
        "organ_transplant": "unknown",
        "steroids_over_10mg": "unknown",
        "active_infection": "unknown",
        "viral_infections": ["unknown"],
        "caregiver": "unknown",
        "can_stay_near_centre": "unknown",
    },
}


def intake_csv(answer_sets: list, labels: list[str] | None = None) -> str:
    """An intake CSV (the template's columns) with one row per answer set."""
    import csv
    import io

    from questionnaire import load_definition

    columns = ["label"] + [q.id for q in load_definition().questions]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for index, answers in enumerate(answer_sets):
        given = answers.given()
        cells = [labels[index] if labels else f"P{index + 1:03d}"]
        for column in columns[1:]:
            value = given.get(column, "")
            cells.append(";".join(value) if isinstance(value, list) else str(value))
        writer.writerow(cells)
    return buffer.getvalue()
