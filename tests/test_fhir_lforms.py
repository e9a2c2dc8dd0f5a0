"""Round trip through another FHIR forms tool: NLM's LHC-Forms fills ImmunoPrep's Questionnaire in Chromium.

The form is filled through LHC-Forms' own widgets, its QuestionnaireResponse is taken with its own API,
and that response must load back as answers that get the same assessment as the same answers typed
into ImmunoPrep. lforms comes from npm (tests/lforms/package-lock.json) and is served from loopback.
"""

import functools
import re
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from questionnaire import Answers, load_definition, validate_answers, visible_questions
from reports import answers_from_questionnaire_response, questionnaire_resource
from rules import assess
from tests.browser import launch, requires_chromium

LFORMS_DIST = Path(__file__).resolve().parent / "lforms" / "node_modules" / "lforms" / "dist" / "lforms"
# The files LHC-Forms' README lists for its web component, plus the R4 FHIR support library.
PAGE = b"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ImmunoPrep in LHC-Forms</title>
<link rel="stylesheet" href="/webcomponent/styles.css">
<script src="/webcomponent/assets/lib/zone.min.js"></script>
<script src="/webcomponent/runtime.js" type="module"></script>
<script src="/webcomponent/polyfills.js" type="module"></script>
<script src="/webcomponent/main.js" type="module"></script>
<script src="/fhir/R4/lformsFHIR.min.js" defer></script>
</head><body><div id="form"></div></body></html>"""
# The patient in the issue: relapsed multiple myeloma after three lines, 67 years old.
FILLED = {
    "age": 67,
    "sex_at_birth": "male",
    "cancer_type": "multiple_myeloma",
    "disease_course": "relapsed",
    "prior_treatments": ["imid", "proteasome_inhibitor", "anti_cd38"],
    "prior_lines": 3,
    "lenalidomide_refractory": "yes",
    "ecog": "1",
    "lvef_percent": 55.0,
    "caregiver": "yes",
}

pytestmark = [
    requires_chromium,
    pytest.mark.skipif(
        not LFORMS_DIST.is_dir(),
        reason="tests/lforms/node_modules is missing: run `make test` "
        "or `npm ci --prefix tests/lforms` to install LHC-Forms",
    ),
]


class _LFormsFiles(SimpleHTTPRequestHandler):
    """Serves the test page at / and the lforms package's built files below it; logs nothing."""

    def do_GET(self) -> None:
        if self.path in ("/", "/index.html"):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)
        else:
            super().do_GET()

    def log_message(self, format: str, *args) -> None:
        pass


@contextmanager
def lforms_server():
    """A static HTTP server on a free loopback port; yields the page URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_LFormsFiles, directory=str(LFORMS_DIST)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def field(page, question_id: str):
    # LHC-Forms gives each answer box the id linkId/row/repeat.
    return page.locator(f"[id='{question_id}/1/1']")


def choose(page, question_id: str, option_id: str) -> None:
    """Pick an option in LHC-Forms' autocomplete list as a user would: type its start, click it."""
    wording = load_definition().question(question_id).option(option_id).patient
    box = field(page, question_id)
    box.click()
    box.press_sequentially(wording[:12], delay=5)
    exact = re.compile(rf"^\s*(\d+:)?\s*{re.escape(wording)}\s*$")  # list items may be numbered "2: Male"
    page.locator("#lhc-tools-searchResults li").filter(has_text=exact).first.click()


def type_number(page, question_id: str, value: float) -> None:
    box = field(page, question_id)
    box.fill(f"{value:g}")
    box.press("Tab")


RESPONSE_JS = "() => LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', document.getElementById('form'))"


def form_response(page, answered: set[str]) -> dict:
    """The QuestionnaireResponse once every answered question is in it: LHC-Forms updates its model
    a moment after the last click, as a person would see when the page settles."""
    page.wait_for_function(
        f"""(ids) => {{
            const found = new Set();
            const walk = (items) => (items || []).forEach(i => {{ if (i.answer) found.add(i.linkId); walk(i.item); }});
            walk(({RESPONSE_JS})().item);
            return ids.every(id => found.has(id));
        }}""",
        arg=sorted(answered),
    )
    return page.evaluate(RESPONSE_JS)


def shown_questions(page) -> set[str]:
    """Question ids LHC-Forms shows now (its enableWhen / enableWhenExpression decisions)."""
    ids = page.evaluate(
        "() => Array.from(document.querySelectorAll('#form input[id$=\"/1/1\"]'))"
        ".filter(e => e.offsetParent !== null).map(e => e.id)"
    )
    questions = {q.id for q in load_definition().questions}
    return {i.split("/")[0] for i in ids} & questions


def wait_until_shown(page, question_id: str, shown: bool) -> None:
    """Wait for LHC-Forms to show or hide a question (it may evaluate expressions after the event)."""
    page.wait_for_function(
        "([id, shown]) => { const e = document.getElementById(id + '/1/1');"
        " return !!(e && e.offsetParent !== null) === shown; }",
        arg=[question_id, shown],
    )


def levels(answers) -> dict[str, str]:
    return {category.id: category.level for category in assess(answers).categories}


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def form(browser):
    """A fresh page with ImmunoPrep's exported Questionnaire rendered by LHC-Forms."""
    with lforms_server() as url:
        page = browser.new_page()
        page.set_default_timeout(20000)
        try:
            page.goto(url)
            page.wait_for_function("() => window.LForms && LForms.Util && LForms.FHIR")
            page.evaluate(
                "(questionnaire) => LForms.Util.addFormToPage(questionnaire, 'form')", questionnaire_resource()
            )
            field(page, "age").wait_for()
            yield page
        finally:
            page.close()


def fill(page, answers: dict) -> None:
    """Answer in form order, as a person would: earlier answers reveal later questions."""
    for question in load_definition().questions:
        value = answers.get(question.id)
        if value is None:
            continue
        if question.type == "number":
            type_number(page, question.id, value)
        else:
            for option_id in value if isinstance(value, list) else [value]:
                choose(page, question.id, option_id)


def test_lhc_forms_fills_the_questionnaire_and_its_response_loads_back(form):
    expected = Answers.model_validate(FILLED)
    fill(form, FILLED)
    shown = shown_questions(form)
    response = form_response(form, answered=set(FILLED))

    # LHC-Forms shows exactly the questions ImmunoPrep's own flow shows for these answers.
    assert shown == {q.id for q in visible_questions(expected.given())}
    QuestionnaireResponse.model_validate(response)
    raw, problems = answers_from_questionnaire_response(response)
    assert problems == []
    answers, invalid = validate_answers(raw)
    assert invalid == [] and answers.given() == expected.given()
    assert levels(answers) == levels(expected)


def test_lhc_forms_follows_the_fhirpath_visibility_condition(form):
    # The pregnancy question's condition combines all/any/not, so it is exported as an SDC
    # enableWhenExpression (FHIRPath), not plain enableWhen; LHC-Forms must evaluate it.
    fill(form, {"sex_at_birth": "female", "age": 30})
    wait_until_shown(form, "pregnancy", True)
    type_number(form, "age", 67)
    wait_until_shown(form, "pregnancy", False)
    type_number(form, "age", 45)
    wait_until_shown(form, "pregnancy", True)
