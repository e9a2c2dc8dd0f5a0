"""The PDF summary: sections, levels, urgent box, disclaimer, footer, Unicode — and it renders."""

import io
import shutil
import statistics
import subprocess
from dataclasses import dataclass

import pytest
from pypdf import PdfReader

from questionnaire import Answers
from reports.pdf import LARGE_PRINT, NORMAL_PRINT, build_pdf, clean_label, default_paper
from rules import assess, load_rulebook

RULEBOOK = load_rulebook()

URGENT_FOOTER = RULEBOOK.content.urgent["call_team_now"].footer
URGENT_TITLE = "URGENT: Call your cancer care team now"

URGENT = Answers(
    cancer_type="dlbcl",
    disease_course="refractory",
    prior_treatments=["chemotherapy_other", "anti_cd20"],
    prior_lines=2,
    ecog="1",
    lvef_percent=40,
    age=60,
    current_immunotherapy=["car_t"],
    current_symptoms=["fever"],
)
TYPICAL = Answers(
    cancer_type="nsclc",
    stage="metastatic",
    pd_l1_tps="50_plus",
    egfr_status="negative",
    alk_status="negative",
    ecog="1",
)


def _text(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


@pytest.fixture(scope="module")
def urgent_pdf():
    return build_pdf(assess(URGENT), URGENT, label="Zoë Łukasiewicz · José · 李小龍")


def test_pdf_has_every_section(urgent_pdf):
    text, pages = _text(urgent_pdf)
    for heading in (
        "Preparing for your appointment",
        "At a glance",
        "Your answers at a glance",
        "Commonly considered",
        "What may affect suitability",
        "Questions to ask",
        "What to bring",
        "What to expect",
        "Where to get help",
        "Sources",
        "Wallet card",
    ):
        assert heading in text, heading
    assert 2 <= pages <= 5  # 4 at most, and the wallet card


def test_a_summary_that_fits_keeps_every_part():
    text, pages = _text(build_pdf(assess(TYPICAL), TYPICAL))
    for heading in ("Words used in this summary", "Not typical for this situation", "Eating and staying active"):
        assert heading in text, heading
    assert "summary page of the app" not in text  # nothing was left out
    assert pages <= 4 and "Wallet card" not in text  # no immunotherapy yet: no card


def test_pdf_shows_levels_and_reasons(urgent_pdf):
    text, _ = _text(urgent_pdf)
    assert "CAR T-cell therapy" in text and "Bispecific T-cell engagers" in text
    assert "Tumour-infiltrating lymphocytes" in text  # listed under not typical, with its reason
    assert "is approved for large B-cell" in " ".join(text.split())


def test_urgent_box_only_when_urgent(urgent_pdf):
    text = " ".join(_text(urgent_pdf)[0].split())
    assert "URGENT: Call your cancer care team now" in text
    assert "You chose: Fever of 38 °C (100.4 °F) or higher, or chills" in text  # the box names the sign
    assert "URGENT" not in _text(build_pdf(assess(TYPICAL), TYPICAL))[0]


def test_emergency_box_comes_first():
    answers = Answers(
        cancer_type="kidney", current_immunotherapy=["checkpoint_inhibitor"], current_symptoms=["collapse", "diarrhoea"]
    )
    text = " ".join(_text(build_pdf(assess(answers), answers))[0].split())
    assert (
        text.index("URGENT: Call 911 now")
        < text.index("You chose: Fainting or collapse")
        < text.index("URGENT: Call your cancer care team now")
        < text.index("You chose: Any new diarrhoea")
    )


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
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", str(source), str(tmp_path / "page")], check=True, capture_output=True
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(PdfReader(io.BytesIO(urgent_pdf)).pages)
    assert all(page.stat().st_size > 1000 for page in pages)


# --- Text sizes and the urgent frame, read back from the PDF's content streams -------------------

MM = 72 / 25.4  # PDF points per millimetre
TABLE_HEADING, SOURCES_HEADING = "Your answers at a glance", "Sources"
SECONDARY_HEADINGS = {"Sources", "Where to get help", "Words used in this summary"}  # 10 pt and up
HEADINGS = {
    "At a glance",
    "Your answers at a glance",
    "Commonly considered",
    "May be considered",
    "Not typical for this situation",
    "What may affect suitability",
    "Tests and information that would help",
    "Questions to ask",
    "What to bring",
    "What to expect",
    "Eating and staying active during treatment",
    *SECONDARY_HEADINGS,
}


@dataclass(frozen=True)
class Run:
    page: int
    x: float  # pt from the left
    y: float  # baseline, pt from the bottom
    size: float  # pt, after the text and current matrices
    text: str


def _runs_and_frames(pdf: bytes) -> tuple[list[Run], list[tuple[int, float, float, float, float]]]:
    """Every shown text run, and every thick rectangle (page, x0, y0, x1, y1) drawn with a line ≥ 2 pt."""
    runs, frames = [], []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, 1):
        widths = [1.0]

        def text(content, cm, tm, font, size, number=number):
            if content.strip():
                runs.append(Run(number, tm[4], tm[5], round(size * abs(tm[3]) * abs(cm[3]), 2), content.strip()))

        def operator(op, args, cm, tm, number=number, widths=widths):
            if op == b"q":
                widths.append(widths[-1])
            elif op == b"Q" and len(widths) > 1:
                widths.pop()
            elif op == b"w":
                widths[-1] = float(args[0])
            elif op == b"re" and widths[-1] >= 2:
                x, y, w, h = (float(a) for a in args)
                frames.append((number, min(x, x + w), min(y, y + h), max(x, x + w), max(y, y + h)))

        page.extract_text(visitor_text=text, visitor_operand_before=operator)
    return runs, frames


def _sizes_by_part(runs: list[Run], bottom_margin_mm: float) -> dict[str, list[float]]:
    """Text sizes of the footer (by position), the answers, the secondary parts (sources, help-lines,
    glossary: by heading) and the rest. The wallet card's page (a card to cut out) is left out."""
    parts: dict[str, list[float]] = {"body": [], "heading": [], "table": [], "sources": [], "footer": []}
    card_pages = {r.page for r in runs if r.text == "Wallet card"}
    section = "body"
    for run in runs:
        if run.page in card_pages:
            continue
        if run.y < (bottom_margin_mm - 3) * MM:
            parts["footer"].append(run.size)
            continue
        if run.text in HEADINGS:
            section = "table" if run.text == TABLE_HEADING else "sources" if run.text in SECONDARY_HEADINGS else "body"
            parts["heading"].append(run.size)
            continue
        parts[section].append(run.size)
    return parts


@pytest.fixture(scope="module")
def large_pdf():
    return build_pdf(assess(URGENT), URGENT, label="Zoë", large_print=True)


def test_large_print_text_is_14_pt_and_up(large_pdf):
    parts = _sizes_by_part(_runs_and_frames(large_pdf)[0], LARGE_PRINT.bottom_margin)
    assert all(parts.values()), {name: len(sizes) for name, sizes in parts.items()}
    assert min(parts["body"]) >= 14
    assert min(parts["table"]) >= 14
    assert min(parts["sources"]) >= 12
    assert min(parts["footer"]) >= 11
    assert min(parts["heading"]) > statistics.mode(parts["body"]) + 4  # headings stand out from running text


def test_normal_print_is_11_pt_and_up_for_body_text(urgent_pdf):
    parts = _sizes_by_part(_runs_and_frames(urgent_pdf)[0], NORMAL_PRINT.bottom_margin)
    assert min(parts["body"]) >= 11
    assert min(parts["table"]) >= 10 and min(parts["sources"]) >= 10
    assert min(parts["footer"]) >= 9


def test_large_print_has_the_same_words_on_more_pages(urgent_pdf, large_pdf):
    normal_text, normal_pages = _text(urgent_pdf)
    large_text, large_pages = _text(large_pdf)
    assert large_pages > normal_pages
    assert URGENT_TITLE in large_text and "Sources" in large_text
    assert "summary page of the app" not in large_text  # large print keeps every part, on more pages
    assert PdfReader(io.BytesIO(large_pdf)).metadata.title.endswith("(large print)")


def _long_urgent(count: int):
    """The URGENT assessment with `count` one-line warning signs: a box taller than the rest of page 1."""
    result = assess(URGENT)
    extra = [
        result.urgent[0].model_copy(update={"text": f"Test warning sign {n}: call your team."}) for n in range(count)
    ]
    return result.model_copy(update={"urgent": result.urgent + extra})


@pytest.mark.parametrize("large_print", [False, True])
def test_a_long_urgent_box_is_framed_on_every_page_it_crosses(large_print):
    runs, frames = _runs_and_frames(build_pdf(_long_urgent(40), URGENT, large_print=large_print))
    boxed = [r for r in runs if r.text.startswith(("Test warning sign", URGENT_TITLE, URGENT_FOOTER[:20]))]
    pages = sorted({r.page for r in boxed})
    assert len(pages) >= 2, "the test box should cross a page"
    assert len(boxed) == 40 + 2
    for page in pages:
        inside = [r for r in boxed if r.page == page]
        assert any(
            all(x0 < r.x and y0 < r.y - 0.3 * r.size and r.y + 0.9 * r.size < y1 for r in inside)
            for number, x0, y0, x1, y1 in frames
            if number == page
        ), f"unframed urgent text on page {page}"


def test_a_short_urgent_box_is_one_frame_around_its_text(urgent_pdf):
    runs, frames = _runs_and_frames(urgent_pdf)
    assert len(frames) == 1 and frames[0][0] == 1
    _, x0, y0, x1, y1 = frames[0]
    title = next(r for r in runs if r.text == URGENT_TITLE)
    call = next(r for r in runs if r.text.startswith(URGENT_FOOTER[:20]))
    assert x0 < title.x and title.y + title.size < y1 and y0 < call.y


def test_large_print_renders(large_pdf, tmp_path):
    source = tmp_path / "large.pdf"
    source.write_bytes(large_pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", str(source), str(tmp_path / "page")], check=True, capture_output=True
    )
    assert len(list(tmp_path.glob("page-*.png"))) == len(PdfReader(io.BytesIO(large_pdf)).pages)


def test_words_a_person_typed_are_not_kept_after_their_pdf():
    from reports import pdf_layout

    answers = Answers(cancer_type="other", cancer_type_other="Zyxwvutoma", stage="metastatic")
    build_pdf(assess(answers), answers, label="Qwerzuiop", my_questions=["Can Plumbottomly help me?"])
    kept = {key[0] for key in pdf_layout._WIDTHS}
    assert kept and not {"Qwerzuiop", "Zyxwvutoma", "Plumbottomly"} & kept
    assert "immunotherapy" in kept  # the product's own words are shared, so PDFs stay fast
