"""Command-line interface: thin commands over the same functions the app uses.

Exit codes: 0 success; 1 an output could not be made (nothing half-written; batch rows say which);
2 invalid input (one line per problem on stderr, `field: what is wrong`).
Never a traceback for bad input; every output file is written atomically.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import csv
import io
import itertools
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from questionnaire import LANGUAGES, answers_schema, my_questions_from_saved
from rules import RuleEngineError, assess

from .batch import STATUS_COLUMNS, IntakeProblem, intake_template, stream_intake, summarise_row
from .exports import ResultsWriter, assessment_json, atomic_file, results_columns, write_atomic
from .failures import describe_failure
from .fhir import answers_from_file_text, questionnaire_response
from .pdf import build_pdf
from .pdf_doctor import build_doctor_pdf

MAX_INPUT_BYTES = 10 * 1024 * 1024


class InputProblem(Exception):
    exit_code = 2

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class OutputProblem(InputProblem):
    """Valid input, but an output could not be made (a bug or a broken font, not the user's fault)."""

    exit_code = 1


def _assessment(answers, language: str = "en"):
    try:
        return assess(answers, language)
    except RuleEngineError as error:
        raise OutputProblem(
            [f"assessment: could not be made ({describe_failure(error)}); nothing was written"]
        ) from error


def _pdf_bytes(
    assessment, answers, label: str | None, paper: str | None, large_print: bool = False, my_questions=None
) -> bytes:
    try:
        return build_pdf(
            assessment, answers, label=label, paper=paper, large_print=large_print, my_questions=my_questions
        )
    except Exception as error:
        raise OutputProblem([f"pdf: could not be made ({describe_failure(error)}); nothing was written"]) from error


def _doctor_pdf_bytes(assessment, answers, label: str | None, paper: str | None) -> bytes:
    try:
        return build_doctor_pdf(assessment, answers, label=label, paper=paper)
    except Exception as error:
        raise OutputProblem(
            [f"doctor-pdf: could not be made ({describe_failure(error)}); nothing was written"]
        ) from error


def _literal(text: str) -> str:
    """Print user text literally but safely on a terminal: control characters shown escaped."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _read_text(path: str, what: str) -> str:
    try:
        raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1) if path == "-" else Path(path).read_bytes()
    except OSError as error:
        raise InputProblem([f"{what}: cannot read {path!r} ({error.strerror or error})"]) from None
    if len(raw) > MAX_INPUT_BYTES:
        raise InputProblem([f"{what}: file is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB"])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputProblem(
            [f"{what}: not UTF-8 text (byte {error.start}); save it as 'CSV UTF-8' or UTF-8 JSON"]
        ) from None


def _emit(target: str, data: bytes | str, stdout: TextIO) -> None:
    if target == "-":
        stdout.write(data if isinstance(data, str) else data.decode())
        if isinstance(data, str) and not data.endswith("\n"):
            stdout.write("\n")
    else:
        write_atomic(Path(target), data)


def _my_questions(text: str) -> list[str] | None:
    """The person's own question list, when the answers file holds one (from the app)."""
    try:
        saved = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return None
    found, problem = my_questions_from_saved(saved)
    if problem:
        raise InputProblem(["my_questions: the list of questions cannot be read (fix or remove it)"])
    return found.texts if found else None


def cmd_summary(args: argparse.Namespace, stdout: TextIO) -> int:
    text = _read_text(args.answers, "answers")
    answers, problems = answers_from_file_text(text)
    if problems:
        raise InputProblem([str(p) for p in problems])
    my_questions = _my_questions(text)
    assessment = _assessment(answers, args.lang)
    if not (args.json or args.pdf or args.fhir or args.doctor_pdf):
        args.json = "-"
    outputs = []  # everything is made before anything is written: a failure leaves no partial set
    if args.pdf:
        outputs.append(
            (args.pdf, _pdf_bytes(assessment, answers, args.label, args.paper, args.large_print, my_questions))
        )
    if args.doctor_pdf:
        outputs.append((args.doctor_pdf, _doctor_pdf_bytes(assessment, answers, args.label, args.paper)))
    if args.fhir:
        outputs.append(
            (args.fhir, json.dumps(questionnaire_response(answers, language=args.lang), indent=2, ensure_ascii=False))
        )
    if args.json:
        outputs.append((args.json, assessment_json(assessment)))
    for target, data in outputs:
        _emit(target, data, stdout)
    return 0


class _Progress:
    """Rows done, on stderr: a bar on a terminal; in a log, a line every 10 % of a long list."""

    def __init__(self, total: int | None, stream: TextIO):
        self.total, self.stream, self._tenths = total, stream, 1
        self.tty = stream.isatty()

    def update(self, done: int) -> None:
        total, stream = self.total, self.stream
        if self.tty and total and total >= 20:
            filled = 30 * done // total
            stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done:,}/{total:,} rows")
            stream.write("\n" if done == total else "")
        elif self.tty and not total and done % 1000 == 0:
            stream.write(f"\r{done:,} rows")
        elif not self.tty and total and total >= 10_000 and 10 * done >= self._tenths * total:
            stream.write(f"{done:,}/{total:,} rows ({100 * done // total} %)\n")
            self._tenths += 1
        else:
            return
        stream.flush()


BATCH_CHUNK = 250  # rows per task sent to a worker process
PARALLEL_FROM = 400  # below this, starting worker processes costs more than it saves


def _batch_job(job: tuple[int, dict[str, str], bool, str, str | None, bool, str]) -> tuple[dict[str, Any], list[str]]:
    """One intake row → its results.csv row, its PDF written to the output folder (runs in a worker process)."""
    number, row, with_pdf, out_dir, paper, large_print, language = job
    done = summarise_row(number, row, language, with_pdf, paper, large_print)
    if done.pdf is not None:
        write_atomic(Path(out_dir) / done.pdf_name, done.pdf)
    return done.result, done.problems


def _batch_chunk(jobs: list[tuple]) -> list[tuple[dict[str, Any], list[str]]]:
    return [_batch_job(job) for job in jobs]


def _chunks(items: Iterator, size: int) -> Iterator[list]:
    while chunk := list(itertools.islice(items, size)):
        yield chunk


def _in_order(chunks: Iterator[list[tuple]], workers: int) -> Iterator[tuple[dict[str, Any], list[str]]]:
    """Each job's outcome in input order. With workers, a few chunks per worker are in flight at
    once, so memory stays bounded however long the list is."""
    if workers <= 1:
        for chunk in chunks:
            yield from _batch_chunk(chunk)
        return
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
        in_flight: collections.deque = collections.deque()
        for chunk in chunks:
            in_flight.append(pool.submit(_batch_chunk, chunk))
            if len(in_flight) >= 3 * workers:
                yield from in_flight.popleft().result()
        while in_flight:
            yield from in_flight.popleft().result()


def _open_intake(path: str) -> tuple[TextIO, int | None]:
    """The intake file as text lines, and its number of rows (None for standard input)."""
    if path == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline=""), None
    try:
        with open(path, encoding="utf-8-sig", newline="", errors="replace") as counting:
            total = max(sum(1 for _ in csv.reader(counting)) - 1, 0)  # a quick pass, for the progress bar
        return open(path, encoding="utf-8-sig", newline=""), total
    except OSError as error:
        raise InputProblem([f"intake: cannot read {path!r} ({error.strerror or error})"]) from None
    except csv.Error:
        return open(path, encoding="utf-8-sig", newline=""), None  # the real pass says what is wrong


def cmd_batch(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    out_dir = Path(args.out)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputProblem([f"--out: cannot create {args.out!r} ({error.strerror or error})"]) from None
    intake, total = _open_intake(args.intake)
    with intake:
        try:
            rows = stream_intake(intake)
            return _run_batch(args, rows, total, out_dir, stdout, stderr)
        except IntakeProblem as problem:
            raise InputProblem(problem.problems) from None


def _run_batch(args, rows: Iterator[dict[str, str]], total: int | None, out_dir: Path, stdout: TextIO,
               stderr: TextIO) -> int:  # fmt: skip
    jobs = (
        (number, row, args.pdf, str(out_dir), args.paper, args.large_print, args.lang)
        for number, row in enumerate(rows, start=1)
    )
    workers = args.jobs or (os.cpu_count() or 1)
    if total is not None and total < PARALLEL_FROM:
        workers = 1
    started = time.perf_counter()
    done = bad = failed = 0
    progress = _Progress(total, stderr)
    with atomic_file(out_dir / "results.csv") as results:
        writer = ResultsWriter(results, results_columns(STATUS_COLUMNS, ("pdf",) if args.pdf else ()))
        for result, problems in _in_order(_chunks(jobs, BATCH_CHUNK), workers):
            for problem in problems:
                stderr.write(f"row {result['row']}: {_literal(problem)}\n")
            bad += result["status"] == "invalid"
            failed += result["status"] in ("failed", "pdf_failed")
            writer.write(result)
            done += 1
            progress.update(done)
    elapsed = time.perf_counter() - started
    stdout.write(f"{done - bad} of {done} rows summarised in {elapsed:.1f} s → {out_dir / 'results.csv'}\n")
    if failed:
        stdout.write(f"{failed} row(s) could not be finished; see the 'status' and 'problems' columns\n")
    return 2 if bad else 1 if failed else 0


def cmd_schema(args: argparse.Namespace, stdout: TextIO) -> int:
    stdout.write(json.dumps(answers_schema(), indent=2, ensure_ascii=False) + "\n")
    return 0


def cmd_template(args: argparse.Namespace, stdout: TextIO) -> int:
    _emit(args.output, intake_template(), stdout)
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="python -m reports",
        description="ImmunoPrep summaries from the command line (education, not medical advice).",
    )
    commands = main.add_subparsers(dest="command", required=True)
    summary = commands.add_parser("summary", help="one person's answers JSON → assessment JSON / PDF / FHIR")
    summary.add_argument("answers", help="answers JSON file or a FHIR QuestionnaireResponse (or - for standard input)")
    summary.add_argument("--json", metavar="OUT", help="write the assessment JSON (- for standard output; the default)")
    summary.add_argument("--pdf", metavar="OUT.pdf", help="write the PDF summary")
    summary.add_argument("--doctor-pdf", metavar="OUT.pdf", help="write the one-page version for the doctor")
    summary.add_argument("--fhir", metavar="OUT.json", help="write a FHIR QuestionnaireResponse")
    summary.add_argument("--label", help="patient label printed on the PDF (e.g. initials)")
    summary.add_argument("--paper", choices=["A4", "Letter"], help="paper size (default: from the locale)")
    summary.add_argument("--large-print", action="store_true", help="PDF body text 14 pt and up (for low vision)")
    summary.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the JSON texts and the PDF")
    batch = commands.add_parser("batch", help="an intake CSV (one row per person) → results.csv [+ PDFs]")
    batch.add_argument("intake", help="intake CSV (columns: see `template`)")
    batch.add_argument("--out", required=True, help="output folder")
    batch.add_argument("--pdf", action="store_true", help="also write one PDF per valid row")
    batch.add_argument("--paper", choices=["A4", "Letter"])
    batch.add_argument("--large-print", action="store_true", help="large-print PDFs (body text 14 pt and up)")
    batch.add_argument("--jobs", type=int, default=0, help="worker processes (default: one per CPU core)")
    batch.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the PDFs")
    commands.add_parser("schema", help="print the answers JSON Schema")
    template = commands.add_parser("template", help="write an empty intake CSV with one example row")
    template.add_argument("output", nargs="?", default="-", help="file to write (default: standard output)")
    return main


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    handlers = {
        "summary": lambda: cmd_summary(args, stdout),
        "batch": lambda: cmd_batch(args, stdout, stderr),
        "schema": lambda: cmd_schema(args, stdout),
        "template": lambda: cmd_template(args, stdout),
    }
    try:
        return handlers[args.command]()
    except InputProblem as problem:
        for line in problem.problems:
            stderr.write(_literal(line) + "\n")
        return problem.exit_code
    except OSError as error:
        stderr.write(f"output: cannot write ({error.strerror or error}: {_literal(str(error.filename or ''))})\n")
        return 2
