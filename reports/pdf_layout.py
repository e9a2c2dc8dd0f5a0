"""The PDF's page furniture: type sizes, paper, fonts, the footer, and small writing helpers
(headings, paragraphs, bullets, framed boxes, writing lines, checklists, timelines, the wallet card).

Everything here is layout; what the documents say is in pdf.py (summary), pdf_doctor.py (one page).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from . import fpdf_speed
from .fonts import fonts_for

fpdf_speed.enable()

Paper = Literal["A4", "Letter"]
MAX_LABEL = 60
CARD_WIDTH, CARD_HEIGHT = 85.6, 54.0  # mm: ISO/IEC 7810 ID-1, the size of a credit card
LETTER_TERRITORIES = {"US", "CA", "MX", "PH", "CL", "CO", "VE", "CR", "GT", "PR", "SV", "PA", "DO", "NI"}


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
    leading: float = 0.46  # line height in mm per pt of text size (about 1.3 × the size)

    def line(self, size: float) -> float:
        """Line height (mm) for text of `size` pt."""
        return size * self.leading


# Older readers: 11 pt and up in normal print (review #11); large print is 14 pt and up for body text.
NORMAL_PRINT = TypeScale(
    title=20,
    heading=14,
    subheading=12.5,
    body=11,
    note=11,
    urgent_title=14,
    urgent_body=12,
    table=10.5,
    source=10,
    footer=9,
    bottom_margin=18,
    writing_space=4.5,
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


class Document(FPDF):
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
        self.set_margins(15, 13, 15)
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


class Writer:
    """Small helpers so the document reads top to bottom in `build_pdf`; sizes come from the type scale."""

    def __init__(self, pdf: Document):
        self.pdf = pdf
        self.sizes = pdf.sizes
        self.width = pdf.w - pdf.l_margin - pdf.r_margin
        self.heights: dict[str, float] = {}  # mm each measured part took (see `measure`)

    def position(self) -> float:
        """How far down the document we are, in mm of page body (pages count whole)."""
        pdf = self.pdf
        return (pdf.page - 1) * (pdf.page_break_trigger - pdf.t_margin) + pdf.get_y() - pdf.t_margin

    @contextmanager
    def measure(self, part: str) -> Iterator[None]:
        """Add the height of what is written inside to `heights[part]`."""
        start = self.position()
        yield
        self.heights[part] = self.heights.get(part, 0.0) + self.position() - start

    def keep(self, height: float) -> None:
        """Start a new page unless `height` mm still fit (no heading or title alone at a page foot)."""
        if self.pdf.get_y() + height > self.pdf.page_break_trigger:
            self.pdf.add_page()

    def heading(self, text: str, level: int = 0, keep_with: float = 0) -> None:
        """A section heading, kept on the page with its first lines plus `keep_with` mm more."""
        pdf, size = self.pdf, self.sizes.heading
        self.keep(2.5 + self.sizes.line(size) + 1 + 2 * self.sizes.line(self.sizes.body) + keep_with)
        pdf.ln(2.5)
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

    def run(self, text: str, size: float, style: str, line: float) -> None:
        """Running text that continues the current line; its first word moves to the next line whole
        when it does not fit (fpdf2's `write` would split the word)."""
        pdf = self.pdf
        pdf.set_font("atkinson", style, size)
        first = text.split(" ", 1)[0]
        if pdf.get_x() > pdf.l_margin and pdf.get_x() + pdf.get_string_width(first) > pdf.w - pdf.r_margin:
            pdf.ln(line)
        pdf.write(line, text)

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

    def writing_line(self, space: float | None = None) -> None:
        """A grey line to write an answer on, in line with the question text."""
        pdf = self.pdf
        y = pdf.get_y() + (self.sizes.writing_space if space is None else space)
        with pdf.local_context(draw_color=150, line_width=0.2):
            pdf.line(pdf.l_margin + 7, y, pdf.w - pdf.r_margin, y)
        pdf.set_y(y + 2)

    def checklist(self, items: list[str], columns: int = 2) -> None:
        """Items with an empty square to tick (drawn, so it prints in any font), `columns` to a row, read
        left to right; a row moves to the next page whole, so the list can cross a page."""
        pdf, size = self.pdf, self.sizes.body
        line = self.sizes.line(size)
        side, gap = size * 0.3, 6
        width = (self.width - gap * (columns - 1)) / columns
        text_width = width - side - 3
        pdf.set_font("atkinson", "", size)
        for start in range(0, len(items), columns):
            row = items[start : start + columns]
            height = max(pdf.multi_cell(text_width, line, item, dry_run=True, output="HEIGHT") for item in row)
            self.keep(height + 1)
            top = pdf.get_y()
            for index, item in enumerate(row):
                left = pdf.l_margin + index * (width + gap)
                with pdf.local_context(line_width=0.3, draw_color=0):
                    pdf.rect(left + 0.5, top + (line - side) / 2, side, side)
                pdf.set_xy(left + side + 3, top)
                pdf.multi_cell(text_width, line, item, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_y(top + height + 1)

    def timeline(self, title: str, steps: list[tuple[str, str]], note: str) -> None:
        """Numbered circles joined by a line, each step's name in bold and its time after it: a picture
        that prints in black and white and whose text is the description a screen reader gets."""
        pdf, sizes = self.pdf, self.sizes
        size = sizes.body
        line = sizes.line(size)
        radius = line * 0.5
        column = pdf.l_margin + radius + 1
        text_x = radius * 2 + 4
        self.keep(sizes.line(sizes.subheading) + 3 * line)
        self.paragraph(title, size=sizes.subheading, style="B")
        pdf.ln(0.5)
        centres = []
        for number, (name, when) in enumerate(steps, 1):
            self.keep(line + 1)
            centres.append((pdf.page, pdf.get_y() + line / 2, number))
            pdf.set_x(pdf.l_margin + text_x)
            pdf.set_font("atkinson", "B", size)
            pdf.write(line, f"{name}: ")
            pdf.set_font("atkinson", "", size)
            pdf.set_left_margin(pdf.l_margin + text_x)  # wrapped lines stay in the text column
            pdf.write(line, when)
            pdf.set_left_margin(pdf.l_margin - text_x)
            pdf.ln(line + 1)
        end_page, end_y = pdf.page, pdf.get_y()
        with pdf.local_context(line_width=0.5, draw_color=0):
            for (page, y, _), (next_page, next_y, _) in zip(centres, centres[1:], strict=False):
                if page == next_page:
                    pdf.page = page
                    pdf.line(column, y + radius, column, next_y - radius)
            for page, y, number in centres:
                pdf.page = page
                pdf.set_fill_color(255)  # white inside, on whichever page the step landed
                pdf.circle(x=column, y=y, radius=radius, style="DF")
                pdf.set_font("atkinson", "B", size)
                pdf.set_xy(column - radius, y - radius)
                pdf.cell(radius * 2, radius * 2, str(number), align="C")
        pdf.page = end_page
        pdf.set_xy(pdf.l_margin, end_y)
        if note:
            self.note(note)

    def cut_marks(self, x: float, y: float, width: float, height: float, length: float = 5, gap: float = 1.5) -> None:
        """Corner marks outside a rectangle, where scissors go (outside, so no line shows on the card)."""
        pdf = self.pdf
        with pdf.local_context(line_width=0.25, draw_color=0):
            for corner_x, direction_x in ((x, -1), (x + width, 1)):
                for corner_y, direction_y in ((y, -1), (y + height, 1)):
                    pdf.line(corner_x + direction_x * gap, corner_y, corner_x + direction_x * (gap + length), corner_y)
                    pdf.line(corner_x, corner_y + direction_y * gap, corner_x, corner_y + direction_y * (gap + length))
