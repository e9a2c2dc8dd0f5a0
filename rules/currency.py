"""Keeping the rule set current: which rules rest on which source, and which sources need a look.

`audit` is a report from the files alone. `label_revisions` asks openFDA's public drug-label API for
each label's current revision date (its `effective_time`) and compares it with the date a clinician
last checked that label; the caller passes the fetch function, so tests replay recorded responses
and never touch the network.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from .rulebook import Rulebook, Source

STALE_AFTER_DAYS = 183  # about 6 months
OPENFDA_LABELS = "https://api.fda.gov/drug/label.json"


@dataclass(frozen=True)
class AuditRow:
    key: str
    source: Source
    rules: tuple[str, ...]
    content: tuple[str, ...]  # category texts and appointment-kit parts (kit.yaml) that cite it
    days_since_checked: int

    @property
    def stale(self) -> bool:
        return self.days_since_checked > STALE_AFTER_DAYS

    @property
    def unused(self) -> bool:
        return not self.rules and not self.content


def audit(book: Rulebook, today: dt.date | None = None) -> list[AuditRow]:
    today = today or dt.date.today()
    rows = []
    for key, source in book.sources.items():
        rules = tuple(rule.id for rule in book.rules if key in rule.spec.sources)
        content = tuple(cat for cat, entry in book.content.categories.items() if key in entry.sources)
        content += tuple(f"kit: {where}" for where, cited in book.kit.source_keys() if cited == key)
        rows.append(AuditRow(key, source, rules, content, (today - source.checked).days))
    return sorted(rows, key=lambda row: (-row.days_since_checked, row.key))


def format_audit(rows: list[AuditRow]) -> str:
    lines = []
    for row in rows:
        flag = "  CHECK AGAIN (over 6 months)" if row.stale else "  UNUSED" if row.unused else ""
        cited = ", ".join(row.rules) or "no rule"
        if row.content:
            cited += f"; category text or kit: {', '.join(row.content)}"
        published = f", published {row.source.published}" if row.source.published else ""
        lines.append(
            f"{row.key} [{row.source.kind}{published}] checked {row.source.checked} "
            f"({row.days_since_checked} days ago){flag}\n    {len(row.rules)} rules: {cited}"
        )
    stale = sum(row.stale for row in rows)
    lines.append(
        f"{len(rows)} sources; {stale} not checked for over 6 months; "
        f"{sum(row.unused for row in rows)} cited by nothing."
    )
    return "\n".join(lines)


class Offline(Exception):
    """openFDA could not be reached (no network, DNS, timeout, or a server error)."""


Fetch = Callable[[str], "dict | None"]  # openFDA search expression -> response JSON, None if not found


def fetch_openfda(search: str, timeout: float = 10.0) -> dict | None:
    url = f"{OPENFDA_LABELS}?{urllib.parse.urlencode({'search': search, 'limit': 1})}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        if error.code == 404:  # openFDA answers "No matches found" with 404
            return None
        raise Offline(f"openFDA answered HTTP {error.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise Offline(str(getattr(error, "reason", error))) from None


@dataclass(frozen=True)
class LabelRevision:
    key: str
    checked: dt.date
    effective: dt.date | None  # None: openFDA has no label under that name

    @property
    def revised_since_check(self) -> bool:
        return self.effective is not None and self.effective > self.checked


def _effective_date(response: dict) -> dt.date | None:
    results = response.get("results") or []
    stamps = [r.get("effective_time", "") for r in results if len(r.get("effective_time", "")) >= 8]
    if not stamps:
        return None
    return dt.datetime.strptime(max(stamps)[:8], "%Y%m%d").date()


def label_revisions(book: Rulebook, fetch: Fetch) -> list[LabelRevision]:
    """One row per label source; raises Offline on the first failure to reach openFDA."""
    rows = []
    for key, source in sorted(book.sources.items()):
        if source.openfda is None:
            continue
        response = fetch(source.openfda.search)
        rows.append(LabelRevision(key, source.checked, _effective_date(response) if response else None))
    return rows


def format_label_revisions(rows: list[LabelRevision]) -> str:
    revised = [row for row in rows if row.revised_since_check]
    missing = [row for row in rows if row.effective is None]
    lines = [f"{len(rows)} labels asked; {len(revised)} revised since they were last checked."]
    for row in revised:
        lines.append(f"  REVISED {row.key}: label of {row.effective}, last checked {row.checked}: read what changed")
    for row in missing:
        lines.append(f"  NOT FOUND {row.key}: openFDA has no label under this name; check the 'openfda' entry")
    return "\n".join(lines)
