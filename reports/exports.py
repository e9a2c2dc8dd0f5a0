"""Machine-readable exports: Assessment JSON, saved answers (to resume), one-row-per-person CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TextIO

import pandas as pd

from questionnaire import load_definition
from rules import CATEGORIES, TOOL_NAME, TOOL_VERSION, Assessment

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_SLUG = 30
# Latin letters that Unicode does not decompose into a base letter plus an accent.
LATIN_EXTRAS = str.maketrans(
    {
        "Ł": "L",
        "ł": "l",
        "Ø": "O",
        "ø": "o",
        "Đ": "D",
        "đ": "d",
        "Ð": "D",
        "ð": "d",
        "Ħ": "H",
        "ħ": "h",
        "ı": "i",
        "ß": "ss",
        "Æ": "AE",
        "æ": "ae",
        "Œ": "OE",
        "œ": "oe",
        "Þ": "Th",
        "þ": "th",
    }
)
# kind → (name part, extensions allowed; the first is the default)
DOWNLOAD_KINDS = {
    "summary": ("summary", ("pdf",)),
    "doctor": ("for-the-doctor", ("pdf",)),
    "clinic": ("clinic-list", ("zip",)),
    "answers": ("answers", ("json",)),
    "result": ("result", ("json", "csv")),
    "fhir": ("fhir", ("json",)),
}


def label_slug(label: str | None, limit: int = MAX_SLUG) -> str:
    """A patient label as safe ASCII for a file name: accents removed ('ZŁ' → 'ZL'), other scripts dropped."""
    if not label:
        return ""
    # Control and invisible characters go first, so they never become separators (as in the PDF label).
    visible = "".join(ch for ch in str(label) if ch.isspace() or unicodedata.category(ch)[0] != "C")
    ascii_text = unicodedata.normalize("NFKD", visible.translate(LATIN_EXTRAS)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:limit].rstrip("-")


def download_name(kind: str, label: str | None, today: dt.date, extension: str | None = None) -> str:
    """The file name for a download, e.g. 'immunoprep-summary-AB-2026-11-23.pdf' (no label: no label part)."""
    if kind not in DOWNLOAD_KINDS:
        raise ValueError(f"unknown download kind {kind!r} (one of {', '.join(DOWNLOAD_KINDS)})")
    part, extensions = DOWNLOAD_KINDS[kind]
    extension = extension or extensions[0]
    if extension not in extensions:
        raise ValueError(f"a {kind} download is {' or '.join(extensions)}, not {extension!r}")
    slug = label_slug(label)
    return "-".join(["immunoprep", part, *([slug] if slug else []), today.isoformat()]) + f".{extension}"


def assessment_json(assessment: Assessment) -> str:
    return assessment.model_dump_json(indent=2)


def saved_answers(answers: Any, language: str = "en", my_questions: Any = None) -> dict[str, Any]:
    """The file people download to resume later: the answers, the language they chose, their own list
    of questions (when they made one) and which tool wrote them."""
    saved = {
        "tool": {"name": TOOL_NAME, "version": TOOL_VERSION, "questionnaire": load_definition().version},
        "language": language,
        "answers": answers.given(),
    }
    if my_questions is not None:
        saved["my_questions"] = my_questions.model_dump(mode="json")
    return saved


def saved_answers_json(answers: Any, language: str = "en", my_questions: Any = None) -> str:
    return json.dumps(saved_answers(answers, language, my_questions), indent=2, ensure_ascii=False)


def csv_cell(value: Any) -> Any:
    """Spreadsheet-safe cell: lists joined with ';' and formula-like text neutralised (CSV injection)."""
    if isinstance(value, list):
        value = ";".join(str(v) for v in value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def answer_columns() -> list[str]:
    return [q.id for q in load_definition().questions]


def summary_row(answers: Any, assessment: Assessment, label: str | None = None) -> dict[str, Any]:
    given = answers.given()
    row: dict[str, Any] = {"label": label or ""}
    row.update({column: given.get(column, "") for column in answer_columns()})
    row.update({f"level_{c.id}": c.level for c in assessment.categories})
    row["urgent"] = len(assessment.urgent)
    row["missing_information"] = [m.question for m in assessment.missing_information]
    row["rules_version"] = assessment.tool.rules_version
    return row


def results_columns(extra_first: Iterable[str] = (), extra_last: Iterable[str] = ()) -> list[str]:
    return [
        *extra_first,
        "label",
        *answer_columns(),
        *(f"level_{c}" for c in CATEGORIES),
        "urgent",
        "missing_information",
        "rules_version",
        *extra_last,
    ]


class ResultsWriter:
    """results.csv written a row at a time (a clinic list of 100,000 rows is never held at once)."""

    def __init__(self, stream: TextIO, columns: list[str]):
        self.columns = columns
        self._writer = csv.writer(stream, lineterminator="\n")
        self._writer.writerow(columns)

    def write(self, row: dict[str, Any]) -> None:
        self._writer.writerow([csv_cell(row.get(column, "")) for column in self.columns])


def results_frame(rows: Iterable[dict[str, Any]], extra_first: Iterable[str] = ()) -> pd.DataFrame:
    columns = results_columns(extra_first)
    frame = pd.DataFrame(list(rows))
    for column in columns:
        if column not in frame.columns:
            frame[column] = ""
    frame = frame[columns + [c for c in frame.columns if c not in columns]]
    return frame.map(csv_cell)


def results_csv(rows: Iterable[dict[str, Any]], extra_first: Iterable[str] = ()) -> str:
    rows = list(rows)
    columns = results_columns(extra_first)
    known = set(columns)
    extra = [c for row in rows for c in row if c not in known and not known.add(c)]  # in order of appearance
    buffer = io.StringIO()
    writer = ResultsWriter(buffer, columns + extra)
    for row in rows:
        writer.write(row)
    return buffer.getvalue()


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see a half-written file."""
    with atomic_file(path, "wb") as file:
        file.write(data.encode("utf-8") if isinstance(data, str) else data)


@contextmanager
def atomic_file(path: Path, mode: str = "w") -> Iterator[IO]:
    """A file to write bit by bit that appears at `path` only when complete (renamed into place);
    if anything fails on the way, nothing is left behind."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(handle, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": ""})) as file:
            yield file
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
