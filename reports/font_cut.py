"""Fallback fonts cut down to the characters one document uses, in memory.

fpdf2 parses a whole font file for every document that registers it: for the 4 MB CJK fallback
(28,601 characters, 49,382 glyphs) that is about 0.4 s, for a name of three characters. Here each
fallback file is parsed once per process and kept untouched ("pristine"); a document gets a small
font made of just the glyphs its text needs (with the components of composite glyphs and the
font's hinting tables), a few milliseconds to build and to parse. Nothing is written to disk: the
small font holds the characters of the patient's name.

Thread safety: the pristine font is loaded completely under a lock, then only read. Glyph outlines
are shared as raw bytes (compiled without recalculating bounds, so never modified); composite
glyphs are copied before they are expanded to name their components.
"""

from __future__ import annotations

import copy
import io
import threading
from functools import cache
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.ttLib import TTFont, newTable

# Tables copied from the original: metrics and names fpdf2 reads, and the hinting programs that the
# glyphs' own instructions call.
_COPIED_TABLES = ("head", "hhea", "OS/2", "name", "post", "maxp", "cvt ", "fpgm", "prep", "gasp")
_lock = threading.Lock()


class _Pristine:
    def __init__(self, path: Path):
        font = TTFont(str(path), recalcBBoxes=False, recalcTimestamp=False)
        self.cmap = font.getBestCmap()
        self.glyphs = font["glyf"].glyphs  # name → Glyph, still raw bytes (lazy)
        self.glyf = font["glyf"]
        self.metrics = font["hmtx"].metrics
        self.tables = {tag: font[tag] for tag in _COPIED_TABLES if tag in font}
        self.units_per_em = font["head"].unitsPerEm


@cache
def _pristine(path: Path) -> _Pristine:
    with _lock:
        return _Pristine(path)


def covered(path: Path, codepoints: set[int]) -> set[int]:
    return {c for c in codepoints if c in _pristine(path).cmap}


def cut_font(path: Path, codepoints: set[int]) -> bytes:
    """A TrueType font with only the glyphs for `codepoints` (those the font has), as bytes."""
    source = _pristine(path)
    wanted = {c: source.cmap[c] for c in codepoints if c in source.cmap}
    glyphs: dict = {}
    todo = [".notdef", *wanted.values()]
    while todo:
        name = todo.pop()
        if name in glyphs:
            continue
        glyph = source.glyphs[name]
        if glyph.isComposite():
            glyph = copy.deepcopy(glyph)
            glyph.expand(source.glyf)  # components now named, remapped to the new order on compile
            todo.extend(component.glyphName for component in glyph.components)
        glyphs[name] = glyph
    order = [".notdef", *sorted(set(glyphs) - {".notdef"})]

    builder = FontBuilder(source.units_per_em, isTTF=True)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap(wanted)
    font = builder.font
    for tag, table in source.tables.items():
        font[tag] = copy.copy(table)  # compiling sets counts and offsets on these: never on the original
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphs, glyf.glyphOrder = {name: glyphs[name] for name in order}, order
    builder.setupHorizontalMetrics({name: source.metrics[name] for name in order})
    font.recalcBBoxes = False
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
