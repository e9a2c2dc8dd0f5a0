"""Lab values as printed on the report → the × ULN ratio the rules read, with plausibility checks.

Patients do not have "× ULN" (times the upper limit of normal); they have a result, its unit and a
normal range printed beside it. The stored answer stays the ratio, so the rules do not change.
The per-test data (units, plausible tops of the normal range) lives in questions.yaml (`report:`).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from pydantic import BaseModel, ConfigDict

from .answers import in_sentence
from .definition import LabReport, LabUnit, Question, load_definition
from .messages import current_language, report_test, say
from .numbers import NumberTextError, TypedNumber, read_typed_number

# Below 0.1 × ULN a result is under what labs measure (bilirubin about 2 µmol/L): in the chosen unit
# it more likely means the wrong unit was chosen.
LOWEST_PLAUSIBLE_RATIO = 0.1
_RANGE = re.compile(r"^\(?\s*([\d.,]+)\s*(?:-|–|—|to)\s*([\d.,]+.*?)\)?$", re.I)


class LabReading(BaseModel):
    """What a lab result means as a ratio: the ratio, or a problem to fix, or a question to confirm."""

    model_config = ConfigDict(frozen=True)

    ratio: float | None = None
    problem: str | None = None
    confirm: str | None = None

    @property
    def usable(self) -> bool:
        """A ratio that can be stored without asking (no problem, nothing to confirm)."""
        return self.ratio is not None and self.problem is None and self.confirm is None


def ratio_words(ratio: float) -> str:
    """The ratio in plain words, for patients."""
    if ratio == 1:
        return say("ratio_same")
    shown = _decimal(f"{ratio:.2g}" if ratio < 1 else f"{round(ratio, 1):g}")
    return say("ratio_below" if ratio < 1 else "ratio_above", ratio=shown)


def _decimal(number: str) -> str:
    """A number as this language writes it (decimal comma in Spanish)."""
    return number.replace(".", load_definition(current_language()).answer_words.decimal_mark)


def _report(question: Question) -> LabReport:
    if question.report is None:
        raise ValueError(f"question '{question.id}' has no report block")
    return question.report


def _number(text: Any) -> TypedNumber | None:
    """A number read from what was typed, or None."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return TypedNumber(float(text))
    if not isinstance(text, str):
        return None
    try:
        return read_typed_number(text)
    except NumberTextError:
        return None


def _upper_normal(text: Any) -> TypedNumber | None:
    """The top of the normal range: a number, or the top of a printed range such as '3-21' or '(3 to 21)'."""
    if isinstance(text, str):
        printed = _RANGE.match(unicodedata.normalize("NFKC", text).strip())
        if printed:
            text = printed.group(2)
    return _number(text)


def _usual_unit(report: LabReport, value: float, chosen: LabUnit, upper: bool) -> LabUnit | None:
    """Another unit in which this value is usual (as a result, or as the top of the normal range)."""
    for unit in report.units:
        if unit is chosen:
            continue
        if upper and unit.upper_normal[0] <= value <= unit.upper_normal[1]:
            return unit
        if not upper and LOWEST_PLAUSIBLE_RATIO <= value / unit.typical_upper_normal <= report.confirm_above:
            return unit
    return None


def ratio_from_report(question: Question, result: Any, unit: str, upper_normal: Any) -> LabReading:
    """Turn a result as printed, its unit and the top of its normal range into the × ULN ratio, checked."""
    report = _report(question)
    test = in_sentence(report_test(question.id))
    if unit not in report.unit_names:
        return LabReading(problem=say("lab_choose_unit", test=test))
    chosen = report.unit(unit)
    value, top = _number(result), _upper_normal(upper_normal)
    if value is None:
        return LabReading(problem=say("lab_result_number", test=test))
    if top is None:
        return LabReading(problem=say("lab_upper_number"))
    for typed in (value, top):
        if typed.unit and typed.unit != unit:
            return LabReading(problem=say("lab_unit_mismatch", typed=typed.unit, unit=unit))
    low, high = chosen.upper_normal
    if not low <= top.value <= high:
        other = _usual_unit(report, top.value, chosen, upper=True)
        if other:
            return LabReading(problem=say("lab_upper_other_unit", other=other.unit, value=_decimal(f"{top.value:g}")))
        return LabReading(
            problem=say("lab_upper_check", test=test, unit=unit, low=_decimal(f"{low:g}"), high=_decimal(f"{high:g}"))
        )
    if value.value < 0:
        return LabReading(problem=say("lab_below_zero", test=test))
    # Reports print "<3" below what the lab can measure; the bound is the closest value (see answers.py).
    ratio = round(value.value / top.value, 2)
    _, most = question.range  # type: ignore[misc]
    if ratio > most:
        return LabReading(problem=say("lab_too_high", ratio=_decimal(f"{ratio:g}")))
    if ratio < LOWEST_PLAUSIBLE_RATIO or ratio > report.confirm_above:
        other = _usual_unit(report, value.value, chosen, upper=False)
        if other:
            return LabReading(
                ratio=ratio,
                confirm=say(
                    "lab_result_other_unit", unit=unit, test=test, value=_decimal(f"{value.value:g}"), other=other.unit
                ),
            )
    if ratio > report.confirm_above:
        return LabReading(ratio=ratio, confirm=very_high_question(question, ratio))
    return LabReading(ratio=ratio)


def very_high_question(question: Question, ratio: float) -> str:
    """The question to ask when a × ULN ratio is much higher than people usually have."""
    _report(question)
    return say("lab_very_high", ratio=_decimal(f"{ratio:g}"), test=in_sentence(report_test(question.id)))


def direct_ratio_question(question: Question, typed: Any) -> str | None:
    """For a × ULN ratio typed directly: a question if it is implausibly high, else None.

    The model accepts the whole plausible range (a ratio of 12 is possible), but "12" is also what a
    normal bilirubin in µmol/L looks like, so the UI asks before storing it.
    """
    if question.report is None or (isinstance(typed, str) and not typed.strip()):
        return None
    number = _number(typed)
    if number is None or number.unit not in ("", "× ULN"):
        return None  # not a number: validation explains it
    _, most = question.range  # type: ignore[misc]
    if question.report.confirm_above < number.value <= most:
        return very_high_question(question, number.value)
    return None
