"""Keeping the rules current: the source audit and the openFDA label check (recorded responses only)."""

import datetime as dt
import io
import json
import urllib.error
from pathlib import Path
from types import SimpleNamespace

import pytest

from rules import load_rulebook
from rules.__main__ import main
from rules.currency import Offline, audit, fetch_openfda, format_audit, format_label_revisions, label_revisions
from rules.rulebook import Source

RULEBOOK = load_rulebook()

RECORDED = Path(__file__).parent / "fixtures" / "openfda"


def _recorded(name: str) -> dict:
    return json.loads((RECORDED / f"{name}.json").read_text())


def _label(brand: str, checked: str) -> Source:
    return Source(
        title=f"FDA label: {brand}",
        url=f"https://dailymed.nlm.nih.gov/dailymed/search.cfm?query={brand}",
        kind="label",
        openfda={"brand_name": brand},
        checked=dt.date.fromisoformat(checked),
    )


def test_every_source_has_a_kind_and_a_check_date_and_every_label_can_be_found_on_openfda():
    for key, source in RULEBOOK.sources.items():
        assert source.checked <= dt.date.today(), key
        assert (source.kind == "label") == (source.openfda is not None), key


def test_audit_lists_the_rules_citing_each_source_and_flags_old_checks():
    rows = {row.key: row for row in audit(RULEBOOK, today=dt.date(2027, 6, 1))}
    keytruda = rows["label_keytruda"]
    assert "checkpoint_inhibitor.melanoma.advanced" in keytruda.rules
    assert keytruda.stale  # checked 2026-11-23, more than 6 months before 2027-06-01
    report = format_audit(list(rows.values()))
    assert "label_keytruda [label] checked 2026-11-23 (190 days ago)  CHECK AGAIN (over 6 months)" in report
    assert f"{len(rows)} sources; {len(rows)} not checked for over 6 months" in report


def test_audit_today_flags_nothing_and_every_source_is_cited():
    rows = audit(RULEBOOK)
    assert not [row.key for row in rows if row.stale]
    assert not [row.key for row in rows if row.unused]


def test_label_check_lists_labels_revised_since_they_were_last_checked():
    book = SimpleNamespace(
        sources={
            "label_keytruda": _label("KEYTRUDA", "2026-05-01"),
            "label_opdivo": _label("OPDIVO", "2026-05-01"),
            "label_gone": _label("NOSUCHDRUG", "2026-05-01"),
            "nci_checkpoint": RULEBOOK.sources["nci_checkpoint"],
        }
    )
    responses = {
        'openfda.brand_name:"KEYTRUDA"': _recorded("keytruda"),
        'openfda.brand_name:"OPDIVO"': _recorded("opdivo"),
    }
    asked = []

    def fetch(search):
        asked.append(search)
        return responses.get(search)

    rows = {row.key: row for row in label_revisions(book, fetch)}
    assert len(asked) == 3  # labels only; the NCI page is not a label
    assert rows["label_keytruda"].effective == dt.date(2026, 10, 2) and rows["label_keytruda"].revised_since_check
    assert rows["label_opdivo"].effective == dt.date(2026, 3, 15) and not rows["label_opdivo"].revised_since_check
    assert rows["label_gone"].effective is None
    report = format_label_revisions(list(rows.values()))
    assert report.splitlines()[0] == "3 labels asked; 1 revised since they were last checked."
    assert "REVISED label_keytruda: label of 2026-10-02, last checked 2026-05-01" in report
    assert "NOT FOUND label_gone" in report


def _raise(error):
    def urlopen(*args, **kwargs):
        raise error

    return urlopen


def test_fetch_reads_a_response_and_treats_404_as_not_found(monkeypatch):
    monkeypatch.setattr(
        "urllib.request.urlopen", lambda url, timeout: io.BytesIO((RECORDED / "keytruda.json").read_bytes())
    )
    assert fetch_openfda('openfda.brand_name:"KEYTRUDA"')["results"][0]["effective_time"] == "20261002"
    not_found = urllib.error.HTTPError(
        "https://api.fda.gov/drug/label.json",
        404,
        "Not Found",
        {},
        io.BytesIO((RECORDED / "not_found.json").read_bytes()),
    )
    monkeypatch.setattr("urllib.request.urlopen", _raise(not_found))
    assert fetch_openfda('openfda.brand_name:"NOSUCHDRUG"') is None


@pytest.mark.parametrize(
    "error",
    [
        urllib.error.URLError("Name or service not known"),
        TimeoutError("timed out"),
        urllib.error.HTTPError("https://api.fda.gov", 503, "Unavailable", {}, None),
    ],
)
def test_offline_the_label_check_says_so_in_one_line_and_exits_0(monkeypatch, capsys, error):
    monkeypatch.setattr("urllib.request.urlopen", _raise(error))
    with pytest.raises(Offline):
        fetch_openfda('openfda.brand_name:"KEYTRUDA"')
    assert main(["labels"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("openFDA cannot be reached (")
    assert "no labels were checked" in out


def test_audit_command_is_a_report_and_exits_0(capsys):
    assert main(["audit"]) == 0
    assert "label_keytruda [label]" in capsys.readouterr().out
