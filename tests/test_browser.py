"""Real headless Chromium against a real `streamlit run` server: both journeys, PDF download.

Screenshots of each step go to $SCREENSHOT_DIR (default: a temporary folder); the best are kept in
docs/screenshots/.
"""

import io
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser import fill, next_step, open_tab, pick, requires_chromium, wait_idle

pytestmark = requires_chromium


def _choose(page, question, option):
    page.get_by_role("radiogroup", name=question).get_by_text(option, exact=True).click()
    wait_idle(page)


def test_patient_journey_to_pdf(server, browser, shots):
    page = browser.new_page(viewport={"width": 1100, "height": 1300})
    page.goto(server)
    page.get_by_role("button", name="I am a patient or family member").click()
    wait_idle(page)
    shots(page, "patient-01-about-you")
    age = page.get_by_role("textbox", name="How old are you? (years)")
    age.fill("250")
    age.press("Enter")
    wait_idle(page)
    expect(page.get_by_text("That looks too high for age.", exact=False)).to_be_visible()
    shots(page, "patient-02-validation")
    age.fill("61")
    age.press("Enter")
    wait_idle(page)
    _choose(page, "What sex were you assigned at birth?", "Male")
    next_step(page)
    pick(page, "What type of cancer do you have?", "Non-small")
    _choose(page, "How far has the cancer spread?", "It has spread to other parts of the body")
    shots(page, "patient-03-your-cancer")
    next_step(page)
    expect(page.get_by_text("Step 3 of 8", exact=True)).to_be_visible()
    _choose(page, "What was the PD-L1 result on the lung tumour?", "50% or more")
    _choose(page, "Was an EGFR gene change found in the lung tumour?", "No, it was not found")
    shots(page, "patient-04-tumour-tests")
    page.get_by_role("button", name="← Back").click()
    wait_idle(page)
    shots(page, "patient-04b-back")
    kept = page.get_by_role("combobox", name="What type of cancer do you have?")
    assert (
        "Non-small cell lung cancer"
        in (kept.input_value() or "") + page.locator("[data-testid=stSelectbox]").first.inner_text()
    )
    next_step(page)
    for _ in range(5):
        next_step(page)
    shots(page, "patient-05-review")
    expect(page.get_by_text("Check your answers", exact=True)).to_be_visible()
    labels = page.evaluate(
        "() => [...document.querySelectorAll('[aria-label]')].map(e => e.getAttribute('aria-label'))"
    )
    assert not any("\\" in label for label in labels), labels
    shots(page, "patient-05-review")
    page.get_by_role("button", name="See my summary →").click()
    wait_idle(page)
    expect(page.get_by_text("Commonly considered").first).to_be_visible()
    expect(page.get_by_text("Immune checkpoint inhibitors").first).to_be_visible()
    shots(page, "patient-06-results")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the PDF to bring to your doctor").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Immune checkpoint inhibitors" in text and "Your answers at a glance" in text
    page.close()


def test_nurse_journey_and_new_patient(server, browser, shots):
    page = browser.new_page(viewport={"width": 1280, "height": 1100})
    page.goto(server)
    page.get_by_role("button", name="I am a nurse or clinician").click()
    wait_idle(page)
    page.get_by_role("textbox", name="Patient label for the PDF (e.g. initials; not stored)").fill("<b>ZŁ</b>")
    page.keyboard.press("Tab")
    wait_idle(page)
    open_tab(page, "Diagnosis")
    pick(page, "Primary diagnosis", "Multiple myeloma")
    _choose(page, "Disease status", "Relapsed")
    open_tab(page, "Treatment history")
    therapies = page.get_by_role("combobox", name="Prior therapies (all that apply)")
    for option in ("Immunomodulatory drug", "Proteasome inhibitor", "Anti-CD38"):
        therapies.click()
        page.keyboard.type(option)
        page.keyboard.press("Enter")
        wait_idle(page)
    page.keyboard.press("Escape")
    lines = page.get_by_role("textbox", name="Prior lines of systemic therapy (lines)")
    lines.fill("3")
    lines.press("Enter")
    wait_idle(page)
    shots(page, "nurse-01-form")
    page.get_by_role("button", name="Show summary →").click()
    wait_idle(page)
    expect(page.get_by_text("CAR T-cell therapy").first).to_be_visible()
    page.get_by_text("Show rule ids").click()
    wait_idle(page)
    expect(page.get_by_text("car_t.myeloma.after_three_drug_classes").first).to_be_visible()
    shots(page, "nurse-02-results")
    page.get_by_role("button", name="New patient").click()
    wait_idle(page)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Clear all 4 answers?")
    dialog.get_by_role("button", name="Yes, clear everything").click()
    wait_idle(page)
    expect(page.get_by_text("All answers and results were cleared.")).to_be_visible()
    open_tab(page, "Diagnosis")
    expect(page.get_by_role("textbox", name="Patient label for the PDF (e.g. initials; not stored)")).to_have_value("")
    expect(page.locator("[data-testid=stSelectbox]").first).not_to_contain_text("Multiple myeloma")
    page.close()


def test_phone_width_layout(server, browser, shots):
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page.goto(server)
    page.get_by_role("button", name="I am a patient or family member").click()
    wait_idle(page)
    expect(page.get_by_role("button", name="Next →")).to_be_visible()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 400, f"page scrolls sideways on a phone ({width}px)"
    shots(page, "patient-phone")
    page.close()


def test_resume_upload_good_and_bad(server, browser, shots, tmp_path):
    from questionnaire import Answers
    from reports import saved_answers_json

    good = tmp_path / "answers.json"
    good.write_text(saved_answers_json(Answers(cancer_type="kidney", stage="metastatic", age=66)))
    bad = tmp_path / "bad.json"
    bad.write_text('{"answers": {"age": 66, "lvef_percent": 400}}')
    page = browser.new_page(viewport={"width": 1100, "height": 1000})
    page.goto(server)
    page.get_by_text("Continue with saved answers").first.click()
    upload = page.locator("input[type=file]").first
    upload.set_input_files(str(bad))
    expect(page.get_by_text("nothing was changed")).to_be_visible()
    expect(page.get_by_text("That looks too high for heart pumping strength (LVEF)", exact=False)).to_be_visible()
    shots(page, "resume-bad-file")
    upload.set_input_files(str(good))
    expect(page.get_by_text("Found 3 answers in the file.")).to_be_visible()
    page.get_by_role("button", name="Load these answers").click()
    expect(page.get_by_text("Check your answers", exact=True)).to_be_visible()
    expect(page.get_by_text("66 years")).to_be_visible()
    page.close()


FREE_TEXT_PAYLOAD = "<script>window.__pwned=1</script><img src=x onerror=window.__pwned=2> **bold** [x](javascript:alert(1)) :red[r] $x^2$"
LABEL_PAYLOAD = "<b>ZŁ</b><img src=y onerror=window.__pwned=3>**AB**"
NUMBER_PAYLOAD = "<i>5</i> **7** [x](http://evil.example)"


def _injected(page) -> dict:
    return page.evaluate("""() => ({
        pwned: window.__pwned || 0,
        scripts: [...document.querySelectorAll('script')].filter(s => s.textContent.includes('__pwned')).length,
        images: document.querySelectorAll('img[src="x"], img[src="y"]').length,
        evilLinks: [...document.querySelectorAll('a')].filter(a => /javascript:|evil\\.example/.test(a.href)).length,
        bold: [...document.querySelectorAll('strong, b, i, em')].filter(e => /^(bold|AB|ZŁ|7|5)$/.test(e.textContent)).length,
        math: document.querySelectorAll('.katex').length,
    })""")


def test_markup_in_free_text_is_shown_literally(server, browser, shots):
    clean = {"pwned": 0, "scripts": 0, "images": 0, "evilLinks": 0, "bold": 0, "math": 0}
    page = browser.new_page(viewport={"width": 1100, "height": 1300})
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server)
    page.get_by_role("button", name="I am a patient or family member").click()
    wait_idle(page)
    fill(page, "How old are you? (years)", NUMBER_PAYLOAD)
    shown = page.get_by_role("alert").filter(has_text="is not a number").inner_text().replace("\u2060", "")
    assert f"Age: '{NUMBER_PAYLOAD[:30]}" in shown and "is not a number" in shown  # quoted, shortened
    assert _injected(page) == clean
    next_step(page)
    pick(page, "What type of cancer do you have?", "Another cancer")
    fill(page, "What is the name of your cancer?", FREE_TEXT_PAYLOAD)
    page.get_by_role("button", name="Skip to summary").click()
    wait_idle(page)
    page.get_by_role("button", name="← Back to the questions").click()
    wait_idle(page)
    expect(page.get_by_text("Check your answers", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name=FREE_TEXT_PAYLOAD)).to_be_visible()
    shots(page, "markup-literal-review")
    assert _injected(page) == clean
    page.get_by_role("button", name="See my summary →").click()
    wait_idle(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the PDF to bring to your doctor").click()
    text = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(Path(download_info.value.path()).read_bytes())).pages
    )
    assert FREE_TEXT_PAYLOAD in " ".join(text.split())
    assert _injected(page) == clean and dialogs == []
    page.close()

    page = browser.new_page(viewport={"width": 1280, "height": 1100})
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server)
    page.get_by_role("button", name="I am a nurse or clinician").click()
    wait_idle(page)
    fill(page, "Patient label for the PDF (e.g. initials; not stored)", LABEL_PAYLOAD)
    page.get_by_role("button", name="Show summary →").click()
    wait_idle(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the PDF to bring to your doctor").click()
    text = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(Path(download_info.value.path()).read_bytes())).pages
    )
    assert f"For: {LABEL_PAYLOAD}" in " ".join(text.split())
    assert _injected(page) == clean and dialogs == []
    page.close()
