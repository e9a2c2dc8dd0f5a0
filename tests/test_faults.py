"""Forced failures: each gives a clear message, no half-written file, no leaked session, no stuck lock.

After every engine fault the same process runs 2,000 more assessments and each must equal the
plain-Python reference: a leaked session (durable keeps at most ~1024 per ruleset) or a lock left
held would make them fail or hang.
"""

import io
import json
import random
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import durable_rules_engine
import pytest
from streamlit.testing.v1 import AppTest

import reports.pdf
from questionnaire import Answers
from reports.cli import main as cli
from rules import RuleEngineError, assess, assess_reference, load_engine
from tests.answer_samples import sample_answers

ENGINE = load_engine()

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
AFTER_FAULT = 1100


@pytest.fixture(scope="module")
def pool():
    answers = sample_answers(random.Random(2026), 40)
    return [(a, assess_reference(a).model_dump_json()) for a in answers]


def _all_succeed(pool, count: int) -> int:
    for i in range(count):
        answers, expected = pool[i % len(pool)]
        assert assess(answers).model_dump_json() == expected, f"assessment {i} after the fault differs"
    return count


def _session_exists(ruleset: str, sid: str) -> bool:
    try:
        ENGINE._host.get_state(ruleset, sid)
    except durable_rules_engine.error:  # the engine's "no such session"; an unknown ruleset is a KeyError
        return False
    return True


def _raise_in_action(monkeypatch):
    def broken(action_name):
        raise RuntimeError("injected failure inside a rule action")

    monkeypatch.setattr(ENGINE._host, "record", broken)


def _raise_in_engine_call(monkeypatch):
    original, calls = ENGINE._host.assert_fact, []

    def broken(ruleset, fact):
        calls.append(ruleset)
        if len(calls) == 2:  # the first layer succeeded; fail in the middle of the assessment
            original(ruleset, fact)  # the session now exists and must still be freed
            raise RuntimeError("injected failure in the C engine call")
        return original(ruleset, fact)

    monkeypatch.setattr(ENGINE._host, "assert_fact", broken)


@pytest.mark.parametrize(
    "inject", [_raise_in_action, _raise_in_engine_call], ids=["action raises", "engine call raises"]
)
def test_engine_fault_is_a_clear_error_then_1100_assessments_succeed(monkeypatch, pool, inject):
    answers = Answers(cancer_type="nsclc", stage="metastatic", pd_l1_tps="50_plus")
    first_sid = int(next(ENGINE._sids)) + 1
    inject(monkeypatch)
    with pytest.raises(RuleEngineError, match="injected failure"):
        assess(answers)
    monkeypatch.undo()
    last_sid = int(next(ENGINE._sids))
    assert not ENGINE._lock.locked()
    rulesets = [name for group in ENGINE._rulesets.values() for name, _fields in group]
    leaked = [(r, s) for r in rulesets for s in range(first_sid, last_sid) if _session_exists(r, str(s))]
    assert leaked == []
    assert _all_succeed(pool, AFTER_FAULT) == AFTER_FAULT


def test_a_raising_action_is_never_a_silently_shorter_result(monkeypatch):
    # durable-rules itself swallows action exceptions; without our check the rule would just be missing.
    answers = Answers(cancer_type="cutaneous_melanoma", stage="metastatic")
    calls = []

    def flaky(action_name):
        calls.append(action_name)
        if len(calls) == 5:
            raise ValueError("fifth action fails")
        ENGINE._host.__class__.record(ENGINE._host, action_name)

    monkeypatch.setattr(ENGINE._host, "record", flaky)
    with pytest.raises(RuleEngineError, match="fifth action fails"):
        assess(answers)


def test_stress_16_threads_past_the_session_cap(pool):
    # 16 x 80 = 1,280 assessments: more than the ~1,024 live sessions durable-rules keeps per ruleset.
    failures, done = [], [0] * 16

    def worker(index: int) -> None:
        for i in range(80):
            answers, expected = pool[(index * 13 + i) % len(pool)]
            try:
                if assess(answers).model_dump_json() != expected:
                    failures.append((index, i, "differs"))
            except Exception as error:  # noqa: BLE001 — any failure is what we count
                failures.append((index, i, repr(error)))
            done[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    assert failures == [] and sum(done) == 16 * 80


# ---------------------------------------------------------------- PDF failing mid-way


def _break_pdf_midway(monkeypatch):
    # The glossary is drawn after the answers, levels and questions: the document is half built.
    def broken(*_args, **_kwargs):
        raise RuntimeError("injected failure while drawing the glossary for Zoë")

    monkeypatch.setattr(reports.pdf, "_glossary", broken)


def run_cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    return cli(list(argv), stdout=out, stderr=err), out.getvalue(), err.getvalue()


def test_cli_pdf_failure_writes_nothing_and_says_so(tmp_path, monkeypatch):
    source = tmp_path / "a.json"
    source.write_text(json.dumps({"cancer_type": "nsclc", "stage": "metastatic"}))
    _break_pdf_midway(monkeypatch)
    code, _, err = run_cli(
        "summary", str(source), "--pdf", str(tmp_path / "s.pdf"), "--json", str(tmp_path / "s.json"), "--label", "Zoë"
    )
    assert code == 1
    assert err.startswith("pdf: could not be made (RuntimeError at test_faults.py:") and "nothing was written" in err
    assert "Zoë" not in err  # the message can quote the label; it is left out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]  # no PDF, no JSON, no temporary file


def test_batch_pdf_failure_marks_the_rows_and_keeps_the_rest(tmp_path, monkeypatch):
    code, template, _ = run_cli("template")
    intake = tmp_path / "intake.csv"
    lines = template.splitlines()
    intake.write_text("\n".join([lines[0], lines[1], lines[1].replace("AB", "CD", 1)]) + "\n")
    _break_pdf_midway(monkeypatch)
    code, out, err = run_cli("batch", str(intake), "--out", str(tmp_path / "out"), "--pdf", "--jobs", "1")
    assert code == 1 and "2 row(s) could not be finished" in out
    assert err.count("pdf: could not be made") == 2
    results = (tmp_path / "out" / "results.csv").read_text()
    assert results.count("pdf_failed") == 2
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["results.csv"]


def test_cli_engine_failure_is_exit_1_not_a_traceback(tmp_path, monkeypatch):
    import reports.batch
    import reports.cli

    def broken(_answers, _language="en"):
        raise RuleEngineError("rule engine failed in immunoprep_findings_0: injected")

    source = tmp_path / "a.json"
    source.write_text(json.dumps({"cancer_type": "nsclc"}))
    monkeypatch.setattr(reports.cli, "assess", broken)
    monkeypatch.setattr(reports.batch, "assess", broken)  # the clinic list (CLI batch and app) assesses here
    code, out, err = run_cli("summary", str(source), "--json", str(tmp_path / "s.json"))
    assert code == 1 and err.startswith("assessment: could not be made (RuleEngineError at test_faults.py:")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]
    _, template, _ = run_cli("template")
    (tmp_path / "intake.csv").write_text(template)
    code, out, err = run_cli("batch", str(tmp_path / "intake.csv"), "--out", str(tmp_path / "out"), "--jobs", "1")
    assert (
        code == 1 and "1 row(s) could not be finished" in out and err.startswith("row 1: assessment: could not be made")
    )
    assert ",failed," in (tmp_path / "out" / "results.csv").read_text()


# ---------------------------------------------------------------- the app


def _results_app(answers):
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state["role"] = "nurse"
    app.session_state["answers"] = answers
    app.session_state["label"] = "Zoë <b>"
    app.session_state["step"] = "results"
    return app


def test_app_engine_failure_keeps_answers_and_recovers(monkeypatch, caplog):
    import ui.summary

    def broken(_answers, _language="en"):
        raise RuleEngineError("rule engine failed in immunoprep_findings_0: injected")

    answers = {"cancer_type": "cutaneous_melanoma", "stage": "metastatic"}
    monkeypatch.setattr(ui.summary, "assess", broken)
    app = _results_app(answers).run()
    assert not app.exception
    assert any("summary could not be made" in e.value for e in app.error)
    assert app.session_state["answers"] == answers
    assert "Zoë" not in caplog.text and "melanoma" not in caplog.text
    monkeypatch.undo()
    app.button(key="retry_results").click().run()
    assert not app.exception and any("Immune checkpoint inhibitors" in e.label for e in app.expander)


def test_app_pdf_failure_offers_no_pdf_but_keeps_the_rest(monkeypatch, caplog):
    _break_pdf_midway(monkeypatch)
    app = _results_app({"cancer_type": "cutaneous_melanoma", "stage": "metastatic"}).run()
    assert not app.exception
    assert any("PDF could not be made" in e.value for e in app.error)
    assert "PDF build failed: RuntimeError at test_faults.py:" in caplog.text and "Zoë" not in caplog.text
    assert app.session_state["pdf_cache"] is None
    monkeypatch.undo()
    app.button(key="retry_pdf").click().run()
    assert app.session_state["pdf_cache"][1].startswith(b"%PDF") and not app.error


# ---------------------------------------------------------------- corrupt files at start-up


def _copy_app(tmp_path: Path) -> Path:
    target = tmp_path / "app"
    target.mkdir()
    shutil.copy(ROOT / "app.py", target)
    for folder in ("ui", "rules", "questionnaire", "reports", ".streamlit"):
        shutil.copytree(ROOT / folder, target / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return target


CORRUPTIONS = {
    "truncated rule file": (
        "rules/families/checkpoint_inhibitors.yaml",
        lambda t: t[: len(t) // 2] + "\n  - id: [",
        "checkpoint_inhibitors.yaml: cannot read",
    ),
    "rule with a typo in an answer": (
        "rules/families/urgent.yaml",
        lambda t: t.replace("current_symptoms", "current_symptom", 1),
        "urgent.yaml",
    ),
    "questions file with a dangling condition": (
        "questionnaire/questions.yaml",
        lambda t: t.replace("visible_if: {cancer_type: [other]}", "visible_if: {cancer_kind: [other]}", 1),
        "questions.yaml",
    ),
}

PROBE = """
from streamlit.testing.v1 import AppTest
app = AppTest.from_file("app.py", default_timeout=60).run()
print("EXCEPTION" if app.exception else "NO-EXCEPTION")
print("\\n".join(e.value for e in app.error))
print("BUTTONS", len(app.button))
"""


@pytest.mark.parametrize("name", CORRUPTIONS)
def test_corrupt_file_is_a_clean_start_up_failure(tmp_path, name):
    relative, corrupt, named = CORRUPTIONS[name]
    app_dir = _copy_app(tmp_path)
    path = app_dir / relative
    original = path.read_text(encoding="utf-8")
    path.write_text(corrupt(original), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != original

    check = subprocess.run([sys.executable, "-m", "rules"], cwd=app_dir, capture_output=True, text=True, timeout=120)
    assert check.returncode == 1 and check.stdout == ""
    assert check.stderr.startswith("ImmunoPrep cannot start: ") and named in check.stderr
    assert "Traceback" not in check.stderr

    page = subprocess.run([sys.executable, "-c", PROBE], cwd=app_dir, capture_output=True, text=True, timeout=120)
    assert page.returncode == 0, page.stderr[-2000:]
    assert "NO-EXCEPTION" in page.stdout and "not available right now" in page.stdout
    assert "BUTTONS 0" in page.stdout  # nothing to click into a broken rule set
    assert named in page.stderr  # the operator's log names the file


def test_a_download_made_on_click_fails_without_quoting_answers(caplog):
    import ui.summary

    def broken() -> bytes:
        raise ValueError("cannot draw 'Zoë has melanoma'")

    with pytest.raises(RuntimeError) as raised:
        ui.summary._on_click("doctor PDF build", broken)()
    assert str(raised.value) == "doctor PDF build could not be made" and raised.value.__cause__ is None
    assert "doctor PDF build failed: ValueError at test_faults.py:" in caplog.text
    assert "Zoë" not in caplog.text and "melanoma" not in caplog.text
    assert ui.summary._on_click("result JSON", lambda: "{}")() == "{}"
