"""Questions as data, the validated Answers model and the questionnaire flow."""

from .answer_files import read_answers_file, read_my_questions
from .answers import Answers, Problem, answers_from_json, answers_schema, validate_answers
from .conditions import holds, is_answered
from .definition import LANGUAGES, UNKNOWN, Definition, DefinitionError, Question, Section, load_definition
from .display import answer_text, answered_rows, option_text
from .flow import (
    Progress,
    active_sections,
    next_section,
    previous_section,
    progress,
    visible_ids,
    visible_in_section,
    visible_questions,
)
from .my_questions import MAX_LENGTH as MAX_QUESTION_LENGTH
from .my_questions import MAX_OWN as MAX_OWN_QUESTIONS
from .my_questions import MyQuestion, MyQuestions, my_questions_from_saved

__all__ = [
    "Answers",
    "Problem",
    "answers_from_json",
    "read_answers_file",
    "read_my_questions",
    "MAX_QUESTION_LENGTH",
    "MAX_OWN_QUESTIONS",
    "MyQuestion",
    "MyQuestions",
    "my_questions_from_saved",
    "answers_schema",
    "validate_answers",
    "answer_text",
    "answered_rows",
    "option_text",
    "LANGUAGES",
    "UNKNOWN",
    "Definition",
    "DefinitionError",
    "Question",
    "Section",
    "load_definition",
    "Progress",
    "active_sections",
    "holds",
    "is_answered",
    "next_section",
    "previous_section",
    "progress",
    "visible_ids",
    "visible_in_section",
    "visible_questions",
]
