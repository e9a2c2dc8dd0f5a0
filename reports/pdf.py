"""The PDF summary to bring to the doctor: clear at a glance, printable in black and white.

Layout only: every word of medical content comes from the Assessment (rules/) and the question
definition (questionnaire/). User text (the label, free-text answers) is always printed literally.
"""
from __future__ import annotations

import datetime as dt
import os
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from questionnaire import answered_rows, option_text
from rules import LEVEL_LABELS, RULEBOOK, Assessment

from .fonts import fonts_for

Paper = Literal["A4", "Letter"]
LETTER_TERRITORIES = {"US", "CA", "MX", "PH", "CL", "CO", "VE", "CR", "GT", "PR", "SV", "PA", "DO", "NI"}
GLOSSARY_PATH = Path(__file__).with_name("glossary.yaml")
MAX_LABEL = 60
LEVEL_INTRO = {
    "commonly_considered": "A standard option for situations like yours. Your team will check the details.",
    "may_be_considered": "Used in some situations like yours. It depends on details your team will check.",
    "not_typical": "Not usually used for situations like yours. The reason is given for each.",
}


def default_paper(environ: dict[str, str] | None = None) -> Paper:
    """US Letter where the locale's territory uses it (LC_PAPER, LC_ALL or LANG), else A4."""
    env = os.environ if environ is None else environ
    for name in ("LC_PAPER", "LC_ALL", "LANG"):
        value = env.get(name, "")
        if "_" in value:
            territory = value.split("_", 1)[1][:2].upper()
            return "Letter" if territory in LETTER_TERRITORIES else "A4"
    return "A4"


def clean_label(label: str | None) -> str:
    """A printable patient label: control and invisible characters removed, length capped."""
    if not label:
        return ""
    text = "".join(ch for ch in unicodedata.normalize("NFC", str(label)) if unicodedata.category(ch)[0] != "C")
    text = " ".join(text.split())
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


@lru_cache(maxsize=1)
def glossary() -> list[dict[str, Any]]:
    return yaml.safe_load(GLOSSARY_PATH.read_text(encoding="utf-8"))["terms"]


class _SummaryPDF(FPDF):
    def __init__(self, paper: Paper, footer_text: str, text_used: str):
        super().__init__(orientation="P", unit="mm", format="A4" if paper == "A4" else "letter")
        self.footer_text = footer_text
        fonts, fallbacks = fonts_for(text_used)
        for font in fonts:
            self.add_font(font.family, font.style, str(font.path))
        if fallbacks:
            self.set_fallback_fonts(fallbacks, exact_match=False)
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=20)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("atkinson", "", 8)
        self.set_text_color(60)
        self.cell(0, 4, self.footer_text, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0)


class _Writer:
    """Small helpers so the document reads top to bottom in `build_pdf`."""

    def __init__(self, pdf: _SummaryPDF):
        self.pdf = pdf
        self.width = pdf.w - pdf.l_margin - pdf.r_margin

    def heading(self, text: str, size: float = 14, level: int = 0) -> None:
        pdf = self.pdf
        if pdf.get_y() > pdf.h - 50:
            pdf.add_page()
        pdf.ln(3)
        pdf.start_section(text, level=level)
        pdf.set_font("atkinson", "B", size)
        pdf.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)

    def paragraph(self, text: str, size: float = 10.5, style: str = "", indent: float = 0) -> None:
        pdf = self.pdf
        pdf.set_font("atkinson", style, size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(self.width - indent, size * 0.48, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def labelled(self, label: str, text: str, size: float = 10.5) -> None:
        """'Label: text' on one run, label in bold."""
        pdf = self.pdf
        pdf.set_font("atkinson", "B", size)
        pdf.write(size * 0.48, f"{label}: ")
        pdf.set_font("atkinson", "", size)
        pdf.write(size * 0.48, text)
        pdf.ln(size * 0.56)

    def bullets(self, items: list[str], size: float = 10.5, indent: float = 4) -> None:
        pdf = self.pdf
        for item in items:
            pdf.set_font("atkinson", "", size)
            pdf.set_x(pdf.l_margin + indent)
            pdf.cell(4, size * 0.48, "•")
            pdf.multi_cell(self.width - indent - 4, size * 0.48, item, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def boxed(self, title: str, lines: list[str], footer: str) -> None:
        """A thick black frame with a bold title: stands out without relying on colour."""
        pdf = self.pdf
        top, page = pdf.get_y() + 1, pdf.page
        pdf.set_y(top + 3)
        self.paragraph(title, size=13, style="B", indent=4)
        pdf.ln(1)
        self.bullets(lines, size=11, indent=6)
        pdf.ln(1)
        self.paragraph(footer, size=10, style="I", indent=4)
        bottom = pdf.get_y() + 2
        if pdf.page == page:
            pdf.set_line_width(0.9)
            pdf.rect(pdf.l_margin, top, self.width, bottom - top)
            pdf.set_line_width(0.2)
        pdf.set_y(bottom + 3)


def _considerations(assessment: Assessment) -> list[tuple[str, str, list[str]]]:
    """Each consideration once, important first, with the categories it applies to."""
    merged: dict[str, tuple[str, str, list[str]]] = {}
    for category in assessment.categories:
        for item in category.considerations:
            merged.setdefault(item.rule, (item.severity, item.text, []))[2].append(category.title)
    return sorted(merged.values(), key=lambda entry: entry[0] != "important")


def _used_terms(assessment: Assessment) -> list[dict[str, Any]]:
    text = assessment.model_dump_json()
    return [entry for entry in glossary() if any(word.lower() in text.lower() for word in entry["match"])]


def build_pdf(
    assessment: Assessment,
    answers: Any,
    label: str | None = None,
    paper: Paper | None = None,
    generated: dt.date | None = None,
) -> bytes:
    """The summary as PDF bytes (2–4 pages for typical answers)."""
    tool = assessment.tool
    footer = f"{tool.name} {tool.version} · rules {tool.rules_version}, reviewed {tool.rules_reviewed} · education, not medical advice"
    name = clean_label(label)
    rows = answered_rows(answers)
    text_used = " ".join([footer, name, assessment.model_dump_json(), *(t for _, t in rows), *(q.label for q, _ in rows),
                          *LEVEL_INTRO.values(), RULEBOOK.content.model_dump_json(include={"urgent"}), "•…·—–",
                          *(str(e) for e in glossary())])
    pdf = _SummaryPDF(paper or default_paper(), footer, text_used)
    pdf.set_title("ImmunoPrep appointment summary")
    pdf.set_author(tool.name)
    pdf.set_creator(f"{tool.name} {tool.version}")
    pdf.set_lang("en")
    pdf.add_page()
    out = _Writer(pdf)

    pdf.set_font("atkinson", "B", 20)
    pdf.cell(0, 10, "Preparing for your appointment", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    date = (generated or dt.date.today()).strftime("%d %B %Y").lstrip("0")
    out.paragraph(f"Immunotherapy: an educational summary · {date}" + (f" · For: {name}" if name else ""), size=11)
    pdf.ln(2)
    out.paragraph(assessment.disclaimer, size=10, style="I")

    for tier, signs, texts in assessment.urgent_by_tier():
        words = RULEBOOK.content.urgent[tier]
        question = next(item.question for item in assessment.urgent if item.tier == tier)
        named = "; ".join(option_text(question, sign) for sign in signs)
        pdf.ln(2)
        out.boxed(f"URGENT: {words.title}", ([f"{words.signs_intro} {named}"] if named else []) + texts, words.footer)

    out.heading("Your answers at a glance")
    if rows:
        pdf.set_font("atkinson", "", 9.5)
        with pdf.table(col_widths=(38, 62), text_align="LEFT", line_height=4.6, padding=1.2,
                       first_row_as_headings=True, borders_layout="HORIZONTAL_LINES") as table:
            head = table.row()
            head.cell("Question")
            head.cell("Your answer")
            for question, text in rows:
                row = table.row()
                row.cell(question.label)
                row.cell(text)
    else:
        out.paragraph("No answers were given.")

    for level in ("commonly_considered", "may_be_considered", "not_typical"):
        categories = [c for c in assessment.categories if c.level == level]
        if not categories:
            continue
        out.heading(LEVEL_LABELS[level])
        out.paragraph(LEVEL_INTRO[level], size=10, style="I")
        for category in categories:
            pdf.ln(1.5)
            out.paragraph(category.title, size=12, style="B")
            if level == "not_typical":
                out.bullets([reason.text for reason in category.reasons], size=10)
                continue
            out.paragraph(category.summary)
            out.paragraph("Why it appears", size=10.5, style="B")
            out.bullets([reason.text for reason in category.reasons])
            out.labelled("How it is given", f"{category.how_given} {category.practical}")
            out.labelled("Common side effects", category.side_effects)

    considerations = _considerations(assessment)
    if considerations:
        out.heading("What may affect suitability")
        out.paragraph("Your team will look at these. They do not decide anything on their own.", size=10, style="I")
        for severity, text, titles in considerations:
            out.bullets([f"{'Important' if severity == 'important' else 'To discuss'}: {text} (Applies to: {', '.join(titles)}.)"])

    if assessment.missing_information:
        out.heading("Tests and information that would help")
        out.bullets([item.text for item in assessment.missing_information])

    out.heading("Questions to ask")
    for number, question in enumerate(assessment.questions_to_ask, 1):
        if pdf.get_y() > pdf.h - 40:
            pdf.add_page()
        out.paragraph(f"{number}. {question}", size=10.5)
        y = pdf.get_y() + 5
        pdf.set_draw_color(150)
        pdf.line(pdf.l_margin + 5, y, pdf.w - pdf.r_margin, y)
        pdf.set_draw_color(0)
        pdf.set_y(y + 2)

    terms = _used_terms(assessment)
    if terms:
        out.heading("Words used in this summary")
        for entry in terms:
            pdf.set_font("atkinson", "B", 10)
            pdf.write(4.8, f"{entry['term']}: ")
            pdf.set_font("atkinson", "", 10)
            pdf.write(4.8, entry["text"])
            pdf.ln(5.6)

    out.heading("Sources")
    shown = [c for c in assessment.categories if c.level != "not_typical"] or assessment.categories
    seen: dict[str, str] = {}
    for category in shown:
        for source in category.sources:
            seen.setdefault(source.url, source.title)
    for number, (url, title) in enumerate(seen.items(), 1):
        out.paragraph(f"{number}. {title}", size=9)
        out.paragraph(url, size=8, indent=5)

    out.heading("Please remember")
    out.paragraph(assessment.disclaimer, size=10.5)
    return bytes(pdf.output())
