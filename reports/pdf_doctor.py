"""The one-page version for the doctor: any urgent notice, the level of each kind of immunotherapy with
its main reason, and every answer in clinical words. Always one page: the type gets smaller (down to
MIN_SIZE) until it fits."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from questionnaire import answered_rows
from rules import Assessment

from .pdf import LEVEL_ORDER, answers_flow, first_sentence, new_document, typed_words, urgent_boxes
from .pdf_layout import NORMAL_PRINT, Paper, Writer, clean_label
from .words import long_date

START_SIZE, MIN_SIZE, STEP = 10.0, 6.5, 0.5


def build_doctor_pdf(
    assessment: Assessment,
    answers: Any,
    label: str | None = None,
    paper: Paper | None = None,
    generated: dt.date | None = None,
) -> bytes:
    """One page for the care team (clinical wording), as PDF bytes."""
    size = START_SIZE
    while True:
        document = _page(assessment, answers, label, paper, generated, size)
        if document.page == 1 or size <= MIN_SIZE:
            return bytes(document.output())
        size -= STEP


def _page(assessment: Assessment, answers: Any, label: str | None, paper: Paper | None, generated: dt.date | None,
          size: float):  # fmt: skip
    language = assessment.language
    name = clean_label(label)
    rows = answered_rows(answers, audience="nurse", language=language)
    sizes = replace(
        NORMAL_PRINT,
        title=size + 4,
        heading=size + 1.5,
        body=size,
        note=size - 0.5,
        urgent_title=size + 1,
        urgent_body=size,
        table=size,
        source=size,
        footer=7,
        bottom_margin=12,
    )
    texts = [name, assessment.model_dump_json(), *(t for _, t in rows), *(q.label for q, _ in rows)]
    pdf, words = new_document(assessment, texts, paper, sizes, "doctor_document_title", typed_words(answers, name))
    pdf.set_auto_page_break(True, margin=sizes.bottom_margin)
    pdf.add_page()
    out = Writer(pdf)
    out.flow([(words["doctor_title"], "B")], sizes.title)
    date = long_date(generated or dt.date.today(), language)
    out.paragraph(words["subtitle_for" if name else "subtitle"].format(date=date, name=name))
    out.note(words["doctor_note"])
    urgent_boxes(out, assessment, words)
    out.heading(words["doctor_levels_heading"])
    _levels_table(out, assessment, words)
    out.heading(words["doctor_answers_heading"])
    answers_flow(out, rows, words, size=size)
    return pdf


def _levels_table(out: Writer, assessment: Assessment, words: dict[str, Any]) -> None:
    pdf, sizes = out.pdf, out.sizes
    pdf.set_font("atkinson", "", sizes.table)
    ordered = sorted(assessment.categories, key=lambda c: LEVEL_ORDER.index(c.level))
    with pdf.table(
        col_widths=(26, 17, 57),
        text_align="LEFT",
        line_height=sizes.line(sizes.table),
        padding=(0.6, 1, 0.6, 1),
        first_row_as_headings=True,
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        head = table.row()
        for key in ("doctor_kind", "doctor_level", "doctor_reason"):
            head.cell(words[key])
        for category in ordered:
            row = table.row()
            row.cell(category.title)
            row.cell(words["levels"][category.level])
            row.cell(first_sentence(category.reasons[0].text))
