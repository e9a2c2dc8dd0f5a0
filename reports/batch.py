"""A clinic list: an intake CSV (one row per person, columns = question ids) → one results row per
person and, if asked, their PDF. Used by `python -m reports batch` (files on disk) and by the nurse's
"Clinic list" screen (everything in memory, a ZIP to download). Nothing here writes a file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from questionnaire import load_definition, validate_answers
from rules import RuleEngineError, assess

from .exports import label_slug, results_csv, summary_row
from .failures import describe_failure
from .pdf import build_pdf, clean_label

LABEL_COLUMN = "label"
STATUS_COLUMNS = ("row", "status", "problems")
TEMPLATE_EXAMPLE = {
    "label": "AB",
    "age": "58",
    "sex_at_birth": "female",
    "pregnancy": "no",
    "cancer_type": "dlbcl",
    "disease_course": "refractory",
    "early_relapse": "yes",
    "prior_treatments": "chemotherapy_other;anti_cd20",
    "prior_lines": "2",
    "current_immunotherapy": "none",
    "ecog": "1",
    "heart_failure": "no",
    "lvef_percent": "55",
    "kidney_disease": "no",
    "creatinine_clearance_ml_min": "80",
    "liver_disease": "no",
    "bilirubin_x_uln": "0.8",
    "ast_alt_x_uln": "1",
    "oxygen_saturation_percent": "97",
    "home_oxygen": "no",
    "brain_involvement": "no",
    "autoimmune_disease": "none",
    "organ_transplant": "no",
    "steroids_over_10mg": "no",
    "active_infection": "no",
    "viral_infections": "none",
    "caregiver": "yes",
    "can_stay_near_centre": "yes",
}


class IntakeProblem(ValueError):
    """The intake file as a whole cannot be used; `problems` says why, one line each."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class RowResult:
    result: dict[str, Any]  # the results.csv row (with row, status, problems)
    problems: list[str]
    pdf: bytes | None = None
    pdf_name: str = ""
    urgent_tiers: tuple[str, ...] = ()  # most urgent first


def _literal(text: str) -> str:
    """User text shown safely: control characters escaped."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def intake_template() -> str:
    """An empty intake CSV with one example row (the columns every intake file needs)."""
    columns = [LABEL_COLUMN] + [q.id for q in load_definition().questions]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerow([TEMPLATE_EXAMPLE.get(c, "") for c in columns])
    return buffer.getvalue()


def read_intake(text: str) -> list[dict[str, str]]:
    """The rows of an intake CSV whose header is right (IntakeProblem otherwise)."""
    return list(stream_intake(io.StringIO(text, newline="")))


def stream_intake(lines: Iterable[str]) -> Iterator[dict[str, str]]:
    """The rows of an intake CSV one at a time (a list of 100,000 people is never held at once).
    The header is checked now; a file that breaks further down raises IntakeProblem when reached."""
    reader = csv.DictReader(lines)
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except (csv.Error, UnicodeDecodeError) as error:
        raise IntakeProblem([_unreadable(error, reader.line_num)]) from None
    _check_header(header)
    return _rows(reader)


def _rows(reader: csv.DictReader) -> Iterator[dict[str, str]]:
    try:
        for row in reader:
            yield {(k or "").strip(): (v or "") for k, v in row.items() if k is not None} | {"__extra__": row.get(None)}
    except (csv.Error, UnicodeDecodeError) as error:
        raise IntakeProblem([_unreadable(error, reader.line_num)]) from None


def _unreadable(error: Exception, line: int) -> str:
    where = f" after line {line}" if line else ""
    if isinstance(error, UnicodeDecodeError):
        return f"intake: not UTF-8 text{where}; save it as 'CSV UTF-8'"
    return f"intake: not a readable CSV{where} ({error})"


def _check_header(header: list[str]) -> None:
    expected = [q.id for q in load_definition().questions]
    problems = []
    if not header:
        problems.append("intake: the file is empty or has no header row")
    unknown = [h for h in header if h not in expected and h != LABEL_COLUMN]
    missing = [c for c in expected if c not in header]
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if unknown:
        problems.append(
            f"intake: unknown columns: {', '.join(map(_literal, unknown))} (see `python -m reports template`)"
        )
    if missing and header:
        problems.append(f"intake: missing columns: {', '.join(missing)} (leave a cell empty if it was not asked)")
    if duplicated:
        problems.append(f"intake: duplicated columns: {', '.join(duplicated)}")
    if problems:
        raise IntakeProblem(problems)


def _row_answers(row: dict[str, str]) -> dict[str, Any]:
    definition = load_definition().by_id
    data: dict[str, Any] = {}
    for column, cell in row.items():
        if column in (LABEL_COLUMN, "__extra__"):
            continue
        cell = cell.strip()
        if not cell:
            continue
        data[column] = (
            [part.strip() for part in cell.split(";") if part.strip()]
            if definition[column].type == "multi_choice"
            else cell
        )
    return data


def pdf_name(number: int, label: str) -> str:
    slug = label_slug(label)
    return f"row-{number:04d}" + (f"-{slug}" if slug else "") + ".pdf"


def summarise_row(
    number: int,
    row: dict[str, str],
    language: str = "en",
    with_pdf: bool = False,
    paper: str | None = None,
    large_print: bool = False,
) -> RowResult:
    """One intake row → its results row, and its PDF when asked (None when it could not be made)."""
    label = clean_label(row.get(LABEL_COLUMN, ""))
    problems = ["row: has more cells than the header"] if row.get("__extra__") else []
    answers, answer_problems = validate_answers(_row_answers(row))
    problems += [str(p) for p in answer_problems]
    if problems:
        return RowResult(
            {"row": number, "status": "invalid", "problems": " | ".join(problems), "label": label}, problems
        )
    try:
        assessment = assess(answers, language)
    except RuleEngineError as error:
        problem = f"assessment: could not be made ({describe_failure(error)})"
        return RowResult({"row": number, "status": "failed", "problems": problem, "label": label}, [problem])
    result = {"row": number, "status": "ok", "problems": ""} | summary_row(answers, assessment, label)
    tiers = tuple(tier for tier, _, _ in assessment.urgent_by_tier())
    if not with_pdf:
        return RowResult(result, [], urgent_tiers=tiers)
    try:
        pdf = build_pdf(assessment, answers, label=label, paper=paper, large_print=large_print)
    except Exception as error:  # any fpdf2/font failure: the row says so, the others go on
        problem = f"pdf: could not be made ({describe_failure(error)}); nothing was written"
        return RowResult(
            result | {"status": "pdf_failed", "problems": problem, "pdf": ""}, [problem], urgent_tiers=tiers
        )
    name = pdf_name(number, label)
    return RowResult(result | {"pdf": name}, [], pdf, name, tiers)


def summarise_rows(
    rows: list[dict[str, str]],
    language: str = "en",
    with_pdf: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> Iterable[RowResult]:
    """Each row's result in order, calling `on_progress(done, total)` after each."""
    for number, row in enumerate(rows, start=1):
        yield summarise_row(number, row, language, with_pdf)
        if on_progress:
            on_progress(number, len(rows))


def clinic_zip(results: list[RowResult]) -> bytes:
    """results.csv and every PDF, in one ZIP made in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("results.csv", results_csv([r.result for r in results], extra_first=STATUS_COLUMNS))
        for result in results:
            if result.pdf:
                archive.writestr(result.pdf_name, result.pdf)
    return buffer.getvalue()
