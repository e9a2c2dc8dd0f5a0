"""Read a number the way people type it: '55%', '>90', '67 years', '1,5', '1.5 x ULN'.

Pure text handling, no question knowledge: `answers.py` decides what a reading means for a question.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Bound = Literal["", "<", ">"]
ProblemKind = Literal["not_a_number", "thousands"]

# Canonical unit (as written in questions.yaml or on lab reports) → the ways people type it, compared
# after _unit_key (lower case, no spaces, µ/μ → u, × → x, ² → 2). Units of other questions and common
# lab units are listed too, so that "55 mg/dL" for a % question is recognised as the wrong unit
# rather than as "not a number".
UNIT_SPELLINGS: dict[str, tuple[str, ...]] = {
    "%": ("%", "percent", "pct", "porciento", "porcentaje"),
    "years": ("years", "year", "yrs", "yr", "y", "yearsold", "yo", "años", "año", "anos", "ano"),
    "lines": ("lines", "line", "líneas", "línea", "lineas", "linea"),
    "mL/min": ("ml/min", "ml/min/1.73m2", "ml/min/1.73m^2", "ml/min/1.73"),
    "× ULN": (
        "xuln",
        "uln",
        "x",
        "times",
        "timesuln",
        "xupperlimitofnormal",
        "timesthetopofnormal",
        "xlsn",
        "lsn",
        "veces",
        "veceslsn",
    ),
    "µmol/L": ("umol/l", "micromol/l", "mcmol/l"),
    "mg/dL": ("mg/dl", "mg%"),
    "U/L": ("u/l", "iu/l", "units/l"),
    "mmol/L": ("mmol/l",),
    "mg/L": ("mg/l",),
    "g/dL": ("g/dl",),
    "g/L": ("g/l",),
    "kg": ("kg", "kilos"),
    "lb": ("lb", "lbs", "pounds"),
    "cm": ("cm",),
    "months": ("months", "month", "mo", "meses", "mes"),
    "weeks": ("weeks", "week", "wk", "wks", "semanas", "semana"),
}

_BOUND_WORDS = {
    ">=": ">",
    "≥": ">",
    ">": ">",
    "more than": ">",
    "greater than": ">",
    "above": ">",
    "over": ">",
    "<=": "<",
    "≤": "<",
    "<": "<",
    "less than": "<",
    "below": "<",
    "under": "<",
    "más de": ">",
    "mas de": ">",
    "mayor que": ">",
    "menos de": "<",
    "menor que": "<",
}
_UNKNOWN_WORDS = {
    "unknown",
    "i don't know",
    "i dont know",
    "don't know",
    "dont know",
    "not sure",
    "?",
    "n/a",
    "no sé",
    "no se",
    "no lo sé",
    "no lo se",
    "desconocido",
    "no estoy seguro",
    "no estoy segura",
}
_BOUND = re.compile(r"^(" + "|".join(sorted(map(re.escape, _BOUND_WORDS), key=len, reverse=True)) + r")\s*", re.I)
_NUMBER = re.compile(r"^([+-]?(?:\d[\d,.]*|[.,]\d+))\s*(.*)$", re.S)
_DECIMAL = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$")
# "1,500" or "12,345.6": digit groups of three after a comma read as a thousands separator in the US
# and as a decimal comma in much of Europe, so the number is ambiguous. "0,500" cannot be thousands.
_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d*)?$")


class NumberTextError(ValueError):
    """Typed text that is not one number; `kind` says why."""

    def __init__(self, kind: ProblemKind):
        super().__init__(kind)
        self.kind = kind


@dataclass(frozen=True)
class TypedNumber:
    """One number as typed: its value, '<'/'>' if it was a bound, and its canonical unit ('' if none)."""

    value: float
    bound: Bound = ""
    unit: str = ""


def _unit_key(text: str) -> str:
    """Compare units ignoring case, spaces and look-alike characters."""
    return re.sub(r"[\s.]", "", text.lower()).replace("μ", "u").replace("µ", "u").replace("×", "x").replace("²", "2")


_UNIT_BY_SPELLING = {_unit_key(spelling): unit for unit, spellings in UNIT_SPELLINGS.items() for spelling in spellings}


def canonical_unit(text: str) -> str | None:
    """The canonical spelling of a typed unit, or None if it is not a unit we know."""
    return _UNIT_BY_SPELLING.get(_unit_key(text))


def means_unknown(text: str) -> bool:
    """True when the text says 'I don't know' in one of the usual ways."""
    return unicodedata.normalize("NFKC", text).strip().lower().replace("’", "'") in _UNKNOWN_WORDS


def read_typed_number(text: str) -> TypedNumber:
    """Read '55%', '> 90', '67 yrs', '1,5' or '1.5 x ULN'; raise NumberTextError if it is not one number."""
    rest = unicodedata.normalize("NFKC", text).strip()  # full-width digits, "µ" and "²" become plain
    bound: Bound = ""
    found = _BOUND.match(rest)
    if found:
        bound = _BOUND_WORDS[found.group(1).lower()]  # type: ignore[assignment]
        rest = rest[found.end() :]
    number = _NUMBER.match(rest)
    if not number:
        raise NumberTextError("not_a_number")
    digits, unit_text = number.group(1), number.group(2).strip()
    if _THOUSANDS.match(digits):
        raise NumberTextError("thousands")
    if not _DECIMAL.match(digits):
        raise NumberTextError("not_a_number")
    unit = ""
    if unit_text:
        unit = canonical_unit(unit_text) or ""
        if not unit:
            raise NumberTextError("not_a_number")
    return TypedNumber(float(digits.replace(",", ".")), bound, unit)
