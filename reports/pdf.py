"""The PDF summary to bring to the doctor: clear at a glance, printable in black and white, and short
(at most 4 A4 pages for the most complex answers; the wallet card, when there is one, on a page of its own).

Every word of medical content comes from the Assessment (rules/) and the question definition
(questionnaire/). User text (the label, free-text answers, the person's own questions) is printed literally.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from questionnaire import answered_rows, load_definition, option_text
from rules import Assessment, load_rulebook

from .pdf_layout import (
    CARD_HEIGHT,
    CARD_WIDTH,
    LARGE_PRINT,
    NORMAL_PRINT,
    Document,
    Paper,
    TypeScale,
    Writer,
    clean_label,
    default_paper,
    type_scale,
)
from .words import glossary, long_date, pdf_words, terms_in

__all__ = [
    "LARGE_PRINT",
    "NORMAL_PRINT",
    "build_pdf",
    "clean_label",
    "default_paper",
    "glossary",
    "long_date",
    "new_document",
    "pdf_words",
]
LEVEL_ORDER = ("commonly_considered", "may_be_considered", "not_typical")


def new_document(
    assessment: Assessment,
    texts: list[str],
    paper: Paper | None,
    sizes: TypeScale,
    title_key: str,
    typed: frozenset[str] = frozenset(),
) -> tuple[Document, dict[str, Any]]:
    """A document with the fonts `texts` need (plus the page furniture), its metadata set. `typed`:
    the words the person typed (see `typed_words`)."""
    language = assessment.language
    words = pdf_words(language)
    tool = assessment.tool
    footer = words["footer"].format(tool=tool.name, version=tool.version, rules_version=tool.rules_version,
                                    reviewed=tool.rules_reviewed)  # fmt: skip
    text_used = " ".join([footer, *texts, json.dumps(words, ensure_ascii=False, default=str), "•…·—–"])
    pdf = Document(paper or default_paper(), footer, text_used, sizes, words["page"], typed)
    pdf.set_title(words[title_key])
    pdf.set_author(tool.name)
    pdf.set_creator(f"{tool.name} {tool.version}")
    pdf.set_lang(language)
    return pdf, words


def typed_words(answers: Any, *texts: str) -> frozenset[str]:
    """The words a person typed: `texts` (a label, own questions) and the free-text answers."""
    typed = [
        *texts,
        *(v for q in load_definition().questions if q.type == "text" and (v := getattr(answers, q.id, None))),
    ]
    return frozenset(word for text in typed for word in str(text).split())


def document_texts(assessment: Assessment, rows: list, name: str, extra: list[str]) -> list[str]:
    """Every text a document may print, so that only the fallback fonts it needs are loaded."""
    urgent = load_rulebook().wording(assessment.language).content.urgent
    return [
        name,
        assessment.model_dump_json(),
        *(t for _, t in rows),
        *(q.label for q, _ in rows),
        json.dumps({tier: w.model_dump() for tier, w in urgent.items()}, ensure_ascii=False),
        *extra,
    ]


def urgent_boxes(out: Writer, assessment: Assessment, words: dict[str, Any]) -> None:
    """One framed box per tier, most urgent first, naming the signs the person chose."""
    language = assessment.language
    urgent_words = load_rulebook().wording(language).content.urgent
    for tier, signs, texts in assessment.urgent_by_tier():
        tier_words = urgent_words[tier]
        question = next(item.question for item in assessment.urgent if item.tier == tier)
        named = "; ".join(option_text(question, sign, language=language) for sign in signs)
        out.pdf.ln(2)
        lines = ([f"{tier_words.signs_intro} {named}"] if named else []) + texts
        out.boxed(words["urgent"].format(title=tier_words.title), lines, tier_words.footer)


def levels_at_a_glance(
    out: Writer, assessment: Assessment, words: dict[str, Any], reasons_in_app: bool = False
) -> None:
    """One line per level naming its kinds of immunotherapy: the whole answer before the detail."""
    for level in LEVEL_ORDER:
        titles = [c.title for c in assessment.categories if c.level == level]
        if titles:
            extra = " " + words["reasons_in_app"] if reasons_in_app and level == "not_typical" else ""
            out.labelled(words["levels"][level], "; ".join(titles) + "." + extra)


def answers_flow(out: Writer, rows: list, words: dict[str, Any], size: float | None = None) -> None:
    """Every answer as "Question: answer" in running text, separated by dots: a third of the height of
    a two-column table, and still read in questionnaire order."""
    pdf = out.pdf
    size = size or out.sizes.table
    if not rows:
        out.paragraph(words["no_answers"], size=size)
        return
    runs = []
    for index, (question, text) in enumerate(rows):
        runs += [(f"{question.label}: ", "B"), (text + (" · " if index < len(rows) - 1 else ""), "")]
    out.flow(runs, size)
    pdf.ln(1)


def _categories(out: Writer, assessment: Assessment, words: dict[str, Any], left_out: set[str]) -> None:
    """Commonly considered in full (how it is given only where no timeline shows it); may be considered
    with its first sentence and reasons (the rest is on the summary page); not typical as one line each."""
    sizes = out.sizes
    drawn = {timeline.id for timeline in assessment.kit.timelines}
    for level in LEVEL_ORDER:
        categories = [c for c in assessment.categories if c.level == level]
        if not categories or (level == "not_typical" and "not_typical_reasons" in left_out):
            continue  # "At a glance" names them; the summary page gives each reason
        if level == "not_typical":
            with out.measure("not_typical_reasons"):
                out.heading(words["levels"][level], keep_with=2 * sizes.line(sizes.note) + out.subheading_height())
                out.note(words["level_intro"][level])
                out.bullets([f"{c.title}: {first_sentence(c.reasons[0].text)}" for c in categories])
            continue
        out.heading(words["levels"][level], keep_with=2 * sizes.line(sizes.note) + out.subheading_height())
        if "intros" not in left_out:
            with out.measure("intros"):
                out.note(words["level_intro"][level])
        for category in categories:
            out.subheading(category.title)
            full = level == "commonly_considered"
            if full:
                out.paragraph(category.summary)
            elif "may_summaries" not in left_out:
                with out.measure("may_summaries"):
                    out.paragraph(first_sentence(category.summary))
            out.labelled(words["why"], " ".join(reason.text for reason in category.reasons))
            if full and category.id not in drawn and "how_given" not in left_out:
                with out.measure("how_given"):
                    out.labelled(words["how_given"], f"{category.how_given} {category.practical}")
            if full and "side_effects" not in left_out:
                with out.measure("side_effects"):
                    out.labelled(words["side_effects"], category.side_effects)
        if level == "commonly_considered" and {"how_given", "side_effects"} & left_out:
            out.note(words["details_in_app"])


def first_sentence(text: str) -> str:
    end = next((i for i, ch in enumerate(text) if ch in ".!?" and text[i + 1 : i + 2] in (" ", "")), len(text) - 1)
    return text[: end + 1]


def _considerations(out: Writer, assessment: Assessment, words: dict[str, Any], left_out: set[str]) -> None:
    """Each consideration once, important first, with the kinds it applies to when that is one or two of
    them ("all" when it is all of them; the summary page lists them in full)."""
    shown = [c.title for c in assessment.categories if c.considerations]
    merged: dict[str, tuple[str, str, list[str]]] = {}
    for category in assessment.categories:
        for item in category.considerations:
            merged.setdefault(item.rule, (item.severity, item.text, []))[2].append(category.title)
    if not merged:
        return
    out.heading(words["considerations_heading"])
    if "intros" not in left_out:
        with out.measure("intros"):
            out.note(words["considerations_note"])
    for severity, text, titles in sorted(merged.values(), key=lambda entry: entry[0] != "important"):
        tag = words["important" if severity == "important" else "to_discuss"]
        if len(shown) > 1 and titles == shown:
            line = words["applies_to"].format(severity=tag, text=text, categories=words["applies_to_all"])
        elif len(titles) <= 2:
            line = words["applies_to"].format(severity=tag, text=text, categories=", ".join(titles))
        else:
            line = words["applies_to_many"].format(severity=tag, text=text, count=len(titles))
        out.bullets([line])


def _my_questions(out: Writer, questions: list[str], words: dict[str, Any], left_out: set[str]) -> None:
    sizes = out.sizes
    space = sizes.writing_space * (0.5 if "roomy_lines" in left_out else 1)
    out.heading(words["questions_heading"])
    for number, question in enumerate(questions, 1):
        out.keep(2 * sizes.line(sizes.body) + space + 2)  # a question stays with its line
        out.numbered(number, question)
        with out.measure("roomy_lines"):
            out.writing_line(space)


def _preparing(out: Writer, assessment: Assessment, words: dict[str, Any], left_out: set[str]) -> None:
    """What to bring, what to expect, eating and activity, and where to get help."""
    kit, sizes = assessment.kit, out.sizes
    out.heading(words["bring_heading"])
    out.checklist([item.text for item in kit.bring])
    if kit.timelines:
        out.heading(words["expect_heading"], keep_with=2 * sizes.line(sizes.body))
        for index, timeline in enumerate(kit.timelines):
            last = index == len(kit.timelines) - 1
            note = timeline.note if "intros" not in left_out or last else ""
            with out.measure("intros" if not last else "timelines"):
                out.timeline(timeline.title, [(step.title, step.when) for step in timeline.steps], note)
            out.pdf.ln(1)
    if "living_well" in left_out:
        out.pdf.ln(1)
        out.note(words["living_well_in_app"].format(title=kit.living_well.title))
    else:
        with out.measure("living_well"):
            out.heading(kit.living_well.title)
            out.bullets(list(kit.living_well.points))
    out.heading(words["help_heading"])
    out.note(words["help_note"])
    for service in kit.help:
        out.keep(3 * sizes.line(sizes.source))
        web = service.web.removeprefix("https://").removeprefix("www.")
        out.labelled(service.name, words["help_line"].format(phone=service.phone, web=web), size=sizes.source)
        if "help_details" not in left_out:
            with out.measure("help_details"):
                out.paragraph(f"{service.what} {service.hours}.", size=sizes.source, indent=4)
                out.pdf.ln(0.5)


def _glossary(out: Writer, printed: str, language: str, words: dict[str, Any]) -> None:
    """The glossary terms the printed text uses (the summary page explains every term on screen)."""
    terms = terms_in(printed, language)
    if terms:
        out.heading(words["glossary_heading"])
        for entry in terms:
            out.keep(2 * out.sizes.line(out.sizes.source))  # most entries are two lines: do not split them
            out.labelled(entry["term"], entry["text"], size=out.sizes.source)


def printed_core(assessment: Assessment, questions: list[str]) -> str:
    """The texts whose terms the printed glossary explains: the kinds of immunotherapy commonly considered
    and the questions (the summary page explains every term where it appears)."""
    parts = [*questions]
    for category in assessment.categories:
        if category.level == "commonly_considered":
            parts += [category.title, category.summary, category.side_effects, *(r.text for r in category.reasons)]
    return " ".join(parts)


def cited_sources(assessment: Assessment) -> list[tuple[str, str]]:
    """(title, url) of every source behind what the summary shows, once, in the order first cited."""
    shown = [c for c in assessment.categories if c.level != "not_typical"] or assessment.categories
    seen: dict[str, str] = {}
    for source in [s for c in shown for s in c.sources] + [h.source for h in assessment.kit.help]:
        seen.setdefault(source.url, source.title)
    kit = assessment.kit
    for source in [s for t in kit.timelines for s in t.sources] + list(kit.living_well.sources):
        seen.setdefault(source.url, source.title)
    return [(title, url) for url, title in seen.items()]


def _short_title(title: str) -> str:
    """A label's brand name ("Keytruda (pembrolizumab), DailyMed" → "Keytruda"); other titles as they are."""
    return title.split(" (")[0].removesuffix(", DailyMed")


def _sources(out: Writer, assessment: Assessment, words: dict[str, Any], titles: bool = True) -> None:
    """Sources grouped by publisher ("NCI: page; page"; drug labels by brand name), titles only: the
    addresses are one click away in the app and in the JSON export, and a page of long links would push
    the summary past 4 pages."""
    out.heading(words["sources_heading"])
    out.note(words["sources_note"])
    groups: dict[str, list[str]] = {}
    for title, _ in cited_sources(assessment):
        publisher, _, rest = title.partition(": ")
        if not rest:
            groups.setdefault(title, [])
        elif publisher == "FDA label":
            groups.setdefault(words["labels_group"], []).append(_short_title(rest))
        else:
            groups.setdefault(publisher, []).append(rest)
    if not titles:  # the publishers only, with how many of their pages or labels
        listed = [f"{publisher} ({len(pages)})" if len(pages) > 1 else publisher for publisher, pages in groups.items()]
        out.paragraph("; ".join(listed) + ".", size=out.sizes.source)
        return
    for publisher, pages in groups.items():
        out.keep(2 * out.sizes.line(out.sizes.source))
        if pages:
            out.labelled(publisher, "; ".join(pages) + ".", size=out.sizes.source)
        else:
            out.paragraph(publisher, size=out.sizes.source)


def wallet_card(out: Writer, assessment: Assessment, words: dict[str, Any], name: str) -> None:
    """A page with the card to cut out: front and back side by side (fold in the middle), 85.6 × 54 mm
    each, corner marks outside, so it fits a wallet when printed at 100 %."""
    card = assessment.kit.wallet_card
    if card is None:
        return
    pdf = out.pdf
    pdf.add_page()
    out.heading(words["card_heading"])
    out.paragraph(words["card_instructions"])
    pdf.ln(8)
    left, top = pdf.l_margin + (out.width - 2 * CARD_WIDTH) / 2, pdf.get_y()
    with pdf.local_context(line_width=0.3, draw_color=0):
        pdf.rect(left, top, 2 * CARD_WIDTH, CARD_HEIGHT)
    with pdf.local_context(line_width=0.2, draw_color=120, dash_pattern={"dash": 1.5, "gap": 1.5}):
        pdf.line(left + CARD_WIDTH, top, left + CARD_WIDTH, top + CARD_HEIGHT)  # the fold
    out.cut_marks(left, top, 2 * CARD_WIDTH, CARD_HEIGHT)
    pad, size = 3.5, 7.5
    line = size * 0.45

    def text(x: float, width: float, value: str, style: str = "", points: float = size) -> None:
        indent = x - pdf.l_margin
        out.flow([(value, style)], points, indent=indent, right=out.width - indent - width, leading=points * 0.45)

    inner = CARD_WIDTH - 2 * pad
    pdf.set_y(top + pad)
    text(left + pad, inner, card.title, "B", 9.5)
    pdf.ln(0.8)
    text(left + pad, inner, card.intro)
    text(left + pad + 2, inner - 2, "; ".join(card.therapy_names), "B")
    pdf.ln(0.6)
    for sentence in card.lines:
        text(left + pad, inner, sentence)
    pdf.ln(1.2)
    text(left + pad, inner, f"{card.date_line} ____________________")

    back = left + CARD_WIDTH + pad
    pdf.set_y(top + pad)
    text(back, inner, (words["card_name"] + " " + (name or "____________________")), "B", 8.5)
    pdf.ln(2.5)
    for label in (card.team_line, card.phone_line):
        text(back, inner, label)
        pdf.ln(line * 1.6)
        with pdf.local_context(draw_color=0, line_width=0.2):
            pdf.line(back, pdf.get_y(), back + inner, pdf.get_y())
        pdf.ln(2.5)
    pdf.set_y(top + CARD_HEIGHT - pad - 2 * line)
    text(back, inner, words["card_footer"], "I", 6.5)


def build_pdf(
    assessment: Assessment,
    answers: Any,
    label: str | None = None,
    paper: Paper | None = None,
    generated: dt.date | None = None,
    large_print: bool = False,
    my_questions: list[str] | None = None,
) -> bytes:
    """The summary as PDF bytes. `my_questions` are the person's questions in their order (their own
    printed literally); without them, the suggested questions are printed.

    In normal print the summary keeps to MAX_PAGES (the wallet card page extra). When the full text is
    longer, it is made again without the fewest parts (BREVITY, in order) whose measured height covers
    the overflow; each left-out part is replaced by a line saying where to find it (the summary page)."""
    args = (assessment, answers, label, paper, generated, large_print, my_questions)
    document, writer = _summary(*args, brevity=0)
    brevity = 0
    while not large_print and document.pages_before_card > MAX_PAGES and brevity < len(BREVITY):
        overflow = document.content_end - MAX_PAGES * (document.page_break_trigger - document.t_margin)
        needed = overflow + PAGE_BREAK_SLACK * MAX_PAGES
        saved = 0.0
        while brevity < len(BREVITY) and saved < needed:
            part = BREVITY[brevity]
            saved += writer.heights.get(part, 0.0) - (KEPT_OF_SOURCES if part == "source_titles" else 0.0)
            brevity += 1
        document, writer = _summary(*args, brevity=brevity)
    return bytes(document.output())


MAX_PAGES = 4
PAGE_BREAK_SLACK = 6  # mm a page typically loses where a block moves whole to the next page
KEPT_OF_SOURCES = 15  # mm the sources take when only their publishers are listed
# What the summary leaves out, in this order, when the full text runs past MAX_PAGES (each is on the
# summary page of the app).
BREVITY = ("glossary", "help_details", "source_titles", "not_typical_reasons", "how_given", "side_effects",
           "may_summaries", "intros", "living_well", "roomy_lines")  # fmt: skip


def _summary(
    assessment: Assessment,
    answers: Any,
    label: str | None,
    paper: Paper | None,
    generated: dt.date | None,
    large_print: bool,
    my_questions: list[str] | None,
    brevity: int,
) -> tuple[Document, Writer]:
    """The summary document (with `pages_before_card`) and its writer (with the measured heights)."""
    left_out = set(BREVITY[:brevity])
    sizes = type_scale(large_print)
    language = assessment.language
    name = clean_label(label)
    rows = answered_rows(answers, language=language)
    questions = list(my_questions) if my_questions is not None else list(assessment.questions_to_ask)
    glossary_text = [str(e) for e in glossary(language)]
    pdf, words = new_document(
        assessment,
        document_texts(assessment, rows, name, [*questions, *glossary_text]),
        paper,
        sizes,
        "document_title_large" if large_print else "document_title",
        typed_words(answers, name, *(my_questions or ())),
    )
    pdf.add_page()
    out = Writer(pdf)

    out.flow([(words["title"], "B")], sizes.title)
    pdf.ln(1)
    date = long_date(generated or dt.date.today(), language)
    out.paragraph(words["subtitle_for" if name else "subtitle"].format(date=date, name=name))
    pdf.ln(2)
    out.note(assessment.disclaimer)
    urgent_boxes(out, assessment, words)
    out.heading(words["glance_heading"])
    levels_at_a_glance(out, assessment, words, "not_typical_reasons" in left_out)

    out.heading(words["answers_heading"])
    answers_flow(out, rows, words)
    _categories(out, assessment, words, left_out)
    _considerations(out, assessment, words, left_out)
    if assessment.missing_information:
        out.heading(words["missing_heading"])
        out.bullets([item.text for item in assessment.missing_information])
    _my_questions(out, questions, words, left_out)
    _preparing(out, assessment, words, left_out)
    if "glossary" in left_out:
        out.pdf.ln(2)
        out.note(words["glossary_in_app"])
    else:
        with out.measure("glossary"):
            _glossary(out, printed_core(assessment, questions), language, words)
    with out.measure("source_titles"):
        _sources(out, assessment, words, titles="source_titles" not in left_out)
    pdf.pages_before_card, pdf.content_end = pdf.page, out.position()
    wallet_card(out, assessment, words, name)
    return pdf, out
