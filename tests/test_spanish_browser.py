"""A Spanish-speaking patient in a real browser: from the start page to a Spanish PDF without English
on the way (source titles name English documents and stay as published), with axe on each screen."""

import io
import re
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader

from questionnaire import load_definition
from tests.a11y import describe, serious_violations
from tests.browser import choose_many, pick, requires_chromium, wait_idle

pytestmark = requires_chromium

ES = load_definition("es")
ENGLISH = re.compile(r"\b(the|your|and|with|which|should|this|what|when|doctor|treatment|answer)\b", re.I)


def next_step(page) -> None:
    page.get_by_role("button", name="Siguiente →").click()
    wait_idle(page)


def _axe(page) -> list:
    page.mouse.move(0, 0)
    # a list closed with Escape fades out; axe would measure its half-transparent options
    page.wait_for_function("() => !document.querySelector('[role=listbox]')", timeout=5000)
    return serious_violations(page)


def _english_lines(page) -> list[str]:
    text = page.locator("[data-testid=stMain]").inner_text()
    # Source titles are the English documents' own names ("Fuentes: NCI: Eating hints …").
    return [
        line
        for line in text.splitlines()
        if len(ENGLISH.findall(line)) >= 2 and "FDA label" not in line and not line.startswith("Fuentes:")
    ]


def test_spanish_patient_journey_to_a_spanish_pdf(server, browser, shots):
    page = browser.new_page(viewport={"width": 1100, "height": 1000})
    page.goto(server)
    page.get_by_text("Español", exact=True).click()
    wait_idle(page)
    expect(page.get_by_role("button", name="Soy paciente o familiar")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "es"
    assert (found := _axe(page)) == [], describe(found)
    shots(page, "es-01-start")
    page.get_by_role("button", name="Soy paciente o familiar").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Sobre usted", level=2)).to_be_visible()
    age = page.get_by_role("textbox", name=ES.question("age").patient + " (años)")
    age.fill("sesenta")
    page.keyboard.press("Tab")
    wait_idle(page)
    expect(page.get_by_text("'sesenta' no es un número")).to_be_visible()
    assert _english_lines(page) == []
    age.fill("64")
    page.keyboard.press("Tab")
    wait_idle(page)
    assert _english_lines(page) == []
    shots(page, "es-02-about-you")
    next_step(page)
    pick(page, ES.question("cancer_type").patient, "pulmón de células no")
    page.get_by_role("radiogroup", name=ES.question("stage").patient).get_by_text(
        ES.question("stage").option("metastatic").patient, exact=True
    ).click()
    wait_idle(page)
    for _ in range(3):
        if page.get_by_role("combobox", name=ES.question("current_immunotherapy").patient).count():
            break
        next_step(page)
    choose_many(page, ES.question("current_immunotherapy").patient, "puntos de control")
    choose_many(page, ES.question("current_symptoms").patient, "convulsión")
    panel = page.get_by_role("alert")
    expect(panel).to_contain_text("Llame al 911 ahora")
    assert (found := _axe(page)) == [], describe(found)
    assert _english_lines(page) == []
    shots(page, "es-03-urgent")
    page.get_by_role("button", name="Ir al resumen").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Su resumen")).to_be_visible()
    assert _english_lines(page) == []
    assert (found := _axe(page)) == [], describe(found)
    shots(page, "es-04-summary")
    with page.expect_download() as download:
        page.get_by_role("button", name="Descargar el PDF para llevar a su médico").click()
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Cómo prepararse para su cita" in text and "URGENTE: Llame al 911 ahora" in text
    page.close()
