"""The appointment kit and the clinic list in real headless Chromium: a nurse uploads a 50-row clinic
list and downloads the ZIP; a patient orders their questions with the keyboard and downloads both PDFs.
Screenshots go to $SCREENSHOT_DIR (default: a temporary folder)."""

import io
import json
import random
import zipfile
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader

from questionnaire import Answers
from reports import saved_answers_json
from rules import assess
from tests.answer_samples import intake_csv, sample_answers
from tests.browser import requires_chromium, wait_idle

pytestmark = requires_chromium


def test_a_nurse_prepares_a_50_row_clinic_list(server, browser, shots, tmp_path):
    answers = sample_answers(random.Random(11), 50)
    answers[7] = Answers(
        cancer_type="kidney", current_immunotherapy=["checkpoint_inhibitor"], current_symptoms=["collapse"]
    )
    intake = tmp_path / "clinic-monday.csv"
    intake.write_text(intake_csv(answers, [f"Bed {n}" for n in range(1, 51)]))
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server)
    page.get_by_role("button", name="I am a nurse or clinician").click()
    wait_idle(page)
    page.locator("[data-testid=stSidebar]").get_by_role("button", name="Clinic list (CSV)").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Clinic list")).to_be_visible()
    page.locator("input[type=file]").set_input_files(str(intake))
    wait_idle(page)
    page.get_by_role("button", name="Prepare the summaries").click()
    expect(page.get_by_text("Preparing summaries:")).to_be_visible(timeout=30000)  # the progress bar
    expect(page.get_by_role("heading", name="Results")).to_be_visible(timeout=180000)
    wait_idle(page, timeout=60000)
    expect(page.get_by_text("50 rows:")).to_be_visible()
    expect(page.get_by_text("reported warning signs. They are at the top of the table")).to_be_visible()
    grid = page.locator("[data-testid=stDataFrame]")
    expect(grid).to_be_visible()
    shots(page, "clinic-list-results")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the ZIP").click()
    archive = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes()))
    names = archive.namelist()
    assert "results.csv" in names and len([n for n in names if n.endswith(".pdf")]) == 50
    assert "row-0008-Bed-8.pdf" in names
    first = PdfReader(io.BytesIO(archive.read("row-0008-Bed-8.pdf")))
    assert "URGENT: Call 911 now" in first.pages[0].extract_text()
    page.close()


def test_a_patient_orders_questions_and_downloads_both_pdfs(server, browser, shots, tmp_path):
    answers = Answers(
        cancer_type="dlbcl",
        disease_course="refractory",
        prior_treatments=["chemotherapy_other", "anti_cd20"],
        prior_lines=2,
        current_immunotherapy=["car_t"],
        current_symptoms=["none"],
        age=61,
    )
    suggested = assess(answers).questions_to_ask
    saved = tmp_path / "immunoprep-answers-2026-11-24.json"
    saved.write_text(saved_answers_json(answers))
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server)
    page.get_by_text("Continue with saved answers").first.click()
    page.locator("input[type=file]").first.set_input_files(str(saved))
    wait_idle(page)
    page.get_by_role("button", name="Load these answers").first.click()
    wait_idle(page)
    page.get_by_role("button", name="See my summary →").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="My questions")).to_be_visible()
    page.get_by_role("button", name="Down", exact=True).nth(1).focus()
    page.keyboard.press("Enter")  # keyboard only: move question 2 below question 3
    wait_idle(page)
    box = page.get_by_role("textbox", name="Add your own question")
    box.fill("Can I still go to my daughter's wedding in June?")
    page.get_by_role("button", name="Add question").click()
    wait_idle(page)
    expect(page.get_by_text("Can I still go to my daughter's wedding in June?")).to_be_visible()
    expect(page.get_by_role("heading", name="What to expect", exact=True)).to_be_visible()
    expect(page.get_by_role("list").filter(has_text="Cells collected")).to_be_visible()
    expect(page.get_by_text("Your PDF ends with a wallet card to cut out")).to_be_visible()
    shots(page, "summary-kit")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the PDF to bring to your doctor").click()
    summary = " ".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    summary = " ".join(summary.split())
    assert "Can I still go to my daughter's wedding in June?" in summary and "Wallet card" in summary
    assert summary.index(suggested[2]) < summary.index(suggested[1])  # the order chosen on screen
    with page.expect_download() as download:
        page.get_by_role("button", name="One-page PDF for the doctor").click()
    assert len(PdfReader(download.value.path()).pages) == 1
    # The clinic downloads are made only when clicked (never on a summary rerun): each one still arrives.
    page.get_by_text("More downloads (for clinics)").click()
    made = {}
    for name in ("Result (JSON)", "Result (CSV)", "FHIR QuestionnaireResponse"):
        with page.expect_download() as download:
            page.get_by_role("button", name=name).click()
        made[name] = Path(download.value.path()).read_text(encoding="utf-8")
    assert len(json.loads(made["Result (JSON)"])["categories"]) == 11
    assert made["Result (CSV)"].startswith("label,") and "level_car_t" in made["Result (CSV)"].splitlines()[0]
    assert json.loads(made["FHIR QuestionnaireResponse"])["resourceType"] == "QuestionnaireResponse"
    page.close()
