"""The PDF summary: sections, levels, urgent box, disclaimer, footer, Unicode — and it renders."""
import shutil
import subprocess

import pytest
from pypdf import PdfReader
import io

from questionnaire import Answers
from reports.pdf import build_pdf, clean_label, default_paper
from rules import assess

URGENT = Answers(cancer_type="dlbcl", disease_course="refractory", prior_treatments=["chemotherapy_other", "anti_cd20"],
                 prior_lines=2, ecog="1", lvef_percent=40, age=60, current_immunotherapy=["car_t"], current_symptoms=["fever"])
TYPICAL = Answers(cancer_type="nsclc", stage="metastatic", pd_l1_tps="50_plus", egfr_status="negative", alk_status="negative", ecog="1")


def _text(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


@pytest.fixture(scope="module")
def urgent_pdf():
    return build_pdf(assess(URGENT), URGENT, label="Zoë Łukasiewicz · José · 李小龍")


def test_pdf_has_every_section(urgent_pdf):
    text, pages = _text(urgent_pdf)
    for heading in ("Preparing for your appointment", "Your answers at a glance", "Commonly considered",
                    "Not typical for this situation", "What may affect suitability", "Tests and information that would help",
                    "Questions to ask", "Words used in this summary", "Sources", "Please remember"):
        assert heading in text, heading
    assert 2 <= pages <= 6


def test_pdf_shows_levels_and_reasons(urgent_pdf):
    text, _ = _text(urgent_pdf)
    assert "CAR T-cell therapy" in text and "Bispecific T-cell engagers" in text
    assert "Tumour-infiltrating lymphocytes" in text  # listed under not typical, with its reason
    assert "You have had two or more plans for large" in text


def test_urgent_box_only_when_urgent(urgent_pdf):
    text = " ".join(_text(urgent_pdf)[0].split())
    assert "URGENT: Call your cancer care team now" in text
    assert "You chose: Fever of 38 °C (100.4 °F) or higher, or chills" in text  # the box names the sign
    assert "URGENT" not in _text(build_pdf(assess(TYPICAL), TYPICAL))[0]


def test_emergency_box_comes_first():
    answers = Answers(cancer_type="kidney", current_immunotherapy=["checkpoint_inhibitor"], current_symptoms=["collapse", "diarrhoea"])
    text = " ".join(_text(build_pdf(assess(answers), answers))[0].split())
    assert text.index("URGENT: Call 911 now") < text.index("You chose: Fainting or collapse") < text.index(
        "URGENT: Call your cancer care team now") < text.index("You chose: Any new diarrhoea")


def test_disclaimer_and_footer_on_every_page(urgent_pdf):
    reader = PdfReader(io.BytesIO(urgent_pdf))
    result = assess(URGENT)
    for number, page in enumerate(reader.pages, 1):
        text = page.extract_text()
        assert f"Page {number} of {len(reader.pages)}" in text
        assert f"rules {result.tool.rules_version}" in text and "education, not medical advice" in text
    assert "It is not medical advice" in _text(urgent_pdf)[0]


def test_unicode_names_survive(urgent_pdf):
    text, _ = _text(urgent_pdf)
    assert "Zoë Łukasiewicz" in text and "José" in text and "李小龍" in text


def test_user_text_is_literal():
    answers = Answers(cancer_type="other", cancer_type_other="<script>alert(1)</script> **bold**")
    text, _ = _text(build_pdf(assess(answers), answers, label="<b>AB</b>"))
    assert "<script>alert(1)</script> **bold**" in text and "<b>AB</b>" in text


def test_labels_are_cleaned_and_capped():
    assert clean_label("A\x00B\u202eC") == "ABC"
    assert len(clean_label("x" * 500)) == 60


def test_paper_size_follows_locale():
    assert default_paper({"LANG": "en_US.UTF-8"}) == "Letter"
    assert default_paper({"LC_PAPER": "en_GB.UTF-8", "LANG": "en_US.UTF-8"}) == "A4"
    assert default_paper({}) == "A4"
    letter = PdfReader(io.BytesIO(build_pdf(assess(TYPICAL), TYPICAL, paper="Letter"))).pages[0]
    assert round(float(letter.mediabox.width)) == 612


def test_every_page_renders_with_pdftoppm(urgent_pdf, tmp_path):
    assert shutil.which("pdftoppm"), "poppler-utils must be installed (make test installs it)"
    source = tmp_path / "summary.pdf"
    source.write_bytes(urgent_pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(source), str(tmp_path / "page")], check=True, capture_output=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(PdfReader(io.BytesIO(urgent_pdf)).pages)
    assert all(page.stat().st_size > 1000 for page in pages)
