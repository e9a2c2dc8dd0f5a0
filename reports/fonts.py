"""Font files for the PDF: Atkinson Hyperlegible (PyPI) for text, DejaVu Sans and Droid Sans Fallback
(Debian) as fallbacks for symbols and CJK. Nothing is fetched at run time."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

DEBIAN_FONTS = Path("/usr/share/fonts/truetype")


@dataclass(frozen=True)
class FontFile:
    family: str
    style: str
    path: Path


def _atkinson(style_file: str) -> Path:
    return Path(str(resources.files("fontpkg_atkinson_hyperlegible") / "files" / style_file))


@lru_cache(maxsize=1)
def available_fonts() -> tuple[list[FontFile], list[str]]:
    """(font files to register, fallback family names in order). Missing fallbacks are skipped."""
    fonts = [
        FontFile("atkinson", "", _atkinson("AtkinsonHyperlegible-Regular.ttf")),
        FontFile("atkinson", "B", _atkinson("AtkinsonHyperlegible-Bold.ttf")),
        FontFile("atkinson", "I", _atkinson("AtkinsonHyperlegible-Italic.ttf")),
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
