"""The PDF summary to bring to the doctor: clear at a glance, printable in black and white.

Layout only: every word of medical content comes from the Assessment (rules/) and the question
definition (questionnaire/). User text (the label, free-text answers) is always printed literally.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from questionnaire import answered_rows, option_text
from rules import Assessment, load_rulebook

from .fonts import fonts_for

Paper = Literal["A4", "Letter"]
LETTER_TERRITORIES = {"US", "CA", "MX", "PH", "CL", "CO", "VE", "CR", "GT", "PR", "SV", "PA", "DO", "NI"}
I18N_DIR = Path(__file__).with_name("i18n")  # <language>/pdf.yaml (the PDF's words) and glossary.yaml
MAX_LABEL = 60


@dataclass(frozen=True)
class TypeScale:
    """Every text size of the summary (pt) and the spacing that depends on it, in one place."""

    title: float
    heading: float
    subheading: float  # a kind of immunotherapy, within a level
    body: float  # paragraphs, bullets, questions to ask, the glossary
    note: float  # italic intros and the disclaimer
    urgent_title: float
    urgent_body: float
    table: float  # answers at a glance
    source: float  # source titles and their addresses
    footer: float
    bottom_margin: float  # mm kept free at the foot of each page, for the footer
    writing_space: float  # mm between a question to ask and its writing line
    leading: float = 0.48  # line height in mm per pt of text size (about 1.36 × the size)

    def line(self, size: float) -> float:
        """Line height (mm) for text of `size` pt."""
        return size * self.leading


# Older readers: 11 pt and up in normal print (review #11); large print is 14 pt and up for body text.
NORMAL_PRINT = TypeScale(
    title=20,
    heading=15,
    subheading=13,
    body=11.5,
    note=11,
    urgent_title=14,
    urgent_body=12,
    table=10.5,
    source=10,
    footer=9,
    bottom_margin=20,
    writing_space=6,
)
LARGE_PRINT = TypeScale(
    title=26,
    heading=19,
    subheading=16.5,
    body=14,
    note=14,
    urgent_title=18,
    urgent_body=15,
    table=14,
    source=12,
    footer=11,
    bottom_margin=24,
    writing_space=8,
)


def type_scale(large_print: bool) -> TypeScale:
    """The sizes for normal or large print."""
    return LARGE_PRINT if large_print else NORMAL_PRINT


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


@lru_cache(maxsize=4)
def glossary(language: str = "en") -> list[dict[str, Any]]:
    return yaml.safe_load((I18N_DIR / language / "glossary.yaml").read_text(encoding="utf-8"))["terms"]


@lru_cache(maxsize=4)
def pdf_words(language: str = "en") -> dict[str, Any]:
    """Every word the PDF prints around the assessment's texts, in `language`."""
    return yaml.safe_load((I18N_DIR / language / "pdf.yaml").read_text(encoding="utf-8"))


def long_date(day: dt.date, language: str = "en") -> str:
    words = pdf_words(language)
    return words["date"].format(day=day.day, month=words["months"][day.month - 1], year=day.year)


class _SummaryPDF(FPDF):
    def __init__(self, paper: Paper, footer_text: str, text_used: str, sizes: TypeScale, page_words: str):
        super().__init__(orientation="P", unit="mm", format="A4" if paper == "A4" else "letter")
        self.footer_text = footer_text
        self.page_words = page_words  # "Page {page} of {pages}" in the summary's language
        self.sizes = sizes
        fonts, fallbacks = fonts_for(text_used)
        for font in fonts:
            self.add_font(font.family, font.style, str(font.path))
        if fallbacks:
            self.set_fallback_fonts(fallbacks, exact_match=False)
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=sizes.bottom_margin)

    def footer(self) -> None:
        """Tool, rules version and page number; the tool text wraps to a second line in large print."""
        size = self.sizes.footer
        line = size * 0.42
        top = self.h - self.b_margin + 5
        self.set_font("atkinson", "", size)
        self.set_text_color(60)
        page_width = self.get_string_width(self.page_words.format(page=99, pages=99)) + 8  # room for {nb} and a gap
        self.set_xy(self.l_margin, top)
        self.multi_cell(self.epw - page_width, line, self.footer_text, align="L")
        self.set_xy(self.w - self.r_margin - page_width, top)
        self.cell(page_width, line, self.page_words.format(page=self.page_no(), pages="{nb}"), align="R")
        self.set_text_color(0)


class _Writer:
    """Small helpers so the document reads top to bottom in `build_pdf`; sizes come from the type scale."""

    def __init__(self, pdf: _SummaryPDF):
        self.pdf = pdf
        self.sizes = pdf.sizes
        self.width = pdf.w - pdf.l_margin - pdf.r_margin

    def keep(self, height: float) -> None:
        """Start a new page unless `height` mm still fit (no heading or title alone at a page foot)."""
        if self.pdf.get_y() + height > self.pdf.page_break_trigger:
            self.pdf.add_page()

    def heading(self, text: str, level: int = 0, keep_with: float = 0) -> None:
        """A section heading, kept on the page with its first lines plus `keep_with` mm more."""
        pdf, size = self.pdf, self.sizes.heading
        self.keep(3 + self.sizes.line(size) + 1 + 3 * self.sizes.line(self.sizes.body) + keep_with)
        pdf.ln(3)
        pdf.start_section(text, level=level)
        pdf.set_font("atkinson", "B", size)
        pdf.multi_cell(0, self.sizes.line(size), text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)

    def subheading_height(self) -> float:
        """Room a subheading needs with the first lines under it."""
        return 1.5 + self.sizes.line(self.sizes.subheading) + 3 * self.sizes.line(self.sizes.body)

    def subheading(self, text: str) -> None:
        """A kind of immunotherapy: kept on the page with the first lines about it."""
        self.keep(self.subheading_height())
        self.pdf.ln(1.5)
        self.paragraph(text, size=self.sizes.subheading, style="B")

    def paragraph(
        self, text: str, size: float | None = None, style: str = "", indent: float = 0, right: float = 0
    ) -> None:
        pdf = self.pdf
        size = size or self.sizes.body
        pdf.set_font("atkinson", style, size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(
            self.width - indent - right, self.sizes.line(size), text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    def note(self, text: str) -> None:
        """An italic intro or the disclaimer."""
        self.paragraph(text, size=self.sizes.note, style="I")

    def numbered(self, number: int, text: str, size: float | None = None, after: str | None = None) -> None:
        """'12. text' with a hanging indent, so wrapped lines (and `after`, e.g. an address) align with the text."""
        pdf = self.pdf
        size = size or self.sizes.body
        pdf.set_font("atkinson", "", size)
        hang = pdf.get_string_width("88. ") + 1
        pdf.set_x(pdf.l_margin)
        pdf.cell(hang, self.sizes.line(size), f"{number}.")
        pdf.multi_cell(self.width - hang, self.sizes.line(size), text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if after:
            self.paragraph(after, size=size, indent=hang)

    def labelled(self, label: str, text: str, size: float | None = None) -> None:
        """'Label: text' on one run, label in bold."""
        pdf = self.pdf
        size = size or self.sizes.body
        pdf.set_font("atkinson", "B", size)
        pdf.write(self.sizes.line(size), f"{label}: ")
        pdf.set_font("atkinson", "", size)
        pdf.write(self.sizes.line(size), text)
        pdf.ln(self.sizes.line(size) + size * 0.08)

    def bullets(self, items: list[str], size: float | None = None, indent: float = 4, right: float = 0) -> None:
        pdf = self.pdf
        size = size or self.sizes.body
        mark = size * 0.4  # the bullet's column grows with the text
        for item in items:
            pdf.set_font("atkinson", "", size)
            pdf.set_x(pdf.l_margin + indent)
            pdf.cell(mark, self.sizes.line(size), "•")
            pdf.multi_cell(
                self.width - indent - mark - right,
                self.sizes.line(size),
                item,
                align="L",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )

    def boxed(self, title: str, lines: list[str], footer: str) -> None:
        """A thick black frame with a bold title: stands out without relying on colour.

        A box too long for the rest of the page continues on the next one, framed there too."""
        pdf, sizes = self.pdf, self.sizes
        self.keep(5 + sizes.line(sizes.urgent_title) + 2 * sizes.line(sizes.urgent_body))
        top, first_page = pdf.get_y() + 1, pdf.page
        pdf.set_y(top + 3)
        self.paragraph(title, size=sizes.urgent_title, style="B", indent=4, right=4)
        pdf.ln(1)
        self.bullets(lines, size=sizes.urgent_body, indent=6, right=4)
        pdf.ln(1)
        self.paragraph(footer, size=sizes.note, style="I", indent=4, right=4)
        bottom = pdf.get_y() + 2
        self.frame(first_page, top, pdf.page, bottom)
        pdf.set_y(bottom + 3)

    def frame(self, first_page: int, top: float, last_page: int, bottom: float) -> None:
        """Draw the box outline on each page it covers (fpdf2 can go back to an earlier page to draw)."""
        pdf = self.pdf
        current = pdf.page
        for page in range(first_page, last_page + 1):
            pdf.page = page
            upper = top if page == first_page else pdf.t_margin - 2
            lower = bottom if page == last_page else pdf.page_break_trigger + 1
            with pdf.local_context(line_width=0.9, draw_color=0):
                pdf.rect(pdf.l_margin, upper, self.width, lower - upper)
        pdf.page = current

    def writing_line(self) -> None:
        """A grey line to write an answer on, in line with the question text."""
        pdf = self.pdf
        y = pdf.get_y() + self.sizes.writing_space
        with pdf.local_context(draw_color=150, line_width=0.2):
            pdf.line(pdf.l_margin + 7, y, pdf.w - pdf.r_margin, y)
        pdf.set_y(y + 2)


def _considerations(assessment: Assessment) -> list[tuple[str, str, list[str]]]:
    """Each consideration once, important first, with the categories it applies to."""
    merged: dict[str, tuple[str, str, list[str]]] = {}
    for category in assessment.categories:
        for item in category.considerations:
            merged.setdefault(item.rule, (item.severity, item.text, []))[2].append(category.title)
    return sorted(merged.values(), key=lambda entry: entry[0] != "important")


def _used_terms(assessment: Assessment) -> list[dict[str, Any]]:
    text = assessment.model_dump_json().lower()
    return [entry for entry in glossary(assessment.language) if any(w.lower() in text for w in entry["match"])]


def build_pdf(
    assessment: Assessment,
    answers: Any,
    label: str | None = None,
    paper: Paper | None = None,
    generated: dt.date | None = None,
    large_print: bool = False,
) -> bytes:
    """The summary as PDF bytes (3–6 pages for typical answers; about half as many again in large print)."""
    sizes = type_scale(large_print)
    language = assessment.language
    words = pdf_words(language)
    urgent_words = load_rulebook().wording(language).content.urgent
    tool = assessment.tool
    footer = words["footer"].format(tool=tool.name, version=tool.version, rules_version=tool.rules_version,
                                    reviewed=tool.rules_reviewed)  # fmt: skip
    name = clean_label(label)
    rows = answered_rows(answers, language=language)
    text_used = " ".join(
        [
            footer,
            name,
            assessment.model_dump_json(),
            *(t for _, t in rows),
            *(q.label for q, _ in rows),
            json.dumps(words, ensure_ascii=False, default=str),
            json.dumps({tier: w.model_dump() for tier, w in urgent_words.items()}, ensure_ascii=False),
            "•…·—–",
            *(str(e) for e in glossary(language)),
        ]
    )
    pdf = _SummaryPDF(paper or default_paper(), footer, text_used, sizes, words["page"])
    pdf.set_title(words["document_title_large" if large_print else "document_title"])
    pdf.set_author(tool.name)
    pdf.set_creator(f"{tool.name} {tool.version}")
    pdf.set_lang(language)
    pdf.add_page()
    out = _Writer(pdf)

    pdf.set_font("atkinson", "B", sizes.title)
    pdf.multi_cell(0, sizes.line(sizes.title), words["title"], align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    date = long_date(generated or dt.date.today(), language)
    out.paragraph(words["subtitle_for" if name else "subtitle"].format(date=date, name=name))
    pdf.ln(2)
    out.note(assessment.disclaimer)

    for tier, signs, texts in assessment.urgent_by_tier():
        tier_words = urgent_words[tier]
        question = next(item.question for item in assessment.urgent if item.tier == tier)
        named = "; ".join(option_text(question, sign, language=language) for sign in signs)
        pdf.ln(2)
        lines = ([f"{tier_words.signs_intro} {named}"] if named else []) + texts
        out.boxed(words["urgent"].format(title=tier_words.title), lines, tier_words.footer)

    out.heading(words["answers_heading"])
    if rows:
        pdf.set_font("atkinson", "", sizes.table)
        with pdf.table(
            col_widths=(38, 62),
            text_align="LEFT",
            line_height=sizes.line(sizes.table),
            padding=1.2,
            first_row_as_headings=True,
            borders_layout="HORIZONTAL_LINES",
        ) as table:
            head = table.row()
            head.cell(words["answers_question"])
            head.cell(words["answers_answer"])
            for question, text in rows:
                row = table.row()
                row.cell(question.label)
                row.cell(text)
    else:
        out.paragraph(words["no_answers"])

    for level in ("commonly_considered", "may_be_considered", "not_typical"):
        categories = [c for c in assessment.categories if c.level == level]
        if not categories:
            continue
        intro_lines = 2 * sizes.line(sizes.note)
        out.heading(words["levels"][level], keep_with=intro_lines + out.subheading_height())
        out.note(words["level_intro"][level])
        for category in categories:
            out.subheading(category.title)
            if level == "not_typical":
                out.bullets([reason.text for reason in category.reasons])
                continue
            out.paragraph(category.summary)
            out.keep(3 * sizes.line(sizes.body))  # the label stays with its first reason
            out.paragraph(words["why"], style="B")
            out.bullets([reason.text for reason in category.reasons])
            out.labelled(words["how_given"], f"{category.how_given} {category.practical}")
            out.labelled(words["side_effects"], category.side_effects)

    considerations = _considerations(assessment)
    if considerations:
        out.heading(words["considerations_heading"])
        out.note(words["considerations_note"])
        for severity, text, titles in considerations:
            out.bullets(
                [
                    words["applies_to"].format(
                        severity=words["important" if severity == "important" else "to_discuss"],
                        text=text,
                        categories=", ".join(titles),
                    )
                ]
            )

    if assessment.missing_information:
        out.heading(words["missing_heading"])
        out.bullets([item.text for item in assessment.missing_information])

    out.heading(words["questions_heading"])
    for number, question in enumerate(assessment.questions_to_ask, 1):
        out.keep(2 * sizes.line(sizes.body) + sizes.writing_space + 2)  # a question stays with its line
        out.numbered(number, question)
        out.writing_line()

    terms = _used_terms(assessment)
    if terms:
        out.heading(words["glossary_heading"])
        for entry in terms:
            out.keep(2 * sizes.line(sizes.body))  # most entries are two lines: do not split them
            out.labelled(entry["term"], entry["text"])

    out.heading(words["sources_heading"])
    shown = [c for c in assessment.categories if c.level != "not_typical"] or assessment.categories
    seen: dict[str, str] = {}
    for category in shown:
        for source in category.sources:
            seen.setdefault(source.url, source.title)
    for number, (url, title) in enumerate(seen.items(), 1):
        out.keep(2 * sizes.line(sizes.source))
        out.numbered(number, title, size=sizes.source, after=url)
        pdf.ln(0.8)

    out.heading(words["remember_heading"])
    out.paragraph(assessment.disclaimer)
    return bytes(pdf.output())
