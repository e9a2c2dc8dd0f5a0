"""Reports: the PDF summary, JSON/CSV/FHIR exports and the command-line interface."""

from .exports import (
    assessment_json,
    download_name,
    results_csv,
    saved_answers,
    saved_answers_json,
    summary_row,
    write_atomic,
)
from .failures import describe_failure
from .fhir import (
    answers_from_file_text,
    answers_from_questionnaire_response,
    questionnaire_resource,
    questionnaire_response,
)
from .pdf import build_pdf, default_paper
from .pdf_doctor import build_doctor_pdf

__all__ = [
    "assessment_json",
    "download_name",
    "results_csv",
    "saved_answers",
    "saved_answers_json",
    "summary_row",
    "write_atomic",
    "answers_from_file_text",
    "answers_from_questionnaire_response",
    "questionnaire_resource",
    "questionnaire_response",
    "build_pdf",
    "build_doctor_pdf",
    "default_paper",
    "describe_failure",
]
