"""Describe a failure for an operator without its message: messages can quote a label or answers."""

from __future__ import annotations

import traceback
from pathlib import Path


def describe_failure(error: BaseException) -> str:
    """'ValueError at pdf.py:123' — the kind of error and where, never what it says."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__name__}{where}"
