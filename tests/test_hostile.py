"""Hostile input: random and adversarial values into every door that takes input.

The doors: the Answers model, the resume upload, the CLI (`summary` JSON and `batch` CSV). Whatever
comes in, the answer is a result or specific messages, never a traceback, never lost good answers,
never a spreadsheet formula on export.
"""

import csv
import io
import json
import math
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questionnaire import Answers, load_definition, validate_answers
from reports.cli import main as cli
from reports.exports import FORMULA_PREFIXES
from rules import assess
from ui.resume import check_resume_file

QUESTIONS = load_definition().questions
IDS = [q.id for q in QUESTIONS]
MAX_MESSAGE = 400  # the longest fixed text (no option ids any more) plus a short quote of what was sent

ADVERSARIAL_TEXT = [
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "**bold** [x](javascript:alert(1))",
    ":red[hi] $x^2$",
    "\x00\x07\x1b[31m",
    "\u202eevil\u202c",
    "\ufeff",
    "🧬" * 50,
    "1e400",
    "-1e400",
    "NaN",
    "inf",
    "0x10",
    "１２",
    " 42 ",
    "unknown",
    "I don't know",
    "yes",
    "true",
    "",
    " ",
    ";;;",
    "'",
]
# Built lazily so that a failing example's printout stays readable.
long_texts = st.builds(lambda n, ch: ch * n, st.sampled_from([121, 5_000, 100_000]), st.sampled_from("a9<"))
huge_numbers = st.builds(
    lambda sign, digits: sign * 10**digits, st.sampled_from([1, -1]), st.sampled_from([20, 308, 400])
)
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | huge_numbers
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=60)
    | st.sampled_from(ADVERSARIAL_TEXT)
    | long_texts
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def option_or_noise(question):
    if not question.options:
        return json_values
    plain = st.sampled_from(list(question.option_ids))
    return plain | st.lists(plain, max_size=3) | json_values


answer_dicts = st.dictionaries(
    st.sampled_from(IDS) | st.text(max_size=20), json_values, max_size=12
) | st.fixed_dictionaries({}, optional={q.id: option_or_noise(q) for q in QUESTIONS})

FUZZ = settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@FUZZ
@given(answer_dicts)
def test_answers_model_never_crashes_and_keeps_every_good_answer(data):
    answers, problems = validate_answers(data)
    assert isinstance(answers, Answers)
    for problem in problems:
        assert isinstance(problem.field, str) and isinstance(problem.message, str)
        assert len(problem.message) <= MAX_MESSAGE, problem.message[:200]
    # What was kept is itself valid and complete: validating it again changes nothing.
    again, second = validate_answers(answers.given())
    assert second == [] and again.given() == answers.given()
    # Every answer sent is kept, reported as a problem, or dropped because another answer hides it.
    kept, bad = answers.given(), {p.field for p in problems}
    for key in set(data) & set(IDS) - bad - set(kept) - set(IDS).difference(answers.visible):
        alone, _ = validate_answers({key: data[key]})
        assert key not in alone.given(), f"{key}={data[key]!r} was valid but silently lost"
    assert len(assess(answers).categories) == 11


@FUZZ
@given(
    st.binary(max_size=3000)
    | json_values.map(lambda v: json.dumps({"answers": v} if isinstance(v, dict) else v).encode())
    | answer_dicts.map(lambda d: json.dumps({"answers": d}, default=str).encode(errors="surrogatepass"))
)
def test_resume_upload_is_all_or_nothing_with_readable_reasons(data):
    answers, problems = check_resume_file(data)
    if problems:
        assert answers is None and all(isinstance(p, str) and len(p) <= MAX_MESSAGE for p in problems)
    else:
        assert isinstance(answers, Answers)


def test_resume_upload_hostile_files():
    for data, expected in [
        (b"{" + b'"a":' * 20_000 + b"1", "not in the right format"),
        (b"[" * 50_000 + b"]" * 50_000, "not in the right format"),
        (json.dumps({"answers": {"age": [[[[[[[[["deep"]]]]]]]]]}}).encode(), "Age: please type a number, like 55."),
        (b" " * (10 * 1024 * 1024), "at most 100 KB"),
        (b"\xef\xbb\xbf" + json.dumps({"age": 1e400}).encode(), "Age: please type a number"),  # BOM + Infinity
        (json.dumps({"age": 10**400}).encode(), "That looks too high for age"),
        (b'{"age": NaN}', "Age: please type a number"),
        (b'{"__proto__": {"age": 1}}', "ImmunoPrep does not ask for ('__proto__')"),
    ]:
        answers, problems = check_resume_file(data)
        assert answers is None and any(expected in p for p in problems), (data[:40], problems)
        assert all(len(p) <= MAX_MESSAGE for p in problems)


def run_cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    return cli(list(argv), stdout=out, stderr=err), out.getvalue(), err.getvalue()


def _template_rows():
    _, text, _ = run_cli("template")
    header, example = list(csv.reader(io.StringIO(text)))
    return header, dict(zip(header, example, strict=True))


HEADER, EXAMPLE = _template_rows()
cells = (
    st.sampled_from(ADVERSARIAL_TEXT)
    | long_texts
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
    | st.sampled_from([o for q in QUESTIONS for o in q.option_ids])
)


def _formula_like(cell: str) -> bool:
    if not cell.startswith(FORMULA_PREFIXES):
        return False
    try:
        return not math.isfinite(float(cell))
    except ValueError:
        return True


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.dictionaries(st.sampled_from(HEADER), cells, max_size=6), min_size=1, max_size=4))
def test_batch_csv_fuzz_gives_one_result_row_each_and_no_formulas(tmp_path_factory, changes):
    folder = tmp_path_factory.mktemp("batch")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, HEADER, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writeheader()
    for change in changes:
        writer.writerow(EXAMPLE | change)
    (folder / "intake.csv").write_text(buffer.getvalue(), encoding="utf-8")
    code, out, err = run_cli("batch", str(folder / "intake.csv"), "--out", str(folder / "out"), "--jobs", "1")
    assert code in (0, 2), err
    assert "Traceback" not in err
    with open(folder / "out" / "results.csv", newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [int(r["row"]) for r in rows] == list(range(1, len(changes) + 1))
    invalid = {int(r["row"]) for r in rows if r["status"] == "invalid"}
    reported = {int(line.split(":")[0].split()[1]) for line in err.splitlines()}
    assert invalid == reported and (code == 2) == bool(invalid)
    for row in rows:
        assert row["status"] in ("ok", "invalid")
        for value in row.values():
            assert not _formula_like(value), value
    for line in err.splitlines():
        assert line.startswith("row ") and all(ch in string.printable or ch.isprintable() for ch in line), line


@FUZZ
@given(json_values | answer_dicts)
def test_summary_json_fuzz_exit_0_or_2_with_one_line_per_problem(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("summary") / "answers.json"
    path.write_text(json.dumps(data, default=str), encoding="utf-8", errors="surrogatepass")
    code, out, err = run_cli("summary", str(path))
    assert code in (0, 2)
    if code == 0:
        assert json.loads(out)["disclaimer"]
    else:
        assert err and all(": " in line and line.isprintable() for line in err.splitlines())


def _intake(rows) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def test_cli_ten_megabyte_files(tmp_path):
    # Just under the 10 MB limit: 900 rows, each with an over-long free-text cell and a formula label.
    near_limit = tmp_path / "near.csv"
    row = EXAMPLE | {
        "label": '=HYPERLINK("http://evil.example")',
        "cancer_type": "other",
        "cancer_type_other": "x" * 11_000,
    }
    near_limit.write_text(_intake([row] * 900))
    assert 9 * 1024 * 1024 < near_limit.stat().st_size < 10 * 1024 * 1024
    code, _, err = run_cli("batch", str(near_limit), "--out", str(tmp_path / "out"))
    assert code == 2 and err.count("Other cancer type is too long (11000 characters; at most 120)") == 900
    results = (tmp_path / "out" / "results.csv").read_text()
    assert results.count("'=HYPERLINK") == 900 and "xxxxxxxxxx" not in results

    one_cell = tmp_path / "one-cell.csv"
    one_cell.write_text(_intake([EXAMPLE | {"cancer_type_other": "x" * (9 * 1024 * 1024)}]))
    code, _, err = run_cli("batch", str(one_cell), "--out", str(tmp_path / "out2"))
    assert code == 2 and err.startswith("intake: not a readable CSV after line 1 (field larger than field limit")

    over = tmp_path / "over.json"
    over.write_bytes(b" " * (10 * 1024 * 1024 + 1))
    code, _, err = run_cli("summary", str(over))
    assert code == 2 and err == "answers: file is larger than 10 MB\n"
