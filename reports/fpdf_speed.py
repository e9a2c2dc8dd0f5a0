"""fpdf2 2.8's line breaker measures the whole line again for every character it adds (its
`CurrentLine.width` sums each fragment's full text), so a long line costs O(n²) and a 4-page summary
spent most of its ~0.5 s there. This keeps each fragment's width as it grows: the width of a text
without text shaping is the sum of its characters' widths, so adding a character adds its width.

Applied once at import of reports.pdf_layout; `tests/test_pdf.py` checks that a document laid out
with and without it has the same lines.
"""

from __future__ import annotations

from fpdf import line_break

_ORIGINAL_WIDTH = line_break.CurrentLine.width


def _fragment_width(fragment, initial_cs: bool, cache: dict) -> float:
    characters = fragment.characters
    size = len(characters)
    key = (id(fragment), initial_cs)
    known = cache.get(key)
    if known is not None:
        known_size, known_width, last = known
        if known_size == size and (size == 0 or characters[-1] == last):
            return known_width
        if known_size == size - 1 and size > 1 and characters[-2] == last:
            width = known_width + fragment.get_width(chars=characters[-1], initial_cs=True)
            cache[key] = (size, width, characters[-1])
            return width
    width = fragment.get_width(initial_cs=initial_cs)
    cache[key] = (size, width, characters[-1] if size else None)
    return width


def _incremental_width(self) -> float:
    if any(fragment.text_shaping_parameters for fragment in self.fragments):
        return _ORIGINAL_WIDTH.fget(self)
    cache = self.__dict__.setdefault("_immunoprep_widths", {})
    return sum(_fragment_width(fragment, i > 0, cache) for i, fragment in enumerate(self.fragments))


def enable() -> None:
    line_break.CurrentLine.width = property(_incremental_width)


def disable() -> None:
    line_break.CurrentLine.width = _ORIGINAL_WIDTH
