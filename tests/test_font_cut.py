"""Fallback fonts cut to a document's characters (reports/font_cut.py): same outlines, the original
left untouched, and a PDF whose every CJK character is drawn and extractable."""

import io

import pytest
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from questionnaire import Answers
from reports.font_cut import _pristine, cut_font
from reports.fonts import available_fonts
from reports.pdf import build_pdf
from rules import assess

FALLBACKS = {f.family + f.style: f.path for f in available_fonts()[0] if f.family != "atkinson"}
CJK = FALLBACKS.get("droid")
needs_cjk = pytest.mark.skipif(CJK is None, reason="fonts-droid-fallback is not installed (make test installs it)")


def _outlines(font: TTFont, text: str) -> list:
    glyphs, cmap = font.getGlyphSet(), font.getBestCmap()
    drawn = []
    for ch in text:
        pen = DecomposingRecordingPen(glyphs)  # components drawn as outlines: their names differ
        glyphs[cmap[ord(ch)]].draw(pen)
        drawn.append(pen.value)
    return drawn


@needs_cjk
def test_a_cut_font_draws_the_same_outlines_and_has_only_what_was_asked():
    text = "李小龍山田太郎"
    small = TTFont(io.BytesIO(cut_font(CJK, {ord(ch) for ch in text})))
    assert set(small.getBestCmap()) == {ord(ch) for ch in text}
    assert small["maxp"].numGlyphs < 60  # the glyphs and their components, not 49,382
    assert _outlines(small, text) == _outlines(TTFont(str(CJK)), text)
    metrics = TTFont(str(CJK))["hmtx"]
    assert [small["hmtx"][small.getBestCmap()[ord(ch)]] for ch in text] == [
        metrics[TTFont(str(CJK)).getBestCmap()[ord(ch)]] for ch in text
    ]


@needs_cjk
def test_cutting_leaves_the_original_as_it_was():
    first = cut_font(CJK, {ord("龍")})
    cut_font(CJK, {ord(ch) for ch in "龍鳳麟"})  # overlaps the first and expands shared composites
    assert cut_font(CJK, {ord("龍")}) == first
    pristine = _pristine(CJK)
    assert all(hasattr(pristine.glyphs[pristine.cmap[ord(ch)]], "data") for ch in "龍鳳麟")  # still raw bytes


@needs_cjk
def test_cjk_in_the_name_and_in_own_questions_is_drawn_and_extractable():
    answers = Answers(cancer_type="nsclc", stage="metastatic", ecog="1")
    pdf = build_pdf(assess(answers), answers, label="陳大文", my_questions=["我可以繼續工作嗎？"])
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "陳大文" in text and "我可以繼續工作嗎" in text
    assert len(pdf) < 300 * 1024
