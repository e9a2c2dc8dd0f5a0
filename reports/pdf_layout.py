"""The PDF's page furniture: type sizes, paper, fonts, the footer, and small writing helpers
(headings, paragraphs, bullets, framed boxes, writing lines, checklists, timelines, the wallet card).

Everything here is layout; what the documents say is in pdf.py (summary), pdf_doctor.py (one page).
"""

from __future__ import annotations

import io
import os
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import TTFFont

from . import fpdf_speed
from .font_cut import cut_font
from .fonts import MAIN_FAMILY, fonts_for

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


# (word, style, size, fallback fonts) → mm, shared by every document, except the words a person typed
# (a label, an own question, a free-text answer): those are measured for their document alone and
# never kept in the process after it.
_WIDTHS: dict[tuple, float] = {}


class Document(FPDF):
    def __init__(self, paper: Paper, footer_text: str, text_used: str, sizes: TypeScale, page_words: str,
                 typed: frozenset[str] = frozenset()):  # fmt: skip
        super().__init__(orientation="P", unit="mm", format="A4" if paper == "A4" else "letter")
        self.footer_text = footer_text
        self.typed = typed  # words the person typed: their widths stay with this document
        self.own_widths: dict[tuple, float] = {}
        self.page_words = page_words  # "Page {page} of {pages}" in the summary's language
        self.sizes = sizes
        fonts, fallbacks = fonts_for(text_used)
        codepoints = {ord(ch) for ch in set(text_used)}
        for font in fonts:
            if font.family == MAIN_FAMILY:
                self.add_font(font.family, font.style, str(font.path))
            else:  # only the glyphs this text needs: parsing the whole CJK fallback takes ~0.4 s
                key = font.family + font.style
                self.fonts[key] = TTFFont(self, io.BytesIO(cut_font(font.path, codepoints)), key, font.style)
        self.fallbacks = tuple(fallbacks)  # part of a word's width key: a fallback font can draw it
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
        Writer(self).flow([(self.footer_text, "")], size, right=page_width, keep=False, leading=line)
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
        self.flow([(text, "B")], size)
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
        self.flow([(text, style)], size or self.sizes.body, indent, right)

    # -- fast wrapping: fpdf2's multi_cell and write look at every character in Python (about 25 µs
    # each); wrapping whole words with cached widths and printing each line with `cell` is ~8x faster.

    def _width(self, word: str, style: str, size: float) -> float:
        key = (word, style, size, self.pdf.fallbacks)
        widths = self.pdf.own_widths if word in self.pdf.typed else _WIDTHS
        width = widths.get(key)
        if width is None:
            if len(widths) > 200_000:
                widths.clear()
            self.pdf.set_font("atkinson", style, size)
            width = widths[key] = self.pdf.get_string_width(word)
        return width

    def flow(
        self,
        runs: list[tuple[str, str]],
        size: float,
        indent: float = 0,
        right: float = 0,
        keep: bool = True,
        leading: float | None = None,
    ) -> None:
        """Styled runs of text [(text, style)] wrapped at word boundaries into lines `indent` mm from the
        left margin; a line moves to the next page whole (`keep=False`: never, e.g. in the footer).
        A word wider than the line is split."""
        self.render(self.wrap(runs, size, self.width - indent - right), size, indent, keep, leading)

    def render(
        self,
        lines: list[list[tuple[str, str, bool]]],
        size: float,
        indent: float = 0,
        keep: bool = True,
        leading: float | None = None,
    ) -> None:
        pdf = self.pdf
        height = leading or self.sizes.line(size)
        for line in lines:
            if keep:
                self.keep(height)
            pdf.set_xy(pdf.l_margin + indent, pdf.get_y())
            for text, style in _segments(line):
                pdf.set_font("atkinson", style, size)
                pdf.cell(self._width(text, style, size), height, text, new_x=XPos.RIGHT, new_y=YPos.TOP)
            pdf.set_xy(pdf.l_margin, pdf.get_y() + height)

    def wrap(self, runs: list[tuple[str, str]], size: float, width: float) -> list[list[tuple[str, str, bool]]]:
        """The runs broken into lines no wider than `width` mm: [(word, style, space before)] per line."""
        lines: list[list[tuple[str, str, bool]]] = [[]]
        used = 0.0
        for token in _tokens(runs):
            for word, style, space in self._fitting(token, width, size):
                line = lines[-1]
                gap = self._width(" ", style, size) if space and line else 0.0
                extent = self._width(word, style, size)
                if line and used + gap + extent > width + 0.01:
                    lines.append([])
                    line, gap, used = lines[-1], 0.0, 0.0
                line.append((word, style, space))
                used += gap + extent
        return lines

    def _fitting(self, token: tuple[str, str, bool], width: float, size: float) -> list[tuple[str, str, bool]]:
        """The token, or its pieces if it is wider than a whole line."""
        word, style, space = token
        if self._width(word, style, size) <= width:
            return [token]
        pieces, current = [], ""
        for character in word:
            if current and self._width(current + character, style, size) > width:
                pieces.append(current)
                current = ""
            current += character
        pieces.append(current)
        return [(piece, style, space and index == 0) for index, piece in enumerate(pieces)]

    def note(self, text: str) -> None:
        """An italic intro or the disclaimer."""
        self.paragraph(text, size=self.sizes.note, style="I")

    def numbered(self, number: int, text: str, size: float | None = None, after: str | None = None) -> None:
        """'12. text' with a hanging indent, so wrapped lines (and `after`, e.g. an address) align with the text."""
        size = size or self.sizes.body
        hang = self._width("88. ", "", size) + 1
        self.mark(f"{number}.", 0, size)
        self.flow([(text, "")], size, indent=hang)
        if after:
            self.paragraph(after, size=size, indent=hang)

    def mark(self, text: str, indent: float, size: float) -> None:
        """A list mark (number or bullet) on the line the item starts, which stays on this page."""
        pdf = self.pdf
        self.keep(self.sizes.line(size))
        y = pdf.get_y()
        pdf.set_font("atkinson", "", size)
        pdf.set_xy(pdf.l_margin + indent, y)
        pdf.cell(self._width(text, "", size), self.sizes.line(size), text)
        pdf.set_xy(pdf.l_margin, y)

    def labelled(self, label: str, text: str, size: float | None = None) -> None:
        """'Label: text' on one run, label in bold."""
        size = size or self.sizes.body
        self.flow([(f"{label}: ", "B"), (text, "")], size)
        self.pdf.ln(size * 0.08)

    def bullets(self, items: list[str], size: float | None = None, indent: float = 4, right: float = 0) -> None:
        size = size or self.sizes.body
        mark = size * 0.4  # the bullet's column grows with the text
        for item in items:
            self.mark("•", indent, size)
            self.flow([(item, "")], size, indent=indent + mark, right=right)

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
        for start in range(0, len(items), columns):
            wrapped = [self.wrap([(item, "")], size, text_width) for item in items[start : start + columns]]
            height = max(len(lines) for lines in wrapped) * line
            self.keep(height + 1)
            top = pdf.get_y()
            for index, lines in enumerate(wrapped):
                left = index * (width + gap)
                with pdf.local_context(line_width=0.3, draw_color=0):
                    pdf.rect(pdf.l_margin + left + 0.5, top + (line - side) / 2, side, side)
                pdf.set_y(top)
                self.render(lines, size, indent=left + side + 3)
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
            self.flow([(f"{name}: ", "B"), (when, "")], size, indent=text_x)
            pdf.ln(1)
        end_page, end_y = pdf.page, pdf.get_y()
        with pdf.local_context(line_width=0.5, draw_color=0):
            for (page, y, _), (next_page, next_y, _) in zip(centres, centres[1:], strict=False):
                if page == next_page:
                    pdf.page = page
                    pdf.line(column, y + radius, column, next_y - radius)
            for page, y, number in centres:
                pdf.page = page
                pdf.circle(x=column, y=y, radius=radius, style="D")  # outline only: the line stops at it
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


def _tokens(runs: list[tuple[str, str]]) -> list[tuple[str, str, bool]]:
    """(word, style, whether a space comes before it) for every word of the runs, in order."""
    tokens: list[tuple[str, str, bool]] = []
    space = False
    for text, style in runs:
        for index, part in enumerate(text.split(" ")):
            if index > 0:
                space = True
            if part:
                tokens.append((part, style, space))
                space = False
    return tokens


def _segments(line: list[tuple[str, str, bool]]) -> list[tuple[str, str]]:
    """A line's words joined into one text per run of the same style (spaces where the text had them)."""
    segments: list[tuple[str, str]] = []
    for index, (word, style, space) in enumerate(line):
        text = (" " if space and index > 0 else "") + word
        if segments and segments[-1][1] == style:
            segments[-1] = (segments[-1][0] + text, style)
        else:
            segments.append((text, style))
    return segments
