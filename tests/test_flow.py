"""Visibility, progress and section navigation, as pure functions."""

import pytest

from questionnaire import active_sections, next_section, previous_section, progress, visible_ids


@pytest.mark.parametrize(
    "answers, shown, hidden",
    [
        (
            {"cancer_type": "nsclc"},
            {"pd_l1_tps", "egfr_status", "alk_status", "msi_status", "stage"},
            {"pd_l1_cps", "braf_v600", "hla_a02", "mage_a4", "early_relapse"},
        ),
        ({"cancer_type": "cutaneous_melanoma"}, {"braf_v600", "tmb_status"}, {"pd_l1_tps", "egfr_status", "hla_a02"}),
        ({"cancer_type": "synovial_sarcoma"}, {"hla_a02", "mage_a4"}, {"braf_v600", "pd_l1_cps"}),
        ({"cancer_type": "uveal_melanoma"}, {"hla_a02"}, {"mage_a4", "braf_v600"}),
        ({"cancer_type": "dlbcl"}, {"disease_course"}, {"stage", "msi_status", "tmb_status", "pd_l1_tps"}),
        ({"cancer_type": "dlbcl", "disease_course": "relapsed"}, {"early_relapse"}, set()),
        ({"cancer_type": "dlbcl", "disease_course": "responding"}, set(), {"early_relapse"}),
        ({"cancer_type": "breast_triple_negative"}, {"pd_l1_cps"}, {"pd_l1_tps", "her2_status"}),
        ({"cancer_type": "gastroesophageal"}, {"pd_l1_cps", "her2_status"}, {"pd_l1_tps"}),
        ({"cancer_type": "other"}, {"cancer_type_other", "msi_status"}, set()),
        ({"cancer_type": "bladder_nmibc"}, {"bladder_cis"}, {"castration_resistant"}),
        ({"organ_transplant": "yes"}, {"organ_transplant_which"}, set()),
        ({"organ_transplant": "no"}, set(), {"organ_transplant_which"}),
        (
            {"prior_treatments": ["allogeneic_transplant"]},
            {"graft_versus_host", "donor_available", "prior_lines"},
            set(),
        ),
        ({"prior_treatments": ["none"]}, set(), {"prior_lines", "graft_versus_host", "prior_severe_irae"}),
        ({"prior_treatments": ["anti_pd1_pdl1"]}, {"prior_severe_irae"}, set()),
        ({"current_immunotherapy": ["checkpoint_inhibitor"]}, {"current_symptoms", "prior_severe_irae"}, set()),
        ({"current_immunotherapy": ["none"]}, set(), {"current_symptoms"}),
        ({}, set(), {"current_symptoms", "pregnancy", "organ_transplant_which"}),
        ({"sex_at_birth": "female", "age": 34}, {"pregnancy"}, set()),
        ({"sex_at_birth": "female"}, {"pregnancy"}, set()),
        ({"sex_at_birth": "female", "age": 72}, set(), {"pregnancy"}),
        ({"sex_at_birth": "female", "age": 8}, set(), {"pregnancy"}),
        ({"sex_at_birth": "male", "age": 34}, set(), {"pregnancy"}),
        ({"sex_at_birth": "unknown", "age": "unknown"}, {"pregnancy"}, set()),
        ({"kidney_disease": "dialysis"}, set(), {"creatinine_clearance_ml_min"}),
        ({"cancer_type": "multiple_myeloma", "prior_treatments": ["imid"]}, {"lenalidomide_refractory"}, set()),
        ({"cancer_type": "multiple_myeloma", "prior_treatments": ["anti_cd38"]}, set(), {"lenalidomide_refractory"}),
    ],
)
def test_visibility(answers, shown, hidden):
    visible = visible_ids(answers)
    assert shown <= visible, shown - visible
    assert not hidden & visible, hidden & visible


def test_hiding_a_question_hides_what_depends_on_it():
    # early_relapse depends on disease_course, which is fine; but when cancer_type changes away from
    # dlbcl, the stale answer to disease_course must not keep early_relapse visible.
    answers = {"cancer_type": "nsclc", "disease_course": "relapsed", "early_relapse": "yes"}
    assert "early_relapse" not in visible_ids(answers)


def test_progress_counts_answered_visible_questions():
    before = progress({"cancer_type": "nsclc"})
    after = progress({"cancer_type": "nsclc", "pd_l1_tps": "50_plus", "pd_l1_cps": "10_plus"})
    assert after.answered == before.answered + 1  # pd_l1_cps is hidden for lung cancer
    assert after.visible == before.visible
    assert 0 < after.answered < after.visible


def test_blood_cancer_skips_the_tumour_test_step():
    answers = {"cancer_type": "multiple_myeloma"}
    assert "tumour_tests" not in [s.id for s in active_sections(answers)]
    assert next_section("your_cancer", answers) == "treatments"
    assert previous_section("treatments", answers) == "your_cancer"
    assert next_section("your_cancer", {"cancer_type": "nsclc"}) == "tumour_tests"


def test_first_and_last_sections_have_no_neighbour():
    assert previous_section("about_you", {}) is None
    assert next_section("practical", {}) is None
