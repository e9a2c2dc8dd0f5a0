"""Font files for the PDF: Atkinson Hyperlegible (PyPI) for text, DejaVu Sans and Droid Sans Fallback
(Debian) as fallbacks for symbols and CJK. Nothing is fetched at run time."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

DEBIAN_FONTS = Path("/usr/share/fonts/truetype")
MAIN_FAMILY = "atkinson"


@dataclass(frozen=True)
class FontFile:
    family: str
    style: str
    path: Path


def _atkinson(style_file: str) -> Path:
    return Path(str(resources.files("fontpkg_atkinson_hyperlegible") / "files" / style_file))


@cache
def coverage(path: Path) -> frozenset[int]:
    """Code points a font file has glyphs for (read once per process; only the cmap table)."""
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap())


def fonts_for(text: str) -> tuple[list[FontFile], list[str]]:
    """The fonts one document needs: the main family, plus only those fallbacks whose glyphs the
    text uses (parsing the 4 MB CJK fallback costs most of a second, and most summaries are Latin)."""
    fonts, fallbacks = available_fonts()
    needed = {ord(ch) for ch in set(text) if not ch.isspace()}
    main = [f for f in fonts if f.family == MAIN_FAMILY]
    missing = needed - coverage(main[0].path)
    chosen_families = []
    for family in fallbacks:
        if not missing:
            break
        family_fonts = [f for f in fonts if f.family == family]
        covered = missing & coverage(family_fonts[0].path)
        if covered:
            chosen_families.append(family)
            main += family_fonts
            missing -= covered
    return main, chosen_families


@lru_cache(maxsize=1)
def available_fonts() -> tuple[list[FontFile], list[str]]:
    """(font files to register, fallback family names in order). Missing fallbacks are skipped."""
    fonts = [
        FontFile(MAIN_FAMILY, "", _atkinson("AtkinsonHyperlegible-Regular.ttf")),
        FontFile(MAIN_FAMILY, "B", _atkinson("AtkinsonHyperlegible-Bold.ttf")),
        FontFile(MAIN_FAMILY, "I", _atkinson("AtkinsonHyperlegible-Italic.ttf")),
    ]
    fallbacks = []
    for family, style, relative in (
        ("dejavu", "", "dejavu/DejaVuSans.ttf"),
        ("dejavu", "B", "dejavu/DejaVuSans-Bold.ttf"),
        ("droid", "", "droid/DroidSansFallbackFull.ttf"),
    ):
        path = DEBIAN_FONTS / relative
        if path.exists():
            fonts.append(FontFile(family, style, path))
            if family not in fallbacks:
                fallbacks.append(family)
    return fonts, fallbacks
