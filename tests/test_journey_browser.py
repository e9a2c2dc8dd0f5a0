"""The patient and nurse journeys in real headless Chromium: what AppTest cannot see.

Urgent panel on the step where a warning sign is chosen, lists that pick only what was typed, pages
that open at the top with focus on the new heading, and the forgiving parts (confirm before clearing,
uploads cleared). Screenshots go to $SCREENSHOT_DIR (default: a temporary folder).
"""
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import launch, pick, requires_chromium, streamlit_server, wait_idle

pytestmark = requires_chromium

TREATMENTS = "Which treatments have you had for this cancer? Choose all that apply."
IMMUNOTHERAPY = "Are you having immunotherapy now, or did you have it in the last 12 months?"
SYMPTOMS = "Do you have any of these now? Choose all that apply."


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with streamlit_server(tmp_path_factory.mktemp("server") / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = launch(playwright)
        yield instance
        instance.close()


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return lambda page, name: page.screenshot(path=folder / f"{name}.png", full_page=True)


def _next(page):
    page.get_by_role("button", name="Next →").click()
    wait_idle(page)


def _choose_many(page, question: str, typed: str) -> None:
    """Type into a multi-choice list and press Enter, as a keyboard user would."""
    page.get_by_role("combobox", name=question).click()
    page.keyboard.type(typed)
    page.keyboard.press("Enter")
    wait_idle(page)
    page.keyboard.press("Escape")


def _chips(page, question: str) -> list[str]:
    box = page.locator("[data-testid=stMultiSelect]").filter(has_text=question)
    return [tag.get_attribute("aria-label") for tag in box.locator(".react-aria-ComboBox [data-tag]").all()]


def _to_treatments(page, server, cancer: str = "Non-small"):
    page.goto(server)
    page.get_by_role("button", name="I am a patient or family member").click()
    wait_idle(page)
    _next(page)
    pick(page, "What type of cancer do you have?", cancer)
    for _ in range(3):
        if page.get_by_role("heading", name="Treatments so far", level=2).count():
            break
        _next(page)
    expect(page.get_by_role("combobox", name=TREATMENTS)).to_be_visible()


def test_choosing_a_warning_sign_shows_the_urgent_panel_on_that_step(server, browser, shots):
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    _to_treatments(page, server)
    _choose_many(page, IMMUNOTHERAPY, "checkpoint")
    expect(page.get_by_role("alert")).to_have_count(0)
    _choose_many(page, SYMPTOMS, "diarrhoea")
    panel = page.get_by_role("alert").filter(has_text="Call your cancer care team now")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Any new diarrhoea, blood in stools, or bad belly pain")
    expect(page.get_by_role("heading", name="Treatments so far")).to_be_visible()  # still the same step
    panel.scroll_into_view_if_needed()
    shots(page, "journey-urgent-same-step")
    _choose_many(page, SYMPTOMS, "seizure")
    tiers = page.locator(".ip-urgent-title").all_inner_texts()
    assert [t.split(" ", 1)[1] for t in tiers] == ["Call 911 now", "Call your cancer care team now"], tiers
    shots(page, "journey-urgent-emergency")
    page.close()


@pytest.mark.parametrize("question, typed, expected", [
    (TREATMENTS, "Rituximab", ["Rituximab or obinutuzumab"]),
    (TREATMENTS, "Daratumumab", ["Daratumumab or isatuximab"]),
    (IMMUNOTHERAPY, "No", ["No"]),
])
def test_typing_then_enter_picks_only_the_highlighted_option(server, browser, question, typed, expected):
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    _to_treatments(page, server, cancer="Multiple")
    _choose_many(page, question, typed)
    assert _chips(page, question) == expected
    page.close()
