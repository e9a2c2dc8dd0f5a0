"""The appointment kit in the PDF: at most 4 pages, what to bring, questions, help-lines, timelines,
the wallet card (its printed size measured on a 100 % rendering) and the one-page doctor version."""

import io
import shutil
import subprocess

import numpy
import pytest
from PIL import Image
from pypdf import PdfReader

from questionnaire import Answers, validate_answers
from reports import build_doctor_pdf, build_pdf
from reports.cli import main as cli
from reports.pdf import MAX_PAGES
from rules import assess
from tests.answer_samples import COMPLEX_CASES

CASES = {name: validate_answers(raw)[0] for name, raw in COMPLEX_CASES.items()}
NSCLC = Answers(cancer_type="nsclc", stage="metastatic", pd_l1_tps="unknown", ecog="1")
CAR_T_LYMPHOMA = CASES["lymphoma_after_car_t_emergency"]
MM = 72 / 25.4


def _pages(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def _text(pdf: bytes) -> str:
    return " ".join(_pages(pdf))


@pytest.fixture(scope="module")
def complex_pdfs():
    return {name: build_pdf(assess(answers), answers, label="AB") for name, answers in CASES.items()}


@pytest.mark.parametrize("name", list(COMPLEX_CASES))
def test_the_most_complex_answers_fit_on_four_pages_plus_the_card(complex_pdfs, name):
    pages = _pages(complex_pdfs[name])
    card = any(page.startswith("Wallet card") for page in pages)
    assert len(pages) - card <= MAX_PAGES, f"{len(pages)} pages"
    text = " ".join(pages)
    for heading in (
        "At a glance",
        "Your answers at a glance",
        "Questions to ask",
        "What to bring",
        "Where to get help",
    ):
        assert heading in text, heading


def test_left_out_detail_says_where_to_find_it(complex_pdfs):
    text = _text(complex_pdfs["lymphoma_after_car_t_emergency"])
    assert "summary page of the app" in text or "explained in the app" in text
    assert "URGENT: Call 911 now" in text  # never left out


def test_what_to_bring_follows_the_answers():
    nsclc = _text(build_pdf(assess(NSCLC), NSCLC))
    assert "The tumour test report with your PD-L1 result" in nsclc
    assert "Letters from your transplant team" not in nsclc
    after_transplant = _text(build_pdf(assess(CAR_T_LYMPHOMA), CAR_T_LYMPHOMA))
    assert "Letters from your transplant team" in after_transplant
    assert "A list of every medicine you take" in nsclc and "A list of every medicine you take" in after_transplant


def test_help_lines_carry_phone_numbers_and_fit_the_cancer():
    nsclc = _text(build_pdf(assess(NSCLC), NSCLC))
    assert "NCI Cancer Information Service: 1-800-422-6237" in nsclc
    assert "American Cancer Society: 1-800-227-2345" in nsclc
    assert "Leukemia & Lymphoma Society" not in nsclc.split("Where to get help")[1].split("Sources")[0]
    lymphoma = assess(CAR_T_LYMPHOMA)
    assert {"lls", "nmdp"} <= {h.id for h in lymphoma.kit.help}
    assert all(h.source.url.startswith("https://") for h in lymphoma.kit.help)


def test_my_questions_are_printed_literally_in_their_order():
    mine = ["Can I keep working? <b>really</b> **", "Is immunotherapy an option for my type and stage of cancer?"]
    text = _text(build_pdf(assess(NSCLC), NSCLC, my_questions=mine))
    section = text.split("Questions to ask")[1].split("What to bring")[0]
    assert section.index("1. Can I keep working? <b>really</b> **") < section.index("2. Is immunotherapy an option")
    assert "3." not in section  # only the person's questions, not the suggested list


def test_a_timeline_is_drawn_and_reads_in_order():
    text = _text(build_pdf(assess(CAR_T_LYMPHOMA), CAR_T_LYMPHOMA))
    section = text.split("CAR T-cell therapy: what to expect")[1]
    steps = ["Cells collected", "Cells made in a lab", "Low-dose chemotherapy", "CAR T cells given", "Follow-up"]
    assert [section.index(step) for step in steps] == sorted(section.index(step) for step in steps)


def test_no_wallet_card_without_recent_immunotherapy():
    assert assess(NSCLC).kit.wallet_card is None
    assert "Wallet card" not in _text(build_pdf(assess(NSCLC), NSCLC))


def test_the_wallet_card_names_the_treatment_and_has_room_for_the_team(complex_pdfs):
    last = _pages(complex_pdfs["myeloma_on_bispecific_with_warning_signs"])[-1]
    assert last.startswith("Wallet card")
    for words in ("IMMUNOTHERAPY: PLEASE READ", "Bispecific antibody (T-cell engager)", "Cancer team:", "24-hour phone:",
                  "Name: AB"):  # fmt: skip
        assert words in last, words


def _rectangles(pdf: bytes, page_index: int) -> list[tuple[float, float]]:
    sizes = []

    def operator(op, args, cm, tm):
        if op == b"re":
            sizes.append((abs(float(args[2])) / MM, abs(float(args[3])) / MM))

    PdfReader(io.BytesIO(pdf)).pages[page_index].extract_text(visitor_operand_before=operator)
    return sizes


def test_the_wallet_card_is_two_card_sized_panels_in_the_pdf(complex_pdfs):
    rectangles = _rectangles(complex_pdfs["myeloma_on_bispecific_with_warning_signs"], -1)
    assert any(abs(w - 2 * 85.6) < 0.05 and abs(h - 54.0) < 0.05 for w, h in rectangles), rectangles


def test_the_wallet_card_prints_at_card_size_at_100_percent(complex_pdfs, tmp_path):
    """Rendered at 254 dpi (10 pixels per mm), the card's outline is 171.2 × 54 mm: front and back."""
    assert shutil.which("pdftoppm"), "poppler-utils must be installed (make test installs it)"
    pdf = complex_pdfs["myeloma_on_bispecific_with_warning_signs"]
    (tmp_path / "card.pdf").write_bytes(pdf)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    subprocess.run(["pdftoppm", "-png", "-r", "254", "-gray", "-f", str(pages), "-l", str(pages),
                    str(tmp_path / "card.pdf"), str(tmp_path / "card")], check=True, capture_output=True)  # fmt: skip
    dark = numpy.array(Image.open(next(tmp_path.glob("card-*.png"))).convert("L")) < 128
    width_mm = max(_longest_run(row) for row in dark) / 10
    height_mm = max(_longest_run(column) for column in dark.T) / 10
    assert abs(width_mm - 171.2) < 0.5, f"card width {width_mm} mm"
    assert abs(height_mm - 54.0) < 0.5, f"card height {height_mm} mm"


def _longest_run(line) -> int:
    """The longest stretch of consecutive True values."""
    padded = numpy.concatenate(([False], line, [False])).astype(numpy.int8)
    edges = numpy.flatnonzero(numpy.diff(padded))
    return int((edges[1::2] - edges[::2]).max()) if len(edges) else 0


def test_the_doctor_version_is_one_page_with_levels_answers_and_the_urgent_notice():
    for name, answers in CASES.items():
        result = assess(answers)
        pages = _pages(build_doctor_pdf(result, answers, label="AB"))
        assert len(pages) == 1, name
        page = pages[0]
        assert "ImmunoPrep: summary for the care team" in page and "Kinds of immunotherapy" in page
        assert all(category.title in page for category in result.categories)
        assert ("URGENT" in page) == bool(result.urgent)
    page = _pages(build_doctor_pdf(assess(CAR_T_LYMPHOMA), CAR_T_LYMPHOMA))[0]
    assert "ECOG 2" in page and "Large B-cell lymphoma" in page  # clinical wording


def test_the_doctor_version_speaks_spanish():
    page = _pages(build_doctor_pdf(assess(NSCLC, "es"), NSCLC))[0]
    assert "Tipos de inmunoterapia" in page and "Respuestas" in page


def test_the_cli_writes_the_doctor_version(tmp_path, capsys):
    answers = tmp_path / "answers.json"
    answers.write_text('{"cancer_type": "nsclc", "stage": "metastatic"}')
    assert cli(["summary", str(answers), "--doctor-pdf", str(tmp_path / "doctor.pdf")]) == 0
    assert len(_pages((tmp_path / "doctor.pdf").read_bytes())) == 1
