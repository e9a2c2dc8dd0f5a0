"""The patient and nurse journeys in real headless Chromium: what AppTest cannot see.

Urgent panel on the step where a warning sign is chosen, lists that pick only what was typed, pages
that open at the top with focus on the new heading, and the forgiving parts (confirm before clearing,
uploads cleared). Screenshots go to $SCREENSHOT_DIR (default: a temporary folder).
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import choose_many, next_step, pick, requires_chromium, wait_idle

pytestmark = requires_chromium

TREATMENTS = "Which treatments have you had for this cancer? Choose all that apply."
IMMUNOTHERAPY = "Are you having immunotherapy now, or did you have it in the last 12 months?"
SYMPTOMS = "Do you have any of these now? Choose all that apply."


def _chips(page, question: str) -> list[str]:
    box = page.locator("[data-testid=stMultiSelect]").filter(has_text=question)
    return [tag.get_attribute("aria-label") for tag in box.locator(".react-aria-ComboBox [data-tag]").all()]


def _to_treatments(page, server, cancer: str = "Non-small"):
    page.goto(server)
    page.get_by_role("button", name="I am a patient or family member").click()
    wait_idle(page)
    # The first run after loading is not counted yet (wait_idle): see the step before going on.
    expect(page.get_by_role("heading", name="About you", level=2)).to_be_visible()
    next_step(page)
    expect(page.get_by_role("heading", name="Your cancer", level=2)).to_be_visible()
    pick(page, "What type of cancer do you have?", cancer)
    for _ in range(3):
        if page.get_by_role("heading", name="Treatments so far", level=2).count():
            break
        next_step(page)
    expect(page.get_by_role("combobox", name=TREATMENTS)).to_be_visible()


def test_choosing_a_warning_sign_shows_the_urgent_panel_on_that_step(server, browser, shots):
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    _to_treatments(page, server)
    choose_many(page, IMMUNOTHERAPY, "checkpoint")
    expect(page.get_by_role("alert")).to_have_count(0)
    choose_many(page, SYMPTOMS, "diarrhoea")
    panel = page.get_by_role("alert").filter(has_text="Call your cancer care team now")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Any new diarrhoea, blood in stools, or bad belly pain")
    expect(page.get_by_role("heading", name="Treatments so far")).to_be_visible()  # still the same step
    panel.scroll_into_view_if_needed()
    shots(page, "journey-urgent-same-step")
    choose_many(page, SYMPTOMS, "seizure")
    tiers = page.locator(".ip-urgent-title").all_inner_texts()
    assert [t.split(" ", 1)[1] for t in tiers] == ["Call 911 now", "Call your cancer care team now"], tiers
    shots(page, "journey-urgent-emergency")
    page.close()


@pytest.mark.parametrize(
    "question, typed, expected",
    [
        (TREATMENTS, "Rituximab", ["Rituximab or obinutuzumab"]),
        (TREATMENTS, "Daratumumab", ["Daratumumab or isatuximab"]),
        (IMMUNOTHERAPY, "No", ["No"]),
    ],
)
def test_typing_then_enter_picks_only_the_highlighted_option(server, browser, question, typed, expected):
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    _to_treatments(page, server, cancer="Multiple")
    choose_many(page, question, typed)
    assert _chips(page, question) == expected
    page.close()


PAGE_STATE = """() => ({
    scroll: document.querySelector('[data-testid=stMain]').scrollTop,
    focused: document.activeElement.tagName + ':' + document.activeElement.textContent.trim(),
    announced: (document.getElementById('ip-live') || {}).textContent || '',
    query: location.search,
})"""


def _state_after(page, wait_ms: int = 600) -> dict:
    page.wait_for_timeout(wait_ms)  # the arrival script waits for the new heading, then acts
    return page.evaluate(PAGE_STATE)


def test_each_step_opens_at_the_top_with_focus_on_its_heading_and_is_announced(server, browser):
    page = browser.new_page(viewport={"width": 1100, "height": 700})
    page.goto(server)
    page.get_by_role("button", name="I am a patient or family member").click()
    wait_idle(page)
    page.locator("[data-testid=stMain]").evaluate("main => main.scrollTop = 5000")
    next_step(page)
    state = _state_after(page)
    assert state["scroll"] == 0 and state["focused"] == "H2:Your cancer"
    assert state["announced"].startswith("Step 2 of ") and state["announced"].endswith(": Your cancer")
    assert "step=your_cancer" in state["query"] and "role=patient" in state["query"]
    page.keyboard.press("Tab")  # the next Tab reaches the first question (or its help), not the page chrome
    focused = page.evaluate("document.activeElement.getAttribute('aria-label') || ''")
    assert "What type of cancer do you have?" in focused, focused
    page.close()


def test_back_button_goes_to_the_previous_step_and_reload_stays_in_the_app(server, browser):
    page = browser.new_page(viewport={"width": 1100, "height": 700})
    _to_treatments(page, server, cancer="Large B")
    page.go_back()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Your cancer", level=2)).to_be_visible()
    kept = page.get_by_role("combobox", name="What type of cancer do you have?")
    shown = (kept.input_value() or "") + page.locator("[data-testid=stSelectbox]").first.inner_text()
    assert "Large B-cell lymphoma" in shown  # Back moved a step; nothing was lost
    warnings = []
    page.on("dialog", lambda dialog: (warnings.append(dialog.type), dialog.accept()))
    page.reload()
    wait_idle(page)
    assert warnings == ["beforeunload"]  # unsaved answers: the browser asked first
    expect(page.get_by_role("heading", name="Your cancer", level=2)).to_be_visible()  # still in the app, same step
    expect(page.get_by_text("The page was reloaded, so your answers were cleared")).to_be_visible()
    page.close()


def test_no_leave_warning_once_the_answers_are_saved(server, browser):
    page = browser.new_page(viewport={"width": 1100, "height": 700})
    page.goto(server)
    page.get_by_role("button", name="I am a patient or family member").click()
    wait_idle(page)
    age = page.get_by_role("textbox", name="How old are you? (years)")
    age.fill("61")
    age.press("Enter")
    wait_idle(page)
    with page.expect_download() as saved:
        page.get_by_role("button", name="Save my answers to continue later").click()
    assert (
        saved.value.suggested_filename.startswith("immunoprep-answers-")
        and '"age": 61' in Path(saved.value.path()).read_text()
    )
    wait_idle(page)
    warnings = []
    page.on("dialog", lambda dialog: (warnings.append(dialog.type), dialog.accept()))
    page.reload()
    wait_idle(page)
    assert warnings == []
    page.close()


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}], ids=["desktop", "phone"]
)
def test_the_summary_opens_with_the_urgent_box_in_view(server, browser, shots, viewport):
    page = browser.new_page(viewport=viewport)
    _to_treatments(page, server)
    choose_many(page, IMMUNOTHERAPY, "checkpoint")
    choose_many(page, SYMPTOMS, "diarrhoea")
    page.locator("[data-testid=stMain]").evaluate("main => main.scrollTop = 5000")
    if viewport["width"] < 500:  # on a phone the sidebar is behind its button
        page.get_by_role("button", name="Open sidebar").or_(
            page.locator("[data-testid=stExpandSidebarButton]")
        ).first.click()
        wait_idle(page)
    page.get_by_role("button", name="Skip to summary").click()
    wait_idle(page)
    state = _state_after(page)
    assert state["focused"] == "H2:Your summary" and state["scroll"] == 0
    box = page.get_by_role("alert").filter(has_text="Call your cancer care team now").bounding_box()
    assert box and 0 <= box["y"] < viewport["height"] - 40, box  # its heading is on screen
    centre = (box["x"] + box["width"] / 2, box["y"] + 20)
    on_top = page.evaluate("([x, y]) => !!document.elementFromPoint(x, y).closest('.ip-urgent')", centre)
    assert on_top, "something (the sidebar?) covers the urgent box"
    shots(page, f"journey-summary-urgent-{'phone' if viewport['width'] < 500 else 'desktop'}")
    page.close()


def test_new_patient_asks_first_and_clears_the_uploaded_file(server, browser, tmp_path):
    from questionnaire import Answers
    from reports import saved_answers_json

    saved = tmp_path / "immunoprep-answers-2026-11-23.json"
    saved.write_text(saved_answers_json(Answers(cancer_type="kidney", stage="metastatic", age=66)))
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server)
    page.get_by_role("button", name="I am a nurse or clinician").click()
    wait_idle(page)
    sidebar = page.locator("[data-testid=stSidebar]")
    sidebar.get_by_text("Continue with saved answers").click()
    sidebar.locator("input[type=file]").set_input_files(str(saved))
    sidebar.get_by_role("button", name="Load these answers").click()
    wait_idle(page)
    expect(page.get_by_text("Loaded 3 answers from your file.")).to_be_visible()
    page.get_by_role("button", name="New patient").click()
    wait_idle(page)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Clear all 3 answers?")
    dialog.get_by_role("button", name="Yes, clear everything").click()
    wait_idle(page)
    expect(page.get_by_text("All answers and results were cleared.")).to_be_visible()
    sidebar.get_by_text("Continue with saved answers").click()
    expect(sidebar.get_by_text(saved.name)).to_have_count(0)  # the previous patient's file is gone
    expect(sidebar.get_by_role("button", name="Load these answers")).to_have_count(0)
    page.close()


@pytest.mark.parametrize(
    "name, content, message",
    [
        (
            "immunoprep-result-2026-11-23.json",
            b'{"tool": {"name": "ImmunoPrep"}, "categories": []}',
            "This looks like your summary file, not your answers file",
        ),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "This is a picture, not an answers file"),
    ],
)
def test_a_wrong_file_gets_plain_words(server, browser, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(server)
    page.get_by_text("Continue with saved answers").first.click()
    page.locator("input[type=file]").first.set_input_files(str(path))
    shown = page.get_by_role("listitem").filter(has_text=message)
    expect(shown).to_be_visible()
    expect(shown).to_contain_text("Choose the file named immunoprep-answers-")
    page.close()


FOCUSED_NAME = """() => {
    const e = document.activeElement;
    if (e.type === 'radio' || e.type === 'checkbox') return (e.closest('label') || e).innerText.trim();
    return (e.getAttribute('aria-label') || e.innerText || e.value || '').trim();
}"""


def _tab_to(page, name: str, presses: list, limit: int = 60) -> None:
    """Press Tab until the focused element's name starts with `name` (counting every key press)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        presses.append("Tab")
        if page.evaluate(FOCUSED_NAME).startswith(name):
            return
    raise AssertionError(f"Tab never reached {name!r}; last focus: {page.evaluate(FOCUSED_NAME)!r}")


def _key(page, key: str, presses: list) -> None:
    page.keyboard.press(key)
    presses.append(key)
    wait_idle(page)


def test_keyboard_only_patient_journey_to_the_pdf(server, browser, shots):
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    presses: list[str] = []
    page.goto(server)
    wait_idle(page)
    _tab_to(page, "I am a patient or family member", presses)
    _key(page, "Enter", presses)
    _tab_to(page, "How old are you?", presses)
    page.keyboard.type("58")
    _key(page, "Enter", presses)
    _tab_to(page, "Next", presses)
    _key(page, "Enter", presses)
    _tab_to(page, "What type of cancer do you have?", presses)
    page.keyboard.type("Large B")
    _key(page, "Enter", presses)
    # Radio groups: Tab enters the group, arrow keys choose (as in any web form).
    _tab_to(page, "I have not had treatment for it yet", presses)
    for _ in range(3):  # → responding → relapsed → refractory
        _key(page, "ArrowDown", presses)
    while not page.get_by_role("heading", name="Check your answers", level=2).count():
        _tab_to(page, "Next", presses)
        _key(page, "Enter", presses)
    for answer in (
        "58 years",
        "Large B-cell lymphoma (for example DLBCL)",
        "It did not respond, or grew during treatment",
    ):
        expect(page.get_by_role("cell", name=answer)).to_be_visible()
    _tab_to(page, "See my summary", presses)
    _key(page, "Enter", presses)
    page.wait_for_timeout(600)
    assert page.evaluate("document.activeElement.textContent.trim()") == "Your summary"
    _tab_to(page, "Download the PDF", presses)
    with page.expect_download() as pdf:
        page.keyboard.press("Enter")
        presses.append("Enter")
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF")
    shots(page, "journey-keyboard-summary")
    assert len(presses) < 200, f"{len(presses)} key presses"
    page.close()
