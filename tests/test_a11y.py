"""Accessibility of the real app in headless Chromium (WCAG 2.2 AA): axe-core on every screen at desktop
and phone size, focus indicators, target sizes, wrapped option texts, text size, the nurse tabs at
200 % zoom, print styles, and one tap on Next after a multi-choice on a phone.

One server and one browser per module. Each journey (patient or nurse, desktop or phone) is walked
once; what is measured on each screen is kept and checked by the parametrised tests below.
Screenshots (viewport only) go to $A11Y_SCREENSHOTS, e.g. docs/screenshots/a11y (default: a temp folder).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from questionnaire import load_definition
from tests.a11y import contrast, describe, focus_indicator_contrast, serious_violations
from tests.browser import choose_many, next_step, open_tab, pick, requires_chromium, wait_idle

pytestmark = requires_chromium
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PATIENT_SCREENS = [
    "start",
    "about_you",
    "your_cancer",
    "tumour_tests",
    "treatments_urgent",
    "health_now",
    "immune_history",
    "practical",
    "review_urgent",
    "summary_urgent",
    "confirm_dialog",
]
NURSE_SCREENS = ["nurse_form", "nurse_form_urgent", "nurse_summary_urgent"]
_DEF = load_definition()
IMMUNOTHERAPY = _DEF.question("current_immunotherapy")
SYMPTOMS = _DEF.question("current_symptoms")
TREATMENTS = _DEF.question("prior_treatments")
LONGEST_SYMPTOM = max((o.patient for o in SYMPTOMS.options), key=len)
LONGEST_TREATMENT = max((o.patient for o in TREATMENTS.options), key=len)
SHOTS = Path(os.environ.get("A11Y_SCREENSHOTS") or tempfile.mkdtemp(prefix="a11y-shots-"))

# Every control a person can click or tap, as the box that takes the click: the row label of a radio
# or checkbox (the input itself is a 1 px hidden box), the field around a text box or list.
TARGETS_JS = """() => {
  const out = [], seen = new Set();
  const sel = 'button, a[href], summary, [role=tab], input, [data-tag]';
  for (const el of document.querySelectorAll(sel)) {
    let t = el;
    if (el.matches('input[type=radio], input[type=checkbox]')) t = el.closest('label');
    else if (el.matches('input')) t = el.closest('[role=group]') || el.closest('[data-testid=stTextInputRootElement]')
                                    || el;
    if (!t || seen.has(t)) continue;
    seen.add(t);
    if (t.closest('[aria-hidden=true], [inert], template, [data-stale=true]')) continue;
    if (el.matches('input[type=file]')) continue;  // opened by its visible "Upload" button
    if (t.closest('[style*="clip-path: inset(50%)"]')) continue;  // visually hidden (a screen reader's Dismiss)
    if (t.matches('[data-testid=stSkipToContent]') && t !== document.activeElement) continue;  // shown on focus
    if (t.tagName === 'A' && t.closest('p, li')) continue;  // links inside a sentence: WCAG 2.5.8 inline exception
    const r = t.getBoundingClientRect(), cs = getComputedStyle(t);
    if (r.width === 0 || r.height === 0 || cs.visibility === 'hidden' || cs.display === 'none') continue;
    const kind = t.matches('[data-testid=stRadioOption]') ? 'radio'
      : t.closest('[data-testid=stCheckbox]') ? 'checkbox' : t.tagName.toLowerCase();
    out.push({kind, name: (el.getAttribute('aria-label') || t.innerText || t.tagName).trim().slice(0, 60),
              width: Math.round(r.width * 10) / 10, height: Math.round(r.height * 10) / 10});
  }
  return out;
}"""

# Text that is cut off: wider (or, in fixed-height list rows, taller) than its box, or ending in an ellipsis.
CUT_TEXT_JS = """(selector) => [...document.querySelectorAll(selector)].filter(el => {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || el.closest('[inert], template')) return false;
  const cs = getComputedStyle(el);
  return el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1
         || (cs.textOverflow === 'ellipsis' && cs.overflow !== 'visible' && cs.whiteSpace === 'nowrap');
}).map(el => el.textContent.trim().slice(0, 90))"""
OPTION_TEXT = "[role=listbox] [role=option], [role=listbox] [role=option] > div"
CHIP_TEXT = "[data-tag], [data-tag] > span"
ROW_TEXT = "[data-testid=stRadioOption] p, [data-testid=stCheckbox] p, [data-testid=stWidgetLabel] p"


def _heading(page) -> str:
    return page.locator("[data-testid=stMain] h2").first.inner_text()


class Walk:
    """One journey at one size: per screen, the axe violations and (phone) the target sizes."""

    def __init__(self, page, size: str):
        self.page, self.size = page, size
        self.axe: dict[str, list] = {}
        self.targets: dict[str, list] = {}
        self.extra: dict[str, object] = {}

    def record(self, screen: str, scroll_to: str | None = None) -> None:
        page = self.page
        page.mouse.move(0, 0)
        # a list closed with Escape fades out; axe would measure its half-transparent options
        page.wait_for_function("() => !document.querySelector('[role=listbox]')", timeout=5000)
        if scroll_to and page.locator(scroll_to).count():
            page.locator(scroll_to).first.scroll_into_view_if_needed()
        self.axe[screen] = serious_violations(page)
        self.targets[screen] = page.evaluate(TARGETS_JS)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / f"{self.size}-{screen}.png")


def _open_sidebar(page) -> None:
    if page.locator("[data-testid=stSidebar][data-collapsed=true]").count():
        page.locator(
            "[data-testid=stExpandSidebarButton], [data-testid=stSidebarCollapsedControl] button"
        ).first.click()
        page.locator("[data-testid=stSidebar][data-collapsed=false]").wait_for()
        page.wait_for_timeout(400)  # the slide-in animation


def _walk_patient(browser, server, size: str) -> Walk:
    page = browser.new_page(viewport=VIEWPORTS[size])
    walk = Walk(page, size)
    page.goto(server)
    page.get_by_role("button", name="I am a patient or family member").wait_for()
    wait_idle(page)
    walk.record("start")
    page.get_by_role("button", name="I am a patient or family member").click()
    wait_idle(page)
    page.locator("[data-testid=stCheckbox] label").filter(has_text="I don't know (Age)").click()
    wait_idle(page)
    label = page.locator("[data-testid=stWidgetLabel]").filter(has_text="How old are you?").locator("p").first
    walk.extra["unknown_label_colour"] = label.evaluate("el => getComputedStyle(el).color")
    walk.record("about_you")
    next_step(page)
    page.get_by_role("combobox", name="What type of cancer do you have?").click()
    page.keyboard.type("Bladder or urinary tract cancer that has spread")
    page.wait_for_timeout(300)
    walk.extra["cut_select_options"] = page.evaluate(CUT_TEXT_JS, OPTION_TEXT)
    walk.extra["select_option_texts"] = page.locator("[role=listbox] [role=option]").all_inner_texts()
    page.keyboard.press("Escape")
    pick(page, "What type of cancer do you have?", "Non-small")
    walk.record("your_cancer")
    next_step(page)
    walk.record("tumour_tests")
    next_step(page)
    assert _heading(page) == "Treatments so far"
    choose_many(page, IMMUNOTHERAPY.patient, "checkpoint")
    page.get_by_role("combobox", name=SYMPTOMS.patient).click()
    page.keyboard.type("tired with headache")
    page.wait_for_timeout(300)
    walk.extra["cut_multi_options"] = page.evaluate(CUT_TEXT_JS, OPTION_TEXT)
    walk.extra["multi_option_texts"] = page.locator("[role=listbox] [role=option]").all_inner_texts()
    page.keyboard.press("Enter")
    wait_idle(page)
    page.keyboard.press("Escape")
    choose_many(page, SYMPTOMS.patient, "diarrhoea")
    walk.extra["cut_chips"] = page.evaluate(CUT_TEXT_JS, CHIP_TEXT)
    walk.extra["chips"] = page.locator("[data-tag]").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    walk.record("treatments_urgent", scroll_to=".ip-urgent")
    # One tap on Next after choosing with the mouse in a multi-choice list (the list is still open).
    page.get_by_role("combobox", name=TREATMENTS.patient).click()
    page.keyboard.type(LONGEST_TREATMENT[:12])  # the list shows only a window of options: narrow it first
    page.locator("[role=listbox] [role=option]").filter(has_text=LONGEST_TREATMENT).first.click()
    wait_idle(page)
    page.locator("[data-testid=stMain] button:has-text('Next →')").click()  # the open list hides it from roles
    wait_idle(page)
    walk.extra["after_one_tap"] = _heading(page)
    if walk.extra["after_one_tap"] == "Treatments so far":
        next_step(page)
    walk.extra["cut_rows"] = page.evaluate(CUT_TEXT_JS, ROW_TEXT)
    walk.record("health_now")
    next_step(page)
    walk.record("immune_history")
    next_step(page)
    walk.record("practical")
    next_step(page)
    walk.record("review_urgent")
    page.get_by_role("button", name="See my summary →").click()
    wait_idle(page)
    page.get_by_role("alert").first.wait_for()
    walk.record("summary_urgent")
    page.emulate_media(media="print")
    walk.extra["print"] = page.evaluate("""() => {
      const shown = sel => [...document.querySelectorAll(sel)].filter(e => getComputedStyle(e).display !== 'none'
                            && e.getBoundingClientRect().height > 0).length;
      const main = document.querySelector('[data-testid=stMain] h2');
      return {sidebar: shown('[data-testid=stSidebar]'), header: shown('[data-testid=stHeader]'),
              buttons: shown('[data-testid=stMain] button'), more: shown('[data-testid=stExpander]:has(.stDownloadButton)'),
              heading: getComputedStyle(main).color, background: getComputedStyle(document.body).backgroundColor,
              urgent: getComputedStyle(document.querySelector('.ip-urgent-tier')).backgroundColor};
    }""")
    if size == "desktop":
        page.pdf(path=str(Path(tempfile.gettempdir()) / "immunoprep-summary-print.pdf"))
    page.emulate_media(media="screen")
    _open_sidebar(page)
    page.get_by_role("button", name="Start again").click()
    wait_idle(page)
    page.get_by_role("dialog").wait_for()
    page.wait_for_timeout(400)  # the dialog's fade-in (axe measures colours mid-animation otherwise)
    walk.record("confirm_dialog")
    page.get_by_role("button", name="No, keep my answers").click()
    return walk


def _nurse_form_drawn(page) -> None:
    """The first run draws grey placeholders first; wait for the labels of the open tab."""
    wait_idle(page)
    page.get_by_text("Patient label for the PDF").wait_for()
    page.locator("[data-testid=stTabs] [data-testid=stWidgetLabel]").first.wait_for()
    page.locator("[data-testid=stRadioOption]").first.wait_for()
    wait_idle(page)


def _walk_nurse(browser, server, size: str) -> Walk:
    page = browser.new_page(viewport=VIEWPORTS[size])
    walk = Walk(page, size)
    page.goto(server)
    page.get_by_role("button", name="I am a nurse or clinician").click()
    _nurse_form_drawn(page)
    walk.record("nurse_form")
    open_tab(page, "Treatment history")
    wait_idle(page)
    choose_many(page, IMMUNOTHERAPY.nurse, "checkpoint")
    choose_many(page, SYMPTOMS.nurse, "Seizure")
    walk.record("nurse_form_urgent", scroll_to=".ip-urgent")
    page.get_by_role("button", name="Show summary →").click()
    wait_idle(page)
    page.get_by_role("alert").first.wait_for()
    walk.record("nurse_summary_urgent")
    return walk


@pytest.fixture(scope="module")
def walks(server, browser):
    """Each journey is walked once, the first time a test asks for it."""
    done: dict[tuple[str, str], Walk | Exception] = {}

    def get(who: str, size: str) -> Walk:
        if (who, size) not in done:
            try:
                done[(who, size)] = (_walk_patient if who == "patient" else _walk_nurse)(browser, server, size)
            except Exception as error:  # fail every test of this journey once, not walk it again each time
                done[(who, size)] = error
        walk = done[(who, size)]
        if isinstance(walk, Exception):
            raise walk
        return walk

    yield get
    for walk in done.values():
        if isinstance(walk, Walk):
            walk.page.close()


SCREENS = [("patient", s) for s in PATIENT_SCREENS] + [("nurse", s) for s in NURSE_SCREENS]


@pytest.mark.parametrize("size", VIEWPORTS)
@pytest.mark.parametrize("who, screen", SCREENS, ids=[s for _, s in SCREENS])
def test_no_serious_axe_violations(walks, who, screen, size):
    violations = walks(who, size).axe[screen]
    assert violations == [], describe(violations)


@pytest.mark.parametrize("who, screen", SCREENS, ids=[s for _, s in SCREENS])
def test_phone_targets_are_big_enough(walks, who, screen):
    """WCAG 2.5.8: every clickable box is at least 24×24 CSS px; radio rows and checkboxes at least 44 px tall."""
    targets = walks(who, "phone").targets[screen]
    assert targets, "no controls measured"
    small = [t for t in targets if t["width"] < 24 or t["height"] < 24]
    assert small == [], small
    rows = [t for t in targets if t["kind"] in ("radio", "checkbox") and t["height"] < 44]
    assert rows == [], rows


def test_long_options_wrap_on_a_phone(walks):
    walk = walks("patient", "phone")
    assert any(LONGEST_SYMPTOM in text for text in walk.extra["multi_option_texts"])
    assert walk.extra["cut_multi_options"] == []
    assert any(
        text.startswith("Bladder or urinary tract cancer that has spread or grown into the muscle")
        for text in walk.extra["select_option_texts"]
    ), walk.extra["select_option_texts"]
    assert walk.extra["cut_select_options"] == []
    checkpoint = next(o.patient for o in IMMUNOTHERAPY.options if o.id == "checkpoint_inhibitor")
    assert {checkpoint, LONGEST_SYMPTOM} <= set(walk.extra["chips"])
    assert walk.extra["cut_chips"] == []
    assert walk.extra["cut_rows"] == []


def test_one_tap_on_next_after_a_multi_choice_on_a_phone(walks):
    assert walks("patient", "phone").extra["after_one_tap"] == "Your health now"


def test_i_dont_know_keeps_the_question_readable(walks):
    colour = walks("patient", "desktop").extra["unknown_label_colour"]
    rgb = tuple(int(v) for v in colour[colour.index("(") + 1 : colour.index(")")].split(",")[:3])
    assert contrast(rgb, (0xFB, 0xFB, 0xF8)) >= 4.5, colour


def test_print_shows_only_the_summary_in_black_on_white(walks):
    printed = walks("patient", "desktop").extra["print"]
    assert (printed["sidebar"], printed["header"], printed["buttons"], printed["more"]) == (0, 0, 0, 0), printed
    assert printed["heading"] == "rgb(0, 0, 0)"
    assert printed["background"] in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
    assert printed["urgent"] in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")


@pytest.fixture(scope="module")
def about_you(server, browser):
    page = browser.new_page(viewport=VIEWPORTS["desktop"])
    page.goto(server)
    page.get_by_role("button", name="I am a patient or family member").click()
    wait_idle(page)
    page.get_by_role("button", name="Next →").wait_for()
    yield page
    page.close()


FOCUS_TARGETS = {
    "next": "[data-testid=stMain] button:has-text('Next →')",
    "radio_row": "[data-testid=stRadioOption]",
    "checkbox": "[data-testid=stCheckbox] label",
    "text_input": "[data-testid=stTextInputRootElement]",
    "expander": "[data-testid=stMain] [data-testid=stExpander] summary",
}


@pytest.mark.parametrize("name", FOCUS_TARGETS)
def test_focus_indicator_has_3_to_1_contrast(about_you, name):
    measured = focus_indicator_contrast(about_you, FOCUS_TARGETS[name])
    print(name, measured)
    assert measured["best"] >= 3 and measured["area_3_to_1"] >= 40, measured


def test_nurse_tabs_wrap_at_200_percent_zoom_and_show_focus(server, browser):
    page = browser.new_page(viewport={"width": 640, "height": 450})
    page.goto(server)
    page.get_by_role("button", name="I am a nurse or clinician").click()
    _nurse_form_drawn(page)
    tabs = page.get_by_role("tab")
    assert tabs.count() == 6
    boxes = [tab.bounding_box() for tab in tabs.all()]
    strip = page.get_by_role("tablist").evaluate("el => [el.scrollWidth, el.clientWidth]")
    page_width = page.evaluate("() => document.documentElement.scrollWidth")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "zoom200-nurse-tabs.png")
    assert strip[0] <= strip[1] + 1, strip
    assert page_width <= 640, page_width
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= 640 for box in boxes), boxes
    measured = focus_indicator_contrast(page, "[role=tab][aria-selected=true]")
    print("tab", measured)
    assert measured["best"] >= 3 and measured["area_3_to_1"] >= 40, measured
    page.close()


def test_text_size_normal_and_large(about_you):
    """Labels and options at 16 px or more; the Large choice makes them about 20 px, headings too."""
    from ui import style

    sizes_js = """() => {
      const px = sel => parseFloat(getComputedStyle(document.querySelector(sel)).fontSize);
      return {label: px('[data-testid=stWidgetLabel] p'), option: px('[data-testid=stRadioOption] p'),
              caption: px('[data-testid=stCaptionContainer] p, [data-testid=stCaptionContainer]'),
              heading: px('[data-testid=stMain] h2')};
    }"""
    normal = about_you.evaluate(sizes_js)
    about_you.evaluate("(css) => document.head.insertAdjacentHTML('beforeend', css)", style.css(large=True))
    large = about_you.evaluate(sizes_js)
    about_you.evaluate("() => document.head.lastElementChild.remove()")
    print("normal", normal, "large", large)
    assert normal["label"] >= 16 and normal["option"] >= 16, normal
    assert 19.5 <= large["label"] <= 21 and 19.5 <= large["option"] <= 21, large
    assert large["heading"] > normal["heading"] * 1.2
    assert style.css() == style.css(False) and "font-size: 125%" in style.css(True)


LOW_CONTRAST_PAGE = """<!doctype html><html lang="en"><title>t</title><body style="background:#fbfbf8">
<main><p style="color:#757778;font-size:14px">Caption grey from the UX review</p>
<button id="ring" style="outline:none">No focus ring</button>
<button id="outlined" style="outline-offset:2px" onfocus="this.style.outline='3px solid #000'"
        onblur="this.style.outline='none'">Black ring</button></main></body></html>"""


def test_harness_finds_known_problems(browser):
    """The zero above means something: the same call reports the review's caption grey (4.34:1)."""
    from tests.a11y import focus_indicator_contrast

    page = browser.new_page(viewport=VIEWPORTS["desktop"])
    page.set_content(LOW_CONTRAST_PAGE)
    (violation,) = serious_violations(page)
    assert (violation["rule"], violation["impact"], violation["nodes"]) == ("color-contrast", "serious", 1)
    node = violation["first"][0]
    assert (node["fg"], node["bg"], node["ratio"]) == ("#757778", "#fbfbf8", 4.34)
    assert focus_indicator_contrast(page, "#outlined")["best"] >= 15
    assert focus_indicator_contrast(page, "#ring")["area_3_to_1"] == 0
    page.close()
