"""The clinic list is streamed: rows read, summarised (in worker processes from 400 rows) and
written one at a time, in input order, so a list of 100,000 people is never held at once
(`make bench` measures time and peak memory). A file that breaks half-way leaves nothing behind."""

import io
import random
import subprocess
import sys
from pathlib import Path

from reports.batch import intake_template
from reports.cli import _Progress, main

ROOT = Path(__file__).resolve().parent.parent
CANCERS = ["dlbcl", "nsclc", "cutaneous_melanoma", "multiple_myeloma", "colorectal", "kidney", "not_a_cancer"]


def _intake(rows: int, seed: int = 3) -> str:
    header, example = intake_template().splitlines()
    columns = header.split(",")
    rng = random.Random(seed)
    lines = [header]
    for i in range(rows):
        cells = example.split(",")
        cells[columns.index("label")] = f"P{i}"
        cells[columns.index("cancer_type")] = rng.choice(CANCERS)  # one in seven is invalid
        cells[columns.index("prior_lines")] = str(rng.randint(0, 5))
        cells[columns.index("age")] = rng.choice(["", "44", "71", "unknown"])
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def _run(*argv):
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), stdout=out, stderr=err), out.getvalue(), err.getvalue()


def test_worker_processes_give_the_same_results_in_the_same_order(tmp_path):
    intake = tmp_path / "intake.csv"
    intake.write_text(_intake(900))
    code_parallel, out, _ = _run("batch", str(intake), "--out", str(tmp_path / "two"), "--jobs", "2")
    code_single, _, _ = _run("batch", str(intake), "--out", str(tmp_path / "one"), "--jobs", "1")
    assert code_parallel == code_single == 2  # the invalid cancer types
    parallel = (tmp_path / "two" / "results.csv").read_text()
    assert parallel == (tmp_path / "one" / "results.csv").read_text()
    rows = parallel.splitlines()
    assert len(rows) == 901 and [r.split(",")[0] for r in rows[1:]] == [str(n) for n in range(1, 901)]
    assert "of 900 rows summarised" in out


def test_a_file_that_breaks_half_way_leaves_no_results(tmp_path):
    intake = tmp_path / "intake.csv"
    text = _intake(700).encode()
    cut = text.index(b"\nP650,") + 1
    intake.write_bytes(text[:cut] + b"Jos\xe9" + text[cut:])  # Latin-1 bytes in row 650
    code, _, err = _run("batch", str(intake), "--out", str(tmp_path / "out"))
    assert code == 2 and err.startswith("intake: not UTF-8 text after line")
    assert list((tmp_path / "out").iterdir()) == []  # no results.csv, no temporary file


def test_standard_input_is_streamed_too(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "reports", "batch", "-", "--out", str(tmp_path / "out")],
        input=_intake(30),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert run.returncode == 2 and "of 30 rows summarised" in run.stdout
    assert len((tmp_path / "out" / "results.csv").read_text().splitlines()) == 31


class _Stream(io.StringIO):
    def __init__(self, tty: bool):
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def test_progress_is_a_bar_on_a_terminal_and_a_line_per_tenth_in_a_log():
    log = _Stream(tty=False)
    progress = _Progress(20_000, log)
    for done in range(1, 20_001):
        progress.update(done)
    lines = log.getvalue().splitlines()
    assert lines == [f"{n * 2000:,}/20,000 rows ({n * 10} %)" for n in range(1, 11)]

    terminal = _Stream(tty=True)
    progress = _Progress(40, terminal)
    for done in range(1, 41):
        progress.update(done)
    assert terminal.getvalue().endswith("\r[##############################] 40/40 rows\n")

    short_log = _Stream(tty=False)
    progress = _Progress(500, short_log)
    progress.update(500)
    assert short_log.getvalue() == ""  # a short list in a log: just the summary line at the end
